"""The revenue forecast workbook, read back: formulas, rates, and a spreadsheet engine
(LibreOffice) recalculating to the service's roll-up to the minor unit, in USD, JPY and VND."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from keyplan.domain.forecast import FIGURES, ForecastRollUp, add_months
from keyplan.exports.files import ExportExistsError
from keyplan.exports.xlsx.forecast import (
    PORTFOLIO_SHEET,
    RATES_SHEET,
    ForecastLayout,
    sheet_title,
    write_forecast_workbook,
)
from keyplan.services import exporting
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
YEAR = 2026


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    """Accounts in five currencies, business units, awkward amounts; rates both ways and one
    that changes in July."""
    with WorkspaceServices.create(tmp_path / "fx.keyplan", agency_name="Mekong Media") as services:
        new = services.accounts.create
        ids = {
            "group": new(AccountDraft("Aurora Group", currency="USD", kind="global")),
            "shop": new(AccountDraft("Sen Việt E-commerce", currency="VND")),
            "gulf": new(AccountDraft("Gulf Dates", currency="KWD")),
            "berlin": new(AccountDraft("Berlin: Bikes/Parts", currency="EUR")),
        }
        ids["japan"] = new(AccountDraft("Aurora Japan", currency="JPY", parent_id=ids["group"]))
        ids["saigon"] = new(AccountDraft("Sen Việt US", currency="USD", parent_id=ids["shop"]))
        forecast = services.forecast
        for index in range(12):
            month = date(YEAR, index + 1, 1)
            n = index + 1

            def put(key: str, unit: str, month: date = month, **figures: Decimal | None) -> None:
                forecast.update_month(ids[key], month, unit, figures)

            put("group", "Brand", target=D("100000.00") + n, forecast=D("99999.95") + n)
            put("group", "Media", forecast=D("0.05") * n, actual=D("12345.67") if n < 4 else None)
            put("japan", "", target=D(1_000_001 * n), forecast=D(999_999 + 7 * n), actual=D(3))
            put("shop", "", forecast=D(12_706_500 + 12_706 * n), actual=D(25_413 * n + 1))
            put("saigon", "", target=D("1000.01") * n)
            put("gulf", "", forecast=D("1234.567") + D("0.001") * n)
            if n % 3:
                put("berlin", "", target=D("500.05") * n, actual=D("0.01") * n)
        rates = services.exchange_rates
        rates.create("USD", "JPY", D("151.37"), date(2025, 1, 1), "Finance")
        rates.create("USD", "VND", D("25413"), date(2025, 1, 1), "Finance")
        rates.create("KWD", "USD", D("3.2541"), date(2025, 1, 1), "Finance")
        rates.create("EUR", "USD", D("1.0845"), date(2025, 1, 1), "Finance")
        rates.create("EUR", "USD", D("1.0713"), date(2026, 7, 15), "Finance, July")
        yield services, ids


@dataclass
class Written:
    path: Path
    layout: ForecastLayout
    roll: ForecastRollUp
    places: int


def _write(
    services: WorkspaceServices,
    path: Path,
    *,
    account_id: int | None = None,
    currency: str | None = None,
) -> Written:
    document = exporting.forecast_document(
        services, account_id=account_id, year=YEAR, currency=currency
    )
    layout = write_forecast_workbook(document, path)
    roll = services.forecast.roll_up(date(YEAR, 1, 1), 12, currency=currency, account_id=account_id)
    return Written(path, layout, roll, document.minor_units)


def _number(value: object) -> Decimal:
    assert isinstance(value, int | float) and not isinstance(value, bool), repr(value)
    return D(repr(value)) if isinstance(value, float) else D(value)


def totals_match(workbook: Any, written: Written) -> list[str]:
    """The portfolio totals a (recalculated) workbook shows against the service's roll-up."""
    sheet = workbook[PORTFOLIO_SHEET]
    problems = []
    layout = written.layout
    for name in FIGURES:
        row = layout.total_rows[name]
        for column, month in zip(layout.month_columns, written.roll.months, strict=True):
            value = sheet[f"{column}{row}"].value
            expected = month.get(name) or D(0)
            shown = _number(value).quantize(D(1).scaleb(-written.places))
            if shown != expected:
                problems.append(f"{name} {month.month:%Y-%m}: {value!r}, the app says {expected}")
        year = written.roll.totals()
        assert year is not None
        value = sheet[f"{layout.total_column}{row}"].value
        expected = year.get(name) or D(0)
        if _number(value).quantize(D(1).scaleb(-written.places)) != expected:
            problems.append(f"{name} year: {value!r}, the app says {expected}")
    return problems


