"""The records :class:`~keyplan.services.plans.PlanService` hands out, and the JSON form a
frozen plan (a snapshot) is kept in.

A :class:`PlanRecord` is the whole plan as it stood when it was read: every section, the names
of owners and contacts as they were, ids included. :func:`plan_to_json` writes it with exact
numbers as strings ("12.50" stays "12.50") and dates in ISO form; :func:`plan_from_json` reads
it back into the same record, so a snapshot is shown (and exported) by the same code as the
live plan.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from keyplan.domain import plans as rules
from keyplan.domain.errors import DomainError

__all__ = [
    "SNAPSHOT_FORMAT",
    "AxisRecord",
    "CellRecord",
    "GoalRecord",
    "KpiRecord",
    "ObjectiveRecord",
    "PlanActionRecord",
    "PlanRecord",
    "PlanSummary",
    "ReviewRecord",
    "RiskRecord",
    "SnapshotRecord",
    "SwotItemRecord",
    "TemplateRecord",
    "plan_facts",
    "plan_from_json",
    "plan_to_json",
]

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class SwotItemRecord:
    id: int
    quadrant: str
    text: str
    position: int


@dataclass(frozen=True)
class ObjectiveRecord:
    id: int
    statement: str
    owner_id: int | None
    owner_name: str
    due: date | None
    status: str
    position: int


@dataclass(frozen=True)
class KpiRecord:
    id: int
    objective_id: int | None
    metric: str
    unit: str
    period: str  # "" (the plan's year), "2026", "2026-Q3", "2026-09", "2026-W38"
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    due: date | None
    position: int

    @property
    def progress(self) -> Decimal | None:
        """Percent of the way from baseline to target (see ``domain.plans.kpi_progress``)."""
        return rules.kpi_progress(self.baseline, self.target, self.actual)


@dataclass(frozen=True)
class PlanActionRecord:
    id: int
    objective_id: int | None
    description: str
    owner_id: int | None
    owner_name: str
    due: date | None
    status: str
    position: int


@dataclass(frozen=True)
class AxisRecord:
    """A whitespace row (``axis`` "service") or column ("segment")."""

    id: int
    axis: str
    label: str
    position: int


@dataclass(frozen=True)
class CellRecord:
    id: int
    service_id: int
    segment_id: int
    status: str
    note: str


@dataclass(frozen=True)
class RiskRecord:
    id: int
    description: str
    likelihood: int
    impact: int
    mitigation: str
    owner_id: int | None
    owner_name: str
    status: str
    position: int

    @property
    def score(self) -> int:
        return rules.risk_score(self.likelihood, self.impact)

    @property
    def band(self) -> str:
        return rules.risk_band(self.score).value


@dataclass(frozen=True)
class GoalRecord:
    """What the plan wants from the relationship with one contact (internal)."""

    id: int
    contact_id: int
    contact_name: str
    contact_title: str
    current_strength: int | None
    target_strength: int | None
    goal: str


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    reviewed_on: date
    reviewer: str
    notes: str


@dataclass(frozen=True)
class PlanRecord:
    id: int
    account_id: int
    account_name: str
    year: int
    status: str
    template: str  # the name of the template it started from
    situation: str
    vision: str
    strategies: str
    currency: str
    revenue_target: Decimal | None
    internal_notes: str
    swot: tuple[SwotItemRecord, ...]
    objectives: tuple[ObjectiveRecord, ...]
    kpis: tuple[KpiRecord, ...]
    actions: tuple[PlanActionRecord, ...]
    services: tuple[AxisRecord, ...]  # whitespace rows, in order
    segments: tuple[AxisRecord, ...]  # whitespace columns, in order
    cells: tuple[CellRecord, ...]
    risks: tuple[RiskRecord, ...]
    goals: tuple[GoalRecord, ...]
    reviews: tuple[ReviewRecord, ...]  # oldest first
    updated_at: datetime

    def swot_items(self, quadrant: str) -> tuple[SwotItemRecord, ...]:
        return tuple(item for item in self.swot if item.quadrant == quadrant)

    def kpis_of(self, objective_id: int | None) -> tuple[KpiRecord, ...]:
        return tuple(kpi for kpi in self.kpis if kpi.objective_id == objective_id)

    def cell_status(self, service_id: int, segment_id: int) -> str:
        """The cell's status; "unknown" where none was set."""
        for cell in self.cells:
            if cell.service_id == service_id and cell.segment_id == segment_id:
                return cell.status
        return rules.WhitespaceStatus.UNKNOWN.value

    def cell(self, service_id: int, segment_id: int) -> CellRecord | None:
        return next(
            (c for c in self.cells if c.service_id == service_id and c.segment_id == segment_id),
            None,
        )

    @property
    def completeness(self) -> rules.Completeness:
        return rules.completeness(plan_facts(self))


