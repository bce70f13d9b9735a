"""The freeze triggers of migration 0002: the database itself refuses to change a sent revision.

Raw SQL and ORM writes that bypass the services are run through ``Workspace.transaction()``,
which must turn the trigger's abort into ``FrozenError`` and leave the file as it was. Status
changes (approve, reject, supersede, unsend) and internal notes stay possible.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from keyplan.domain.errors import DomainError, FrozenError
from keyplan.services.estimate_records import LineDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.store.models import ChangeOrder, EstimateLine, EstimateRevision, EstimateSection

D = Decimal
SENT = date(2026, 3, 10)

TRIGGERS = {
    "line_frozen_insert",
    "line_frozen_update",
    "line_frozen_delete",
    "section_frozen_insert",
    "section_frozen_update",
    "section_frozen_delete",
    "revision_frozen_update",
    "change_order_frozen_update",
}
# Columns of a revision / change order that are not its content: identity, the workflow
# (status and its dates and names), internal notes, and bookkeeping.
NOT_CONTENT = {
    "id",
    "estimate_id",
    "revision",
    "revision_id",
    "sequence",
    "status",
    "sent_on",
    "approved_by",
    "approved_on",
    "approval_po",
    "rejected_on",
    "rejection_reason",
    "internal_notes",
    "created_at",
    "updated_at",
}
NEW_VALUES: dict[str, Any] = {
    "title": "Changed",
    "currency": "EUR",
    "tax_rate": "5",
    "discount_mode": "amount",
    "discount_percent": "5",
    "discount_amount_minor": 123,
    "discount_tax_rate": "5",
    "contingency_percent": "5",
    "contingency_tax_rate": "5",
    "fee_percent": "5",
    "fee_base": "labour",
    "fee_tax_rate": "5",
    "client_notes": "Changed",
    "issued_on": "2026-01-02",
    "valid_until": "2026-12-31",
    "terms": "Changed",
    "reason": "Changed",
}
REVISION_CONTENT = sorted(
    c.key for c in EstimateRevision.__table__.columns if c.key not in NOT_CONTENT
)
CHANGE_ORDER_CONTENT = sorted(
    c.key for c in ChangeOrder.__table__.columns if c.key not in NOT_CONTENT
)
INSERT_LINE = (
    "INSERT INTO estimate_line (section_id, key, position, kind, description, quantity, unit, "
    "unit_price_minor, unit_cost_minor, markup_percent, discount_percent, tax_rate, optional, "
    "role, supplier) VALUES (:section, 'k-new', 9, 'labour', 'smuggled', '1', '', 100, 0, '0', "
    "'0', '0', 0, '', '')"
)
INSERT_SECTION = (
    "INSERT INTO estimate_section (revision_id, change_order_id, key, name, position) "
    "VALUES (:revision, :order, 's-new', 'Smuggled', 9)"
)


def fingerprint(path: Path, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the workspace file."""
    from keyplan.store.workspace import copy_database

    copy = folder / f"fingerprint-{uuid.uuid4().hex}.keyplan"
    copy_database(path, copy)
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


