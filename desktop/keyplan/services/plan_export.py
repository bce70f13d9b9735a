"""The account plan as its PDF prints it: :func:`build_plan_document` turns a plan (live, or a
frozen snapshot) into an :class:`~keyplan.exports.plan_documents.AccountPlanDocument` for one
audience. :mod:`keyplan.services.exporting` calls it (``plan_document``, ``export_plan_pdf``).

The client/internal split is made here: the client-safe document gets no
:class:`~keyplan.exports.plan_documents.InternalPlanPart` (revenue target, risks, relationship
goals, strengths, notes, completeness) and a client-safe relationship map.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.periods import parse_period
from keyplan.exports.documents import AgencyHeader
from keyplan.exports.plan_documents import (
    AccountPlanDocument,
    InternalPlanPart,
    PlanActionLine,
    PlanGoalLine,
    PlanKpiLine,
    PlanObjectiveLine,
    PlanReviewLine,
    PlanRiskLine,
    WhitespaceGrid,
)
from keyplan.services.plan_records import KpiRecord, PlanRecord
from keyplan.services.relationships import org_chart_document
from keyplan.services.workspace import WorkspaceServices

__all__ = ["build_plan_document", "period_label"]


def period_label(code: str) -> str:
    """ "2026-Q3" -> "Q3 2026"; a year or nothing stays as it is."""
    if not code or len(code) == 4:
        return code
    try:
        return parse_period(code).label
    except (ValidationError, ValueError):  # parse_period raises ValidationError: keep as is
        return code


def _kpi(kpi: KpiRecord) -> PlanKpiLine:
    return PlanKpiLine(
        kpi.metric,
        kpi.unit,
        period_label(kpi.period),
        kpi.baseline,
        kpi.target,
        kpi.actual,
        kpi.progress,
    )


def build_plan_document(
    services: WorkspaceServices,
    plan: PlanRecord,
    agency: AgencyHeader,
    *,
    audience: Literal["client", "internal"] = "client",
    today: date,
    snapshot: str = "",
) -> AccountPlanDocument:
    """``plan`` as the PDF prints it for ``audience``; ``today`` is the day of issue (actions
    open past their due date on it are overdue), ``snapshot`` says which frozen copy it is."""
    internal = audience == "internal"
    try:
        account = services.accounts.get(plan.account_id, deleted_ok=True)
        owner = account.owner_name
    except NotFoundError:
        owner = ""
    objectives = tuple(
        PlanObjectiveLine(
            o.statement,
            o.owner_name,
            o.due,
            o.status,
            tuple(_kpi(k) for k in plan.kpis_of(o.id)),
        )
        for o in plan.objectives
    )
    grid = None
    if plan.services and plan.segments:
        grid = WhitespaceGrid(
            tuple(s.label for s in plan.services),
            tuple(s.label for s in plan.segments),
            tuple(
                tuple(plan.cell_status(service.id, segment.id) for segment in plan.segments)
                for service in plan.services
            ),
        )
    try:
        chart = org_chart_document(
            services.relationships.relationship_map(plan.account_id, today),
            client_safe=not internal,
        )
    except NotFoundError:  # the account was deleted: no map
        chart = None
    part = None
    if internal:
        risks = sorted(plan.risks, key=lambda r: (-r.score, r.position, r.id))
        names = {s.id: s.label for s in (*plan.services, *plan.segments)}
        score = plan.completeness
        part = InternalPlanPart(
            revenue_target=plan.revenue_target,
            currency=plan.currency,
            minor_units=Currency.get(plan.currency).minor_units,
            risks=tuple(
                PlanRiskLine(
                    r.description,
                    r.likelihood,
                    r.impact,
                    r.score,
                    r.band,
                    r.mitigation,
                    r.owner_name,
                    r.status,
                )
                for r in risks
                if r.status != "closed"
            ),
            goals=tuple(
                PlanGoalLine(
                    g.contact_name, g.contact_title, g.current_strength, g.target_strength, g.goal
                )
                for g in plan.goals
            ),
            notes=plan.internal_notes,
            cell_notes=tuple(
                (names[c.service_id], names[c.segment_id], c.note)
                for c in plan.cells
                if c.note.strip() and c.service_id in names and c.segment_id in names
            ),
            review_notes=tuple((r.reviewed_on, r.reviewer, r.notes) for r in plan.reviews),
            completeness=score.score,
            missing=score.missing,
        )
    return AccountPlanDocument(
        agency=agency,
        client_name=plan.account_name,
        year=plan.year,
        status=plan.status,
        issued_on=today,
        prepared_by=owner,
        snapshot=snapshot,
        situation=plan.situation,
        vision=plan.vision,
        strategies=tuple(line.strip() for line in plan.strategies.splitlines() if line.strip()),
        swot=(
            tuple(i.text for i in plan.swot_items("strength")),
            tuple(i.text for i in plan.swot_items("weakness")),
            tuple(i.text for i in plan.swot_items("opportunity")),
            tuple(i.text for i in plan.swot_items("threat")),
        ),
        objectives=objectives,
        other_kpis=tuple(_kpi(k) for k in plan.kpis_of(None)),
        actions=tuple(
            PlanActionLine(
                a.description,
                a.owner_name,
                a.due,
                a.status,
                overdue=a.status != "done" and a.due is not None and a.due < today,
            )
            for a in plan.actions
        ),
        whitespace=grid,
        reviews=tuple(PlanReviewLine(r.reviewed_on, r.reviewer) for r in plan.reviews),
        relationship_map=chart,
        internal=part,
    )
