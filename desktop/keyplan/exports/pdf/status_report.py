"""The status report of an account for a period as a PDF (reportlab), for the client or for
the agency's own use.

It leads with status, because that is what the reader acts on (EXPORTS.md, "PDF status
report"): the overall RAG as a coloured badge with its change since the last report and its
reason, the director's headline, and a small chart of the action items by side and state;
then the decisions needed from the client, the actions the client owes, the agency's actions,
the meetings held in the period with their decisions, the estimates with their status and
totals in their own currencies (the contracted total, approved revision plus approved change
orders, where there is one), and the next steps. A section with nothing in it is left out.

The audience split is the document's type: the client's :class:`StatusReportDocument` has
``internal=None`` and no cost, margin, burn or internal-note field anywhere, and the sections
that print them are marked ``internal_only`` and never even called for it. The internal variant
adds budget versus actual per project (a table and a bar chart of the burn) and the internal
notes, and says INTERNAL on every page: a banner across the top, a watermark, the kicker and
the footer.

Sections are a plug-in point: :data:`SECTIONS` is a tuple of :class:`ReportSection` (a key, a
builder, whether it is internal only). A builder takes the :class:`StatusReportPdf` (the
document, the page engine and the formatting helpers) and returns flowables, or ``[]`` to
leave the section out. A later section (forecast, pipeline, KPIs) is a function added to the
tuple, or passed in ``build_status_report_pdf(document, sections=...)``.

Charts are vector graphics (reportlab graphics), their text in the shipped fonts like the rest.
Amounts have the currency's decimals with the locale's separators (``en_US`` unless asked),
as the app shows them; nothing is recomputed, nor summed across currencies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from reportlab.graphics.shapes import Circle, Line, PolyLine, Rect  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from keyplan.domain.numbers import format_decimal
from keyplan.exports.pdf.contact_report import (
    CLOSED,
    OVERDUE,
    action_status,
    title_style,
)
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
from keyplan.exports.report_documents import (
    ActionLine,
    EstimateStatusLine,
    ForecastSection,
    PipelineStageLine,
    ProjectBudgetLine,
    Rag,
    StatusReportDocument,
)

__all__ = [
    "DEFAULT_LOCALE",
    "RAG_COLOURS",
    "RAG_WORDS",
    "SECTIONS",
    "ReportSection",
    "SectionBuilder",
    "StatusReportPdf",
    "build_status_report_pdf",
]

DEFAULT_LOCALE = "en_US"
RAG_COLOURS: dict[str, Any] = {
    "green": colors.HexColor("#2E7D32"),
    "amber": colors.HexColor("#E8A317"),
    "red": colors.HexColor("#C62828"),
    "": colors.HexColor("#8A94A3"),
}
RAG_WORDS = {"green": "On track", "amber": "At risk", "red": "Off track", "": "Not rated"}
_RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
_AMBER_TEXT = colors.HexColor("#3D2C00")  # white on amber is hard to read
_OVERDUE_ROW = tint(ALERT, 0.93)
_CELL = 8.5


class StatusReportPdf:
    """What a section builder gets: the ``document``, the page engine ``pdf`` and its
    ``styles``, and helpers that format and lay out the report's parts alike."""

    def __init__(self, document: StatusReportDocument, locale: str = DEFAULT_LOCALE) -> None:
        self.document = document
        self.locale = locale
        self.internal = document.internal is not None
        client = document.client_name.strip() or document.client_legal_name.strip()
        self.client = client or "the client"
        self.agency = document.agency.name.strip() or "the agency"
        title = f"Status report {document.period_label}"
        if client:
            title += f": {client}"
        if self.internal:
            title = f"INTERNAL {title[0].lower()}{title[1:]}"
            confidential = f"INTERNAL — for {self.agency} only; never send it to the client"
        else:
            confidential = f"Confidential — prepared by {self.agency} for {self.client}"
        reference = " · ".join(p for p in (client, document.period_label) if p)
        self.pdf = PdfDocument(
            PageSetup(
                agency=document.agency,
                title=title,
                subject=f"Status report for {self.client}, {document.period_label}",
                reference=reference,
                confidentiality=confidential,
                banner=f"INTERNAL — {self.agency} only, not for the client"
                if self.internal
                else "",
                watermark="INTERNAL" if self.internal else "",
            )
        )
        self.styles = s = self.pdf.styles
        self.section_heading = s.heading
        self.overdue_style = ParagraphStyle(
            "overdue", parent=s.cell, fontName=SANS_BOLD, textColor=ALERT
        )
        self.done_style = ParagraphStyle("done", parent=s.cell, textColor=MUTED)
        self.strong = ParagraphStyle("strong", parent=s.cell, fontName=SANS_BOLD)

    # -- formatting --------------------------------------------------------------------------

    def money(self, value: Decimal, places: int) -> str:
        return format_decimal(value, self.locale, places)

    def amount(self, currency: str, value: Decimal, places: int) -> str:
        """An amount with its currency code: "USD 62,416.20", "JPY 3,690,390"."""
        return f"{currency} {self.money(value, places)}"

    def percent(self, value: Decimal) -> str:
        return f"{format_decimal(value, self.locale, 1)} %"

    def day(self, value: date) -> str:
        """A day in tables: 20 Mar 2026."""
        return str(format_date(value, "d MMM y", locale=self.locale))

    def long_day(self, value: date) -> str:
        return str(format_date(value, "d MMMM y", locale=self.locale))

    # -- building blocks ---------------------------------------------------------------------

    def heading(self, text: str) -> list[Any]:
        """A section heading that never ends a page: with less than :data:`HEADING_ROOM`
        left, the section starts on the next one (a table or text too long for the rest of
        the page runs over from where it starts, with no gap before it)."""
        return self.pdf.heading(text, self.section_heading)

    def figure_width(self, texts: Sequence[str], title: str, least: float = 16 * mm) -> float:
        """A figure column as wide as its widest text (or its title), at least ``least``."""
        widest = max((text_width(t, SANS, _CELL) for t in texts if t), default=0.0)
        return max(widest, text_width(title, SANS_BOLD, 8), least) + 8

    def actions_table(self, actions: Sequence[ActionLine]) -> Any:
        """Action, owner, due and status; an overdue action red with "Overdue", done ones
        grey; the meeting an action came from under it."""
        s, pdf = self.styles, self.pdf
        rows: list[list[Any]] = [["Action", "Owner", "Due", "Status"]]
        commands: list[tuple[Any, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        for action in _in_reading_order(actions):
            status = action_status(action)
            overdue = status == OVERDUE
            style = self.done_style if action.status in CLOSED else s.cell
            what: list[Any] = [pdf.paragraph(action.description, style)]
            if action.source.strip():
                what.append(pdf.paragraph(f"From {action.source}", s.label))
            row = len(rows)
            rows.append(
                [
                    what,
                    pdf.paragraph(action.owner or "—", style),
                    pdf.paragraph(
                        self.day(action.due_on) if action.due_on else "—",
                        self.overdue_style if overdue else style,
                    ),
                    pdf.paragraph(status, self.overdue_style if overdue else style),
                ]
            )
            if overdue:
                commands.append(("BACKGROUND", (0, row), (-1, row), _OVERDUE_ROW))
        widths = [0.0, 38 * mm, 23 * mm, 22 * mm]
        widths[0] = pdf.width - sum(widths)
        return pdf.table(rows, widths, style=commands)

    def rag_badge(self, rag: Rag, width: float = 30 * mm, height: float = 13 * mm) -> Any:
        """The RAG as a coloured, rounded badge with its word ("GREEN")."""
        colour = RAG_COLOURS.get(rag, RAG_COLOURS[""])
        badge = drawing(width, height)
        badge.add(Rect(0, 0, width, height, rx=3, ry=3, fillColor=colour, strokeColor=None))
        word = (rag or "not rated").upper()
        size = 12.0 if len(word) <= 6 else 9.5
        ink = _AMBER_TEXT if rag == "amber" else colors.white
        badge.add(
            label_shapes(width / 2, height / 2 - size * 0.36, word, SANS_BOLD, size, ink,
                         align="centre", width=width - 4)
        )  # fmt: skip
        return badge

    def build(self, sections: Sequence[ReportSection]) -> bytes:
        story = title_block(self)
        for section in sections:
            if section.internal_only and not self.internal:
                continue  # never called for the client: it could only print internal figures
            story += section.build(self)
        return self.pdf.build(story)


SectionBuilder = Callable[[StatusReportPdf], list[Any]]


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One section of the report: ``build`` returns its flowables, or ``[]`` to leave it
    out; an ``internal_only`` section is never built for the client's report."""

    key: str
    build: SectionBuilder
    internal_only: bool = False


def _in_reading_order(actions: Sequence[ActionLine]) -> list[ActionLine]:
    """Overdue first, then open by due date, done and dropped last."""

    def key(action: ActionLine) -> tuple[int, date]:
        if action.status in CLOSED:
            rank = 2
        elif action.overdue:
            rank = 0
        else:
            rank = 1
        return rank, action.due_on or date.max

    return sorted(actions, key=key)


def _change(rag: Rag, previous: Rag) -> str:
    if not rag or not previous:
        return ""
    if rag == previous:
        return "Unchanged since the last report."
    direction = "Up" if _RAG_ORDER[rag] > _RAG_ORDER[previous] else "Down"
    return f"{direction} from {previous.capitalize()} in the last report."


# -- the sections ------------------------------------------------------------------------------


def title_block(report: StatusReportPdf) -> list[Any]:
    """The kicker ("STATUS REPORT"), the client's name, the period, issue date and author."""
    doc, s, pdf = report.document, report.styles, report.pdf
    kicker = "STATUS REPORT — INTERNAL" if report.internal else "STATUS REPORT"
    name = doc.client_name.strip() or doc.client_legal_name.strip() or "Status report"
    first, last = doc.period_start, doc.period_end
    about = [
        f"{doc.period_label} ({report.day(first)} – {report.day(last)})",
        f"Issued {report.long_day(doc.issued_on)}",
    ]
    if doc.prepared_by.strip():
        about.append(f"Prepared by {doc.prepared_by.strip()}")
    return [
        pdf.paragraph(kicker, s.kicker),
        Spacer(1, 1.5 * mm),
        pdf.paragraph(name, title_style(s, name)),
        pdf.paragraph(" · ".join(about), s.subtitle),
        Spacer(1, 4 * mm),
    ]


def actions_chart(report: StatusReportPdf, width: float) -> Any:
    """Action items by side (the client's, the agency's), one bar each, stacked by state:
    done, open (in progress too), overdue; the side's name above its bar. ``None`` when there
    are no actions."""
    doc, s = report.document, report.styles
    rows = [
        (f"Owed by {report.client}", doc.client_actions),
        (f"Owed by {report.agency}", doc.agency_actions),
    ]
    states = (
        ("Done", tint(s.brand, 0.62), TEXT),
        ("Open", s.brand, colors.white),
        (OVERDUE, ALERT, colors.white),
    )
    counts = []
    for name, actions in rows:
        statuses = [action_status(a) for a in actions if a.status != "dropped"]
        done = sum(1 for a in actions if a.status == "done")
        overdue = statuses.count(OVERDUE)
        counts.append((name, (done, len(statuses) - done - overdue, overdue)))
    most = max(sum(c) for _, c in counts)
    if not most:
        return None
    shown = [i for i in range(len(states)) if any(c[i] for _, c in counts)]
    bar, label, gap, top, legend = 9.0, 10.0, 5.0, 15.0, 13.0
    height = top + len(counts) * (label + bar + gap) + legend
    chart = drawing(width, height)
    chart.add(label_shapes(0, height - 9, "Action items", SANS_BOLD, 8, TEXT))
    scale = (width - 14) / most
    y = height - top
    for name, parts in counts:
        chart.add(label_shapes(0, y - 7.5, name, SANS, 7.5, TEXT, width=width))
        y -= label + bar
        x = 0.0
        for count, (_, colour, ink) in zip(parts, states, strict=True):
            if not count:
                continue
            w = count * scale
            chart.add(Rect(x, y, w, bar, fillColor=colour, strokeColor=colors.white,
                           strokeWidth=0.6))  # fmt: skip
            if w >= 9:
                chart.add(label_shapes(x + w / 2, y + 2.3, str(count), SANS_BOLD, 6.5, ink,
                                       align="centre"))  # fmt: skip
            x += w
        total = sum(parts)
        chart.add(label_shapes(x + 3 if total else 0, y + 2, str(total) if total else "none",
                               SANS, 7.5, MUTED))  # fmt: skip
        y -= gap
    x = 0.0
    for index in shown:
        name, colour, _ = states[index]
        chart.add(Rect(x, 1.5, 7, 7, fillColor=colour, strokeColor=None))
        chart.add(label_shapes(x + 9.5, 2.3, name, SANS, 7, MUTED))
        x += 9.5 + text_width(name, SANS, 7) + 8
    return chart


def summary(report: StatusReportPdf) -> list[Any]:
    """The overall RAG as a badge, its change and reason, the headline, the actions chart."""
    doc, s, pdf = report.document, report.styles, report.pdf
    overall = doc.overall
    lead = ParagraphStyle("overall", parent=s.heading, fontSize=12, leading=15, spaceBefore=0)
    text: list[Any] = [pdf.paragraph(f"Overall: {RAG_WORDS.get(overall.rag, '')}", lead)]
    change = _change(overall.rag, doc.previous_rag)
    if change:
        text.append(pdf.paragraph(change, s.muted))
    reason = overall.reason.strip()
    if reason:
        text.append(Spacer(1, 1.5 * mm))
        text.append(pdf.paragraph(reason, s.body))
    badge_width = 30 * mm
    chart_width = 64 * mm
    chart = actions_chart(report, chart_width)
    cells: list[Any] = [report.rag_badge(overall.rag, badge_width), text]
    widths = [badge_width + 5 * mm]
    if chart is not None:
        cells.append(chart)
        widths += [pdf.width - widths[0] - chart_width - 6 * mm, chart_width + 6 * mm]
    else:
        widths.append(pdf.width - widths[0])
    story: list[Any] = [
        Table(
            [cells],
            colWidths=widths,
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (-1, 0), (-1, 0), 6 * mm if chart is not None else 0),
                ]
            ),
            hAlign="LEFT",
        )
    ]
    headline = doc.headline.strip()
    if headline and headline != reason:
        body = ParagraphStyle("headline", parent=s.body, fontSize=10, leading=14.5)
        story += [Spacer(1, 4 * mm), pdf.highlight([pdf.paragraph(headline, body)])]
    return story


