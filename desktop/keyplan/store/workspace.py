"""A workspace is one SQLite file (``*.keyplan``) holding all of one user's data.

Opening is careful because the file is the user's only copy:

1. the header is read as plain bytes first, so a file that is not ours, is
   truncated or is empty is refused before SQLite touches it;
2. a lock file next to it is taken, so a second running Keyplan cannot write;
3. the schema revision is read through a *read-only* connection, so a file
   made by a newer Keyplan is refused and left byte-identical;
4. only then is the file opened for writing; an older schema is backed up
   (SQLite online backup) and migrated.

Every write happens inside ``Workspace.transaction()``: one transaction per
user action, committed with ``synchronous=FULL`` in WAL mode.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import filelock
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from keyplan.domain.errors import FrozenError
from keyplan.store import migrate
from keyplan.store.errors import (
    CorruptWorkspaceError,
    NotAWorkspaceError,
    WorkspaceError,
    WorkspaceExistsError,
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspaceReadOnlyError,
    WorkspaceTooNewError,
    WorkspaceWriteError,
)

SUFFIX = ".keyplan"
APPLICATION_ID = 0x4B504C4E  # "KPLN" in the SQLite header, marks the file as ours
_SQLITE_MAGIC = b"SQLite format 3\x00"
FROZEN_MARK = "keyplan: frozen"  # raised by the triggers of migration 0002
_HEADER_SIZE = 100


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def check_header(path: Path) -> None:
    """Refuse a file that is not a complete Keyplan workspace, reading bytes only."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except FileNotFoundError as exc:
        raise WorkspaceNotFoundError(path, f"{path} does not exist.") from exc
    except PermissionError as exc:
        raise WorkspaceReadOnlyError(path, f"{path} cannot be read: permission denied.") from exc
    except IsADirectoryError as exc:
        raise NotAWorkspaceError(path, f"{path} is a folder, not a workspace.") from exc
    if size == 0:
        raise NotAWorkspaceError(path, f"{path.name} is empty: it is not a Keyplan workspace.")
    if not header.startswith(_SQLITE_MAGIC):
        raise NotAWorkspaceError(path, f"{path.name} is not a Keyplan workspace.")
    if len(header) < _HEADER_SIZE:
        raise CorruptWorkspaceError(path, f"{path.name} is damaged: the file is truncated.")
    (application_id,) = struct.unpack(">I", header[68:72])
    if application_id != APPLICATION_ID:
        raise NotAWorkspaceError(
            path, f"{path.name} is an SQLite database, but not a Keyplan workspace."
        )
    (raw_page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptWorkspaceError(path, f"{path.name} is damaged: its header is invalid.")
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0  # a crash mid-checkpoint: SQLite
    # replays the WAL and the file grows back, so only a file without one is truncated
    if valid_for == change_counter and size < page_count * page_size and not wal_pending:
        raise CorruptWorkspaceError(
            path,
            f"{path.name} is damaged: the file is truncated "
            f"({size:,} of {page_count * page_size:,} bytes). Restore it from a backup.",
        )


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _read_only_connection(path: Path, *, glance: bool = False) -> sqlite3.Connection:
    """A connection that cannot write the file, whatever happens.

    ``glance`` is for a one-off look (header, revision, copy source): when no
    ``-wal`` file exists nobody has the file open, so it is opened immutable and
    SQLite creates no ``-wal``/``-shm`` files, leaving a refused file's folder
    exactly as it was. A connection that lives on (a read-only workspace) uses
    ``mode=ro`` so it keeps seeing what a writer commits, unless the folder is
    read-only: then no writer can exist (WAL needs the folder) and ``mode=ro``
    could not create its ``-shm`` file.
    """
    wal = path.with_name(path.name + "-wal")
    frozen = glance or not os.access(path.parent, os.W_OK)
    mode = "immutable=1" if frozen and not wal.exists() else "mode=ro"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)


def _translate(path: Path, exc: Exception) -> WorkspaceError:
    """Turn an SQLite failure into an error whose message a user can act on."""
    message = str(getattr(exc, "orig", exc)).lower()
    name = path.name
    if "disk is full" in message or "database or disk is full" in message:
        return WorkspaceWriteError(
            path,
            f"The disk holding {name} is full. The last change was not saved; "
            "free some space and try again.",
        )
    if "readonly" in message or "read-only" in message:
        return WorkspaceReadOnlyError(
            path, f"{name} cannot be written (the file or its folder is read-only)."
        )
    if "locked" in message or "busy" in message:
        return WorkspaceLockedError(path, f"{name} is busy in another program. Try again.")
    if "malformed" in message or "not a database" in message or "corrupt" in message:
        return CorruptWorkspaceError(
            path, f"{name} is damaged ({message}). Restore it from a backup."
        )
    if "unable to open" in message:
        return WorkspaceNotFoundError(path, f"{name} cannot be opened: the drive may be gone.")
    return WorkspaceWriteError(path, f"{name} could not be written: {message}.")


