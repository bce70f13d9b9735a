"""The documents behind the contact report and status report PDFs.

Everything is gathered through the services, so a status report shows the same figures as the
app: estimate totals from ``EstimateService``, budgets from ``ActualsService``, actions and
meetings from ``ContactReportService``.

Status report rules (EXPORTS.md, "PDF status report")
-----------------------------------------------------
- The period is a week, month or quarter (``2026-W38``, ``2026-09``, ``2026-Q3``).
- It leads with the account's health (the overall RAG and the director's headline; the health
  reason, a note for the team, only in the internal variant), then what the client must decide
  (estimates sent and not yet approved) and the actions owed by the client, then the agency's.
- Meetings are the contact reports whose meeting started in the period; action items are the
  open ones at the end of the period, plus those done in it.
- Estimates: every estimate of the account whose latest revision was issued by the period's end
  and is not a draft.
- Next steps: the next meetings named in the reports and open actions due in the 14 days after
  the period.
- The internal variant adds budget versus actual per project and currency, and the internal
  notes of the period's contact reports.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from keyplan.domain import forecast as forecast_rules
from keyplan.domain.contact_reports import ActionStatus
from keyplan.domain.money import Currency, round_half_up
from keyplan.domain.periods import Period
from keyplan.domain.pipeline import Stage
from keyplan.exports.report_documents import (
    ActionLine,
    ContactReportDocument,
    EstimateStatusLine,
    ForecastSection,
    InternalSection,
    MeetingLine,
    PipelineStageLine,
    ProjectBudgetLine,
    RagLine,
    StatusReportDocument,
)
from keyplan.services.contact_reports import ActionRecord, ReportRecord
from keyplan.services.estimate_records import EstimateFilter
from keyplan.services.exporting import agency_header
from keyplan.services.workspace import WorkspaceServices

__all__ = [
    "KIND_LABELS",
    "contact_report_document",
    "status_report_document",
]

KIND_LABELS = {
    "meeting": "Meeting",
    "call": "Call",
    "video_call": "Video call",
    "email": "E-mail",
    "workshop": "Workshop",
}
ESTIMATE_STATUS = {
    "sent": "Awaiting approval",
    "approved": "Approved",
    "rejected": "Declined",
    "superseded": "Superseded",
    "draft": "Draft",
}
NEXT_STEPS_DAYS = 14


def _owner_side(action: ActionRecord) -> Literal["client", "agency", ""]:
    if action.owner_contact_id is not None:
        return "client"
    if action.owner_member_id is not None:
        return "agency"
    return ""


def _action_line(action: ActionRecord, today: date) -> ActionLine:
    source = f"{action.report_date.isoformat()} {action.report_title}" if action.report_date else ""
    return ActionLine(
        description=action.description,
        owner=action.owner,
        side=_owner_side(action),
        due_on=action.due_on,
        status=action.status,
        overdue=action.is_open and action.due_on is not None and action.due_on < today,
        source=source,
    )


def contact_report_document(
    services: WorkspaceServices, report_id: int, *, today: date | None = None
) -> ContactReportDocument:
    """A contact report as the client receives it: no internal notes."""
    report: ReportRecord = services.contact_reports.get(report_id)
    account = services.accounts.get(report.account_id, deleted_ok=True)
    day = today or date.today()
    return ContactReportDocument(
        agency=agency_header(services),
        client_name=account.name,
        title=report.title,
        kind=KIND_LABELS.get(report.kind, report.kind),
        starts_at=report.local_start,
        ends_at=report.local_end,
        time_zone=report.time_zone,
        place=report.place,
        project_name=report.project_name,
        client_attendees=tuple((a.name, a.title) for a in report.attendees if a.side == "client"),
        agency_attendees=tuple((a.name, a.title) for a in report.attendees if a.side == "agency"),
        guests=tuple(a.name for a in report.attendees if a.side == "guest"),
        agenda=report.agenda,
        discussion=report.discussion,
        decisions=report.decisions,
        actions=tuple(_action_line(a, day) for a in report.actions),
        next_meeting_on=report.next_meeting_on,
        next_meeting=report.next_meeting,
        written_by=account.owner_name,
        sent_on=report.sent_on,
    )


def _estimates(
    services: WorkspaceServices, account_id: int, period: Period
) -> tuple[EstimateStatusLine, ...]:
    lines = []
    for summary in services.estimates.summaries(EstimateFilter(account_id=account_id)):
        if summary.status == "draft" or summary.issued_on > period.end:
            continue
        currency = Currency.get(summary.currency)
        lines.append(
            EstimateStatusLine(
                number=summary.number,
                revision=summary.revision,
                title=summary.title,
                project=summary.project_name,
                status=ESTIMATE_STATUS.get(summary.status, summary.status),
                issued_on=summary.issued_on,
                currency=currency.code,
                minor_units=currency.minor_units,
                total=summary.totals.total,
                contracted_total=summary.contracted_total,
            )
        )
    return tuple(sorted(lines, key=lambda line: (line.issued_on, line.number)))


def _budgets(services: WorkspaceServices, account_id: int) -> tuple[ProjectBudgetLine, ...]:
    lines = []
    for project in services.projects.for_account(account_id):
        for variance in services.actuals.project_variance(project.id):
            figures = variance.figures
            net = variance.contracted_net
            margin = (
                None if net.is_zero() else round_half_up((net - figures.actual_cost) * 100 / net, 1)
            )
            lines.append(
                ProjectBudgetLine(
                    project=project.name,
                    currency=variance.currency,
                    minor_units=Currency.get(variance.currency).minor_units,
                    estimated_cost=figures.estimated_cost,
                    actual_cost=figures.actual_cost,
                    burn_percent=figures.burn_percent,
                    contracted_net=net,
                    margin_percent_so_far=margin,
                )
            )
    return tuple(lines)


STAGE_LABELS = {
    "identified": "Identified",
    "qualified": "Qualified",
    "proposal": "Proposal",
    "negotiation": "Negotiation",
    "won": "Won",
    "lost": "Lost",
}
# what the client has seen: the rest are the agency's own ideas and judgements
CLIENT_STAGES = ("proposal", "negotiation", "won")
FORECAST_MONTHS_AHEAD = 3


def _pipeline(
    services: WorkspaceServices, account_id: int, period: Period, audience: str
) -> tuple[PipelineStageLine, ...]:
    """The account's open opportunities by stage and currency, plus those won (or lost) from
    the start of the period's year to its end. The client's report has only the stages the
    client has seen and no weighted value."""
    year_start = date(period.end.year, 1, 1)
    records = []
    for record in services.opportunities.pipeline(account_id=account_id):
        if not Stage(record.stage).is_open:
            entered = max(
                (day for stage, day in record.stages if stage == record.stage), default=None
            )
            if entered is None or not year_start <= entered <= period.end:
                continue
        if audience == "client" and record.stage not in CLIENT_STAGES:
            continue
        records.append(record)
    return tuple(
        PipelineStageLine(
            stage=STAGE_LABELS.get(total.stage.value, total.stage.value),
            currency=total.currency,
            minor_units=Currency.get(total.currency).minor_units,
            count=total.count,
            amount=total.amount,
            weighted=total.weighted if audience == "internal" else None,
        )
        for total in services.opportunities.by_stage(records)
    )


def _rate_text(rate: forecast_rules.FxRate) -> str:
    text = f"1 {rate.base} = {rate.rate:f} {rate.quote} from {rate.valid_from.isoformat()}"
    return f"{text} ({rate.source})" if rate.source.strip() else text


def _forecast(services: WorkspaceServices, account_id: int, period: Period) -> ForecastSection:
    """The account's (and its child accounts') revenue from January of the period's year to
    three months after the period, in the account's currency."""
    account = services.accounts.get(account_id)
    first = date(period.end.year, 1, 1)
    count = period.end.month + FORECAST_MONTHS_AHEAD
    roll = services.forecast.roll_up(first, count, currency=account.currency, account_id=account_id)
    return ForecastSection(
        currency=roll.currency,
        minor_units=Currency.get(roll.currency).minor_units,
        months=roll.months,
        through=period.end,
        rates=tuple(_rate_text(rate) for rate in roll.rates_used),
        missing=roll.missing,
    )


