"""Importing actual costs from real finance .xlsx and .csv files.

Every refusal must say where (sheet, row, column) and leave the workspace exactly as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.errors import ValidationError
from keyplan.services.actuals import ActualDraft
from keyplan.services.actuals_import import (
    ActualsImportError,
    ActualsPlan,
    apply_import,
    guess_mapping,
    plan_import,
    prepare_import,
    read_actuals_table,
    revert_import,
)
from keyplan.services.estimate_records import LineDraft
from keyplan.services.rate_import import ImportProblem
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
HEADERS = ["Estimate", "No.", "Date", "Hours", "Cost", "Description", "Reference"]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "Actuals") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, lines: Sequence[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def fingerprint(services: WorkspaceServices, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the whole workspace file."""
    copy = services.save_copy(folder / f"fingerprint-{uuid.uuid4().hex}.keyplan")
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


@dataclass
class Estimate:
    estimate_id: int
    revision_id: int
    number: str
    keys: dict[str, str]  # line description or section name -> key


def make_estimate(
    services: WorkspaceServices,
    account_id: int,
    sections: dict[str, list[LineDraft]],
    *,
    approved: bool = True,
) -> Estimate:
    estimates = services.estimates
    names = list(sections)
    ref = estimates.create(
        account_id, "Brand site", issued_on=date(2026, 3, 1), tax_rate=D(10), section_name=names[0]
    )
    section_ids = [estimates.document(ref.revision_id).sections[0].id]
    section_ids += [estimates.add_section(name, revision_id=ref.revision_id) for name in names[1:]]
    for section_id, name in zip(section_ids, names, strict=True):
        for line in sections[name]:
            estimates.add_line(section_id, line)
    if approved:
        estimates.send(ref.revision_id, date(2026, 3, 10))
        estimates.approve(ref.revision_id, "Ms Lan", date(2026, 3, 20), "PO-77")
    document = estimates.document(ref.revision_id)
    keys = {section.name: section.key for section in document.sections}
    keys.update({line.description: line.key for line in document.lines})
    return Estimate(ref.estimate_id, ref.revision_id, ref.number, keys)


def hours(description: str, quantity: str = "10", price: str = "100") -> LineDraft:
    return LineDraft(
        description=description,
        quantity=D(quantity),
        unit="hour",
        unit_price=D(price),
        unit_cost=D(price) / 2,
    )


def expense(description: str, price: str = "300") -> LineDraft:
    return LineDraft(kind="expense", description=description, unit_price=D(price))


def add_change_order(
    services: WorkspaceServices, estimate: Estimate, lines: list[LineDraft]
) -> None:
    estimates = services.estimates
    order = estimates.create_change_order(estimate.estimate_id, "More pages")
    section = estimates.change_order(order).sections[0].id
    for line in lines:
        estimates.add_line(section, line)
    estimates.send_change_order(order, date(2026, 4, 1))
    estimates.approve_change_order(order, "Ms Lan", date(2026, 4, 2))
    for line in estimates.change_order(order).lines:
        estimate.keys[line.description] = line.key