@dataclass(frozen=True)
class PlanSummary:
    id: int
    account_id: int
    account_name: str
    year: int
    status: str
    template: str
    score: int  # completeness, 0 to 100
    missing: tuple[str, ...]
    snapshots: int
    updated_at: datetime


@dataclass(frozen=True)
class SnapshotRecord:
    id: int
    plan_id: int
    taken_on: date
    label: str
    created_at: datetime


@dataclass(frozen=True)
class TemplateRecord:
    """A plan template: a built-in one (``id`` None, read-only) or the user's own."""

    id: int | None
    name: str
    builtin: bool
    content: rules.TemplateContent

    @property
    def json(self) -> str:
        return rules.template_to_json(self.content)


def plan_facts(plan: PlanRecord) -> rules.PlanFacts:
    """What :func:`keyplan.domain.plans.completeness` scores."""
    counts: dict[str, int] = {}
    for item in plan.swot:
        counts[item.quadrant] = counts.get(item.quadrant, 0) + 1
    live_services = {s.id for s in plan.services}
    live_segments = {s.id for s in plan.segments}
    return rules.PlanFacts(
        situation=plan.situation,
        vision=plan.vision,
        strategies=plan.strategies,
        has_revenue_target=plan.revenue_target is not None,
        swot_counts=counts,
        objectives=len(plan.objectives),
        kpis=len(plan.kpis),
        kpis_with_target=sum(1 for k in plan.kpis if k.target is not None),
        actions=len(plan.actions),
        actions_planned=sum(
            1 for a in plan.actions if a.owner_id is not None and a.due is not None
        ),
        services=len(plan.services),
        segments=len(plan.segments),
        cells_known=sum(
            1
            for c in plan.cells
            if c.status != rules.WhitespaceStatus.UNKNOWN
            and c.service_id in live_services
            and c.segment_id in live_segments
        ),
        risks=len(plan.risks),
        risks_mitigated=sum(1 for r in plan.risks if r.mitigation.strip()),
        relationship_goals=len(plan.goals),
    )


# -- the JSON of a frozen plan -------------------------------------------------------------------

T = TypeVar("T")


class SnapshotFormatError(DomainError):
    """A snapshot's stored JSON cannot be read back (written by a newer app, or damaged)."""


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _typed(kind: Any, value: Any, where: str) -> Any:
    """``value`` read from JSON as the type ``kind`` of a record's field."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return None if value is None else _typed(options[0], value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise SnapshotFormatError(f"{where}: expected a list.")
        item = typing.get_args(kind)[0]
        return tuple(_typed(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(kind):
        return _record(kind, value, where)  # type: ignore[arg-type]
    try:
        if kind is Decimal:
            return Decimal(value)
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise SnapshotFormatError(f"{where}: {value!r} is not a {kind.__name__}.") from exc
    if kind in (int, str, bool) and not isinstance(value, kind):
        raise SnapshotFormatError(f"{where}: {value!r} is not a {kind.__name__}.")
    return value


def _record(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise SnapshotFormatError(f"{where}: expected an object.")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):  # type: ignore[arg-type]
        if spec.name in data:
            values[spec.name] = _typed(hints[spec.name], data[spec.name], f"{where}.{spec.name}")
        elif spec.default is dataclasses.MISSING:
            raise SnapshotFormatError(f"{where}: {spec.name} is missing.")
    return cls(**values)


def plan_to_json(plan: PlanRecord, *, taken_on: date | None = None, label: str = "") -> str:
    """The whole plan as JSON text (the form a snapshot keeps)."""
    data: dict[str, Any] = {"format": SNAPSHOT_FORMAT, "plan": _plain(plan)}
    if taken_on is not None:
        data["taken_on"] = taken_on.isoformat()
        data["label"] = label
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def plan_from_json(text: str) -> PlanRecord:
    """The plan a snapshot's JSON holds; :class:`SnapshotFormatError` if it cannot be read."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SnapshotFormatError(f"The snapshot is damaged: {exc}.") from None
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotFormatError("The snapshot was written by another version of Keyplan.")
    return _record(PlanRecord, data.get("plan"), "plan")
