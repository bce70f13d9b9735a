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
    # a table rebuilt by a batch migration is renamed into place, which quotes its name
    return {
        name: sorted(
            part.strip()
            for part in re.split(r",\s*\n|\n\)$", sql.strip().replace(f'"{name}"', name))
        )
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


def test_a_table_rebuild_keeps_the_rows_that_point_at_it(tmp_path: Path) -> None:
    """Batch mode copies a table; with foreign keys on, its dependants would lose links."""
    from alembic.operations import Operations
    from sqlalchemy import String

    from keyplan.services.records import AccountDraft
    from keyplan.services.workspace import WorkspaceServices

    path = tmp_path / "rebuild.keyplan"
    with WorkspaceServices.create(path) as services:
        owner = services.team.create("Mai Anh")
        account = services.accounts.create(AccountDraft("Aurora", currency="USD", owner_id=owner))
    engine = migrate.migration_engine(path)
    try:
        with engine.begin() as connection:
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("team_member", recreate="always") as batch:
                batch.alter_column("role", type_=String(150))
            migrate.check_foreign_keys(connection)
    finally:
        engine.dispose()
    with WorkspaceServices.open(path) as services:
        assert services.accounts.get(account).owner_id == owner


def test_an_older_workspace_is_backed_up_then_upgraded_with_its_data(tmp_path: Path) -> None:
    import sqlite3

    from keyplan.store.workspace import APPLICATION_ID

    path = tmp_path / "old.keyplan"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id={APPLICATION_ID}")
    raw.commit()
    raw.close()
    engine = migrate.migration_engine(path)
    with engine.begin() as connection:
        from alembic import command

        command.upgrade(migrate.alembic_config(connection), "0001")
        connection.exec_driver_sql(
            "INSERT INTO account (name, legal_name, kind, industry, market, tier, currency, "
            "status, health, health_reason, notes, created_at, updated_at) VALUES ('Sen Việt', "
            "'', 'standalone', '', 'VN', 'VIP', 'VND', 'active', 'green', '', '', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )
    engine.dispose()
    backups = tmp_path / "backups"
    workspace = Workspace.open(path, backup_dir=backups)
    try:
        assert workspace.migrated_from == "0001"
        assert workspace.schema_revision() == migrate.head_revision()
        assert workspace.backup_path is not None and workspace.backup_path.parent == backups
        with workspace.reading() as session:
            names = session.execute(text("SELECT name FROM account")).scalars().all()
        assert names == ["Sen Việt"]
    finally:
        workspace.close()
    old = sqlite3.connect(workspace.backup_path)
    try:  # the backup is the file as it was: still at 0001, with the data
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT name FROM account").fetchall() == [("Sen Việt",)]
    finally:
        old.close()


def test_autogenerate_writes_our_types_as_plain_strings() -> None:
    """A generated migration must not import keyplan (its types may change later)."""
    from alembic.autogenerate import produce_migrations, render_python_code
    from sqlalchemy import Column, Integer, MetaData, Table

    from keyplan.store.types import DecimalText, UTCDateTime

    target = MetaData()
    Table(
        "probe",
        target,
        Column("id", Integer, primary_key=True),
        Column("amount", DecimalText()),
        Column("at", UTCDateTime()),
    )
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        code = render_python_code(
            produce_migrations(context, target).upgrade_ops,
            render_item=migrate.render_item,
        )
    assert "sa.String(length=64)" in code and "sa.String(length=40)" in code
    assert "keyplan" not in code
