"""Joint business plans (JBP): phases, statuses, metrics, and the arithmetic of the plans
derived from them (QBPs and MBPs), of plan against actual, and of who funds what.

A JBP is agreed with the client for a year. It moves through the industry's five phases
(:class:`Phase`, in order): foundation, discover and align, initiative planning, execute,
monitor and renew. Its measures are growth targets (turnover, volume, cash margin, margin %...)
and scorecard KPIs, each with a unit, a baseline, a target for the year and a direction
(``higher_is_better``).

Deriving QBPs and MBPs (:func:`derive_targets`)
-----------------------------------------------
An *additive* measure (turnover, volume, cash margin, media spend, and a custom measure whose
unit is not a ratio unit such as %, x, points or "USD/order", see :func:`is_additive`) has its
year target split into the periods, evenly or by a seasonality profile (one weight per month
or per quarter). The split is exact: every part but the last is the exact share cut (towards
zero) to the measure's places (the currency's minor units for money, else the decimals the
target is written with), and the last period takes the remainder, so the parts add up to the
year target to the last minor unit (JPY and VND have no decimals: no part ever has one).
A *ratio* measure (margin %, share, a custom measure in %, x, points, a "per" unit...) is not
split: every period carries the year's target.

Rolling months up into a quarter (:func:`roll_up`)
---------------------------------------------------
When a quarter's actual is not entered, it is rolled up from the months of that quarter that
have one: additive measures are summed; margin % is weighted by the months' turnover actuals
(the quarter's cash margin over its turnover, recomputed: sum(m x t) / sum(t)) when the plan has
turnover for those months, otherwise, like every other ratio, the plain average of the months.
Averages are rounded half-up to 4 decimals.

Plan against actual (:func:`compare`)
-------------------------------------
variance = actual - target (in the measure's unit; percentage points for a ratio);
% achieved = actual / target x 100 when higher is better, target / actual x 100 when lower is
better, rounded half-up to 1 decimal (none when it would divide by zero);
RAG: green when the target is met (actual >= target, or <= when lower is better), amber within
:data:`AMBER_BAND` (10 %) of the target's size on the wrong side, red beyond. The workbook
writes the same rules as formulas.

Investments (:func:`funder_totals`)
-----------------------------------
Each investment is funded by the client, by the agency, or shared with a client share in %
(the client's part is rounded half-up to the currency's minor units; the agency pays the rest).
Totals are per currency, never across currencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext
from enum import StrEnum
from types import MappingProxyType

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, round_half_up
from keyplan.domain.periods import Period, PeriodKind, parse_period

__all__ = [
    "ACTION_STATUS_LABELS",
    "ACTIVITY_KIND_LABELS",
    "ACTIVITY_STATUS_LABELS",
    "AMBER_BAND",
    "CADENCE_LABELS",
    "FUNDER_LABELS",
    "KIND_LABELS",
    "METRIC_LABELS",
    "MONEY_METRICS",
    "OBJECTIVE_STATUS_LABELS",
    "PHASES",
    "PHASE_LABELS",
    "RAG_LABELS",
    "RATIO_METRICS",
    "RATIO_UNITS",
    "SIGNED_STATUSES",
    "STATUS_LABELS",
    "ActivityKind",
    "ActivityStatus",
    "Comparison",
    "Funder",
    "FunderTotal",
    "Grain",
    "JbpStatus",
    "MeasureKind",
    "Metric",
    "ObjectiveStatus",
    "Phase",
    "Progress",
    "Rag",
    "ReviewCadence",
    "Rollup",
    "achieved_percent",
    "client_part",
    "compare",
    "default_unit",
    "derive_targets",
    "funder_totals",
    "is_additive",
    "is_money_metric",
    "months_of_quarter",
    "period_codes",
    "period_in_year",
    "profile_weights",
    "progress",
    "rag",
    "roll_up",
    "rollup_rule",
    "split_target",
    "value_places",
]


class Phase(StrEnum):
    """The JBP's phases, in the order a plan goes through them."""

    FOUNDATION = "foundation"
    DISCOVER_ALIGN = "discover_align"
    INITIATIVE_PLANNING = "initiative_planning"
    EXECUTE = "execute"
    MONITOR_RENEW = "monitor_renew"

    @property
    def number(self) -> int:
        """1 to 5."""
        return PHASES.index(self) + 1


