"""Estimate versus actual: what the work was estimated to cost and what it did cost.

The *baseline* is the contract: the approved revision (before approval: the latest revision)
plus the approved change orders, each a :class:`BaselinePart` with the prefix of its line
references ("" for the revision, "CO1-" for change order 1; see
:func:`keyplan.domain.estimates.line_refs`). *Actuals* are cost (and, for time, hours) booked to
one line or, when finance cannot say which line, to a whole section.

:func:`compute_variance` compares them line by line, section by section and for the whole
estimate; :func:`combine` adds estimates up (per currency) for a project.

Rules
-----
- Estimated cost of a line = its internal cost ``r(quantity x unit_cost)``; estimated hours =
  its quantity for a labour line priced per hour, quantity x ``hours_per_day`` per day, none for
  other lines (a fixed fee has no hours to compare).
- Optional lines are listed with their estimate, but like in the estimate's totals their
  estimate counts in no section or estimate total (their actuals, if any, do).
- Variance = actual - estimated (positive: over budget); variance % and burn % (actual as a
  share of the estimate) are rounded half-up to 1 decimal and are ``None`` when the estimate is
  0. Nothing else is rounded: actual costs are in the currency's minor units already.
- Actuals booked to a line or section that is no longer in the baseline (the line was dropped in
  a later revision) are kept and shown as *unmatched*; they count in the estimate's actual total.
- Margin: contracted net (revision + approved change orders, before tax) minus cost, estimated
  and actual; margin % as in the estimate (2 decimals, ``None`` when the net is 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import (
    DESCRIPTION_MAX,
    MAX_AMOUNT,
    LineKind,
    PricedDocument,
    compute_totals,
    line_amount,
    line_cost,
    line_refs,
)
from keyplan.domain.money import Currency, round_half_up

__all__ = [
    "HOUR_UNITS",
    "MAX_HOURS",
    "REFERENCE_MAX",
    "ActualEntry",
    "BaselinePart",
    "EstimateVariance",
    "LineVariance",
    "SectionVariance",
    "VarianceFigures",
    "combine",
    "compute_variance",
    "estimated_hours",
    "validate_actual",
]

HOUR_UNITS = {"hour": Decimal(1), "hours": Decimal(1), "h": Decimal(1), "hr": Decimal(1)}
DAY_UNITS = frozenset({"day", "days", "d"})
MAX_HOURS = Decimal(1_000_000)
"""The hours of one entry must be below this in absolute value."""
REFERENCE_MAX = 120
"""Most characters of an entry's reference (invoice or timesheet number)."""

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class BaselinePart:
    """One priced document of the contract: the revision or an approved change order."""

    label: str  # "Revision 2", "Change order 1"
    document: PricedDocument
    ref_prefix: str = ""


@dataclass(frozen=True, slots=True)
class ActualEntry:
    """Cost (and hours) booked to a line (``line_key``) or to a whole section."""

    cost: Decimal
    hours: Decimal | None = None
    line_key: str | None = None
    section_key: str | None = None


@dataclass(frozen=True, slots=True)
class VarianceFigures:
    """Estimated and actual cost and hours of a line, section, estimate or project."""

    estimated_cost: Decimal
    actual_cost: Decimal
    estimated_hours: Decimal | None = None
    actual_hours: Decimal | None = None

    @property
    def cost_variance(self) -> Decimal:
        return self.actual_cost - self.estimated_cost

    @property
    def cost_variance_percent(self) -> Decimal | None:
        return _percent(self.cost_variance, self.estimated_cost)

    @property
    def burn_percent(self) -> Decimal | None:
        """Actual cost as a share of the estimated cost."""
        return _percent(self.actual_cost, self.estimated_cost)

    @property
    def hours_variance(self) -> Decimal | None:
        if self.estimated_hours is None and self.actual_hours is None:
            return None
        return (self.actual_hours or _ZERO) - (self.estimated_hours or _ZERO)

    def __add__(self, other: VarianceFigures) -> VarianceFigures:
        return VarianceFigures(
            self.estimated_cost + other.estimated_cost,
            self.actual_cost + other.actual_cost,
            _add_optional(self.estimated_hours, other.estimated_hours),
            _add_optional(self.actual_hours, other.actual_hours),
        )