def _estimate(services: WorkspaceServices, account_id: int, title: str) -> dict[str, Any]:
    """A draft with sections 'A' (two lines) and 'B' (one line); returns its ids."""
    estimates = services.estimates
    ref = estimates.create(account_id, title, issued_on=date(2026, 3, 1), section_name="A")
    first = estimates.document(ref.revision_id).sections[0].id
    second = estimates.add_section("B", revision_id=ref.revision_id)
    lines = [
        estimates.add_line(first, LineDraft(description="a1", quantity=D(2), unit_price=D(100))),
        estimates.add_line(first, LineDraft(description="a2", unit_price=D(50))),
        estimates.add_line(second, LineDraft(description="b1", unit_price=D(70))),
    ]
    return {
        "estimate": ref.estimate_id,
        "revision": ref.revision_id,
        "sections": [first, second],
        "lines": lines,
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A closed workspace with estimates in every state, built once for the module."""
    path = tmp_path_factory.mktemp("frozen") / "template.keyplan"
    ids: dict[str, Any] = {}
    with WorkspaceServices.create(path, agency_name="Mekong Media") as services:
        account = services.accounts.create(AccountDraft("Lotus Bank", currency="USD"))
        estimates = services.estimates
        ids["draft"] = _estimate(services, account, "Draft")
        for state in ("sent", "approved", "rejected", "superseded"):
            ids[state] = made = _estimate(services, account, state.title())
            estimates.send(made["revision"], SENT)
            if state == "approved":
                estimates.approve(made["revision"], "Ms Lan", SENT, "PO-1")
            elif state == "rejected":
                estimates.reject(made["revision"], SENT, "No")
            elif state == "superseded":
                ids["superseding"] = estimates.revise(made["estimate"])
        order = estimates.create_change_order(ids["approved"]["estimate"], "Extra")
        section = estimates.change_order(order).sections[0].id
        line = estimates.add_line(section, LineDraft(description="co", unit_price=D(10)))
        estimates.send_change_order(order, SENT)
        ids["order"] = {"order": order, "sections": [section], "lines": [line]}
        draft_order = estimates.create_change_order(ids["approved"]["estimate"], "Draft CO")
        ids["draft_order"] = {
            "order": draft_order,
            "sections": [estimates.change_order(draft_order).sections[0].id],
        }
    return path, ids


@pytest.fixture
def ws(
    template: tuple[Path, dict[str, Any]], tmp_path: Path
) -> Iterator[tuple[WorkspaceServices, dict[str, Any]]]:
    path = tmp_path / "work.keyplan"
    shutil.copyfile(template[0], path)
    with WorkspaceServices.open(path) as services:
        yield services, template[1]


def run(services: WorkspaceServices, sql: str, **params: Any) -> None:
    with services.workspace.transaction() as session:
        session.execute(text(sql), params)


def assert_refused(
    services: WorkspaceServices, folder: Path, sql: str, **params: Any
) -> FrozenError:
    before = fingerprint(services.path, folder)
    with pytest.raises(FrozenError) as error:
        run(services, sql, **params)
    assert fingerprint(services.path, folder) == before
    assert services.workspace.integrity_check() == "ok"
    return error.value


# -- the triggers are in the file --------------------------------------------------------------


def test_every_freeze_trigger_is_installed(ws: tuple[WorkspaceServices, dict[str, Any]]) -> None:
    services, _ = ws
    with services.workspace.reading() as session:
        names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    assert names >= TRIGGERS


def test_the_content_columns_are_known() -> None:
    """A new content column must be added here and to the triggers (the check below)."""
    assert set(REVISION_CONTENT) <= set(NEW_VALUES)
    assert set(CHANGE_ORDER_CONTENT) <= set(NEW_VALUES)
    assert "title" in REVISION_CONTENT and "terms" in REVISION_CONTENT
    assert "reason" in CHANGE_ORDER_CONTENT


# -- lines and sections of a sent revision -----------------------------------------------------


LINE_AND_SECTION_SQL = {
    "update line text": "UPDATE estimate_line SET description = 'x' WHERE id = :line",
    "update line price": "UPDATE estimate_line SET unit_price_minor = 1 WHERE id = :line",
    "update line quantity": "UPDATE estimate_line SET quantity = '99' WHERE id = :line",
    "update line position": "UPDATE estimate_line SET position = 7 WHERE id = :line",
    "update line optional": "UPDATE estimate_line SET optional = 1 WHERE id = :line",
    "update all lines": "UPDATE estimate_line SET tax_rate = '20'",
    "move line out": "UPDATE estimate_line SET section_id = :draft_section WHERE id = :line",
    "move line in": "UPDATE estimate_line SET section_id = :section WHERE id = :draft_line",
    "insert line": INSERT_LINE,
    "delete line": "DELETE FROM estimate_line WHERE id = :line",
    "delete all lines": "DELETE FROM estimate_line",
    "rename section": "UPDATE estimate_section SET name = 'x' WHERE id = :section",
    "move section": "UPDATE estimate_section SET position = 5 WHERE id = :section",
    "section out": "UPDATE estimate_section SET revision_id = :draft WHERE id = :section",
    "section in": "UPDATE estimate_section SET revision_id = :revision WHERE id = :draft_section",
    "insert section": INSERT_SECTION,
    "delete section": "DELETE FROM estimate_section WHERE id = :section",
}


@pytest.mark.parametrize("state", ["sent", "approved", "rejected", "superseded"])
@pytest.mark.parametrize("name", list(LINE_AND_SECTION_SQL))
def test_raw_sql_cannot_touch_lines_or_sections_of_a_frozen_revision(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path, state: str, name: str
) -> None:
    services, ids = ws
    frozen, draft = ids[state], ids["draft"]
    error = assert_refused(
        services,
        tmp_path,
        LINE_AND_SECTION_SQL[name],
        line=frozen["lines"][0],
        section=frozen["sections"][0],
        revision=frozen["revision"],
        order=None,
        draft=draft["revision"],
        draft_line=draft["lines"][0],
        draft_section=draft["sections"][0],
    )
    assert isinstance(error, DomainError)
    assert "new revision" in str(error)


@pytest.mark.parametrize("name", [n for n in LINE_AND_SECTION_SQL if "all" not in n])
def test_the_same_sql_goes_through_on_drafts(
    ws: tuple[WorkspaceServices, dict[str, Any]], name: str
) -> None:
    """The control: the triggers do not block drafts (so the refusals above mean something)."""
    services, ids = ws
    draft, other = ids["draft"], ids["superseding"]
    other_doc = services.estimates.document(other)
    run(
        services,
        LINE_AND_SECTION_SQL[name],
        line=draft["lines"][0],
        section=draft["sections"][0],
        revision=draft["revision"],
        order=None,
        draft=other,
        draft_line=other_doc.lines[0].id,
        draft_section=other_doc.sections[0].id,
    )


@pytest.mark.parametrize(
    "name", ["update line text", "insert line", "delete line", "rename section", "insert section"]
)
def test_raw_sql_cannot_touch_lines_or_sections_of_a_sent_change_order(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path, name: str
) -> None:
    services, ids = ws
    order = ids["order"]
    assert_refused(
        services,
        tmp_path,
        LINE_AND_SECTION_SQL[name],
        line=order["lines"][0],
        section=order["sections"][0],
        revision=None,
        order=order["order"],
    )
    # the control: a draft change order stays editable
    draft = ids["draft_order"]
    if name in ("insert line", "insert section", "rename section"):
        run(
            services,
            LINE_AND_SECTION_SQL[name],
            section=draft["sections"][0],
            revision=None,
            order=draft["order"],
        )


# -- the revision row --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["sent", "approved", "rejected", "superseded"])
@pytest.mark.parametrize("column", REVISION_CONTENT)
def test_raw_sql_cannot_change_the_content_of_a_frozen_revision(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path, state: str, column: str
) -> None:
    services, ids = ws
    assert_refused(
        services,
        tmp_path,
        f"UPDATE estimate_revision SET {column} = :value WHERE id = :id",
        value=NEW_VALUES[column],
        id=ids[state]["revision"],
    )


@pytest.mark.parametrize("column", CHANGE_ORDER_CONTENT)
def test_raw_sql_cannot_change_the_content_of_a_sent_change_order(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path, column: str
) -> None:
    services, ids = ws
    assert_refused(
        services,
        tmp_path,
        f"UPDATE change_order SET {column} = :value WHERE id = :id",
        value=NEW_VALUES[column],
        id=ids["order"]["order"],
    )


def test_status_changes_and_internal_notes_stay_possible(
    ws: tuple[WorkspaceServices, dict[str, Any]],
) -> None:
    services, ids = ws
    sent, approved = ids["sent"]["revision"], ids["approved"]["revision"]
    run(services, "UPDATE estimate_revision SET internal_notes = 'called' WHERE id = :id", id=sent)
    run(
        services,
        "UPDATE estimate_revision SET status = 'approved', approved_by = 'Ms Lan', "
        "approved_on = '2026-03-11', approval_po = 'PO-9' WHERE id = :id",
        id=sent,
    )
    doc = services.estimates.document(sent)
    assert (doc.status, doc.approved_by, doc.approval_po) == ("approved", "Ms Lan", "PO-9")
    assert doc.internal_notes == "called"
    run(
        services,
        "UPDATE estimate_revision SET status = 'sent', approved_by = '', approved_on = NULL, "
        "approval_po = '' WHERE id = :id",
        id=sent,
    )
    run(
        services,
        "UPDATE estimate_revision SET status = 'rejected', rejected_on = '2026-03-12', "
        "rejection_reason = 'No' WHERE id = :id",
        id=sent,
    )
    run(services, "UPDATE estimate_revision SET status = 'superseded' WHERE id = :id", id=sent)
    run(
        services,
        "UPDATE change_order SET internal_notes = 'ok' WHERE id = :id",
        id=ids["order"]["order"],
    )
    run(
        services,
        "UPDATE change_order SET status = 'approved' WHERE id = :id",
        id=ids["order"]["order"],
    )
    assert services.estimates.change_order(ids["order"]["order"]).status == "approved"
    # back to draft (undo of a send) and then the content is editable again
    run(services, "UPDATE estimate_revision SET status = 'sent' WHERE id = :id", id=approved)
    run(
        services,
        "UPDATE estimate_revision SET status = 'draft', sent_on = NULL WHERE id = :id",
        id=approved,
    )
    run(services, "UPDATE estimate_revision SET title = 'Editable' WHERE id = :id", id=approved)
    assert services.estimates.document(approved).title == "Editable"


def test_a_draft_revision_row_is_editable(ws: tuple[WorkspaceServices, dict[str, Any]]) -> None:
    services, ids = ws
    for column in REVISION_CONTENT:
        run(
            services,
            f"UPDATE estimate_revision SET {column} = :value WHERE id = :id",
            value=NEW_VALUES[column],
            id=ids["draft"]["revision"],
        )
    assert services.estimates.document(ids["draft"]["revision"]).title == "Changed"


def test_content_cannot_change_together_with_a_status_change(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path
) -> None:
    services, ids = ws
    assert_refused(
        services,
        tmp_path,
        "UPDATE estimate_revision SET status = 'draft', title = 'Rewritten' WHERE id = :id",
        id=ids["approved"]["revision"],
    )


@pytest.mark.parametrize(
    ("table", "key"),
    [("estimate_revision", "revision"), ("estimate", "estimate")],
)
def test_a_frozen_revision_cannot_be_deleted_by_raw_sql(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path, table: str, key: str
) -> None:
    services, ids = ws
    assert_refused(services, tmp_path, f"DELETE FROM {table} WHERE id = :id", id=ids["sent"][key])


def test_a_sent_change_order_cannot_be_deleted_by_raw_sql(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path
) -> None:
    services, ids = ws
    assert_refused(
        services, tmp_path, "DELETE FROM change_order WHERE id = :id", id=ids["order"]["order"]
    )


# -- through the ORM, and outside the app ------------------------------------------------------


def test_orm_writes_to_a_sent_revision_raise_frozen_error(
    ws: tuple[WorkspaceServices, dict[str, Any]], tmp_path: Path
) -> None:
    services, ids = ws
    sent = ids["sent"]
    before = fingerprint(services.path, tmp_path)
    document = services.estimates.document(sent["revision"])

    def line_edit(session: Any) -> None:
        session.get(EstimateLine, sent["lines"][0]).unit_price_minor = 1

    def section_edit(session: Any) -> None:
        session.get(EstimateSection, sent["sections"][1]).name = "Renamed"

    def revision_edit(session: Any) -> None:
        session.get(EstimateRevision, sent["revision"]).title = "Renamed"

    def line_delete(session: Any) -> None:
        session.delete(session.get(EstimateLine, sent["lines"][2]))

    def line_add(session: Any) -> None:
        session.add(
            EstimateLine(section_id=sent["sections"][0], key="k", position=3, kind="labour")
        )

    for edit in (line_edit, section_edit, revision_edit, line_delete, line_add):
        with pytest.raises(FrozenError), services.workspace.transaction() as session:
            edit(session)
    assert fingerprint(services.path, tmp_path) == before
    assert services.estimates.document(sent["revision"]) == document


def test_the_triggers_guard_the_file_for_any_sqlite_client(
    ws: tuple[WorkspaceServices, dict[str, Any]],
) -> None:
    services, ids = ws
    path = services.path
    services.close()
    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="keyplan: frozen"):
            connection.execute(
                "UPDATE estimate_line SET description = 'x' WHERE id = ?",
                (ids["sent"]["lines"][0],),
            )
        connection.rollback()
        connection.execute(
            "UPDATE estimate_line SET description = 'fine' WHERE id = ?",
            (ids["draft"]["lines"][0],),
        )
        connection.commit()
    finally:
        connection.close()
    with WorkspaceServices.open(path) as reopened:
        assert reopened.estimates.document(ids["draft"]["revision"]).lines[0].description == "fine"
        assert reopened.estimates.document(ids["sent"]["revision"]).lines[0].description == "a1"
        with pytest.raises(FrozenError):
            run(reopened, "DELETE FROM estimate_line WHERE id = :id", id=ids["sent"]["lines"][0])


def test_other_integrity_errors_are_not_reported_as_frozen(
    ws: tuple[WorkspaceServices, dict[str, Any]],
) -> None:
    services, ids = ws
    with pytest.raises(Exception) as error:
        run(
            services,
            "UPDATE estimate_line SET unit_price_minor = -1 WHERE id = :id",
            id=ids["draft"]["lines"][0],
        )
    assert not isinstance(error.value, FrozenError)
