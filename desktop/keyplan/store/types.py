"""Column types that keep numbers exact.

Money is stored as integer minor units next to its currency code; other exact
decimals (percentages, rates, hours) are stored as canonical decimal text.
SQLite REAL never holds a number of ours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Dialect, String
from sqlalchemy.types import TypeDecorator


class DecimalText(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as its exact text (``'12.5000'``), never as REAL."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"DecimalText needs Decimal or int, got {type(value).__name__}")
        return str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation as exc:  # only a hand-edited file can get here
            raise ValueError(f"stored decimal {value!r} is not a number") from exc


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as ISO-8601 text in UTC, read back aware (UTC)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
