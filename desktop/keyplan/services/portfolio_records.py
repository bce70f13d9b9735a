"""What the portfolio dashboard shows: frozen records built by
:class:`keyplan.services.portfolio.PortfolioService`, and the month arithmetic it uses."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from keyplan.domain.forecast import FxRate

__all__ = [
    "AccountsTile",
    "CurrencyAmount",
    "HealthTierCount",
    "Kpis",
    "LookAheadItem",
    "LookAheadKind",
    "MoneyTile",
    "OverdueItem",
    "OverdueKind",
    "PortfolioOverview",
    "RevenuePoint",
    "RevenueTile",
    "StageBar",
    "add_months",
    "fiscal_year_start",
    "month_start",
]


class LookAheadKind(StrEnum):
    PROJECT_START = "project_start"
    PROJECT_END = "project_end"
    RENEWAL = "renewal"  # an open opportunity of type renewal, by its expected close
    CLOSE = "close"  # any other open opportunity's expected close
    ESTIMATE_EXPIRY = "estimate_expiry"  # a sent estimate's valid-until date
    JBP_ACTIVITY = "jbp_activity"
    MILESTONE = "milestone"  # a JBP activity of kind milestone
    REVIEW = "review"  # a business review (QBR / MBR) of a JBP, or a JBP review activity


class OverdueKind(StrEnum):
    CONTACT_REPORT = "contact_report"  # owed more than 24 hours after the meeting
    ACTION = "action"  # an open action item past its due date
    ESTIMATE = "estimate"  # still sent (awaiting approval) past its valid-until date
    JBP_ACTIVITY = "jbp_activity"  # past its end, still not done


@dataclass(frozen=True)
class CurrencyAmount:
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class MoneyTile:
    """Amounts that may be in several currencies, and their total in the reporting currency
    (None when an exchange rate is missing: see ``PortfolioOverview.missing``)."""

    count: int
    by_currency: tuple[CurrencyAmount, ...]
    total: Decimal | None
    currency: str  # the reporting currency of ``total``


@dataclass(frozen=True)
class RevenueTile:
    """Revenue of the fiscal year in the reporting currency, from the forecast roll-up."""

    currency: str
    year_start: date  # first day of the fiscal year
    through: date  # first day of the last month counted year to date (this month)
    actual_ytd: Decimal
    target_ytd: Decimal
    forecast_year: Decimal  # the forecast of every month of the fiscal year
    target_year: Decimal
    complete: bool  # False: a rate was missing, the months it hit count as nothing


@dataclass(frozen=True)
class AccountsTile:
    total: int
    red: int
    amber: int
    at_risk: int  # status "at risk" or health red: the accounts that need attention


@dataclass(frozen=True)
class Kpis:
    revenue: RevenueTile
    open_pipeline: MoneyTile  # weighted value of the open opportunities
    won_this_year: MoneyTile  # opportunities won since the fiscal year started
    awaiting_approval: MoneyTile  # estimates sent, not yet approved or rejected (totals)
    accounts: AccountsTile
    reports_overdue: int  # contact reports past the 24-hour rule
    reports_due_today: int
    actions_overdue: int  # open action items past their due date
    actions_due_this_week: int  # open, due from today to Sunday


@dataclass(frozen=True)
class RevenuePoint:
    month: date  # first day of the month
    target: Decimal | None
    forecast: Decimal | None
    actual: Decimal | None
    no_rate: bool = False  # figures left out: an exchange rate for the month is missing


@dataclass(frozen=True)
class StageBar:
    stage: str
    currency: str
    count: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class HealthTierCount:
    tier: str
    health: str
    count: int


@dataclass(frozen=True)
class LookAheadItem:
    kind: str  # a LookAheadKind value
    day: date  # when it happens (an activity: its first day, maybe before the window)
    until: date | None  # an activity's last day
    account_id: int
    account_name: str
    title: str
    detail: str  # project code, estimate number, period code, activity kind...
    ref_id: int | None = None  # the project, opportunity, estimate, activity or JBP
    amount: Decimal | None = None  # an opportunity's amount, in ``currency``
    currency: str = ""


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # an OverdueKind value
    due: date
    days_late: int
    account_id: int
    account_name: str
    title: str
    detail: str
    ref_id: int | None = None


@dataclass(frozen=True)
class PortfolioOverview:
    today: date
    currency: str  # the reporting currency
    kpis: Kpis
    revenue: tuple[RevenuePoint, ...]  # months_back before this month, then months_ahead
    pipeline_by_stage: tuple[StageBar, ...]  # per stage and currency, open stages and won
    pipeline_converted: tuple[StageBar, ...]  # the same in the reporting currency, or ()
    tiers: tuple[str, ...]  # the tiers in the order to show them
    health_by_tier: tuple[HealthTierCount, ...]
    look_ahead_start: date
    look_ahead_end: date
    look_ahead: tuple[LookAheadItem, ...]  # by day
    overdue: tuple[OverdueItem, ...]  # most overdue first
    rates_used: tuple[FxRate, ...]  # the revenue roll-ups' and the conversions' rates
    missing: tuple[str, ...]  # missing exchange rates, each a clear message

    @property
    def complete(self) -> bool:
        return not self.missing


# -- months ----------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), at the month's end when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def fiscal_year_start(today: date, start_month: int) -> date:
    """The first day of the fiscal year that holds ``today``."""
    start = date(today.year, start_month, 1)
    return start if start <= today else date(today.year - 1, start_month, 1)
