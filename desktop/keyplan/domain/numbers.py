"""Numbers typed by users, read and shown in their locale.

:func:`parse_decimal` reads what a user typed or pasted ("1 234,56" in Russian, "1.234,56" in
German, "1,234.56" in English) into an exact ``Decimal``. Anything it cannot read with certainty
is refused with a ``ValidationError`` whose message says what is wrong; it never guesses.

The rules, with ``D`` the locale's decimal separator and ``G`` its group separator:

- surrounding whitespace is ignored; one leading ``-`` (or ``−``) or ``+`` is allowed;
- ``D`` may appear once; groups of ``G`` must sit every three digits (or as the locale groups,
  e.g. 12,34,567 in en_IN) in the integer part, and never in the fraction;
- where ``G`` is a space (ru, fr, pl, sv, ...) a plain space, a no-break space (U+00A0) and a
  narrow no-break space (U+202F) all count as ``G``; where it is ``’`` (de_CH) so does ``'``;
- the ASCII separator that is neither ``D`` nor ``G`` (``.`` in ru, ``,`` in de_CH) is read as
  the decimal separator when it appears once and cannot be a thousands separator ("1234.5" in
  ru is 1234.5), and refused as ambiguous when it could be ("1.234" in ru);
- a ``G`` that cannot be grouping is not reinterpreted: "1234.5" in de is refused ("use ','
  for decimals");
- no letters, currency symbols or codes, exponents, NaN or infinity; at most
  :data:`MAX_INTEGER_DIGITS` digits before the decimal separator.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import get_decimal_symbol, get_group_symbol

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency, Money, is_known, round_half_up

__all__ = [
    "MAX_INTEGER_DIGITS",
    "format_decimal",
    "parse_decimal",
    "parse_money",
]

MAX_INTEGER_DIGITS = 15
"""Longest integer part accepted (999 trillion): with up to 4 minor units any accepted amount
still fits a signed 64-bit count of minor units."""

_MAX_MINOR_UNITS = 2**63 - 1

_DIGITS = frozenset("0123456789")
_SPACES = frozenset({" ", "\u00a0", "\u202f"})
_APOSTROPHES = frozenset({"’", "'"})
_MINUS = frozenset({"-", "\u2212"})
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))
# Full-width forms typed with an East Asian input method.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．－＋", "0123456789,.-+")
_WORDS = re.compile(r"[^\W\d_]+")
_EXPONENT = re.compile(r"\d[eE][+-]?\d")


@dataclass(frozen=True, slots=True)
class _Symbols:
    name: str
    decimal: str
    group: str
    group_chars: frozenset[str]
    groupings: tuple[tuple[int, int], ...]

    @property
    def decimal_hint(self) -> str:
        group = "spaces" if self.group in _SPACES else f"'{self.group}'"
        return f"use '{self.decimal}' for decimals and {group} to group thousands"


@lru_cache(maxsize=64)
def _symbols(locale: str) -> _Symbols:
    try:
        loc = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            "locale", f"'{locale}' is not a known locale: use one such as en_US or de_DE."
        ) from None
    decimal = get_decimal_symbol(loc)
    group = get_group_symbol(loc)
    if group in _SPACES:
        group_chars = _SPACES
    elif group in _APOSTROPHES:
        group_chars = _APOSTROPHES
    else:
        group_chars = frozenset({group})
    grouping = loc.decimal_formats[None].grouping
    groupings = (grouping,) if grouping == (3, 3) else (grouping, (3, 3))
    return _Symbols(str(loc), decimal, group, group_chars, groupings)


def _describe(char: str) -> str:
    if char in _SPACES or char.isspace():
        return "space"
    return f"'{char}'"


def _valid_grouping(groups: list[str], sizes: tuple[int, int]) -> bool:
    """Whether digit ``groups`` (split at group separators, at least two) are well placed."""
    primary, secondary = sizes
    first, *middle, last = groups
    return (
        len(last) == primary
        and all(len(group) == secondary for group in middle)
        and 1 <= len(first) <= secondary
        and first[0] != "0"
        and all(set(group) <= _DIGITS for group in groups)
    )


def _check_characters(text: str, body: str, syms: _Symbols, field: str) -> None:
    """Refuse letters, symbols, exponents, NaN/infinity and stray spaces with a clear message."""
    stripped = text.strip()
    lowered = stripped.lower().lstrip("+-\u2212")
    if lowered in {"nan", "snan", "inf", "infinity"}:
        raise ValidationError(field, f"'{stripped}' is not a number")
    if _EXPONENT.search(body):
        raise ValidationError(
            field, f"'{stripped}' is not a number: exponents (like 1e5) are not accepted"
        )
    for word in _WORDS.findall(stripped):
        if len(word) == 3 and is_known(word.upper()):
            raise ValidationError(
                field, f"'{stripped}' is not a number: leave out the currency code '{word}'"
            )
    for char in stripped:
        if unicodedata.category(char) == "Sc":
            raise ValidationError(
                field, f"'{stripped}' is not a number: leave out the currency symbol '{char}'"
            )
    allowed = _DIGITS | syms.group_chars | {syms.decimal, ".", ","}
    for char in body:
        if char in allowed:
            continue
        if char.isspace():
            raise ValidationError(
                field,
                f"'{stripped}' is not a number in {syms.name}: unexpected space "
                f"({syms.decimal_hint})",
            )
        raise ValidationError(field, f"'{stripped}' is not a number: unexpected character '{char}'")


def parse_decimal(text: str, locale: str, *, field: str = "amount") -> Decimal:
    """The exact number a user typed in ``locale``, or ``ValidationError`` saying why not.

    ``parse_decimal("1 234,56", "ru") == Decimal("1234.56")``; the result keeps the decimals
    typed ("12,50" -> ``Decimal("12.50")``). ``field`` names the field in the error.
    """
    syms = _symbols(locale)
    cleaned = text.translate(_BIDI_MARKS).translate(_FULL_WIDTH).strip()
    shown = cleaned
    if not cleaned:
        raise ValidationError(field, "Enter a number: the field is empty")

    negative = False
    body = cleaned
    if body[0] in _MINUS or body[0] == "+":
        negative = body[0] != "+"
        body = body[1:]
    _check_characters(cleaned, body, syms, field)
    if not any(char in _DIGITS for char in body):
        raise ValidationError(field, f"'{shown}' is not a number")

    body = _resolve_foreign_separator(shown, body, syms, field)

    decimal_count = body.count(syms.decimal)
    if decimal_count > 1:
        raise ValidationError(
            field, f"'{shown}' has more than one decimal separator '{syms.decimal}'"
        )
    if decimal_count == 1:
        integer, fraction = body.split(syms.decimal)
    else:
        integer, fraction = body, ""
    if any(char in syms.group_chars for char in fraction):
        sep = next(char for char in fraction if char in syms.group_chars)
        raise ValidationError(
            field,
            f"'{shown}' has a misplaced group separator {_describe(sep)} after the decimal "
            f"separator '{syms.decimal}'",
        )
    group_seps = [char for char in integer if char in syms.group_chars]
    if group_seps:
        groups = re.split("|".join(map(re.escape, sorted(syms.group_chars))), integer)
        if not any(_valid_grouping(groups, sizes) for sizes in syms.groupings):
            if len(group_seps) == 1 and decimal_count == 0 and syms.group in {".", ","}:
                # "1234.5" in de: the user meant a decimal point, not a group separator.
                raise ValidationError(
                    field,
                    f"'{shown}' is not a number in {syms.name}: {syms.decimal_hint}",
                )
            raise ValidationError(
                field,
                f"'{shown}' has misplaced group separators ({_describe(group_seps[0])}) in "
                f"{syms.name}: {syms.decimal_hint}",
            )
        integer = "".join(groups)

    significant = integer.lstrip("0")
    if len(significant) > MAX_INTEGER_DIGITS:
        raise ValidationError(
            field,
            f"'{shown}' is too large: at most {MAX_INTEGER_DIGITS} digits before the decimal "
            "separator",
        )
    value = Decimal(f"{'-' if negative else ''}{integer or '0'}.{fraction or '0'}")
    if not fraction:
        value = value.quantize(Decimal(1))
    return value.copy_abs() if value.is_zero() else value


def _resolve_foreign_separator(shown: str, body: str, syms: _Symbols, field: str) -> str:
    """Read the ASCII separator the locale does not use ('.' in ru) as decimal, if certain."""
    foreign = [char for char in body if char in {".", ","} - {syms.decimal} - syms.group_chars]
    if not foreign:
        return body
    if len(foreign) > 1 or syms.decimal in body:
        raise ValidationError(
            field, f"'{shown}' is not a number in {syms.name}: {syms.decimal_hint}"
        )
    integer, fraction = body.split(foreign[0])
    if len(fraction) == 3 and integer:
        groups = [*re.split("|".join(map(re.escape, sorted(syms.group_chars))), integer), fraction]
        if _valid_grouping(groups, (3, 3)):
            raise ValidationError(
                field,
                f"'{shown}' is ambiguous in {syms.name}: {syms.decimal_hint}",
            )
    return f"{integer}{syms.decimal}{fraction}"


def parse_money(text: str, currency: Currency, locale: str, *, field: str = "amount") -> Money:
    """The amount a user typed in ``locale``; more decimals than ``currency`` has are refused.

    ``parse_money("12,5", jpy, "de")`` raises "JPY has no decimals"; user input is never
    rounded. Trailing zeros are fine ("12,00" JPY is 12).
    """
    value = parse_decimal(text, locale, field=field)
    places = currency.minor_units
    if round_half_up(value, places) != value:
        shown = text.strip()
        if places == 0:
            raise ValidationError(field, f"'{shown}': {currency.code} has no decimals")
        raise ValidationError(
            field,
            f"'{shown}': {currency.code} has {places} decimal{'s' if places > 1 else ''}",
        )
    money = Money.of(value, currency)
    if abs(money.to_minor_units()) > _MAX_MINOR_UNITS:
        raise ValidationError(field, f"'{text.strip()}' is too large for {currency.code}")
    return money


def format_decimal(value: Decimal | int, locale: str, places: int | None = None) -> str:
    """``value`` for display in ``locale`` with group separators.

    With ``places`` the value is rounded half-up to exactly that many decimals; without, every
    decimal of ``value`` is shown (nothing is rounded away).
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"format_decimal needs Decimal or int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    loc = Locale.parse(locale.replace("-", "_"))
    if places is not None:
        number = round_half_up(number, places)
    # babel computes in the current decimal context; make it wide enough to keep every digit.
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, _digits_needed(number))
        if places is None:
            return _babel_format_decimal(number, locale=loc, decimal_quantization=False)
        pattern = copy.copy(loc.decimal_formats[None])
        pattern.frac_prec = (places, places)
        return _babel_format_decimal(number, format=pattern, locale=loc)


def _digits_needed(number: Decimal) -> int:
    """Digits of ``number`` written out in full (no exponent), plus a margin."""
    integer_digits = max(number.adjusted() + 1, 1)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only
    return integer_digits + max(-exponent, 0) + 2
