"""The round trip: export the client workbook, edit it as a client would, import it back."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.errors import ValidationError
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_import import (
    EstimateImportError,
    apply_round_trip,
    plan_round_trip,
    read_client_workbook,
)
from keyplan.services.estimate_records import LineDraft
from keyplan.services.exporting import export_estimate_xlsx
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
SENT = date(2026, 3, 10)


def sent_estimate(services: WorkspaceServices, currency: str = "USD", *, send: bool = True) -> int:
    """A sent revision 1: 'Design' (a: 10 h x 100, b: 1 x 500), 'Build' (c: 2 x 300)."""
    estimates = services.estimates
    account = services.accounts.create(AccountDraft(f"Lotus {currency}", currency=currency))
    ref = estimates.create(
        account, "Brand site", issued_on=date(2026, 3, 1), tax_rate=D(10), section_name="Design"
    )
    design = estimates.document(ref.revision_id).sections[0].id
    build = estimates.add_section("Build", revision_id=ref.revision_id)
    price = D(100) if currency == "JPY" else D("100.50")
    estimates.add_line(
        design, LineDraft(description="a", quantity=D(10), unit="hour", unit_price=price)
    )
    estimates.add_line(design, LineDraft(kind="fixed_fee", description="b", unit_price=D(500)))
    estimates.add_line(
        build, LineDraft(kind="expense", description="c", quantity=D(2), unit_price=D(300))
    )
    if send:
        estimates.send(ref.revision_id, SENT)
    return ref.revision_id


def export(services: WorkspaceServices, revision_id: int, folder: Path, name: str = "e") -> Path:
    return export_estimate_xlsx(services, revision_id, "client", folder / f"{name}.xlsx")


def edit(path: Path, change: Callable[[Any], None]) -> Path:
    workbook = load_workbook(path)
    change(workbook["Estimate"])
    workbook.save(path)
    return path


def row_of(ws: Any, description: str) -> int:
    rows = [cell.row for cell in ws["B"] if cell.value == description]
    assert len(rows) == 1, (description, rows)
    return int(rows[0])


def ref_row(ws: Any, ref: str) -> int:
    """The row whose "No." is ``ref`` ("1.2")."""
    rows = [cell.row for cell in ws["A"] if cell.value == ref]
    assert len(rows) == 1, (ref, rows)
    return int(rows[0])


VALUE_COLUMNS = "ABCDEFGHJ"  # a line row's cells but the Amount formula (I), which is ignored


def row_values(ws: Any, row: int) -> dict[str, Any]:
    return {column: ws[f"{column}{row}"].value for column in VALUE_COLUMNS}


def put_row(ws: Any, row: int, values: dict[str, Any]) -> None:
    for column, value in values.items():
        ws[f"{column}{row}"] = value


def swap_rows(ws: Any, first: int, second: int) -> None:
    """The client sorts two rows: every typed cell changes place."""
    one, other = row_values(ws, first), row_values(ws, second)
    put_row(ws, first, other)
    put_row(ws, second, one)


def as_exported_before_references(ws: Any) -> None:
    """The "No." column as exports before the line references wrote it: the section's number
    on its title row (as now), a line's number in its section (1, 2, ...) as a number.

    Checked once against the exporter of that time (git 772fc98) on every demo estimate: with
    this change the two workbooks have the same value, type and format in every cell.
    """
    for cell in ws["A"]:
        if isinstance(cell.value, str) and re.fullmatch(r"\d+\.\d+", cell.value):
            cell.value = int(cell.value.split(".")[1])
            cell.number_format = "0"


def state(services: WorkspaceServices, revision_id: int) -> Any:
    document = services.estimates.document(revision_id)
    return document, document.revisions


def refused(services: WorkspaceServices, revision_id: int, path: Path) -> EstimateImportError:
    before = state(services, revision_id)
    with pytest.raises(EstimateImportError) as caught:
        edits = read_client_workbook(path, services.estimates.document(revision_id))
        plan = plan_round_trip(services, revision_id, edits)
        apply_round_trip(services, revision_id, plan)
    assert state(services, revision_id) == before
    return caught.value


# -- the round trip ----------------------------------------------------------------------------


def client_edits(ws: Any) -> None:
    ws[f"D{row_of(ws, 'a')}"] = 12  # quantity 10 -> 12
    ws[f"F{row_of(ws, 'c')}"] = 350.25  # price 300 -> 350.25
    ws.delete_rows(row_of(ws, "b"))  # line b removed
    new = row_of(ws, "c") + 1  # a new line below c, above the Build subtotal
    ws.insert_rows(new)
    for column, value in zip(
        "BCDEFGH", ("d: print run", "Expense", 3, "box", 40, 0.1, 0.1), strict=True
    ):
        ws[f"{column}{new}"] = value


@pytest.mark.parametrize("layout", ["references", "before references"])
def test_the_client_edits_become_the_next_revision(
    services: WorkspaceServices, tmp_path: Path, layout: str
) -> None:
    """The same edits give the same revision, matched by reference or (in a workbook
    exported before the references) by description and order."""
    revision_id = sent_estimate(services)
    path = export(services, revision_id, tmp_path)
    if layout == "before references":
        path = edit(path, as_exported_before_references)
        sheet = load_workbook(path)["Estimate"]
        assert sheet[f"A{row_of(sheet, 'b')}"].value == 2  # line 2 of its section, a number
    path = edit(path, client_edits)
    old = services.estimates.document(revision_id)

    edits = read_client_workbook(path, old)
    assert edits.by_ref is (layout == "references")
    plan = plan_round_trip(services, revision_id, edits)

    assert [(u.description, dict(u.changes)) for u in plan.updates] == [
        ("a", {"quantity": D(12)}),
        ("c", {"unit_price": D("350.25")}),
    ]
    assert [d.description for d in plan.deletions] == ["b"]
    assert len(plan.additions) == 1
    draft = plan.additions[0].draft
    assert (draft.description, draft.kind, draft.quantity, draft.unit_price) == (
        "d: print run",
        "expense",
        D(3),
        D(40),
    )
    assert (draft.discount_percent, draft.tax_rate) == (D(10), D(10))
    assert len(plan.preview) == 4
    assert "quantity 10 → 12" in plan.preview[0]
    assert "removed" in plan.preview[1]

    new_id = apply_round_trip(services, revision_id, plan)

    new = services.estimates.document(new_id)
    assert (new.revision, new.status) == (2, "draft")
    assert services.estimates.document(revision_id).status == "superseded"
    lines = {
        s.name: [(x.description, x.quantity, x.unit_price) for x in s.lines] for s in new.sections
    }
    assert lines == {
        "Design": [("a", D(12), D("100.50"))],
        "Build": [("c", D(2), D("350.25")), ("d: print run", D(3), D(40))],
    }
    diff = services.estimates.diff(revision_id, new_id)
    assert diff.total_delta == new.totals.total - old.totals.total != 0
    assert sorted(change.status for change in diff.lines) == [
        "added",
        "changed",
        "changed",
        "removed",
    ]


@pytest.mark.parametrize("layout", ["references", "before references"])
def test_an_unchanged_workbook_gives_an_empty_plan(
    services: WorkspaceServices, tmp_path: Path, layout: str
) -> None:
    revision_id = sent_estimate(services)
    path = export(services, revision_id, tmp_path)
    if layout == "before references":
        path = edit(path, as_exported_before_references)
    edits = read_client_workbook(path, services.estimates.document(revision_id))
    assert [line.ref for section in edits.sections for line in section.lines] == (
        ["1.1", "1.2", "2.1"] if layout == "references" else ["", "", ""]
    )
    plan = plan_round_trip(services, revision_id, edits)
    assert plan.is_empty and plan.preview == ()
    with pytest.raises(ValidationError, match="no changes"):
        apply_round_trip(services, revision_id, plan)


def test_a_changed_description_at_the_same_place_is_a_change(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)

    def rename(ws: Any) -> None:
        ws[f"B{row_of(ws, 'b')}"] = "b, revised"
        ws[f"J{row_of(ws, 'a')}"] = "optional — not included"

    path = edit(export(services, revision_id, tmp_path), rename)
    plan = plan_round_trip(
        services, revision_id, read_client_workbook(path, services.estimates.document(revision_id))
    )
    assert [(u.description, dict(u.changes)) for u in plan.updates] == [
        ("a", {"optional": True}),
        ("b", {"description": "b, revised"}),
    ]
    assert plan.additions == () and plan.deletions == ()


# -- matching by reference ---------------------------------------------------------------------


def test_reordered_rows_and_a_reworded_line_match_by_reference(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)
    old = services.estimates.document(revision_id)
    a, b = (line.key for line in old.sections[0].lines)

    def reorder(ws: Any) -> None:
        swap_rows(ws, ref_row(ws, "1.1"), ref_row(ws, "1.2"))  # b above a now
        row = ref_row(ws, "1.1")
        ws[f"B{row}"] = "a, reworded"  # nothing of a's old row text is left to match by
        ws[f"D{row}"] = 11

    path = edit(export(services, revision_id, tmp_path), reorder)
    edits = read_client_workbook(path, old)
    assert edits.by_ref
    plan = plan_round_trip(services, revision_id, edits)

    assert [(u.line_key, dict(u.changes)) for u in plan.updates] == [
        (a, {"description": "a, reworded", "quantity": D(11)})
    ]
    assert plan.additions == () and plan.deletions == ()
    assert [(m.line_key, m.from_section) for m in plan.moves] == [(b, "")]
    assert plan.preview[0].startswith("Design: line 'b' (row ")
    assert plan.preview[0].endswith("moved to place 1")

    new_id = apply_round_trip(services, revision_id, plan)
    design = services.estimates.document(new_id).sections[0]
    assert [(line.key, line.description, line.quantity) for line in design.lines] == [
        (b, "b", D(1)),
        (a, "a, reworded", D(11)),
    ]
    diff = services.estimates.diff(revision_id, new_id)
    assert [(change.status, sorted(change.fields)) for change in diff.lines] == [
        ("changed", ["description", "quantity"])
    ]


def test_a_row_moved_to_another_section_moves_its_line(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    """Moved into another section, removed (its reference is on no row), added (no reference)."""
    revision_id = sent_estimate(services)
    old = services.estimates.document(revision_id)
    keys = {line.description: line.key for line in old.lines}

    def rearrange(ws: Any) -> None:
        c = ref_row(ws, "2.1")
        moved = row_values(ws, c)
        ws.delete_rows(c)
        build_end = row_of(ws, "Subtotal Build")
        ws.insert_rows(build_end)
        put_row(ws, build_end, {"B": "e: courier", "C": "Expense", "D": 1, "F": 25})
        b = ref_row(ws, "1.2")
        ws.insert_rows(b + 1)
        put_row(ws, b + 1, moved)  # c, with its reference 2.1, below b in Design
        ws.delete_rows(ref_row(ws, "1.1"))  # a is gone

    path = edit(export(services, revision_id, tmp_path), rearrange)
    plan = plan_round_trip(services, revision_id, read_client_workbook(path, old))

    assert plan.updates == ()
    assert [(d.line_key, d.section_name) for d in plan.deletions] == [(keys["a"], "Design")]
    assert [(a.section_name, a.draft.description) for a in plan.additions] == [
        ("Build", "e: courier")
    ]
    assert [(m.line_key, m.section_name, m.from_section) for m in plan.moves] == [
        (keys["c"], "Design", "Build")
    ]
    assert any(line.endswith("moved here from Build") for line in plan.preview)

    new_id = apply_round_trip(services, revision_id, plan)
    new = services.estimates.document(new_id)
    assert {s.name: [(x.key, x.description) for x in s.lines] for s in new.sections} == {
        "Design": [(keys["b"], "b"), (keys["c"], "c")],
        "Build": [(new.sections[1].lines[0].key, "e: courier")],
    }
    assert new.sections[1].lines[0].key not in keys.values()
    statuses = {
        change.description: change.status for change in diff_lines(services, revision_id, new_id)
    }
    assert statuses == {"a": "removed", "c": "changed", "e: courier": "added"}


def diff_lines(services: WorkspaceServices, old_id: int, new_id: int) -> list[Any]:
    return list(services.estimates.diff(old_id, new_id).lines)


def test_a_copied_row_without_its_reference_is_a_new_line(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)

    def copy(ws: Any) -> None:
        b = ref_row(ws, "1.2")
        values = row_values(ws, b)
        ws.insert_rows(b + 1)
        put_row(ws, b + 1, values | {"A": None})

    path = edit(export(services, revision_id, tmp_path), copy)
    plan = plan_round_trip(
        services, revision_id, read_client_workbook(path, services.estimates.document(revision_id))
    )
    assert plan.updates == () and plan.deletions == () and plan.moves == ()
    assert [(a.section_name, a.position, a.draft.description) for a in plan.additions] == [
        ("Design", 2, "b")
    ]


def test_a_reference_on_two_rows_is_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services)

    def copy(ws: Any) -> None:  # a copied row keeps the reference of the line it copies
        b = ref_row(ws, "1.2")
        values = row_values(ws, b)
        ws.insert_rows(b + 1)
        put_row(ws, b + 1, values)

    path = edit(export(services, revision_id, tmp_path), copy)
    rows = [c.row for c in load_workbook(path)["Estimate"]["A"] if c.value == "1.2"]
    [problem] = refused(services, revision_id, path).problems
    assert (problem.sheet, problem.row, problem.column) == ("Estimate", rows[1], "A (No.)")
    assert f"line 1.2 is on row {rows[0]} too" in problem.message
    assert "leave No. empty" in problem.message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9.9", "'9.9' is not a line of"),
        ("CO1-2.1", "'CO1-2.1' is not a line of"),
        ("3", "'3' is not a line of"),
        (2.1, "the number 2.1 where the line's reference is expected"),
        ("=A1", "a formula (=A1) where the line's reference is expected"),
    ],
)
def test_a_reference_the_revision_does_not_have_is_refused(
    services: WorkspaceServices, tmp_path: Path, typed: Any, message: str
) -> None:
    revision_id = sent_estimate(services)

    def retype(ws: Any) -> None:
        ws[f"A{ref_row(ws, '2.1')}"] = typed

    path = edit(export(services, revision_id, tmp_path), retype)
    row = row_of(load_workbook(path)["Estimate"], "c")
    error = refused(services, revision_id, path)
    [problem] = error.problems
    assert (problem.sheet, problem.row, problem.column) == ("Estimate", row, "A (No.)")
    assert message in problem.message
    number = services.estimates.document(revision_id).number
    assert f"sheet 'Estimate', row {row}, column A (No.)" in str(error)
    if isinstance(typed, str) and not typed.startswith("="):
        assert f"not a line of {number} rev 1" in problem.message


def test_a_draft_revision_is_edited_directly(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services, send=False)
    path = edit(export(services, revision_id, tmp_path), client_edits)
    plan = plan_round_trip(
        services, revision_id, read_client_workbook(path, services.estimates.document(revision_id))
    )
    with pytest.raises(ValidationError, match="edit it directly"):
        apply_round_trip(services, revision_id, plan)
    assert len(services.estimates.document(revision_id).revisions) == 1


def test_a_refused_change_leaves_no_half_made_revision(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)

    def negative(ws: Any) -> None:  # read back fine; the service refuses a negative quantity
        ws[f"D{row_of(ws, 'c')}"] = -2
        ws[f"D{row_of(ws, 'a')}"] = 11

    path = edit(export(services, revision_id, tmp_path), negative)
    error = refused(services, revision_id, path)
    problem = error.problems[0]
    assert (problem.sheet, problem.column) == ("Estimate", "D (Qty)")
    assert problem.row is not None and "negative" in problem.message
    assert services.estimates.document(revision_id).status == "sent"


# -- refusals ----------------------------------------------------------------------------------


def test_the_workbook_of_another_estimate_is_refused(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)
    other = sent_estimate(services, "EUR")
    path = export(services, other, tmp_path, "other")
    error = refused(services, revision_id, path)
    number = services.estimates.document(revision_id).number
    problem = error.problems[0]
    assert problem.sheet == "Estimate" and problem.row is not None and problem.column
    assert f"not {number} rev 1" in str(error) and "this workbook is estimate" in str(error)


def test_random_bytes_are_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services)
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    error = refused(services, revision_id, path)
    assert "not an Excel workbook" in str(error)


def test_password_protected_and_huge_files_are_refused(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services)
    locked = tmp_path / "locked.xlsx"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    locked.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + bytes(500))
    assert "password-protected" in str(refused(services, revision_id, locked))
    huge = tmp_path / "huge.xlsx"
    huge.write_bytes(bytes(5 * 1024 * 1024 + 1))
    assert "at most 5 MB" in str(refused(services, revision_id, huge))


def test_a_formula_in_a_quantity_is_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services)

    def formula(ws: Any) -> None:
        ws[f"D{row_of(ws, 'a')}"] = "=2*6"

    path = edit(export(services, revision_id, tmp_path), formula)
    row = row_of(load_workbook(path)["Estimate"], "a")
    error = refused(services, revision_id, path)
    [problem] = error.problems
    assert (problem.sheet, problem.row, problem.column) == ("Estimate", row, "D (Qty)")
    assert "formula" in problem.message


def test_a_fractional_yen_price_is_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services, "JPY")

    def fraction(ws: Any) -> None:
        ws[f"F{row_of(ws, 'a')}"] = "12.5"

    path = edit(export(services, revision_id, tmp_path), fraction)
    row = row_of(load_workbook(path)["Estimate"], "a")
    [problem] = refused(services, revision_id, path).problems
    assert (problem.sheet, problem.row, problem.column) == ("Estimate", row, "F (Unit price)")
    assert "JPY" in problem.message and "no decimals" in problem.message


def test_unreadable_numbers_are_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    revision_id = sent_estimate(services)

    def words(ws: Any) -> None:
        ws[f"D{row_of(ws, 'c')}"] = "two"

    path = edit(export(services, revision_id, tmp_path), words)
    [problem] = refused(services, revision_id, path).problems
    assert problem.column == "D (Qty)" and "not a number" in problem.message


def test_a_third_party_price_becomes_the_markup_that_gives_it(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    revision_id = sent_estimate(services, send=False)
    build = services.estimates.document(revision_id).sections[1].id
    services.estimates.add_line(
        build,
        LineDraft(kind="third_party", description="print", unit_cost=D(100), markup_percent=D(20)),
    )
    services.estimates.send(revision_id, SENT)

    def reprice(ws: Any) -> None:
        ws[f"F{row_of(ws, 'print')}"] = 150

    path = edit(export(services, revision_id, tmp_path), reprice)
    plan = plan_round_trip(
        services, revision_id, read_client_workbook(path, services.estimates.document(revision_id))
    )
    assert [dict(u.changes) for u in plan.updates] == [{"markup_percent": D(50)}]
    new_id = apply_round_trip(services, revision_id, plan)
    line = services.estimates.document(new_id).sections[1].lines[-1]
    assert (line.unit_price, line.unit_cost) == (D(150), D(100))


def test_every_demo_revision_reads_back_unchanged(tmp_path: Path) -> None:
    with create_demo_workspace(tmp_path / "demo.keyplan") as services:
        checked = 0
        for summary in services.estimates.summaries():
            latest = services.estimates.latest_revision_id(summary.estimate_id)
            for info in services.estimates.document(latest).revisions:
                document = services.estimates.document(info.id)
                path = export(services, info.id, tmp_path, f"demo-{info.id}")
                plan = plan_round_trip(services, info.id, read_client_workbook(path, document))
                assert plan.is_empty, (document.number, document.revision, plan.preview)
                checked += 1
        assert checked >= 10


def test_a_failure_mid_way_leaves_the_estimate_exactly_as_it_was(
    services: WorkspaceServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyplan.services.estimate_import as round_trip

    revision_id = sent_estimate(services)
    old = services.estimates.document(revision_id)

    def reorder(ws: Any) -> None:  # updates, then a move: the move step fails below
        swap_rows(ws, ref_row(ws, "1.1"), ref_row(ws, "1.2"))
        ws[f"D{ref_row(ws, '1.1')}"] = 11

    path = edit(export(services, revision_id, tmp_path), reorder)
    plan = plan_round_trip(services, revision_id, read_client_workbook(path, old))
    assert plan.updates and plan.moves

    def power_cut(*_args: object) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr(round_trip, "_arrange", power_cut)
    with pytest.raises(OSError):
        apply_round_trip(services, revision_id, plan)
    after = services.estimates.document(revision_id)
    assert [r.revision for r in after.revisions] == [r.revision for r in old.revisions]
    assert after.status == "sent"
    assert [(line.key, line.quantity) for line in after.lines] == [
        (line.key, line.quantity) for line in old.lines
    ]