@pytest.fixture
def usd(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD", market="VN"))


@pytest.fixture
def estimate(services: WorkspaceServices, usd: int) -> Estimate:
    """Approved: 1 Design (1.1 Concept, 1.2 Layouts), 2 Build (2.1 Hosting), and change
    order 1 (CO1-1.1 Page 6)."""
    made = make_estimate(
        services,
        usd,
        {"Design": [hours("Concept"), hours("Layouts", "20")], "Build": [expense("Hosting")]},
    )
    add_change_order(services, made, [hours("Page 6", "4")])
    return made


@pytest.fixture
def long_section(services: WorkspaceServices, usd: int) -> Estimate:
    """Section 1 has lines 1.1 to 1.12: Excel turns a typed 1.10 into the number 1.1."""
    return make_estimate(services, usd, {"Design": [hours(f"Task {n}", "1") for n in range(1, 13)]})


def entries(services: WorkspaceServices, estimate: Estimate) -> list[tuple[Any, ...]]:
    return [
        (r.ref, r.entry_date, r.hours, r.cost, r.description, r.reference)
        for r in services.actuals.entries(estimate.estimate_id)
    ]


def refused(
    services: WorkspaceServices, estimate: Estimate, path: Path, locale: str = "en"
) -> tuple[ImportProblem, ...]:
    """The problems of an import that must be refused; checks nothing was written."""
    before = fingerprint(services, path.parent)
    with pytest.raises(ActualsImportError) as error:
        plan = prepare_import(services, estimate.estimate_id, path, locale)
        apply_import(services, plan)
    assert fingerprint(services, path.parent) == before
    assert str(error.value).startswith("Nothing was imported.")
    return error.value.problems


def only(problems: tuple[ImportProblem, ...]) -> ImportProblem:
    assert len(problems) == 1, problems
    return problems[0]


# -- good files ----------------------------------------------------------------------------


def test_xlsx_by_refs_with_text_and_number_cells(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    number = estimate.number
    path = write_xlsx(
        tmp_path / "finance.xlsx",
        [
            HEADERS,
            [number, "1.1", datetime(2026, 4, 2), 7.5, 300, "Timesheets", "TS-1"],
            [number, 1.2, date(2026, 4, 3), None, 110.5, "Freelancer", "INV-9"],  # a number
            [None, None, None, None, None, None, None],  # an empty row is skipped
            ["KP-2099-0001", "1.1", date(2026, 4, 3), 1, 999, "Another job", "X"],
            [number.lower(), 2, "2026-04-04", None, "40.00", "Couriers", "EXP-1"],  # section
            [None, "CO1-1.1", date(2026, 4, 5), 4, "1,200.25", "", "  TS   2 "],
            [number, " 2.1 ", date(2026, 4, 6), None, -12, "Credit note", "CN-1"],
        ],
    )
    table = read_actuals_table(path)
    assert table.sheet == "Actuals" and table.header_row == 1
    plan = prepare_import(services, estimate.estimate_id, path, "en")
    assert (plan.estimate_id, plan.number, plan.currency, plan.sheet) == (
        estimate.estimate_id,
        number,
        "USD",
        "Actuals",
    )
    assert plan.skipped_other_estimates == 1
    assert plan.duplicates == 0
    assert [(row.row, row.target.ref) for row in plan.rows] == [
        (2, "1.1"),
        (3, "1.2"),
        (6, "2"),
        (7, "CO1-1.1"),
        (8, "2.1"),
    ]
    assert plan.total_cost == D("1638.75")  # 300 + 110.5 + 40 + 1200.25 - 12
    assert plan.total_hours == D("11.5")
    assert plan.rows[2].draft.line_key is None
    assert plan.rows[2].draft.section_key == estimate.keys["Build"]

    result = apply_import(services, plan)
    assert len(result.ids) == 5
    assert entries(services, estimate) == [
        ("1.1", date(2026, 4, 2), D("7.5"), D("300.00"), "Timesheets", "TS-1"),
        ("1.2", date(2026, 4, 3), None, D("110.50"), "Freelancer", "INV-9"),
        ("2", date(2026, 4, 4), None, D("40.00"), "Couriers", "EXP-1"),
        ("CO1-1.1", date(2026, 4, 5), D(4), D("1200.25"), "", "TS 2"),
        ("2.1", date(2026, 4, 6), None, D("-12.00"), "Credit note", "CN-1"),
    ]
    records = services.actuals.entries(estimate.estimate_id)
    assert {(r.batch, r.source) for r in records} == {(result.batch, "finance.xlsx")}
    variance = services.actuals.variance(estimate.estimate_id).variance
    assert variance.figures.actual_cost == D("1638.75")
    assert variance.line(estimate.keys["Page 6"]).figures.actual_hours == D(4)


def test_csv_by_section_name_with_german_numbers(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "buchhaltung.csv",
        [
            "Phase;Posting date;Hrs;Net amount;Narrative;Voucher",
            "Design;2026-04-02;7,5;1.234,50;Zeiterfassung;B-1",
            "  build ;2026-04-03;;99,9;Hosting April;B-2",
            "Changes;2026-04-04;2;-10;Gutschrift;B-3",
        ],
    )
    plan = prepare_import(services, estimate.estimate_id, path, "de_DE")
    assert plan.sheet == "CSV"
    assert [(row.row, row.target.ref, row.target.label) for row in plan.rows] == [
        (2, "1", "Design"),
        (3, "2", "Build"),
        (4, "CO1-1", "Changes"),
    ]
    apply_import(services, plan)
    assert entries(services, estimate) == [
        ("1", date(2026, 4, 2), D("7.5"), D("1234.50"), "Zeiterfassung", "B-1"),
        ("2", date(2026, 4, 3), None, D("99.90"), "Hosting April", "B-2"),
        ("CO1-1", date(2026, 4, 4), D(2), D("-10.00"), "Gutschrift", "B-3"),
    ]
    variance = services.actuals.variance(estimate.estimate_id).variance
    assert variance.sections[0].unallocated.actual_cost == D("1234.50")


def test_the_same_german_file_is_refused_in_english(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "buchhaltung.csv",
        ["Phase;Date;Cost", "Design;2026-04-02;1.234,50", "Build;2026-04-03;99,9"],
    )
    problems = refused(services, estimate, path, "en")
    assert [(p.sheet, p.row, p.column) for p in problems] == [("CSV", 2, "C"), ("CSV", 3, "C")]
    assert all("cost" in p.message for p in problems)


def test_yen_whole_numbers_with_zero_decimals_are_accepted(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    tokyo = services.accounts.create(AccountDraft("Sakura Foods", currency="JPY", market="JP"))
    made = make_estimate(services, tokyo, {"Shoot": [hours("Director", "8", "20000")]})
    path = write_csv(
        tmp_path / "yen.csv",
        ["No.,Date,Cost", '1.1,2026-04-02,"150,000.00"', "1.1,2026-04-03,2500", "1,2026-04-04,0"],
    )
    apply_import(services, prepare_import(services, made.estimate_id, path, "en"))
    assert [(ref, cost) for ref, _, _, cost, _, _ in entries(services, made)] == [
        ("1.1", D(150000)),
        ("1.1", D(2500)),
        ("1", D(0)),
    ]


def test_a_text_ref_keeps_1_10_apart_from_1_1(
    services: WorkspaceServices, long_section: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "refs.xlsx",
        [
            ["No.", "Date", "Cost"],
            ["1.10", date(2026, 4, 2), 10],
            ["1.1", date(2026, 4, 2), 1],
            [1.2, date(2026, 4, 2), 2],  # a number, but only line 1.2 reads as 1.2
            [1.12, date(2026, 4, 2), 12],  # only 1.12 (there is no 1.120)
        ],
    )
    plan = prepare_import(services, long_section.estimate_id, path, "en")
    assert [(row.target.ref, row.target.label) for row in plan.rows] == [
        ("1.10", "Task 10"),
        ("1.1", "Task 1"),
        ("1.2", "Task 2"),
        ("1.12", "Task 12"),
    ]


def test_duplicates_are_flagged_and_skipped_on_a_second_import(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    rows = [
        HEADERS,
        [estimate.number, "1.1", date(2026, 4, 2), 7.5, 300, "Timesheets", "TS-1"],
        [estimate.number, "2", date(2026, 4, 2), None, 40, "Couriers", "EXP-1"],
    ]
    path = write_xlsx(tmp_path / "april.xlsx", rows)
    first = apply_import(services, prepare_import(services, estimate.estimate_id, path, "en"))
    assert len(first.ids) == 2

    # the next month's file repeats April and adds May
    rows.append([estimate.number, "1.2", date(2026, 5, 2), 3, 150, "Timesheets", "TS-2"])
    path = write_xlsx(tmp_path / "april-may.xlsx", rows)
    plan = prepare_import(services, estimate.estimate_id, path, "en")
    assert [row.duplicate for row in plan.rows] == [True, True, False]
    assert plan.duplicates == 2
    second = apply_import(services, plan)
    assert len(second.ids) == 1
    assert [d.entry_date for d in second.drafts] == [date(2026, 5, 2)]
    assert len(services.actuals.entries(estimate.estimate_id)) == 3

    # on purpose: book them again anyway
    again = apply_import(
        services, prepare_import(services, estimate.estimate_id, path, "en"), skip_duplicates=False
    )
    assert len(again.ids) == 3
    assert len(services.actuals.entries(estimate.estimate_id)) == 6


def test_an_entry_typed_in_the_app_counts_as_a_duplicate(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    services.actuals.add(
        estimate.estimate_id,
        ActualDraft(
            entry_date=date(2026, 4, 2),
            cost=D("300.00"),
            hours=D("7.50"),
            line_key=estimate.keys["Concept"],
            reference="TS-1",
        ),
    )
    path = write_csv(
        tmp_path / "f.csv",
        [
            "No.,Date,Hours,Cost,Reference",
            "1.1,2026-04-02,7.5,300,TS-1",
            "1.1,2026-04-02,7.5,300,TS-9",
        ],
    )
    plan = prepare_import(services, estimate.estimate_id, path, "en")
    assert [row.duplicate for row in plan.rows] == [True, False]


def test_revert_removes_exactly_the_batch(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    services.actuals.add(
        estimate.estimate_id,
        ActualDraft(entry_date=date(2026, 4, 1), cost=D(5), line_key=estimate.keys["Concept"]),
    )
    first = write_csv(tmp_path / "a.csv", ["No.,Date,Cost", "1.1,2026-04-02,10", "2,2026-04-02,20"])
    second = write_csv(tmp_path / "b.csv", ["No.,Date,Cost", "1.2,2026-04-03,30"])
    a = apply_import(services, prepare_import(services, estimate.estimate_id, first, "en"))
    b = apply_import(services, prepare_import(services, estimate.estimate_id, second, "en"))
    assert a.batch != b.batch
    revert_import(services, a)
    assert [(r.cost, r.batch) for r in services.actuals.entries(estimate.estimate_id)] == [
        (D(5), None),
        (D(30), b.batch),
    ]
    assert not [item for item in services.deleted_items() if item.kind == "actual"]
    # redo: the same batch and ids again
    again = apply_import(
        services,
        prepare_import(services, estimate.estimate_id, first, "en"),
        batch=a.batch,
        ids=a.ids,
    )
    assert (again.batch, again.ids) == (a.batch, a.ids)
    assert len(services.actuals.entries(estimate.estimate_id)) == 4


def test_guess_mapping_reads_finance_headers() -> None:
    headers = ["Job No.", "Item", "Phase", "Posting date", "Hrs", "Net amount", "Memo", "Voucher"]
    assert guess_mapping(headers) == {
        "ref": 1,
        "section": 2,
        "estimate": 0,
        "date": 3,
        "hours": 4,
        "cost": 5,
        "description": 6,
        "reference": 7,
    }
    assert guess_mapping(["Whatever", "Date"]) == {
        "ref": None,
        "section": None,
        "estimate": None,
        "date": 1,
        "hours": None,
        "cost": None,
        "description": None,
        "reference": None,
    }


def test_the_users_mapping_wins(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "f.csv", ["A,B,C,D", "2026-04-02,1.1,55.5,x"])
    mapping: dict[str, int | None] = {"date": 0, "ref": 1, "cost": 2, "description": 3}
    plan = prepare_import(services, estimate.estimate_id, path, "en", mapping)
    assert [(r.target.ref, r.draft.cost, r.draft.description) for r in plan.rows] == [
        ("1.1", D("55.5"), "x")
    ]


# -- refusals ------------------------------------------------------------------------------


def test_missing_columns_are_refused_at_the_header(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [["Item", "Memo"], ["1.1", "x"]], title="Kosten")
    problems = refused(services, estimate, path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Kosten", 1, "")] * 2
    assert "No date column" in problems[0].message
    assert "No cost column" in problems[1].message

    path = write_csv(tmp_path / "g.csv", ["", "Date,Cost", "2026-04-02,10"])
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 2, "")
    assert "which line" in problem.message


def test_one_column_for_two_fields_is_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "f.csv", ["No.,Date,Cost", "1.1,2026-04-02,10"])
    before = fingerprint(services, tmp_path)
    with pytest.raises(ActualsImportError) as error:
        prepare_import(services, estimate.estimate_id, path, "en", {"ref": 0, "date": 1, "cost": 1})
    problem = only(error.value.problems)
    assert (problem.row, problem.column) == (1, "")
    assert "two fields" in problem.message
    assert fingerprint(services, tmp_path) == before


def test_an_unknown_ref_is_refused_naming_the_cell(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            HEADERS,
            [estimate.number, "1.1", date(2026, 4, 2), 1, 10, "", ""],
            [estimate.number, "3.1", date(2026, 4, 2), 1, 10, "", ""],
            [estimate.number, "CO2-1.1", date(2026, 4, 2), 1, 10, "", ""],
            [estimate.number, 9, date(2026, 4, 2), 1, 10, "", ""],
        ],
    )
    problems = refused(services, estimate, path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("Actuals", 3, "B"),
        ("Actuals", 4, "B"),
        ("Actuals", 5, "B"),
    ]
    assert f"There is no line 3.1 in {estimate.number}" in problems[0].message
    assert "CO2-1.1" in problems[1].message
    assert "no line 9 " in problems[2].message
    assert entries(services, estimate) == []


def test_an_unknown_or_ambiguous_section_name_is_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    add_change_order(services, estimate, [hours("Page 7", "1")])  # a second "Changes"
    path = write_csv(
        tmp_path / "f.csv",
        ["Section,Date,Cost", "Design,2026-04-02,1", "Launch,2026-04-02,1", "Changes,2026-04-02,1"],
    )
    problems = refused(services, estimate, path)
    assert [(p.row, p.column) for p in problems] == [(3, "A"), (4, "A")]
    assert "No section 'Launch'" in problems[0].message
    assert "Two sections are named 'Changes'" in problems[1].message


def test_an_excel_number_1_1_is_ambiguous_when_1_10_exists(
    services: WorkspaceServices, long_section: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [["No.", "Date", "Cost"], [1.2, date(2026, 4, 2), 2], [1.1, date(2026, 4, 2), 1]],
        title="Sheet1",
    )
    problem = only(refused(services, long_section, path))
    assert (problem.sheet, problem.row, problem.column) == ("Sheet1", 3, "A")
    assert "1.1 could be line 1.1 or 1.10" in problem.message
    assert "as text" in problem.message


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("31/04/2026", "is not a date"),
        ("2026-02-30", "not a real date"),
        ("1989-12-31", "1990 to 2200"),
        (datetime(2026, 4, 2, 14, 30), "without a time"),
        (45000, "is not a date"),
        (date(2201, 1, 1), "1990 to 2200"),
    ],
)
def test_a_bad_date_is_refused_naming_the_cell(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path, cell: object, words: str
) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [HEADERS, [estimate.number, "1.1", cell, 1, 10, "", ""]],
    )
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("Actuals", 2, "C")
    assert words in problem.message


def test_too_many_decimals_for_yen_are_refused(services: WorkspaceServices, tmp_path: Path) -> None:
    tokyo = services.accounts.create(AccountDraft("Sakura Foods", currency="JPY", market="JP"))
    made = make_estimate(services, tokyo, {"Shoot": [hours("Director", "8", "20000")]})
    path = write_xlsx(
        tmp_path / "yen.xlsx",
        [
            ["No.", "Date", "Hours", "Cost"],
            ["1.1", date(2026, 4, 2), 8, 150000],
            ["1.1", date(2026, 4, 3), 8, 1500.5],
            ["1.1", date(2026, 4, 4), 8, "2,500.75"],
            ["1.1", date(2026, 4, 5), 7.125, 1000],
        ],
        title="仕訳",
    )
    problems = refused(services, made, path)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("仕訳", 3, "D"),
        ("仕訳", 4, "D"),
        ("仕訳", 5, "C"),
    ]
    assert "whole numbers" in problems[0].message
    assert "whole numbers" in problems[1].message
    assert "2 decimals" in problems[2].message


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        (["1.1", "2026-04-02", "", "ten"], "D", "cost"),
        (["1.1", "2026-04-02", "", ""], "D", "The cost is empty"),
        (["1.1", "", "", "10"], "B", "The date is empty"),
        (["", "2026-04-02", "", "10"], "A", "it is empty"),
        (["1.1", "2026-04-02", "lots", "10"], "C", "hours"),
        (["1.1", "2026-04-02", "", "10 USD"], "D", "currency code"),
        (["1.1", "2026-04-02", "", "1e5"], "D", "exponent"),
        (["1.1", "2026-04-02", "", "1000000000000000"], "D", "too large"),
        (["1.1", "2026-04-02", "1000000", "10"], "C", "too many"),
    ],
)
def test_bad_cells_in_a_csv_are_refused_naming_the_cell(
    services: WorkspaceServices,
    estimate: Estimate,
    tmp_path: Path,
    values: list[str],
    column: str,
    words: str,
) -> None:
    path = write_csv(tmp_path / "f.csv", ["No.,Date,Hours,Cost", ",".join(values)])
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 2, column)
    assert words in problem.message