def formulas_match(original: Path, recalculated: Path, places: int) -> list[str]:
    """Every formula cell's recalculated value against the value the export cached."""
    cached = load_workbook(original, data_only=True)
    fresh = load_workbook(recalculated, data_only=True)
    problems = []
    for sheet in load_workbook(original).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                was = cached[sheet.title][cell.coordinate].value
                now = fresh[sheet.title][cell.coordinate].value
                if was in (None, "") and now in (None, ""):
                    continue
                if isinstance(was, str) or isinstance(now, str):
                    same = was == now
                else:
                    same = abs(_number(now) - _number(was)) < D(1).scaleb(-places) / 2
                if not same:
                    problems.append(f"{sheet.title}!{cell.coordinate} {cell.value}: {was} -> {now}")
    return problems


def test_the_workbook_has_live_formulas_rates_and_internal_marks(ws: Any, tmp_path: Path) -> None:
    services, ids = ws
    written = _write(services, tmp_path / "portfolio.xlsx")
    book = load_workbook(written.path)
    names = book.sheetnames
    assert names[0] == PORTFOLIO_SHEET and names[-1] == RATES_SHEET
    assert "Berlin- Bikes-Parts" in names and "Sen Việt E-commerce" in names
    layout = written.layout
    group_sheet = book[layout.account_sheets[(ids["group"], "USD")]]
    brand = layout.unit_rows[(ids["group"], "USD", "Brand")]
    assert (
        group_sheet[f"P{brand['target']}"].value == f"=SUM(D{brand['target']}:O{brand['target']})"
    )
    variance = group_sheet[f"E{brand['forecast_vs_target']}"].value
    f, t = f"E{brand['forecast']}", f"E{brand['target']}"
    assert variance == f'=IF(COUNT({f},{t})<2,"",{f}-{t})'
    total = layout.account_rows[(ids["group"], "USD")]
    media = layout.unit_rows[(ids["group"], "USD", "Media")]
    assert (
        group_sheet[f"D{total['forecast']}"].value
        == f"=SUM(D{brand['forecast']},D{media['forecast']})"
    )
    assert group_sheet[f"D{brand['target']}"].value == 100001  # typed figures are values
    portfolio = book[PORTFOLIO_SHEET]
    shop = layout.converted_rows[(ids["shop"], "VND")]
    vnd_rate = layout.rate_rows[("VND", True)]
    assert (
        portfolio[f"D{vnd_rate}"].value == 25413
        and portfolio[f"A{vnd_rate}"].value == "VND per 1 USD (divided)"
    )
    shop_sheet = layout.account_sheets[(ids["shop"], "VND")]
    source_row = layout.account_rows[(ids["shop"], "VND")]["forecast"]
    expected = f"=ROUND('{shop_sheet}'!D{source_row}/D${vnd_rate},2)"
    assert portfolio[f"D{shop['forecast']}"].value == expected
    gulf = layout.converted_rows[(ids["gulf"], "KWD")]
    assert "*D$" in portfolio[f"D{gulf['forecast']}"].value
    berlin_rate = layout.rate_rows[("EUR", False)]
    assert (
        portfolio[f"F{berlin_rate}"].value == D("1.0845")
        or portfolio[f"F{berlin_rate}"].value == 1.0845
    )
    assert portfolio[f"J{berlin_rate}"].value == 1.0713  # July closes at the July rate
    group = layout.converted_rows[(ids["group"], "USD")]
    assert portfolio[f"D{group['target']}"].value.startswith("='Aurora Group'!D")  # same currency
    totals = layout.total_rows
    assert portfolio[f"D{totals['forecast']}"].value.startswith("=SUM(")
    rates = book[RATES_SHEET]
    listed = [
        (rates[f"A{r}"].value, rates[f"B{r}"].value, rates[f"E{r}"].value) for r in range(5, 11)
    ]
    assert ("EUR", "USD", "Finance, July") in listed and ("USD", "VND", "Finance") in listed
    assert rates["D5"].number_format == "yyyy-mm-dd"
    assert book.properties.title == f"INTERNAL — Revenue forecast {YEAR}"
    assert book.properties.creator == "Mekong Media" and book.properties.lastModifiedBy is None
    for sheet in book.worksheets:
        assert (
            "INTERNAL" in sheet.oddHeader.center.text and sheet.oddFooter.right.text == "INTERNAL"
        )
        assert sheet.page_setup.orientation == "landscape"
    # JPY amounts without decimals, KWD with three
    japan_sheet = book[layout.account_sheets[(ids["japan"], "JPY")]]
    assert japan_sheet["D5"].number_format == "#,##0"
    gulf_sheet = book[layout.account_sheets[(ids["gulf"], "KWD")]]
    assert gulf_sheet["E6"].number_format == "#,##0.000"
    # viewers that do not recalculate show the app's figures
    cached = load_workbook(written.path, data_only=True)[PORTFOLIO_SHEET]
    march = written.roll.months[2]
    assert _number(cached[f"F{totals['forecast']}"].value) == march.forecast