PHASES: tuple[Phase, ...] = tuple(Phase)
PHASE_LABELS: Mapping[Phase, str] = MappingProxyType(
    {
        Phase.FOUNDATION: "Foundation",
        Phase.DISCOVER_ALIGN: "Discover and align",
        Phase.INITIATIVE_PLANNING: "Initiative planning",
        Phase.EXECUTE: "Execute",
        Phase.MONITOR_RENEW: "Monitor and renew",
    }
)


class JbpStatus(StrEnum):
    DRAFT = "draft"
    IN_NEGOTIATION = "in_negotiation"
    SIGNED = "signed"
    ACTIVE = "active"
    CLOSED = "closed"


SIGNED_STATUSES = frozenset({JbpStatus.SIGNED, JbpStatus.ACTIVE, JbpStatus.CLOSED})
"""A JBP in one of these has been signed by both sides: it needs both signatures and dates."""


class ReviewCadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"


class MeasureKind(StrEnum):
    TARGET = "target"  # a growth target
    KPI = "kpi"  # a scorecard KPI


class Metric(StrEnum):
    TURNOVER = "turnover"
    VOLUME = "volume"
    CASH_MARGIN = "cash_margin"
    MARGIN_PCT = "margin_pct"
    SHARE = "share"
    MEDIA_SPEND = "media_spend"
    CUSTOM = "custom"


MONEY_METRICS = frozenset({Metric.TURNOVER, Metric.CASH_MARGIN, Metric.MEDIA_SPEND})
RATIO_METRICS = frozenset({Metric.MARGIN_PCT, Metric.SHARE})
RATIO_UNITS = frozenset({"%", "x", "pts", "points", "pp", "score", "index", "ratio", "rate"})
"""Units of a custom measure that make it a ratio (carried, averaged), not a quantity."""


class Funder(StrEnum):
    CLIENT = "client"
    AGENCY = "agency"
    SHARED = "shared"


class ObjectiveStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"


class ActivityKind(StrEnum):
    CAMPAIGN = "campaign"
    INITIATIVE = "initiative"
    EVENT = "event"
    MILESTONE = "milestone"
    REVIEW = "review"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Grain(StrEnum):
    """What a derived plan covers: a quarter (QBP) or a month (MBP)."""

    QUARTER = "quarter"
    MONTH = "month"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Rollup(StrEnum):
    """How months add up to a quarter."""

    SUM = "sum"
    WEIGHTED = "weighted"  # an average weighted by another measure (margin % by turnover)
    AVERAGE = "average"