def test_every_problem_is_collected(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        [
            "No.,Date,Hours,Cost,Description",
            "1.1,2026-04-02,1,10,fine",
            "7.7,yesterday,x,,all wrong",
            "1.2,2026-04-02,1,10.001,",
            "2.1,2026-04-02,1,10," + "x" * 2001,
        ],
    )
    problems = refused(services, estimate, path)
    assert [(p.row, p.column) for p in problems] == [
        (3, "A"),
        (3, "B"),
        (3, "D"),
        (3, "C"),
        (4, "D"),
        (5, "E"),
    ]


def test_a_boolean_cost_is_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx", [["No.", "Date", "Cost"], ["1.1", date(2026, 4, 2), True]]
    )
    problem = only(refused(services, estimate, path))
    assert (problem.row, problem.column) == (2, "C")
    assert "must be a number" in problem.message


def test_a_formula_cell_is_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            ["No.", "Date", "Cost"],
            ["1.1", date(2026, 4, 2), 10],
            ["1.2", date(2026, 4, 2), "=SUM(B2:B3)"],
        ],
    )
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("Actuals", 3, "C")
    assert "formula" in problem.message

    path = write_csv(
        tmp_path / "f.csv", ["No.,Date,Cost,Description", "1.1,2026-04-02,10,=cmd|' /C calc'!A0"]
    )
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 2, "D")


