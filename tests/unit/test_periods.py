"""Reporting periods: weeks, months and quarters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.domain.periods import PeriodKind, containing, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
        ("2026-09", date(2026, 9, 1), date(2026, 9, 30), "September 2026"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "February 2028"),
        ("2026-W38", date(2026, 9, 14), date(2026, 9, 20), "Week 38, 2026"),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4), "Week 1, 2026"),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3), "Week 53, 2026"),
    ],
)
def test_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert start in period and end in period
    assert start - timedelta(days=1) not in period


@pytest.mark.parametrize(
    "text", ["2026", "2026-Q5", "2026-13", "2026-00", "2027-W53", "2026-W00", "Q3 2026", "1800-01"]
)
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_period(text)
    assert raised.value.field == "period"


def test_previous_period() -> None:
    assert parse_period("2026-Q1").previous().code == "2025-Q4"
    assert parse_period("2026-01").previous().code == "2025-12"
    assert parse_period("2026-W01").previous().code == "2025-W52"


@given(st.dates(min_value=date(1991, 1, 1), max_value=date(2199, 12, 31)),
       st.sampled_from(list(PeriodKind)))  # fmt: skip
def test_every_day_lies_in_its_period_and_periods_tile(day: date, kind: PeriodKind) -> None:
    period = containing(kind, day)
    assert day in period
    assert parse_period(period.code) == period
    following = containing(kind, period.end + timedelta(days=1))
    assert following.start == period.end + timedelta(days=1)
    assert following.previous() == period
