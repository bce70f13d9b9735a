"""The account plan one-pager as a PDF (reportlab), client-safe (the default) or internal.

What it prints, in order, leaving out any part with nothing in it:

1. "ACCOUNT PLAN 2026", the client's name, the plan's status, who prepared it and when (and,
   for a frozen copy, which snapshot it is);
2. the situation, the vision (highlighted) and the strategies;
3. the objectives, each with its KPIs: period, baseline, target, actual and a progress bar
   (from baseline to target; 100 % and over in green);
4. the SWOT as a 2 x 2 grid;
5. the whitespace heatmap: the agency's services down, the client's business units or markets
   across, each cell coloured by its status (active, opportunity, not a fit, not known), with a
   legend; narrow columns print one-letter codes;
6. the action plan (action, owner, due, status; an overdue one in red);
7. internal only: the revenue target and completeness, the top risks (likelihood x impact,
   coloured by band) with their mitigations;
8. the relationship map (the org chart drawing of :mod:`keyplan.exports.pdf.org_chart`,
   client-safe in the client's PDF); internal only: the relationship goals per contact;
9. the review history (who reviewed the plan when; internal: with the review notes), then the
   internal notes and the whitespace notes (internal only).

The client-safe PDF is built from a document with ``internal=None`` and a client-safe
relationship map: it cannot print a rating, a stance, a goal, a margin or a note, and its
metadata (title, author, subject) names only the client, the year and the agency. The internal
PDF says INTERNAL on every page (banner, watermark, title and footer), like the status report.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from reportlab.graphics.shapes import Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from keyplan.domain.numbers import format_decimal
from keyplan.domain.relationships import chart_size
from keyplan.exports.pdf.contact_report import title_style
from keyplan.exports.pdf.fonts import SANS, SANS_BOLD, text_width
from keyplan.exports.pdf.layout import (
    ALERT,
    MUTED,
    RULE,
    TEXT,
    PageSetup,
    PdfDocument,
    drawing,
    label_shapes,
    tint,
)
from keyplan.exports.pdf.org_chart import CLIENT_GEOMETRY, INTERNAL_GEOMETRY, org_chart_drawing
from keyplan.exports.plan_documents import (
    AccountPlanDocument,
    PlanActionLine,
    PlanKpiLine,
    PlanObjectiveLine,
)

__all__ = [
    "ACTION_STATUS",
    "OBJECTIVE_STATUS",
    "PLAN_STATUS",
    "RISK_BANDS",
    "WHITESPACE",
    "build_account_plan_pdf",
]

LOCALE = "en_US"
GREEN = colors.HexColor("#2E7D32")
AMBER = colors.HexColor("#E8A317")
ORANGE = colors.HexColor("#E65100")
GREY = colors.HexColor("#C9CED6")
_DARK_ON_AMBER = colors.HexColor("#3D2C00")
HEADING_ROOM = 30 * mm

PLAN_STATUS = {"draft": "Draft", "active": "Active", "archived": "Archived"}
OBJECTIVE_STATUS = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "achieved": "Achieved",
    "dropped": "Dropped",
}
ACTION_STATUS = {"open": "Open", "in_progress": "In progress", "done": "Done"}
# status -> (word, one-letter code, fill, ink)
WHITESPACE: dict[str, tuple[str, str, Any, Any]] = {
    "active": ("Active", "A", GREEN, colors.white),
    "opportunity": ("Opportunity", "O", AMBER, _DARK_ON_AMBER),
    "not_a_fit": ("Not a fit", "–", GREY, TEXT),
    "unknown": ("Not known", "?", colors.white, MUTED),
}
RISK_BANDS: dict[str, tuple[str, Any]] = {
    "low": ("Low", GREEN),
    "medium": ("Medium", AMBER),
    "high": ("High", ORANGE),
    "critical": ("Critical", ALERT),
}
_NARROW_COLUMN = 19 * mm  # whitespace columns narrower than this print codes


def build_account_plan_pdf(document: AccountPlanDocument, *, locale: str = LOCALE) -> bytes:
    """The account plan ``document`` as a PDF file (bytes): client-safe when
    ``document.internal`` is None, else the internal one, marked INTERNAL on every page."""
    if not isinstance(document, AccountPlanDocument):
        raise TypeError(f"an account plan PDF needs an AccountPlanDocument, not {document!r}")
    return _PlanPdf(document, locale).build()


class _PlanPdf:
    def __init__(self, document: AccountPlanDocument, locale: str) -> None:
        self.document = document
        self.locale = locale
        self.internal = document.internal is not None
        client = document.client_name.strip() or "the client"
        agency = document.agency.name.strip() or "the agency"
        title = f"Account plan {document.year}: {client}"
        if self.internal:
            title = f"INTERNAL account plan {document.year}: {client}"
            confidential = f"INTERNAL — for {agency} only; never send it to the client"
        else:
            confidential = f"Confidential — prepared by {agency} for {client}"
        self.pdf = PdfDocument(
            PageSetup(
                agency=document.agency,
                title=title,
                subject=f"Account plan {document.year} for {client}",
                reference=f"{client} · {document.year}",
                confidentiality=confidential,
                banner=f"INTERNAL — {agency} only, not for the client" if self.internal else "",
                watermark="INTERNAL" if self.internal else "",
            )
        )
        s = self.styles = self.pdf.styles
        self.cell_bold = ParagraphStyle("cell-bold", parent=s.cell, fontName=SANS_BOLD)
        self.small = ParagraphStyle("plan-small", parent=s.cell, fontSize=7.5, leading=9.5)
        self.small_head = ParagraphStyle(
            "plan-small-head", parent=s.cell_head, fontSize=7, leading=8.5
        )
        self.overdue = ParagraphStyle("overdue", parent=s.cell, fontName=SANS_BOLD, textColor=ALERT)
        self.done = ParagraphStyle("done", parent=s.cell, textColor=MUTED)

    # -- helpers -------------------------------------------------------------------------------

    def heading(self, text: str) -> list[Any]:
        return self.pdf.heading(text, room=HEADING_ROOM)

    def number(self, value: Decimal | None, unit: str = "") -> str:
        if value is None:
            return "—"
        normal = value.normalize()
        plain = normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
        text = format_decimal(plain, self.locale)
        if not unit:
            return text
        return f"{text} %" if unit == "%" else f"{text} {unit}"

    def day(self, value: Any) -> str:
        """A day as the reports write it (23 Nov 2026), in the PDF's locale like the chart."""
        return str(format_date(value, "d MMM y", locale=self.locale)) if value else "—"

    # -- the parts -----------------------------------------------------------------------------

    def build(self) -> bytes:
        return self.pdf.build_parts(
            (
                self.title_block,
                self.summary,
                self.objectives,
                self.swot,
                self.whitespace,
                self.actions,
                self.risks,
                self.relationships,
                self.reviews,
                self.notes,
            )
        )

    def title_block(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        kicker = f"ACCOUNT PLAN {doc.year}" + (" · INTERNAL" if self.internal else "")
        story: list[Any] = [pdf.paragraph(kicker, s.kicker), Spacer(1, 1.5 * mm)]
        client = doc.client_name.strip() or "Account plan"
        story.append(pdf.paragraph(client, title_style(s, client)))
        facts = [PLAN_STATUS.get(doc.status, doc.status.capitalize())]
        if doc.prepared_by.strip():
            facts.append(f"Prepared by {doc.prepared_by.strip()}")
        facts.append(self.day(doc.issued_on))
        story.append(pdf.paragraph("  ·  ".join(facts), s.subtitle))
        if doc.snapshot.strip():
            story.append(pdf.paragraph(doc.snapshot, s.muted))
        internal = doc.internal
        if internal is not None:
            parts = [f"Plan {internal.completeness} % complete"]
            if internal.revenue_target is not None:
                target = format_decimal(internal.revenue_target, self.locale, internal.minor_units)
                parts.insert(0, f"Revenue target {internal.currency} {target}")
            lines: list[Any] = [pdf.paragraph("  ·  ".join(parts), self.cell_bold)]
            if internal.missing:
                lines.append(pdf.paragraph("Still empty: " + " ".join(internal.missing), s.small))
            story += [Spacer(1, 2 * mm), pdf.highlight(lines, colour=ALERT)]
        return story

    def summary(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        story: list[Any] = []
        if doc.situation.strip():
            story += [*self.heading("Situation"), pdf.paragraph(doc.situation.strip(), s.body)]
        if doc.vision.strip():
            body = ParagraphStyle("vision", parent=s.body, fontSize=10.5, leading=15)
            story += [*self.heading("Vision"), pdf.highlight([pdf.paragraph(doc.vision, body)])]
        strategies = [line for line in doc.strategies if line.strip()]
        if strategies:
            story += [*self.heading("Strategies"), *pdf.bullets(strategies)]
        return story

    def progress_bar(self, progress: Decimal | None, width: float) -> Any:
        height = 10.0
        bar = drawing(width, height)
        room = width - 30
        bar.add(Rect(0, 2, room, 6, fillColor=tint(self.styles.brand, 0.85), strokeColor=None))
        if progress is None:
            bar.add(label_shapes(room + 3, 2.3, "—", SANS, 7, MUTED))
            return bar
        share = max(0.0, min(float(progress), 100.0)) / 100
        colour = GREEN if progress >= 100 else self.styles.brand if progress >= 50 else AMBER
        if share > 0:
            bar.add(Rect(0, 2, room * share, 6, fillColor=colour, strokeColor=None))
        text = f"{format_decimal(progress, self.locale, 0)} %"
        bar.add(label_shapes(room + 3, 2.3, text, SANS_BOLD, 7, TEXT))
        return bar

    def kpi_rows(self, kpis: Sequence[PlanKpiLine], bar_width: float) -> list[list[Any]]:
        pdf, s = self.pdf, self.styles
        rows = []
        for kpi in kpis:
            metric = kpi.metric + (f" ({kpi.period})" if kpi.period else "")
            rows.append(
                [
                    pdf.paragraph(metric, s.cell),
                    pdf.paragraph(self.number(kpi.baseline, kpi.unit), s.cell_right),
                    pdf.paragraph(self.number(kpi.target, kpi.unit), s.cell_right),
                    pdf.paragraph(self.number(kpi.actual, kpi.unit), s.cell_right),
                    self.progress_bar(kpi.progress, bar_width),
                ]
            )
        return rows

    def objectives(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not doc.objectives and not doc.other_kpis:
            return []
        bar_width = 42 * mm
        every = [*(k for o in doc.objectives for k in o.kpis), *doc.other_kpis]
        texts = [
            self.number(value, kpi.unit)
            for kpi in every
            for value in (kpi.baseline, kpi.target, kpi.actual)
        ]
        # as wide as the widest figure, so "12,000,000,000 VND" stays on one line; the bar
        # gets shorter first, then the figures wrap rather than overflow
        figure = max([text_width(t, SANS, 8.5) for t in texts] + [18 * mm]) + 8
        if pdf.width - 3 * figure - bar_width - 4 < 45 * mm:
            bar_width = 30 * mm
        figure = min(figure, (pdf.width - 35 * mm - bar_width - 4) / 3)
        widths = [0.0, figure, figure, figure, bar_width + 4]
        widths[0] = pdf.width - sum(widths)
        rows: list[list[Any]] = [["Objective / KPI", "Baseline", "Target", "Actual", "Progress"]]
        commands: list[tuple[Any, ...]] = [("VALIGN", (0, 1), (-1, -1), "MIDDLE")]
        groups: list[tuple[PlanObjectiveLine | None, Sequence[PlanKpiLine]]] = [
            (objective, objective.kpis) for objective in doc.objectives
        ]
        if doc.other_kpis:
            groups.append((None, doc.other_kpis))
        for objective, kpis in groups:
            row = len(rows)
            if objective is None:
                head: list[Any] = [pdf.paragraph("Other KPIs", self.cell_bold)]
            else:
                facts = [OBJECTIVE_STATUS.get(objective.status, objective.status)]
                if objective.owner:
                    facts.append(objective.owner)
                if objective.due is not None:
                    facts.append(f"due {self.day(objective.due)}")
                head = [
                    pdf.paragraph(objective.statement, self.cell_bold),
                    pdf.paragraph("  ·  ".join(facts), s.label),
                ]
            rows.append([head, "", "", "", ""])
            commands += [
                ("SPAN", (0, row), (-1, row)),
                ("BACKGROUND", (0, row), (-1, row), self.styles.light),
                ("LINEABOVE", (0, row), (-1, row), 0.5, RULE),
            ]
            rows += self.kpi_rows(kpis, bar_width)
        table = pdf.table(rows, widths, right=(1, 2, 3), style=commands)
        return [*self.heading("Objectives and KPIs"), table]

    def swot(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not any(doc.swot):
            return []
        names = ("Strengths", "Weaknesses", "Opportunities", "Threats")
        fills = (GREEN, AMBER, s.brand, ALERT)

        def quadrant(index: int) -> list[Any]:
            title = ParagraphStyle(
                f"swot-{index}", parent=self.cell_bold, textColor=fills[index], spaceAfter=2
            )
            items = pdf.bullets(doc.swot[index], s.cell) or [pdf.paragraph("—", s.muted)]
            return [pdf.paragraph(names[index], title), *items]

        half = pdf.width / 2
        table = Table(
            [[quadrant(0), quadrant(1)], [quadrant(2), quadrant(3)]],
            colWidths=[half, half],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, 0), tint(GREEN, 0.92)),
                    ("BACKGROUND", (1, 0), (1, 0), tint(AMBER, 0.9)),
                    ("BACKGROUND", (0, 1), (0, 1), tint(s.brand, 0.92)),
                    ("BACKGROUND", (1, 1), (1, 1), tint(ALERT, 0.93)),
                    ("INNERGRID", (0, 0), (-1, -1), 1.5, colors.white),
                    ("LEFTPADDING", (0, 0), (-1, -1), 7),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            ),
            hAlign="LEFT",
            splitInRow=1,
        )
        return [KeepTogether([*self.heading("SWOT"), table])]

    def whitespace(self) -> list[Any]:
        grid, pdf = self.document.whitespace, self.pdf
        if grid is None or not grid.services or not grid.segments:
            return []
        first = 40 * mm
        column = (pdf.width - first) / len(grid.segments)
        narrow = column < _NARROW_COLUMN
        head = ParagraphStyle("ws-head", parent=self.small_head, alignment=1)
        rows: list[list[Any]] = [
            ["", *(pdf.paragraph(name, head) for name in grid.segments)],
        ]
        commands: list[tuple[Any, ...]] = [
            ("ALIGN", (1, 1), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.75, colors.white),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("FONTSIZE", (1, 1), (-1, -1), 7),
        ]
        used: list[str] = []
        for r, (service, statuses) in enumerate(zip(grid.services, grid.statuses, strict=True)):
            row: list[Any] = [pdf.paragraph(service, self.small)]
            for c, status in enumerate(statuses):
                word, code, fill, ink = WHITESPACE.get(status, WHITESPACE["unknown"])
                if status not in used:
                    used.append(status)
                row.append(code if narrow else word)
                commands += [
                    ("BACKGROUND", (c + 1, r + 1), (c + 1, r + 1), fill),
                    ("TEXTCOLOR", (c + 1, r + 1), (c + 1, r + 1), ink),
                ]
            rows.append(row)
        table = pdf.table(rows, [first, *([column] * len(grid.segments))], style=commands)
        legend = self.whitespace_legend([k for k in WHITESPACE if k in used], narrow)
        story = [
            *self.heading("Whitespace: services by business unit or market"),
            table,
            Spacer(1, 1.5 * mm),
            legend,
        ]
        return [KeepTogether(story)] if len(grid.services) <= 20 else story

    def whitespace_legend(self, statuses: Sequence[str], codes: bool) -> Any:
        width = self.pdf.width
        legend = drawing(width, 11)
        x = 0.0
        for status in statuses:
            word, code, fill, ink = WHITESPACE[status]
            legend.add(Rect(x, 1.5, 9, 8, fillColor=fill, strokeColor=GREY, strokeWidth=0.4))
            if codes:
                legend.add(label_shapes(x + 4.5, 3.4, code, SANS_BOLD, 6, ink, align="centre"))
            legend.add(label_shapes(x + 12, 3.2, word, SANS, 7, MUTED))
            x += 12 + text_width(word, SANS, 7) + 10
        return legend

    def actions(self) -> list[Any]:
        doc, pdf = self.document, self.pdf
        if not doc.actions:
            return []
        rows: list[list[Any]] = [["Action", "Owner", "Due", "Status"]]
        commands: list[tuple[Any, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        for action in doc.actions:
            rows.append(self.action_row(action))
        widths = [0.0, 38 * mm, 24 * mm, 24 * mm]
        widths[0] = pdf.width - sum(widths)
        return [*self.heading("Action plan"), pdf.table(rows, widths, style=commands)]

    def action_row(self, action: PlanActionLine) -> list[Any]:
        pdf, s = self.pdf, self.styles
        style = self.done if action.status == "done" else s.cell
        status = "Overdue" if action.overdue else ACTION_STATUS.get(action.status, action.status)
        late = self.overdue if action.overdue else style
        return [
            pdf.paragraph(action.description, style),
            pdf.paragraph(action.owner or "—", style),
            pdf.paragraph(self.day(action.due), late),
            pdf.paragraph(status, late),
        ]

    def risks(self) -> list[Any]:
        internal, pdf, s = self.document.internal, self.pdf, self.styles
        if internal is None or not internal.risks:
            return []
        rows: list[list[Any]] = [["Risk", "L × I", "Score", "Mitigation", "Owner"]]
        commands: list[tuple[Any, ...]] = [
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("ALIGN", (1, 0), (2, -1), "CENTER"),
        ]
        for risk in internal.risks[:8]:
            word, colour = RISK_BANDS.get(risk.band, ("", GREY))
            row = len(rows)
            ink = _DARK_ON_AMBER if colour is AMBER else colors.white
            rows.append(
                [
                    pdf.paragraph(risk.description, s.cell),
                    f"{risk.likelihood} × {risk.impact}",
                    f"{risk.score} {word}",
                    pdf.paragraph(risk.mitigation or "—", s.cell),
                    pdf.paragraph(risk.owner or "—", s.cell),
                ]
            )
            commands += [
                ("BACKGROUND", (2, row), (2, row), colour),
                ("TEXTCOLOR", (2, row), (2, row), ink),
                ("FONTNAME", (2, row), (2, row), SANS_BOLD),
            ]
        widths = [0.0, 14 * mm, 22 * mm, 0.0, 30 * mm]
        rest = (pdf.width - sum(widths)) / 2
        widths[0] = widths[3] = rest
        return [*self.heading("Top risks"), pdf.table(rows, widths, style=commands)]

    def relationships(self) -> list[Any]:
        doc, pdf, s = self.document, self.pdf, self.styles
        story: list[Any] = []
        chart = doc.relationship_map
        if chart is not None and chart.nodes:
            geometry = CLIENT_GEOMETRY if chart.client_safe else INTERNAL_GEOMETRY
            natural_width, natural_height = chart_size(chart.layout, geometry)
            scale = min(1.0, pdf.width / natural_width) if natural_width else 1.0
            legend = 0.0 if chart.client_safe else 20.0
            height = min(natural_height * scale + legend + 4, 110 * mm)
            # the heading never stays behind at the foot of a page without its chart
            chart_drawing = org_chart_drawing(chart, pdf.width, height, locale=self.locale)
            story.append(KeepTogether([*self.heading("Relationship map"), chart_drawing]))
        internal = doc.internal
        if internal is not None and internal.goals:
            rows: list[list[Any]] = [["Contact", "Now / goal", "What we want"]]
            for goal in internal.goals:
                who: list[Any] = [pdf.paragraph(goal.contact, self.cell_bold)]
                if goal.title:
                    who.append(pdf.paragraph(goal.title, s.label))
                now = "–" if goal.strength is None else str(goal.strength)
                then = "–" if goal.target_strength is None else str(goal.target_strength)
                rows.append([who, f"{now} / {then}", pdf.paragraph(goal.goal or "—", s.cell)])
            widths = [55 * mm, 22 * mm, 0.0]
            widths[2] = pdf.width - sum(widths)
            table = pdf.table(
                rows,
                widths,
                style=[
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                    ("ALIGN", (1, 0), (1, -1), "CENTER"),
                ],
            )
            story += [*self.heading("Relationship goals (strength 1–5)"), table]
        return story

    def reviews(self) -> list[Any]:
        doc, pdf, s = self.document, self.pdf, self.styles
        if not doc.reviews:
            return []
        internal = doc.internal
        if internal is not None:
            rows: list[list[Any]] = [["Reviewed", "By", "Notes"]]
            for day, reviewer, notes in internal.review_notes:
                rows.append(
                    [
                        self.day(day),
                        pdf.paragraph(reviewer, s.cell),
                        pdf.paragraph(notes or "—", s.cell),
                    ]
                )
            widths = [26 * mm, 45 * mm, 0.0]
        else:
            rows = [["Reviewed", "By"]]
            for review in doc.reviews:
                rows.append([self.day(review.reviewed_on), pdf.paragraph(review.reviewer, s.cell)])
            widths = [26 * mm, 0.0]
        widths[-1] = pdf.width - sum(widths)
        table = pdf.table(rows, widths, style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)])
        return [KeepTogether([*self.heading("Review history"), table])]

    def notes(self) -> list[Any]:
        internal, pdf, s = self.document.internal, self.pdf, self.styles
        if internal is None:
            return []
        story: list[Any] = []
        if internal.notes.strip():
            story += [*self.heading("Internal notes"), pdf.paragraph(internal.notes, s.body)]
        if internal.cell_notes:
            lines = [f"{row} × {column}: {note}" for row, column, note in internal.cell_notes]
            story += [*self.heading("Whitespace notes"), *pdf.bullets(lines, s.cell)]
        return story
