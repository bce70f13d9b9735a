"""Rate card import from real .xlsx and .csv files: values, preview, all-or-nothing, undo.

Every refusal must say where (sheet, row, column) and leave the card's rates as they were.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from keyplan.services.estimate_records import RateRecord
from keyplan.services.rate_import import (
    ImportResult,
    RateImportError,
    RateTable,
    TableRow,
    apply_import,
    build_rates,
    guess_mapping,
    preview_import,
    read_rate_table,
    revert_import,
)
from keyplan.services.workspace import WorkspaceServices

D = Decimal
JAN = date(2026, 1, 1)
JUL = date(2026, 7, 1)
HEADERS = ["Role", "Unit", "Bill rate", "Cost rate", "Valid from"]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "Rates") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, lines: Sequence[str], *, bom: bool = False) -> Path:
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(services: WorkspaceServices, card: int, path: Path, locale: str = "en") -> ImportResult:
    currency = next(c.currency for c in services.rate_cards.cards() if c.id == card)
    table = read_rate_table(path)
    rows = build_rates(table, guess_mapping(table.headers), currency, locale)
    return apply_import(services, card, rows)


def snapshot(services: WorkspaceServices, card: int) -> list[RateRecord]:
    return services.rate_cards.rates(card)


@pytest.fixture
def card(services: WorkspaceServices) -> int:
    cards = services.rate_cards
    card = cards.create_card("Agency 2026", "USD")
    cards.add_rate(card, "Designer", D(100), D(40), valid_from=JAN)
    cards.add_rate(card, "Developer", D(120), D(60), valid_from=JAN)
    return card


@pytest.fixture
def yen_card(services: WorkspaceServices) -> int:
    card = services.rate_cards.create_card("Tokyo", "JPY")
    services.rate_cards.add_rate(card, "Designer", D(9000), D(4000), valid_from=JAN)
    return card


def values(services: WorkspaceServices, card: int) -> set[tuple[str, str, Decimal, Decimal, date]]:
    return {
        (r.role, r.unit, r.bill_rate, r.cost_rate, r.valid_from)
        for r in services.rate_cards.rates(card)
    }


# -- good files ----------------------------------------------------------------------------


def test_good_xlsx_imports_the_right_values(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "rates.xlsx",
        [
            HEADERS,
            ["Copywriter", "Hours", 85.5, 30, datetime(2026, 7, 1)],
            ["Account Director", "d", 900, 450.25, "2026-07-01"],
            [None, None, None, None, None],  # empty rows are skipped
            ["Strategist", "H", "1,234.50", "600", JUL],
        ],
    )
    result = run(services, card, path)
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert len(result.created_ids) == 3
    assert values(services, card) == {
        ("Designer", "hour", D(100), D(40), JAN),
        ("Developer", "hour", D(120), D(60), JAN),
        ("Copywriter", "hour", D("85.50"), D(30), JUL),
        ("Account Director", "day", D(900), D("450.25"), JUL),
        ("Strategist", "hour", D("1234.50"), D(600), JUL),
    }


def test_good_csv_with_semicolons_and_german_decimals(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "rates.csv",
        [
            "Position;Unit;Price;Cost;Effective",
            "Texter;Stunde;85,50;30,00;2026-07-01".replace("Stunde", "hour"),
            '"Berater; Senior";days;1.234,50;600;2026-07-01',
        ],
        bom=True,
    )
    result = run(services, card, path, locale="de")
    assert result.added == 2
    assert ("Texter", "hour", D("85.50"), D(30), JUL) in values(services, card)
    assert ("Berater; Senior", "day", D("1234.50"), D(600), JUL) in values(services, card)


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_delimiter_is_sniffed(
    services: WorkspaceServices, card: int, tmp_path: Path, delimiter: str
) -> None:
    path = write_csv(
        tmp_path / "rates.csv",
        [delimiter.join(HEADERS), delimiter.join(["Tester", "hour", "70.5", "35", "2026-07-01"])],
    )
    assert run(services, card, path).added == 1
    assert ("Tester", "hour", D("70.5"), D(35), JUL) in values(services, card)


def test_unit_column_may_be_left_out(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", ["Title,Sell,Cost rate,Date", "QA,50,20,2026-07-01"])
    run(services, card, path)
    assert ("QA", "hour", D(50), D(20), JUL) in values(services, card)


def test_guess_mapping_synonyms() -> None:
    assert guess_mapping(["ROLE", "unit", "Bill Rate", "cost", "Valid From"]) == {
        "role": 0,
        "unit": 1,
        "bill_rate": 2,
        "cost_rate": 3,
        "valid_from": 4,
    }
    assert guess_mapping(["Price", "Notes", "Title", "Effective", "Cost Rate"]) == {
        "role": 2,
        "unit": None,
        "bill_rate": 0,
        "cost_rate": 4,
        "valid_from": 3,
    }
    assert guess_mapping(["sell", "position", "from", "COST"])["valid_from"] == 2
    assert guess_mapping([])["role"] is None


def test_the_user_mapping_wins(services: WorkspaceServices, card: int, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["Name,A,B,When", "QA,50,20,2026-07-01"])
    table = read_rate_table(path)
    mapping = {"role": 0, "unit": None, "bill_rate": 1, "cost_rate": 2, "valid_from": 3}
    rows = build_rates(table, mapping, "USD", "en")
    assert [(r.role, r.bill_rate, r.cost_rate, r.row) for r in rows] == [("QA", 50, 20, 2)]


def test_one_column_for_two_fields_is_refused() -> None:
    table = RateTable("Rates", 1, ["Role", "Rate", "When"], [TableRow(2, ("QA", 50, JAN))])
    mapping = {"role": 0, "unit": None, "bill_rate": 1, "cost_rate": 1, "valid_from": 2}
    with pytest.raises(RateImportError) as caught:
        build_rates(table, mapping, "USD", "en")
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Rates", 1, "B")
    assert problem.message == "Column B is chosen for both the bill rate and the cost rate."


# -- preview, apply, revert ----------------------------------------------------------------


def test_preview_says_add_update_same_and_revert_restores_exactly(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "rates.xlsx",
        [
            HEADERS,
            ["designer", "hour", 100, 40, JAN],  # same (role matched case-insensitively)
            ["Developer", "hour", 130, 60, JAN],  # update
            ["Developer", "hour", 140, 70, JUL],  # add: another date
            ["Writer", "day", 500, 200, JAN],  # add
        ],
    )
    before = snapshot(services, card)
    table = read_rate_table(path)
    rows = build_rates(table, guess_mapping(table.headers), "USD", "en")
    preview = preview_import(services, card, rows)
    assert [(p.role, p.action) for p in preview] == [
        ("designer", "same"),
        ("Developer", "update"),
        ("Developer", "add"),
        ("Writer", "add"),
    ]
    assert preview[1].previous_bill == D(120) and preview[1].bill == D(130)
    assert snapshot(services, card) == before  # a preview writes nothing

    result = apply_import(services, card, rows)
    assert (result.added, result.updated, result.unchanged) == (2, 1, 1)
    assert len(result.changes) == 1
    assert ("Developer", "hour", D(130), D(60), JAN) in values(services, card)
    assert len(snapshot(services, card)) == 4
    assert [p.action for p in preview_import(services, card, rows)] == ["same"] * 4

    revert_import(services, result)
    assert snapshot(services, card) == before


# -- refusals ------------------------------------------------------------------------------

XLSX_CASES: dict[str, tuple[list[list[Any]], str, int, str, str]] = {
    # name: (rows below a good row, sheet, row, column, words in the message)
    "formula": (
        [["Writer", "hour", "=A1*2", 20, JAN]],
        "Rates",
        3,
        "C",
        "formula",
    ),
    "empty role": ([[None, "hour", 50, 20, JAN]], "Rates", 3, "A", "empty"),
    "empty cost": ([["Writer", "hour", 50, None, JAN]], "Rates", 3, "D", "empty"),
    "unreadable number": ([["Writer", "hour", "fifty", 20, JAN]], "Rates", 3, "C", "bill rate"),
    "negative": ([["Writer", "hour", 50, -20, JAN]], "Rates", 3, "D", "negative"),
    "unknown unit": ([["Writer", "week", 50, 20, JAN]], "Rates", 3, "B", "unknown unit"),
    "not a real date": ([["Writer", "hour", 50, 20, "2026-02-30"]], "Rates", 3, "E", "date"),
    "date in another format": ([["Writer", "hour", 50, 20, "01/07/2026"]], "Rates", 3, "E", "date"),
    "number as date": ([["Writer", "hour", 50, 20, 46000]], "Rates", 3, "E", "date"),
    "too many decimals": ([["Writer", "hour", 50.555, 20, JAN]], "Rates", 3, "C", "decimals"),
    "boolean rate": ([["Writer", "hour", True, 20, JAN]], "Rates", 3, "C", "number"),
    "duplicate": (
        [["Writer", "hour", 50, 20, JAN], ["writer", "hour", 55, 20, JAN]],
        "Rates",
        4,
        "A",
        "also on row 3",
    ),
}


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_bad_cells_are_refused_naming_the_cell(
    services: WorkspaceServices, card: int, tmp_path: Path, case: str
) -> None:
    rows, sheet, row, column, words = XLSX_CASES[case]
    good = [["Tester", "hour", 70, 35, JUL]]  # a good row first: nothing partial
    path = write_xlsx(tmp_path / "rates.xlsx", [HEADERS, *good, *rows])
    before = snapshot(services, card)
    with pytest.raises(RateImportError) as caught:
        run(services, card, path)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet, row, column)
    assert words in problem.message.casefold()
    assert f"{sheet}!{column}{row}" in str(caught.value)
    assert snapshot(services, card) == before


def test_float_with_decimals_is_refused_for_yen(
    services: WorkspaceServices, yen_card: int, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "yen.xlsx", [HEADERS, ["Writer", "hour", 1500.5, 800, JAN]])
    before = snapshot(services, yen_card)
    with pytest.raises(RateImportError) as caught:
        run(services, yen_card, path)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Rates", 2, "C")
    assert "JPY has no decimals" in problem.message
    assert snapshot(services, yen_card) == before
    # whole yen as a float cell are fine
    write_xlsx(path, [HEADERS, ["Writer", "hour", 1500.0, 800, JAN]])
    assert run(services, yen_card, path).added == 1


def test_german_decimals_are_refused_in_english(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [";".join(HEADERS), "Texter;hour;85,50;30;2026-07-01"])
    with pytest.raises(RateImportError) as caught:
        run(services, card, path, locale="en")
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 2, "C")


def test_every_problem_is_collected_and_nothing_is_written(
    services: WorkspaceServices, card: int, tmp_path: Path
) -> None:
    lines = [",".join(HEADERS)]
    lines += [f"Role {n},hour,{50 + n},20,2026-07-01" for n in range(20)]
    lines += ["Bad,week,-5,x,2026-13-01", ",hour,50,20,2026-07-01"]
    path = write_csv(tmp_path / "r.csv", lines)
    before = snapshot(services, card)
    with pytest.raises(RateImportError) as caught:
        run(services, card, path)
    where = [(p.row, p.column) for p in caught.value.problems]
    assert where == [(22, "B"), (22, "C"), (22, "D"), (22, "E"), (23, "A")]
    assert "and 2 more problems" in str(caught.value)
    assert snapshot(services, card) == before


def test_formula_in_csv_is_refused(services: WorkspaceServices, card: int, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [",".join(HEADERS), "=cmd|' /C calc'!A0,hour,1,1,x"])
    with pytest.raises(RateImportError) as caught:
        read_rate_table(path)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("CSV", 2, "A")
    assert "formula" in problem.message


def _file_error(path: Path) -> str:
    with pytest.raises(RateImportError) as caught:
        read_rate_table(path)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (path.name, 0, "")
    return str(caught.value)


def test_random_bytes_are_not_an_excel_workbook(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(os.urandom(4096))
    assert "not an Excel workbook" in _file_error(path)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "not an Excel workbook" in _file_error(path)


def test_encrypted_workbook_is_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    assert "password-protected" in _file_error(path)


@pytest.mark.parametrize("name", ["rates.txt", "rates.xls", "rates"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Role,Bill\n")
    assert ".xlsx and .csv" in _file_error(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in _file_error(tmp_path / "gone.csv")


def test_file_over_5_mb_is_too_big(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"Role,Bill,Cost,From\n" + b"x" * (5 * 1024 * 1024))
    assert "too big" in _file_error(path)


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Role,Bill\nCafé,1\n".encode("latin-1"))
    assert "UTF-8" in _file_error(path)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_5001_rows_are_too_big_and_5000_are_fine(tmp_path: Path, kind: str) -> None:
    def make(count: int) -> Path:
        rows = [[f"Role {n}", "hour", 50, 20, "2026-07-01"] for n in range(count)]
        if kind == "csv":
            lines = [",".join(map(str, row)) for row in [HEADERS, *rows]]
            return write_csv(tmp_path / f"{count}.csv", lines)
        return write_xlsx(tmp_path / f"{count}.xlsx", [HEADERS, *rows])

    assert len(read_rate_table(make(5000)).rows) == 5000
    with pytest.raises(RateImportError) as caught:
        read_rate_table(make(5001))
    assert "too big" in str(caught.value).casefold()


def test_no_header_row(services: WorkspaceServices, card: int, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [[None], [1, 2, 3]])
    with pytest.raises(RateImportError) as caught:
        read_rate_table(path)
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Rates", 2, "")
    assert "header" in problem.message


def test_empty_files(tmp_path: Path) -> None:
    assert "header" in _error(write_csv(tmp_path / "e.csv", [""]))
    assert "header" in _error(write_xlsx(tmp_path / "e.xlsx", []))


def _error(path: Path) -> str:
    with pytest.raises(RateImportError) as caught:
        read_rate_table(path)
    return str(caught.value)


def test_unmapped_required_column_and_no_rows() -> None:
    table = RateTable("Rates", 1, ["Role", "Notes"], [TableRow(2, ("Writer", "x"))])
    with pytest.raises(RateImportError) as caught:
        build_rates(table, guess_mapping(table.headers), "USD", "en")
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "Choose the column that holds the bill rate.",
        "Choose the column that holds the cost rate.",
        "Choose the column that holds the valid-from date.",
    ]
    empty = RateTable("Rates", 1, HEADERS, [])
    with pytest.raises(RateImportError, match="no rates below"):
        build_rates(empty, guess_mapping(HEADERS), "USD", "en")


def test_rows_for_another_currency_are_refused_at_apply(
    services: WorkspaceServices, yen_card: int, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [",".join(HEADERS), "Writer,hour,50.50,20,2026-07-01"])
    table = read_rate_table(path)
    rows = build_rates(table, guess_mapping(table.headers), "USD", "en")
    before = snapshot(services, yen_card)
    with pytest.raises(RateImportError, match="JPY has no decimals"):
        apply_import(services, yen_card, rows)
    assert snapshot(services, yen_card) == before