def areas(report: StatusReportPdf) -> list[Any]:
    """Each area (project, workstream) with its RAG and why."""
    doc, s, pdf = report.document, report.styles, report.pdf
    if not doc.areas:
        return []
    rows: list[list[Any]] = [["Status", "Area", "Why"]]
    for area in doc.areas:
        rows.append(
            [
                report.rag_badge(area.rag, 18 * mm, 5.5 * mm),
                pdf.paragraph(area.area, report.strong),
                pdf.paragraph(area.reason or RAG_WORDS.get(area.rag, ""), s.cell),
            ]
        )
    widths = [22 * mm, 50 * mm, 0.0]
    widths[2] = pdf.width - sum(widths)
    table = pdf.table(rows, widths, style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)])
    return [*report.heading("Status by area"), table]


def decisions_needed(report: StatusReportPdf) -> list[Any]:
    doc = report.document
    if not doc.decisions_needed:
        return []
    who = report.client if report.internal else "you"
    box = report.pdf.highlight(report.pdf.bullets(doc.decisions_needed, bold=True))
    return [KeepTogether([*report.heading(f"Decisions needed from {who}"), box])]


def client_actions(report: StatusReportPdf) -> list[Any]:
    actions = report.document.client_actions
    if not actions:
        return []
    return [*report.heading(f"Actions owed by {report.client}"), report.actions_table(actions)]