def test_rows_only_for_other_estimates_are_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        ["Job,No.,Date,Cost", "KP-1,1.1,2026-04-02,10", "KP-2,1.1,2026-04-02,10"],
    )
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 1, "")
    assert f"No rows for {estimate.number}: 2 rows are for other estimates" in problem.message


def test_empty_files_are_refused(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"")
    problem = only(refused(services, estimate, empty_csv))
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 0, "")
    assert "empty" in problem.message

    blank = write_xlsx(tmp_path / "blank.xlsx", [], title="Leer")
    problem = only(refused(services, estimate, blank))
    assert (problem.sheet, problem.row, problem.column) == ("Leer", 0, "")
    assert "empty" in problem.message

    header_only = write_xlsx(tmp_path / "header.xlsx", [HEADERS])
    problem = only(refused(services, estimate, header_only))
    assert (problem.sheet, problem.row, problem.column) == ("Actuals", 1, "")
    assert f"No rows for {estimate.number}." in problem.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
        (b"this is not a workbook at all", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, "not an Excel workbook"),
    ],
)
def test_foreign_or_protected_workbooks_are_refused(
    services: WorkspaceServices,
    estimate: Estimate,
    tmp_path: Path,
    content: bytes,
    words: str,
) -> None:
    path = tmp_path / "finance.xlsx"
    path.write_bytes(content)
    problem = only(refused(services, estimate, path))
    assert (problem.sheet, problem.row, problem.column) == ("finance.xlsx", 0, "")
    assert words in problem.message


def test_a_plan_is_checked_again_when_it_is_booked(
    services: WorkspaceServices, estimate: Estimate, tmp_path: Path
) -> None:
    """The service checks every row of a plan again: a row naming a line that is not in the
    baseline (here forged; in life, a line dropped since the plan was made) refuses all."""
    path = write_csv(tmp_path / "f.csv", ["No.,Date,Cost", "1.1,2026-04-02,10"])
    report = services.actuals.variance(estimate.estimate_id)
    plan = plan_import(report, read_actuals_table(path), {"ref": 0, "date": 1, "cost": 2}, "en")
    forged = ActualsPlan(
        plan.estimate_id,
        plan.number,
        plan.currency,
        plan.sheet,
        (
            plan.rows[0],
            type(plan.rows[0])(
                3,
                plan.rows[0].target,
                ActualDraft(entry_date=date(2026, 4, 2), cost=D(1), line_key="gone"),
                False,
            ),
        ),
        0,
    )
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        apply_import(services, forged)
    assert error.value.field == "target"
    assert fingerprint(services, tmp_path) == before
