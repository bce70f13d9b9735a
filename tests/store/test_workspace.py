"""The workspace file: creating, opening, refusing, locking, copying, surviving a kill.

Every test works on real SQLite files in ``tmp_path``. A refusal must leave the
user's file byte-identical and the folder as it was (apart from the lock file
where the code takes the lock before refusing; each test states which).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from keyplan.services.records import AccountDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices
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
from keyplan.store.workspace import APPLICATION_ID, Workspace, lock_path

# -- helpers -----------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (recursively) -> sha256 of its bytes, or ``<dir>``."""
    state: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            state[os.path.relpath(os.path.join(root, name), folder)] = "<dir>"
        for name in files:
            full = Path(root, name)
            state[os.path.relpath(full, folder)] = sha256(full)
    return state


EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def assert_untouched(before: dict[str, str], path: Path, *, lock_file_added: bool) -> None:
    """The folder holds exactly what it held before, plus (if stated) an empty lock file."""
    after = folder_state(path.parent)
    expected = dict(before)
    if lock_file_added:
        expected[lock_path(path).name] = EMPTY_SHA256
    assert after == expected


def _chattr(flag: str, path: Path) -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    result = subprocess.run([chattr, flag, str(path)], capture_output=True, check=False)
    return result.returncode == 0


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (file or folder) unwritable for this process, then undo it.

    As an ordinary user, removing the write bits is enough. root ignores mode
    bits, so there the immutable attribute (``chattr +i``) is used instead, which
    the kernel enforces even for root; without it the test is skipped.
    """
    if os.geteuid() == 0:
        if not _chattr("+i", path):
            pytest.skip(
                "running as root, where chmod cannot make a path read-only, and "
                "'chattr +i' is not available here to do it instead"
            )
        try:
            yield
        finally:
            _chattr("-i", path)
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)


def pragma(connection: object, name: str) -> object:
    return connection.execute(text(f"PRAGMA {name}")).scalar()  # type: ignore[attr-defined]


def account_names(path: Path) -> list[str]:
    with WorkspaceServices.open(path) as services:
        return [record.name for record in services.accounts.all()]


# -- creating ----------------------------------------------------------------------------------


def test_create_makes_a_keyplan_sqlite_file_with_safe_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "new.keyplan"
    workspace = Workspace.create(path)
    try:
        assert path.is_file()
        assert path.read_bytes()[:16] == b"SQLite format 3\x00"
        # Two connections open at once: each gets the pragmas, not only the first.
        with workspace.engine.connect() as first, workspace.engine.connect() as second:
            for connection in (first, second):
                assert pragma(connection, "application_id") == APPLICATION_ID == 0x4B504C4E
                assert pragma(connection, "journal_mode") == "wal"
                assert pragma(connection, "foreign_keys") == 1
                assert pragma(connection, "synchronous") == 2  # FULL
        assert workspace.schema_revision() == migrate.head_revision()
        assert workspace.integrity_check() == "ok"
    finally:
        workspace.close()
    # mkstemp's private 0600 is not kept: the file gets what any new file would.
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    # Closing checkpoints the WAL: no -wal/-shm and no temporary file stays behind;
    # the lock file (kept by filelock so waiters agree on one inode) is all that remains.
    assert sorted(os.listdir(tmp_path)) == ["new.keyplan", "new.keyplan.lock"]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)


def test_create_enforces_foreign_keys_on_the_engine(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "fk.keyplan") as workspace:
        with pytest.raises(WorkspaceWriteError), workspace.transaction() as session:
            session.execute(
                text(
                    "INSERT INTO note (account_id, noted_on, kind, title, body, created_at,"
                    " updated_at) VALUES (999, '2025-01-01', 'note', 't', '', 'x', 'x')"
                )
            )
        with workspace.reading() as session:
            assert session.execute(text("SELECT count(*) FROM note")).scalar() == 0


def test_create_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "precious.keyplan"
    path.write_bytes(b"the user's only copy of something important")
    before = folder_state(tmp_path)
    with pytest.raises(WorkspaceExistsError, match="already exists"):
        Workspace.create(path)
    with pytest.raises(WorkspaceExistsError):
        WorkspaceServices.create(path)
    assert folder_state(tmp_path) == before


def test_create_refuses_an_existing_workspace_even_while_it_is_open(tmp_path: Path) -> None:
    path = tmp_path / "open.keyplan"
    with WorkspaceServices.create(path) as services:
        services.accounts.create(AccountDraft("Keep me"))
        with pytest.raises(WorkspaceExistsError):
            Workspace.create(path)
        assert [a.name for a in services.accounts.all()] == ["Keep me"]


def test_create_refuses_a_missing_folder_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "new.keyplan"
    with pytest.raises(WorkspaceNotFoundError, match="does not exist"):
        Workspace.create(path)
    assert os.listdir(tmp_path) == []


def test_create_in_a_read_only_folder_is_refused_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "locked-down"
    folder.mkdir()
    with read_only(folder):
        with pytest.raises(WorkspaceReadOnlyError, match="Cannot create a workspace"):
            Workspace.create(folder / "new.keyplan")
        assert os.listdir(folder) == []


def test_a_created_workspace_reopens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "reopen.keyplan"
    with WorkspaceServices.create(path) as services:
        services.accounts.create(AccountDraft("Nguyễn Thị Hương Trading", currency="VND"))
    with WorkspaceServices.open(path) as services:
        [account] = services.accounts.all()
        assert (account.name, account.currency) == ("Nguyễn Thị Hương Trading", "VND")
        assert services.workspace.integrity_check() == "ok"


def test_open_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFoundError, match="does not exist"):
        Workspace.open(tmp_path / "gone.keyplan")
    assert os.listdir(tmp_path) == []


# -- refusing what is not a good workspace -------------------------------------------------------


def _write_random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _write_text(path: Path) -> None:
    path.write_text("name,currency\nAcme,USD\n=cmd|' /C calc'!A0,EUR\n", encoding="utf-8")


def _write_empty(path: Path) -> None:
    path.write_bytes(b"")


def _write_folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("a folder named like a workspace")


def _write_foreign_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO songs (title) VALUES ('not ours')")
        conn.commit()
    assert path.read_bytes()[68:72] == b"\x00\x00\x00\x00"  # application_id 0


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (_write_random, NotAWorkspaceError, "not a Keyplan workspace"),
        (_write_text, NotAWorkspaceError, "not a Keyplan workspace"),
        (_write_empty, NotAWorkspaceError, "empty"),
        (_write_folder, NotAWorkspaceError, "folder"),
        (_write_foreign_sqlite, NotAWorkspaceError, "SQLite database, but not a Keyplan"),
    ],
    ids=["random-bytes", "text-file", "empty-file", "folder", "other-apps-sqlite"],
)
def test_not_a_workspace_is_refused_and_left_untouched(
    tmp_path: Path, make: object, error: type[WorkspaceError], message: str
) -> None:
    path = tmp_path / "suspect.keyplan"
    make(path)  # type: ignore[operator]
    before = folder_state(tmp_path)
    with pytest.raises(error, match=message) as raised:
        WorkspaceServices.open(path)
    assert raised.value.path == path
    # Refused from the header bytes alone: not even a lock file is created.
    assert_untouched(before, path, lock_file_added=False)


@pytest.mark.parametrize("keep", ["half", 100, 4096], ids=["half", "100-bytes", "one-page"])
def test_truncated_workspace_is_refused_and_left_untouched(
    workspace_file: Path, keep: str | int
) -> None:
    size = workspace_file.stat().st_size
    assert size > 3 * 4096  # the fixture really has several pages of data
    os.truncate(workspace_file, size // 2 if keep == "half" else int(keep))
    before = folder_state(workspace_file.parent)
    with pytest.raises(CorruptWorkspaceError, match="truncated") as raised:
        Workspace.open(workspace_file)
    assert "backup" in str(raised.value)
    assert_untouched(before, workspace_file, lock_file_added=False)


def _root_pages(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)) as conn:
        return dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0"))


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


@pytest.mark.parametrize("table", ["account", "contact", "note"])
def test_damaged_btree_page_is_refused_and_left_untouched(workspace_file: Path, table: str) -> None:
    page_size = 4096
    root = _root_pages(workspace_file)[table]
    assert root > 1
    # Smash the b-tree page header and cell pointers of the table's root page.
    _overwrite(workspace_file, (root - 1) * page_size, b"\xa5" * 64)
    before = folder_state(workspace_file.parent)
    with pytest.raises(CorruptWorkspaceError, match="damaged") as raised:
        Workspace.open(workspace_file)
    assert "Restore it from a backup" in str(raised.value)
    # The damage is found after the lock is taken; the lock file is all that is added.
    assert_untouched(before, workspace_file, lock_file_added=True)
    # ... and the lock was released: the next attempt gives the same answer, not "locked".
    with pytest.raises(CorruptWorkspaceError):
        Workspace.open(workspace_file)


def test_damaged_schema_page_is_refused_and_left_untouched(workspace_file: Path) -> None:
    # Page 1 beyond the 100-byte file header is the b-tree page of sqlite_master.
    _overwrite(workspace_file, 100, b"\xa5" * 64)
    before = folder_state(workspace_file.parent)
    with pytest.raises(CorruptWorkspaceError, match="damaged"):
        Workspace.open(workspace_file)
    assert_untouched(before, workspace_file, lock_file_added=True)


def test_schema_text_damaged_with_non_utf8_bytes_is_a_corrupt_workspace(
    workspace_file: Path,
) -> None:
    data = workspace_file.read_bytes()
    at = data.find(b"CREATE TABLE account (")
    assert at > 0
    # "CREATE \xff\xff\xff\xff\xff account (": SQLite reports a syntax error near those bytes.
    _overwrite(workspace_file, at + len(b"CREATE "), b"\xff" * len(b"TABLE"))
    before = folder_state(workspace_file.parent)
    try:
        with pytest.raises(CorruptWorkspaceError):
            Workspace.open(workspace_file)
    finally:
        assert_untouched(before, workspace_file, lock_file_added=True)


def _set_revision(path: Path, revision: str | None) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("DELETE FROM alembic_version")
        if revision is not None:
            conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        conn.commit()
    assert not Path(f"{path}-wal").exists()


def test_workspace_from_a_newer_keyplan_is_refused_and_left_untouched(
    workspace_file: Path,
) -> None:
    _set_revision(workspace_file, "9999_from_the_future")
    before = folder_state(workspace_file.parent)
    with pytest.raises(WorkspaceTooNewError) as raised:
        WorkspaceServices.open(workspace_file)
    message = str(raised.value)
    assert "newer version of Keyplan" in message
    assert "9999_from_the_future" in message
    assert "not changed" in message
    assert_untouched(before, workspace_file, lock_file_added=True)


def test_workspace_without_a_schema_version_is_refused(workspace_file: Path) -> None:
    _set_revision(workspace_file, None)
    before = folder_state(workspace_file.parent)
    with pytest.raises(CorruptWorkspaceError, match="no schema version"):
        Workspace.open(workspace_file)
    assert_untouched(before, workspace_file, lock_file_added=True)


def test_an_empty_sqlite_file_marked_as_ours_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.keyplan"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    before = folder_state(tmp_path)
    with pytest.raises(CorruptWorkspaceError, match="no schema version"):
        Workspace.open(path)
    assert_untouched(before, path, lock_file_added=True)


# -- one writer ----------------------------------------------------------------------------------


def test_second_open_in_the_same_process_is_refused(workspace_file: Path) -> None:
    first = WorkspaceServices.open(workspace_file)
    try:
        with pytest.raises(WorkspaceLockedError, match="already open") as raised:
            Workspace.open(workspace_file)
        assert "Close it there first" in str(raised.value)
        # The refused attempt did not disturb the first one.
        first.accounts.create(AccountDraft("Still writable"))
    finally:
        first.close()
    with Workspace.open(workspace_file) as again:
        assert again.integrity_check() == "ok"
    assert "Still writable" in account_names(workspace_file)


_OPEN_SCRIPT = textwrap.dedent(
    """
    import sys
    from keyplan.services.workspace import WorkspaceServices, WorkspaceLockedError
    try:
        services = WorkspaceServices.open(sys.argv[1])
    except WorkspaceLockedError as exc:
        print("LOCKED:", exc)
        sys.exit(3)
    print("OPENED", len(services.accounts.all()))
    services.close()
    """
)


def _run_opener(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _OPEN_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_second_process_is_refused_while_the_first_holds_the_workspace(
    workspace_file: Path,
) -> None:
    first = WorkspaceServices.open(workspace_file)
    try:
        refused = _run_opener(workspace_file)
        assert refused.returncode == 3, refused.stderr
        assert "already open in another Keyplan window" in refused.stdout
        assert "Traceback" not in refused.stderr
    finally:
        first.close()
    allowed = _run_opener(workspace_file)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "OPENED 12"


# -- a writer killed mid-way ---------------------------------------------------------------------

_WRITER_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import date
    from keyplan.services.records import AccountDraft, NoteDraft
    from keyplan.services.workspace import WorkspaceServices

    services = WorkspaceServices.open(sys.argv[1])
    number = 0
    while True:
        account_id = services.accounts.create(
            AccountDraft(f"Killed {number}", currency="EUR", notes="x" * 3000)
        )
        services.accounts.update(account_id, {"health": "amber", "health_reason": str(number)})
        services.notes.create(account_id, NoteDraft(f"Note {number}", date(2025, 2, 1)))
        print("committed", number, account_id, flush=True)
        number += 1
    """
)


