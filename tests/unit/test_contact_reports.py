"""The 24-hour rule and meeting times with their time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyplan.domain.contact_reports import (
    ActionStatus,
    ReportState,
    clean_time_zone,
    due_at,
    meeting_times,
    report_state,
    validate_meeting,
)
from keyplan.domain.errors import ValidationError

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no daylight saving
BERLIN = ZoneInfo("Europe/Berlin")


def test_meeting_times_are_local_to_the_meeting_and_compare_in_utc() -> None:
    starts, ends = meeting_times(date(2026, 11, 23), time(14, 0), time(15, 30), "Asia/Ho_Chi_Minh")
    assert starts.astimezone(UTC) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert ends - starts == timedelta(minutes=90)
    # a late call past midnight ends the next day
    starts, ends = meeting_times(date(2026, 11, 23), time(23, 30), time(0, 30), "Europe/Berlin")
    assert ends.date() == date(2026, 11, 24)
    assert ends - starts == timedelta(hours=1)


def test_meeting_times_across_a_daylight_saving_change() -> None:
    # Berlin leaves summer time on 2026-10-25 at 03:00: 01:00-04:00 local lasts 4 hours
    starts, ends = meeting_times(date(2026, 10, 25), time(1, 0), time(4, 0), "Europe/Berlin")
    assert (ends.astimezone(UTC) - starts.astimezone(UTC)) == timedelta(hours=4)


@pytest.mark.parametrize("name", ["", "  ", "Mars/Olympus", "GMT+7", "asia/tokyo"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_time_zone(name)
    assert raised.value.field == "time_zone"


def test_known_time_zones_are_kept() -> None:
    assert clean_time_zone(" Asia/Tokyo ") == "Asia/Tokyo"
    assert clean_time_zone("UTC") == "UTC"


def test_a_meeting_must_end_after_it_starts_and_last_at_most_a_week() -> None:
    start = datetime(2026, 11, 23, 9, tzinfo=SAIGON)
    with pytest.raises(ValidationError, match="end after"):
        validate_meeting(start, start)
    with pytest.raises(ValidationError, match="7 days"):
        validate_meeting(start, start + timedelta(days=7, minutes=1))
    with pytest.raises(TypeError):
        validate_meeting(datetime(2026, 11, 23, 9), start)  # naive
    validate_meeting(start, start + timedelta(days=7))


def test_the_states_of_a_report_through_its_day() -> None:
    ends = datetime(2026, 11, 23, 16, 0, tzinfo=SAIGON)  # 09:00 UTC
    assert due_at(ends) == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def state(now: datetime, sent_on: date | None = None) -> ReportState:
        return report_state(ends, sent_on, now, SAIGON)

    assert state(ends - timedelta(minutes=1)) is ReportState.UPCOMING
    assert state(ends) is ReportState.DUE  # due tomorrow 16:00 local
    assert state(datetime(2026, 11, 24, 0, 5, tzinfo=SAIGON)) is ReportState.DUE_TODAY
    assert state(datetime(2026, 11, 24, 16, 0, tzinfo=SAIGON)) is ReportState.DUE_TODAY
    assert state(datetime(2026, 11, 24, 16, 1, tzinfo=SAIGON)) is ReportState.OVERDUE
    assert state(datetime(2026, 12, 24, tzinfo=UTC), date(2026, 11, 24)) is ReportState.SENT


def test_due_today_is_the_users_day_not_the_meetings() -> None:
    # a call that ended at 23:00 in Saigon is due 23:00 the next day there (17:00 in Berlin)
    ends = datetime(2026, 11, 23, 23, 0, tzinfo=SAIGON)
    morning_in_berlin = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)
    assert report_state(ends, None, morning_in_berlin, BERLIN) is ReportState.DUE_TODAY
    # seen from Saigon at the same instant it is due today as well (23:00 local)
    assert report_state(ends, None, morning_in_berlin, SAIGON) is ReportState.DUE_TODAY
    # a Berliner looking at 00:30 his time on the 24th: due later that day
    late = datetime(2026, 11, 24, 0, 30, tzinfo=BERLIN)
    assert report_state(ends, None, late, BERLIN) is ReportState.DUE_TODAY
    # but one ending 23:00 in Berlin, seen from Saigon at 08:00 the next morning: due tomorrow
    berlin_end = datetime(2026, 11, 23, 23, 0, tzinfo=BERLIN)  # due 2026-11-25 05:00 Saigon
    assert report_state(berlin_end, None, datetime(2026, 11, 24, 8, tzinfo=SAIGON), SAIGON) is (
        ReportState.DUE
    )


def test_now_must_be_aware() -> None:
    with pytest.raises(TypeError):
        report_state(datetime(2026, 1, 1, tzinfo=UTC), None, datetime(2026, 1, 2))


def test_open_action_statuses() -> None:
    assert [s.value for s in ActionStatus if s.is_open] == ["open", "in_progress"]


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=-200_000, max_value=200_000),
)
def test_overdue_exactly_when_more_than_24_hours_passed(ends: datetime, minutes: int) -> None:
    now = ends + timedelta(minutes=minutes)
    state = report_state(ends, None, now, UTC)
    assert (state is ReportState.OVERDUE) == (now - ends > timedelta(hours=24))
    assert (state is ReportState.UPCOMING) == (now < ends)
