"""Accounts, contacts, team and agency profile: vocabularies and validation rules.

Every value a user types passes one of these ``clean_*`` functions before it is
stored. They return the normalised value or raise ``ValidationError`` naming the
field and the problem, so the UI can show the message next to that field.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import TypeVar

from babel import Locale

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency

NAME_MAX = 200
TEXT_MAX = 20_000
SHORT_MAX = 120


class AccountKind(StrEnum):
    """Where an account sits in a client group."""

    STANDALONE = "standalone"
    GLOBAL = "global"
    SUBSIDIARY = "subsidiary"
    BUSINESS_UNIT = "business_unit"


class AccountStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    DORMANT = "dormant"
    LOST = "lost"


class Health(StrEnum):
    """Red / amber / green, the account director's own judgement."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class BuyingRole(StrEnum):
    DECISION_MAKER = "decision_maker"
    ECONOMIC_BUYER = "economic_buyer"
    INFLUENCER = "influencer"
    CHAMPION = "champion"
    USER = "user"
    BLOCKER = "blocker"
    UNKNOWN = "unknown"


class NoteKind(StrEnum):
    NOTE = "note"
    WORKED = "worked"  # a learning: what worked
    DID_NOT_WORK = "did_not_work"  # a learning: what did not


class PaperSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


E = TypeVar("E", bound=StrEnum)

STANDARD_TIERS: tuple[str, ...] = ("Enterprise", "VIP", "Medium", "Small")
"""Suggested tiers; users may type their own (e.g. Strategic, Key, Growth, Maintain)."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}( ?(ext\.?|x) ?[0-9]{1,6})?$", re.IGNORECASE)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _has_control_chars(text: str) -> bool:
    """Control characters other than the line break and tab that multi-line text may hold."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text)


def _breaks_a_line(text: str) -> bool:
    """Anything that would split a one-line name: line/paragraph separators, tabs, controls."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def clean_name(value: str, field: str = "name", *, max_length: int = NAME_MAX) -> str:
    """A required one-line name: trimmed, not empty, no line breaks, not too long."""
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise ValidationError(field, "A name is required.")
    if _breaks_a_line(text):
        raise ValidationError(
            field, "A name must be one line, without tabs, line breaks or control characters."
        )
    if len(text) > max_length:
        raise ValidationError(field, f"Too long: {len(text)} characters, at most {max_length}.")
    return text


def clean_line(value: str, field: str, *, max_length: int = SHORT_MAX) -> str:
    """An optional one-line text (title, industry, location); empty is allowed."""
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        return ""
    return clean_name(text, field, max_length=max_length)


def clean_text(value: str, field: str, *, max_length: int = TEXT_MAX) -> str:
    """Optional multi-line text (notes, reasons)."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if _has_control_chars(text):
        raise ValidationError(field, "The text contains control characters.")
    if len(text) > max_length:
        raise ValidationError(field, f"Too long: {len(text)} characters, at most {max_length}.")
    return text


def clean_email(value: str, field: str = "email") -> str:
    text = value.strip()
    if not text:
        return ""
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValidationError(field, f"'{text}' is not an e-mail address (name@example.com).")
    return text


def clean_phone(value: str, field: str = "phone") -> str:
    text = " ".join(value.split())
    if not text:
        return ""
    if not _PHONE.match(text):
        raise ValidationError(
            field, f"'{text}' is not a phone number: use digits, spaces, + ( ) - . / and ext."
        )
    return text


def clean_currency(value: str, field: str = "currency") -> str:
    code = value.strip().upper()
    try:
        Currency.get(code)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from exc
    return code


@cache
def countries() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> English name (CLDR via babel)."""
    return {
        code: name
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN", "QO"}
    }


def clean_country(value: str, field: str = "market") -> str:
    code = value.strip().upper()
    if not code:
        return ""
    if code not in countries():
        raise ValidationError(field, f"'{value.strip()}' is not a country code (e.g. VN, JP, DE).")
    return code


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clean_time_zone(value: str, field: str = "time_zone") -> str:
    text = value.strip()
    if not text:
        return ""
    if text not in time_zones():
        raise ValidationError(field, f"'{text}' is not a time zone (e.g. Asia/Ho_Chi_Minh).")
    return text


def clean_tier(value: str, field: str = "tier") -> str:
    text = clean_name(value, field, max_length=40)
    for standard in STANDARD_TIERS:  # keep the standard spelling when only the case differs
        if text.casefold() == standard.casefold():
            return standard
    return text


def clean_rating(value: int | None, field: str, *, low: int = 1, high: int = 5) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"Choose a value from {low} to {high}.")
    return value


def clean_cadence(value: int | None, field: str = "contact_cadence_days") -> int | None:
    return clean_rating(value, field, low=1, high=365)


def clean_colour(value: str, field: str = "brand_colour") -> str:
    text = value.strip()
    if not _COLOUR.match(text):
        raise ValidationError(field, f"'{text}' is not a colour: use #RRGGBB, e.g. #1F4E79.")
    return text.upper()


def clean_percent(
    value: Decimal | int | str,
    field: str,
    *,
    low: Decimal = Decimal(0),
    high: Decimal = Decimal(100),
) -> Decimal:
    """A percentage with at most 4 decimals, within [low, high]."""
    if isinstance(value, float | bool):
        raise TypeError("percentages are never floats")
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise ValidationError(field, f"'{value}' is not a percentage.") from exc
    if not number.is_finite():
        raise ValidationError(field, f"'{value}' is not a percentage.")
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationError(field, "Use at most 4 decimals for a percentage.")
    if not low <= number <= high:
        raise ValidationError(field, f"Choose a percentage from {low} to {high}.")
    return number


def clean_enum(enum_type: type[E], value: str, field: str) -> E:
    try:
        return enum_type(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in enum_type)
        raise ValidationError(field, f"'{value}' is not one of: {allowed}.") from exc
