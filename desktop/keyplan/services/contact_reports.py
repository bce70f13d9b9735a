"""Contact reports, their attendees and action items; what is due under the 24-hour rule.

Every call is one transaction. Creating returns the id (undo purges it again); deleting a
report is a soft delete that takes its action items along under the same deletion id, so Undo
or Deleted items bring all of it back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from functools import partial
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain import contact_reports as cr
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.base import Cleaner, EntityService, live_account
from keyplan.services.records import Change
from keyplan.store.models import (
    Account,
    ActionItem,
    Contact,
    ContactReport,
    Project,
    ReportAttendee,
    TeamMember,
)
from keyplan.store.types import utc_now

__all__ = [
    "ActionDraft",
    "ActionRecord",
    "AttendeeRecord",
    "AttendeeRef",
    "ContactReportService",
    "DueCounts",
    "ReportDraft",
    "ReportRecord",
    "ReportSummary",
]


@dataclass(frozen=True)
class AttendeeRef:
    """One attendee as stored: a client contact, a team member, or a named guest."""

    contact_id: int | None = None
    team_member_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class AttendeeRecord:
    ref: AttendeeRef
    name: str  # as shown: the contact's or member's current name, or the guest's
    title: str
    side: str  # "client", "agency" or "guest"


@dataclass(frozen=True)
class ReportDraft:
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    kind: str = "meeting"
    place: str = ""
    project_id: int | None = None
    agenda: str = ""
    discussion: str = ""
    decisions: str = ""
    next_meeting_on: date | None = None
    next_meeting: str = ""
    internal_notes: str = ""
    attendees: tuple[AttendeeRef, ...] = ()


@dataclass(frozen=True)
class ActionDraft:
    description: str
    owner_contact_id: int | None = None
    owner_member_id: int | None = None
    owner_name: str = ""
    due_on: date | None = None
    status: str = "open"


@dataclass(frozen=True)
class ActionRecord:
    id: int
    account_id: int
    report_id: int | None
    report_title: str
    report_date: date | None  # the meeting's day in its own time zone
    position: int
    description: str
    owner_contact_id: int | None
    owner_member_id: int | None
    owner: str  # the owner's name as shown
    owner_name: str  # a typed owner (neither a contact nor a team member)
    due_on: date | None
    status: str
    done_on: date | None

    @property
    def is_open(self) -> bool:
        return cr.ActionStatus(self.status).is_open


@dataclass(frozen=True)
class ReportSummary:
    id: int
    account_id: int
    account_name: str
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    sent_on: date | None
    state: str
    due_at: datetime
    open_actions: int

    @property
    def local_start(self) -> datetime:
        """The start in the meeting's own time zone."""
        return self.starts_at.astimezone(ZoneInfo(self.time_zone))


@dataclass(frozen=True)
class ReportRecord(ReportSummary):
    project_id: int | None = None
    project_name: str = ""
    place: str = ""
    agenda: str = ""
    discussion: str = ""
    decisions: str = ""
    next_meeting_on: date | None = None
    next_meeting: str = ""
    internal_notes: str = ""
    attendees: tuple[AttendeeRecord, ...] = ()
    actions: tuple[ActionRecord, ...] = field(default_factory=tuple)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.time_zone))


@dataclass(frozen=True)
class DueCounts:
    overdue: int
    due_today: int