def agency_actions(report: StatusReportPdf) -> list[Any]:
    actions = report.document.agency_actions
    if not actions:
        return []
    return [*report.heading(f"Actions owed by {report.agency}"), report.actions_table(actions)]


def meetings(report: StatusReportPdf) -> list[Any]:
    """The meetings held in the period with what was decided at each."""
    doc, s, pdf = report.document, report.styles, report.pdf
    if not doc.meetings:
        return []
    rows: list[list[Any]] = [["Date", "Meeting", "Decisions"]]
    for meeting in doc.meetings:
        what = [pdf.paragraph(meeting.title, report.strong)]
        if meeting.kind.strip():
            what.append(pdf.paragraph(meeting.kind, s.label))
        rows.append(
            [
                pdf.paragraph(report.day(meeting.day), s.cell),
                what,
                pdf.paragraph(meeting.decisions.strip() or "—", s.cell),
            ]
        )
    widths = [23 * mm, 55 * mm, 0.0]
    widths[2] = pdf.width - sum(widths)
    table = pdf.table(rows, widths, style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)])
    return [*report.heading(f"Meetings held in {doc.period_label}"), table]


_STATUS_COLOURS = {"Approved": RAG_COLOURS["green"], "Declined": MUTED, "Superseded": MUTED}


def estimates(report: StatusReportPdf) -> list[Any]:
    """Each estimate: number and revision, title, issued, status, total with tax and, where
    there is one, the contracted total (approved revision plus approved change orders)."""
    doc, s, pdf = report.document, report.styles, report.pdf
    if not doc.estimates:
        return []
    contracted = any(e.contracted_total is not None for e in doc.estimates)
    head = ["Estimate", "Title", "Issued", "Status", "Total"]
    if contracted:
        head.append("Contracted")
    totals = [report.amount(e.currency, e.total, e.minor_units) for e in doc.estimates]
    contracts = [_contracted(report, e) for e in doc.estimates]
    rows: list[list[Any]] = [head]
    for line, total, contract in zip(doc.estimates, totals, contracts, strict=True):
        title = [pdf.paragraph(line.title, s.cell)]
        if line.project.strip() and line.project.strip() != line.title.strip():
            title.append(pdf.paragraph(line.project, s.label))
        colour = _STATUS_COLOURS.get(line.status, s.brand)
        status = ParagraphStyle(f"status-{line.status}", parent=report.strong, textColor=colour)
        row: list[Any] = [
            [pdf.paragraph(line.number, s.cell), pdf.paragraph(f"rev {line.revision}", s.label)],
            title,
            pdf.paragraph(report.day(line.issued_on), s.cell),
            pdf.paragraph(line.status, status),
            total,
        ]
        if contracted:
            row.append(contract)
        rows.append(row)
    figures = [report.figure_width(totals, "Total")]
    if contracted:
        figures.append(report.figure_width(contracts, "Contracted"))
    widths = [30 * mm, 0.0, 22 * mm, 26 * mm, *figures]
    widths[1] = max(pdf.width - sum(widths), 30 * mm)
    right = list(range(4, len(head)))
    table = pdf.table(
        rows, widths, right=right, style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
    )
    story: list[Any] = [*report.heading("Estimates"), table]
    if contracted:
        note = (
            "Totals include tax. Contracted: the approved estimate with its approved change orders."
        )
    else:
        note = "Totals include tax."
    story += [Spacer(1, 1.5 * mm), pdf.paragraph(note, s.muted)]
    return story


