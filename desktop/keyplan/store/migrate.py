"""Schema versions: which revision a file has, which we know, and upgrading to head.

The migration scripts ship inside the package (``keyplan/store/migrations``), so
this works the same from a checkout, a wheel and a frozen bundle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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


def upgrade_to_head(connection: Connection) -> None:
    """Apply every pending migration on ``connection`` (inside its transaction)."""
    command.upgrade(alembic_config(connection), "head")