def _add_optional(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole.is_zero():
        return None
    return round_half_up(part * _HUNDRED / whole, 1)


@dataclass(frozen=True, slots=True)
class LineVariance:
    key: str
    ref: str
    section_key: str
    description: str
    kind: LineKind
    quantity: Decimal
    unit: str
    optional: bool
    amount: Decimal  # the client price of the line
    figures: VarianceFigures


@dataclass(frozen=True, slots=True)
class SectionVariance:
    key: str
    name: str
    part: str  # the label of its baseline part
    lines: tuple[LineVariance, ...]
    unallocated: VarianceFigures  # actuals booked to the section, not to a line
    figures: VarianceFigures  # the section's total (non-optional estimates + all actuals)
    ref: str = ""  # "2" for the second section, "CO1-1" for a change order's first


@dataclass(frozen=True, slots=True)
class EstimateVariance:
    currency: Currency
    sections: tuple[SectionVariance, ...]
    unmatched: VarianceFigures  # actuals on lines or sections no longer in the baseline
    figures: VarianceFigures
    contracted_net: Decimal

    @property
    def estimated_margin(self) -> Decimal:
        return self.contracted_net - self.figures.estimated_cost

    @property
    def actual_margin(self) -> Decimal:
        return self.contracted_net - self.figures.actual_cost

    @property
    def estimated_margin_percent(self) -> Decimal | None:
        return _margin_percent(self.estimated_margin, self.contracted_net)

    @property
    def actual_margin_percent(self) -> Decimal | None:
        return _margin_percent(self.actual_margin, self.contracted_net)

    def line(self, key: str) -> LineVariance:
        for section in self.sections:
            for line in section.lines:
                if line.key == key:
                    return line
        raise KeyError(key)


def _margin_percent(margin: Decimal, net: Decimal) -> Decimal | None:
    return None if net.is_zero() else round_half_up(margin * _HUNDRED / net, 2)


def estimated_hours(
    kind: LineKind, quantity: Decimal, unit: str, hours_per_day: Decimal
) -> Decimal | None:
    """The hours a line plans, or None when it is not priced by time."""
    if kind is not LineKind.LABOUR:
        return None
    name = unit.strip().casefold()
    if name in HOUR_UNITS:
        return quantity
    if name in DAY_UNITS:
        return quantity * hours_per_day
    return None


def compute_variance(
    parts: Sequence[BaselinePart],
    actuals: Iterable[ActualEntry],
    *,
    hours_per_day: Decimal = Decimal(8),
) -> EstimateVariance:
    """Compare the baseline ``parts`` (all in one currency) with the ``actuals``."""
    if not parts:
        raise ValueError("a variance needs at least one baseline part")
    currency = parts[0].document.currency
    if any(part.document.currency != currency for part in parts):
        raise ValueError("every baseline part must be in the same currency")
    by_line: dict[str, list[ActualEntry]] = {}
    by_section: dict[str, list[ActualEntry]] = {}
    for entry in actuals:
        if entry.line_key is not None:
            by_line.setdefault(entry.line_key, []).append(entry)
        elif entry.section_key is not None:
            by_section.setdefault(entry.section_key, []).append(entry)
        else:
            raise ValueError("an actual must name a line or a section")

    sections: list[SectionVariance] = []
    zero = round_half_up(_ZERO, currency.minor_units)  # 0.00 in USD, 0 in JPY
    contracted_net = zero
    for part in parts:
        document = part.document
        contracted_net += compute_totals(document).net
        refs = line_refs(document, part.ref_prefix)
        for number, section in enumerate(document.sections, 1):
            lines: list[LineVariance] = []
            total = VarianceFigures(zero, zero)
            for line in document.lines:
                if line.section_key != section.key:
                    continue
                booked = _sum(by_line.pop(line.key, []), zero)
                planned_hours = estimated_hours(line.kind, line.quantity, line.unit, hours_per_day)
                figures = VarianceFigures(
                    line_cost(line, currency),
                    booked.actual_cost,
                    planned_hours,
                    booked.actual_hours,
                )
                lines.append(
                    LineVariance(
                        key=line.key,
                        ref=refs[line.key],
                        section_key=section.key,
                        description=line.description,
                        kind=line.kind,
                        quantity=line.quantity,
                        unit=line.unit,
                        optional=line.optional,
                        amount=line_amount(line, currency),
                        figures=figures,
                    )
                )
                total += booked if line.optional else figures
            unallocated = _sum(by_section.pop(section.key, []), zero)
            total += unallocated
            sections.append(
                SectionVariance(
                    section.key,
                    section.name,
                    part.label,
                    tuple(lines),
                    unallocated,
                    total,
                    f"{part.ref_prefix}{number}",
                )
            )
    leftovers = [
        entry for entries in (*by_line.values(), *by_section.values()) for entry in entries
    ]
    unmatched = _sum(leftovers, zero)
    figures = VarianceFigures(zero, zero)
    for section_variance in sections:
        figures += section_variance.figures
    figures += unmatched
    return EstimateVariance(currency, tuple(sections), unmatched, figures, contracted_net)


def _sum(entries: Iterable[ActualEntry], zero: Decimal) -> VarianceFigures:
    cost = zero
    hours: Decimal | None = None
    for entry in entries:
        cost += entry.cost
        if entry.hours is not None:
            hours = (hours or _ZERO) + entry.hours
    return VarianceFigures(zero, cost, None, hours)


def combine(variances: Iterable[EstimateVariance]) -> dict[str, tuple[VarianceFigures, Decimal]]:
    """Per currency code: the summed figures and contracted net of several estimates."""
    result: dict[str, tuple[VarianceFigures, Decimal]] = {}
    for variance in variances:
        code = variance.currency.code
        zero = round_half_up(_ZERO, variance.currency.minor_units)
        figures, net = result.get(code, (VarianceFigures(zero, zero), zero))
        result[code] = (figures + variance.figures, net + variance.contracted_net)
    return result


def validate_actual(
    *,
    cost: Decimal,
    hours: Decimal | None,
    currency: Currency,
    entry_date: date,
    description: str = "",
    reference: str = "",
) -> None:
    """Refuse what cannot be an actual; ``ValidationError.field`` names the attribute.

    Cost may be negative (a credit note or a reversal), so may hours (a timesheet correction).
    """
    if isinstance(cost, bool) or not isinstance(cost, Decimal) or not cost.is_finite():
        raise ValidationError("cost", "The actual cost must be a number.")
    if abs(cost) >= MAX_AMOUNT:
        raise ValidationError("cost", "The actual cost is too large.")
    # by value, like the estimate rules: 1500.00 is a whole number of yen
    if round_half_up(cost, currency.minor_units) != cost:
        places = currency.minor_units
        where = "whole numbers" if places == 0 else f"at most {places} decimals"
        raise ValidationError("cost", f"{currency.code} amounts have {where}.")
    if hours is not None:
        if isinstance(hours, bool) or not isinstance(hours, Decimal) or not hours.is_finite():
            raise ValidationError("hours", "The hours must be a number.")
        if abs(hours) >= MAX_HOURS:
            raise ValidationError("hours", "The hours are too many for one entry.")
        if round_half_up(hours, 2) != hours:
            raise ValidationError("hours", "Enter hours with at most 2 decimals.")
    if not isinstance(entry_date, date) or not 1990 <= entry_date.year <= 2200:
        raise ValidationError("entry_date", "Enter a date from 1990 to 2200.")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            "description", f"The description is longer than {DESCRIPTION_MAX:,} characters."
        )
    if len(reference) > REFERENCE_MAX:
        raise ValidationError(
            "reference", f"The reference is longer than {REFERENCE_MAX} characters."
        )