def _contracted(report: StatusReportPdf, line: EstimateStatusLine) -> str:
    if line.contracted_total is None:
        return "—"
    return report.amount(line.currency, line.contracted_total, line.minor_units)


def budgets(report: StatusReportPdf) -> list[Any]:
    """Internal: estimated cost, actual cost, burn and margin so far per project and currency,
    as a table and a bar chart of the burn."""
    internal, s, pdf = report.document.internal, report.styles, report.pdf
    if internal is None or not internal.budgets:
        return []
    head = ["Project", "Estimated cost", "Actual cost", "Burn", "Contracted net", "Margin so far"]
    texts = [_budget_texts(report, line) for line in internal.budgets]
    rows: list[list[Any]] = [head]
    for line, cells in zip(internal.budgets, texts, strict=True):
        rows.append([pdf.paragraph(line.project, s.cell), *cells])
    figures = [report.figure_width([t[i] for t in texts], head[i + 1], 14 * mm) for i in range(5)]
    widths = [max(pdf.width - sum(figures), 35 * mm), *figures]
    table = pdf.table(
        rows, widths, right=range(1, 6), style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
    )
    note = (
        "Burn: actual cost as a share of the estimated cost. Margin so far: the contracted net "
        "amount less the actual cost, as a share of the contracted net; “—” until costs "
        "are booked."
    )
    story: list[Any] = [*report.heading("Budget versus actual (internal)"), table]
    story += [Spacer(1, 1.5 * mm), pdf.paragraph(note, s.muted)]
    chart = burn_chart(report, internal.budgets)
    if chart is not None:
        story += [Spacer(1, 4 * mm), chart]
    return story


