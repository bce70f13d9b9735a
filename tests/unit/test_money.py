"""Currencies, half-up rounding and exact Money arithmetic."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.money import (
    Currency,
    CurrencyMismatchError,
    Money,
    common_codes,
    is_known,
    round_half_up,
)

USD = Currency.get("USD")
EUR = Currency.get("EUR")
JPY = Currency.get("JPY")
BHD = Currency.get("BHD")

# -- shared strategies ----------------------------------------------------------------------------

# A spread of minor units: 0 (JPY KRW VND CLP), 2, 3 (BHD KWD, IQD via the override), 4 (CLF).
CODES = ["USD", "EUR", "GBP", "JPY", "KRW", "VND", "CLP", "BHD", "KWD", "IQD", "CLF", "RUB"]
currencies = st.sampled_from([Currency.get(code) for code in CODES])

# Decimals with arbitrary places, up to 15 integer digits (the most a user may type).
LIMIT = Decimal(10) ** 15 - 1
decimals = st.decimals(min_value=-LIMIT, max_value=LIMIT, allow_nan=False, allow_infinity=False)
factors = st.decimals(
    min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=6
) | st.integers(min_value=-1000, max_value=1000)


@st.composite
def money(draw: st.DrawFn, currency: Currency | None = None) -> Money:
    cur = currency if currency is not None else draw(currencies)
    return Money.of(draw(decimals), cur)


@st.composite
def same_currency_pair(draw: st.DrawFn) -> tuple[Money, Money]:
    cur = draw(currencies)
    return draw(money(cur)), draw(money(cur))


def half_up_oracle(value: Decimal, places: int) -> Decimal:
    """Half-up (away from zero) rounding done with exact fractions, independent of decimal."""
    scaled = abs(Fraction(value)) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return Decimal(sign * units).scaleb(-places)


# -- Currency ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "minor_units"),
    [
        ("JPY", 0),
        ("KRW", 0),
        ("VND", 0),
        ("USD", 2),
        ("EUR", 2),
        ("GBP", 2),
        ("CNY", 2),
        ("HKD", 2),
        ("TWD", 2),
        ("RUB", 2),
        ("SGD", 2),
        ("AUD", 2),
        ("THB", 2),
        ("IDR", 2),
        ("INR", 2),
        ("HUF", 2),
        ("BHD", 3),
        ("KWD", 3),
        # CLDR disagrees with ISO 4217 for these; the override table wins.
        ("IQD", 3),
        ("RSD", 2),
        ("LBP", 2),
        ("CLF", 4),
    ],
)
def test_minor_units_follow_iso_4217(code: str, minor_units: int) -> None:
    currency = Currency.get(code)
    assert currency.code == code
    assert currency.minor_units == minor_units
    assert currency.quantum == Decimal(1).scaleb(-minor_units)


def test_quantum_values() -> None:
    assert str(USD.quantum) == "0.01"
    assert str(JPY.quantum) == "1"
    assert str(BHD.quantum) == "0.001"


def test_get_is_cached_and_tolerant_of_case_and_spaces() -> None:
    assert Currency.get(" usd ") is USD
    assert Currency.get("USD") is USD


@pytest.mark.parametrize("code", ["ABC", "", "US", "USDX", "XAU", "XXX", "DEM", "HRK"])
def test_unknown_code_is_refused_naming_the_code(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        Currency.get(code)
    assert info.value.field == "currency"
    assert f"'{code}'" in str(info.value)
    assert "not a known currency" in info.value.message
    assert not is_known(code)


def test_direct_construction_is_checked() -> None:
    assert Currency("USD", 2) == USD
    with pytest.raises(ValueError, match="2 minor units"):
        Currency("USD", 3)
    with pytest.raises(ValidationError):
        Currency("ABC", 2)


def test_common_codes_sorted_and_usable() -> None:
    codes = common_codes()
    assert codes == sorted(codes)
    assert {"USD", "EUR", "GBP", "JPY", "CNY", "VND", "RUB", "BHD"} <= set(codes)
    assert "XAU" not in codes
    assert "DEM" not in codes
    for code in codes:
        assert is_known(code)
        assert 0 <= Currency.get(code).minor_units <= 4


# -- rounding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("0.004", 2, "0.00"),
        ("-0.005", 2, "-0.01"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),
        ("3.5", 0, "4"),
        ("-3.5", 0, "-4"),
        ("1.0005", 3, "1.001"),
        ("1.2345", 2, "1.23"),
        ("-0.004", 2, "0.00"),
        ("7", 2, "7.00"),
    ],
)
def test_round_half_up_examples(value: str, places: int, expected: str) -> None:
    result = round_half_up(Decimal(value), places)
    assert str(result) == expected


def test_round_half_up_refuses_floats_and_bad_places() -> None:
    with pytest.raises(TypeError):
        round_half_up(2.5, 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_half_up(Decimal("1"), -1)
    with pytest.raises(ValueError):
        round_half_up(Decimal("NaN"), 2)


@given(decimals, st.integers(min_value=0, max_value=4))
def test_round_half_up_agrees_with_quantize(value: Decimal, places: int) -> None:
    result = round_half_up(value, places)
    expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert result == expected
    assert result == half_up_oracle(value, places)
    assert result.as_tuple().exponent == -places


# -- Money: construction -------------------------------------------------------------------------


def test_of_rounds_half_up_to_minor_units() -> None:
    assert Money.of(Decimal("0.005"), USD).amount == Decimal("0.01")
    assert Money.of(Decimal("2.5"), JPY).amount == Decimal("3")
    assert Money.of(Decimal("-2.5"), JPY).amount == Decimal("-3")
    assert Money.of("1234.5675", BHD).amount == Decimal("1234.568")
    assert Money.of(12, USD).amount == Decimal("12.00")


@pytest.mark.parametrize("bad", [1.5, 0.1, float("nan"), True, False])
def test_of_refuses_float_and_bool(bad: object) -> None:
    with pytest.raises(TypeError):
        Money.of(bad, USD)  # type: ignore[arg-type]


@given(st.floats(allow_nan=True, allow_infinity=True), currencies)
def test_no_float_is_ever_accepted(value: float, currency: Currency) -> None:
    with pytest.raises(TypeError):
        Money.of(value, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(value, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of(1, currency) * value  # type: ignore[operator]


@pytest.mark.parametrize("bad", ["", "abc", "NaN", "Infinity", "-inf"])
def test_of_refuses_non_numbers_in_strings(bad: str) -> None:
    with pytest.raises(ValueError):
        Money.of(bad, USD)


def test_constructor_is_exact_checked() -> None:
    assert Money(Decimal("1.5"), USD).amount == Decimal("1.50")
    assert str(Money(Decimal("1.5"), USD)) == "USD 1.50"
    with pytest.raises(ValueError, match=r"use Money\.of"):
        Money(Decimal("1.005"), USD)
    with pytest.raises(ValueError):
        Money(Decimal("0.5"), JPY)
    with pytest.raises(ValueError):
        Money(Decimal("Infinity"), USD)


def test_negative_zero_is_zero() -> None:
    assert str(Money.of("-0.004", USD)) == "USD 0.00"
    assert str(-Money.zero(USD)) == "USD 0.00"


def test_zero_and_queries() -> None:
    assert Money.zero(JPY).is_zero()
    assert Money.zero(USD) == Money.of(0, USD)
    assert not Money.of("0.01", USD).is_zero()
    assert Money.of("-0.01", USD).is_negative()
    assert not Money.zero(USD).is_negative()


def test_str() -> None:
    assert str(Money.of("1234.56", USD)) == "USD 1234.56"
    assert str(Money.of("1234.5", JPY)) == "JPY 1235"
    assert str(Money.of("-1", BHD)) == "BHD -1.000"
    assert str(Money.of(10**15, USD)) == "USD 1000000000000000.00"


def test_minor_units_examples() -> None:
    assert Money.of("1234.56", USD).to_minor_units() == 123456
    assert Money.of("1234", JPY).to_minor_units() == 1234
    assert Money.of("-1.234", BHD).to_minor_units() == -1234
    assert Money.from_minor_units(123456, USD) == Money.of("1234.56", USD)
    assert Money.from_minor_units(-5, JPY) == Money.of(-5, JPY)
    with pytest.raises(TypeError):
        Money.from_minor_units(True, USD)


# -- Money: arithmetic ---------------------------------------------------------------------------


def test_arithmetic_examples() -> None:
    a = Money.of("10.10", USD)
    b = Money.of("0.05", USD)
    assert a + b == Money.of("10.15", USD)
    assert a - b == Money.of("10.05", USD)
    assert -a == Money.of("-10.10", USD)
    assert abs(-a) == a
    assert a * 3 == Money.of("30.30", USD)
    assert 3 * a == Money.of("30.30", USD)
    assert Money.of("0.10", USD) * Decimal("0.05") == Money.of("0.01", USD)  # 0.005 -> 0.01
    assert Money.of(5, JPY) * Decimal("0.5") == Money.of(3, JPY)  # 2.5 -> 3
    assert Money.of(-5, JPY) * Decimal("0.5") == Money.of(-3, JPY)  # -2.5 -> -3


def test_multiplying_by_bool_is_refused() -> None:
    with pytest.raises(TypeError):
        Money.of(1, USD) * True


def test_currency_mismatch_raises() -> None:
    usd = Money.of(1, USD)
    eur = Money.of(1, EUR)
    with pytest.raises(CurrencyMismatchError) as info:
        usd + eur
    assert isinstance(info.value, DomainError)
    assert "USD" in str(info.value) and "EUR" in str(info.value)
    with pytest.raises(CurrencyMismatchError):
        usd - eur
    with pytest.raises(CurrencyMismatchError):
        assert usd < eur
    with pytest.raises(CurrencyMismatchError):
        Money.sum([usd, eur], USD)
    with pytest.raises(CurrencyMismatchError):
        Money.sum([eur], USD)
    assert usd != eur


def test_comparison_within_a_currency() -> None:
    small = Money.of("1.00", USD)
    big = Money.of("1.01", USD)
    assert small < big
    assert small <= big
    assert big > small
    assert big >= small
    assert small <= Money.of(1, USD)
    assert max([small, big]) == big


def test_sum_examples() -> None:
    assert Money.sum([], JPY) == Money.zero(JPY)
    items = [Money.of("0.10", USD), Money.of("0.20", USD), Money.of("-0.05", USD)]
    assert Money.sum(items, USD) == Money.of("0.25", USD)
    assert Money.sum(iter(items), USD) == Money.of("0.25", USD)


def test_format_uses_the_currency_decimals() -> None:
    assert Money.of("1234.5", JPY).format("en") == "¥1,235"
    assert Money.of("1234.5", USD).format("en") == "$1,234.50"
    assert Money.of("-1234.5", USD).format("en") == "-$1,234.50"
    assert Money.of("1234.5", USD).format("de") == "1.234,50\xa0$"
    assert Money.of("1234.5", EUR).format("ru") == "1\xa0234,50\xa0€"
    assert Money.of("1234.5", BHD).format("en").endswith("1,234.500")
    # CLDR says 0 decimals for IQD; ISO 4217 (and we) say 3.
    assert Money.of("1.5", Currency.get("IQD")).format("en").endswith("1.500")
    assert Money.of("1234567", Currency.get("VND")).format("vi") == "1.234.567\xa0₫"
    huge = Money.of(Decimal("1" * 30 + ".25"), USD)
    assert huge.format("en") == "$" + ",".join(["111"] * 10) + ".25"


def test_allocate_examples() -> None:
    parts = Money.of(100, USD).allocate([1, 1, 1])
    assert [str(p) for p in parts] == ["USD 33.34", "USD 33.33", "USD 33.33"]
    parts = Money.of("0.02", USD).allocate([1, 1, 1, 1])
    assert [str(p) for p in parts] == ["USD 0.01", "USD 0.01", "USD 0.00", "USD 0.00"]
    parts = Money.of("-0.05", USD).allocate([Decimal("0.5"), Decimal("0.5")])
    assert [str(p) for p in parts] == ["USD -0.03", "USD -0.02"]
    assert Money.of(7, JPY).allocate([0, 1]) == [Money.zero(JPY), Money.of(7, JPY)]
    with pytest.raises(ValueError):
        Money.of(1, USD).allocate([])
    with pytest.raises(ValueError):
        Money.of(1, USD).allocate([0, 0])
    with pytest.raises(ValueError):
        Money.of(1, USD).allocate([-1, 2])
    with pytest.raises(TypeError):
        Money.of(1, USD).allocate([0.5, 0.5])  # type: ignore[list-item]


# -- Money: properties ---------------------------------------------------------------------------


@given(money())
def test_minor_units_round_trip(m: Money) -> None:
    units = m.to_minor_units()
    assert isinstance(units, int)
    assert Money.from_minor_units(units, m.currency) == m
    assert str(Money.from_minor_units(units, m.currency)) == str(m)


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1), currencies)
def test_minor_units_round_trip_from_int(units: int, currency: Currency) -> None:
    assert Money.from_minor_units(units, currency).to_minor_units() == units


@given(decimals, currencies)
def test_of_is_round_half_up(value: Decimal, currency: Currency) -> None:
    m = Money.of(value, currency)
    assert m.amount == half_up_oracle(value, currency.minor_units)
    assert abs(m.amount - value) <= currency.quantum / 2
    assert m.amount.as_tuple().exponent == -currency.minor_units


@given(currencies, st.lists(decimals, max_size=20))
def test_sum_is_sum_of_rounded_amounts(currency: Currency, values: list[Decimal]) -> None:
    items = [Money.of(v, currency) for v in values]
    rounded = sum((round_half_up(v, currency.minor_units) for v in values), Decimal(0))
    assert Money.sum(items, currency) == Money.of(rounded, currency)
    assert Money.sum(items, currency).amount == rounded


@given(same_currency_pair())
def test_addition_is_commutative(pair: tuple[Money, Money]) -> None:
    a, b = pair
    assert a + b == b + a
    assert (a + b) - b == a
    assert a + (-a) == Money.zero(a.currency)


@given(currencies.flatmap(lambda c: st.tuples(money(c), money(c), money(c))))
def test_addition_is_associative(triple: tuple[Money, Money, Money]) -> None:
    a, b, c = triple
    assert (a + b) + c == a + (b + c)


@given(money(), factors)
def test_multiplication_rounds_the_exact_product(m: Money, factor: Decimal | int) -> None:
    product = m * factor
    assert product.currency == m.currency
    assert product.amount == half_up_oracle(m.amount * Decimal(factor), m.currency.minor_units)


@given(same_currency_pair())
def test_ordering_matches_amounts(pair: tuple[Money, Money]) -> None:
    a, b = pair
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a == b) == (a.amount == b.amount)
    if a == b:
        assert hash(a) == hash(b)


@given(
    money(),
    st.lists(
        st.integers(min_value=0, max_value=1000)
        | st.decimals(min_value=0, max_value=100, places=4, allow_nan=False),
        min_size=1,
        max_size=12,
    ).filter(lambda rs: sum(Decimal(r) for r in rs) > 0),
)
def test_allocate_is_exact_and_fair(m: Money, ratios: list[Decimal | int]) -> None:
    parts = m.allocate(ratios)
    assert len(parts) == len(ratios)
    assert Money.sum(parts, m.currency) == m
    total = sum((Fraction(r) for r in ratios), Fraction(0))
    for part, ratio in zip(parts, ratios, strict=True):
        exact_share = Fraction(m.amount) * Fraction(ratio) / total
        assert abs(Fraction(part.amount) - exact_share) < Fraction(m.currency.quantum)
