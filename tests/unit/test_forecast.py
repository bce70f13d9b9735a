"""Forecast arithmetic: months, exchange-rate lookups, exact conversion and roll-ups."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.forecast import (
    AccountMonth,
    Conversion,
    FxRate,
    MissingRate,
    MonthFigures,
    RateTable,
    add_months,
    clean_pair,
    clean_rate,
    first_of_month,
    last_of_month,
    missing_messages,
    month_range,
    movement,
    rate_day,
    roll_up,
    total,
    variance,
    week_start,
    year_months,
)
from keyplan.domain.money import Currency, round_half_up

D = Decimal
USD, JPY, VND, EUR, KWD = (Currency.get(c) for c in ("USD", "JPY", "VND", "EUR", "KWD"))
CODES = ["USD", "JPY", "VND", "EUR", "KWD", "KRW", "HKD"]

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2199, 12, 31))
months = days.map(first_of_month)


def amounts(places: int, high: int = 10**11) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=-high, max_value=high).map(lambda n: D(n).scaleb(-places))


rates = st.decimals(
    min_value=D("0.000001"), max_value=D("50000"), places=6, allow_nan=False, allow_infinity=False
).filter(lambda r: r > 0)


# -- months ------------------------------------------------------------------------------------


@given(months, st.integers(min_value=-600, max_value=600))
def test_add_months_is_reversible_and_lands_on_first_days(month: date, count: int) -> None:
    if not date(1990, 1, 1) <= add_months(month, count) <= date(2199, 12, 1):
        return
    moved = add_months(month, count)
    assert moved.day == 1
    assert add_months(moved, -count) == month
    assert (moved.year - month.year) * 12 + moved.month - month.month == count


@given(days, st.integers(min_value=0, max_value=40))
def test_month_range_is_consecutive(day: date, count: int) -> None:
    if day.year > 2190:
        return
    span = month_range(day, count)
    assert len(span) == count
    assert all(m.day == 1 for m in span)
    assert all(add_months(a, 1) == b for a, b in itertools.pairwise(span))
    if span:
        assert span[0] == first_of_month(day)


@given(days)
def test_week_start_is_the_monday_of_the_iso_week(day: date) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0 and monday <= day < monday + timedelta(days=7)
    assert monday.isocalendar()[:2] == day.isocalendar()[:2]


def test_month_ends_and_years() -> None:
    assert last_of_month(date(2024, 2, 10)) == date(2024, 2, 29)
    assert rate_day(date(2026, 3, 1)) == date(2026, 3, 31)
    assert year_months(2026)[0] == date(2026, 1, 1) and year_months(2026)[-1] == date(2026, 12, 1)
    with pytest.raises(ValueError):
        month_range(date(2026, 1, 1), -1)


# -- rates -------------------------------------------------------------------------------------


def test_clean_rate_and_pair_refuse_what_cannot_be_a_rate() -> None:
    assert clean_rate(D("25400")) == D("25400")
    assert clean_rate(D("0.000039370079")) == D("0.000039370079")
    for bad in (D(0), D(-1), D("NaN"), D("1E+9"), D("0.0000000000001"), 1.5, True, "2"):
        with pytest.raises(ValidationError):
            clean_rate(bad)
    with pytest.raises(ValidationError, match="significant"):
        clean_rate(D("12345678.123456789"))
    assert clean_pair(" usd", "vnd ") == ("USD", "VND")
    with pytest.raises(ValidationError, match="different"):
        clean_pair("USD", "usd")
    with pytest.raises(ValidationError, match="not a known currency"):
        clean_pair("USD", "XYZ")
    with pytest.raises(ValidationError, match="not a known currency"):
        clean_pair("USDOLLAR", "EUR")


def test_the_rate_in_force_on_the_months_last_day_converts_it() -> None:
    table = RateTable(
        [
            FxRate("USD", "VND", D("25000"), date(2026, 1, 1)),
            FxRate("USD", "VND", D("25500"), date(2026, 3, 20)),  # typed mid-March
        ]
    )
    assert table.lookup("VND", "USD", date(2025, 12, 31)) is None
    february = table.for_month("VND", "USD", date(2026, 2, 1))
    march = table.for_month("VND", "USD", date(2026, 3, 1))
    assert isinstance(february, Conversion) and february.rate is not None
    assert february.rate.rate == D("25000") and february.inverse
    assert isinstance(march, Conversion) and march.rate is not None
    assert march.rate.rate == D("25500")  # March closes at the rate typed on the 20th
    missing = table.for_month("VND", "USD", date(2025, 12, 1))
    assert missing == MissingRate("VND", "USD", date(2025, 12, 31))
    assert "VND→USD" in missing.message and "2025-12-31" in missing.message


def test_the_newer_direction_wins_and_the_direct_one_on_the_same_day() -> None:
    older = FxRate("EUR", "USD", D("1.08"), date(2026, 1, 1))
    newer_inverse = FxRate("USD", "EUR", D("0.9"), date(2026, 2, 1))
    table = RateTable([older, newer_inverse])
    found = table.lookup("EUR", "USD", date(2026, 2, 15))
    assert found == Conversion("EUR", "USD", newer_inverse, inverse=True)
    assert table.lookup("EUR", "USD", date(2026, 1, 15)) == Conversion("EUR", "USD", older)
    same_day = RateTable([FxRate("USD", "EUR", D("0.9"), date(2026, 1, 1)), older])
    assert same_day.lookup("EUR", "USD", date(2026, 1, 1)) == Conversion("EUR", "USD", older)


def test_the_same_currency_needs_no_rate() -> None:
    found = RateTable([]).lookup("JPY", "JPY", date(2026, 1, 1))
    assert found == Conversion("JPY", "JPY", None)
    assert found.apply(D("12345"), 0) == D("12345")


@given(amounts(0), rates)
def test_a_direct_rate_multiplies_then_rounds_half_up_once(amount: Decimal, rate: Decimal) -> None:
    conversion = Conversion("JPY", "USD", FxRate("JPY", "USD", rate, date(2026, 1, 1)))
    assert conversion.apply(amount, 2) == round_half_up(amount * rate, 2)


@given(amounts(0), rates, st.sampled_from([0, 2, 3]))
def test_an_inverse_rate_divides_exactly_then_rounds_once(
    amount: Decimal, rate: Decimal, places: int
) -> None:
    conversion = Conversion("VND", "USD", FxRate("USD", "VND", rate, date(2026, 1, 1)), True)
    result = conversion.apply(amount, places)
    exact = Fraction(amount) / Fraction(rate)
    assert abs(Fraction(result) - exact) <= Fraction(1, 2 * 10**places)
    # a 100-digit quotient is as good as exact here: a non-terminating quotient is never a tie
    # and stays at least 1/(2 x denominator) away from one
    with localcontext() as wide:
        wide.prec = 100
        quotient = amount / rate
    assert result == round_half_up(quotient, places)


def test_inverse_ties_round_away_from_zero() -> None:
    rate = FxRate("USD", "JPY", D("200"), date(2026, 1, 1))
    conversion = Conversion("JPY", "USD", rate, inverse=True)
    assert conversion.apply(D("1"), 2) == D("0.01")  # 0.005 -> 0.01
    assert conversion.apply(D("-1"), 2) == D("-0.01")
    assert conversion.apply(D("0"), 2) == D("0.00")


# -- roll-ups ----------------------------------------------------------------------------------

TO_USD = (
    FxRate("USD", "JPY", D("151.25"), date(2020, 1, 1)),
    FxRate("USD", "VND", D("25410"), date(2020, 1, 1)),
    FxRate("EUR", "USD", D("1.0845"), date(2020, 1, 1)),
    FxRate("KWD", "USD", D("3.2541"), date(2020, 1, 1)),
)
RATES_TO_USD = RateTable(TO_USD)


@st.composite
def entries(draw: st.DrawFn) -> list[AccountMonth]:
    base = date(2026, 1, 1)
    result = []
    for account in range(draw(st.integers(min_value=0, max_value=8))):
        code = draw(st.sampled_from(["USD", "JPY", "VND", "EUR", "KWD"]))
        places = Currency.get(code).minor_units
        for offset in draw(st.sets(st.integers(min_value=0, max_value=5), max_size=6)):
            figures = [draw(st.none() | amounts(places, 10**12).map(abs)) for _ in ("t", "f", "a")]
            result.append(AccountMonth(account, add_months(base, offset), code, *figures))
    return result


@settings(max_examples=200)
@given(entries())
def test_a_roll_up_adds_each_account_month_converted_and_rounded(
    parts: list[AccountMonth],
) -> None:
    wanted = month_range(date(2026, 1, 1), 6)
    result = roll_up(parts, wanted, USD, RATES_TO_USD)
    assert result.complete and result.currency == "USD"
    assert [m.month for m in result.months] == list(wanted)
    for month in result.months:
        for name in ("target", "forecast", "actual"):
            converted = []
            for part in parts:
                value = getattr(part, name)
                if part.month == month.month and value is not None:
                    found = RATES_TO_USD.for_month(part.currency, "USD", part.month)
                    assert isinstance(found, Conversion)
                    converted.append(found.apply(value, 2))
            assert month.get(name) == (sum(converted, D(0)) if converted else None)
            value = month.get(name)
            assert value is None or round_half_up(value, 2) == value  # whole cents
    used = {p.currency for p in parts if not p.is_empty} - {"USD"}  # empty: no rate needed
    assert {r.quote if r.base == "USD" else r.base for r in result.rates_used} == used


@given(entries())
def test_in_one_currency_a_roll_up_is_the_exact_sum(parts: list[AccountMonth]) -> None:
    same = [
        AccountMonth(p.account_id, p.month, "USD", p.target, p.forecast, p.actual) for p in parts
    ]
    same = [
        AccountMonth(p.account_id, p.month, "USD", *(None if v is None else round_half_up(v, 2)
                                                    for v in (p.target, p.forecast, p.actual)))
        for p in same
    ]  # fmt: skip
    result = roll_up(same, month_range(date(2026, 1, 1), 6), USD, RateTable([]))
    assert result.rates_used == () and result.complete
    for month in result.months:
        expected = total(p.forecast for p in same if p.month == month.month)
        assert month.forecast == expected


def test_business_units_of_an_account_are_added_before_rounding() -> None:
    # two units of one JPY account: 1 + 1 JPY at 1/200 is 0.01 USD (0.005 + 0.005 = 0.01),
    # where rounding each unit would give 0.01 + 0.01
    march = date(2026, 3, 1)
    table = RateTable([FxRate("USD", "JPY", D("200"), date(2026, 1, 1))])
    parts = [
        AccountMonth(1, march, "JPY", forecast=D(1)),
        AccountMonth(1, march, "JPY", forecast=D(1)),
    ]
    assert roll_up(parts, [march], USD, table).months[0].forecast == D("0.01")
    two_accounts = [
        AccountMonth(1, march, "JPY", forecast=D(1)),
        AccountMonth(2, march, "JPY", forecast=D(1)),
    ]
    assert roll_up(two_accounts, [march], USD, table).months[0].forecast == D("0.02")


@given(entries(), st.sampled_from(["JPY", "VND", "EUR", "KWD"]))
def test_a_missing_rate_never_converts_at_one(parts: list[AccountMonth], lacking: str) -> None:
    table = RateTable(r for r in TO_USD if lacking not in (r.base, r.quote))
    wanted = month_range(date(2026, 1, 1), 6)
    result = roll_up(parts, wanted, USD, table)
    for month in result.months:
        needs = [
            p for p in parts if p.month == month.month and p.currency == lacking and not p.is_empty
        ]
        if needs:
            assert month == MonthFigures(month.month, None, None, None)
            assert any(f"{lacking}→USD" in message for message in result.missing)
    if any(p.currency == lacking and not p.is_empty for p in parts):
        assert not result.complete and result.totals() is None
    else:
        assert result.complete


def test_missing_rates_are_one_message_per_pair_with_the_months() -> None:
    gaps = [
        MissingRate("VND", "USD", date(2026, 1, 31)),
        MissingRate("VND", "USD", date(2026, 2, 28)),
        MissingRate("VND", "USD", date(2026, 4, 30)),
        MissingRate("JPY", "USD", date(2026, 3, 31)),
    ]
    assert missing_messages(gaps) == (
        "No exchange rate VND→USD on or before 2026-01-31 (needed for 2026-01 to 2026-02, "
        "2026-04): add one under Exchange rates.",
        "No exchange rate JPY→USD on or before 2026-03-31 (needed for 2026-03): add one under "
        "Exchange rates.",
    )


def test_totals_of_a_complete_roll_up() -> None:
    parts = [
        AccountMonth(1, date(2026, 1, 1), "USD", D("10.00"), D("12.50"), None),
        AccountMonth(1, date(2026, 2, 1), "USD", D("20.00"), None, None),
    ]
    result = roll_up(parts, month_range(date(2026, 1, 1), 3), USD, RateTable([]))
    assert result.totals() == MonthFigures(date(2026, 1, 1), D("30.00"), D("12.50"), None)
    assert variance(D("12.50"), D("10.00")) == D("2.50") and variance(None, D(1)) is None


# -- movement ----------------------------------------------------------------------------------


@given(
    st.lists(st.tuples(st.integers(0, 11), st.none() | amounts(2)), max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.none() | amounts(2)), max_size=12),
)
def test_movement_is_now_minus_then_per_month(
    before: list[tuple[int, Decimal | None]], after: list[tuple[int, Decimal | None]]
) -> None:
    base = date(2026, 1, 1)
    old = {add_months(base, n): v for n, v in before}
    new = {add_months(base, n): v for n, v in after}
    moved = movement(old, new)
    assert [m.month for m in moved] == sorted(old.keys() | new.keys())
    for item in moved:
        if old.get(item.month) is None and new.get(item.month) is None:
            assert item.delta is None
        else:
            assert item.delta == (new.get(item.month) or 0) - (old.get(item.month) or 0)


def test_movement_of_month_figures() -> None:
    base = date(2026, 1, 1)
    then = [MonthFigures(base, None, D("100.00"), None)]
    now = [
        MonthFigures(base, None, D("120.00"), None),
        MonthFigures(add_months(base, 1), None, D("5.00"), None),
    ]
    moved = movement(then, now)
    assert [m.delta for m in moved] == [D("20.00"), D("5.00")]