def test_a_killed_writer_loses_nothing_it_reported_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.keyplan"
    WorkspaceServices.create(path).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER_SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed: dict[int, int] = {}
    try:
        assert writer.stdout is not None
        deadline = time.monotonic() + 40
        while len(committed) < 100 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            _, number, account_id = line.split()
            committed[int(number)] = int(account_id)
        assert len(committed) >= 100, writer.stderr.read() if writer.stderr else ""
        writer.send_signal(signal.SIGKILL)
        rest, errors = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL, errors
    for line in rest.splitlines():  # printed after its commit, before the kill landed
        _, number, account_id = line.split()
        committed[int(number)] = int(account_id)
    # The writer died holding a live WAL: opening has to recover it.
    assert Path(f"{path}-wal").exists()

    with WorkspaceServices.open(path) as services:
        assert services.workspace.integrity_check() == "ok"
        by_id = {record.id: record for record in services.accounts.all()}
        for number, account_id in committed.items():
            record = by_id[account_id]
            assert record.name == f"Killed {number}"
            assert (record.health, record.health_reason) == ("amber", str(number))
            assert record.notes == "x" * 3000
            assert [n.title for n in services.notes.for_account(account_id)] == [f"Note {number}"]
        # Whatever was in flight at the kill is either all there or not at all:
        # every account that exists is one of ours with its name intact.
        assert all(r.name.startswith("Killed ") for r in by_id.values())
        assert len(by_id) - len(committed) in (0, 1)