def test_libreoffice_recalculates_to_the_roll_up_in_usd_jpy_and_vnd(
    ws: Any, demo: WorkspaceServices, libreoffice: Any, tmp_path: Path
) -> None:
    services, ids = ws
    written = [
        _write(services, tmp_path / "usd.xlsx"),
        _write(services, tmp_path / "jpy.xlsx", account_id=ids["group"], currency="JPY"),
        _write(services, tmp_path / "vnd.xlsx", account_id=ids["shop"], currency="VND"),
        _write(services, tmp_path / "kwd.xlsx", account_id=ids["gulf"]),
        _write(demo, tmp_path / "demo.xlsx"),
        _write(demo, tmp_path / "demo-aurora.xlsx", currency="USD", account_id=_demo_id(demo)),
    ]
    assert [w.places for w in written] == [2, 0, 0, 2, 2, 2]
    for item in written:
        assert item.roll.complete, item.roll.missing
        assert any(m.forecast for m in item.roll.months)
    outputs = libreoffice.recalculate([w.path for w in written])
    for item in written:
        book = load_workbook(outputs[item.path], data_only=True)
        assert totals_match(book, item) == [], item.path.name
        assert formulas_match(item.path, outputs[item.path], item.places) == [], item.path.name


def _demo_id(demo: WorkspaceServices) -> int:
    return next(a.id for a in demo.accounts.all() if a.name == "Aurora Consumer Brands")


def test_a_missing_rate_is_said_and_never_converted_at_one(ws: Any, tmp_path: Path) -> None:
    services, ids = ws
    written = _write(services, tmp_path / "gbp.xlsx", account_id=ids["group"], currency="GBP")
    assert not written.roll.complete
    book = load_workbook(written.path)
    sheet = book[PORTFOLIO_SHEET]
    layout = written.layout
    group = layout.converted_rows[(ids["group"], "USD")]
    assert sheet[f"D{group['forecast']}"].value == "no rate"
    assert sheet[f"{layout.total_column}{group['forecast']}"].value == "incomplete"
    assert sheet[f"D{layout.total_rows['forecast']}"].value == "—"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("No exchange rate USD→GBP") for t in texts)
    assert any(t.startswith("No exchange rate JPY→GBP") for t in texts)
    formulas = [t for t in texts if t.startswith("=")]
    assert formulas == [t for t in formulas if "ROUND" not in t]  # nothing converted
    rates = [c.value for row in book[RATES_SHEET].iter_rows() for c in row if c.value]
    assert any(str(v).startswith("No exchange rate USD→GBP") for v in rates)