def _budget_texts(report: StatusReportPdf, line: ProjectBudgetLine) -> list[str]:
    def amount(value: Decimal) -> str:
        return report.amount(line.currency, value, line.minor_units)

    booked = not line.actual_cost.is_zero()
    return [
        amount(line.estimated_cost),
        amount(line.actual_cost),
        "—" if line.burn_percent is None else report.percent(line.burn_percent),
        amount(line.contracted_net),
        "—"
        if line.margin_percent_so_far is None or not booked
        else report.percent(line.margin_percent_so_far),
    ]


def burn_chart(report: StatusReportPdf, lines: Sequence[ProjectBudgetLine]) -> Any:
    """Horizontal bars: each project's burn (actual / estimated cost), a line at 100 %."""
    s, pdf = report.styles, report.pdf
    measured = [line for line in lines if line.burn_percent is not None]
    if not measured:
        return None
    width = pdf.width
    bar, gap, top, axis = 10.0, 5.0, 16.0, 14.0
    height = top + len(lines) * (bar + gap) + axis
    chart = drawing(width, height)
    chart.add(label_shapes(0, height - 9, "Burn by project", SANS_BOLD, 8, TEXT))
    label_width = 62 * mm
    x0 = label_width + 4
    highest = max(float(line.burn_percent or 0) for line in measured)
    end = max(100.0, highest)
    end = float(int(end / 25 + 1) * 25) if end > 100 else 110.0
    scale = (width - x0 - 34) / end
    bottom = axis
    for tick in range(0, int(end) + 1, 25 if end <= 150 else 50):
        x = x0 + tick * scale
        strong = tick == 100
        chart.add(Line(x, bottom - 2, x, height - top + 2,
                       strokeColor=MUTED if strong else RULE,
                       strokeWidth=0.8 if strong else 0.4,
                       strokeDashArray=[2, 2] if strong else None))  # fmt: skip
        chart.add(label_shapes(x, 3, f"{tick} %", SANS, 6.5, MUTED, align="centre"))
    y = height - top - bar
    for line in lines:
        name = f"{line.project} ({line.currency})"
        chart.add(label_shapes(label_width, y + 2.3, name, SANS, 7.5, TEXT, align="right",
                               width=label_width))  # fmt: skip
        if line.burn_percent is None:
            chart.add(label_shapes(x0 + 3, y + 2.3, "no estimated cost", SANS, 7, MUTED))
        else:
            burn = float(line.burn_percent)
            colour = s.brand if burn <= 85 else RAG_COLOURS["amber"] if burn <= 100 else ALERT
            w = min(burn, end) * scale
            if w > 0:
                chart.add(Rect(x0, y, w, bar, fillColor=colour, strokeColor=None))
            chart.add(label_shapes(x0 + w + 3, y + 2.3, report.percent(line.burn_percent),
                                   SANS_BOLD, 7.5, TEXT))  # fmt: skip
        y -= bar + gap
    return chart


