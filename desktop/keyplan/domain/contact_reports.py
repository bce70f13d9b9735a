"""Contact reports: the 24-hour rule, meeting times with their time zone, action items.

A contact report is owed to the client within 24 hours of the end of a meeting or call
(DOMAIN.md). Meetings are kept as an aware start and end in the meeting's own IANA time zone
(``Asia/Ho_Chi_Minh``) so a report written on a plane shows the time the client saw;
comparisons happen in UTC.

:func:`report_state` says where a report stands at a moment: ``sent``, ``upcoming`` (the
meeting has not ended), ``due`` (within the 24 hours), ``due_today`` (the 24 hours end today in
the user's own time zone) or ``overdue``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from keyplan.domain.errors import ValidationError

__all__ = [
    "DUE_AFTER",
    "MAX_MEETING",
    "TEXT_MAX",
    "ActionStatus",
    "ReportKind",
    "ReportState",
    "clean_time_zone",
    "due_at",
    "meeting_times",
    "report_state",
    "validate_meeting",
]

DUE_AFTER = timedelta(hours=24)
"""A report is due this long after the meeting ends."""
MAX_MEETING = timedelta(days=7)
"""The longest meeting or workshop one report covers."""
TEXT_MAX = 20_000
"""Most characters of the agenda, discussion, decisions or internal notes."""


class ReportKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    VIDEO_CALL = "video_call"
    EMAIL = "email"
    WORKSHOP = "workshop"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ReportState(StrEnum):
    SENT = "sent"
    UPCOMING = "upcoming"
    DUE = "due"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


def clean_time_zone(value: str, field: str = "time_zone") -> str:
    """An IANA time zone name such as ``Europe/Berlin`` (``UTC`` is accepted too)."""
    name = (value or "").strip()
    if not name:
        raise ValidationError(field, "Choose the time zone of the meeting.")
    if name not in _zone_names():
        raise ValidationError(field, f"'{name}' is not a time zone; choose one such as Asia/Tokyo.")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(field, f"The time zone '{name}' is not available.") from None
    return name


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def meeting_times(day: date, start: time, end: time, time_zone: str) -> tuple[datetime, datetime]:
    """The aware start and end of a meeting on ``day`` from ``start`` to ``end`` local time.

    An end at or before the start means the meeting ran past midnight (a late call).
    """
    zone = ZoneInfo(clean_time_zone(time_zone))
    starts = datetime.combine(day, start, tzinfo=zone)
    ends = datetime.combine(day, end, tzinfo=zone)
    if ends <= starts:
        ends += timedelta(days=1)
    return starts, ends


def validate_meeting(starts_at: datetime, ends_at: datetime) -> None:
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"{name} must be an aware datetime")
        if not 1990 <= value.year <= 2200:
            raise ValidationError(name, "Enter a date from 1990 to 2200.")
    if ends_at <= starts_at:
        raise ValidationError("ends_at", "The meeting must end after it starts.")
    if ends_at - starts_at > MAX_MEETING:
        raise ValidationError("ends_at", "One report covers a meeting of at most 7 days.")


def due_at(ends_at: datetime) -> datetime:
    """When the report is owed: 24 hours after the meeting ended."""
    return ends_at + DUE_AFTER


def report_state(
    ends_at: datetime,
    sent_on: date | None,
    now: datetime,
    local_zone: tzinfo = UTC,
) -> ReportState:
    """Where a report stands at ``now``; "today" is the user's day in ``local_zone``."""
    if sent_on is not None:
        return ReportState.SENT
    if now.tzinfo is None:
        raise TypeError("now must be an aware datetime")
    if now < ends_at:
        return ReportState.UPCOMING
    deadline = due_at(ends_at)
    if now > deadline:
        return ReportState.OVERDUE
    if deadline.astimezone(local_zone).date() == now.astimezone(local_zone).date():
        return ReportState.DUE_TODAY
    return ReportState.DUE