# -- save a copy ---------------------------------------------------------------------------------


def test_save_copy_is_a_workspace_with_the_same_data(workspace_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.keyplan"
    with WorkspaceServices.open(workspace_file) as services:
        account_id = services.accounts.create(AccountDraft("Only in the live WAL"))
        services.notes.create(account_id, NoteDraft("Fresh", date.today()))
        assert Path(f"{workspace_file}-wal").exists()  # the edit is still in the WAL
        assert services.save_copy(copy) == copy
        original = [
            (a, services.contacts.for_account(a.id), services.notes.for_account(a.id))
            for a in services.accounts.all()
        ]
        agency = services.agency.get()
    # One self-contained file: no -wal/-shm beside it and no temporary file left.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == [
        "copy.keyplan"
    ]
    assert not [p for p in tmp_path.rglob("*.tmp")]
    with WorkspaceServices.open(copy) as services:
        assert services.workspace.integrity_check() == "ok"
        assert services.workspace.schema_revision() == migrate.head_revision()
        copied = [
            (a, services.contacts.for_account(a.id), services.notes.for_account(a.id))
            for a in services.accounts.all()
        ]
        assert services.agency.get() == agency
    assert copied == original
    assert "Only in the live WAL" in [a.name for a, _, _ in copied]


def test_save_copy_refuses_to_copy_onto_itself(workspace_file: Path) -> None:
    with WorkspaceServices.open(workspace_file) as services:
        before = sha256(workspace_file)
        with pytest.raises(WorkspaceExistsError, match="open workspace"):
            services.save_copy(workspace_file)
        # Another spelling of the same path is the same file.
        alias = workspace_file.parent / ".." / workspace_file.parent.name / workspace_file.name
        with pytest.raises(WorkspaceExistsError):
            services.save_copy(alias)
        assert sha256(workspace_file) == before
        assert len(services.accounts.all()) == 12


