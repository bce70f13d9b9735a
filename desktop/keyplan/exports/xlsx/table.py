"""A list workbook (openpyxl): a title, a frozen header and a table; totals per currency.

Totals are ``SUMIFS(amounts, currencies, code)`` formulas with the app's figure as cached
value (see :mod:`keyplan.exports.xlsx.package`), one per currency: never summed across
currencies. Text cells are always strings (formula injection), as in the estimate workbook.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from keyplan.exports.files import safe_text
from keyplan.exports.tables import TableDocument
from keyplan.exports.xlsx.estimate import INTERNAL_BANNER, _Sheet, money_format
from keyplan.exports.xlsx.package import CachedValue, finish_package

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
PERCENT_FORMAT = '0.00" %"'  # percentages are kept in points, as the app shows them
FIRST_ROW = 4  # title, subtitle, blank, then the header


def build_table_workbook(document: TableDocument) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = safe_text(document.sheet_name)[:31] or "Sheet1"
    sheet = _Sheet(ws)
    title = f"{document.title} — {INTERNAL_BANNER}" if document.internal else document.title
    sheet.text(1, "A", title, font=Font(name="Noto Sans", bold=True, size=14))
    sheet.text(2, "A", document.subtitle)
    letters = [get_column_letter(i + 1) for i in range(len(document.columns))]
    for letter, column in zip(letters, document.columns, strict=True):
        cell = sheet.text(
            FIRST_ROW, letter, column.title, font=Font(name="Noto Sans", bold=True, color="FFFFFF")
        )
        cell.fill = HEADER_FILL
        ws.column_dimensions[letter].width = column.width
    for offset, row in enumerate(document.rows, start=1):
        number = FIRST_ROW + offset
        for letter, column, value in zip(letters, document.columns, row.cells, strict=True):
            if value is None:
                continue
            if column.kind == "text":
                sheet.text(number, letter, str(value))
            elif column.kind == "date":
                sheet.date(number, letter, value)  # type: ignore[arg-type]
            elif isinstance(value, Decimal):
                fmt = {
                    "money": money_format(row.currency_minor_units),
                    "percent": PERCENT_FORMAT,
                }.get(column.kind, "#,##0.##")
                sheet.number(number, letter, value, fmt)
    last = FIRST_ROW + len(document.rows)
    ws.freeze_panes = f"A{FIRST_ROW + 1}"
    ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Page &P of &N"
    if document.currency_column is not None and document.total_column is not None and document.rows:
        _totals(sheet, document, letters, last)
    workbook.properties.title = safe_text(document.title)
    workbook.properties.creator = safe_text(document.agency_name)
    workbook.properties.lastModifiedBy = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    cached: dict[str, dict[str, CachedValue]] = {"xl/worksheets/sheet1.xml": sheet.cached}
    return finish_package(buffer.getvalue(), cached, company=safe_text(document.agency_name))


def _totals(sheet: _Sheet, document: TableDocument, letters: list[str], last: int) -> None:
    assert document.currency_column is not None and document.total_column is not None
    by_currency: dict[str, tuple[Decimal, int]] = {}
    for table_row in document.rows:
        code = str(table_row.cells[document.currency_column])
        amount = table_row.cells[document.total_column]
        if isinstance(amount, Decimal):
            total, _ = by_currency.get(code, (Decimal(0), table_row.currency_minor_units))
            by_currency[code] = (total + amount, table_row.currency_minor_units)

    def column_range(index: int) -> str:
        return f"${letters[index]}${FIRST_ROW + 1}:${letters[index]}${last}"

    currencies = column_range(document.currency_column)
    amounts = column_range(document.total_column)
    row = last + 2
    label_letter = letters[max(document.total_column - 1, 0)]
    for code, (total, minor) in sorted(by_currency.items()):
        sheet.text(row, label_letter, f"Total {code}", font=Font(name="Noto Sans", bold=True))
        sheet.formula(
            row,
            letters[document.total_column],
            f'SUMIFS({amounts},{currencies},"{code}")',
            total,
            money_format(minor),
            font=Font(name="Noto Sans", bold=True),
        )
        row += 1


def write_table_workbook(document: TableDocument, path: Path) -> None:
    Path(path).write_bytes(build_table_workbook(document))
