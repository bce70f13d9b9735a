"""The relationship map on a real workspace file: last reached from contact reports, the
cadence rule, the chart's lines, and the document the PDF prints."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.contact_reports import AttendeeRef, ReportDraft
from keyplan.services.demo import create_demo_workspace
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.relationships import org_chart_document
from keyplan.services.workspace import WorkspaceServices

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 10, 20)


def report(
    services: WorkspaceServices,
    account_id: int,
    starts: datetime,
    *contacts: int,
    title: str = "Weekly status",
) -> int:
    zone = starts.tzinfo
    assert isinstance(zone, ZoneInfo)
    return services.contact_reports.create(
        account_id,
        ReportDraft(
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            time_zone=zone.key,
            attendees=tuple(AttendeeRef(contact_id=c) for c in contacts),
        ),
    )


@pytest.fixture
def people(services: WorkspaceServices, account_id: int) -> dict[str, int]:
    contacts = services.contacts
    duc = contacts.create(
        account_id,
        ContactDraft("Trần Văn Đức", title="Tổng Giám đốc", buying_role="decision_maker",
                     influence=5, relationship_strength=3),
    )  # fmt: skip
    huong = contacts.create(
        account_id,
        ContactDraft("Nguyễn Thị Hương", title="CMO", buying_role="economic_buyer",
                     influence=4, relationship_strength=5, reports_to_id=duc),
    )  # fmt: skip
    khoi = contacts.create(account_id, ContactDraft("Lê Minh Khôi", reports_to_id=huong))
    bao = contacts.create(account_id, ContactDraft("Võ Quốc Bảo", reports_to_id=duc))
    return {"duc": duc, "huong": huong, "khoi": khoi, "bao": bao}


def test_last_reached_is_the_latest_report_attended_and_ignores_deleted_reports(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    duc, huong = people["duc"], people["huong"]
    report(services, account_id, datetime(2026, 9, 1, 10, 0, tzinfo=SAIGON), duc, huong)
    report(services, account_id, datetime(2026, 10, 2, 15, 0, tzinfo=SAIGON), huong)
    latest = report(services, account_id, datetime(2026, 10, 15, 9, 0, tzinfo=SAIGON), duc)
    relationships = services.relationships
    assert relationships.last_reached(account_id, today=TODAY) == {
        duc: date(2026, 10, 15),
        huong: date(2026, 10, 2),
    }

    deletion = services.contact_reports.delete(latest)
    assert relationships.last_reached(account_id, today=TODAY)[duc] == date(2026, 9, 1)
    services.contact_reports.restore(deletion)
    assert relationships.last_reached(account_id, today=TODAY)[duc] == date(2026, 10, 15)


def test_the_day_is_the_meetings_own_day_and_planned_meetings_do_not_count(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    # 00:30 on 12 October in Saigon is still 11 October in UTC: the meeting's day counts
    report(services, account_id, datetime(2026, 10, 12, 0, 30, tzinfo=SAIGON), people["khoi"])
    # 21:00 on 13 October in New York is already 14 October in UTC (and in Saigon)
    report(services, account_id, datetime(2026, 10, 13, 21, 0, tzinfo=NEW_YORK), people["bao"])
    # a meeting planned for next week has not reached anyone yet
    report(services, account_id, datetime(2026, 10, 27, 9, 0, tzinfo=SAIGON), people["duc"])
    reached = services.relationships.last_reached(account_id, today=TODAY)
    assert reached == {people["khoi"]: date(2026, 10, 12), people["bao"]: date(2026, 10, 13)}
    later = services.relationships.last_reached(account_id, today=date(2026, 10, 27))
    assert later[people["duc"]] == date(2026, 10, 27)


def test_overdue_by_the_accounts_cadence(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    report(services, account_id, datetime(2026, 10, 6, 9, 0, tzinfo=SAIGON), people["duc"])
    report(services, account_id, datetime(2026, 10, 5, 9, 0, tzinfo=SAIGON), people["huong"])
    relationships = services.relationships

    chart = relationships.relationship_map(account_id, TODAY)
    assert chart.cadence_days is None  # no cadence: nobody is overdue
    assert chart.overdue_count == 0

    services.accounts.update(account_id, {"contact_cadence_days": 14})
    chart = relationships.relationship_map(account_id, TODAY)
    assert chart.cadence_days == 14
    overdue = {node.name: node.overdue for node in chart.nodes}
    assert overdue == {
        "Trần Văn Đức": False,  # 14 days ago: just in time
        "Nguyễn Thị Hương": True,  # 15 days ago
        "Lê Minh Khôi": True,  # never reached
        "Võ Quốc Bảo": True,
    }
    assert chart.node(people["duc"]).last_reached == date(2026, 10, 6)
    assert chart.node(people["khoi"]).last_reached is None
    assert chart.overdue_count == 3


def test_the_chart_follows_reports_to_and_leaves_deleted_contacts_out(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    relationships = services.relationships
    chart = relationships.relationship_map(account_id, TODAY)
    assert [n.name for n in chart.nodes] == [
        "Lê Minh Khôi",
        "Nguyễn Thị Hương",
        "Trần Văn Đức",
        "Võ Quốc Bảo",
    ]
    assert {n.contact_id: n.reports_to_id for n in chart.nodes} == {
        people["duc"]: None,
        people["huong"]: people["duc"],
        people["khoi"]: people["huong"],
        people["bao"]: people["duc"],
    }
    assert [chart.node(people[k]).slot.row for k in ("duc", "huong", "khoi", "bao")] == [
        0,
        1,
        2,
        1,
    ]
    duc = chart.node(people["duc"])
    assert (duc.title, duc.buying_role, duc.influence, duc.strength) == (
        "Tổng Giám đốc",
        "decision_maker",
        5,
        3,
    )
    assert duc.strength_bucket == 3

    # the reports-to line changes through the contact service (the UI's undoable command)
    change = services.contacts.update(people["khoi"], {"reports_to_id": people["bao"]})
    assert (
        relationships.relationship_map(account_id, TODAY).node(people["khoi"]).reports_to_id
        == (people["bao"])
    )
    with pytest.raises(ValidationError, match="loop"):
        services.contacts.update(people["duc"], {"reports_to_id": people["khoi"]})
    services.contacts.update(people["khoi"], change.before, exact=True)

    services.contacts.delete(people["huong"])
    chart = relationships.relationship_map(account_id, TODAY)
    assert people["huong"] not in {n.contact_id for n in chart.nodes}
    khoi = chart.node(people["khoi"])
    assert khoi.reports_to_id is None and khoi.slot.row == 0  # their manager is gone: a root
    assert people["huong"] not in relationships.last_reached(account_id, today=TODAY)


def test_contacts_of_other_accounts_stay_out_and_all_accounts_at_once(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    other = services.accounts.create(AccountDraft("Hanoi Foods", currency="VND"))
    lan = services.contacts.create(other, ContactDraft("Phạm Thị Lan"))
    report(services, other, datetime(2026, 10, 19, 9, 0, tzinfo=SAIGON), lan)
    report(services, account_id, datetime(2026, 10, 18, 9, 0, tzinfo=SAIGON), people["duc"])
    relationships = services.relationships
    assert relationships.last_reached(account_id, today=TODAY) == {
        people["duc"]: date(2026, 10, 18)
    }
    assert relationships.last_reached(today=TODAY) == {
        people["duc"]: date(2026, 10, 18),
        lan: date(2026, 10, 19),
    }
    assert [n.name for n in relationships.relationship_map(other, TODAY).nodes] == ["Phạm Thị Lan"]


def test_a_deleted_or_unknown_account_has_no_map(
    services: WorkspaceServices, account_id: int
) -> None:
    assert services.relationships.relationship_map(account_id, TODAY).nodes == ()
    with pytest.raises(NotFoundError):
        services.relationships.relationship_map(9999, TODAY)
    services.accounts.delete(account_id)
    with pytest.raises(NotFoundError):
        services.relationships.relationship_map(account_id, TODAY)


def test_the_map_takes_the_same_few_queries_for_many_contacts(
    services: WorkspaceServices, account_id: int
) -> None:
    def queries_for(count: int) -> int:
        account = services.accounts.create(AccountDraft(f"Account {count}", currency="USD"))
        boss = services.contacts.create(account, ContactDraft("Boss"))
        ids = [services.contacts.create(account, ContactDraft(f"P{i}", reports_to_id=boss))
               for i in range(count)]  # fmt: skip
        for index in range(0, count, 3):
            report(services, account, datetime(2026, 10, 1 + index % 9, 9, tzinfo=SAIGON),
                   *ids[index : index + 3])  # fmt: skip
        statements: list[str] = []

        def count_statement(*args: object) -> None:
            statements.append(str(args[2]))

        engine = services.workspace.engine
        event.listen(engine, "before_cursor_execute", count_statement)
        try:
            chart = services.relationships.relationship_map(account, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count_statement)
        assert len(chart.nodes) == count + 1
        return len(statements)

    assert queries_for(3) == queries_for(60) <= 4


def test_the_document_for_the_client_has_no_internal_ratings(
    services: WorkspaceServices, account_id: int, people: dict[str, int]
) -> None:
    services.accounts.update(account_id, {"contact_cadence_days": 14})
    report(services, account_id, datetime(2026, 10, 15, 9, 0, tzinfo=SAIGON), people["duc"])
    chart = services.relationships.relationship_map(account_id, TODAY)

    internal = org_chart_document(chart)
    duc = next(n for n in internal.nodes if n.contact_id == people["duc"])
    assert (duc.buying_role, duc.influence, duc.strength) == ("Decision maker", 5, 3)
    assert duc.last_reached == date(2026, 10, 15) and not duc.overdue
    assert any(n.overdue for n in internal.nodes)
    assert internal.cadence_days == 14 and internal.as_of == TODAY
    assert internal.account_name == "Saigon Shop" and not internal.client_safe

    client = org_chart_document(chart, client_safe=True)
    assert client.client_safe and client.cadence_days is None
    assert client.layout == chart.layout
    for node in client.nodes:
        assert (node.buying_role, node.influence, node.strength) == ("", None, None)
        assert node.last_reached is None and not node.overdue
    assert [n.name for n in client.nodes] == [n.name for n in internal.nodes]
    assert next(n for n in client.nodes if n.contact_id == people["duc"]).title == "Tổng Giám đốc"


@pytest.mark.parametrize("day", [date(2026, 3, 16), date(2027, 8, 2)])
def test_the_demo_reaches_most_contacts_and_leaves_a_few_overdue(tmp_path: Path, day: date) -> None:
    """The demo's relationship maps look like a real portfolio on any day: most contacts of
    active accounts met within the account's cadence, a few overdue to show the flag."""
    with create_demo_workspace(tmp_path / "demo.keyplan", today=day) as demo:
        in_time = active = 0
        overdue: list[tuple[str, str]] = []
        for account in demo.accounts.all():
            chart = demo.relationships.relationship_map(account.id, day)
            assert chart.cadence_days, account.name  # every demo account has a cadence
            overdue.extend((account.name, node.name) for node in chart.nodes if node.overdue)
            if account.status != "active":
                continue
            active += len(chart.nodes)
            in_time += sum(1 for n in chart.nodes if n.last_reached and not n.overdue)
        assert active >= 40 and in_time >= 0.7 * active, (in_time, active)
        assert 2 <= len(overdue) <= 4, overdue
        assert {name for name, _ in overdue} == {
            "Aurora Consumer Brands Deutschland",  # the new CMO has not met us yet
            "Kowloon Bakes",  # last met eleven weeks ago, the cadence is 60 days
        }
        # a planned meeting does not count: 加藤 誠 is reached by the call before it
        hoshizora = next(a for a in demo.accounts.all() if a.name == "Hoshizora Travel")
        chart = demo.relationships.relationship_map(hoshizora.id, day)
        kato = next(n for n in chart.nodes if n.name == "加藤 誠")
        assert kato.last_reached is not None and kato.last_reached < day and not kato.overdue