def test_save_copy_into_a_missing_folder_is_a_clear_error(workspace_file: Path) -> None:
    target = workspace_file.parent / "vanished-drive" / "copy.keyplan"
    with WorkspaceServices.open(workspace_file) as services:
        with pytest.raises(WorkspaceError) as raised:
            services.save_copy(target)
        assert isinstance(raised.value, WorkspaceNotFoundError)
        message = str(raised.value)
        assert str(target.parent) in message
        assert "does not exist" in message
        assert "Traceback" not in message
        assert len(services.accounts.all()) == 12  # the open workspace carries on
    assert not target.parent.exists()


def test_save_copy_into_a_read_only_folder_is_refused(workspace_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    with WorkspaceServices.open(workspace_file) as services, read_only(folder):
        with pytest.raises(WorkspaceReadOnlyError, match="Cannot write to"):
            services.save_copy(folder / "copy.keyplan")
        assert os.listdir(folder) == []


# -- read-only workspace -------------------------------------------------------------------------


def test_read_only_workspace_file_is_refused_and_left_untouched(workspace_file: Path) -> None:
    before = folder_state(workspace_file.parent)
    with read_only(workspace_file):
        with pytest.raises(WorkspaceReadOnlyError, match="read-only") as raised:
            WorkspaceServices.open(workspace_file)
        assert "Copy it to a folder you can write to" in str(raised.value)
    assert_untouched(before, workspace_file, lock_file_added=False)


def test_workspace_in_a_read_only_folder_is_refused_and_left_untouched(
    workspace_file: Path,
) -> None:
    before = folder_state(workspace_file.parent)
    with (
        read_only(workspace_file.parent),
        pytest.raises(WorkspaceReadOnlyError, match="read-only"),
    ):
        WorkspaceServices.open(workspace_file)
    assert_untouched(before, workspace_file, lock_file_added=False)


def test_read_only_workspace_can_still_be_opened_for_reading(workspace_file: Path) -> None:
    """The way forward for a read-only file: open it read-only; nothing is written."""
    before = folder_state(workspace_file.parent)
    with (
        read_only(workspace_file),
        read_only(workspace_file.parent),
        WorkspaceServices.open(workspace_file, read_only=True) as services,
    ):
        assert len(services.accounts.all()) == 12
        assert services.agency.get().name == "Acme Agency"
        assert services.workspace.integrity_check() == "ok"
        with pytest.raises(WorkspaceReadOnlyError, match="open read-only"):
            services.accounts.create(AccountDraft("Not allowed"))
        with pytest.raises(WorkspaceReadOnlyError):
            services.accounts.update(services.accounts.all()[0].id, {"name": "Nope"})
    assert_untouched(before, workspace_file, lock_file_added=False)


def test_read_only_open_refuses_what_a_writable_open_refuses(workspace_file: Path) -> None:
    _set_revision(workspace_file, "9999_from_the_future")
    before = folder_state(workspace_file.parent)
    with pytest.raises(WorkspaceTooNewError):
        Workspace.open(workspace_file, read_only=True)
    assert_untouched(before, workspace_file, lock_file_added=False)


def test_read_only_open_beside_a_running_writer(workspace_file: Path) -> None:
    with WorkspaceServices.open(workspace_file) as writer:
        writer.accounts.create(AccountDraft("Written before the reader"))
        with WorkspaceServices.open(workspace_file, read_only=True) as reader:
            assert "Written before the reader" in [a.name for a in reader.accounts.all()]
            writer.accounts.create(AccountDraft("Written while reading"))
            assert "Written while reading" in [a.name for a in reader.accounts.all()]
            with pytest.raises(WorkspaceReadOnlyError):
                reader.notes.create(1, NoteDraft("Nope", date(2025, 1, 1)))
        # The reader took no lock and did not disturb the writer.
        writer.accounts.create(AccountDraft("Written after the reader"))
    assert len(account_names(workspace_file)) == 15


def test_read_only_view_opened_before_the_first_write_stays_consistent(
    workspace_file: Path,
) -> None:
    with WorkspaceServices.open(workspace_file) as writer:
        assert not Path(f"{workspace_file}-wal").exists()  # nothing written yet
        with WorkspaceServices.open(workspace_file, read_only=True) as reader:
            assert len(reader.accounts.all()) == 12
            for number in range(300):  # enough pages for an automatic checkpoint
                writer.accounts.create(AccountDraft(f"Later {number}", notes="x" * 2000))
            assert reader.workspace.integrity_check() == "ok"
            assert len(reader.accounts.all()) == 312


# -- write errors --------------------------------------------------------------------------------


def test_disk_full_is_a_write_error_and_rolls_back(workspace_file: Path) -> None:
    with WorkspaceServices.open(workspace_file) as services:
        workspace = services.workspace
        before = [(a.id, a.name, a.notes) for a in services.accounts.all()]
        with workspace.engine.connect() as connection:
            pages = int(pragma(connection, "page_count"))  # type: ignore[call-overload]

        def no_room_to_grow(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        event.listen(workspace.engine, "connect", no_room_to_grow)
        workspace.engine.dispose()  # new connections get the limit
        try:
            with pytest.raises(WorkspaceWriteError) as raised:
                services.accounts.create(AccountDraft("Too big to fit", notes="long text\n" * 1900))
            message = str(raised.value)
            assert "full" in message
            assert "not saved" in message
            assert workspace_file.name in message
            # Nothing of the failed action is there, everything before it is.
            assert [(a.id, a.name, a.notes) for a in services.accounts.all()] == before
            assert workspace.integrity_check() == "ok"
        finally:
            event.remove(workspace.engine, "connect", no_room_to_grow)
            workspace.engine.dispose()
        # Once there is room again the same action succeeds.
        services.accounts.create(AccountDraft("Fits now", notes="long text\n" * 1900))
    assert "Fits now" in account_names(workspace_file)


def test_a_write_error_in_one_transaction_leaves_earlier_data(workspace_file: Path) -> None:
    with Workspace.open(workspace_file) as workspace:
        with workspace.reading() as session:
            count = session.execute(text("SELECT count(*) FROM account")).scalar()
        with pytest.raises(WorkspaceWriteError), workspace.transaction() as session:
            session.execute(
                text(
                    "UPDATE account SET name = 'half done' WHERE id = (SELECT min(id) FROM account)"
                )
            )
            session.execute(text("UPDATE account SET health = 'purple'"))  # CHECK fails
        with workspace.reading() as session:
            names = session.execute(text("SELECT name FROM account")).scalars().all()
        assert len(names) == count
        assert "half done" not in names


def test_save_copy_never_replaces_an_existing_file(workspace_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.keyplan"
    WorkspaceServices.create(other, agency_name="Other agency").close()
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    with (
        WorkspaceServices.open(workspace_file) as services,
        pytest.raises(WorkspaceExistsError, match="already exists"),
    ):
        services.save_copy(other)
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before


def test_a_stray_wal_beside_a_new_name_is_not_replayed_into_it(tmp_path: Path) -> None:
    """A -wal left by a deleted workspace of the same name must not leak into a new one."""
    old = tmp_path / "reused.keyplan"
    with WorkspaceServices.create(old) as services:
        services.accounts.create(AccountDraft("Old client", currency="USD"))
        wal = old.with_name(old.name + "-wal")
        stray = wal.read_bytes()  # the open workspace's WAL, holding the new account
    assert stray, "the WAL should hold the last commit while the workspace is open"
    old.unlink()
    wal.write_bytes(stray)
    with WorkspaceServices.create(old) as fresh:
        assert fresh.accounts.all() == []
        assert fresh.workspace.integrity_check() == "ok"


def test_an_atomic_block_commits_whole_or_not_at_all(tmp_path: Path) -> None:
    from keyplan.services.records import AccountDraft
    from keyplan.services.workspace import WorkspaceServices

    path = tmp_path / "atomic.keyplan"
    with WorkspaceServices.create(path) as services:
        with pytest.raises(RuntimeError), services.workspace.atomic():
            services.accounts.create(AccountDraft("First", currency="USD"))
            # reads inside the block see what the block wrote
            assert [a.name for a in services.accounts.all()] == ["First"]
            services.accounts.create(AccountDraft("Second", currency="USD"))
            raise RuntimeError("refused half-way")
        assert services.accounts.all() == []
        with services.workspace.atomic():
            services.accounts.create(AccountDraft("Kept", currency="USD"))
        assert [a.name for a in services.accounts.all()] == ["Kept"]


def test_a_process_killed_inside_an_atomic_block_leaves_nothing_of_it(tmp_path: Path) -> None:
    import subprocess
    import sys
    import textwrap

    from keyplan.services.workspace import WorkspaceServices

    path = tmp_path / "killed.keyplan"
    WorkspaceServices.create(path).close()
    script = textwrap.dedent(
        f"""
        import os
        from keyplan.services.records import AccountDraft
        from keyplan.services.workspace import WorkspaceServices
        services = WorkspaceServices.open({str(path)!r})
        with services.workspace.atomic():
            services.accounts.create(AccountDraft("Half", currency="USD"))
            os._exit(9)  # killed before the block ends
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert result.returncode == 9
    with WorkspaceServices.open(path) as services:
        assert services.accounts.all() == []
