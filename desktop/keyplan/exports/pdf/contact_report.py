"""The contact report as a PDF (reportlab): what was agreed at a meeting, sent to the client.

Only a :class:`~keyplan.exports.report_documents.ContactReportDocument` can be rendered, and that
type has no internal notes: the PDF cannot show them.

The pages (paper, letterhead, running header and footer: :mod:`keyplan.exports.pdf.layout`):

1. "CONTACT REPORT", the meeting's title and the client's name; then the facts: kind, date and
   time in the meeting's own time zone, named ("Mon 23 Nov 2026, 14:00–15:30
   (Asia/Ho_Chi_Minh)"), place, project, who wrote the report;
2. the attendees in two columns, the client's and the agency's people with their titles, and
   any guests under them;
3. agenda, discussion, the decisions (highlighted: what the client acts on), the action items
   (what, owner, whose side, due, status; an overdue one says "Overdue" in red) and the next
   meeting. A part with nothing in it is left out.

The footer names the client and the meeting's date next to "Page N of M"; the PDF's title,
author (the agency) and subject are set. Dates are written in English, day before month.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Spacer  # type: ignore[import-untyped]

from keyplan.exports.pdf.fonts import SANS, SANS_BOLD, needs_cjk_wrap
from keyplan.exports.pdf.layout import (
    ALERT,
    HEADING_ROOM,
    MUTED,
    RULE,
    PageSetup,
    PdfDocument,
    Styles,
    tint,
)
from keyplan.exports.report_documents import ActionLine, ContactReportDocument

__all__ = [
    "ACTION_HEADERS",
    "CLOSED",
    "HEADING_ROOM",
    "OVERDUE",
    "STATUS_LABELS",
    "action_status",
    "build_contact_report_pdf",
    "day_text",
    "meeting_time",
    "title_style",
]

LOCALE = "en_US"
ACTION_HEADERS = ("#", "Action", "Owner", "For", "Due", "Status")
STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
OVERDUE = "Overdue"
CLOSED = ("done", "dropped")


def day_text(day: date, *, weekday: bool = False) -> str:
    """A day as the reports write it: 23 Nov 2026, or Mon 23 Nov 2026 with the weekday."""
    return str(format_date(day, "EEE d MMM y" if weekday else "d MMM y", locale=LOCALE))


def meeting_time(starts: datetime, ends: datetime, time_zone: str) -> str:
    """When a meeting was, on its own clock, with its zone named: "Mon 23 Nov 2026,
    14:00–15:30 (Asia/Ho_Chi_Minh)"; a meeting that ends on another day names both days."""
    zone = time_zone.strip() or (starts.tzname() or "")
    text = f"{day_text(starts.date(), weekday=True)}, {starts:%H:%M}"
    if ends > starts:
        if ends.date() == starts.date():
            text += f"–{ends:%H:%M}"
        else:
            text += f" – {day_text(ends.date(), weekday=True)}, {ends:%H:%M}"
    return f"{text} ({zone})" if zone else text


def action_status(action: ActionLine) -> str:
    """An action's state as printed: "Overdue" for an open action past its due date, else
    "Open", "In progress", "Done" or "Dropped"."""
    if action.overdue and action.status not in CLOSED:
        return OVERDUE
    return STATUS_LABELS.get(action.status, action.status.replace("_", " ").capitalize())


def title_style(styles: Styles, text: str) -> Any:
    """The title style, regular rather than bold for a title with CJK text: the CJK font has
    no bold face, and half a title bold looks like a mistake."""
    if not needs_cjk_wrap(text):
        return styles.title
    return ParagraphStyle("title-regular", parent=styles.title, fontName=SANS)


def build_contact_report_pdf(document: ContactReportDocument) -> bytes:
    """The contact report ``document`` as a PDF file (bytes)."""
    if not isinstance(document, ContactReportDocument):
        raise TypeError(f"a contact report PDF needs a ContactReportDocument, not {document!r}")
    return _ContactReportPdf(document).build()


