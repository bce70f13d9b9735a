"""The portfolio dashboard: KPI tiles, chart series, a six-month look-ahead and what is overdue.

:meth:`PortfolioService.overview` reads each area once - the agency, accounts, the revenue
roll-up, opportunities, estimates awaiting approval, projects, contact reports owed, action
items, JBP activities and JBP periods - never one query per account, and returns the frozen
records of :mod:`keyplan.services.portfolio_records`.

Money in different currencies is never added as it stands: totals are kept per currency, and a
total in the reporting currency is given only when the forecast service's exchange-rate table
converts every part (the same lookup the revenue roll-up makes). When a rate is missing the
total is None and ``missing`` says which rate to add, as the roll-up does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from keyplan.domain import forecast as fx
from keyplan.domain import pipeline as calc
from keyplan.domain.accounts import STANDARD_TIERS, AccountStatus, Health
from keyplan.domain.contact_reports import ActionStatus, ReportState
from keyplan.domain.errors import DomainError
from keyplan.domain.forecast import ForecastRollUp, FxRate, first_of_month
from keyplan.domain.jbp import ActivityKind, ActivityStatus, JbpStatus, ReviewCadence
from keyplan.domain.money import Currency
from keyplan.domain.periods import PeriodKind, parse_period
from keyplan.services.contact_reports import ReportSummary
from keyplan.services.estimate_records import EstimateFilter, EstimateSummary
from keyplan.services.jbp_records import JbpActivityRecord
from keyplan.services.portfolio_records import (
    AccountsTile,
    CurrencyAmount,
    HealthTierCount,
    Kpis,
    LookAheadItem,
    LookAheadKind,
    MoneyTile,
    OverdueItem,
    OverdueKind,
    PortfolioOverview,
    RevenuePoint,
    RevenueTile,
    StageBar,
    add_months,
    fiscal_year_start,
    month_start,
)
from keyplan.services.records import AccountRecord
from keyplan.store.models import (
    Account,
    ActionItem,
    Contact,
    JbpPeriod,
    JointBusinessPlan,
    Project,
    TeamMember,
)
from keyplan.store.types import utc_now

if TYPE_CHECKING:  # the facade builds this service: import it for the types only
    from keyplan.services.opportunities import OpportunityRecord
    from keyplan.services.workspace import WorkspaceServices

__all__ = ["PortfolioService"]

FINISHED_ACTIVITY_STATUSES = frozenset({ActivityStatus.DONE, ActivityStatus.CANCELLED})
ACTIVITY_KINDS = {
    ActivityKind.REVIEW.value: LookAheadKind.REVIEW,
    ActivityKind.MILESTONE.value: LookAheadKind.MILESTONE,
}
OVERDUE_LOOKBACK = timedelta(days=366)  # how far back unfinished JBP activities are looked for
OPEN_ACTIONS = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class _Action:
    id: int
    account_id: int
    description: str
    owner: str
    due_on: date


class PortfolioService:
    """Reads across the services of one workspace; writes nothing."""

    def __init__(self, services: WorkspaceServices) -> None:
        self._services = services

    def overview(
        self,
        today: date,
        *,
        currency: str | None = None,
        months_back: int = 6,
        months_ahead: int = 6,
        now: datetime | None = None,
        local_zone: tzinfo = UTC,
    ) -> PortfolioOverview:
        """The dashboard as it stands on ``today``, money in ``currency`` (None: the agency's
        default currency).

        The revenue tiles cover the fiscal year that holds ``today`` (year to date: through
        this month). The revenue series runs from ``months_back`` months before this month to
        ``months_ahead - 1`` months after it; the look-ahead from today to ``months_ahead``
        months later. ``now`` and ``local_zone`` decide what the 24-hour rule calls overdue
        (``now``: the clock when ``today`` is the current date, else noon UTC of ``today``).
        """
        if months_back < 0 or months_ahead < 1:
            raise ValueError("months_back must be 0 or more and months_ahead 1 or more")
        services = self._services
        agency = services.agency.get()
        reporting = Currency.get(currency or agency.default_currency).code
        moment = now or (
            utc_now() if today == date.today() else datetime.combine(today, time(12), tzinfo=UTC)
        )
        year_start = fiscal_year_start(today, agency.fiscal_year_start_month)
        window_end = add_months(today, months_ahead)

        # revenue: the fiscal year for the tiles, the months around today for the chart
        year = services.forecast.roll_up(year_start, 12, currency=reporting)
        chart_first = add_months(month_start(today), -months_back)
        chart_count = months_back + months_ahead
        chart = (
            year
            if (chart_first, chart_count) == (year_start, 12)
            else services.forecast.roll_up(chart_first, chart_count, currency=reporting)
        )

        accounts = services.accounts.all()
        names = {a.id: a.name for a in accounts}
        converter = _Converter(services, reporting, today)

        opportunities = services.opportunities.pipeline()
        open_records = [r for r in opportunities if calc.Stage(r.stage).is_open]
        won = [
            r
            for r in opportunities
            if r.stage == calc.Stage.WON and year_start <= (_won_on(r) or date.min) <= today
        ]
        stage_bars = tuple(
            StageBar(t.stage.value, t.currency, t.count, t.amount, t.weighted)
            for t in services.opportunities.by_stage(
                [r for r in opportunities if r.stage != calc.Stage.LOST]
            )
        )

        sent = services.estimates.summaries(EstimateFilter(statuses=frozenset({"sent"})))
        awaiting: dict[str, Decimal] = {}
        for summary in sent:
            _add(awaiting, summary.currency, summary.totals.total)

        owed = services.contact_reports.owed(now=moment, local_zone=local_zone)
        late_reports = [r for r in owed if r.state == ReportState.OVERDUE]
        sunday = today + timedelta(days=6 - today.weekday())
        actions = self._open_actions_due_by(sunday)
        late_actions = [a for a in actions if a.due_on < today]

        # ahead in the window, and the unfinished ones already past, in one read; a closed
        # JBP's calendar is history, neither ahead nor overdue
        closed = self._closed_jbps()
        activities = [
            a
            for a in services.jbp.activities_between(today - OVERDUE_LOOKBACK, window_end)
            if a.jbp_id not in closed
        ]

        ahead = [
            *self._project_dates(today, window_end, names),
            *_opportunity_dates(open_records, today, window_end),
            *_estimate_dates(sent, today, window_end),
            *_activity_dates(activities, today, window_end),
        ]
        reviewed = {(a.jbp_id, a.starts_on) for a in activities if a.kind == ActivityKind.REVIEW}
        ahead.extend(self._business_reviews(today, window_end, names, reviewed))
        ahead.sort(key=lambda item: (item.day, item.account_name.casefold(), item.title))

        tiers, health_by_tier = _health_by_tier(accounts)
        kpis = Kpis(
            revenue=_revenue_tile(year, reporting, year_start, month_start(today)),
            open_pipeline=converter.tile(open_records, weighted=True),
            won_this_year=converter.tile(won, weighted=False),
            awaiting_approval=MoneyTile(
                len(sent), _by_currency(awaiting), converter.total(awaiting), reporting
            ),
            accounts=_accounts_tile(accounts),
            reports_overdue=len(late_reports),
            reports_due_today=sum(1 for r in owed if r.state == ReportState.DUE_TODAY),
            actions_overdue=len(late_actions),
            actions_due_this_week=len(actions) - len(late_actions),
        )
        return PortfolioOverview(
            today=today,
            currency=reporting,
            kpis=kpis,
            revenue=_revenue_points(chart, chart_first, chart_count),
            pipeline_by_stage=stage_bars,
            pipeline_converted=converter.stage_bars(stage_bars),
            tiers=tiers,
            health_by_tier=health_by_tier,
            look_ahead_start=today,
            look_ahead_end=window_end,
            look_ahead=tuple(ahead),
            overdue=_overdue(
                today, local_zone, late_reports, late_actions, sent, activities, names
            ),
            rates_used=tuple(
                sorted(
                    {**dict.fromkeys((*year.rates_used, *chart.rates_used)), **converter.used},
                    key=lambda r: (r.base, r.quote, r.valid_from),
                )
            ),
            # one message per currency pair, from the first day a rate is needed
            missing=fx.missing_messages(
                {*year.missing_rates, *chart.missing_rates, *converter.missing}
            ),
        )

    # -- reads of their own: no other service lists these across accounts ----------------------

    def _open_actions_due_by(self, last_day: date) -> list[_Action]:
        """Open action items of live accounts due on or before ``last_day``, in one query."""
        with self._services.workspace.reading() as session:
            rows = session.scalars(
                select(ActionItem)
                .join(Account, Account.id == ActionItem.account_id)
                .where(
                    ActionItem.deleted_at.is_(None),
                    Account.deleted_at.is_(None),
                    ActionItem.status.in_(OPEN_ACTIONS),
                    ActionItem.due_on.is_not(None),
                    ActionItem.due_on <= last_day,
                )
                .order_by(ActionItem.due_on, ActionItem.id)
            ).all()
            contacts, members = self._owner_names(session)
            return [
                _Action(
                    row.id,
                    row.account_id,
                    row.description,
                    contacts.get(row.owner_contact_id or 0)
                    or members.get(row.owner_member_id or 0)
                    or row.owner_name,
                    row.due_on,
                )
                for row in rows
                if row.due_on is not None
            ]

    def _closed_jbps(self) -> set[int]:
        with self._services.workspace.reading() as session:
            return set(
                session.scalars(
                    select(JointBusinessPlan.id).where(
                        JointBusinessPlan.status == JbpStatus.CLOSED.value
                    )
                ).all()
            )

    @staticmethod
    def _owner_names(session: Session) -> tuple[dict[int, str], dict[int, str]]:
        """Who may own an action: contacts and team members by id."""
        contacts = {row.id: row.name for row in session.execute(select(Contact.id, Contact.name))}
        members = {
            row.id: row.name for row in session.execute(select(TeamMember.id, TeamMember.name))
        }
        return contacts, members

    def _project_dates(
        self, start: date, end: date, names: Mapping[int, str]
    ) -> list[LookAheadItem]:
        """Starts and ends of live projects in [start, end]. Projects have no milestones of
        their own: their start and end are the milestones the portfolio shows."""
        with self._services.workspace.reading() as session:
            rows = session.scalars(
                select(Project)
                .join(Account, Account.id == Project.account_id)
                .where(
                    Project.deleted_at.is_(None),
                    Account.deleted_at.is_(None),
                    Project.status != "cancelled",
                    or_(
                        Project.start_date.between(start, end),
                        Project.end_date.between(start, end),
                    ),
                )
            ).all()
            items = []
            for row in rows:
                ends = row.status not in ("closed", "delivered")  # done: nothing left to end
                for kind, day in (
                    (LookAheadKind.PROJECT_START, row.start_date),
                    (LookAheadKind.PROJECT_END, row.end_date if ends else None),
                ):
                    if day is not None and start <= day <= end:
                        items.append(
                            LookAheadItem(
                                kind.value,
                                day,
                                None,
                                row.account_id,
                                names.get(row.account_id, ""),
                                row.name,
                                row.code,
                                row.id,
                            )
                        )
            return items

    def _business_reviews(
        self,
        start: date,
        end: date,
        names: Mapping[int, str],
        reviewed: set[tuple[int, date]],
    ) -> list[LookAheadItem]:
        """The business review that closes each QBP (or MBP, for a JBP reviewed monthly; the
        second and fourth quarter for one reviewed half-yearly) of a JBP not closed, when it
        falls in [start, end] and the JBP's calendar has no review activity of its own in that
        period (``reviewed``: (JBP id, day) of those)."""
        with self._services.workspace.reading() as session:
            rows = session.execute(
                select(JbpPeriod.period, JointBusinessPlan)
                .join(JointBusinessPlan, JointBusinessPlan.id == JbpPeriod.jbp_id)
                .join(Account, Account.id == JointBusinessPlan.account_id)
                .where(
                    JointBusinessPlan.deleted_at.is_(None),
                    JointBusinessPlan.status != JbpStatus.CLOSED.value,
                    Account.deleted_at.is_(None),
                )
            ).all()
            items = []
            for code, jbp in rows:
                try:
                    period = parse_period(code)
                except DomainError:
                    continue  # a period code this page cannot place on a calendar
                monthly = jbp.review_cadence == ReviewCadence.MONTHLY
                wanted = PeriodKind.MONTH if monthly else PeriodKind.QUARTER
                if period.kind is not wanted or not start <= period.end <= end:
                    continue
                if jbp.review_cadence == ReviewCadence.HALF_YEARLY and period.end.month % 6:
                    continue  # reviewed at the half year: June and December
                if any(jbp_id == jbp.id and day in period for jbp_id, day in reviewed):
                    continue
                items.append(
                    LookAheadItem(
                        LookAheadKind.REVIEW.value,
                        period.end,
                        None,
                        jbp.account_id,
                        names.get(jbp.account_id, ""),
                        jbp.title,
                        period.code,
                        jbp.id,
                    )
                )
            return items


# -- the parts of the overview -----------------------------------------------------------------


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def _by_currency(amounts: Mapping[str, Decimal]) -> tuple[CurrencyAmount, ...]:
    return tuple(CurrencyAmount(code, amounts[code]) for code in sorted(amounts))


def _won_on(record: OpportunityRecord) -> date | None:
    """The day the opportunity last entered "won" (its expected close if no history says)."""
    days = [day for stage, day in record.stages if stage == calc.Stage.WON]
    return days[-1] if days else record.expected_close


def _revenue_tile(
    year: ForecastRollUp, currency: str, year_start: date, this_month: date
) -> RevenueTile:
    def total(values: Iterable[Decimal | None]) -> Decimal:
        return sum((v for v in values if v is not None), Decimal(0))

    to_date = [m for m in year.months if m.month <= this_month]
    return RevenueTile(
        currency=currency,
        year_start=year_start,
        through=this_month,
        actual_ytd=total(m.actual for m in to_date),
        target_ytd=total(m.target for m in to_date),
        forecast_year=total(m.forecast for m in year.months),
        target_year=total(m.target for m in year.months),
        complete=year.complete,
    )


def _revenue_points(chart: ForecastRollUp, first: date, count: int) -> tuple[RevenuePoint, ...]:
    by_month = {m.month: m for m in chart.months}
    no_rate = {first_of_month(m.on) for m in chart.missing_rates}
    points = []
    for month in (add_months(first, n) for n in range(count)):
        figures = by_month.get(month)
        points.append(
            RevenuePoint(month, figures.target, figures.forecast, figures.actual, month in no_rate)
            if figures is not None
            else RevenuePoint(month, None, None, None, month in no_rate)
        )
    return tuple(points)


def _accounts_tile(accounts: Sequence[AccountRecord]) -> AccountsTile:
    return AccountsTile(
        total=len(accounts),
        red=sum(1 for a in accounts if a.health == Health.RED),
        amber=sum(1 for a in accounts if a.health == Health.AMBER),
        at_risk=sum(
            1 for a in accounts if a.health == Health.RED or a.status == AccountStatus.AT_RISK
        ),
    )


def _health_by_tier(
    accounts: Sequence[AccountRecord],
) -> tuple[tuple[str, ...], tuple[HealthTierCount, ...]]:
    """The tiers in use (the standard ones first, in their order) and the accounts of each
    tier by health."""
    counts = Counter((a.tier, a.health) for a in accounts)
    used = {tier for tier, _health in counts}
    tiers = [t for t in STANDARD_TIERS if t in used]
    tiers += sorted(used - set(tiers), key=str.casefold)
    return tuple(tiers), tuple(
        HealthTierCount(tier, health.value, counts[(tier, health.value)])
        for tier in tiers
        for health in Health
        if counts[(tier, health.value)]
    )


def _opportunity_dates(
    records: Iterable[OpportunityRecord], start: date, end: date
) -> list[LookAheadItem]:
    """Expected closes of open opportunities in [start, end]: renewals apart."""
    return [
        LookAheadItem(
            (
                LookAheadKind.RENEWAL
                if r.kind == calc.OpportunityType.RENEWAL
                else LookAheadKind.CLOSE
            ).value,
            r.expected_close,
            None,
            r.account_id,
            r.account_name,
            r.name,
            "",
            r.id,
            r.amount,
            r.currency,
        )
        for r in records
        if r.expected_close is not None and start <= r.expected_close <= end
    ]


def _estimate_dates(sent: Iterable[EstimateSummary], start: date, end: date) -> list[LookAheadItem]:
    """The day each estimate awaiting approval stops being valid, when in [start, end]."""
    return [
        LookAheadItem(
            LookAheadKind.ESTIMATE_EXPIRY.value,
            s.valid_until,
            None,
            s.account_id,
            s.account_name,
            s.title,
            s.number,
            s.revision_id,
        )
        for s in sent
        if s.valid_until is not None and start <= s.valid_until <= end
    ]


def _activity_dates(
    activities: Iterable[JbpActivityRecord], start: date, end: date
) -> list[LookAheadItem]:
    """JBP activities that run into [start, end] (one begun earlier still shows)."""
    items = []
    for activity in activities:
        if (activity.ends_on or activity.starts_on) < start or activity.starts_on > end:
            continue
        kind = ACTIVITY_KINDS.get(activity.kind, LookAheadKind.JBP_ACTIVITY)
        items.append(
            LookAheadItem(
                kind.value,
                activity.starts_on,
                activity.ends_on,
                activity.account_id,
                activity.account_name,
                activity.name,
                activity.kind if kind is LookAheadKind.JBP_ACTIVITY else "",
                activity.id,
            )
        )
    return items


def _overdue(
    today: date,
    zone: tzinfo,
    reports: Iterable[ReportSummary],
    actions: Iterable[_Action],
    sent: Iterable[EstimateSummary],
    activities: Iterable[JbpActivityRecord],
    names: Mapping[int, str],
) -> tuple[OverdueItem, ...]:
    """Everything past its date, the longest overdue first."""
    items: list[OverdueItem] = []

    def late(
        kind: OverdueKind, due: date, account_id: int, title: str, detail: str, ref: int
    ) -> None:
        account = names.get(account_id, "")
        items.append(
            OverdueItem(
                kind.value, due, (today - due).days, account_id, account, title, detail, ref
            )
        )

    for report in reports:
        due = report.due_at.astimezone(zone).date()
        meeting = report.local_start.date().isoformat()
        late(OverdueKind.CONTACT_REPORT, due, report.account_id, report.title, meeting, report.id)
    for action in actions:
        late(
            OverdueKind.ACTION,
            action.due_on,
            action.account_id,
            action.description,
            action.owner,
            action.id,
        )
    for s in sent:
        if s.valid_until is not None and s.valid_until < today:
            late(
                OverdueKind.ESTIMATE, s.valid_until, s.account_id, s.title, s.number, s.revision_id
            )
    for activity in activities:
        last = activity.ends_on or activity.starts_on
        if last < today and activity.status not in FINISHED_ACTIVITY_STATUSES:
            late(
                OverdueKind.JBP_ACTIVITY,
                last,
                activity.account_id,
                activity.name,
                activity.owner,
                activity.id,
            )
    return tuple(sorted(items, key=lambda i: (i.due, i.account_name.casefold(), i.title)))


class _Converter:
    """Totals in the reporting currency at the rates of the forecast service's table in force
    on ``on``; a missing rate leaves the total None and is noted in ``missing``."""

    def __init__(self, services: WorkspaceServices, currency: str, on: date) -> None:
        self.table = services.forecast.rate_table()
        self.currency = Currency.get(currency)
        self.on = on
        self.missing: list[fx.MissingRate] = []
        self.used: dict[FxRate, None] = {}

    def amount(self, amount: Decimal, source: str) -> Decimal | None:
        conversion = self.table.lookup(source, self.currency.code, self.on)
        if conversion is None:
            self.missing.append(fx.MissingRate(source, self.currency.code, self.on))
            return None
        if conversion.rate is not None:
            self.used[conversion.rate] = None
        return fx.convert(amount, conversion, self.currency)

    def total(self, amounts: Mapping[str, Decimal]) -> Decimal | None:
        """Each currency's total converted (rounded once per currency), then added."""
        parts = [self.amount(amount, code) for code, amount in sorted(amounts.items())]
        if any(part is None for part in parts):
            return None
        return sum((p for p in parts if p is not None), Decimal(0))

    def tile(self, records: Sequence[OpportunityRecord], *, weighted: bool) -> MoneyTile:
        amounts: dict[str, Decimal] = {}
        for record in records:
            _add(amounts, record.currency, record.weighted if weighted else record.amount)
        return MoneyTile(
            len(records), _by_currency(amounts), self.total(amounts), self.currency.code
        )

    def stage_bars(self, bars: Iterable[StageBar]) -> tuple[StageBar, ...]:
        """The bars of every currency converted and added per stage; () when a rate is
        missing (the chart then shows one currency at a time)."""
        by_stage: dict[str, list[StageBar]] = {}
        for bar in bars:
            by_stage.setdefault(bar.stage, []).append(bar)
        converted = []
        for stage, parts in by_stage.items():
            amount = self.total({p.currency: p.amount for p in parts})
            weighted = self.total({p.currency: p.weighted for p in parts})
            if amount is None or weighted is None:
                return ()
            count = sum(p.count for p in parts)
            converted.append(StageBar(stage, self.currency.code, count, amount, weighted))
        return tuple(converted)