def pipeline(report: StatusReportPdf) -> list[Any]:
    """The account's opportunities by stage and currency: count and amount, and in the
    internal report the weighted value (amount x probability, the agency's own estimate).

    Client-safe by construction: the client's document holds only the stages the client has
    seen (a proposal, a negotiation, a deal won) and no weighted value or probability; ideas the
    agency has only identified or qualified, and deals lost, are in the internal report only.
    """
    lines, s, pdf = report.document.pipeline, report.styles, report.pdf
    if not lines:
        return []
    weighted = report.internal and any(line.weighted is not None for line in lines)
    head = ["Stage", "Opportunities", "Amount"] + (["Weighted"] if weighted else [])
    amounts = [report.amount(line.currency, line.amount, line.minor_units) for line in lines]
    weights = [
        report.amount(line.currency, line.weighted, line.minor_units)
        if line.weighted is not None
        else "—"
        for line in lines
    ]
    rows: list[list[Any]] = [head]
    for line, amount, weight in zip(lines, amounts, weights, strict=True):
        row: list[Any] = [pdf.paragraph(line.stage, report.strong), str(line.count), amount]
        if weighted:
            row.append(weight)
        rows.append(row)
    figures = [report.figure_width(amounts, "Amount")]
    if weighted:
        figures.append(report.figure_width(weights, "Weighted"))
    widths = [0.0, 26 * mm, *figures]
    widths[0] = max(pdf.width - sum(widths), 30 * mm)
    table = pdf.table(
        rows,
        widths,
        right=list(range(1, len(head))),
        style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)],
    )
    title = "Pipeline by stage" + (" (internal: with weighted values)" if weighted else "")
    story: list[Any] = [*report.heading(title), table]
    if weighted:
        note = "Weighted: each opportunity's amount times its probability, rounded per deal."
    else:
        note = "Proposals, negotiations and work won with you; amounts in their own currencies."
    story += [Spacer(1, 1.5 * mm), pdf.paragraph(note, s.muted)]
    for currency in dict.fromkeys(line.currency for line in lines):
        chart = pipeline_chart(report, [line for line in lines if line.currency == currency])
        if chart is not None:
            story += [Spacer(1, 3 * mm), chart]
    return [KeepTogether(story)]  # a few rows: the table and its chart on one page


def pipeline_chart(report: StatusReportPdf, lines: Sequence[PipelineStageLine]) -> Any:
    """Horizontal bars, one per stage, of one currency's amounts; the weighted value (internal
    report) as a darker bar inside it. ``None`` when every amount is zero."""
    s, pdf = report.styles, report.pdf
    most = max((line.amount for line in lines), default=Decimal(0))
    if most <= 0:
        return None
    currency = lines[0].currency
    width = pdf.width
    bar, gap, top, legend = 10.0, 5.0, 16.0, 13.0
    weighted = any(line.weighted is not None for line in lines)
    height = top + len(lines) * (bar + gap) + (legend if weighted else 2)
    chart = drawing(width, height)
    chart.add(label_shapes(0, height - 9, f"Pipeline by stage ({currency})", SANS_BOLD, 8, TEXT))
    label_width = 34 * mm
    x0 = label_width + 4
    room = width - x0 - 4
    texts = [report.amount(currency, line.amount, line.minor_units) for line in lines]
    room -= max(text_width(t, SANS_BOLD, 7.5) for t in texts) + 6
    scale = room / float(most)
    y = height - top - bar
    light = tint(s.brand, 0.62)
    for line, text in zip(lines, texts, strict=True):
        chart.add(label_shapes(label_width, y + 2.3, f"{line.stage} ({line.count})", SANS, 7.5,
                               TEXT, align="right", width=label_width))  # fmt: skip
        w = float(line.amount) * scale
        if w > 0:
            chart.add(Rect(x0, y, w, bar, fillColor=light if weighted else s.brand,
                           strokeColor=None))  # fmt: skip
        if line.weighted is not None and line.weighted > 0:
            chart.add(Rect(x0, y + 2, float(line.weighted) * scale, bar - 4,
                           fillColor=s.brand, strokeColor=None))  # fmt: skip
        chart.add(label_shapes(x0 + w + 3, y + 2.3, text, SANS_BOLD, 7.5, TEXT))
        y -= bar + gap
    if weighted:
        x = x0
        for name, colour in (("Amount", light), ("Weighted", s.brand)):
            chart.add(Rect(x, 1.5, 7, 7, fillColor=colour, strokeColor=None))
            chart.add(label_shapes(x + 9.5, 2.3, name, SANS, 7, MUTED))
            x += 9.5 + text_width(name, SANS, 7) + 8
    return chart


