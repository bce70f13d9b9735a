"""The joint business plan summary as a PDF (reportlab), the plan both sides signed.

Pages (paper, letterhead, running header and footer: :mod:`keyplan.exports.pdf.layout`):

1. "JOINT BUSINESS PLAN 2026", the plan's title and the client; the facts (status, review
   cadence, currency, prepared by, issued); the five phases as a row of chevrons with the
   current one in the brand colour; the shared vision, highlighted;
2. the joint objectives (who owns each on the client's side and on the agency's);
3. the growth targets (baseline, target, growth) and the scorecard by quarter: each quarter's
   actual against its target on a RAG tint, and a progress bar per measure (vector graphics:
   the bar is the actual so far as a share of the year's target, the tick where the plan says
   it should be by now, the colour its RAG);
4. the joint investments (who funds what, what each side pays) with the totals by funder per
   currency;
5. the activity calendar as a month strip (a bar per activity across the months);
6. the sign-off block: the client's and the agency's signatory with the dates they signed.

Parts with nothing in them are left out. The document type has no internal field, so the PDF
cannot show one. Amounts carry their currency's decimals (``en_US`` separators); text in any
script is drawn in the shipped fonts with the CJK fallback.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from reportlab.graphics.shapes import Line, Polygon, Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from keyplan.domain.numbers import format_decimal
from keyplan.exports.jbp_documents import (
    JbpActivityLine,
    JbpDocument,
    JbpFigure,
    JbpMeasureLine,
    JbpScorecardLine,
)
from keyplan.exports.pdf.contact_report import title_style
from keyplan.exports.pdf.fonts import SANS, SANS_BOLD, text_width
from keyplan.exports.pdf.layout import (
    MUTED,
    RULE,
    TEXT,
    PageSetup,
    PdfDocument,
    drawing,
    label_shapes,
    tint,
)

__all__ = ["RAG_COLOURS", "build_jbp_pdf"]

LOCALE = "en_US"
RAG_COLOURS: dict[str, Any] = {
    "green": colors.HexColor("#2E7D32"),
    "amber": colors.HexColor("#E8A317"),
    "red": colors.HexColor("#C62828"),
    "": colors.HexColor("#8A94A3"),
}
_TRACK = colors.HexColor("#E6E9EE")
_FUTURE = colors.HexColor("#EEF0F3")
_CALENDAR_ROWS = 16  # activities per calendar drawing (a drawing never splits over pages)


def build_jbp_pdf(document: JbpDocument) -> bytes:
    """The JBP summary of ``document`` as a PDF file (bytes)."""
    if not isinstance(document, JbpDocument):
        raise TypeError(f"a JBP PDF needs a JbpDocument, not {type(document).__name__}")
    return _JbpPdf(document).build()


class _JbpPdf:
    def __init__(self, document: JbpDocument) -> None:
        self.document = document
        client = document.client_name.strip() or "the client"
        agency = document.agency.name.strip() or "the agency"
        self.pdf = PdfDocument(
            PageSetup(
                agency=document.agency,
                title=f"Joint business plan {document.year}: {client}",
                subject=f"{document.title}, agreed between {client} and {agency}",
                reference=f"{client} · JBP {document.year}",
                confidentiality=f"Confidential — agreed between {client} and {agency}",
            )
        )
        self.styles = s = self.pdf.styles
        self.strong = ParagraphStyle("jbp-strong", parent=s.cell, fontName=SANS_BOLD)
        self.figure = ParagraphStyle("jbp-figure", parent=s.cell, fontSize=8, leading=10)
        self.figure_right = ParagraphStyle("jbp-figure-r", parent=self.figure, alignment=2)
        self.muted_right = ParagraphStyle(
            "jbp-muted-r", parent=s.muted, fontSize=6.8, leading=8.5, alignment=2
        )

    # -- formatting --------------------------------------------------------------------------

    def number(self, value: Decimal | None, places: int) -> str:
        return "—" if value is None else format_decimal(value, LOCALE, places)

    def measure_value(self, measure: JbpMeasureLine, value: Decimal | None) -> str:
        return self.number(value, measure.places)

    def percent(self, value: Decimal | None) -> str:
        return "—" if value is None else f"{format_decimal(value, LOCALE, 1)} %"

    @staticmethod
    def day(value: date | None) -> str:
        return "—" if value is None else str(format_date(value, "d MMM y", locale=LOCALE))

    def heading(self, text: str) -> list[Any]:
        return self.pdf.heading(text)

    # -- the parts ---------------------------------------------------------------------------

    def build(self) -> bytes:
        return self.pdf.build_parts(
            (
                self.title_block,
                self.vision,
                self.objectives,
                self.targets,
                self.scorecard,
                self.investments,
                self.calendar,
                self.sign_off,
            )
        )

    def title_block(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        story: list[Any] = [
            pdf.paragraph(f"JOINT BUSINESS PLAN {doc.year}", s.kicker),
            Spacer(1, 1.5 * mm),
            pdf.paragraph(doc.title, title_style(s, doc.title)),
        ]
        names = " and ".join(n for n in (doc.client_name, doc.agency.name) if n.strip())
        if names:
            story.append(pdf.paragraph(names, s.subtitle))
        facts = [
            ("Status", doc.status),
            ("Review cadence", doc.review_cadence),
            ("Currency", doc.currency),
            ("Prepared by", doc.prepared_by),
            ("Issued", self.day(doc.issued_on)),
        ]
        story += [Spacer(1, 3 * mm), pdf.facts_table(facts)]
        story += [Spacer(1, 4 * mm), self.phases(), Spacer(1, 2 * mm)]
        return story

    def phases(self) -> Any:
        """The five phases as chevrons: done ones tinted, the current in the brand colour."""
        doc, s = self.document, self.styles
        count = len(doc.phases)
        width, height, tip = self.pdf.width, 15.0, 6.0
        step = (width + tip * (count - 1)) / count
        canvas = drawing(width, height + 11)
        canvas.add(label_shapes(0, height + 3, "Phase", SANS_BOLD, 7.5, MUTED))
        for index, phase in enumerate(doc.phases):
            x = index * (step - tip)
            current, done = index == doc.phase_index, index < doc.phase_index
            fill = s.brand if current else (tint(s.brand, 0.7) if done else _FUTURE)
            ink = colors.white if current else (TEXT if done else MUTED)
            left_notch = tip if index else 0.0
            points = [
                x, 0, x + step - tip, 0, x + step, height / 2, x + step - tip, height,
                x, height, x + left_notch, height / 2,
            ]  # fmt: skip
            canvas.add(Polygon(points, fillColor=fill, strokeColor=colors.white, strokeWidth=1))
            label = f"{index + 1}. {phase}"
            font = SANS_BOLD if current else SANS
            centre = x + (step + left_notch) / 2 - tip / 2
            room = step - tip - left_notch - 4
            canvas.add(label_shapes(centre, height / 2 - 2.6, label, font, 7.2, ink,
                                    align="centre", width=room))  # fmt: skip
        return canvas

    def vision(self) -> list[Any]:
        text = self.document.vision.strip()
        if not text:
            return []
        body = ParagraphStyle("jbp-vision", parent=self.styles.body, fontSize=10, leading=14.5)
        return [
            *self.heading("Shared vision"),
            self.pdf.highlight([self.pdf.paragraph(text, body)]),
        ]

    def objectives(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not doc.objectives:
            return []
        rows: list[list[Any]] = [["#", "Joint objective", "Client owner", "Agency owner", "Status"]]
        for number, objective in enumerate(doc.objectives, start=1):
            rows.append(
                [
                    str(number),
                    pdf.paragraph(objective.statement, s.cell),
                    pdf.paragraph(objective.client_owner or "—", s.cell),
                    pdf.paragraph(objective.agency_owner or "—", s.cell),
                    pdf.paragraph(objective.status, s.cell),
                ]
            )
        widths = [7 * mm, 0.0, 34 * mm, 34 * mm, 20 * mm]
        widths[1] = pdf.width - sum(widths)
        commands = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        return [*self.heading("Joint objectives"), pdf.table(rows, widths, style=commands)]

    def targets(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not doc.measures:
            return []
        rows: list[list[Any]] = [["Measure", "Kind", "Unit", "Baseline", "Target", "Growth"]]
        texts: dict[int, list[str]] = {3: [], 4: [], 5: []}
        for measure in doc.measures:
            baseline = self.measure_value(measure, measure.baseline)
            target = self.measure_value(measure, measure.target)
            growth = self.measure_value(measure, measure.growth)
            if measure.growth is not None and measure.growth > 0:
                growth = "+" + growth
            change: list[Any] = [growth]
            if measure.growth_percent is not None:
                sign = "+" if measure.growth_percent > 0 else ""
                change = [pdf.paragraph(growth, self.figure_right),
                          pdf.paragraph(sign + self.percent(measure.growth_percent),
                                        self.muted_right)]  # fmt: skip
            texts[3].append(baseline)
            texts[4].append(target)
            texts[5].append(growth)
            rows.append(
                [
                    pdf.paragraph(measure.name, self.strong),
                    pdf.paragraph(measure.kind, s.cell),
                    pdf.paragraph(measure.unit, s.cell),
                    baseline,
                    target,
                    change,
                ]
            )
        widths = [0.0, 24 * mm, 19 * mm]
        widths += [self.figure_width(texts[c], rows[0][c]) for c in (3, 4, 5)]
        widths[0] = pdf.width - sum(widths)
        commands = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        table = pdf.table(rows, widths, right=(3, 4, 5), style=commands)
        return [*self.heading("Growth targets and KPIs"), table]

    def figure_width(self, texts: Sequence[str], title: str, size: float = 8.5) -> float:
        """A figure column as wide as its widest text (or title), at least 20 mm."""
        widest = max((text_width(t, SANS, size) for t in texts if t), default=0.0)
        return float(max(widest, text_width(title, SANS_BOLD, 8), 20 * mm)) + 8

    # -- the scorecard -----------------------------------------------------------------------

    def quarter_lines(self, measure: JbpMeasureLine, figure: JbpFigure) -> list[str]:
        """The actual, then "of <target>", then the % achieved (the last two on one line
        when :attr:`joined`)."""
        if figure.actual is None and figure.target is None:
            return ["—"]
        lines = [
            self.measure_value(measure, figure.actual),
            f"of {self.measure_value(measure, figure.target)}",
        ]
        if figure.achieved_percent is not None:
            lines.append(self.percent(figure.achieved_percent))
        return lines

    def quarter_cell(self, lines: list[str], joined: bool) -> list[Any]:
        pdf = self.pdf
        cell = [pdf.paragraph(lines[0], self.figure_right)]
        rest = [" · ".join(lines[1:])] if joined else lines[1:]
        cell += [pdf.paragraph(line, self.muted_right) for line in rest if line]
        return cell

    def progress_bar(self, line: JbpScorecardLine, width: float) -> Any:
        """The actual so far against the year's target, with the plan-to-date tick."""
        height = 20.0
        bar_y, bar_h = 9.0, 7.0
        canvas = drawing(width, height)
        canvas.add(Rect(0, bar_y, width, bar_h, fillColor=_TRACK, strokeColor=None))
        figure = line.to_date
        colour = RAG_COLOURS.get(figure.rag, RAG_COLOURS[""])
        scale = max(Decimal(1), line.bar or Decimal(0), line.marker or Decimal(0))
        if line.bar is not None and line.bar > 0:
            filled = float(min(line.bar, scale) / scale) * width
            canvas.add(Rect(0, bar_y, filled, bar_h, fillColor=colour, strokeColor=None))
        if scale > 1:  # the target inside a bar drawn past it
            x = float(1 / scale) * width
            canvas.add(Line(x, bar_y - 1.5, x, bar_y + bar_h + 1.5, strokeColor=TEXT,
                            strokeWidth=0.6, strokeDashArray=[1.5, 1]))  # fmt: skip
        if line.marker is not None:
            x = float(min(line.marker, scale) / scale) * width
            canvas.add(Line(x, bar_y - 2, x, bar_y + bar_h + 2, strokeColor=TEXT, strokeWidth=1.2))
        if line.bar is None:
            text = "no actuals yet" if not line.quarters_reported else "no year target"
        elif line.measure.additive:
            text = f"{self.percent(line.bar * 100)} of the year target"
        else:
            text = f"{self.percent(line.bar * 100)} of target (latest quarter)"
        canvas.add(label_shapes(0, 1.5, text, SANS, 6.5, MUTED, width=width))
        return canvas

    def scorecard(self) -> list[Any]:
        doc, pdf = self.document, self.pdf
        lines = [line for line in doc.scorecard if line.measure.target is not None or any(
            q.target is not None or q.actual is not None for q in line.quarters)]  # fmt: skip
        if not lines:
            return []
        progress_width = 40 * mm
        cells = {
            id(line): [self.quarter_lines(line.measure, q) for q in line.quarters] for line in lines
        }
        every = [quarter for quarters in cells.values() for quarter in quarters]

        def widest(texts: Sequence[str]) -> float:
            return max((text_width(t, SANS, 6.8) for t in texts), default=0.0)

        joined = widest([" · ".join(q[1:]) for q in every])
        apart = max(widest([t for q in every for t in q[1:]]),
                    max((text_width(q[0], SANS, 8) for q in every), default=0.0))  # fmt: skip
        room = pdf.width - progress_width - 30 * mm
        together = 4 * (joined + 8) <= room
        quarter = max(22 * mm, (joined if together else apart) + 8)
        rows: list[list[Any]] = [["Measure", "Q1", "Q2", "Q3", "Q4", "Progress"]]
        commands: list[tuple[Any, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        for line in lines:
            measure = line.measure
            row = len(rows)
            name = [pdf.paragraph(measure.name, self.strong)]
            if measure.unit:
                name.append(pdf.paragraph(measure.unit, self.styles.muted))
            row_cells: list[Any] = [name]
            for column, figure in enumerate(line.quarters, start=1):
                row_cells.append(self.quarter_cell(cells[id(line)][column - 1], together))
                if figure.rag:
                    shade = tint(RAG_COLOURS[figure.rag], 0.82)
                    commands.append(("BACKGROUND", (column, row), (column, row), shade))
            row_cells.append(self.progress_bar(line, progress_width - 6))
            rows.append(row_cells)
        widths = [pdf.width - 4 * quarter - progress_width, quarter, quarter, quarter, quarter,
                  progress_width]  # fmt: skip
        table = pdf.table(rows, widths, right=(1, 2, 3, 4), style=commands)
        legend = pdf.paragraph(
            "Each quarter: the actual, and under it the target and % achieved; green on target, "
            "amber within 10 %, red beyond. The bar is the actual so far as a share of the "
            "year's target; the tick is where the plan says it should be by now.",
            self.styles.muted,
        )
        return [*self.heading("Scorecard by quarter"), table, Spacer(1, 1.5 * mm), legend]

    # -- investments -------------------------------------------------------------------------

    def investments(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not doc.investments:
            return []
        rows: list[list[Any]] = [
            ["Investment", "Funded by", "Amount", "Client pays", "Agency pays", "Period"]
        ]
        for line in doc.investments:
            funded = line.funded_by
            if funded == "Shared":
                funded += f" ({format_decimal(line.client_share.normalize(), LOCALE)} % client)"
            period = ""
            if line.starts_on and line.ends_on and line.starts_on.year == line.ends_on.year:
                start = format_date(line.starts_on, "d MMM", locale=LOCALE)
                period = f"{start} – {self.day(line.ends_on)}"
            elif line.starts_on or line.ends_on:
                period = f"{self.day(line.starts_on)} – {self.day(line.ends_on)}"
            rows.append(
                [
                    pdf.paragraph(line.description, s.cell),
                    pdf.paragraph(funded, s.cell),
                    f"{line.currency} {self.number(line.amount, line.minor_units)}",
                    self.number(line.client_pays, line.minor_units),
                    self.number(line.agency_pays, line.minor_units),
                    pdf.paragraph(period, s.small),
                ]
            )
        widths = [0.0, 26 * mm]
        widths += [self.figure_width([r[c] for r in rows[1:]], rows[0][c]) for c in (2, 3, 4)]
        widths.append(27 * mm)
        widths[0] = pdf.width - sum(widths)
        commands = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        story = [
            *self.heading("Joint investments"),
            pdf.table(rows, widths, right=(2, 3, 4), style=commands),
        ]
        for totals in doc.funder_totals:
            places = totals.minor_units
            total_rows: list[list[Any]] = [[f"Totals by funder ({totals.currency})", ""]]
            for label, value in (
                ("Funded by the client", totals.client_funded),
                ("Funded by the agency", totals.agency_funded),
                ("Shared", totals.shared),
                ("Total", totals.total),
                ("The client pays", totals.client_pays),
                ("The agency pays", totals.agency_pays),
            ):
                total_rows.append([label, self.number(value, places)])
            strong = [("FONTNAME", (0, r), (-1, r), SANS_BOLD) for r in (4, 5, 6)]
            table = pdf.table(
                total_rows,
                [70 * mm, 40 * mm],
                right=(1,),
                style=[("LINEABOVE", (0, 4), (-1, 4), 0.5, TEXT), *strong],
            )
            table.hAlign = "RIGHT"
            story += [Spacer(1, 3 * mm), KeepTogether([table])]
        return story

    # -- calendar ----------------------------------------------------------------------------

    def calendar(self) -> list[Any]:
        activities = list(self.document.activities)
        if not activities:
            return []
        heading = self.pdf.paragraph("Activity calendar", self.styles.heading)
        strips = [
            self.calendar_strip(activities[start : start + _CALENDAR_ROWS])
            for start in range(0, len(activities), _CALENDAR_ROWS)
        ]
        story: list[Any] = [KeepTogether([heading, strips[0]])]  # never a heading alone
        for strip in strips[1:]:
            story += [Spacer(1, 2 * mm), strip]
        return story

    def calendar_strip(self, activities: Sequence[JbpActivityLine]) -> Any:
        doc, s = self.document, self.styles
        months = _months(doc.year, self.document.activities)
        width = self.pdf.width
        label_width, row_h, head = 58 * mm, 13.0, 16.0
        height = head + row_h * len(activities) + 2
        canvas = drawing(width, height)
        column = (width - label_width) / len(months)
        top = height - head
        for index, month in enumerate(months):
            x = label_width + index * column
            shade = _FUTURE if index % 2 else colors.white
            canvas.add(Rect(x, 0, column, top, fillColor=shade, strokeColor=None))
            name = calendar.month_abbr[month.month]
            if month.month == 1 or index == 0:
                name += f" {month:%y}"
            canvas.add(label_shapes(x + column / 2, top + 5, name, SANS_BOLD, 6.5, MUTED,
                                    align="centre", width=column))  # fmt: skip
        canvas.add(Line(label_width, top, width, top, strokeColor=RULE, strokeWidth=0.5))
        first, end_of_strip = months[0], _next_month(months[-1])
        span = (end_of_strip - first).days
        for row, activity in enumerate(activities):
            y = top - (row + 1) * row_h
            canvas.add(label_shapes(0, y + 4, activity.name, SANS, 7.5, TEXT,
                                    width=label_width - 4))  # fmt: skip
            starts = max(activity.starts_on, first)
            ends = min(activity.ends_on or activity.starts_on, end_of_strip)
            if ends < first or starts >= end_of_strip:
                continue
            x0 = label_width + (starts - first).days / span * (width - label_width)
            x1 = label_width + ((ends - first).days + 1) / span * (width - label_width)
            colour = s.brand if activity.status != "Cancelled" else RAG_COLOURS[""]
            canvas.add(Rect(x0, y + 2.5, max(x1 - x0, 2.5), row_h - 5, rx=2, ry=2,
                            fillColor=colour, strokeColor=None))  # fmt: skip
        return canvas

    # -- sign-off ----------------------------------------------------------------------------

    def sign_off(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        client = doc.client_name.strip() or "Client"
        agency = doc.agency.name.strip() or "Agency"
        half = pdf.width / 2

        def pair(left: str, right: str, style: Any) -> list[Any]:
            return [pdf.paragraph(left or " ", style), pdf.paragraph(right or " ", style)]

        signed = [self.day(d) if d else "" for d in (doc.client_signed_on, doc.agency_signed_on)]
        rows: list[list[Any]] = [
            pair(f"For {client}", f"For {agency}", self.strong),
            pair(doc.client_signatory, doc.agency_signatory, s.body),
            pair("Name", "Name", s.label),
            pair(signed[0], signed[1], s.body),
            pair("Date", "Date", s.label),
            ["", ""],
            pair("Signature", "Signature", s.label),
        ]
        table = Table(
            rows,
            colWidths=[half, half],
            rowHeights=[None, None, None, None, None, 20, None],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEBELOW", (0, 1), (-1, 1), 0.6, TEXT),
                    ("LINEBELOW", (0, 3), (-1, 3), 0.6, TEXT),
                    ("LINEBELOW", (0, 5), (-1, 5), 0.6, TEXT),
                    ("TOPPADDING", (0, 1), (-1, 1), 8),
                    ("TOPPADDING", (0, 3), (-1, 3), 8),
                ]
            ),
            hAlign="LEFT",
        )
        intro = "Agreed and signed by both sides." if doc.signed else "To be agreed and signed."
        return [
            *self.heading("Sign-off"),
            KeepTogether([pdf.paragraph(intro, s.muted), Spacer(1, 2 * mm), table]),
        ]


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(year: int, activities: Sequence[JbpActivityLine]) -> list[date]:
    """January to December of ``year``, widened to the activities (at most 18 months)."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    for activity in activities:
        first = min(first, activity.starts_on.replace(day=1))
        last = max(last, (activity.ends_on or activity.starts_on).replace(day=1))
    months = [first]
    while months[-1] < last and len(months) < 18:
        months.append(_next_month(months[-1]))
    return months
