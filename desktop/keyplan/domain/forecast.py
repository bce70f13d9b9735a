"""Revenue forecast arithmetic: months, exchange rates and portfolio roll-ups.

Months
------
A month is the date of its first day (``date(2026, 3, 1)``); :func:`first_of_month`,
:func:`add_months` and :func:`month_range` do the calendar arithmetic. A forecast snapshot
belongs to an ISO week, named by its Monday (:func:`week_start`).

Exchange rates (DOMAIN.md: "Conversions between currencies use an exchange-rate table kept in
the workspace (rate, date, source), entered by the user")
--------------------------------------------------------------------------------------------
- A stored rate says one unit of ``base`` is worth ``rate`` units of ``quote`` from
  ``valid_from`` on.
- A month is converted at the rate in force on its **last** day (:func:`rate_day`): the latest
  ``valid_from`` on or before the month's end. So a rate entered today converts this month and
  every later month, and a month that has ended keeps the rate it closed with. (Month start was
  the alternative; it would leave the current month unconverted until the user backdated a
  rate typed mid-month.)
- Either direction of a stored pair serves: USD→VND 25,400 converts VND into USD by dividing.
  When both directions have a rate, the more recent ``valid_from`` wins; on the same day the
  direct one does. The quotient of an inverse rate is kept exact (a ``Fraction``), so the one
  rounding is the last step below.
- The same currency converts at 1 without looking anything up. There is no triangulation
  (JPY→EUR through USD): a pair without a rate is missing.
- A missing rate is never taken as 1: the month it is needed for has no figures, and
  :attr:`MissingRate.message` says which rate to add.

Roll-up (:func:`roll_up`)
-------------------------
Per account and month, the figures of its business units are added in the account's currency
(exactly), converted, and rounded half-up to the reporting currency's minor unit; the rounded
account-months are then added. Rounding per account-month (not once per total) is what the
forecast workbook's ``ROUND(amount*rate, places)`` cells do, so a recalculating spreadsheet
shows the same totals to the minor unit. A figure nobody entered stays ``None`` (not 0); a month
with a missing rate for any account that has a figure in it is ``None`` throughout.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, is_known

__all__ = [
    "FIGURES",
    "MAX_RATE",
    "RATE_DECIMALS",
    "AccountMonth",
    "Conversion",
    "ForecastRollUp",
    "FxRate",
    "MissingRate",
    "MonthFigures",
    "Movement",
    "RateTable",
    "RateUsed",
    "add_months",
    "clean_pair",
    "clean_rate",
    "convert",
    "first_of_month",
    "last_of_month",
    "missing_messages",
    "month_range",
    "movement",
    "rate_day",
    "roll_up",
    "total",
    "variance",
    "week_start",
    "year_months",
]

FIGURES = ("target", "forecast", "actual")
RATE_DECIMALS = 12  # 1 VND = 0.000039370079 USD still fits
RATE_DIGITS = 15  # significant digits: what a spreadsheet's double keeps exactly
MAX_RATE = Decimal(10) ** 9


# -- months ------------------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, count: int) -> tuple[date, ...]:
    """``count`` consecutive months from ``first``'s month, each as its first day."""
    if count < 0:
        raise ValueError(f"a month range cannot have {count} months")
    start = first_of_month(first)
    return tuple(add_months(start, n) for n in range(count))


def year_months(year: int) -> tuple[date, ...]:
    return month_range(date(year, 1, 1), 12)


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def rate_day(month: date) -> date:
    """The day whose rate converts ``month``: its last day (see the module's rules)."""
    return last_of_month(month)


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: date  # first day of the month
    target: Decimal | None
    forecast: Decimal | None
    actual: Decimal | None

    def get(self, name: str) -> Decimal | None:
        if name not in FIGURES:
            raise KeyError(name)
        value: Decimal | None = getattr(self, name)
        return value


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the figures given; ``None`` when none was."""
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def variance(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """``value - target``, or ``None`` when either is missing (nothing to compare)."""
    if value is None or target is None:
        return None
    return value - target


# -- exchange rates ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FxRate:
    """One unit of ``base`` is worth ``rate`` units of ``quote`` from ``valid_from`` on."""

    base: str
    quote: str
    rate: Decimal
    valid_from: date
    source: str = ""

    @property
    def pair(self) -> str:
        return f"{self.base}→{self.quote}"


RateUsed = FxRate
"""A rate a roll-up used, exactly as it is stored (its direction tells how it was applied)."""


def clean_rate(value: object, field: str = "rate") -> Decimal:
    """A positive exact rate: at most 12 decimals and 15 significant digits, below 10^9."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(field, "Enter the rate as a number, e.g. 25400 or 0.92.")
    number = Decimal(value)
    if not number.is_finite() or number <= 0:
        raise ValidationError(field, "A rate is a number above 0.")
    if number >= MAX_RATE:
        raise ValidationError(field, "The rate is too large: below 1,000,000,000.")
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > RATE_DECIMALS:
        raise ValidationError(field, f"Use at most {RATE_DECIMALS} decimals for a rate.")
    if len(normal.as_tuple().digits) > RATE_DIGITS:
        raise ValidationError(field, f"Use at most {RATE_DIGITS} significant digits for a rate.")
    return number