def test_file_names_and_an_existing_file(ws: Any, tmp_path: Path) -> None:
    services, ids = ws
    assert (
        exporting.forecast_file_name(services, year=YEAR)
        == "Portfolio - revenue forecast 2026.xlsx"
    )
    name = exporting.forecast_file_name(services, account_id=ids["berlin"], year=YEAR)
    assert name == "Berlin - Bikes-Parts - revenue forecast 2026.xlsx"
    path = exporting.export_forecast_xlsx(
        services, tmp_path / name, account_id=ids["berlin"], year=YEAR
    )
    assert load_workbook(path).sheetnames == [PORTFOLIO_SHEET, "Berlin- Bikes-Parts", RATES_SHEET]
    with pytest.raises(ExportExistsError):
        exporting.export_forecast_xlsx(services, path, year=YEAR)
    exporting.export_forecast_xlsx(services, path, year=YEAR, overwrite=True)
    assert len(load_workbook(path).sheetnames) == 8
    empty = services.accounts.create(AccountDraft("New client", currency="THB"))
    blank = exporting.export_forecast_xlsx(
        services, tmp_path / "blank.xlsx", account_id=empty, year=2030
    )
    assert load_workbook(blank).sheetnames == [PORTFOLIO_SHEET, "New client", RATES_SHEET]


def test_sheet_titles_are_valid_and_unique() -> None:
    taken = {"Portfolio"}
    assert sheet_title("portfolio", taken) == "portfolio (2)"
    long = sheet_title("A" * 40, taken)
    assert len(long) == 31 and sheet_title("A" * 40, taken) == "A" * 27 + " (2)"
    assert sheet_title("'x[1]:y'", taken) == "x-1--y"
    assert sheet_title("   ", taken) == "Account"


def test_demo_has_24_months_of_figures_and_two_snapshots(demo: WorkspaceServices) -> None:
    first = add_months(date(2026, 3, 1), -17)
    months = demo.forecast.month_entries([add_months(first, n) for n in range(24)])
    assert {entry.month for _, _, entry in months} == {add_months(first, n) for n in range(24)}
    assert all(entry.actual is None for _, _, entry in months if entry.month >= date(2026, 3, 1))
    assert any(entry.actual is not None for _, _, entry in months)
    aurora = _demo_id(demo)
    assert len(demo.forecast.business_units(aurora)) == 2
    snapshots = demo.forecast.snapshots()
    assert len(snapshots) == 2
    moved = demo.forecast.compare(snapshots[1].id, first_month=date(2026, 3, 1), months=6)
    assert any(m.delta for m in moved.months)
    codes = {a.currency for a in demo.accounts.all()} - {"USD"}
    rates = demo.exchange_rates.rates()
    assert codes <= {r.base for r in rates} | {r.quote for r in rates}
    assert all(r.source for r in rates)
    roll = demo.forecast.roll_up(first, 24)
    assert roll.complete and all(m.forecast for m in roll.months)


def test_a_rate_missing_only_for_months_without_figures_leaves_the_year_complete(
    tmp_path: Path,
) -> None:
    """Two business units with figures from April, a rate only from mid-March: January to
    March need no rate, so the workbook, like the app, has every total."""
    with WorkspaceServices.create(tmp_path / "units.keyplan", agency_name="A") as services:
        euro = services.accounts.create(AccountDraft("Euro Client", currency="EUR"))
        for month in range(4, 13):
            for unit in ("Brand", "Media"):
                services.forecast.update_month(
                    euro, date(YEAR, month, 1), unit, {"forecast": D("100.05")}
                )
        services.exchange_rates.create("EUR", "USD", D("1.1"), date(YEAR, 3, 15))
        written = _write(services, tmp_path / "units.xlsx", currency="USD")
        assert written.roll.complete
        sheet = load_workbook(written.path, data_only=True)[PORTFOLIO_SHEET]
        assert totals_match(load_workbook(written.path, data_only=True), written) == []
        row = written.layout.total_rows["forecast"]
        assert sheet[f"{written.layout.total_column}{row}"].value != "incomplete"