def _aware(value: Any, field_name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(field_name, "Enter the date and time of the meeting.")
    if not 1990 <= value.year <= 2200:
        raise ValidationError(field_name, "Enter a date from 1990 to 2200.")
    return value.astimezone(UTC)


def _optional_date(value: Any, field_name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field_name, "Enter a date.")
    if not 1990 <= value.year <= 2200:
        raise ValidationError(field_name, "Enter a date from 1990 to 2200.")
    return value


def _optional_id(value: Any, field_name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field_name, "Choose one from the list.")
    return value


_REPORT_CLEANERS: dict[str, Cleaner] = {
    "title": partial(rules.clean_name, field="title"),
    "kind": lambda value: rules.clean_enum(cr.ReportKind, value, "kind").value,
    "starts_at": partial(_aware, field_name="starts_at"),
    "ends_at": partial(_aware, field_name="ends_at"),
    "time_zone": cr.clean_time_zone,
    "place": partial(rules.clean_line, field="place", max_length=200),
    "project_id": partial(_optional_id, field_name="project_id"),
    "agenda": partial(rules.clean_text, field="agenda", max_length=cr.TEXT_MAX),
    "discussion": partial(rules.clean_text, field="discussion", max_length=cr.TEXT_MAX),
    "decisions": partial(rules.clean_text, field="decisions", max_length=cr.TEXT_MAX),
    "next_meeting_on": partial(_optional_date, field_name="next_meeting_on"),
    "next_meeting": partial(rules.clean_line, field="next_meeting", max_length=200),
    "internal_notes": partial(rules.clean_text, field="internal_notes", max_length=cr.TEXT_MAX),
    "sent_on": partial(_optional_date, field_name="sent_on"),
}

_ACTION_CLEANERS: dict[str, Cleaner] = {
    "description": partial(rules.clean_text, field="description", max_length=2000),
    "owner_contact_id": partial(_optional_id, field_name="owner"),
    "owner_member_id": partial(_optional_id, field_name="owner"),
    "owner_name": partial(rules.clean_line, field="owner", max_length=200),
    "due_on": partial(_optional_date, field_name="due_on"),
    "status": lambda value: rules.clean_enum(cr.ActionStatus, value, "status").value,
    "done_on": partial(_optional_date, field_name="done_on"),
}


class ContactReportService(EntityService[ContactReport]):
    model = ContactReport
    label = "contact report"
    deleted_kind = "contact_report"
    cleaners: ClassVar[Mapping[str, Cleaner]] = _REPORT_CLEANERS

    # -- checks ------------------------------------------------------------------------------

    @staticmethod
    def _check_project(session: Session, account_id: int, project_id: int | None) -> None:
        if project_id is None:
            return
        project = session.get(Project, project_id)
        if project is None or project.deleted_at is not None or project.account_id != account_id:
            raise ValidationError("project_id", "Choose a project of this account.")

    def _derive(
        self, session: Session, row: ContactReport, cleaned: dict[str, Any]
    ) -> dict[str, Any]:
        starts = cleaned.get("starts_at", row.starts_at)
        ends = cleaned.get("ends_at", row.ends_at)
        if "starts_at" in cleaned or "ends_at" in cleaned:
            cr.validate_meeting(starts, ends)
        if "project_id" in cleaned:
            self._check_project(session, row.account_id, cleaned["project_id"])
        if cleaned.get("sent_on") is not None:
            self._check_sent_on(cleaned["sent_on"], starts, cleaned.get("time_zone", row.time_zone))
        return cleaned

    @staticmethod
    def _check_sent_on(sent_on: date, starts_at: datetime, time_zone: str) -> None:
        meeting_day = starts_at.astimezone(ZoneInfo(time_zone)).date()
        if sent_on < meeting_day:
            raise ValidationError(
                "sent_on",
                f"A report cannot be sent before its meeting ({meeting_day.isoformat()}).",
            )

    def _check_attendees(
        self, session: Session, account_id: int, attendees: Iterable[AttendeeRef]
    ) -> list[AttendeeRef]:
        cleaned: list[AttendeeRef] = []
        for attendee in attendees:
            name = rules.clean_line(attendee.name, "attendees", max_length=200)
            if attendee.contact_id is not None:
                contact = session.get(Contact, attendee.contact_id)
                if contact is None or contact.account_id != account_id:
                    raise ValidationError("attendees", "Choose contacts of this account.")
            elif attendee.team_member_id is not None:
                if session.get(TeamMember, attendee.team_member_id) is None:
                    raise ValidationError("attendees", "Choose members of the team.")
            elif not name:
                raise ValidationError("attendees", "Give the guest's name.")
            cleaned.append(AttendeeRef(attendee.contact_id, attendee.team_member_id, name))
        if len(set(cleaned)) != len(cleaned):
            raise ValidationError("attendees", "Someone is listed twice.")
        return cleaned

    # -- reports -----------------------------------------------------------------------------

    def create(self, account_id: int, draft: ReportDraft, *, report_id: int | None = None) -> int:
        values = {f.name: getattr(draft, f.name) for f in dataclasses.fields(draft)}
        attendees = values.pop("attendees")
        cleaned = self._clean(values)
        cr.validate_meeting(cleaned["starts_at"], cleaned["ends_at"])
        with self.workspace.transaction() as session:
            live_account(session, account_id)
            self._check_project(session, account_id, cleaned["project_id"])
            row = ContactReport(id=report_id, account_id=account_id, **cleaned)
            session.add(row)
            session.flush()
            self._write_attendees(
                session, row, self._check_attendees(session, account_id, attendees)
            )
            return row.id

    def purge(self, report_id: int) -> None:
        """Remove a report for good: the undo of creating it."""
        with self.workspace.transaction() as session:
            session.delete(self._get(session, report_id, deleted_ok=True))

    def delete(self, entity_id: int, *, deletion_id: str | None = None) -> str:
        """Soft delete the report and its action items together."""
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            actions = session.scalars(
                select(ActionItem).where(
                    ActionItem.report_id == entity_id, ActionItem.deleted_at.is_(None)
                )
            ).all()
            return self.soft_delete(session, [row, *actions], deletion_id)

    def restore(self, deletion_id: str) -> list[int]:
        with self.workspace.transaction() as session:
            for action in session.scalars(
                select(ActionItem).where(ActionItem.deletion_id == deletion_id)
            ).all():
                action.deleted_at = None
                action.deletion_id = None
            return self._restore_rows(session, deletion_id)

    def deleted_name(self, row: Any) -> str:
        return str(row.title)

    def set_attendees(
        self, report_id: int, attendees: Sequence[AttendeeRef]
    ) -> tuple[AttendeeRef, ...]:
        """Replace who attended; returns the list before, for undo."""
        with self.workspace.transaction() as session:
            row = self._get(session, report_id)
            before = tuple(
                AttendeeRef(a.contact_id, a.team_member_id, a.name)
                for a in self._attendee_rows(session, report_id)
            )
            cleaned = self._check_attendees(session, row.account_id, attendees)
            for old in self._attendee_rows(session, report_id):
                session.delete(old)
            session.flush()
            self._write_attendees(session, row, cleaned)
            return before

    @staticmethod
    def _attendee_rows(session: Session, report_id: int) -> Sequence[ReportAttendee]:
        return session.scalars(
            select(ReportAttendee)
            .where(ReportAttendee.report_id == report_id)
            .order_by(ReportAttendee.position, ReportAttendee.id)
        ).all()

    @staticmethod
    def _write_attendees(
        session: Session, row: ContactReport, attendees: Sequence[AttendeeRef]
    ) -> None:
        for position, attendee in enumerate(attendees):
            session.add(
                ReportAttendee(
                    report_id=row.id,
                    position=position,
                    contact_id=attendee.contact_id,
                    team_member_id=attendee.team_member_id,
                    name=attendee.name,
                )
            )

    def mark_sent(self, report_id: int, sent_on: date | None) -> Change:
        """Record the day the report went to the client (None: not sent after all)."""
        return self.update(report_id, {"sent_on": sent_on})

    # -- reading -------------------------------------------------------------------------------

    def _summary_values(
        self, session: Session, row: ContactReport, now: datetime, local_zone: tzinfo
    ) -> dict[str, Any]:
        account = session.get(Account, row.account_id)
        open_actions = session.scalar(
            select(func.count())
            .select_from(ActionItem)
            .where(
                ActionItem.report_id == row.id,
                ActionItem.deleted_at.is_(None),
                ActionItem.status.in_(("open", "in_progress")),
            )
        )
        return {
            "id": row.id,
            "account_id": row.account_id,
            "account_name": account.name if account else "",
            "title": row.title,
            "kind": row.kind,
            "starts_at": row.starts_at,
            "ends_at": row.ends_at,
            "time_zone": row.time_zone,
            "sent_on": row.sent_on,
            "state": cr.report_state(row.ends_at, row.sent_on, now, local_zone).value,
            "due_at": cr.due_at(row.ends_at),
            "open_actions": open_actions or 0,
        }

    def for_account(
        self, account_id: int, *, now: datetime | None = None, local_zone: tzinfo = UTC
    ) -> list[ReportSummary]:
        """The account's reports, newest meeting first."""
        moment = now or utc_now()
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(ContactReport)
                .where(ContactReport.account_id == account_id, ContactReport.deleted_at.is_(None))
                .order_by(ContactReport.starts_at.desc(), ContactReport.id.desc())
            ).all()
            return [
                ReportSummary(**self._summary_values(session, row, moment, local_zone))
                for row in rows
            ]

    def owed(
        self,
        *,
        now: datetime | None = None,
        local_zone: tzinfo = UTC,
        account_id: int | None = None,
    ) -> list[ReportSummary]:
        """Reports not sent whose meeting has ended (due, due today or overdue), oldest due
        first, across live accounts (or one account)."""
        moment = now or utc_now()
        with self.workspace.reading() as session:
            query = (
                select(ContactReport)
                .join(Account, Account.id == ContactReport.account_id)
                .where(
                    ContactReport.deleted_at.is_(None),
                    Account.deleted_at.is_(None),
                    ContactReport.sent_on.is_(None),
                    ContactReport.ends_at <= moment,
                )
                .order_by(ContactReport.ends_at, ContactReport.id)
            )
            if account_id is not None:
                query = query.where(ContactReport.account_id == account_id)
            return [
                ReportSummary(**self._summary_values(session, row, moment, local_zone))
                for row in session.scalars(query).all()
            ]

    def due_counts(self, *, now: datetime | None = None, local_zone: tzinfo = UTC) -> DueCounts:
        owed = self.owed(now=now, local_zone=local_zone)
        return DueCounts(
            overdue=sum(1 for r in owed if r.state == cr.ReportState.OVERDUE),
            due_today=sum(1 for r in owed if r.state == cr.ReportState.DUE_TODAY),
        )

    def get(
        self, report_id: int, *, now: datetime | None = None, local_zone: tzinfo = UTC
    ) -> ReportRecord:
        moment = now or utc_now()
        with self.workspace.reading() as session:
            row = self._get(session, report_id)
            project = session.get(Project, row.project_id) if row.project_id else None
            attendees = tuple(
                self._attendee(session, a) for a in self._attendee_rows(session, row.id)
            )
            actions = tuple(
                self._action_record(session, action)
                for action in session.scalars(
                    select(ActionItem)
                    .where(ActionItem.report_id == row.id, ActionItem.deleted_at.is_(None))
                    .order_by(ActionItem.position, ActionItem.id)
                ).all()
            )
            return ReportRecord(
                **self._summary_values(session, row, moment, local_zone),
                project_id=row.project_id,
                project_name=project.name if project else "",
                place=row.place,
                agenda=row.agenda,
                discussion=row.discussion,
                decisions=row.decisions,
                next_meeting_on=row.next_meeting_on,
                next_meeting=row.next_meeting,
                internal_notes=row.internal_notes,
                attendees=attendees,
                actions=actions,
            )

    @staticmethod
    def _attendee(session: Session, row: ReportAttendee) -> AttendeeRecord:
        ref = AttendeeRef(row.contact_id, row.team_member_id, row.name)
        if row.contact_id is not None:
            contact = session.get(Contact, row.contact_id)
            if contact is not None:
                return AttendeeRecord(ref, contact.name, contact.title, "client")
        if row.team_member_id is not None:
            member = session.get(TeamMember, row.team_member_id)
            if member is not None:
                return AttendeeRecord(ref, member.name, member.role, "agency")
        return AttendeeRecord(ref, row.name, "", "guest")

    # -- action items --------------------------------------------------------------------------

    @staticmethod
    def _owner(session: Session, row: ActionItem) -> str:
        if row.owner_contact_id is not None:
            contact = session.get(Contact, row.owner_contact_id)
            if contact is not None:
                return contact.name
        if row.owner_member_id is not None:
            member = session.get(TeamMember, row.owner_member_id)
            if member is not None:
                return member.name
        return row.owner_name

    def _action_record(self, session: Session, row: ActionItem) -> ActionRecord:
        report = session.get(ContactReport, row.report_id) if row.report_id else None
        return ActionRecord(
            id=row.id,
            account_id=row.account_id,
            report_id=row.report_id,
            report_title=report.title if report else "",
            report_date=report.starts_at.astimezone(ZoneInfo(report.time_zone)).date()
            if report
            else None,
            position=row.position,
            description=row.description,
            owner_contact_id=row.owner_contact_id,
            owner_member_id=row.owner_member_id,
            owner=self._owner(session, row),
            owner_name=row.owner_name,
            due_on=row.due_on,
            status=row.status,
            done_on=row.done_on,
        )

    def _check_owner(self, session: Session, account_id: int, values: Mapping[str, Any]) -> None:
        contact_id = values.get("owner_contact_id")
        if contact_id is not None:
            contact = session.get(Contact, contact_id)
            if contact is None or contact.account_id != account_id:
                raise ValidationError("owner", "Choose a contact of this account.")
        member_id = values.get("owner_member_id")
        if member_id is not None and session.get(TeamMember, member_id) is None:
            raise ValidationError("owner", "Choose a member of the team.")

    def add_action(
        self,
        report_id: int,
        draft: ActionDraft,
        *,
        action_id: int | None = None,
        position: int | None = None,
    ) -> int:
        values = {
            name: _ACTION_CLEANERS[name](value) for name, value in dataclasses.asdict(draft).items()
        }
        if not values["description"]:
            raise ValidationError("description", "Say what is to be done.")
        with self.workspace.transaction() as session:
            report = self._get(session, report_id)
            self._check_owner(session, report.account_id, values)
            if position is None:
                position = (
                    session.scalar(
                        select(func.max(ActionItem.position)).where(
                            ActionItem.report_id == report_id
                        )
                    )
                    or 0
                ) + 1
            row = ActionItem(
                id=action_id,
                account_id=report.account_id,
                report_id=report_id,
                position=position,
                **values,
            )
            session.add(row)
            session.flush()
            return row.id

    def _action(self, session: Session, action_id: int) -> ActionItem:
        row = session.get(ActionItem, action_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"No action item with id {action_id}.")
        return row

    def update_action(
        self,
        action_id: int,
        changes: Mapping[str, Any],
        *,
        today: date | None = None,
        exact: bool = False,
    ) -> Change:
        """Edit an action item; marking it done records the day (``today``) unless given.

        ``exact`` writes the values as given (undo and redo), deriving nothing.
        """
        cleaned: dict[str, Any] = {}
        for name, value in changes.items():
            cleaner = _ACTION_CLEANERS.get(name)
            if cleaner is None:
                raise ValidationError(name, f"{name} cannot be edited on an action item.")
            cleaned[name] = cleaner(value)
        if "description" in cleaned and not cleaned["description"]:
            raise ValidationError("description", "Say what is to be done.")
        with self.workspace.transaction() as session:
            row = self._action(session, action_id)
            self._check_owner(session, row.account_id, cleaned)
            if not exact and "status" in cleaned and "done_on" not in cleaned:
                done = cleaned["status"] == cr.ActionStatus.DONE
                cleaned["done_on"] = (row.done_on or today or date.today()) if done else None
            owner_fields = ("owner_contact_id", "owner_member_id", "owner_name")
            if not exact and any(k in cleaned for k in owner_fields):  # one owner at a time
                for name in ("owner_contact_id", "owner_member_id", "owner_name"):
                    cleaned.setdefault(name, None if name != "owner_name" else "")
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for name, value in cleaned.items():
                old = getattr(row, name)
                if old != value:
                    before[name], after[name] = old, value
                    setattr(row, name, value)
        return Change(before, after)

    def delete_action(self, action_id: int, *, deletion_id: str | None = None) -> str:
        with self.workspace.transaction() as session:
            return self.soft_delete(session, [self._action(session, action_id)], deletion_id)

    def restore_action(self, deletion_id: str) -> None:
        with self.workspace.transaction() as session:
            for row in session.scalars(
                select(ActionItem).where(ActionItem.deletion_id == deletion_id)
            ).all():
                row.deleted_at = None
                row.deletion_id = None

    def purge_action(self, action_id: int) -> None:
        with self.workspace.transaction() as session:
            row = session.get(ActionItem, action_id)
            if row is not None:
                session.delete(row)

    def actions_for_account(
        self, account_id: int, *, open_only: bool = False
    ) -> list[ActionRecord]:
        """Action items of every report of the account: open ones first by due date."""
        with self.workspace.reading() as session:
            query = select(ActionItem).where(
                ActionItem.account_id == account_id, ActionItem.deleted_at.is_(None)
            )
            if open_only:
                query = query.where(ActionItem.status.in_(("open", "in_progress")))
            records = [self._action_record(session, row) for row in session.scalars(query).all()]
        return sorted(
            records,
            key=lambda a: (not a.is_open, a.due_on or date.max, a.report_date or date.min, a.id),
        )