def status_report_document(
    services: WorkspaceServices,
    account_id: int,
    period: Period,
    *,
    audience: Literal["client", "internal"] = "client",
    today: date | None = None,
    headline: str = "",
) -> StatusReportDocument:
    """The status report of an account for a period, for the client or for internal use."""
    account = services.accounts.get(account_id)
    issued = today or date.today()
    reports = services.contact_reports
    in_period = [
        reports.get(summary.id)
        for summary in reports.for_account(account_id)
        if summary.local_start.date() in period
    ]
    in_period.sort(key=lambda r: r.starts_at)
    meetings = tuple(
        MeetingLine(r.local_start.date(), KIND_LABELS.get(r.kind, r.kind), r.title, r.decisions)
        for r in in_period
    )
    actions = [
        action
        for action in reports.actions_for_account(account_id)
        if (action.report_date is None or action.report_date <= period.end)
        and (action.is_open or (action.status == ActionStatus.DONE and action.done_on in period))
    ]
    lines = [_action_line(a, min(issued, period.end + timedelta(days=1))) for a in actions]
    estimates = _estimates(services, account_id, period)
    decisions = tuple(
        f"Approve estimate {e.number} rev {e.revision}: {e.title}"
        for e in estimates
        if e.status == ESTIMATE_STATUS["sent"]
    )
    horizon = period.end + timedelta(days=NEXT_STEPS_DAYS)
    next_steps = [
        f"{r.next_meeting_on.isoformat()}: {r.next_meeting or 'next meeting'}"
        for r in in_period
        if r.next_meeting_on is not None and r.next_meeting_on > period.end
    ]
    next_steps += [
        f"{a.due_on.isoformat()}: {a.description} ({a.owner})"
        for a in actions
        if a.is_open and a.due_on is not None and period.end < a.due_on <= horizon
    ]
    health = account.health if account.health in ("green", "amber", "red") else ""
    # the health reason is the team's own note ("the CFO is talking to two other agencies"):
    # only the internal variant prints it; the client reads the headline the director wrote
    reason = account.health_reason if audience == "internal" else ""
    overall = RagLine("Overall", health, reason)  # type: ignore[arg-type]
    internal = None
    if audience == "internal":
        notes = tuple(
            f"{r.local_start.date().isoformat()} {r.title}: {r.internal_notes}"
            for r in in_period
            if r.internal_notes.strip()
        )
        internal = InternalSection(
            budgets=_budgets(services, account_id),
            notes=notes,
            forecast=_forecast(services, account_id, period),
        )
    return StatusReportDocument(
        agency=agency_header(services),
        client_name=account.name,
        client_legal_name=account.legal_name,
        period_code=period.code,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        issued_on=issued,
        prepared_by=account.owner_name,
        overall=overall,
        previous_rag="",
        headline=headline.strip(),
        areas=(),
        decisions_needed=decisions,
        client_actions=tuple(line for line in lines if line.side == "client"),
        agency_actions=tuple(line for line in lines if line.side != "client"),
        meetings=meetings,
        estimates=estimates,
        next_steps=tuple(sorted(next_steps)),
        internal=internal,
        pipeline=_pipeline(services, account_id, period, audience),
    )