def _inspect_revision(path: Path) -> str:
    """Check integrity and return the schema revision, without writing anything."""
    try:
        conn = _read_only_connection(path, glance=True)
    except sqlite3.Error as exc:
        raise _translate(path, exc) from exc
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            detail = result[0] if result else "no answer"
            raise CorruptWorkspaceError(
                path, f"{path.name} is damaged ({detail}). Restore it from a backup."
            )
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        row = (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if has_version
            else None
        )
    except sqlite3.DatabaseError as exc:
        raise _translate(path, exc) from exc
    except ValueError as exc:  # e.g. damaged schema text that is not even UTF-8
        raise CorruptWorkspaceError(
            path, f"{path.name} is damaged (unreadable schema). Restore it from a backup."
        ) from exc
    finally:
        conn.close()
    if row is None:
        raise CorruptWorkspaceError(
            path, f"{path.name} is incomplete: it has no schema version. Restore it from a backup."
        )
    revision = str(row[0])
    if revision not in migrate.known_revisions():
        raise WorkspaceTooNewError(
            path,
            f"{path.name} was saved by a newer version of Keyplan (schema {revision}). "
            "Update Keyplan to open it; the file was not changed.",
        )
    return revision


def _remove_stray_journals(path: Path) -> None:
    """A ``-wal``/``-shm`` left beside a name whose file is gone would be replayed into
    the new file put there: they belong to no database any more, so they go."""
    if path.exists():
        return
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _temp_file_beside(target: Path, purpose: str, refusal: str = "Cannot write to") -> Path:
    """An empty temporary file in ``target``'s folder, to be renamed onto it when complete.

    mkstemp makes it 0600; it gets the permissions any new file of the user's would.
    """
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".keyplan-{purpose}-", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise WorkspaceReadOnlyError(target, f"{refusal} {target.parent}: {exc.strerror}.") from exc
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    temp = Path(name)
    temp.chmod(0o666 & ~umask)
    return temp