def forecast(report: StatusReportPdf) -> list[Any]:
    """Internal: revenue target, forecast and actual by month (the year to date and the
    months just after the period), a chart and a table, with the exchange rates used.

    Internal only: targets and forecasts are the agency's plan for its own revenue, not
    something agreed with the client (their agreed figures belong to the joint business plan).
    The figures live in :class:`InternalSection`, which the client's document does not have,
    so for the client this builder has nothing to print.
    """
    internal = report.document.internal
    section = internal.forecast if internal is not None else None
    if section is None or not any(
        m.target is not None or m.forecast is not None or m.actual is not None
        for m in section.months
    ):
        return []
    s, pdf = report.styles, report.pdf
    places = section.minor_units

    def money(value: Decimal | None) -> str:
        return "—" if value is None else report.money(value, places)

    head = ["Month", "Target", "Forecast", "Actual", "Forecast vs target"]
    body: list[list[str]] = []
    for month in section.months:
        gap = None
        if month.forecast is not None and month.target is not None:
            gap = month.forecast - month.target
        shown = "—" if gap is None else ("+" if gap > 0 else "") + report.money(gap, places)
        actual = money(month.actual) if month.month <= section.through else ""
        body.append(
            [
                str(format_date(month.month, "MMM y", locale=report.locale)),
                money(month.target),
                money(month.forecast),
                actual,
                shown,
            ]
        )
    figures = [report.figure_width([row[i] for row in body], head[i], 18 * mm) for i in range(1, 5)]
    widths = [max(pdf.width - sum(figures), 24 * mm), *figures]
    commands: list[tuple[Any, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
    for index, month in enumerate(section.months, start=1):
        if month.month > section.through:
            commands.append(("TEXTCOLOR", (0, index), (-1, index), MUTED))
    table = pdf.table([head, *body], widths, right=range(1, 5), style=commands)
    title = f"Revenue: target, forecast and actual in {section.currency} (internal)"
    story: list[Any] = [*report.heading(title)]
    chart = forecast_chart(report, section)
    if chart is not None:
        story += [chart, Spacer(1, 3 * mm)]
    story.append(table)
    notes = ["Months after the period (grey) have a forecast only."]
    if section.rates:
        notes.append("Converted at: " + "; ".join(section.rates) + ".")
    story += [Spacer(1, 1.5 * mm), pdf.paragraph(" ".join(notes), s.muted)]
    for message in section.missing:
        story.append(pdf.paragraph(message, report.overdue_style))
    return story


def forecast_chart(report: StatusReportPdf, section: ForecastSection) -> Any:
    """Actual as bars (months up to the period's end), forecast as a line with dots, target
    as a dashed line; a y axis with four steps."""
    s, pdf = report.styles, report.pdf
    values = [
        float(v) for m in section.months for v in (m.target, m.forecast, m.actual) if v is not None
    ]
    if not values or max(values) <= 0:
        return None
    width, height = float(pdf.width), 62 * mm
    chart = drawing(width, height)
    title = f"Revenue by month ({section.currency})"
    chart.add(label_shapes(0, height - 9, title, SANS_BOLD, 8, TEXT))
    step = _nice_step(max(values) / 4)
    top_value = step * 4
    axis_width = max(text_width(_short(step * i), SANS, 6.5) for i in range(5)) + 6
    x0, y0 = float(axis_width), 24.0
    plot_h = float(height - 16 - y0)
    plot_w = width - x0 - 4
    count = len(section.months)
    slot = plot_w / count

    def y(value: float) -> float:
        return y0 + max(value, 0.0) / top_value * plot_h

    for i in range(5):
        level = y0 + plot_h * i / 4
        chart.add(Line(x0, level, x0 + plot_w, level, strokeColor=RULE, strokeWidth=0.4))
        chart.add(label_shapes(x0 - 4, level - 2.2, _short(step * i), SANS, 6.5, MUTED,
                               align="right"))  # fmt: skip
    light = tint(s.brand, 0.55)
    forecast_points: list[float] = []
    target_points: list[float] = []
    for index, month in enumerate(section.months):
        centre = x0 + slot * (index + 0.5)
        if month.actual is not None and month.month <= section.through:
            bar_w = slot * 0.55
            chart.add(Rect(centre - bar_w / 2, y0, bar_w, y(float(month.actual)) - y0,
                           fillColor=light, strokeColor=None))  # fmt: skip
        if month.forecast is not None:
            forecast_points += [centre, y(float(month.forecast))]
        if month.target is not None:
            target_points += [centre, y(float(month.target))]
        label = str(format_date(month.month, "MMM", locale=report.locale))
        chart.add(label_shapes(centre, y0 - 9, label, SANS, 6.5, MUTED, align="centre"))
        if index == 0 or month.month.month == 1:
            chart.add(label_shapes(centre, y0 - 17, str(month.month.year), SANS, 6.5, MUTED,
                                   align="centre"))  # fmt: skip
    if len(target_points) >= 4:
        chart.add(PolyLine(target_points, strokeColor=MUTED, strokeWidth=1.1,
                           strokeDashArray=[3, 2]))  # fmt: skip
    if len(forecast_points) >= 4:
        chart.add(PolyLine(forecast_points, strokeColor=s.brand, strokeWidth=1.5))
    for i in range(0, len(forecast_points), 2):
        chart.add(Circle(forecast_points[i], forecast_points[i + 1], 1.8, fillColor=s.brand,
                         strokeColor=colors.white, strokeWidth=0.5))  # fmt: skip
    through = [i for i, m in enumerate(section.months) if m.month <= section.through]
    if through and through[-1] < count - 1:
        x = x0 + slot * (through[-1] + 1)
        chart.add(Line(x, y0, x, y0 + plot_h, strokeColor=MUTED, strokeWidth=0.6,
                       strokeDashArray=[1, 2]))  # fmt: skip
    x = width
    for name, colour, dashed in (("Target", MUTED, True), ("Forecast", s.brand, False),
                                 ("Actual", light, None)):  # fmt: skip
        x -= text_width(name, SANS, 7) + 26
        if dashed is None:
            chart.add(Rect(x, height - 10, 8, 6, fillColor=colour, strokeColor=None))
        else:
            chart.add(Line(x, height - 7, x + 8, height - 7, strokeColor=colour, strokeWidth=1.3,
                           strokeDashArray=[3, 2] if dashed else None))  # fmt: skip
        chart.add(label_shapes(x + 11, height - 9.5, name, SANS, 7, MUTED))
    return chart


def _nice_step(raw: float) -> float:
    """A round axis step at least ``raw``: 1, 2, 2.5 or 5 times a power of ten."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)


def _short(value: float) -> str:
    """Axis labels: 0, 250k, 1.5M, 2B."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def internal_notes(report: StatusReportPdf) -> list[Any]:
    internal = report.document.internal
    if internal is None or not any(note.strip() for note in internal.notes):
        return []
    return [KeepTogether([*report.heading("Internal notes"), *report.pdf.bullets(internal.notes)])]


def next_steps(report: StatusReportPdf) -> list[Any]:
    steps = report.document.next_steps
    if not steps:
        return []
    return [KeepTogether([*report.heading("Next steps"), *report.pdf.bullets(steps)])]


SECTIONS: tuple[ReportSection, ...] = (
    ReportSection("summary", summary),
    ReportSection("areas", areas),
    ReportSection("decisions_needed", decisions_needed),
    ReportSection("client_actions", client_actions),
    ReportSection("agency_actions", agency_actions),
    ReportSection("meetings", meetings),
    ReportSection("estimates", estimates),
    ReportSection("pipeline", pipeline),
    ReportSection("budgets", budgets, internal_only=True),
    # the agency's own revenue plan: never built for the client (its data lives in the
    # InternalSection a client document lacks, too)
    ReportSection("forecast", forecast, internal_only=True),
    ReportSection("internal_notes", internal_notes, internal_only=True),
    ReportSection("next_steps", next_steps),
)
"""The report's sections in order; add one (forecast, pipeline, KPIs) by adding a builder."""


def build_status_report_pdf(
    document: StatusReportDocument,
    *,
    sections: Sequence[ReportSection] = SECTIONS,
    locale: str | None = None,
) -> bytes:
    """The status report ``document`` as a PDF file (bytes): the client's when
    ``document.internal`` is ``None``, else the internal one, marked INTERNAL on every page.

    ``sections`` are built in order after the title block; ``locale`` (babel's spelling,
    "en_US", the default) formats amounts and dates.
    """
    if not isinstance(document, StatusReportDocument):
        raise TypeError(f"a status report PDF needs a StatusReportDocument, not {document!r}")
    return StatusReportPdf(document, _locale(locale)).build(sections)


def _locale(name: str | None) -> str:
    if name and name.strip():
        candidate = name.strip().replace("-", "_")
        try:
            Locale.parse(candidate)
        except (ValueError, UnknownLocaleError):
            return DEFAULT_LOCALE
        return candidate
    return DEFAULT_LOCALE
