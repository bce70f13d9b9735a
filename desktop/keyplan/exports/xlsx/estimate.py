"""The estimate workbook (openpyxl): client and internal variants with live formulas.

Layout of the sheet "Estimate"
------------------------------
A letterhead (agency name in the brand colour, legal name, address, tax id, the logo at the
top right), the estimate's kind and title, the client block (client, legal name, project) on
the left and the estimate block (number, revision, issued, valid until, currency, prepared by)
on the right. Then the lines table with a frozen, repeated header row::

    A No.  B Description  C Kind  D Qty  E Unit  F Unit price  G Disc. %  H Tax %  I Amount
    J Optional            (internal: K Unit cost  L Markup %  M Cost  N Margin  O Role / supplier)

"No." holds each line's reference as text ("2.3": the third line of the second section, from
:func:`keyplan.domain.estimates.line_refs`), the number a client quotes and the round-trip import
matches lines by; a section's title row shows its number ("2"), subtotal and total rows nothing.
The reference cells are formatted as text ("@", so a retyped reference stays text) and flagged
for Excel as deliberately text (``ignoredErrors``: no "number stored as text" warnings).

Per section a title row, its lines and a subtotal row; then subtotal, discount, contingency,
agency fee, total before tax, tax per rate ("VAT 10 %"), total, the optional items (not in the
total), terms, validity, client notes (internal: internal notes) and an approval block. The
internal variant adds a "Margin summary" sheet. Every internal sheet says INTERNAL in its title
row and in its page header and footer.

Formulas (the arithmetic of :mod:`keyplan.domain.estimates`, step by step)
--------------------------------------------------------------------------
``d`` is the currency's minor units; percentages are stored as fractions and shown as %.
Optional lines carry the text "optional — not included" in column J; a line is in the totals
when its J cell is empty (criterion ``""``), so there is no hidden helper column.

- line amount ``I = ROUND(D*F*(1-G), d)``; internal cost ``M = ROUND(D*K, d)``, margin ``I-M``;
- section subtotal ``SUMIFS(I_lines, J_lines, "")`` (internal cost likewise, margin ``I-M``);
- subtotal ``SUM`` of the section subtotals;
- discount ``ROUND(subtotal*G, d)`` (a percentage) or the amount itself; contingency
  ``ROUND(subtotal*G, d)``; fee ``ROUND(base*G, d)`` where the base is the subtotal or
  ``SUMIFS`` of the included lines whose kind (column C) is "Labour" / "Third party";
- total before tax ``subtotal - discount + contingency + fee``;
- tax per rate ``ROUND(H*(SUMIFS(I_lines, H_lines, H, J_lines, "") - discount + contingency +
  fee), d)`` where each adjustment is added only if it carries that rate;
- total ``net + SUM(taxes)``.

Cached values
-------------
openpyxl writes formulas without results. Every formula cell gets the value the app computed
(taken from the document, i.e. from ``domain.estimates.compute_totals``) as its cached value
through :func:`keyplan.exports.xlsx.package.finish_package`, so viewers that do not recalculate
show the app's totals, and Excel or LibreOffice, which recalculate on opening
(``fullCalcOnLoad``), arrive at the same figures from the formulas.

Text
----
Every text cell is a string cell (``t="inlineStr"``), also when it begins with ``=``, ``+``,
``-``, ``@``, tab or CR (formula injection); those get Excel's invisible quote prefix too, so
editing the cell keeps it text. Fonts are Noto Sans (shipped with the app; Excel substitutes
for CJK where it lacks the glyphs); text is stored as Unicode.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.drawing.image import Image  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import (  # type: ignore[import-untyped, unused-ignore]
    Alignment,
    Border,
    Font,
    PatternFill,
    Side,
)
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.estimates import DiscountMode, FeeBase, LineKind
from keyplan.exports.documents import (
    KIND_LABELS,
    ClientEstimateDocument,
    ClientLine,
    ClientSection,
    InternalEstimateDocument,
    InternalLine,
    InternalSection,
)
from keyplan.exports.files import looks_like_formula, safe_text
from keyplan.exports.xlsx.common import (
    INTERNAL_RED,
    fit_to_width,
    package_workbook,
    page_footer,
    set_properties,
    sheet_part,
)
from keyplan.exports.xlsx.package import CachedValue

__all__ = [
    "ESTIMATE_SHEET",
    "OPTIONAL_MARK",
    "SUMMARY_SHEET",
    "EstimateLayout",
    "build_estimate_workbook",
    "write_estimate_workbook",
]

ESTIMATE_SHEET = "Estimate"
SUMMARY_SHEET = "Margin summary"
OPTIONAL_MARK = "optional — not included"
FONT_NAME = "Noto Sans"
DEFAULT_BRAND = "1F4E79"
INTERNAL_BANNER = "INTERNAL — NOT FOR THE CLIENT"
MAX_CELL_TEXT = 32767  # Excel's limit for one cell

EstimateDocument = ClientEstimateDocument | InternalEstimateDocument
Section = ClientSection | InternalSection
Line = ClientLine | InternalLine


@dataclass(frozen=True)
class _Column:
    key: str
    title: str
    width: float
    numeric: bool = False
    internal: bool = False


_CLIENT_COLUMNS = (
    _Column("no", "No.", 5.5),  # at least: wider for long references (_EstimateWriter.write)
    _Column("description", "Description", 46),
    _Column("kind", "Kind", 11),
    _Column("quantity", "Qty", 8, numeric=True),
    _Column("unit", "Unit", 9),
    _Column("unit_price", "Unit price", 14, numeric=True),
    _Column("discount", "Disc. %", 8, numeric=True),
    _Column("tax", "Tax %", 8, numeric=True),
    _Column("amount", "Amount", 16, numeric=True),
    _Column("optional", "Optional", 23),
)
_INTERNAL_COLUMNS = (
    _Column("unit_cost", "Unit cost", 14, numeric=True, internal=True),
    _Column("markup", "Markup %", 9, numeric=True, internal=True),
    _Column("cost", "Cost", 15, numeric=True, internal=True),
    _Column("margin", "Margin", 15, numeric=True, internal=True),
    _Column("role", "Role / supplier", 24, internal=True),
)
# the columns a merged paragraph (terms, notes) spans: Description .. Amount
_PARAGRAPH_KEYS = ("description", "kind", "quantity", "unit", "unit_price", "discount", "tax")
_PARAGRAPH_LAST = "amount"


# -- layout record -------------------------------------------------------------------------


@dataclass
class EstimateLayout:
    """Where the figures are in a written workbook (1-based rows; column letters).

    For tests, and for reading a client-edited workbook back. ``cached`` holds, per sheet,
    the value each formula cell was given (the app's figure).
    """

    sheet: str = ESTIMATE_SHEET
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # key ("amount", ...) -> letter
    line_rows: list[list[int]] = field(default_factory=list)  # per section
    section_title_rows: list[int] = field(default_factory=list)
    section_subtotal_rows: list[int] = field(default_factory=list)
    subtotal_row: int = 0
    discount_row: int | None = None
    contingency_row: int | None = None
    fee_row: int | None = None
    net_row: int = 0
    tax_rows: dict[Decimal, int] = field(default_factory=dict)  # rate in percent -> row
    total_row: int = 0
    optional_total_row: int | None = None
    last_row: int = 0
    summary_sheet: str | None = None
    summary_section_rows: list[int] = field(default_factory=list)
    summary_rows: dict[str, int] = field(default_factory=dict)  # net, cost, margin, ...
    cached: dict[str, dict[str, CachedValue]] = field(default_factory=dict)


# -- formats and styles --------------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
PERCENT_POINTS_FORMAT = '0.00" %"'  # margin % is kept in percent points, like the domain


def money_format(minor_units: int) -> str:
    """'#,##0' for JPY/KRW/VND, '#,##0.00' for USD, '#,##0.000' for BHD."""
    return "#,##0" if minor_units == 0 else "#,##0." + "0" * minor_units


def percent_format(percent: Decimal) -> str:
    """A % format with the decimals ``percent`` needs: 10 -> '0%', 7.5 -> '0.0%'."""
    exponent = percent.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) and percent else 0
    return "0%" if places == 0 else "0." + "0" * places + "%"


def _fraction(percent: Decimal) -> Decimal:
    return percent.scaleb(-2)


def _percent_text(percent: Decimal) -> str:
    """``Decimal('10.00')`` -> '10', ``Decimal('7.50')`` -> '7.5'."""
    return format(percent.normalize(), "f") if percent else "0"


def _colour(value: str, default: str = DEFAULT_BRAND) -> str:
    text = value.strip().lstrip("#")
    return text.upper() if re.fullmatch(r"[0-9A-Fa-f]{6}", text) else default


def _tint(hex_colour: str, amount: float) -> str:
    """``hex_colour`` mixed with white (``amount`` 0..1 of white)."""
    channels = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)


def _font(**kwargs: Any) -> Any:
    kwargs.setdefault("size", 10)
    kwargs.setdefault("color", _TEXT)
    return Font(name=FONT_NAME, **kwargs)


def _fill(colour: str) -> Any:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


_TEXT = "1F2933"
_GREY = "5B6472"
_THIN = Side(style="thin", color="C9CED6")
_MEDIUM = Side(style="medium", color=_TEXT)
_INK = Side(style="thin", color=_TEXT)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_WRAP_INDENT = Alignment(vertical="top", wrap_text=True, indent=1)
_RIGHT = Alignment(horizontal="right", vertical="top")
_LEFT = Alignment(horizontal="left", vertical="top")


def _display_width(text: str) -> int:
    """Roughly how many narrow characters ``text`` takes (CJK counts double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


LINE_HEIGHT = 13.6  # points per line of 10 pt Noto Sans


def _lines_needed(text: str, width: float, indent: int = 0) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide.

    Row heights are set from this: spreadsheets do not grow a row for wrapped text on their
    own when they open a file (LibreOffice never does). 10 pt Noto Sans runs about 0.95 of a
    column-width unit per Latin character and twice that for CJK; word wrapping loses a little
    more, hence the rounding up per paragraph.
    """
    room = max(width - 1.0 - 1.5 * indent, 1.0)
    return sum(
        max(1, math.ceil(_display_width(part) * 0.95 / room))
        for part in (text.splitlines() or [""])
    )


def _sum(refs: Sequence[str]) -> str:
    """``SUM(a,b,...)`` in chunks (a function takes at most 255 arguments); '0' if empty."""
    if not refs:
        return "0"
    chunks = [refs[i : i + 200] for i in range(0, len(refs), 200)]
    return "+".join(f"SUM({','.join(chunk)})" for chunk in chunks)


# -- one worksheet -------------------------------------------------------------------------


class _Sheet:
    """A worksheet: styled cells, and formulas with the values they must show."""

    def __init__(self, worksheet: Any) -> None:
        self.ws = worksheet
        self.cached: dict[str, CachedValue] = {}

    def cell(self, row: int, column: str) -> Any:
        return self.ws[f"{column}{row}"]

    def text(self, row: int, column: str, value: str, **style: Any) -> Any:
        """A string cell, whatever ``value`` begins with (formula injection: see the module)."""
        cell = self.cell(row, column)
        text = safe_text(value)[:MAX_CELL_TEXT]
        if text:
            cell.value = text
            cell.data_type = "s"  # openpyxl took a leading '=' for a formula: it is text
            if looks_like_formula(text):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        self._style(cell, style)
        return cell

    def number(self, row: int, column: str, value: Decimal | int, fmt: str, **style: Any) -> Any:
        cell = self.cell(row, column)
        cell.value = value
        cell.number_format = fmt
        style.setdefault("alignment", _RIGHT)
        self._style(cell, style)
        return cell

    def date(self, row: int, column: str, value: date, **style: Any) -> Any:
        cell = self.cell(row, column)
        cell.value = value
        cell.number_format = DATE_FORMAT
        style.setdefault("alignment", _LEFT)
        self._style(cell, style)
        return cell

    def formula(
        self, row: int, column: str, formula: str, value: CachedValue, fmt: str, **style: Any
    ) -> Any:
        """``=formula``, whose cached value will be ``value`` (the app's figure)."""
        cell = self.cell(row, column)
        cell.value = "=" + formula
        cell.number_format = fmt
        self.cached[cell.coordinate] = value
        style.setdefault("alignment", _RIGHT)
        self._style(cell, style)
        return cell

    @staticmethod
    def _style(cell: Any, style: dict[str, Any]) -> None:
        cell.font = style.pop("font", None) or _font()
        for name, value in style.items():
            setattr(cell, name, value)


# -- the estimate --------------------------------------------------------------------------


class _EstimateWriter:
    def __init__(self, document: EstimateDocument) -> None:
        self.document = document
        self.internal = isinstance(document, InternalEstimateDocument)
        self.places = document.header.minor_units
        self.money = money_format(self.places)
        self.brand = _colour(document.agency.brand_colour)
        self.light = _tint(self.brand, 0.86)
        self.specs = _CLIENT_COLUMNS + (_INTERNAL_COLUMNS if self.internal else ())
        self.columns: dict[str, str] = {
            spec.key: get_column_letter(index) for index, spec in enumerate(self.specs, start=1)
        }
        self.workbook = Workbook()
        self.sheet = _Sheet(self.workbook.active)
        self.sheet.ws.title = ESTIMATE_SHEET
        self.layout = EstimateLayout(columns=dict(self.columns))
        self.layout.cached[ESTIMATE_SHEET] = self.sheet.cached

    @property
    def sections(self) -> Sequence[Section]:
        return self.document.sections

    # -- references ------------------------------------------------------------------------

    def c(self, key: str) -> str:
        return self.columns[key]

    def ref(self, key: str, row: int) -> str:
        return f"{self.columns[key]}{row}"

    def span(self, key: str, first: int, last: int) -> str:
        column = self.columns[key]
        return f"{column}{first}:{column}{last}"

    def round(self, expression: str) -> str:
        return f"ROUND({expression},{self.places})"

    def line_sum(self, key: str, *criteria: tuple[str, str], included: bool = True) -> str:
        """``SUMIFS`` of column ``key`` over the lines of every section.

        ``included`` lines have an empty Optional cell (criterion ``""``); otherwise the
        optional ones (``"<>"``). ``criteria`` adds (column key, criterion) pairs.
        """
        terms = []
        for rows in self.layout.line_rows:
            if not rows:
                continue
            first, last = rows[0], rows[-1]
            parts = [self.span(key, first, last)]
            for criterion_key, criterion in criteria:
                parts += [self.span(criterion_key, first, last), criterion]
            parts += [self.span("optional", first, last), '""' if included else '"<>"']
            terms.append(f"SUMIFS({','.join(parts)})")
        return "+".join(terms) if terms else "0"

    # -- the sheet -------------------------------------------------------------------------

    def write(self) -> Any:
        ws = self.sheet.ws
        ws.sheet_view.showGridLines = False
        for spec in self.specs:
            ws.column_dimensions[self.c(spec.key)].width = spec.width
        # "No." widens for long references ("12.10", a change order's "CO2-3.14")
        refs = [line.ref for section in self.sections for line in section.lines]
        longest = max((_display_width(ref) for ref in refs), default=0)
        narrowest = next(spec.width for spec in self.specs if spec.key == "no")
        no_width = max(narrowest, round(longest * 1.05 + 1.5, 1))
        ws.column_dimensions[self.c("no")].width = no_width
        row = self.letterhead()
        row = self.cover(row)
        row = self.table_header(row + 1)
        self.layout.header_row = row
        ws.freeze_panes = f"A{row + 1}"
        row = self.write_sections(row + 1)
        row = self.totals(row + 1)
        row = self.closing(row + 1)
        self.layout.last_row = row
        last_column = get_column_letter(len(self.specs))
        self.page_setup(self.sheet, row, last_column, self.layout.header_row)
        if isinstance(self.document, InternalEstimateDocument):
            self.summary(self.document)
        self.properties()
        return self.workbook

    def letterhead(self) -> int:
        agency, s = self.document.agency, self.sheet
        s.text(1, "A", agency.name, font=_font(size=16, bold=True, color=self.brand))
        s.ws.row_dimensions[1].height = 27
        details = " · ".join(part for part in (agency.legal_name, agency.tax_id) if part.strip())
        s.text(2, "A", details, font=_font(size=9, color=_GREY))
        address = ", ".join(line.strip() for line in agency.address.splitlines() if line.strip())
        s.text(3, "A", address, font=_font(size=9, color=_GREY))
        self.logo()
        s.ws.row_dimensions[4].height = 8
        return 5

    def logo(self) -> None:
        data = self.document.agency.logo
        if not data:
            return
        try:
            image = Image(io.BytesIO(data))
        except Exception:  # not an image Pillow can read: the export goes out without it
            return
        width, height = float(image.width or 0), float(image.height or 0)
        if width <= 0 or height <= 0:
            return
        scale = min(56 / height, 180 / width, 1.0)  # at most 56 px high, 180 px wide
        image.width = max(1, round(width * scale))
        image.height = max(1, round(height * scale))
        self.sheet.ws.add_image(image, self.ref("tax", 1))

    def cover(self, row: int) -> int:
        header, s = self.document.header, self.sheet
        if self.internal:
            banner = f"{INTERNAL_BANNER} · ESTIMATE · {header.status.upper()}"
            colour = INTERNAL_RED
        else:
            banner = "ESTIMATE — DRAFT" if header.status == "draft" else "ESTIMATE"
            colour = self.brand
        s.text(row, "A", banner, font=_font(size=11, bold=True, color=colour))
        s.text(row + 1, "A", header.title, font=_font(size=14, bold=True))
        s.ws.row_dimensions[row + 1].height = 22

        client: list[tuple[str, Any]] = [(header.client_name, _font(size=11, bold=True))]
        if header.client_legal_name and header.client_legal_name != header.client_name:
            client.append((header.client_legal_name, _font(color=_GREY)))
        if header.project_name:
            client.append((f"Project: {header.project_name}", _font(color=_GREY)))
        for offset, (text, font) in enumerate(client):
            s.text(row + 2 + offset, "B", text, font=font)

        details: list[tuple[str, str | int | date | None]] = [
            ("Estimate no.", header.number),
            ("Revision", header.revision),
            ("Issued", header.issued_on),
            ("Valid until", header.valid_until),
            ("Currency", header.currency_code),
            ("Prepared by", header.prepared_by),
        ]
        label_column, value_column = self.c("tax"), self.c("amount")
        line = row
        for label, value in details:
            if value is None or value == "":
                continue
            s.text(line, label_column, label, font=_font(size=9, color=_GREY), alignment=_RIGHT)
            if isinstance(value, date):
                s.date(line, value_column, value)
            elif isinstance(value, int):
                s.number(line, value_column, value, "0", alignment=_LEFT)
            else:
                bold = label == "Estimate no."
                s.text(line, value_column, value, font=_font(bold=bold), alignment=_LEFT)
            line += 1
        return max(line, row + 2 + len(client))

    def table_header(self, row: int) -> int:
        s = self.sheet
        for spec in self.specs:
            alignment = Alignment(
                horizontal="right" if spec.numeric else "left",
                vertical="center",
                wrap_text=True,
                indent=1 if spec.key in ("optional", "role") else 0,
            )
            s.text(
                row,
                self.c(spec.key),
                spec.title,
                font=_font(bold=True, color="FFFFFF"),
                fill=_fill(INTERNAL_RED if spec.internal else self.brand),
                alignment=alignment,
            )
        s.ws.row_dimensions[row].height = 20
        return row

    def write_sections(self, row: int) -> int:
        for index, section in enumerate(self.sections, start=1):
            row = self.section(index, section, row) + 2  # a blank row between sections
        return row - 1

    def section(self, index: int, section: Section, row: int) -> int:
        s = self.sheet
        fill = _fill(self.light)
        for spec in self.specs:
            s.cell(row, self.c(spec.key)).fill = fill
        bold = _font(bold=True)
        s.number(row, self.c("no"), index, "0", font=bold, fill=fill, alignment=_LEFT)
        s.text(row, self.c("description"), section.name, font=_font(bold=True), fill=fill)
        self.layout.section_title_rows.append(row)
        rows: list[int] = []
        for line in section.lines:
            row += 1
            rows.append(row)
            self.line(line, row)
        self.layout.line_rows.append(rows)
        row += 1
        self.subtotal(section, rows, row)
        self.layout.section_subtotal_rows.append(row)
        return row

    def line(self, line: Line, row: int) -> None:
        s, money = self.sheet, self.money
        font = _font(color=_GREY, italic=True) if line.optional else _font()
        c, ref = self.c, self.ref

        s.text(row, c("no"), line.ref, font=font, alignment=_TOP, number_format=TEXT_FORMAT)
        s.text(row, c("description"), line.description, font=font, alignment=_WRAP)
        s.text(row, c("kind"), line.kind_label, font=font, alignment=_TOP)
        s.number(row, c("quantity"), line.quantity, "General", font=font)
        s.text(row, c("unit"), line.unit, font=font, alignment=_WRAP)
        s.number(row, c("unit_price"), line.unit_price, money, font=font)
        discount, tax = line.discount_percent, line.tax_rate
        s.number(row, c("discount"), _fraction(discount), percent_format(discount), font=font)
        s.number(row, c("tax"), _fraction(tax), percent_format(tax), font=font)
        product = f"{ref('quantity', row)}*{ref('unit_price', row)}*(1-{ref('discount', row)})"
        s.formula(row, c("amount"), self.round(product), line.amount, money, font=font)
        if line.optional:
            s.text(row, c("optional"), OPTIONAL_MARK, font=font, alignment=_WRAP_INDENT)
        if isinstance(line, InternalLine):
            markup = line.markup_percent
            s.number(row, c("unit_cost"), line.unit_cost, money, font=font)
            s.number(row, c("markup"), _fraction(markup), percent_format(markup), font=font)
            cost = self.round(f"{ref('quantity', row)}*{ref('unit_cost', row)}")
            s.formula(row, c("cost"), cost, line.cost, money, font=font)
            margin = f"{ref('amount', row)}-{ref('cost', row)}"
            s.formula(row, c("margin"), margin, line.margin, money, font=font)
            who = " / ".join(part for part in (line.role, line.supplier) if part)
            s.text(row, c("role"), who, font=font, alignment=_WRAP_INDENT)
        border = Border(bottom=_THIN)
        lines = 1
        for spec in self.specs:
            cell = s.cell(row, c(spec.key))
            cell.border = border
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                indent = int(cell.alignment.indent or 0)
                lines = max(lines, _lines_needed(cell.value, spec.width, indent))
        if lines > 1:
            s.ws.row_dimensions[row].height = round(LINE_HEIGHT * lines + 3, 1)

    def subtotal(self, section: Section, rows: list[int], row: int) -> None:
        s, money = self.sheet, self.money
        bold, top = _font(bold=True), Border(top=_THIN)
        label = f"Subtotal {section.name}"
        s.text(row, self.c("description"), label, font=bold, alignment=_RIGHT)
        figures: list[tuple[str, Decimal]] = [("amount", section.subtotal)]
        if isinstance(section, InternalSection):
            figures.append(("cost", section.cost))
        for key, value in figures:
            if rows:
                first, last = rows[0], rows[-1]
                lines = f'{self.span(key, first, last)},{self.span("optional", first, last)},""'
                s.formula(row, self.c(key), f"SUMIFS({lines})", value, money, font=bold, border=top)
            else:
                s.number(row, self.c(key), Decimal(0), money, font=bold, border=top)
        if isinstance(section, InternalSection):
            margin = f"{self.ref('amount', row)}-{self.ref('cost', row)}"
            s.formula(row, self.c("margin"), margin, section.margin, money, font=bold, border=top)

    # -- totals ----------------------------------------------------------------------------

    def label(self, row: int, text: str, **font: Any) -> None:
        self.sheet.text(row, self.c("unit_price"), text, font=_font(**font), alignment=_RIGHT)

    def percent_cell(self, row: int, key: str, percent: Decimal, **style: Any) -> str:
        self.sheet.number(row, self.c(key), _fraction(percent), percent_format(percent), **style)
        return self.ref(key, row)

    def totals(self, row: int) -> int:
        s, totals, layout, money = self.sheet, self.document.totals, self.layout, self.money
        amount = self.c("amount")

        layout.subtotal_row = row
        subtotal = self.ref("amount", row)
        refs = [f"{amount}{r}" for r in layout.section_subtotal_rows]
        self.label(row, "Subtotal", bold=True)
        s.formula(row, amount, _sum(refs), totals.subtotal, money, font=_font(bold=True))
        row += 1

        if totals.has_discount:
            layout.discount_row = row
            self.label(row, "Discount")
            if totals.discount_mode is DiscountMode.PERCENT:
                pct = self.percent_cell(row, "discount", totals.discount_value)
                discount = self.round(f"{subtotal}*{pct}")
                s.formula(row, amount, discount, totals.discount, money)
            else:
                s.number(row, amount, totals.discount, money)
            row += 1
        if totals.has_contingency:
            layout.contingency_row = row
            self.label(row, "Contingency")
            pct = self.percent_cell(row, "discount", totals.contingency_percent)
            s.formula(row, amount, self.round(f"{subtotal}*{pct}"), totals.contingency, money)
            row += 1
        if totals.has_fee:
            layout.fee_row = row
            if totals.fee_base is FeeBase.LABOUR:
                label = "Agency fee (on labour)"
                base = self.line_sum("amount", ("kind", f'"{KIND_LABELS[LineKind.LABOUR]}"'))
            elif totals.fee_base is FeeBase.THIRD_PARTY:
                label = "Agency fee (on third-party items)"
                kind = KIND_LABELS[LineKind.THIRD_PARTY]
                base = self.line_sum("amount", ("kind", f'"{kind}"'))
            else:
                label, base = "Agency fee", subtotal
            self.label(row, label)
            pct = self.percent_cell(row, "discount", totals.fee_percent)
            s.formula(row, amount, self.round(f"({base})*{pct}"), totals.fee, money)
            row += 1

        layout.net_row = row
        net = subtotal
        for adjustment_row, sign in (
            (layout.discount_row, "-"),
            (layout.contingency_row, "+"),
            (layout.fee_row, "+"),
        ):
            if adjustment_row:
                net += f"{sign}{amount}{adjustment_row}"
        top = Border(top=_THIN)
        self.label(row, "Total before tax", bold=True)
        s.formula(row, amount, net, totals.net, money, font=_font(bold=True), border=top)
        if isinstance(self.document, InternalEstimateDocument):
            red = _font(bold=True, color=INTERNAL_RED)
            costs = _sum([self.ref("cost", r) for r in layout.section_subtotal_rows])
            s.formula(row, self.c("cost"), costs, self.document.cost, money, font=red, border=top)
            margin = f"{self.ref('amount', row)}-{self.ref('cost', row)}"
            margin_value = self.document.margin
            s.formula(row, self.c("margin"), margin, margin_value, money, font=red, border=top)
        net_ref = self.ref("amount", row)
        row += 1

        tax_label = self.document.header.tax_label or "Tax"
        first_tax = row
        for rate, tax in totals.tax_by_rate.items():
            layout.tax_rows[rate] = row
            self.label(row, f"{tax_label} {_percent_text(rate)} %")
            rate_ref = self.percent_cell(row, "tax", rate, font=_font(color=_GREY))
            base = self.line_sum("amount", ("tax", rate_ref))
            for adjustment_row, adjustment_rate, sign in (
                (layout.discount_row, totals.discount_tax_rate, "-"),
                (layout.contingency_row, totals.contingency_tax_rate, "+"),
                (layout.fee_row, totals.fee_tax_rate, "+"),
            ):
                if adjustment_row and adjustment_rate == rate:
                    base += f"{sign}{amount}{adjustment_row}"
            s.formula(row, amount, self.round(f"{rate_ref}*({base})"), tax, money)
            row += 1
        taxes = f"+SUM({amount}{first_tax}:{amount}{row - 1})" if row > first_tax else ""

        layout.total_row = row
        currency = self.document.header.currency_code
        self.label(row, f"Total {currency}", bold=True, size=12)
        big = _font(bold=True, size=12)
        frame = Border(top=_MEDIUM, bottom=_MEDIUM)
        s.formula(row, amount, f"{net_ref}{taxes}", totals.total, money, font=big, border=frame)
        s.ws.row_dimensions[row].height = 20
        row += 1

        if any(line.optional for section in self.sections for line in section.lines):
            row += 1
            layout.optional_total_row = row
            grey = _font(italic=True, color=_GREY)
            self.label(row, "Optional items, not included in the total", italic=True, color=_GREY)
            optional = self.line_sum("amount", included=False)
            s.formula(row, amount, optional, totals.optional_total, money, font=grey)
            row += 1
        return row

    # -- terms, notes, approval ------------------------------------------------------------

    def paragraph(self, row: int, title: str, text: str, *, colour: str = _TEXT) -> int:
        s = self.sheet
        s.text(row, "B", title, font=_font(bold=True, color=colour))
        row += 1
        s.text(row, "B", text, font=_font(color=colour), alignment=_WRAP)
        s.ws.merge_cells(f"B{row}:{self.ref(_PARAGRAPH_LAST, row)}")
        keys = (*_PARAGRAPH_KEYS, _PARAGRAPH_LAST)
        width = sum(spec.width for spec in self.specs if spec.key in keys)
        height = LINE_HEIGHT * _lines_needed(text, width) + 4  # merged cells never autofit
        s.ws.row_dimensions[row].height = min(409, round(height, 1))
        return row + 2

    def closing(self, row: int) -> int:
        header, s = self.document.header, self.sheet
        row += 1
        if header.terms.strip():
            row = self.paragraph(row, "Terms", header.terms)
        if header.valid_until is not None:
            s.text(
                row, "B", "This estimate is valid until", font=_font(bold=True), alignment=_RIGHT
            )
            s.date(row, self.c("kind"), header.valid_until, font=_font(bold=True))
            row += 2
        if header.client_notes.strip():
            row = self.paragraph(row, "Notes", header.client_notes)
        document = self.document
        if isinstance(document, InternalEstimateDocument) and document.internal_notes.strip():
            title = "Internal notes (INTERNAL)"
            row = self.paragraph(row, title, document.internal_notes, colour=INTERNAL_RED)

        approval = f"Approval — {header.client_name}" if header.client_name else "Approval"
        s.text(row, "B", approval, font=_font(bold=True, size=11))
        ink = Border(bottom=_INK)
        for label in ("Name", "Signature", "Date", "Purchase order (PO) no."):
            row += 1
            bottom = Alignment(vertical="bottom")
            s.text(row, "B", label, font=_font(color=_GREY), alignment=bottom)
            for key in (*_PARAGRAPH_KEYS[1:], _PARAGRAPH_LAST):
                s.cell(row, self.c(key)).border = ink
            s.ws.row_dimensions[row].height = 28 if label == "Signature" else 22
        return row

    # -- printing, the margin summary, properties ------------------------------------------

    def page_setup(self, sheet: _Sheet, last_row: int, last_column: str, title_row: int) -> None:
        agency, header, ws = self.document.agency, self.document.header, sheet.ws
        ws.print_area = f"A1:{last_column}{last_row}"
        ws.print_title_rows = f"{title_row}:{title_row}"
        fit_to_width(ws, letter=agency.paper_size == "Letter", landscape=self.internal)
        ws.print_options.horizontalCentered = True
        margins = ws.page_margins
        margins.left = margins.right = 0.5
        margins.top, margins.bottom, margins.header, margins.footer = 0.7, 0.75, 0.3, 0.3
        page_footer(
            ws,
            f"{header.number} rev {header.revision}",
            "INTERNAL" if self.internal else agency.name,
            banner=INTERNAL_BANNER if self.internal else "",
        )

    def summary(self, document: InternalEstimateDocument) -> None:
        sheet = _Sheet(self.workbook.create_sheet(SUMMARY_SHEET))
        layout, money, header = self.layout, self.money, document.header
        layout.summary_sheet = SUMMARY_SHEET
        layout.cached[SUMMARY_SHEET] = sheet.cached
        ws = sheet.ws
        ws.sheet_view.showGridLines = False
        for column, width in zip("ABCDE", (40, 24, 16, 16, 12), strict=True):
            ws.column_dimensions[column].width = width
        title = f"{INTERNAL_BANNER} · Margin summary"
        sheet.text(1, "A", title, font=_font(size=14, bold=True, color=INTERNAL_RED))
        about = f"{header.number} rev {header.revision} · {header.title} · {header.client_name}"
        sheet.text(2, "A", about, font=_font(color=_GREY))
        title_row = 4
        titles = ("Section", "Amount", "Cost", "Margin", "Margin %")
        for column, text in zip("ABCDE", titles, strict=True):
            align = Alignment(horizontal="left" if column == "A" else "right")
            white = _font(bold=True, color="FFFFFF")
            sheet.text(
                title_row, column, text, font=white, fill=_fill(INTERNAL_RED), alignment=align
            )

        estimate = f"'{ESTIMATE_SHEET}'!"
        amount, cost = self.c("amount"), self.c("cost")
        dash = "–"
        row = title_row
        for section, source in zip(self.sections, layout.section_subtotal_rows, strict=True):
            assert isinstance(section, InternalSection)
            row += 1
            layout.summary_section_rows.append(row)
            sheet.text(row, "A", section.name)
            sheet.formula(row, "B", f"{estimate}{amount}{source}", section.subtotal, money)
            sheet.formula(row, "C", f"{estimate}{cost}{source}", section.cost, money)
            sheet.formula(row, "D", f"B{row}-C{row}", section.margin, money)
            percent = f'IF(B{row}=0,"{dash}",ROUND(D{row}/B{row}*100,2))'
            shown: CachedValue = dash if section.margin_percent is None else section.margin_percent
            sheet.formula(row, "E", percent, shown, PERCENT_POINTS_FORMAT)

        row += 2
        rows = {
            name: row + offset
            for offset, name in enumerate(
                ("net", "cost", "margin", "margin_percent", "floor", "status")
            )
        }
        layout.summary_rows = rows
        bold = _font(bold=True)
        labels = {
            "net": "Total before tax",
            "cost": "Cost",
            "margin": "Margin",
            "margin_percent": "Margin %",
            "floor": "Margin floor",
            "status": "Against the floor",
        }
        for name, label_row in rows.items():
            sheet.text(label_row, "A", labels[name], font=bold)
        net, margin, percent = f"B{rows['net']}", f"B{rows['margin']}", f"B{rows['margin_percent']}"
        source = layout.net_row
        sheet.formula(rows["net"], "B", f"{estimate}{amount}{source}", document.totals.net, money)
        sheet.formula(rows["cost"], "B", f"{estimate}{cost}{source}", document.cost, money)
        margin_formula = f"{net}-B{rows['cost']}"
        sheet.formula(rows["margin"], "B", margin_formula, document.margin, money, font=bold)
        value: CachedValue = dash if document.margin_percent is None else document.margin_percent
        percent_formula = f'IF({net}=0,"{dash}",ROUND({margin}/{net}*100,2))'
        sheet.formula(
            rows["margin_percent"], "B", percent_formula, value, PERCENT_POINTS_FORMAT, font=bold
        )
        floor = document.margin_floor_percent
        sheet.number(rows["floor"], "B", floor, PERCENT_POINTS_FORMAT)
        below, above = "Below the floor", "At or above the floor"
        status: CachedValue = dash
        if document.margin_percent is not None:
            status = below if document.below_floor else above
        status_formula = f'IF({net}=0,"{dash}",IF({percent}<B{rows["floor"]},"{below}","{above}"))'
        colour = INTERNAL_RED if document.below_floor else _TEXT
        sheet.formula(
            rows["status"],
            "B",
            status_formula,
            status,
            "General",
            font=_font(bold=True, color=colour),
        )
        self.page_setup(sheet, rows["status"], "E", title_row)

    def properties(self) -> None:
        """Title, subject and creator (the agency); nothing else (see EXPORTS.md)."""
        header, agency = self.document.header, self.document.agency
        prefix = "INTERNAL — " if self.internal else ""
        number = f"{header.number} rev {header.revision}"
        set_properties(
            self.workbook,
            title=f"{prefix}Estimate {number}: {header.title}",
            subject=f"{prefix}Estimate for {header.client_name}",
            creator=agency.name,
        )

    def package(self) -> bytes:
        workbook = self.write()
        cached = [self.layout.cached[ws.title] for ws in workbook.worksheets]
        # the line references ("1.2") are text on purpose: no "number stored as text" warning
        part = sheet_part(workbook.worksheets.index(self.sheet.ws))
        references = [self.span("no", rows[0], rows[-1]) for rows in self.layout.line_rows if rows]
        text_numbers = {part: references} if references else {}
        return package_workbook(
            workbook, cached, company=self.document.agency.name, text_numbers=text_numbers
        )


def build_estimate_workbook(document: EstimateDocument) -> tuple[bytes, EstimateLayout]:
    """The xlsx file of ``document`` as bytes, and where its figures are."""
    if not isinstance(document, ClientEstimateDocument | InternalEstimateDocument):
        raise TypeError(f"document must be an estimate document, not {type(document).__name__}")
    writer = _EstimateWriter(document)
    return writer.package(), writer.layout


def write_estimate_workbook(document: EstimateDocument, path: Path) -> EstimateLayout:
    """Write the workbook of ``document`` to ``path``, replacing any file there.

    Exports go through :func:`keyplan.exports.files.atomic_write`, which gives this function a
    temporary path and renames the result into place.
    """
    data, layout = build_estimate_workbook(document)
    Path(path).write_bytes(data)
    return layout
