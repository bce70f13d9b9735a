"""The revenue forecast workbook (openpyxl): account sheets, a portfolio roll-up, the rates.

It is the agency's own planning (targets and forecasts of its revenue), so every sheet says
INTERNAL in its page header and footer; there is no client variant.

Sheets
------
- **Portfolio**, in the reporting currency. First the rates block: one row per currency and
  direction with, per month, the stored rate that converts it (the rate in force on the month's
  last day, :mod:`keyplan.domain.forecast`). Then per account and figure (target, forecast,
  actual) the month's amount converted: ``ROUND('Account'!D12*D$6, places)``, or ``/D$6`` when
  the stored rate goes the other way (USD→VND converts VND by dividing), or the amount itself
  in the same currency. Then the portfolio totals (``SUM`` of the converted rows per figure),
  the variance rows and a year total column. A month that needs a rate the table does not
  have shows "no rate" in the cells concerned and "—" in its totals (never a conversion at 1),
  and its year totals say "incomplete".
- **One sheet per account** (and currency, should an account hold figures in two), in its own
  currency: months as columns, per business unit the rows Target, Forecast, Actual (the
  figures, typed values) and Forecast vs target, Actual vs target (formulas), a total column
  (``SUM``); with more than one business unit a Total block adds them (``SUM``).
- **Rates**: every rate used (base, quote, rate, valid from, source, the months it converted)
  and the missing ones.

Every formula gets the app's figure as its cached value (see
:mod:`keyplan.exports.xlsx.package`), computed here with the same rules as the formula (blank
cells count 0, ``ROUND`` half-up per cell) through :meth:`keyplan.domain.forecast.Conversion.apply`,
the function the app's roll-up uses; a spreadsheet that recalculates gets the same totals to the
minor unit. Number formats follow each currency's minor units (JPY and VND without decimals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Border, Side  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.forecast import FIGURES, Conversion, FxRate, MissingRate, MonthFigures
from keyplan.exports.files import safe_text
from keyplan.exports.xlsx.common import (
    INTERNAL_RED,
    fit_to_width,
    package_workbook,
    page_footer,
    set_properties,
)
from keyplan.exports.xlsx.estimate import (
    _colour,
    _fill,
    _font,
    _Sheet,
    _tint,
    money_format,
)
from keyplan.exports.xlsx.package import CachedValue

__all__ = [
    "PORTFOLIO_SHEET",
    "RATES_SHEET",
    "ForecastAccount",
    "ForecastLayout",
    "ForecastUnit",
    "ForecastWorkbookDocument",
    "MonthConversion",
    "build_forecast_workbook",
    "rate_format",
    "sheet_title",
    "write_forecast_workbook",
]

PORTFOLIO_SHEET = "Portfolio"
RATES_SHEET = "Rates"
FIGURE_LABELS = {"target": "Target", "forecast": "Forecast", "actual": "Actual"}
VARIANCES = (
    ("forecast_vs_target", "Forecast vs target", "forecast"),
    ("actual_vs_target", "Actual vs target", "actual"),
)
NO_RATE = "no rate"
INCOMPLETE = "incomplete"
DASH = "—"
FIRST_MONTH_COLUMN = 4  # D: A label, B figure, C currency
_GREY = "5B6472"
_THIN = Side(style="thin", color="C9CED6")
_RIGHT = Alignment(horizontal="right", vertical="top")


# -- the document ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ForecastUnit:
    business_unit: str  # "" for figures not split by unit
    months: tuple[MonthFigures, ...]  # one per month of the document, in order


@dataclass(frozen=True, slots=True)
class ForecastAccount:
    account_id: int
    name: str
    currency: str
    minor_units: int
    units: tuple[ForecastUnit, ...]  # at least one


@dataclass(frozen=True, slots=True)
class MonthConversion:
    """How one currency's amounts of one month become the reporting currency's."""

    currency: str
    month: date
    conversion: Conversion | MissingRate


@dataclass(frozen=True, slots=True)
class ForecastWorkbookDocument:
    agency_name: str
    title: str  # "Revenue forecast 2026"
    scope: str  # "Portfolio" or the account's name
    months: tuple[date, ...]
    currency: str  # the reporting currency
    minor_units: int
    accounts: tuple[ForecastAccount, ...]
    conversions: tuple[MonthConversion, ...]  # every (account currency, month) needed
    rates_used: tuple[FxRate, ...]
    missing: tuple[str, ...]
    brand_colour: str = ""
    paper_size: str = "A4"
    issued_on: date | None = None


@dataclass
class ForecastLayout:
    """Where the figures are (for tests): sheet names, rows and the month columns."""

    month_columns: list[str] = field(default_factory=list)
    total_column: str = ""
    account_sheets: dict[tuple[int, str], str] = field(default_factory=dict)  # (id, cur) -> sheet
    account_rows: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)  # totals
    unit_rows: dict[tuple[int, str, str], dict[str, int]] = field(default_factory=dict)
    rate_rows: dict[tuple[str, bool], int] = field(default_factory=dict)  # (currency, inverse)
    converted_rows: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)
    total_rows: dict[str, int] = field(default_factory=dict)  # portfolio: figure -> row
    cached: dict[str, dict[str, CachedValue]] = field(default_factory=dict)


# -- helpers -----------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (31 characters, none of ``[]:*?/\\``)."""
    base = _SHEET_FORBIDDEN.sub("-", safe_text(" ".join(name.split()))).strip("'") or "Account"
    candidate, number = base[:31], 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!"


