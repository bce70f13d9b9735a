"""Schema versions: which revision a file has, which we know, and upgrading to head.

The migration scripts ship inside the package (``keyplan/store/migrations``), so
this works the same from a checkout, a wheel and a frozen bundle.

Migrations run on their own engine that differs from the everyday one in two
ways, both needed for SQLite:
- foreign keys are OFF while migrating: batch mode rebuilds a table by copying
  it, and with foreign keys on, dropping the old table would null or refuse the
  rows that point at it. ``PRAGMA foreign_key_check`` runs before the commit;
- we issue BEGIN ourselves (``isolation_level=None``): Python's sqlite3 driver
  would otherwise run each DDL statement in autocommit, and a crash half-way
  could leave a half-migrated file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event

from keyplan.store.types import DecimalText, UTCDateTime

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class MigrationCheckError(RuntimeError):
    """A migration left rows whose foreign keys point nowhere; it was rolled back."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes our column types as the plain String they store, so a
    migration never imports application code that may change after it was written."""
    if type_ == "type" and isinstance(obj, DecimalText | UTCDateTime):
        length = obj.impl.length
        return f"sa.String(length={length})"
    return False


def upgrade_to_head(connection: Connection) -> None:
    """Apply every pending migration on ``connection`` (inside its transaction)."""
    command.upgrade(alembic_config(connection), "head")


def _prepare(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # no implicit transactions: we BEGIN
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or ignored
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def migration_engine(path: Path) -> Engine:
    """An engine for schema changes: foreign keys off, one real transaction."""
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    event.listen(engine, "connect", _prepare)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def check_foreign_keys(connection: Connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table, rowid, parent, _ = problems[0]
        raise MigrationCheckError(
            f"{len(problems)} row(s) point at missing rows (first: {table} row {rowid} -> "
            f"{parent}); the upgrade was rolled back."
        )


def upgrade_file(path: Path) -> None:
    """Migrate the workspace at ``path`` to head in one transaction, checked."""
    engine = migration_engine(path)
    try:
        with engine.begin() as connection:
            upgrade_to_head(connection)
            check_foreign_keys(connection)
    finally:
        engine.dispose()
