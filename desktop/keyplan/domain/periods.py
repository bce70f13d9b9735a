"""Reporting periods: a week, a month or a quarter, written as ``2026-W38``, ``2026-09`` or
``2026-Q3``.

Weeks are ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday), so
``2026-W01`` starts on Monday 2025-12-29. Quarters are calendar quarters.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from keyplan.domain.errors import ValidationError

__all__ = ["Period", "PeriodKind", "containing", "parse_period"]

_PATTERN = re.compile(r"^(\d{4})-(?:W(\d{2})|Q([1-4])|(\d{2}))$")


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # last day, inclusive
    code: str  # "2026-Q3"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """How a report names it: "Q3 2026", "September 2026", "Week 38, 2026"."""
        if self.kind is PeriodKind.QUARTER:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind is PeriodKind.MONTH:
            return f"{calendar.month_name[self.start.month]} {self.start.year}"
        year, week, _ = self.start.isocalendar()
        return f"Week {week}, {year}"

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return containing(self.kind, self.start - timedelta(days=1))


def containing(kind: PeriodKind, day: date) -> Period:
    """The week, month or quarter that holds ``day``."""
    if kind is PeriodKind.WEEK:
        year, week, _ = day.isocalendar()
        return parse_period(f"{year}-W{week:02}")
    if kind is PeriodKind.MONTH:
        return parse_period(f"{day.year}-{day.month:02}")
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def parse_period(text: str) -> Period:
    """``2026-Q3``, ``2026-09`` or ``2026-W38`` as a :class:`Period`."""
    value = text.strip().upper()
    match = _PATTERN.match(value)
    problem = f"'{text}' is not a period: write 2026-Q3, 2026-09 or 2026-W38."
    if match is None:
        raise ValidationError("period", problem)
    year = int(match[1])
    if not 1990 <= year <= 2200:
        raise ValidationError("period", "Choose a year from 1990 to 2200.")
    if match[2] is not None:
        week = int(match[2])
        weeks_in_year = date(year, 12, 28).isocalendar()[1]
        if not 1 <= week <= weeks_in_year:
            raise ValidationError("period", f"{year} has weeks 1 to {weeks_in_year}.")
        start = date.fromisocalendar(year, week, 1)
        return Period(PeriodKind.WEEK, start, start + timedelta(days=6), f"{year}-W{week:02}")
    if match[3] is not None:
        quarter = int(match[3])
        first = 3 * quarter - 2
        last = first + 2
        end = date(year, last, calendar.monthrange(year, last)[1])
        return Period(PeriodKind.QUARTER, date(year, first, 1), end, f"{year}-Q{quarter}")
    month = int(match[4])
    if not 1 <= month <= 12:
        raise ValidationError("period", problem)
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(PeriodKind.MONTH, date(year, month, 1), end, f"{year}-{month:02}")
