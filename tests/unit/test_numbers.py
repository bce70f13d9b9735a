"""Reading and showing user-typed numbers in the user's locale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, Money, round_half_up
from keyplan.domain.numbers import MAX_INTEGER_DIGITS, format_decimal, parse_decimal, parse_money

NBSP = "\u00a0"
NNBSP = "\u202f"
USD = Currency.get("USD")
JPY = Currency.get("JPY")
BHD = Currency.get("BHD")

# -- shared strategies ----------------------------------------------------------------------------

LOCALES = ["en", "de", "ru", "vi"]
locales = st.sampled_from(LOCALES)
currencies = st.sampled_from(
    [Currency.get(c) for c in ["USD", "EUR", "JPY", "KRW", "VND", "RUB", "BHD", "KWD", "CLF"]]
)
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS - 1
decimals = st.decimals(min_value=-LIMIT, max_value=LIMIT, allow_nan=False, allow_infinity=False)
# Amounts whose minor units fit a signed 64-bit integer in every currency (CLF has 4).
MONEY_LIMIT = Decimal(10) ** (MAX_INTEGER_DIGITS - 1) - 1
amounts = st.decimals(
    min_value=-MONEY_LIMIT, max_value=MONEY_LIMIT, allow_nan=False, allow_infinity=False
)


def refusal(text: str, locale: str) -> str:
    """The message parse_decimal refuses ``text`` with (the test fails if it is accepted)."""
    with pytest.raises(ValidationError) as info:
        parse_decimal(text, locale)
    assert info.value.field == "amount"
    assert str(info.value) == info.value.message
    return info.value.message


# -- accepted input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        # each locale's own format
        ("1,234.56", "en", "1234.56"),
        ("1.234,56", "de", "1234.56"),
        ("1.234.567,89", "vi", "1234567.89"),
        (f"1{NBSP}234,56", "ru", "1234.56"),
        ("1 234,56", "ru", "1234.56"),
        (f"1{NNBSP}234,56", "ru", "1234.56"),
        (f"1 234{NBSP}567{NNBSP}890,5", "ru", "1234567890.5"),
        # grouping alone
        ("1,234", "en", "1234"),
        ("1.234", "de", "1234"),
        ("1.234", "vi", "1234"),
        ("1 234", "ru", "1234"),
        ("12,345,678", "en", "12345678"),
        # the locale's decimal separator alone
        ("1,234", "de", "1.234"),
        ("1,234", "ru", "1.234"),
        ("1,234", "vi", "1.234"),
        ("1.234", "en", "1.234"),
        # plain numbers
        ("1234.56", "en", "1234.56"),
        ("1234,56", "de", "1234.56"),
        ("1234,56", "ru", "1234.56"),
        ("1234,5", "vi", "1234.5"),
        ("1234", "en", "1234"),
        ("007", "en", "7"),
        # '.' is unused in ru: it can only be a decimal point when it cannot be grouping
        ("1234.56", "ru", "1234.56"),
        ("1234.567", "ru", "1234.567"),
        ("0.123", "ru", "0.123"),
        ("1 234.5", "ru", "1234.5"),
        (".5", "ru", "0.5"),
        # signs, whitespace, partial numbers
        ("-1,234.5", "en", "-1234.5"),
        ("-1.234,5", "de", "-1234.5"),
        (f"-1{NBSP}234,5", "ru", "-1234.5"),
        ("\u22125", "en", "-5"),
        ("+5", "en", "5"),
        ("  42\t", "en", "42"),
        (f"{NBSP}42{NBSP}", "ru", "42"),
        (".5", "en", "0.5"),
        (",5", "de", "0.5"),
        ("5.", "en", "5"),
        ("-0.00", "en", "0.00"),
        # kept exactly as typed
        ("12.50", "en", "12.50"),
        ("0.1", "en", "0.1"),
        # other locales
        ("12,34,567.5", "en_IN", "1234567.5"),
        ("1,234,567.5", "en_IN", "1234567.5"),
        ("1’234.50", "de_CH", "1234.50"),
        ("1'234.50", "de_CH", "1234.50"),
        (f"\u22121{NBSP}234,5", "sv", "-1234.5"),
        ("1.234,5", "de-DE", "1234.5"),
        ("１，２３４．５", "ja", "1234.5"),
        ("\u200e-1,234.5", "ar", "-1234.5"),
    ],
)
def test_accepted(text: str, locale: str, expected: str) -> None:
    result = parse_decimal(text, locale)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_result_is_never_negative_zero() -> None:
    assert not parse_decimal("-0", "en").is_signed()
    assert not parse_decimal("-0,00", "de").is_signed()


def test_field_name_is_passed_through() -> None:
    with pytest.raises(ValidationError) as info:
        parse_decimal("x", "en", field="unit_price")
    assert info.value.field == "unit_price"


# -- refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t", NBSP])
def test_empty_is_refused(text: str) -> None:
    assert "empty" in refusal(text, "en")


@pytest.mark.parametrize(
    ("text", "locale", "bad"),
    [("12a", "en", "'a'"), ("abc", "de", "'a'"), ("1_000", "en", "'_'"), ("--5", "en", "'-'")],
)
def test_garbage_is_refused(text: str, locale: str, bad: str) -> None:
    message = refusal(text, locale)
    assert f"'{text}' is not a number" in message
    assert f"unexpected character {bad}" in message


@pytest.mark.parametrize("text", ["-", "+", ".", ",", "-.", "."])
def test_no_digits_is_refused(text: str) -> None:
    assert "is not a number" in refusal(text, "en")


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "inf", "-Infinity", "+inf"])
def test_nan_and_infinity_are_refused(text: str) -> None:
    assert refusal(text, "en") == f"'{text}' is not a number"


@pytest.mark.parametrize("text", ["1e5", "1E5", "1.5e-3", "2E+10"])
def test_exponents_are_refused(text: str) -> None:
    assert "exponents" in refusal(text, "en")


@pytest.mark.parametrize(
    ("text", "locale", "symbol"),
    [("$12", "en", "$"), ("12 €", "de", "€"), ("¥1,000", "ja", "¥"), ("12₽", "ru", "₽")],
)
def test_currency_symbols_are_refused(text: str, locale: str, symbol: str) -> None:
    assert f"leave out the currency symbol '{symbol}'" in refusal(text, locale)


@pytest.mark.parametrize(("text", "code"), [("USD 12", "USD"), ("12 eur", "eur")])
def test_currency_codes_are_refused(text: str, code: str) -> None:
    assert f"leave out the currency code '{code}'" in refusal(text, "en")


@pytest.mark.parametrize(
    ("text", "locale"),
    [("1.2.3", "en"), ("1,2,3", "de"), ("1,2,3", "ru"), ("1,5,0", "vi"), ("1,234.5.6", "en")],
)
def test_two_decimal_separators_are_refused(text: str, locale: str) -> None:
    assert "more than one decimal separator" in refusal(text, locale)


@pytest.mark.parametrize(
    ("text", "locale", "separator"),
    [
        ("1,23,4.5", "en", "','"),
        ("1,2345.6", "en", "','"),
        (",123.4", "en", "','"),
        ("1,,234", "en", "','"),
        ("12.34.5", "de", "'.'"),
        ("1.234.56", "de", "'.'"),
        ("12.34,5", "de", "'.'"),
        ("1.23.456", "vi", "'.'"),
        ("12 34", "ru", "space"),
        ("1 2345", "ru", "space"),
        ("12,34,567", "en", "','"),  # Indian grouping is en_IN's, not en's
    ],
)
def test_misplaced_group_separators_are_refused(text: str, locale: str, separator: str) -> None:
    message = refusal(text, locale)
    assert "misplaced group separator" in message
    assert f"({separator})" in message


@pytest.mark.parametrize(("text", "locale"), [("1.234,5", "en"), ("1,234.5", "de")])
def test_group_separator_after_decimal_is_refused(text: str, locale: str) -> None:
    message = refusal(text, locale)
    assert "misplaced group separator" in message
    assert "after the decimal separator" in message


@pytest.mark.parametrize(
    ("text", "locale", "decimal"),
    [
        ("1234.5", "de", ","),
        ("1.5", "de", ","),
        ("1234.5", "vi", ","),
        ("0.5", "vi", ","),
        ("1234,5", "en", "."),
        ("0,5", "en", "."),
        ("1,23", "en", "."),
    ],
)
def test_the_other_decimal_separator_is_refused_not_guessed(
    text: str, locale: str, decimal: str
) -> None:
    message = refusal(text, locale)
    assert message.startswith(f"'{text}' is not a number in {locale}: use '{decimal}' for decimals")


@pytest.mark.parametrize(
    ("text", "locale"),
    [("1.234", "ru"), ("-1.234", "ru"), ("1 234.567", "ru"), ("12.345", "fr"), ("1,234", "de_CH")],
)
def test_ambiguous_input_is_refused(text: str, locale: str) -> None:
    message = refusal(text, locale)
    assert "ambiguous" in message
    assert "for decimals" in message


@pytest.mark.parametrize(
    ("text", "locale"),
    [("1,234.56", "ru"), ("1.234.567", "ru"), ("1.234,56", "ru"), ("1.234.567,5", "fr")],
)
def test_foreign_formats_are_refused(text: str, locale: str) -> None:
    assert f"is not a number in {locale}: use ',' for decimals and spaces" in refusal(text, locale)


@pytest.mark.parametrize(("text", "locale"), [("1 234.5", "en"), ("1 234,5", "de"), ("1 2", "vi")])
def test_spaces_only_group_where_the_locale_groups_with_spaces(text: str, locale: str) -> None:
    assert "unexpected space" in refusal(text, locale)


def test_too_many_digits_are_refused() -> None:
    ok = "9" * MAX_INTEGER_DIGITS
    assert parse_decimal(ok, "en") == Decimal(ok)
    assert parse_decimal("0000" + ok + ".5", "en") == Decimal(ok + ".5")
    message = refusal("1" + "0" * MAX_INTEGER_DIGITS, "en")
    assert "too large" in message
    assert "too large" in refusal("1" + ",000" * 5, "en")
    assert "too large" in refusal("-1" + ".000" * 6 + ",5", "de")


# -- parse_money ---------------------------------------------------------------------------------


def test_parse_money_examples() -> None:
    assert parse_money("1,234.56", USD, "en") == Money.of("1234.56", USD)
    assert parse_money("1.234", JPY, "de") == Money.of(1234, JPY)
    assert parse_money("12,00", JPY, "de") == Money.of(12, JPY)  # trailing zeros are no decimals
    assert parse_money("1.230", USD, "en") == Money.of("1.23", USD)
    assert parse_money("1.234", BHD, "en") == Money.of("1.234", BHD)
    assert parse_money(f"1{NBSP}234,5", Currency.get("RUB"), "ru") == Money.of(
        "1234.50", Currency.get("RUB")
    )
    assert parse_money("1.234.567", Currency.get("VND"), "vi") == Money.of(
        1234567, Currency.get("VND")
    )


@pytest.mark.parametrize(
    ("text", "code", "locale", "expected"),
    [
        ("12.5", "JPY", "en", "JPY has no decimals"),
        ("12,5", "KRW", "ru", "KRW has no decimals"),
        ("1.234,5", "VND", "vi", "VND has no decimals"),
        ("1.234", "USD", "en", "USD has 2 decimals"),
        ("0,001", "EUR", "de", "EUR has 2 decimals"),
        ("1.2345", "BHD", "en", "BHD has 3 decimals"),
    ],
)
def test_parse_money_never_rounds(text: str, code: str, locale: str, expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_money(text, Currency.get(code), locale)
    assert expected in info.value.message
    assert info.value.field == "amount"


def test_parse_money_refuses_what_minor_units_cannot_hold() -> None:
    clf = Currency.get("CLF")  # 4 minor units
    assert parse_money("9" * 14, clf, "en").to_minor_units() == int("9" * 14) * 10**4
    with pytest.raises(ValidationError, match="too large for CLF"):
        parse_money("9" * 15, clf, "en")


def test_parse_money_passes_parse_errors_on() -> None:
    with pytest.raises(ValidationError, match="use ',' for decimals"):
        parse_money("12.5", USD, "de", field="price")


# -- format_decimal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "locale", "places", "expected"),
    [
        ("1234567.125", "en", 2, "1,234,567.13"),
        ("-1234567.125", "de", 2, "-1.234.567,13"),
        ("1234567.5", "ru", 0, f"1{NBSP}234{NBSP}568"),
        ("1234567.5", "vi", 2, "1.234.567,50"),
        ("0.125", "en", 2, "0.13"),  # half-up, not babel's half-even
        ("-2.5", "en", 0, "-3"),
        ("1234.5", "en", None, "1,234.5"),
        ("0.123456789", "de", None, "0,123456789"),
        ("1234567.5", "en_IN", 1, "12,34,567.5"),
    ],
)
def test_format_decimal(value: str, locale: str, places: int | None, expected: str) -> None:
    assert format_decimal(Decimal(value), locale, places) == expected


def test_format_decimal_never_drops_digits() -> None:
    long = "0.000025858412042718184705177989749"
    assert format_decimal(Decimal(long), "en") == long
    assert format_decimal(Decimal("1" * 40), "en", 2) == ",".join(["1", *["111"] * 13]) + ".00"


def test_format_decimal_ints_and_floats() -> None:
    assert format_decimal(1234, "de") == "1.234"
    with pytest.raises(TypeError):
        format_decimal(1.5, "en")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_decimal(True, "en")


# -- properties ----------------------------------------------------------------------------------


@given(amounts, currencies, locales)
def test_format_then_parse_money_round_trips(
    value: Decimal, currency: Currency, locale: str
) -> None:
    m = Money.of(value, currency)
    text = format_decimal(m.amount, locale, currency.minor_units)
    assert parse_money(text, currency, locale) == m


@given(decimals, locales)
def test_format_then_parse_decimal_round_trips(value: Decimal, locale: str) -> None:
    assert parse_decimal(format_decimal(value, locale), locale) == value


@given(decimals, st.sampled_from(["en_IN", "de_CH", "fr", "sv", "pl", "ja", "es"]))
def test_round_trip_in_more_locales(value: Decimal, locale: str) -> None:
    assert parse_decimal(format_decimal(value, locale, 4), locale) == round_half_up(value, 4)


@given(st.text(max_size=20), locales)
def test_parse_decimal_accepts_or_refuses_cleanly(text: str, locale: str) -> None:
    try:
        result = parse_decimal(text, locale)
    except ValidationError as error:
        assert error.message
        return
    assert result.is_finite()
    assert len(str(abs(result).to_integral_value())) <= MAX_INTEGER_DIGITS


@given(
    st.integers(min_value=0, max_value=10**MAX_INTEGER_DIGITS - 1),
    st.integers(min_value=0, max_value=99),
    locales,
)
def test_typed_with_the_locale_separators(whole: int, cents: int, locale: str) -> None:
    grouped = format_decimal(whole, locale)
    decimal_sep = "." if locale == "en" else ","
    text = f"{grouped}{decimal_sep}{cents:02d}"
    assert parse_decimal(text, locale) == Decimal(f"{whole}.{cents:02d}")
