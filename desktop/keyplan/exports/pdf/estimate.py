"""The client estimate as a PDF: a quote in the form of a business letter (reportlab).

Only a :class:`~keyplan.exports.documents.ClientEstimateDocument` can be rendered: it has no
cost, margin, markup or internal-note field, so the PDF cannot show one. Every figure printed is
the document's (the domain's ``compute_totals``), formatted, never recomputed: the PDF shows the
numbers the editor, the CLI and the workbook show.

The pages (see :mod:`keyplan.exports.pdf.layout` for the paper, letterhead, header and footer):

1. letterhead; the client's name in the window-envelope block, with the sender's return
   address above it; on the right "ESTIMATE" (or "ESTIMATE — DRAFT") with the number,
   revision, date, validity, currency, the account owner who prepared it and the project;
2. the title, a line with number, revision and client, validity and currency;
3. the lines table: No. ("2.3", the numbering of the editor and the workbook), description,
   quantity, unit, unit price, discount % (only when a line has a discount), tax % and amount;
   per section a heading row and a subtotal row; optional lines in italics, marked as not
   included in the total. Its header row repeats on every page it runs onto;
4. the totals: subtotal, discount, contingency, agency fee and the total before tax (when the
   estimate has any of the three), tax per rate on
   its taxable amount ("VAT 9 % on 31,000.00"), the total in the currency, then the optional
   items' sum, not included;
5. terms, client notes, and the acceptance block: signature lines (name, title, date,
   signature) for the client, with a purchase order number, and for the agency.

Amounts have the currency's decimals (none for JPY, KRW, VND) and the group separators of the
locale (babel, through :func:`keyplan.domain.numbers.format_decimal`, as the app shows them):
the document's locale when it carries one, else ``en_US``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import get_currency_name
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from keyplan.domain.estimates import DiscountMode, FeeBase
from keyplan.domain.numbers import format_decimal
from keyplan.exports.documents import ClientEstimateDocument, ClientLine, ClientSection
from keyplan.exports.pdf.fonts import (
    SANS,
    SANS_BOLD,
    SANS_ITALIC,
    clean_text,
    font_runs,
    text_width,
)
from keyplan.exports.pdf.layout import MUTED, RULE, TEXT, PageSetup, PdfDocument

__all__ = ["DEFAULT_LOCALE", "OPTIONAL_NOTE", "TABLE_HEADERS", "build_estimate_pdf"]

DEFAULT_LOCALE = "en_US"
OPTIONAL_NOTE = "Optional — not included in the total"
TABLE_HEADERS = ("No.", "Description", "Qty", "Unit", "Unit price", "Disc. %", "Tax %", "Amount")
MINUS = "−"  # U+2212, as the editor's totals panel shows a discount

_CELL_SIZE = 8.5
_HEAD_SIZE = 8.0
_PADDING = 6.5  # left + right cell padding, and a little air


def build_estimate_pdf(document: ClientEstimateDocument, *, locale: str | None = None) -> bytes:
    """The client estimate ``document`` as a PDF file (bytes).

    ``locale`` (babel's spelling, "en_US") formats amounts and dates; by default the
    document's own locale when it carries one, else ``en_US``.
    """
    if not isinstance(document, ClientEstimateDocument):
        raise TypeError(
            f"only a ClientEstimateDocument can be a PDF quote, not {type(document).__name__}"
        )
    return _EstimatePdf(document, _locale(document, locale)).build()


def _locale(document: ClientEstimateDocument, override: str | None) -> str:
    candidates = (
        override,
        getattr(document.header, "locale", None),
        getattr(document, "locale", None),
    )
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            name = candidate.strip().replace("-", "_")
            try:
                Locale.parse(name)
            except (ValueError, UnknownLocaleError):
                continue
            return name
    return DEFAULT_LOCALE


def _plain(value: Decimal) -> Decimal:
    """12.50 -> 12.5, 10.0000 -> 10: no trailing zeros, never an exponent."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


class _EstimatePdf:
    def __init__(self, document: ClientEstimateDocument, locale: str) -> None:
        self.document = document
        self.header = header = document.header
        self.locale = locale
        self.places = header.minor_units
        number = f"{header.number} rev {header.revision}"
        client = header.client_name or header.client_legal_name
        agency = document.agency.name
        confidential = "Confidential"
        if client and agency:
            confidential = f"Confidential — prepared by {agency} for {client}"
        title = (
            f"Estimate {number}: {header.title}" if header.title.strip() else f"Estimate {number}"
        )
        self.pdf = PdfDocument(
            PageSetup(
                agency=document.agency,
                title=title,
                subject=f"Estimate for {client}" if client else "Estimate",
                reference=number,
                confidentiality=confidential,
            )
        )
        self.styles = self.pdf.styles

    # -- formatting --------------------------------------------------------------------------

    def money(self, value: Decimal) -> str:
        return format_decimal(value, self.locale, self.places)

    def number(self, value: Decimal) -> str:
        return format_decimal(_plain(value), self.locale)

    def date(self, value: date) -> str:
        return str(format_date(value, "long", locale=self.locale))

    def currency_name(self) -> str:
        code = self.header.currency_code
        try:
            name = str(get_currency_name(code, locale=self.locale))
        except (ValueError, UnknownLocaleError):
            return code
        return f"{name} ({code})" if name and name != code else code

    # -- the story ---------------------------------------------------------------------------

    def build(self) -> bytes:
        story: list[Any] = [self.address()]
        story += self.introduction()
        story.append(self.lines_table())
        story.append(Spacer(1, 3 * mm))
        story.append(KeepTogether([self.totals()]))
        story += self.closing()
        return self.pdf.build(story)

    def address(self) -> Any:
        agency, header = self.document.agency, self.header
        sender_parts = [agency.legal_name.strip() or agency.name.strip()]
        sender_parts += [line.strip() for line in agency.address.splitlines() if line.strip()]
        recipient = [header.client_legal_name.strip() or header.client_name.strip()]
        if header.client_name.strip() and header.client_name.strip() != recipient[0]:
            recipient.append(header.client_name)
        details: list[tuple[str, str]] = [
            ("Estimate no.", header.number),
            ("Revision", str(header.revision)),
            ("Date", self.date(header.issued_on)),
        ]
        if header.valid_until is not None:
            details.append(("Valid until", self.date(header.valid_until)))
        details.append(("Currency", header.currency_code))
        if header.prepared_by.strip():
            details.append(("Prepared by", header.prepared_by))
        if header.project_name.strip():
            details.append(("Project", header.project_name))
        heading = "ESTIMATE — DRAFT" if header.status == "draft" else "ESTIMATE"
        return self.pdf.address_block(sender_parts, recipient, details, heading=heading)

    def introduction(self) -> list[Any]:
        header, s, pdf = self.header, self.styles, self.pdf
        story: list[Any] = [Spacer(1, 4 * mm)]
        if header.title.strip():
            story.append(pdf.paragraph(header.title, s.title))
        about = [f"Estimate {header.number}", f"Revision {header.revision}"]
        if header.client_name.strip():
            about.append(header.client_name)
        story.append(pdf.paragraph(" · ".join(about), s.subtitle))
        facts = []
        if header.valid_until is not None:
            facts.append(f"This estimate is valid until {self.date(header.valid_until)}.")
        facts.append(f"All amounts are in {self.currency_name()}.")
        story.append(Spacer(1, 2 * mm))
        story.append(pdf.paragraph(" ".join(facts), s.body))
        story.append(Spacer(1, 4 * mm))
        return story

    # -- the lines ---------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        lines = [line for section in self.document.sections for line in section.lines]
        keys = ["ref", "description", "quantity", "unit", "unit_price", "discount", "tax", "amount"]
        if not any(line.discount_percent for line in lines):
            keys.remove("discount")
        return keys

    def _line_cells(self, line: ClientLine) -> dict[str, str]:
        return {
            "ref": line.ref,
            "quantity": self.number(line.quantity),
            "unit": line.unit,
            "unit_price": self.money(line.unit_price),
            "discount": self.number(line.discount_percent) if line.discount_percent else "",
            "tax": self.number(line.tax_rate),
            "amount": self.money(line.amount),
        }

    def _widths(self, keys: list[str], cells: list[dict[str, str]]) -> list[float]:
        """Column widths: each figure column as wide as its widest text, the description
        takes the rest (the unit column at most 24 mm: longer units wrap)."""
        titles = dict(zip(_KEYS, TABLE_HEADERS, strict=True))
        widths: dict[str, float] = {}
        for key in keys:
            if key == "description":
                continue
            texts = {row[key] for row in cells}
            widest = max((text_width(t, SANS, _CELL_SIZE) for t in texts if t), default=0.0)
            # an optional line's figures are italic: a little wider
            widest = max(widest * 1.02, text_width(titles[key], SANS_BOLD, _HEAD_SIZE))
            widths[key] = widest + _PADDING + (4 if key == "amount" else 0)
        if "unit" in widths:
            head = text_width(titles["unit"], SANS_BOLD, _HEAD_SIZE) + _PADDING
            widths["unit"] = max(min(widths["unit"], 24 * mm), head)
        rest = self.pdf.width - sum(widths.values())
        widths["description"] = max(rest, 40 * mm)
        return [widths[key] for key in keys]

    def lines_table(self) -> Any:
        s, pdf = self.styles, self.pdf
        keys = self._columns()
        cells_by_line = {
            id(line): self._line_cells(line)
            for section in self.document.sections
            for line in section.lines
        }
        widths = self._widths(keys, list(cells_by_line.values()))
        width_of = dict(zip(keys, widths, strict=True))
        titles = dict(zip(_KEYS, TABLE_HEADERS, strict=True))
        figures = [i for i, key in enumerate(keys) if key not in ("ref", "description", "unit")]
        rows: list[list[Any]] = [[titles[key] for key in keys]]
        commands: list[tuple[Any, ...]] = []
        last = len(keys) - 1
        for index, section in enumerate(self.document.sections, start=1):
            row = len(rows)
            rows.append(
                [str(index), pdf.paragraph(section.name, s.cell, bold=True)] + [""] * (last - 1)
            )
            commands += [
                ("SPAN", (1, row), (last, row)),
                ("BACKGROUND", (0, row), (last, row), s.light),
                ("FONTNAME", (0, row), (0, row), SANS_BOLD),
                ("TOPPADDING", (0, row), (last, row), 4),
                ("BOTTOMPADDING", (0, row), (last, row), 4),
            ]
            heading_row, line_rows = row, []
            for line in section.lines:
                row = len(rows)
                rows.append(self._line_row(line, keys, cells_by_line[id(line)], width_of))
                line_rows.append(row)
                commands.append(("LINEBELOW", (0, row), (last, row), 0.25, RULE))
                if line.optional:
                    commands += [
                        ("FONTNAME", (0, row), (last, row), SANS_ITALIC),
                        ("TEXTCOLOR", (0, row), (last, row), MUTED),
                    ]
            rows.append(self._subtotal_row(section, keys))
            row = len(rows) - 1
            # a heading never ends a page, a subtotal never starts one: each stays with a line
            # (unless that line is so long that it must split over pages itself)
            description = keys.index("description")
            if not line_rows:
                commands.append(("NOSPLIT", (0, heading_row), (last, row)))
            if line_rows and self._short(rows[line_rows[0]][description], width_of):
                commands.append(("NOSPLIT", (0, heading_row), (last, line_rows[0])))
            if line_rows and self._short(rows[line_rows[-1]][description], width_of):
                commands.append(("NOSPLIT", (0, line_rows[-1]), (last, row)))
            commands += [
                ("SPAN", (0, row), (last - 1, row)),
                ("RIGHTPADDING", (0, row), (last - 1, row), 10),
                ("FONTNAME", (last, row), (last, row), SANS_BOLD),
                ("LINEABOVE", (last, row), (last, row), 0.6, TEXT),
                ("TOPPADDING", (0, row), (last, row), 3),
                ("BOTTOMPADDING", (0, row), (last, row), 7),
            ]
        return pdf.table(rows, widths, right=figures, style=commands)

    def _line_row(
        self, line: ClientLine, keys: list[str], cells: dict[str, str], widths: dict[str, float]
    ) -> list[Any]:
        s, pdf = self.styles, self.pdf
        italic = line.optional
        row: list[Any] = []
        for key in keys:
            if key == "description":
                description = pdf.paragraph(line.description, s.cell, italic=italic)
                if line.optional:
                    note = pdf.paragraph(OPTIONAL_NOTE, s.label, italic=True)
                    row.append([description, note])
                else:
                    row.append(description)
            elif key in ("unit", "ref") and not self._plain_fits(
                cells[key], widths[key] if key == "unit" else float("inf"), italic
            ):
                row.append(pdf.paragraph(cells[key], s.cell, italic=italic))
            else:
                row.append(clean_text(cells[key]))
        return row

    @staticmethod
    def _short(cell: Any, widths: dict[str, float]) -> bool:
        """Whether a description cell is at most a few lines high (a quarter of a page)."""
        flowables = cell if isinstance(cell, list) else [cell]
        width = widths["description"] - 6
        height = sum(float(f.wrap(width, 1e6)[1]) for f in flowables)
        return height < 180

    @staticmethod
    def _plain_fits(text: str, width: float, italic: bool) -> bool:
        """Whether ``text`` can be a plain table cell: one line, in Noto Sans, fitting."""
        cleaned = clean_text(text)
        if "\n" in cleaned or any(run.fallback for run in font_runs(cleaned)):
            return False
        font = SANS_ITALIC if italic else SANS
        return text_width(cleaned, font, _CELL_SIZE) + _PADDING <= width

    def _subtotal_row(self, section: ClientSection, keys: list[str]) -> list[Any]:
        s, pdf = self.styles, self.pdf
        label = f"Subtotal {section.name}".strip()
        cells: list[Any] = [pdf.paragraph(label, s.cell_right, bold=True)]
        cells += [""] * (len(keys) - 2)
        cells.append(self.money(section.subtotal))
        return cells

    # -- the totals --------------------------------------------------------------------------

    def totals(self) -> Any:
        totals, header, s, pdf = self.document.totals, self.header, self.styles, self.pdf
        rows: list[tuple[str, str, str]] = []  # label, amount, kind
        rows.append(("Subtotal", self.money(totals.subtotal), "bold"))
        adjusted = False
        if totals.has_discount:
            adjusted = True
            label = "Discount"
            if totals.discount_mode is DiscountMode.PERCENT:
                label = f"Discount {self.number(totals.discount_value)} %"
            rows.append((label, MINUS + self.money(totals.discount), ""))
        if totals.has_contingency:
            adjusted = True
            percent = self.number(totals.contingency_percent)
            rows.append((f"Contingency {percent} %", self.money(totals.contingency), ""))
        if totals.has_fee:
            adjusted = True
            label = f"Agency fee {self.number(totals.fee_percent)} %"
            if totals.fee_base is FeeBase.LABOUR:
                label += " (on labour)"
            elif totals.fee_base is FeeBase.THIRD_PARTY:
                label += " (on third-party items)"
            rows.append((label, self.money(totals.fee), ""))
        if adjusted:
            rows.append(("Total before tax", self.money(totals.net), "net"))
        tax_label = header.tax_label.strip() or "Tax"
        for rate, tax in totals.tax_by_rate.items():
            base = self.money(totals.taxable_by_rate.get(rate, Decimal(0)))
            label = f"{tax_label} {self.number(rate)} % on {base}"
            rows.append((label, self.money(tax), ""))
        rows.append((f"Total {header.currency_code}", self.money(totals.total), "total"))
        if any(line.optional for section in self.document.sections for line in section.lines):
            rows.append(("", "", "gap"))
            label = "Optional items, not included in the total"
            rows.append((label, self.money(totals.optional_total), "optional"))

        amount_width = max(
            28 * mm, max(text_width(amount, SANS_BOLD, 10.5) for _, amount, _ in rows) + 8
        )
        block = min(110 * mm, pdf.width)
        widths = [pdf.width - block, block - amount_width, amount_width]
        regular = s.cell_right
        big = ParagraphStyle("total", parent=s.cell_right, fontSize=10.5, leading=14)
        muted = ParagraphStyle("optional-total", parent=s.cell_right, textColor=MUTED)
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for index, (label, amount, kind) in enumerate(rows):
            style = big if kind == "total" else muted if kind == "optional" else regular
            bold = kind in ("bold", "net", "total")
            italic = kind == "optional"
            data.append(
                [
                    "",
                    pdf.paragraph(label, style, bold=bold, italic=italic),
                    pdf.paragraph(amount, style, bold=bold, italic=italic),
                ]
            )
            if kind == "net":
                commands.append(("LINEABOVE", (1, index), (2, index), 0.5, RULE))
            if kind == "total":
                commands += [
                    ("LINEABOVE", (1, index), (2, index), 1.2, s.brand),
                    ("LINEBELOW", (1, index), (2, index), 1.2, s.brand),
                    ("TOPPADDING", (1, index), (2, index), 4),
                    ("BOTTOMPADDING", (1, index), (2, index), 5),
                ]
        return Table(data, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")

    # -- terms, notes, acceptance ------------------------------------------------------------

    def closing(self) -> list[Any]:
        header, s, pdf = self.header, self.styles, self.pdf
        story: list[Any] = []
        if header.terms.strip():
            story.append(pdf.paragraph("Terms", s.heading))
            story.append(pdf.paragraph(header.terms.strip(), s.body))
        if header.client_notes.strip():
            story.append(pdf.paragraph("Notes", s.heading))
            story.append(pdf.paragraph(header.client_notes.strip(), s.body))
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether(self.acceptance()))
        return story

    def acceptance(self) -> list[Any]:
        header, s, pdf = self.header, self.styles, self.pdf
        totals = self.document.totals
        total = f"{header.currency_code} {self.money(totals.total)}"
        sentence = (
            f"We accept estimate {header.number}, revision {header.revision}, for a total of "
            f"{total}, on the terms above."
        )
        if header.valid_until is not None:
            sentence += f" Please sign and return a copy by {self.date(header.valid_until)}."
        story: list[Any] = [
            pdf.paragraph("Acceptance", s.heading),
            pdf.paragraph(sentence, s.body),
            Spacer(1, 3 * mm),
        ]
        client = header.client_legal_name.strip() or header.client_name.strip() or "the client"
        agency = self.document.agency
        agency_name = agency.legal_name.strip() or agency.name.strip()
        gap = 10 * mm
        label_width = 24 * mm
        side = (pdf.width - gap) / 2
        widths = [label_width, side - label_width, gap, label_width, side - label_width]
        head_style = s.cell
        rows: list[list[Any]] = [
            [
                pdf.paragraph(f"Accepted for {client}", head_style, bold=True),
                "",
                "",
                pdf.paragraph(
                    f"For {agency_name}" if agency_name else "For the agency", head_style, bold=True
                ),
                "",
            ]
        ]
        fields = ("Name", "Title", "Date", "Signature")
        for field in fields:
            agency_value = header.prepared_by if field == "Name" else ""
            rows.append(
                [
                    field,
                    "",
                    "",
                    field,
                    pdf.paragraph(agency_value, s.cell) if agency_value.strip() else "",
                ]
            )
        rows.append(["Purchase order no.", "", "", "", ""])
        last = len(rows) - 1
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("TEXTCOLOR", (0, 1), (-1, -1), MUTED),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 1), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("SPAN", (0, 0), (1, 0)),
            ("SPAN", (3, 0), (4, 0)),
            ("LINEBELOW", (1, 1), (1, last), 0.6, TEXT),
            ("LINEBELOW", (4, 1), (4, last - 1), 0.6, TEXT),
            ("TOPPADDING", (0, len(fields)), (-1, len(fields)), 22),  # room to sign
        ]
        story.append(Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT"))
        return story


_KEYS = ("ref", "description", "quantity", "unit", "unit_price", "discount", "tax", "amount")
