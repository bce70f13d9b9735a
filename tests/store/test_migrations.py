"""Alembic migrations: shipped in the package, applied from empty, reversible, never
drifting from the SQLAlchemy models."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from keyplan.store import migrate
from keyplan.store.models import Base
from keyplan.store.workspace import Workspace

OUR_TABLES = {
    "agency_profile",
    "team_member",
    "account",
    "contact",
    "note",
    "rate_card",
    "rate",
    "project",
    "estimate",
    "estimate_revision",
    "change_order",
    "estimate_section",
    "estimate_line",
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    yield engine
    engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def drift(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def schema_sql(engine: Engine) -> dict[str, list[str]]:
    """Each table's and index's CREATE statement as a sorted list of its clauses.

    Sorting makes the comparison blind to the order constraints are listed in,
    but not to any column, type, CHECK, foreign key or index that differs.
    Triggers exist only in migrations (the freeze guards of 0002): not compared.
    """
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type != 'trigger' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ).all()
    return {
        name: sorted(part.strip() for part in re.split(r",\s*\n|\n\)$", sql.strip()))
        for name, sql in rows
    }


def test_migrations_are_shipped_inside_the_package() -> None:
    package = resources.files("keyplan")
    assert (package / "store" / "migrations" / "env.py").is_file()
    assert (package / "store" / "migrations" / "script.py.mako").is_file()
    versions = [
        entry.name
        for entry in (package / "store" / "migrations" / "versions").iterdir()
        if entry.name.endswith(".py") and entry.name != "__init__.py"
    ]
    assert versions
    assert Path(str(package / "store" / "migrations")) == migrate.MIGRATIONS_DIR


def test_history_is_one_straight_line_with_a_single_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [migrate.head_revision()]
    assert len(script.get_bases()) == 1
    revisions = list(script.walk_revisions())
    assert {r.revision for r in revisions} == migrate.known_revisions()
    assert all(not r.is_merge_point for r in revisions)


def test_upgrade_from_empty_to_head(engine: Engine) -> None:
    assert current_revision(engine) is None
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
    assert current_revision(engine) == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) >= OUR_TABLES


def test_migrations_match_the_models_exactly(engine: Engine) -> None:
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
    # Alembic's own comparison: columns, types, nullability, indexes, foreign keys.
    assert drift(engine) == []
    # CHECK constraints and constraint names are invisible to autogenerate: compare the
    # DDL that the models would create with the DDL the migrations created.
    reference = create_engine(f"sqlite:///{engine.url.database}.models")
    try:
        Base.metadata.create_all(reference)
        assert schema_sql(engine) == schema_sql(reference)
    finally:
        reference.dispose()


def test_a_created_workspace_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "fresh.keyplan"
    Workspace.create(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert drift(engine) == []
        assert current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_drift_check_notices_a_difference(engine: Engine) -> None:
    """Guard for the two tests above: the comparison does see a missing column."""
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
        connection.execute(text("ALTER TABLE note DROP COLUMN body"))
    assert drift(engine) != []


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
        connection.execute(
            text(
                "INSERT INTO team_member (name, role, email, created_at, updated_at) "
                "VALUES ('Mai', '', '', 'x', 'x')"
            )
        )
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
    assert current_revision(engine) == migrate.head_revision()
    assert drift(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM team_member")).scalar() == 0


def test_upgrade_to_head_twice_is_harmless(engine: Engine) -> None:
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
    with engine.begin() as connection:
        migrate.upgrade_to_head(connection)
    assert current_revision(engine) == migrate.head_revision()
    assert drift(engine) == []
