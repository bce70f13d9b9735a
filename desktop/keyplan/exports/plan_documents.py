"""What the account-plan PDF prints: plain frozen values built by
``keyplan.services.exporting.plan_document``, never from the database directly.

The audience split is the document's shape, as for the status report: everything internal
(the revenue target, the risks with their ratings, the relationship goals and strengths, the
internal notes, the whitespace cells' notes, the review notes and the completeness score) sits
in :class:`InternalPlanPart`, which the client-safe document does not have (``internal`` is
``None``), and its relationship map is built client-safe (no strengths, influence or stances).
No renderer can print what the document does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from keyplan.exports.documents import AgencyHeader
from keyplan.exports.org_chart_document import OrgChartDocument

__all__ = [
    "AccountPlanDocument",
    "InternalPlanPart",
    "PlanActionLine",
    "PlanGoalLine",
    "PlanKpiLine",
    "PlanObjectiveLine",
    "PlanReviewLine",
    "PlanRiskLine",
    "WhitespaceGrid",
]


@dataclass(frozen=True, slots=True)
class PlanKpiLine:
    metric: str
    unit: str
    period: str  # as printed: "2026", "Q3 2026"
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    progress: Decimal | None  # percent of the way from baseline to target


@dataclass(frozen=True, slots=True)
class PlanObjectiveLine:
    statement: str
    owner: str
    due: date | None
    status: str  # the key: "on_track", "at_risk"…
    kpis: tuple[PlanKpiLine, ...]


@dataclass(frozen=True, slots=True)
class PlanActionLine:
    description: str
    owner: str
    due: date | None
    status: str  # "open", "in_progress", "done"
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class WhitespaceGrid:
    """Services (rows) x business units or markets (columns); ``statuses[row][column]`` is
    "active", "opportunity", "not_a_fit" or "unknown"."""

    services: tuple[str, ...]
    segments: tuple[str, ...]
    statuses: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class PlanReviewLine:
    reviewed_on: date
    reviewer: str


@dataclass(frozen=True, slots=True)
class PlanRiskLine:
    description: str
    likelihood: int
    impact: int
    score: int
    band: str  # "low", "medium", "high", "critical"
    mitigation: str
    owner: str
    status: str


@dataclass(frozen=True, slots=True)
class PlanGoalLine:
    contact: str
    title: str
    strength: int | None  # relationship strength now, 1-5
    target_strength: int | None
    goal: str


@dataclass(frozen=True, slots=True)
class InternalPlanPart:
    """What only the agency reads."""

    revenue_target: Decimal | None
    currency: str
    minor_units: int
    risks: tuple[PlanRiskLine, ...]  # highest score first
    goals: tuple[PlanGoalLine, ...]
    notes: str
    cell_notes: tuple[tuple[str, str, str], ...]  # (service, segment, note)
    review_notes: tuple[tuple[date, str, str], ...]  # (day, reviewer, notes)
    completeness: int
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountPlanDocument:
    agency: AgencyHeader
    client_name: str
    year: int
    status: str  # "draft", "active", "archived"
    issued_on: date
    prepared_by: str
    snapshot: str  # "" for the live plan, else what it is: "Snapshot 1 Mar 2026: QBR Q1"
    situation: str
    vision: str
    strategies: tuple[str, ...]  # one per line
    swot: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # S, W, O, T
    objectives: tuple[PlanObjectiveLine, ...]
    other_kpis: tuple[PlanKpiLine, ...]  # KPIs of no objective
    actions: tuple[PlanActionLine, ...]
    whitespace: WhitespaceGrid | None
    reviews: tuple[PlanReviewLine, ...]  # oldest first
    relationship_map: OrgChartDocument | None = None
    internal: InternalPlanPart | None = None  # None in the client-safe variant

    @property
    def audience(self) -> Literal["client", "internal"]:
        return "client" if self.internal is None else "internal"