def rate_format(rate: Decimal) -> str:
    """A number format that shows every decimal of ``rate`` (25400 -> '#,##0')."""
    exponent = rate.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def _month_title(month: date) -> str:
    return month.strftime("%b %Y")


def _add(values: Sequence[Decimal | None]) -> Decimal:
    """A spreadsheet ``SUM``: blank cells count 0."""
    return sum((v for v in values if v is not None), Decimal(0))


# -- the writer --------------------------------------------------------------------------------


class _ForecastWriter:
    def __init__(self, document: ForecastWorkbookDocument) -> None:
        self.document = document
        self.brand = _colour(document.brand_colour)
        self.light = _tint(self.brand, 0.86)
        self.workbook = Workbook()
        self.layout = ForecastLayout()
        count = len(document.months)
        self.months = [get_column_letter(FIRST_MONTH_COLUMN + i) for i in range(count)]
        self.total = get_column_letter(FIRST_MONTH_COLUMN + count)
        self.layout.month_columns = list(self.months)
        self.layout.total_column = self.total
        self.taken: set[str] = {PORTFOLIO_SHEET, RATES_SHEET}
        self.conversions = {(c.currency, c.month): c.conversion for c in document.conversions}
        # (account id, currency) -> figure -> the account's month totals (None: blank cell)
        self.account_values: dict[tuple[int, str], dict[str, list[Decimal | None]]] = {}

    def sheet(self, title: str, first: bool = False) -> _Sheet:
        ws = self.workbook.active if first else self.workbook.create_sheet()
        ws.title = title
        sheet = _Sheet(ws)
        self.layout.cached[title] = sheet.cached
        ws.sheet_view.showGridLines = False
        return sheet

    # -- shared pieces -------------------------------------------------------------------------

    def heading(self, sheet: _Sheet, title: str, subtitle: str) -> None:
        sheet.text(1, "A", title, font=_font(size=14, bold=True, color=self.brand))
        sheet.ws.row_dimensions[1].height = 22
        sheet.text(2, "A", subtitle, font=_font(size=9, color=_GREY))

    def header_row(self, sheet: _Sheet, row: int, first: str, second: str, third: str) -> None:
        white = _font(bold=True, color="FFFFFF")
        fill = _fill(self.brand)
        for column, text in (("A", first), ("B", second), ("C", third)):
            sheet.text(row, column, text, font=white, fill=fill)
        for column, month in zip(self.months, self.document.months, strict=True):
            sheet.text(row, column, _month_title(month), font=white, fill=fill, alignment=_RIGHT)
        sheet.text(row, self.total, "Total", font=white, fill=fill, alignment=_RIGHT)
        ws = sheet.ws
        names = [a.name for a in self.document.accounts] + [first]
        longest = max(len(name) for name in names)
        ws.column_dimensions["A"].width = max(24, min(48, round(longest * 1.05 + 2)))
        ws.column_dimensions["B"].width = 19
        ws.column_dimensions["C"].width = 9
        for column in (*self.months, self.total):
            ws.column_dimensions[column].width = 14
        ws.column_dimensions[self.total].width = 16
        ws.freeze_panes = f"D{row + 1}"

    def variance_rows(
        self,
        sheet: _Sheet,
        row: int,
        rows: dict[str, int],
        values: dict[str, list[Decimal | None]],
        money: str,
    ) -> int:
        """Forecast vs target and Actual vs target: ``IF(COUNT(a,t)<2,"",a-t)`` per month and
        for the total (blank when either side is)."""
        grey = _font(color=_GREY, italic=True)
        target_row = rows["target"]
        for key, label, figure in VARIANCES:
            sheet.text(row, "B", label, font=grey)
            rows[key] = row
            figure_row = rows[figure]
            columns = [*self.months, self.total]
            figure_values = [*values[figure], _add(values[figure])]
            target_values = [*values["target"], _add(values["target"])]
            for column, value, target in zip(columns, figure_values, target_values, strict=True):
                a, t = f"{column}{figure_row}", f"{column}{target_row}"
                shown: CachedValue = "" if value is None or target is None else value - target
                formula = f'IF(COUNT({a},{t})<2,"",{a}-{t})'
                sheet.formula(row, column, formula, shown, money, font=grey)
            row += 1
        return row

    # -- account sheets ------------------------------------------------------------------------

    def account_sheet(self, account: ForecastAccount) -> None:
        document = self.document
        title = sheet_title(account.name, self.taken)
        key = (account.account_id, account.currency)
        self.layout.account_sheets[key] = title
        sheet = self.sheet(title)
        money = money_format(account.minor_units)
        self.heading(
            sheet,
            f"{document.title} — {account.name}",
            f"In {account.currency}. INTERNAL: the agency's targets and forecast.",
        )
        self.header_row(sheet, 4, "Business unit", "Figure", "Currency")
        row = 5
        blocks: list[dict[str, int]] = []
        for unit in account.units:
            rows, row = self.unit_block(sheet, row, account, unit, money)
            self.layout.unit_rows[(account.account_id, account.currency, unit.business_unit)] = rows
            blocks.append(rows)
            row += 1
        totals: dict[str, list[Decimal | None]] = {}
        if len(account.units) == 1:
            unit = account.units[0]
            self.layout.account_rows[key] = blocks[0]
            totals = {name: [m.get(name) for m in unit.months] for name in FIGURES}
        else:
            rows = {}
            bold = _font(bold=True)
            sheet.text(row, "A", "Total", font=bold)
            for name in FIGURES:
                rows[name] = row
                sheet.text(row, "B", FIGURE_LABELS[name], font=bold)
                sheet.text(row, "C", account.currency, font=_font(color=_GREY))
                month_values: list[Decimal | None] = []
                for index, column in enumerate(self.months):
                    parts = [u.months[index].get(name) for u in account.units]
                    value = _add(parts)
                    month_values.append(value)
                    cells = ",".join(f"{column}{block[name]}" for block in blocks)
                    sheet.formula(row, column, f"SUM({cells})", value, money, font=bold)
                totals[name] = month_values
                span = f"{self.months[0]}{row}:{self.months[-1]}{row}"
                sheet.formula(row, self.total, f"SUM({span})", _add(month_values), money, font=bold)
                row += 1
            row = self.variance_rows(sheet, row, rows, totals, money)
            self.layout.account_rows[key] = rows
        self.account_values[key] = totals
        self.page_setup(sheet, row, title)

    def unit_block(
        self, sheet: _Sheet, row: int, account: ForecastAccount, unit: ForecastUnit, money: str
    ) -> tuple[dict[str, int], int]:
        name = unit.business_unit or ("—" if len(account.units) > 1 else account.name)
        fill = _fill(self.light)
        sheet.text(row, "A", name, font=_font(bold=True), fill=fill)
        rows: dict[str, int] = {}
        values: dict[str, list[Decimal | None]] = {}
        for figure in FIGURES:
            rows[figure] = row
            sheet.text(row, "B", FIGURE_LABELS[figure])
            sheet.text(row, "C", account.currency, font=_font(color=_GREY))
            figures = [m.get(figure) for m in unit.months]
            values[figure] = figures
            for column, value in zip(self.months, figures, strict=True):
                if value is not None:
                    sheet.number(row, column, value, money)
            span = f"{self.months[0]}{row}:{self.months[-1]}{row}"
            sheet.formula(
                row, self.total, f"SUM({span})", _add(figures), money, font=_font(bold=True)
            )
            row += 1
        row = self.variance_rows(sheet, row, rows, values, money)
        return rows, row

    # -- the portfolio -------------------------------------------------------------------------

    def portfolio(self, sheet: _Sheet) -> None:
        document = self.document
        reporting = document.currency
        places = document.minor_units
        money = money_format(places)
        self.heading(
            sheet,
            f"{document.title} — {document.scope} in {reporting}",
            "Each account's month converted at the rate in force on the month's last day "
            "(Rates sheet), rounded to the minor unit, then added. INTERNAL.",
        )
        self.header_row(sheet, 4, "Account", "Figure", "From")
        row = self.rate_block(sheet, 5)
        row += 1
        converted: dict[str, list[list[Decimal | None]]] = {name: [] for name in FIGURES}
        incomplete: set[int] = set()  # month indexes without a total
        for account in document.accounts:
            key = (account.account_id, account.currency)
            source = _quoted(self.layout.account_sheets[key])
            source_rows = self.layout.account_rows[key]
            values = self.account_values[key]
            rows: dict[str, int] = {}
            sheet.text(row, "A", account.name, font=_font(bold=True))
            for name in FIGURES:
                rows[name] = row
                sheet.text(row, "B", FIGURE_LABELS[name])
                sheet.text(row, "C", account.currency, font=_font(color=_GREY))
                shown_values: list[Decimal | None] = []
                missing_here = False
                for index, (column, month) in enumerate(
                    zip(self.months, document.months, strict=True)
                ):
                    amount = values[name][index]
                    # from the units: a Total block's month is 0 (a SUM), never None, and the
                    # roll-up needs no rate for a month nobody entered a figure in
                    has_figures = any(
                        u.months[index].get(n) is not None for u in account.units for n in FIGURES
                    )
                    found = self.conversion(account.currency, month)
                    if isinstance(found, MissingRate):
                        if has_figures:
                            incomplete.add(index)
                            missing_here = True
                            if amount is not None:
                                sheet.text(
                                    row,
                                    column,
                                    NO_RATE,
                                    font=_font(color=INTERNAL_RED),
                                    alignment=_RIGHT,
                                )
                        shown_values.append(None)
                        continue
                    reference = f"{source}{column}{source_rows[name]}"
                    formula, value = self.converted(reference, amount, found, column)
                    sheet.formula(row, column, formula, value, money)
                    shown_values.append(value)
                if missing_here:
                    sheet.text(
                        row,
                        self.total,
                        INCOMPLETE,
                        font=_font(color=INTERNAL_RED),
                        alignment=_RIGHT,
                    )
                else:
                    span = f"{self.months[0]}{row}:{self.months[-1]}{row}"
                    sheet.formula(row, self.total, f"SUM({span})", _add(shown_values), money)
                converted[name].append([*shown_values])
                row += 1
            self.layout.converted_rows[key] = rows
            row += 1
        self.portfolio_totals(sheet, row, converted, incomplete, money)

    def rate_block(self, sheet: _Sheet, row: int) -> int:
        """One row per (currency, direction) with the stored rate of each month."""
        document, reporting = self.document, self.document.currency
        rows: dict[tuple[str, bool], dict[int, Conversion | MissingRate]] = {}
        gaps: list[tuple[str, int, MissingRate]] = []
        for conversion in document.conversions:
            if conversion.currency == reporting:
                continue
            found = conversion.conversion
            index = document.months.index(conversion.month)
            if isinstance(found, MissingRate):
                gaps.append((conversion.currency, index, found))
                continue
            rows.setdefault((conversion.currency, found.inverse), {})[index] = found
        for currency, index, gap in gaps:  # shown in the currency's row, or a row of its own
            key = next((k for k in sorted(rows) if k[0] == currency), (currency, False))
            rows.setdefault(key, {})[index] = gap
        sheet.text(row, "A", "Exchange rates", font=_font(bold=True))
        if not rows:
            sheet.text(
                row, "B", f"none needed: everything is in {reporting}", font=_font(color=_GREY)
            )
            return row + 1
        row += 1
        for (currency, inverse), months in sorted(rows.items()):
            label = (
                f"{currency} per 1 {reporting} (divided)"
                if inverse
                else f"{reporting} per 1 {currency}"
            )
            sheet.text(row, "A", label)
            sheet.text(row, "C", currency, font=_font(color=_GREY))
            for index, found in sorted(months.items()):
                column = self.months[index]
                if isinstance(found, MissingRate):
                    sheet.text(
                        row, column, "missing", font=_font(color=INTERNAL_RED), alignment=_RIGHT
                    )
                elif found.rate is not None:
                    sheet.number(row, column, found.rate.rate, rate_format(found.rate.rate))
            self.layout.rate_rows[(currency, inverse)] = row
            row += 1
        return row

    def conversion(self, currency: str, month: date) -> Conversion | MissingRate:
        if currency == self.document.currency:
            return Conversion(currency, currency, None)
        found = self.conversions.get((currency, month))
        if found is None:  # the document did not say: never assume a rate
            raise ValueError(f"the document has no conversion of {currency} for {month}")
        return found

    def converted(
        self, reference: str, amount: Decimal | None, found: Conversion, column: str
    ) -> tuple[str, Decimal]:
        """The conversion formula of one account-month figure and the value it gives."""
        places = self.document.minor_units
        value = found.apply(amount or Decimal(0), places)
        if found.rate is None:
            return reference, value
        rate_row = self.layout.rate_rows[(found.source, found.inverse)]
        operator = "/" if found.inverse else "*"
        return f"ROUND({reference}{operator}{column}${rate_row},{places})", value

    def portfolio_totals(
        self,
        sheet: _Sheet,
        row: int,
        converted: dict[str, list[list[Decimal | None]]],
        incomplete: set[int],
        money: str,
    ) -> None:
        reporting = self.document.currency
        bold = _font(bold=True)
        top = Border(top=_THIN)
        sheet.text(row, "A", f"Portfolio total ({reporting})", font=bold)
        rows: dict[str, int] = {}
        totals: dict[str, list[Decimal | None]] = {}
        for name in FIGURES:
            rows[name] = row
            sheet.text(row, "B", FIGURE_LABELS[name], font=bold)
            sheet.text(row, "C", reporting, font=_font(color=_GREY))
            account_rows = [self.layout.converted_rows[k][name] for k in self.layout.converted_rows]
            month_totals: list[Decimal | None] = []
            for index, column in enumerate(self.months):
                if index in incomplete:
                    sheet.text(row, column, DASH, font=_font(color=INTERNAL_RED), alignment=_RIGHT)
                    month_totals.append(None)
                    continue
                value = _add([values[index] for values in converted[name]])
                cells = ",".join(f"{column}{r}" for r in account_rows) or "0"
                sheet.formula(row, column, f"SUM({cells})", value, money, font=bold, border=top)
                month_totals.append(value)
            if incomplete:
                sheet.text(
                    row,
                    self.total,
                    INCOMPLETE,
                    font=_font(bold=True, color=INTERNAL_RED),
                    alignment=_RIGHT,
                )
            else:
                span = f"{self.months[0]}{row}:{self.months[-1]}{row}"
                sheet.formula(
                    row,
                    self.total,
                    f"SUM({span})",
                    _add(month_totals),
                    money,
                    font=bold,
                    border=top,
                )
            totals[name] = month_totals
            row += 1
        self.layout.total_rows = rows
        grey = _font(color=_GREY, italic=True)
        for key, label, figure in VARIANCES:
            rows[key] = row
            sheet.text(row, "B", label, font=grey)
            for index, column in enumerate([*self.months, self.total]):
                whole = index == len(self.months)
                if (whole and incomplete) or index in incomplete:
                    continue
                a, t = f"{column}{rows[figure]}", f"{column}{rows['target']}"
                if whole:
                    value = _add(totals[figure]) - _add(totals["target"])
                else:
                    value = (totals[figure][index] or Decimal(0)) - (
                        totals["target"][index] or Decimal(0)
                    )
                sheet.formula(row, column, f"{a}-{t}", value, money, font=grey)
            row += 1
        if self.document.missing:
            row += 1
            for message in self.document.missing:
                sheet.text(row, "A", message, font=_font(color=INTERNAL_RED))
                row += 1
        self.page_setup(sheet, row, PORTFOLIO_SHEET)

    # -- rates ---------------------------------------------------------------------------------

    def rates(self, sheet: _Sheet) -> None:
        document = self.document
        self.heading(
            sheet,
            f"Exchange rates used — {document.title}",
            "From the workspace's exchange-rate table, entered by the user (the app never "
            "fetches rates). A month converts at the rate in force on its last day.",
        )
        white = _font(bold=True, color="FFFFFF")
        titles = ("Base", "Quote", "Rate", "Valid from", "Source", "Converts")
        for column, text in zip("ABCDEF", titles, strict=True):
            sheet.text(4, column, text, font=white, fill=_fill(self.brand))
        for column, width in zip("ABCDEF", (9, 9, 18, 12, 30, 44), strict=True):
            sheet.ws.column_dimensions[column].width = width
        used_for: dict[FxRate, list[str]] = {}
        for conversion in document.conversions:
            found = conversion.conversion
            if isinstance(found, Conversion) and found.rate is not None:
                how = "divided" if found.inverse else "multiplied"
                text = f"{found.source} {conversion.month.strftime('%b %Y')} ({how})"
                used_for.setdefault(found.rate, []).append(text)
        row = 5
        for rate in document.rates_used:
            sheet.text(row, "A", rate.base)
            sheet.text(row, "B", rate.quote)
            sheet.number(row, "C", rate.rate, rate_format(rate.rate))
            sheet.date(row, "D", rate.valid_from)
            sheet.text(row, "E", rate.source)
            sheet.text(row, "F", ", ".join(used_for.get(rate, [])), font=_font(color=_GREY))
            row += 1
        if not document.rates_used:
            sheet.text(row, "A", f"No rate was needed: everything is in {document.currency}.")
            row += 1
        for message in document.missing:
            row += 1
            sheet.text(row, "A", message, font=_font(color=INTERNAL_RED))
        sheet.ws.freeze_panes = "A5"
        self.page_setup(sheet, row, RATES_SHEET, last_column="F", title_row=4)

    # -- printing and properties ---------------------------------------------------------------

    def page_setup(
        self, sheet: _Sheet, last_row: int, name: str, *, last_column: str = "", title_row: int = 4
    ) -> None:
        ws = sheet.ws
        ws.print_area = f"A1:{last_column or self.total}{max(last_row, title_row)}"
        ws.print_title_rows = f"{title_row}:{title_row}"
        fit_to_width(ws, letter=self.document.paper_size == "Letter", landscape=True)
        ws.page_margins.left = ws.page_margins.right = 0.5
        page_footer(
            ws,
            f"{self.document.title} — {name}",
            "INTERNAL",
            banner="INTERNAL — revenue forecast",
        )

    def properties(self) -> None:
        document = self.document
        set_properties(
            self.workbook,
            title=f"INTERNAL — {document.title}",
            subject=f"Revenue forecast: {document.scope}",
            creator=document.agency_name,
        )

    def write(self) -> Any:
        portfolio = self.sheet(PORTFOLIO_SHEET, first=True)
        for account in self.document.accounts:
            self.account_sheet(account)
        self.portfolio(portfolio)
        self.rates(self.sheet(RATES_SHEET))
        self.properties()
        return self.workbook

    def package(self) -> bytes:
        workbook = self.write()
        cached = [self.layout.cached[ws.title] for ws in workbook.worksheets]
        return package_workbook(workbook, cached, company=self.document.agency_name)


def build_forecast_workbook(document: ForecastWorkbookDocument) -> tuple[bytes, ForecastLayout]:
    """The forecast workbook as bytes, and where its figures are."""
    if not isinstance(document, ForecastWorkbookDocument):
        raise TypeError(f"a forecast workbook needs a ForecastWorkbookDocument, not {document!r}")
    if not document.months:
        raise ValueError("a forecast workbook needs at least one month")
    writer = _ForecastWriter(document)
    return writer.package(), writer.layout


def write_forecast_workbook(document: ForecastWorkbookDocument, path: Path) -> ForecastLayout:
    """Write the workbook to ``path`` (exports go through ``atomic_write``)."""
    data, layout = build_forecast_workbook(document)
    Path(path).write_bytes(data)
    return layout