# English names of the vocabularies, for exports and the CLI (the UI translates its own)
STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        JbpStatus.DRAFT: "Draft",
        JbpStatus.IN_NEGOTIATION: "In negotiation",
        JbpStatus.SIGNED: "Signed",
        JbpStatus.ACTIVE: "Active",
        JbpStatus.CLOSED: "Closed",
    }
)
CADENCE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        ReviewCadence.MONTHLY: "Monthly",
        ReviewCadence.QUARTERLY: "Quarterly",
        ReviewCadence.HALF_YEARLY: "Half-yearly",
    }
)
METRIC_LABELS: Mapping[str, str] = MappingProxyType(
    {
        Metric.TURNOVER: "Turnover",
        Metric.VOLUME: "Volume",
        Metric.CASH_MARGIN: "Cash margin",
        Metric.MARGIN_PCT: "Margin %",
        Metric.SHARE: "Share",
        Metric.MEDIA_SPEND: "Media spend",
        Metric.CUSTOM: "Custom",
    }
)
KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {MeasureKind.TARGET: "Growth target", MeasureKind.KPI: "KPI"}
)
FUNDER_LABELS: Mapping[str, str] = MappingProxyType(
    {Funder.CLIENT: "Client", Funder.AGENCY: "Agency", Funder.SHARED: "Shared"}
)
OBJECTIVE_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        ObjectiveStatus.NOT_STARTED: "Not started",
        ObjectiveStatus.ON_TRACK: "On track",
        ObjectiveStatus.AT_RISK: "At risk",
        ObjectiveStatus.OFF_TRACK: "Off track",
        ObjectiveStatus.DONE: "Done",
    }
)
ACTIVITY_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        ActivityKind.CAMPAIGN: "Campaign",
        ActivityKind.INITIATIVE: "Initiative",
        ActivityKind.EVENT: "Event",
        ActivityKind.MILESTONE: "Milestone",
        ActivityKind.REVIEW: "Review",
    }
)
ACTIVITY_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        ActivityStatus.PLANNED: "Planned",
        ActivityStatus.IN_PROGRESS: "In progress",
        ActivityStatus.DONE: "Done",
        ActivityStatus.CANCELLED: "Cancelled",
    }
)
ACTION_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {"open": "Open", "in_progress": "In progress", "done": "Done"}
)
RAG_LABELS: Mapping[str, str] = MappingProxyType(
    {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red"}
)

AMBER_BAND = Decimal("0.1")
"""How far on the wrong side of its target (a share of the target's size) a measure is amber."""
_MAX = Decimal(10) ** 15
_RATIO_PLACES = 4  # roll-ups of ratios and the spreadsheet's comparisons of non-money measures


# -- measures --------------------------------------------------------------------------------


def is_money_metric(metric: str) -> bool:
    return metric in MONEY_METRICS


def default_unit(metric: str, currency: str) -> str:
    """The unit a new measure of ``metric`` starts with: the JBP's currency for money."""
    if metric in MONEY_METRICS:
        return currency
    if metric in RATIO_METRICS:
        return "%"
    if metric == Metric.VOLUME:
        return "units"
    return ""


def is_additive(metric: str, unit: str) -> bool:
    """Whether a measure's year is the sum of its periods (else its target is carried)."""
    if metric in RATIO_METRICS:
        return False
    if metric == Metric.CUSTOM:
        text = unit.strip().casefold()
        per = "/" in text or text.startswith("per ") or " per " in text  # USD/order, per visit
        return not per and text not in RATIO_UNITS
    return True


def rollup_rule(metric: str, unit: str) -> Rollup:
    """How a measure's monthly actuals make its quarter's (see the module)."""
    if is_additive(metric, unit):
        return Rollup.SUM
    return Rollup.WEIGHTED if metric == Metric.MARGIN_PCT else Rollup.AVERAGE


def value_places(value: Decimal) -> int:
    """The decimals ``value`` is written with: 12.50 -> 2, 1200 -> 0, 1.2E+3 -> 0."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# -- periods ---------------------------------------------------------------------------------


def period_codes(year: int, grain: Grain | str) -> tuple[str, ...]:
    """``2026-Q1`` .. ``2026-Q4``, or ``2026-01`` .. ``2026-12``."""
    if Grain(grain) is Grain.QUARTER:
        return tuple(f"{year}-Q{quarter}" for quarter in range(1, 5))
    return tuple(f"{year}-{month:02}" for month in range(1, 13))


def period_in_year(code: str, year: int) -> Period:
    """The quarter or month ``code`` ("2026-Q2", "2026-05") of the JBP's ``year``."""
    period = parse_period(code)
    if period.kind is PeriodKind.WEEK:
        raise ValidationError("period", "Choose a quarter (2026-Q2) or a month (2026-05).")
    if period.start.year != year:
        raise ValidationError("period", f"{period.code} is not in the plan's year {year}.")
    return period


def months_of_quarter(code: str) -> tuple[str, str, str]:
    """``2026-Q2`` -> ("2026-04", "2026-05", "2026-06")."""
    period = parse_period(code)
    if period.kind is not PeriodKind.QUARTER:
        raise ValidationError("period", f"{code} is not a quarter.")
    first = period.start.month
    year = period.start.year
    return (f"{year}-{first:02}", f"{year}-{first + 1:02}", f"{year}-{first + 2:02}")


# -- deriving QBPs and MBPs ----------------------------------------------------------------------


def _exact_number(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(field, "Enter a number.")  # never a float
    number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(field, "Enter a number.")
    return number


def profile_weights(grain: Grain | str, profile: Sequence[Decimal | int] | None) -> list[Decimal]:
    """One weight per period of ``grain``: even without a profile; a profile has 12 monthly
    or 4 quarterly weights (months are summed into quarters; a quarter's weight is spread
    evenly over its months). Weights are 0 or more with a positive sum."""
    count = 4 if Grain(grain) is Grain.QUARTER else 12
    if profile is None or len(profile) == 0:
        return [Decimal(1)] * count
    weights = [_exact_number(weight, "profile") for weight in profile]
    if len(weights) not in (4, 12):
        raise ValidationError(
            "profile", "Give a seasonality profile of 12 monthly or 4 quarterly weights."
        )
    if any(weight < 0 for weight in weights):
        raise ValidationError("profile", "Seasonality weights cannot be negative.")
    if sum(weights) == 0:
        raise ValidationError("profile", "At least one seasonality weight must be above 0.")
    if len(weights) == count:
        return weights
    if count == 4:  # monthly weights into quarters
        return [sum(weights[3 * q : 3 * q + 3], Decimal(0)) for q in range(4)]
    return [weight for weight in weights for _ in range(3)]  # each quarter's weight per month


def split_target(total: Decimal, weights: Sequence[Decimal], places: int) -> list[Decimal]:
    """``total`` in parts proportional to ``weights`` whose sum is exactly ``total``.

    Every part but the last is its exact share cut towards zero to ``places`` decimals; the
    last part takes what is left (never a different sign from ``total``). E.g. 100.00 in
    three: 33.33, 33.33, 33.34; VND 1,000,000 in 12: eleven times 83,333 and 83,337.
    """
    if not isinstance(total, Decimal) or not total.is_finite():
        raise TypeError("split_target needs a finite Decimal")
    if not weights or any(w < 0 for w in weights) or sum(weights, Decimal(0)) == 0:
        raise ValueError("weights must be non-negative with a positive sum")
    places = max(places, value_places(total))  # never lose a decimal of the total itself
    quantum = Decimal(1).scaleb(-places)
    whole = sum(weights, Decimal(0))
    with localcontext() as context:
        context.prec = 60
        parts = [
            (total * weight / whole).quantize(quantum, rounding=ROUND_DOWN)
            for weight in weights[:-1]
        ]
        parts.append(total - sum(parts, Decimal(0)))
    return [part.quantize(quantum) for part in parts]


def derive_targets(
    annual: Decimal | None,
    *,
    additive: bool,
    grain: Grain | str,
    places: int,
    profile: Sequence[Decimal | int] | None = None,
) -> list[Decimal | None]:
    """The period targets of one measure for ``grain``: the year's target split (additive)
    or carried (ratio); ``None`` in every period when there is no year target."""
    weights = profile_weights(grain, profile)
    if annual is None:
        return [None] * len(weights)
    if not additive:
        return [annual] * len(weights)
    return list(split_target(annual, weights, places))


# -- rolling months up ---------------------------------------------------------------------------


def _mean(values: Sequence[Decimal]) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return round_half_up(sum(values, Decimal(0)) / len(values), _RATIO_PLACES)


def roll_up(
    values: Sequence[Decimal | None],
    rule: Rollup | str,
    weights: Sequence[Decimal | None] | None = None,
) -> Decimal | None:
    """The quarter's figure from its months' ``values`` (``None``: no actual that month).

    SUM adds them; AVERAGE is their mean; WEIGHTED is their mean weighted by ``weights``
    (e.g. margin % by turnover), over the months that have both, falling back to AVERAGE
    when the weights are missing or add up to 0. ``None`` when no month has a value.
    """
    present = [value for value in values if value is not None]
    if not present:
        return None
    rule = Rollup(rule)
    if rule is Rollup.SUM:
        return sum(present, Decimal(0))
    if rule is Rollup.WEIGHTED and weights is not None:
        pairs = [
            (value, weight)
            for value, weight in zip(values, weights, strict=True)
            if value is not None and weight is not None
        ]
        total = sum((weight for _, weight in pairs), Decimal(0))
        if pairs and len(pairs) == len(present) and total != 0:
            with localcontext() as context:
                context.prec = 60
                weighted = sum((value * weight for value, weight in pairs), Decimal(0))
                return round_half_up(weighted / total, _RATIO_PLACES)
    return _mean(present)


# -- plan against actual -------------------------------------------------------------------------


def achieved_percent(
    target: Decimal | None, actual: Decimal | None, higher_is_better: bool
) -> Decimal | None:
    """How much of the target was achieved, in % to 1 decimal (see the module)."""
    if target is None or actual is None:
        return None
    numerator, denominator = (actual, target) if higher_is_better else (target, actual)
    if denominator == 0:
        return None
    with localcontext() as context:
        context.prec = 60
        return round_half_up(numerator * 100 / denominator, 1)


def rag(target: Decimal | None, actual: Decimal | None, higher_is_better: bool) -> Rag | None:
    """Green on target, amber within :data:`AMBER_BAND` of it, red beyond; ``None`` without
    both figures."""
    if target is None or actual is None:
        return None
    ahead = actual - target if higher_is_better else target - actual
    if ahead >= 0:
        return Rag.GREEN
    if ahead + AMBER_BAND * abs(target) >= 0:
        return Rag.AMBER
    return Rag.RED


@dataclass(frozen=True, slots=True)
class Comparison:
    target: Decimal | None
    actual: Decimal | None
    variance: Decimal | None  # actual - target
    achieved_percent: Decimal | None
    rag: Rag | None


def compare(target: Decimal | None, actual: Decimal | None, higher_is_better: bool) -> Comparison:
    variance = None if target is None or actual is None else actual - target
    return Comparison(
        target,
        actual,
        variance,
        achieved_percent(target, actual, higher_is_better),
        rag(target, actual, higher_is_better),
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a measure stands in its year, for a progress bar.

    ``to_date`` compares the plan and the actual of the quarters that have an actual (summed
    for an additive measure; the latest such quarter for a ratio). ``bar`` is the actual as a
    share of the year's target (additive) or of the target (ratio), and ``marker`` where the
    plan says it should be by now, both as fractions (1 = the target).
    """

    to_date: Comparison
    quarters_reported: int
    bar: Decimal | None
    marker: Decimal | None


def progress(
    annual: Decimal | None,
    quarters: Sequence[Comparison],
    *,
    additive: bool,
    higher_is_better: bool,
) -> Progress:
    reported = [q for q in quarters if q.actual is not None]
    if not reported:
        return Progress(compare(None, None, higher_is_better), 0, None, None)
    with localcontext() as context:
        context.prec = 60
        if additive:
            targets = [q.target for q in reported if q.target is not None]
            plan = sum(targets, Decimal(0)) if len(targets) == len(reported) else None
            actual = sum((q.actual for q in reported if q.actual is not None), Decimal(0))
            to_date = compare(plan, actual, higher_is_better)
            if annual is None or annual == 0:
                return Progress(to_date, len(reported), None, None)
            bar = round_half_up(actual / annual, 4)
            marker = None if plan is None else round_half_up(plan / annual, 4)
            return Progress(to_date, len(reported), bar, marker)
        latest = reported[-1]
        to_date = compare(latest.target, latest.actual, higher_is_better)
        if latest.target is None or latest.target == 0 or latest.actual is None:
            return Progress(to_date, len(reported), None, None)
        bar = round_half_up(latest.actual / latest.target, 4)
        return Progress(to_date, len(reported), bar, Decimal(1))


# -- investments ----------------------------------------------------------------------------------


def client_part(
    amount: Decimal, funded_by: Funder | str, client_share: Decimal | None, minor_units: int
) -> Decimal:
    """What the client pays of ``amount``: all of it, none of it, or its share in %
    (half-up to the minor unit; a shared investment without a share is split 50/50)."""
    funder = Funder(funded_by)
    if funder is Funder.CLIENT:
        return amount
    if funder is Funder.AGENCY:
        return round_half_up(Decimal(0), minor_units)
    share = Decimal(50) if client_share is None else client_share
    with localcontext() as context:
        context.prec = 60
        return round_half_up(amount * share / 100, minor_units)


@dataclass(frozen=True, slots=True)
class FunderTotal:
    """The investments of one currency: by who funds them, and what each side pays."""

    currency: str
    client_funded: Decimal
    agency_funded: Decimal
    shared: Decimal
    total: Decimal
    client_pays: Decimal
    agency_pays: Decimal


def funder_totals(
    investments: Iterable[tuple[str, Decimal | None, Currency, Decimal]],
) -> list[FunderTotal]:
    """Totals per currency (by code) of (funded_by, client share %, currency, amount)."""
    sums: dict[str, list[Decimal]] = {}
    for funded_by, share, currency, amount in investments:
        if amount < 0 or amount >= _MAX:
            raise ValidationError("amount", "An investment is from 0 and below 10^15.")
        row = sums.setdefault(currency.code, [Decimal(0)] * 5)
        funder = Funder(funded_by)
        index = {Funder.CLIENT: 0, Funder.AGENCY: 1, Funder.SHARED: 2}[funder]
        row[index] += amount
        row[3] += amount
        row[4] += client_part(amount, funder, share, currency.minor_units)
    return [
        FunderTotal(code, row[0], row[1], row[2], row[3], row[4], row[3] - row[4])
        for code, row in sorted(sums.items())
    ]