class _ContactReportPdf:
    def __init__(self, document: ContactReportDocument) -> None:
        self.document = document
        client = document.client_name.strip()
        agency = document.agency.name.strip()
        day = document.starts_at.date().isoformat()
        confidential = "Confidential"
        if client and agency:
            confidential = f"Confidential — prepared by {agency} for {client}"
        title = document.title.strip() or "Contact report"
        self.pdf = PdfDocument(
            PageSetup(
                agency=document.agency,
                title=f"Contact report: {title}",
                subject=f"Contact report for {client}, {day}" if client else "Contact report",
                reference=f"{client} · {day}" if client else day,
                confidentiality=confidential,
            )
        )
        self.styles = self.pdf.styles
        s = self.styles
        self.section_heading = s.heading
        self.name_style = ParagraphStyle("person", parent=s.cell, fontName=SANS_BOLD)
        self.overdue_style = ParagraphStyle(
            "overdue", parent=s.cell, fontName=SANS_BOLD, textColor=ALERT
        )
        self.done_style = ParagraphStyle("done", parent=s.cell, textColor=MUTED)

    def build(self) -> bytes:
        story: list[Any] = []
        story += self.title_block()
        story += self.attendees()
        story += self.text_part("Agenda", self.document.agenda)
        story += self.text_part("Discussion", self.document.discussion)
        story += self.decisions()
        story += self.actions()
        story += self.next_meeting()
        return self.pdf.build(story)

    # -- parts -------------------------------------------------------------------------------

    def heading(self, text: str) -> list[Any]:
        """A section heading that never ends a page: with less than :data:`HEADING_ROOM`
        left, the section starts on the next one (a table or text too long for the rest of
        the page runs over from where it starts, with no gap before it)."""
        return self.pdf.heading(text, self.section_heading)

    def title_block(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        story: list[Any] = [pdf.paragraph("CONTACT REPORT", s.kicker), Spacer(1, 1.5 * mm)]
        story.append(
            pdf.paragraph(doc.title.strip() or "Contact report", title_style(s, doc.title))
        )
        if doc.client_name.strip():
            story.append(pdf.paragraph(doc.client_name, s.subtitle))
        facts = [
            ("Kind", doc.kind),
            ("Date and time", meeting_time(doc.starts_at, doc.ends_at, doc.time_zone)),
            ("Place", doc.place),
            ("Project", doc.project_name),
            ("Written by", doc.written_by),
        ]
        story += [Spacer(1, 3 * mm), pdf.facts_table(facts, roomy=True)]
        return story

    def person(self, name: str, title: str) -> list[Any]:
        cell = [self.pdf.paragraph(name, self.name_style)]
        if title.strip():
            cell.append(self.pdf.paragraph(title, self.styles.muted))
        return cell

    def attendees(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        client, agency = doc.client_attendees, doc.agency_attendees
        if not client and not agency and not doc.guests:
            return []
        story: list[Any] = [*self.heading("Attendees")]
        if client or agency:
            left = doc.client_name.strip() or "Client"
            right = doc.agency.name.strip() or "Agency"
            rows: list[list[Any]] = [
                [pdf.paragraph(left, s.cell_head), pdf.paragraph(right, s.cell_head)]
            ]
            for index in range(max(len(client), len(agency))):
                rows.append(
                    [
                        self.person(*client[index]) if index < len(client) else "",
                        self.person(*agency[index]) if index < len(agency) else "",
                    ]
                )
            half = pdf.width / 2
            story.append(
                pdf.table(
                    rows,
                    [half, half],
                    style=[("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)],
                )
            )
        if doc.guests:
            story.append(Spacer(1, 2 * mm))
            story.append(pdf.paragraph("Also present: " + "; ".join(doc.guests), s.body))
        return story

    def text_part(self, title: str, text: str) -> list[Any]:
        if not text.strip():
            return []
        return [*self.heading(title), self.pdf.paragraph(text.strip(), self.styles.body)]

    def decisions(self) -> list[Any]:
        text = self.document.decisions.strip()
        if not text:
            return []
        body = ParagraphStyle("decisions", parent=self.styles.body, fontSize=10, leading=14.5)
        box = self.pdf.highlight([self.pdf.paragraph(text, body)])
        return [*self.heading("Decisions"), box]

    def actions(self) -> list[Any]:
        doc, s, pdf = self.document, self.styles, self.pdf
        if not doc.actions:
            return []
        sides = {"client": doc.client_name.strip(), "agency": doc.agency.name.strip()}
        rows: list[list[Any]] = [list(ACTION_HEADERS)]
        commands: list[tuple[Any, ...]] = [("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        for number, action in enumerate(doc.actions, start=1):
            status = action_status(action)
            overdue = status == OVERDUE
            closed = action.status in CLOSED
            style = self.done_style if closed else s.cell
            row = len(rows)
            rows.append(
                [
                    str(number),
                    pdf.paragraph(action.description, style),
                    pdf.paragraph(action.owner, style),
                    pdf.paragraph(sides.get(action.side, "") or "—", style),
                    pdf.paragraph(
                        day_text(action.due_on) if action.due_on else "—",
                        self.overdue_style if overdue else style,
                    ),
                    pdf.paragraph(status, self.overdue_style if overdue else style),
                ]
            )
            if overdue:
                commands.append(("BACKGROUND", (0, row), (-1, row), _OVERDUE_ROW))
        widths = [8 * mm, 0.0, 34 * mm, 32 * mm, 22 * mm, 20 * mm]
        widths[1] = pdf.width - sum(widths)
        return [*self.heading("Action items"), pdf.table(rows, widths, style=commands)]

    def next_meeting(self) -> list[Any]:
        doc = self.document
        parts = []
        if doc.next_meeting_on is not None:
            parts.append(day_text(doc.next_meeting_on, weekday=True))
        if doc.next_meeting.strip():
            parts.append(doc.next_meeting.strip())
        if not parts:
            return []
        return [
            *self.heading("Next meeting"),
            self.pdf.paragraph(": ".join(parts), self.styles.body),
        ]


_OVERDUE_ROW = tint(ALERT, 0.93)