def clean_pair(base: str, quote: str) -> tuple[str, str]:
    """Two known ISO 4217 codes (upper case), different from each other."""
    codes = []
    for name, value in (("base", base), ("quote", quote)):
        code = value.strip().upper() if isinstance(value, str) else ""
        if len(code) != 3 or not is_known(code):
            shown = value.strip() if isinstance(value, str) else repr(value)
            raise ValidationError(name, f"'{shown}' is not a known currency code (e.g. USD).")
        codes.append(code)
    if codes[0] == codes[1]:
        raise ValidationError("quote", "A rate converts between two different currencies.")
    return codes[0], codes[1]


def _round(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-up (away from zero) to ``places`` decimals, exactly."""
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    if value < 0:
        units = -units
    result = Decimal(units).scaleb(-places)
    return result.copy_abs() if units == 0 else result


@dataclass(frozen=True, slots=True)
class Conversion:
    """How ``source`` amounts become ``target`` amounts: at ``rate`` (``None``: the same
    currency, 1), multiplied, or divided when the stored rate goes the other way."""

    source: str
    target: str
    rate: FxRate | None
    inverse: bool = False

    def apply(self, amount: Decimal, minor_units: int) -> Decimal:
        """``amount`` in the target currency, rounded half-up to ``minor_units`` (once)."""
        if self.rate is None:
            exact = Fraction(amount)
        elif self.inverse:
            exact = Fraction(amount) / Fraction(self.rate.rate)
        else:
            exact = Fraction(amount) * Fraction(self.rate.rate)
        return _round(exact, minor_units)


def convert(amount: Decimal, conversion: Conversion, currency: Currency) -> Decimal:
    """``amount`` converted and rounded to ``currency``'s minor unit."""
    if conversion.target != currency.code:
        raise ValueError(f"{conversion.source}→{conversion.target} does not give {currency.code}")
    return conversion.apply(amount, currency.minor_units)


@dataclass(frozen=True, slots=True)
class MissingRate:
    source: str
    target: str
    on: date

    @property
    def message(self) -> str:
        return (
            f"No exchange rate {self.source}→{self.target} on or before {self.on.isoformat()}: "
            "add one under Exchange rates."
        )


class RateTable:
    """The user's rates, looked up by pair and day (either direction)."""

    def __init__(self, rates: Iterable[FxRate]) -> None:
        self._pairs: dict[tuple[str, str], list[FxRate]] = {}
        for rate in rates:
            self._pairs.setdefault((rate.base, rate.quote), []).append(rate)
        for entries in self._pairs.values():
            entries.sort(key=lambda r: r.valid_from)

    def _latest(self, base: str, quote: str, on: date) -> FxRate | None:
        found = None
        for rate in self._pairs.get((base, quote), ()):
            if rate.valid_from > on:
                break
            found = rate
        return found

    def lookup(self, source: str, target: str, on: date) -> Conversion | None:
        """How to convert ``source`` into ``target`` on day ``on``; ``None`` when no rate
        applies. The same currency needs no rate."""
        if source == target:
            return Conversion(source, target, None)
        direct = self._latest(source, target, on)
        inverse = self._latest(target, source, on)
        if direct is not None and (inverse is None or direct.valid_from >= inverse.valid_from):
            return Conversion(source, target, direct)
        if inverse is not None:
            return Conversion(source, target, inverse, inverse=True)
        return None

    def for_month(self, source: str, target: str, month: date) -> Conversion | MissingRate:
        """The conversion of ``month`` (at :func:`rate_day`), or what is missing."""
        day = rate_day(month)
        found = self.lookup(source, target, day)
        return found if found is not None else MissingRate(source, target, day)


# -- roll-up -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountMonth:
    """One account's figures for one month in one currency (business units already added,
    or one business unit: :func:`roll_up` adds what shares account, month and currency)."""

    account_id: int
    month: date
    currency: str
    target: Decimal | None = None
    forecast: Decimal | None = None
    actual: Decimal | None = None

    @property
    def is_empty(self) -> bool:
        return self.target is None and self.forecast is None and self.actual is None


@dataclass(frozen=True, slots=True)
class ForecastRollUp:
    currency: str  # the reporting currency
    months: tuple[MonthFigures, ...]  # converted and summed; None where a rate is missing
    rates_used: tuple[FxRate, ...]
    missing: tuple[str, ...]  # one clear message per missing rate
    missing_rates: tuple[MissingRate, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing

    def totals(self) -> MonthFigures | None:
        """The figures of all months added (month: the first); ``None`` when a month is
        incomplete, since a partial year would pass for a whole one."""
        if not self.months or not self.complete:
            return None
        return MonthFigures(
            self.months[0].month,
            *(total(m.get(name) for m in self.months) for name in FIGURES),
        )


def merge(entries: Iterable[AccountMonth]) -> list[AccountMonth]:
    """Entries sharing account, month and currency added into one (exactly)."""
    merged: dict[tuple[int, date, str], list[AccountMonth]] = {}
    for entry in entries:
        key = (entry.account_id, first_of_month(entry.month), entry.currency)
        merged.setdefault(key, []).append(entry)
    return [
        AccountMonth(
            account_id,
            month,
            code,
            *(total(getattr(p, name) for p in parts) for name in FIGURES),
        )
        for (account_id, month, code), parts in merged.items()
    ]


def roll_up(
    entries: Iterable[AccountMonth],
    months: Sequence[date],
    currency: Currency,
    rates: RateTable,
) -> ForecastRollUp:
    """``entries`` converted into ``currency`` and added per month of ``months`` (see the
    module's rules); entries of other months are left out."""
    wanted = [first_of_month(m) for m in months]
    by_month: dict[date, list[AccountMonth]] = {m: [] for m in wanted}
    for entry in merge(entries):
        if entry.month in by_month and not entry.is_empty:
            by_month[entry.month].append(entry)
    figures: list[MonthFigures] = []
    used: dict[FxRate, None] = {}
    missing: dict[MissingRate, None] = {}
    for month in wanted:
        sums: dict[str, Decimal | None] = dict.fromkeys(FIGURES)
        month_used: list[FxRate] = []
        month_missing = False
        for entry in by_month[month]:
            found = rates.for_month(entry.currency, currency.code, month)
            if isinstance(found, MissingRate):
                missing[found] = None
                month_missing = True
                continue
            if found.rate is not None:
                month_used.append(found.rate)
            for name in FIGURES:
                value = getattr(entry, name)
                if value is not None:
                    converted = convert(value, found, currency)
                    sums[name] = (sums[name] or Decimal(0)) + converted
        if month_missing:
            figures.append(MonthFigures(month, None, None, None))
            continue
        used.update(dict.fromkeys(month_used))
        figures.append(MonthFigures(month, sums["target"], sums["forecast"], sums["actual"]))
    ordered_missing = sorted(missing, key=lambda m: (m.on, m.source, m.target))
    return ForecastRollUp(
        currency=currency.code,
        months=tuple(figures),
        rates_used=tuple(sorted(used, key=lambda r: (r.base, r.quote, r.valid_from))),
        missing=missing_messages(ordered_missing),
        missing_rates=tuple(ordered_missing),
    )


def _spans(months: Sequence[date]) -> str:
    """'2026-01 to 2026-03, 2026-06': consecutive months as one span."""
    spans: list[tuple[date, date]] = []
    for month in sorted(months):
        if spans and add_months(spans[-1][1], 1) == month:
            spans[-1] = (spans[-1][0], month)
        else:
            spans.append((month, month))
    return ", ".join(f"{a:%Y-%m}" if a == b else f"{a:%Y-%m} to {b:%Y-%m}" for a, b in spans)


def missing_messages(missing: Iterable[MissingRate]) -> tuple[str, ...]:
    """One message per currency pair: the first day a rate is needed and every month it is
    needed for (``MissingRate.message`` says the same of a single month)."""
    by_pair: dict[tuple[str, str], list[MissingRate]] = {}
    for item in missing:
        by_pair.setdefault((item.source, item.target), []).append(item)
    messages = []
    for (source, target), items in sorted(
        by_pair.items(), key=lambda kv: (min(i.on for i in kv[1]), kv[0])
    ):
        first = min(item.on for item in items)
        months = _spans([first_of_month(item.on) for item in items])
        messages.append(
            f"No exchange rate {source}→{target} on or before {first.isoformat()} "
            f"(needed for {months}): add one under Exchange rates."
        )
    return tuple(messages)


# -- movement between snapshots ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Movement:
    """How one month's forecast moved from a snapshot (``before``) to now (``after``)."""

    month: date
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        """``after - before`` (a figure that appeared or went counts from 0); ``None`` when
        the month had a forecast neither time."""
        if self.before is None and self.after is None:
            return None
        return (self.after or Decimal(0)) - (self.before or Decimal(0))


def movement(
    before: Sequence[MonthFigures] | Mapping[date, Decimal | None],
    after: Sequence[MonthFigures] | Mapping[date, Decimal | None],
) -> tuple[Movement, ...]:
    """The forecast's movement per month, for the months of either side, in month order."""

    def forecasts(
        side: Sequence[MonthFigures] | Mapping[date, Decimal | None],
    ) -> dict[date, Decimal | None]:
        if isinstance(side, Mapping):
            return {first_of_month(m): v for m, v in side.items()}
        return {first_of_month(f.month): f.forecast for f in side}

    old, new = forecasts(before), forecasts(after)
    return tuple(Movement(m, old.get(m), new.get(m)) for m in sorted(old.keys() | new.keys()))
