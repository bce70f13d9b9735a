"""Contact reports on a real workspace file: create, edit, attendees, action items, the
24-hour rule across accounts, delete and restore, the demo's reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import ProjectDraft
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.workspace import WorkspaceServices

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 17:00 in Saigon


def meeting(hours_ago: float, minutes: int = 60) -> tuple[datetime, datetime]:
    ends = (NOW - timedelta(hours=hours_ago)).astimezone(SAIGON)
    return ends - timedelta(minutes=minutes), ends


def draft(title: str = "Weekly status", hours_ago: float = 2, **extra: object) -> ReportDraft:
    starts, ends = meeting(hours_ago)
    return ReportDraft(
        title=title, starts_at=starts, ends_at=ends, time_zone="Asia/Ho_Chi_Minh", **extra
    )  # type: ignore[arg-type]


@pytest.fixture
def people(services: WorkspaceServices, account_id: int) -> dict[str, int]:
    return {
        "huong": services.contacts.create(account_id, ContactDraft("Nguyễn Thị Hương")),
        "duc": services.contacts.create(account_id, ContactDraft("Trần Văn Đức", title="CEO")),
        "minh": services.team.create("Nguyễn Hoàng Minh", "Account Director"),
    }


def test_create_and_read_back_with_attendees_in_order(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    reports = services.contact_reports
    attendees = (
        AttendeeRef(contact_id=people["huong"]),
        AttendeeRef(team_member_id=people["minh"]),
        AttendeeRef(name="Lê Văn An (KOL agency)"),
    )
    report_id = reports.create(
        account_id,
        draft(
            kind="workshop",
            place="Quận 1",
            agenda="Kịch bản 11.11",
            internal_notes="Budget is tight",
            attendees=attendees,
        ),
    )
    record = reports.get(report_id, now=NOW, local_zone=SAIGON)
    assert (record.title, record.kind, record.place) == ("Weekly status", "workshop", "Quận 1")
    assert record.local_start.tzinfo == SAIGON
    assert record.starts_at.tzinfo == UTC
    assert [(a.name, a.side) for a in record.attendees] == [
        ("Nguyễn Thị Hương", "client"),
        ("Nguyễn Hoàng Minh", "agency"),
        ("Lê Văn An (KOL agency)", "guest"),
    ]
    assert record.state == "due"  # ended 2 hours ago: due tomorrow
    assert record.due_at == record.ends_at + timedelta(hours=24)


def test_bad_reports_are_refused_naming_the_field_and_nothing_is_saved(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    reports = services.contact_reports
    starts, ends = meeting(1)
    cases = [
        (draft(title=""), "title"),
        (ReportDraft("x", starts, starts, "Asia/Ho_Chi_Minh"), "ends_at"),
        (ReportDraft("x", starts, ends, "Saigon"), "time_zone"),
        (ReportDraft("x", starts.replace(tzinfo=None), ends, "UTC"), "starts_at"),
        (draft(kind="lunch"), "kind"),
        (draft(agenda="x" * 20_001), "agenda"),
        (draft(attendees=(AttendeeRef(name=""),)), "attendees"),
        (draft(attendees=(AttendeeRef(contact_id=people["duc"]),) * 2), "attendees"),
    ]
    other = services.accounts.create(AccountDraft("Other shop", currency="VND"))
    stranger = services.contacts.create(other, ContactDraft("Someone Else"))
    cases.append((draft(attendees=(AttendeeRef(contact_id=stranger),)), "attendees"))
    project = services.projects.create(other, ProjectDraft("Not theirs"))
    cases.append((draft(project_id=project), "project_id"))
    for bad, field in cases:
        with pytest.raises(ValidationError) as raised:
            reports.create(account_id, bad)
        assert raised.value.field == field, bad
    assert reports.for_account(account_id) == []


def test_updates_return_the_change_and_undo_exactly(
    services: WorkspaceServices, account_id: int
) -> None:
    reports = services.contact_reports
    report_id = reports.create(account_id, draft())
    starts, ends = meeting(30, minutes=90)
    change = reports.update(
        report_id, {"decisions": "Go with plan B", "starts_at": starts, "ends_at": ends}
    )
    assert set(change.after) == {"decisions", "starts_at", "ends_at"}
    assert reports.get(report_id, now=NOW).state == "overdue"
    reports.update(report_id, change.before, exact=True)
    record = reports.get(report_id, now=NOW)
    assert (record.decisions, record.state) == ("", "due")
    with pytest.raises(ValidationError) as raised:  # end before start, through an update
        reports.update(report_id, {"ends_at": record.starts_at - timedelta(minutes=5)})
    assert raised.value.field == "ends_at"


def test_sent_on_cannot_be_before_the_meeting(services: WorkspaceServices, account_id: int) -> None:
    reports = services.contact_reports
    report_id = reports.create(account_id, draft(hours_ago=30))
    meeting_day = reports.get(report_id).local_start.date()
    with pytest.raises(ValidationError) as raised:
        reports.mark_sent(report_id, meeting_day - timedelta(days=1))
    assert raised.value.field == "sent_on"
    reports.mark_sent(report_id, meeting_day + timedelta(days=1))
    assert reports.get(report_id, now=NOW).state == "sent"


def test_owed_and_due_counts_across_accounts(services: WorkspaceServices, account_id: int) -> None:
    reports = services.contact_reports
    other = services.accounts.create(AccountDraft("Hà Nội Tea", currency="VND"))
    overdue = reports.create(account_id, draft("Overdue", hours_ago=25))
    due_today = reports.create(other, draft("Due today", hours_ago=20))  # due 14:00 UTC today
    reports.create(account_id, draft("Due tomorrow", hours_ago=1))
    reports.create(account_id, draft("Upcoming", hours_ago=-5))
    sent = reports.create(other, draft("Sent", hours_ago=50))
    reports.mark_sent(sent, date(2026, 11, 24))
    owed = reports.owed(now=NOW, local_zone=UTC)
    assert [(r.title, r.state) for r in owed] == [
        ("Overdue", "overdue"),
        ("Due today", "due_today"),
        ("Due tomorrow", "due"),
    ]
    counts = reports.due_counts(now=NOW, local_zone=UTC)
    assert (counts.overdue, counts.due_today) == (1, 1)
    assert [r.id for r in reports.owed(now=NOW, account_id=other)] == [due_today]
    # a deleted account's reports are not owed any more; they come back with it
    deletion = services.accounts.delete(account_id)
    assert overdue not in [r.id for r in reports.owed(now=NOW)]
    services.accounts.restore(deletion)
    assert overdue in [r.id for r in reports.owed(now=NOW)]


def test_attendees_replace_and_undo(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    reports = services.contact_reports
    first = (AttendeeRef(contact_id=people["huong"]),)
    report_id = reports.create(account_id, draft(attendees=first))
    second = (AttendeeRef(contact_id=people["duc"]), AttendeeRef(team_member_id=people["minh"]))
    before = reports.set_attendees(report_id, second)
    assert before == first
    assert [a.ref for a in reports.get(report_id).attendees] == list(second)
    reports.set_attendees(report_id, before)
    assert [a.ref for a in reports.get(report_id).attendees] == list(first)


def test_action_items_owner_status_and_account_list(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    reports = services.contact_reports
    older = reports.create(account_id, draft("Kick-off", hours_ago=24 * 10))
    newer = reports.create(account_id, draft("Status", hours_ago=3))
    a = reports.add_action(
        older, ActionDraft("Send the media plan", owner_member_id=people["minh"],
                           due_on=date(2026, 11, 20))
    )  # fmt: skip
    b = reports.add_action(
        newer, ActionDraft("Confirm the KOL list", owner_contact_id=people["huong"],
                           due_on=date(2026, 11, 28))
    )  # fmt: skip
    c = reports.add_action(newer, ActionDraft("Book the studio", owner_name="Studio Q7"))
    listed = reports.actions_for_account(account_id)
    assert [x.id for x in listed] == [a, b, c]  # open first, by due date, undated last
    assert [x.owner for x in listed] == ["Nguyễn Hoàng Minh", "Nguyễn Thị Hương", "Studio Q7"]
    assert listed[0].report_title == "Kick-off"

    change = reports.update_action(a, {"status": "done"}, today=date(2026, 11, 21))
    assert change.after == {"status": "done", "done_on": date(2026, 11, 21)}
    assert [x.id for x in reports.actions_for_account(account_id, open_only=True)] == [b, c]
    assert reports.get(newer).open_actions == 2
    reports.update_action(a, change.before)
    assert reports.actions_for_account(account_id)[0].done_on is None

    with pytest.raises(ValidationError) as raised:
        reports.add_action(newer, ActionDraft(""))
    assert raised.value.field == "description"
    other = services.accounts.create(AccountDraft("Other", currency="VND"))
    stranger = services.contacts.create(other, ContactDraft("Someone Else"))
    with pytest.raises(ValidationError) as raised:
        reports.update_action(b, {"owner_contact_id": stranger})
    assert raised.value.field == "owner"
    with pytest.raises(ValidationError):
        reports.update_action(b, {"status": "maybe"})

    deletion = reports.delete_action(c)
    assert c not in [x.id for x in reports.actions_for_account(account_id)]
    reports.restore_action(deletion)
    assert c in [x.id for x in reports.actions_for_account(account_id)]
    reports.purge_action(c)
    with pytest.raises(NotFoundError):
        reports.update_action(c, {"status": "done"})


def test_deleting_a_report_takes_its_actions_and_restore_brings_them_back(
    services: WorkspaceServices, account_id: int
) -> None:
    reports = services.contact_reports
    report_id = reports.create(account_id, draft("QBR"))
    reports.add_action(report_id, ActionDraft("Follow up"))
    deletion = reports.delete(report_id)
    assert reports.for_account(account_id) == []
    assert reports.actions_for_account(account_id) == []
    [item] = [i for i in services.deleted_items() if i.kind == "contact_report"]
    assert (item.name, item.account_name) == ("QBR", "Saigon Shop")
    services.restore(item)
    assert [r.id for r in reports.for_account(account_id)] == [report_id]
    assert len(reports.actions_for_account(account_id)) == 1
    assert deletion == item.deletion_id
    reports.purge(report_id)
    with pytest.raises(NotFoundError):
        reports.get(report_id)


def test_a_report_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "reports.keyplan"
    with WorkspaceServices.create(path) as services:
        account = services.accounts.create(AccountDraft("Mapo Coffee", currency="KRW"))
        report_id = services.contact_reports.create(account, draft("한국어 회의"))
    with WorkspaceServices.open(path, read_only=True) as services:
        record = services.contact_reports.get(report_id, now=NOW)
        assert record.title == "한국어 회의"
        assert record.local_start.utcoffset() == timedelta(hours=7)


def test_the_demo_has_reports_sent_and_owed_with_action_items(tmp_path: Path) -> None:
    # a day that is not the real today: the demo then anchors its meetings at noon UTC
    today = date(2026, 11, 20)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with create_demo_workspace(tmp_path / "demo.keyplan", today=today) as services:
        reports = services.contact_reports
        owed = reports.owed(now=now)
        assert [r.state for r in owed if r.state == "overdue"] == ["overdue"]
        assert [r.account_name for r in owed if r.state == "overdue"] == ["Sen Việt E-commerce"]
        assert [r.title for r in owed if r.state == "due_today"] == ["楽天スーパーSALE 振り返り"]
        every = [r for a in services.accounts.all() for r in reports.for_account(a.id, now=now)]
        assert sum(1 for r in every if r.state == "sent") >= 4
        languages = " ".join(r.title for r in every)
        for text in ("Livestream", "振り返り", "лояльности"):
            assert text in languages
        actions = [x for a in services.accounts.all() for x in reports.actions_for_account(a.id)]
        assert {x.status for x in actions} >= {"open", "done", "in_progress"}
        assert all(x.owner for x in actions)


def test_undo_of_an_action_edit_writes_back_exactly(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    reports = services.contact_reports
    report_id = reports.create(account_id, draft())
    action = reports.add_action(report_id, ActionDraft("Call the studio", owner_name="Studio Q7"))
    change = reports.update_action(action, {"owner_member_id": people["minh"]})
    # one owner at a time: the typed name went when a team member took over
    assert change.after == {"owner_member_id": people["minh"], "owner_name": ""}
    [record] = reports.actions_for_account(account_id)
    assert (record.owner, record.owner_name) == ("Nguyễn Hoàng Minh", "")
    reports.update_action(action, change.before, exact=True)
    [record] = reports.actions_for_account(account_id)
    assert (record.owner, record.owner_name, record.owner_member_id) == (
        "Studio Q7",
        "Studio Q7",
        None,
    )
    # exact: status without the derived done_on (the undo gives both back itself)
    reports.update_action(action, {"status": "done"}, exact=True)
    assert reports.actions_for_account(account_id)[0].done_on is None


def test_a_report_marked_sent_by_mistake_can_be_unmarked(
    services: WorkspaceServices, account_id: int
) -> None:
    reports = services.contact_reports
    report_id = reports.create(account_id, draft(hours_ago=30))
    reports.mark_sent(report_id, date(2026, 11, 25))
    change = reports.mark_sent(report_id, None)
    assert change.after == {"sent_on": None}
    assert reports.get(report_id, now=NOW).state == "overdue"
