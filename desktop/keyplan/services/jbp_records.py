"""The records and drafts of joint business plans, and the business review computed from a
record (plan against actual for a quarter or a month; the scorecard by quarter).

Records are plain snapshots (never ORM rows). :func:`business_review` and :func:`scorecard`
work on a :class:`JbpRecord` only, so the service, the exports and the CLI compute plan
against actual in exactly one way (the rules are in :mod:`keyplan.domain.jbp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from keyplan.domain import jbp as rules
from keyplan.domain.periods import PeriodKind

__all__ = [
    "ActivityDraft",
    "BusinessReview",
    "InvestmentDraft",
    "JbpActivityRecord",
    "JbpInvestmentRecord",
    "JbpMeasureRecord",
    "JbpObjectiveRecord",
    "JbpPeriodActionRecord",
    "JbpPeriodRecord",
    "JbpPeriodValueRecord",
    "JbpRecord",
    "JbpSummary",
    "MeasureDraft",
    "ObjectiveDraft",
    "PeriodActionDraft",
    "PeriodDerivation",
    "RemovedRows",
    "ReviewLine",
    "ScorecardRow",
    "business_review",
    "scorecard",
]


# -- drafts: what a user fills in to add something --------------------------------------------


@dataclass(frozen=True)
class ObjectiveDraft:
    statement: str
    client_owner: str = ""
    agency_owner: str = ""
    status: str = "not_started"


@dataclass(frozen=True)
class MeasureDraft:
    name: str
    kind: str = "target"  # target | kpi
    metric: str = "custom"
    unit: str | None = None  # None: the metric's default (the JBP's currency for money)
    baseline: Decimal | None = None
    target: Decimal | None = None
    higher_is_better: bool = True


@dataclass(frozen=True)
class InvestmentDraft:
    description: str
    amount: Decimal = Decimal(0)
    funded_by: str = "shared"
    client_share: Decimal | None = None  # % the client pays of a shared investment (50)
    currency: str = ""  # empty: the JBP's currency
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class ActivityDraft:
    name: str
    starts_on: date
    ends_on: date | None = None
    kind: str = "campaign"
    owner: str = ""
    status: str = "planned"


@dataclass(frozen=True)
class PeriodActionDraft:
    description: str
    owner: str = ""
    due: date | None = None
    status: str = "open"


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JbpSummary:
    id: int
    account_id: int
    year: int
    title: str
    status: str
    phase: str
    currency: str


@dataclass(frozen=True)
class JbpObjectiveRecord:
    id: int
    jbp_id: int
    statement: str
    client_owner: str
    agency_owner: str
    status: str
    position: int


@dataclass(frozen=True)
class JbpMeasureRecord:
    id: int
    jbp_id: int
    kind: str
    metric: str
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    higher_is_better: bool
    position: int
    additive: bool  # split into periods and summed (else carried and averaged)
    is_money: bool  # its unit is a currency: values at its minor units

    @property
    def growth(self) -> Decimal | None:
        """Target less baseline."""
        if self.target is None or self.baseline is None:
            return None
        return self.target - self.baseline

    @property
    def growth_percent(self) -> Decimal | None:
        """The growth as % of the baseline (1 decimal); None from a baseline of 0."""
        growth = self.growth
        if growth is None or self.baseline is None or self.baseline == 0:
            return None
        return rules.achieved_percent(abs(self.baseline), growth, True)


@dataclass(frozen=True)
class JbpInvestmentRecord:
    id: int
    jbp_id: int
    description: str
    funded_by: str
    client_share: Decimal | None  # % of a shared investment the client pays
    currency: str
    amount: Decimal
    client_pays: Decimal
    agency_pays: Decimal
    starts_on: date | None
    ends_on: date | None
    position: int


@dataclass(frozen=True)
class JbpActivityRecord:
    id: int
    jbp_id: int
    account_id: int
    account_name: str
    name: str
    kind: str
    starts_on: date
    ends_on: date | None
    owner: str
    status: str


@dataclass(frozen=True)
class JbpPeriodValueRecord:
    measure_id: int
    target: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class JbpPeriodActionRecord:
    id: int
    period_id: int
    description: str
    owner: str
    due: date | None
    status: str
    position: int


@dataclass(frozen=True)
class JbpPeriodRecord:
    """A QBP ("2026-Q2") or an MBP ("2026-05")."""

    id: int
    jbp_id: int
    period: str
    kind: str  # quarter | month
    label: str  # "Q2 2026", "May 2026"
    starts_on: date
    ends_on: date
    focus: str
    commentary: str
    values: tuple[JbpPeriodValueRecord, ...]
    actions: tuple[JbpPeriodActionRecord, ...]

    def value(self, measure_id: int) -> JbpPeriodValueRecord | None:
        return next((v for v in self.values if v.measure_id == measure_id), None)


@dataclass(frozen=True)
class JbpRecord:
    id: int
    account_id: int
    account_name: str
    year: int
    title: str
    status: str
    phase: str
    vision: str
    currency: str
    review_cadence: str
    client_signatory: str
    client_signed_on: date | None
    agency_signatory: str
    agency_signed_on: date | None
    internal_notes: str
    objectives: tuple[JbpObjectiveRecord, ...]
    measures: tuple[JbpMeasureRecord, ...]
    investments: tuple[JbpInvestmentRecord, ...]
    activities: tuple[JbpActivityRecord, ...]
    periods: tuple[JbpPeriodRecord, ...]  # quarters first, then months, in order
    funder_totals: tuple[rules.FunderTotal, ...]

    @property
    def targets(self) -> tuple[JbpMeasureRecord, ...]:
        return tuple(m for m in self.measures if m.kind == rules.MeasureKind.TARGET)

    @property
    def kpis(self) -> tuple[JbpMeasureRecord, ...]:
        return tuple(m for m in self.measures if m.kind == rules.MeasureKind.KPI)

    @property
    def quarters(self) -> tuple[JbpPeriodRecord, ...]:
        return tuple(p for p in self.periods if p.kind == PeriodKind.QUARTER)

    @property
    def months(self) -> tuple[JbpPeriodRecord, ...]:
        return tuple(p for p in self.periods if p.kind == PeriodKind.MONTH)

    def period(self, code: str) -> JbpPeriodRecord | None:
        return next((p for p in self.periods if p.period == code), None)

    def measure(self, measure_id: int) -> JbpMeasureRecord | None:
        return next((m for m in self.measures if m.id == measure_id), None)


# -- what undo needs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemovedRows:
    """What a delete took away, table by table (parents first), column by column: enough to
    put it back exactly (same ids)."""

    tables: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.tables)


@dataclass(frozen=True)
class PeriodDerivation:
    """What :meth:`JbpService.derive_periods` did (or, previewed, would do).

    ``created_periods`` are (period code, id); ``created_values`` (value id, period id,
    measure id); ``replaced_targets`` (value id, target before, target after) for values
    that existed. Actuals are never touched: ``actuals_kept`` counts those already entered.
    """

    jbp_id: int
    grain: str
    profile: tuple[Decimal, ...] | None
    created_periods: tuple[tuple[str, int], ...]
    created_values: tuple[tuple[int, int, int], ...]
    replaced_targets: tuple[tuple[int, Decimal | None, Decimal | None], ...]
    actuals_kept: int

    @property
    def changed_targets(self) -> int:
        """Targets that had a value and get another one (perhaps an edit of the user's)."""
        return sum(1 for _, before, after in self.replaced_targets if before is not None)

    @property
    def is_empty(self) -> bool:
        return not (
            self.created_periods
            or self.created_values
            or any(before != after for _, before, after in self.replaced_targets)
        )


# -- the business review ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewLine:
    """One measure in one period: plan against actual."""

    measure_id: int
    kind: str
    name: str
    metric: str
    unit: str
    higher_is_better: bool
    additive: bool
    is_money: bool
    annual_target: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    variance: Decimal | None
    achieved_percent: Decimal | None
    rag: str | None  # green | amber | red
    actual_source: str  # "entered", "months" (rolled up) or "" (no actual)
    months_reported: int  # how many months the rolled-up actual comes from

    @property
    def comparison(self) -> rules.Comparison:
        return rules.Comparison(
            self.target,
            self.actual,
            self.variance,
            self.achieved_percent,
            rules.Rag(self.rag) if self.rag else None,
        )


@dataclass(frozen=True)
class BusinessReview:
    jbp_id: int
    period: str  # "2026-Q2" or "2026-05"
    kind: str  # quarter | month
    label: str
    starts_on: date
    ends_on: date
    planned: bool  # a QBP/MBP exists for it (or, for a quarter, MBPs of its months)
    lines: tuple[ReviewLine, ...]
    focus: str
    commentary: str
    actions: tuple[JbpPeriodActionRecord, ...]


@dataclass(frozen=True)
class ScorecardRow:
    measure: JbpMeasureRecord
    quarters: tuple[ReviewLine, ...]  # Q1 .. Q4
    progress: rules.Progress


def _month_figures(
    record: JbpRecord, months: tuple[JbpPeriodRecord, ...], measure_id: int, field: str
) -> list[Decimal | None]:
    figures: list[Decimal | None] = []
    for month in months:
        value = month.value(measure_id)
        figures.append(None if value is None else getattr(value, field))
    return figures


def _turnover(record: JbpRecord) -> JbpMeasureRecord | None:
    """The measure that weights margin % (targets before KPIs)."""
    return next((m for m in record.measures if m.metric == rules.Metric.TURNOVER), None)


def _line(
    record: JbpRecord,
    measure: JbpMeasureRecord,
    own: JbpPeriodRecord | None,
    months: tuple[JbpPeriodRecord, ...],
) -> ReviewLine:
    rule = rules.rollup_rule(measure.metric, measure.unit)
    value = own.value(measure.id) if own is not None else None
    target = value.target if value is not None else None
    if target is None and months:  # a quarter planned month by month
        target = rules.roll_up(
            _month_figures(record, months, measure.id, "target"),
            rules.Rollup.SUM if measure.additive else rules.Rollup.AVERAGE,
        )
    actual = value.actual if value is not None else None
    source, reported = ("entered", 0) if actual is not None else ("", 0)
    if actual is None and months:
        actuals = _month_figures(record, months, measure.id, "actual")
        weights = None
        turnover = _turnover(record)
        if rule is rules.Rollup.WEIGHTED and turnover is not None:
            weights = _month_figures(record, months, turnover.id, "actual")
        actual = rules.roll_up(actuals, rule, weights)
        reported = sum(1 for a in actuals if a is not None)
        source = "months" if actual is not None else ""
        if measure.additive and 0 < reported < 3:
            # a quarter under way: its actual so far against the plan of the same months
            targets = _month_figures(record, months, measure.id, "target")
            so_far = [t for t, a in zip(targets, actuals, strict=True) if a is not None]
            if all(t is not None for t in so_far):
                target = sum((t for t in so_far if t is not None), Decimal(0))
    comparison = rules.compare(target, actual, measure.higher_is_better)
    return ReviewLine(
        measure_id=measure.id,
        kind=measure.kind,
        name=measure.name,
        metric=measure.metric,
        unit=measure.unit,
        higher_is_better=measure.higher_is_better,
        additive=measure.additive,
        is_money=measure.is_money,
        annual_target=measure.target,
        target=target,
        actual=actual,
        variance=comparison.variance,
        achieved_percent=comparison.achieved_percent,
        rag=comparison.rag.value if comparison.rag else None,
        actual_source=source,
        months_reported=reported,
    )


def business_review(record: JbpRecord, code: str) -> BusinessReview:
    """Plan against actual of every measure for the quarter or month ``code``.

    A quarter's figures are its QBP's; a figure the QBP lacks (or all of them, without a QBP)
    comes from the MBPs of its months: targets summed (ratios averaged), actuals rolled up by
    :func:`keyplan.domain.jbp.roll_up`. While only some of its months have an actual, an
    additive measure's actual so far is set against the targets of those months (quarter to
    date: ``months_reported`` says how many). A month has its MBP's figures only.
    """
    period = rules.period_in_year(code, record.year)
    own = record.period(period.code)
    months: tuple[JbpPeriodRecord, ...] = ()
    if period.kind is PeriodKind.QUARTER:
        wanted = rules.months_of_quarter(period.code)
        months = tuple(p for code_ in wanted if (p := record.period(code_)) is not None)
    lines = tuple(_line(record, measure, own, months) for measure in record.measures)
    return BusinessReview(
        jbp_id=record.id,
        period=period.code,
        kind=period.kind.value,
        label=period.label,
        starts_on=period.start,
        ends_on=period.end,
        planned=own is not None or bool(months),
        lines=lines,
        focus=own.focus if own else "",
        commentary=own.commentary if own else "",
        actions=own.actions if own else (),
    )


def scorecard(record: JbpRecord) -> tuple[ScorecardRow, ...]:
    """Every measure by quarter (growth targets first, then KPIs) with its progress."""
    reviews = [business_review(record, code) for code in rules.period_codes(record.year, "quarter")]
    rows = []
    for index, measure in enumerate(record.measures):
        quarters = tuple(review.lines[index] for review in reviews)
        rows.append(
            ScorecardRow(
                measure,
                quarters,
                rules.progress(
                    measure.target,
                    [line.comparison for line in quarters],
                    additive=measure.additive,
                    higher_is_better=measure.higher_is_better,
                ),
            )
        )
    return tuple(rows)
