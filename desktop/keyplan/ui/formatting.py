"""Numbers, money, percentages and dates as the UI shows and reads them (user's locale)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from keyplan.domain.money import Currency, Money
from keyplan.domain.numbers import format_decimal, parse_decimal
from keyplan.ui.locale import ui_locale


def _plain(value: Decimal) -> Decimal:
    """12.50 -> 12.5, 10.0000 -> 10: no trailing zeros, never an exponent."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def money_text(amount: Decimal, currency: str) -> str:
    """The amount with exactly the currency's decimals, e.g. '1,234.50' or '12,500' (JPY)."""
    return format_decimal(amount, ui_locale(), Currency.get(currency).minor_units)


def money_with_symbol(amount: Decimal, currency: str) -> str:
    """'$1,234.50', '¥12,500', '1 234,50 ₽' as the locale writes it."""
    return Money.of(amount, Currency.get(currency)).format(ui_locale())


def percent_text(value: Decimal) -> str:
    return f"{format_decimal(_plain(value), ui_locale())} %"


def quantity_text(value: Decimal) -> str:
    return format_decimal(_plain(value), ui_locale())


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def read_decimal(text: str, field: str = "amount") -> Decimal:
    """A number typed or pasted by the user; ValidationError names what is wrong."""
    cleaned = text.strip().removesuffix("%").strip()
    return parse_decimal(cleaned, ui_locale(), field=field)