def copy_database(source: Path, destination: Path) -> None:
    """Write a consistent copy of ``source`` to ``destination`` atomically.

    Uses SQLite's online backup API (safe while the source is open and in WAL
    mode) into a temporary file beside the destination, then renames it.
    """
    destination = destination.resolve()
    if not destination.parent.is_dir():
        raise WorkspaceNotFoundError(
            destination, f"The folder {destination.parent} does not exist."
        )
    temp = _temp_file_beside(destination, "copy")
    try:
        src = _read_only_connection(source, glance=True)
        try:
            dst = sqlite3.connect(temp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a copy is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        _remove_stray_journals(destination)
        os.replace(temp, destination)
    except sqlite3.Error as exc:
        raise _translate(destination, exc) from exc
    except OSError as exc:
        raise WorkspaceWriteError(
            destination, f"Could not write {destination.name}: {exc.strerror}."
        ) from exc
    finally:
        temp.unlink(missing_ok=True)


class Workspace:
    """An open workspace file. Use ``Workspace.create`` or ``Workspace.open``."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        lock: filelock.BaseFileLock | None,
        *,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # the session of an ``atomic()`` block, for the thread that runs it only (an export
        # worker reading meanwhile gets its own session, as always)
        self._shared: Session | None = None
        self._shared_thread = 0
        self.migrated_from: str | None = None
        self.backup_path: Path | None = None

    # -- opening and closing ---------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str) -> Workspace:
        """Create a new, empty workspace at ``path``; refuses to overwrite anything."""
        path = Path(path).expanduser().resolve()
        if path.exists():
            raise WorkspaceExistsError(path, f"{path} already exists; choose another name.")
        if not path.parent.is_dir():
            raise WorkspaceNotFoundError(path, f"The folder {path.parent} does not exist.")
        temp = _temp_file_beside(path, "new", "Cannot create a workspace in")
        try:
            conn = sqlite3.connect(temp)
            try:
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.commit()
            finally:
                conn.close()
            # the last connection closes in there: the WAL is checkpointed and removed
            migrate.upgrade_file(temp)
            if path.exists():
                raise WorkspaceExistsError(path, f"{path} already exists; choose another name.")
            _remove_stray_journals(path)
            os.replace(temp, path)
        except (sqlite3.Error, DatabaseError) as exc:
            raise _translate(path, exc) from exc
        finally:
            temp.unlink(missing_ok=True)
        return cls.open(path)

    @classmethod
    def open(
        cls, path: Path | str, *, backup_dir: Path | None = None, read_only: bool = False
    ) -> Workspace:
        """Open ``path`` for writing (see the module docstring for the checks).

        An older schema is backed up into ``backup_dir`` (default: the
        workspace's own folder) and migrated. ``read_only`` takes no lock, so it
        works while the app has the file open, and never migrates or writes.
        """
        path = Path(path).expanduser().resolve()
        check_header(path)
        if read_only:
            return cls._open_read_only(path)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise WorkspaceReadOnlyError(
                path,
                f"{path.name} is read-only (the file or its folder {path.parent} cannot be "
                "written). Copy it to a folder you can write to.",
            )
        lock = filelock.FileLock(lock_path(path), timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise WorkspaceLockedError(
                path,
                f"{path.name} is already open in another Keyplan window. "
                "Close it there first; two programs writing one workspace could lose edits.",
            ) from exc
        except OSError as exc:
            raise WorkspaceReadOnlyError(path, f"Cannot lock {path.name}: {exc.strerror}.") from exc
        try:
            revision = _inspect_revision(path)
            workspace = cls(path, cls._engine(path), lock)
            if revision != migrate.head_revision():
                workspace._upgrade(revision, backup_dir)
        except BaseException:
            lock.release()
            raise
        return workspace

    @classmethod
    def _open_read_only(cls, path: Path) -> Workspace:
        revision = _inspect_revision(path)
        if revision != migrate.head_revision():
            raise WorkspaceReadOnlyError(
                path,
                f"{path.name} was made by an older Keyplan: open it in Keyplan once to "
                "upgrade it before reading it here.",
            )
        engine = create_engine("sqlite+pysqlite://", creator=partial(_read_only_connection, path))
        return cls(path, engine, None, read_only=True)

    @staticmethod
    def _engine(path: Path) -> Engine:
        # Pooled connections keep the WAL open between edits; ``close`` disposes
        # of the pool, which checkpoints the WAL into the file and removes it.
        engine = create_engine(f"sqlite+pysqlite:///{path}")
        event.listen(engine, "connect", _set_pragmas)
        return engine

    def _upgrade(self, revision: str, backup_dir: Path | None) -> None:
        folder = backup_dir or self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceReadOnlyError(
                folder, f"Cannot back up {self.path.name} before upgrading it: {exc.strerror}."
            ) from exc
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.backup_path = folder / f"{self.path.stem}-{stamp}-before-upgrade{SUFFIX}"
        copy_database(self.path, self.backup_path)
        self.engine.dispose()  # nothing of ours holds the file while it is rebuilt
        try:
            migrate.upgrade_file(self.path)
        except DatabaseError as exc:
            raise _translate(self.path, exc) from exc
        except migrate.MigrationCheckError as exc:
            raise CorruptWorkspaceError(
                self.path, f"{self.path.name} could not be upgraded: {exc}"
            ) from exc
        self.migrated_from = revision

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- using it ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: commit on success, roll back everything on any error.

        Inside :meth:`atomic` it joins the block's transaction instead: what it writes is
        committed (or rolled back) with the whole block.
        """
        if self._shared is not None and self._shared_thread == threading.get_ident():
            yield self._shared
            return
        if self.read_only:
            raise WorkspaceReadOnlyError(
                self.path, f"{self.path.name} is open read-only: nothing can be changed."
            )
        try:
            with self._sessions() as session, session.begin():
                yield session
        except IntegrityError as exc:
            if FROZEN_MARK in str(exc.orig):  # a trigger guarding a sent revision
                raise FrozenError(
                    "A sent estimate cannot be changed: create a new revision."
                ) from exc
            raise _translate(self.path, exc) from exc
        except (OperationalError, DatabaseError) as exc:
            raise _translate(self.path, exc) from exc

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed (inside :meth:`atomic`: the
        block's session, which sees what the block has written so far)."""
        if self._shared is not None and self._shared_thread == threading.get_ident():
            yield self._shared
            return
        try:
            with self._sessions() as session:
                yield session
                session.rollback()
        except (OperationalError, DatabaseError) as exc:
            raise _translate(self.path, exc) from exc

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """Several service calls as ONE transaction: every ``transaction()`` and ``reading()``
        inside the block uses one session, committed when the block ends and rolled back
        entirely if anything raises (or the process dies before the end). For imports that
        must apply whole or not at all."""
        if self._shared is not None and self._shared_thread == threading.get_ident():
            yield  # already inside a block: it is the block
            return
        with self.transaction() as session:
            self._shared, self._shared_thread = session, threading.get_ident()
            try:
                yield
            finally:
                self._shared, self._shared_thread = None, 0

    def schema_revision(self) -> str:
        with self.engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value)

    def save_copy(self, destination: Path | str) -> Path:
        """Write a consistent copy of the workspace; the copy is a workspace too."""
        target = Path(destination).expanduser().resolve()
        if target == self.path:
            raise WorkspaceExistsError(target, "Choose another file: this is the open workspace.")
        if target.exists():  # it may be another workspace, even one open elsewhere
            raise WorkspaceExistsError(target, f"{target} already exists; choose another name.")
        copy_database(self.path, target)
        return target

    def integrity_check(self) -> str:
        with self.engine.connect() as connection:
            return str(connection.execute(text("PRAGMA integrity_check")).scalar())
