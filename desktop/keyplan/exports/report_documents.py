"""What the contact report and status report PDFs print: plain frozen values, built by
``keyplan.services.reporting`` from the services and never from the database directly.

As with the estimate documents, the audience split is a type: ``ContactReportDocument`` has no
internal notes, and a status report's internal parts (budget versus actual, margins, internal
notes) sit in :class:`InternalSection` values that the client variant simply does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from keyplan.domain.forecast import MonthFigures
from keyplan.exports.documents import AgencyHeader

__all__ = [
    "ActionLine",
    "ContactReportDocument",
    "EstimateStatusLine",
    "ForecastSection",
    "InternalSection",
    "MeetingLine",
    "PipelineStageLine",
    "ProjectBudgetLine",
    "RagLine",
    "StatusReportDocument",
]

Rag = Literal["green", "amber", "red", ""]


@dataclass(frozen=True, slots=True)
class ActionLine:
    description: str
    owner: str
    side: Literal["client", "agency", ""]  # whose action it is
    due_on: date | None
    status: str  # "open", "in_progress", "done", "dropped"
    overdue: bool = False
    source: str = ""  # the meeting it came from: "2026-11-23 Q3 business review"


@dataclass(frozen=True, slots=True)
class ContactReportDocument:
    """One contact report as the client receives it (no internal notes)."""

    agency: AgencyHeader
    client_name: str
    title: str
    kind: str  # "Meeting", "Video call"… as printed
    starts_at: datetime  # aware, in the meeting's zone
    ends_at: datetime
    time_zone: str
    place: str
    project_name: str
    client_attendees: tuple[tuple[str, str], ...]  # (name, title)
    agency_attendees: tuple[tuple[str, str], ...]
    guests: tuple[str, ...]
    agenda: str
    discussion: str
    decisions: str
    actions: tuple[ActionLine, ...]
    next_meeting_on: date | None
    next_meeting: str
    written_by: str
    sent_on: date | None


@dataclass(frozen=True, slots=True)
class RagLine:
    area: str
    rag: Rag
    reason: str


@dataclass(frozen=True, slots=True)
class MeetingLine:
    day: date
    kind: str
    title: str
    decisions: str


@dataclass(frozen=True, slots=True)
class EstimateStatusLine:
    number: str
    revision: int
    title: str
    project: str
    status: str  # as printed: "Awaiting approval", "Approved"…
    issued_on: date
    currency: str
    minor_units: int
    total: Decimal  # the revision's total with tax
    contracted_total: Decimal | None  # approved revision + approved change orders


@dataclass(frozen=True, slots=True)
class ProjectBudgetLine:
    """Internal: a project's estimated cost against the actual cost booked."""

    project: str
    currency: str
    minor_units: int
    estimated_cost: Decimal
    actual_cost: Decimal
    burn_percent: Decimal | None
    contracted_net: Decimal
    margin_percent_so_far: Decimal | None


@dataclass(frozen=True, slots=True)
class ForecastSection:
    """Internal: the account's revenue (with its child accounts) by month, in its currency:
    target, forecast and actual, as the forecast's roll-up gives them (``None``: not entered,
    or a month whose exchange rate is missing)."""

    currency: str
    minor_units: int
    months: tuple[MonthFigures, ...]
    through: date  # the last day of the report's period: later months are forecast only
    rates: tuple[str, ...]  # "1 USD = 150.5 JPY from 2026-01-01 (Finance, month-end)"
    missing: tuple[str, ...]  # a clear message per missing rate


@dataclass(frozen=True, slots=True)
class PipelineStageLine:
    """The account's opportunities in one stage and currency. ``weighted`` (amount x
    probability) is the agency's own estimate: ``None`` in the client's report."""

    stage: str  # as printed: "Proposal"
    currency: str
    minor_units: int
    count: int
    amount: Decimal
    weighted: Decimal | None = None


@dataclass(frozen=True, slots=True)
class InternalSection:
    """What only the agency reads: budgets, margins and notes."""

    budgets: tuple[ProjectBudgetLine, ...]
    notes: tuple[str, ...]  # internal notes of the period's contact reports, health history
    forecast: ForecastSection | None = None


@dataclass(frozen=True, slots=True)
class StatusReportDocument:
    agency: AgencyHeader
    client_name: str
    client_legal_name: str
    period_code: str  # "2026-Q3"
    period_label: str  # "Q3 2026"
    period_start: date
    period_end: date
    issued_on: date
    prepared_by: str
    overall: RagLine  # the account's health and why
    previous_rag: Rag  # last period's, when known ("": unknown)
    headline: str
    areas: tuple[RagLine, ...]
    decisions_needed: tuple[str, ...]  # from the client: approvals, sign-offs
    client_actions: tuple[ActionLine, ...]
    agency_actions: tuple[ActionLine, ...]
    meetings: tuple[MeetingLine, ...]
    estimates: tuple[EstimateStatusLine, ...]
    next_steps: tuple[str, ...]
    internal: InternalSection | None = None  # None in the client variant
    pipeline: tuple[PipelineStageLine, ...] = ()  # by stage and currency

    @property
    def audience(self) -> Literal["client", "internal"]:
        return "client" if self.internal is None else "internal"
