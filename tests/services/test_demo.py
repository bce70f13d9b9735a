"""The demo workspace: its structure, realism rules and safety."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from keyplan.domain.accounts import STANDARD_TIERS, BuyingRole, NoteKind
from keyplan.services import demo
from keyplan.services.demo import create_demo_workspace
from keyplan.services.records import AccountRecord, ContactRecord
from keyplan.services.workspace import WorkspaceExistsError, WorkspaceServices

TODAY = date(2026, 3, 16)
MERCHANT_MARKETS = {"HK", "TW", "JP", "KR"}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServices]:
    path = tmp_path_factory.mktemp("demo") / "demo.keyplan"
    with create_demo_workspace(path, today=TODAY) as opened:
        yield opened


@pytest.fixture(scope="module")
def accounts(services: WorkspaceServices) -> list[AccountRecord]:
    return services.accounts.all()


@pytest.fixture(scope="module")
def contacts(
    services: WorkspaceServices, accounts: list[AccountRecord]
) -> dict[int, list[ContactRecord]]:
    return {account.id: services.contacts.for_account(account.id) for account in accounts}


def _by_name(accounts: list[AccountRecord], name: str) -> AccountRecord:
    return next(a for a in accounts if a.name == name)


def _chain_depth(contacts: list[ContactRecord]) -> int:
    """Number of people in the longest reports-to line of one account."""
    managers = {c.id: c.reports_to_id for c in contacts}

    def depth(contact_id: int) -> int:
        manager = managers[contact_id]
        return 1 if manager is None else 1 + depth(manager)

    return max((depth(c.id) for c in contacts), default=0)


def test_agency_profile_is_filled_in(services: WorkspaceServices) -> None:
    profile = services.agency.get()
    assert profile.name and profile.name != "My agency"
    assert profile.default_currency == "USD"
    assert profile.paper_size == "A4"
    assert profile.margin_floor_percent == Decimal("30")
    assert profile.brand_colour.startswith("#") and len(profile.brand_colour) == 7
    assert profile.address.strip()
    assert profile.tax_id.strip()


def test_team_has_five_to_seven_members_with_roles(services: WorkspaceServices) -> None:
    team = services.team.all()
    assert 5 <= len(team) <= 7
    assert all(member.role and member.email.endswith(".example") for member in team)
    roles = " ".join(member.role for member in team)
    assert "Account Director" in roles and "Key Account Manager" in roles
    assert "Strategy" in roles


def test_global_account_has_subsidiaries_in_japan_usa_germany_and_a_business_unit(
    accounts: list[AccountRecord],
) -> None:
    globals_ = [a for a in accounts if a.kind == "global"]
    assert len(globals_) == 1
    group = globals_[0]
    assert group.parent_id is None
    assert "consumer" in group.industry.lower()
    children = [a for a in accounts if a.parent_id == group.id]
    subsidiaries = {(a.market, a.currency) for a in children if a.kind == "subsidiary"}
    assert {("JP", "JPY"), ("US", "USD"), ("DE", "EUR")} <= subsidiaries
    assert any(a.kind == "business_unit" for a in children)


def test_merchants_in_hk_tw_jp_kr_cover_all_four_tiers(accounts: list[AccountRecord]) -> None:
    merchants = [a for a in accounts if a.parent_id is None and a.market in MERCHANT_MARKETS]
    assert {a.market for a in merchants} == MERCHANT_MARKETS
    assert {a.tier for a in merchants} >= set(STANDARD_TIERS)
    currencies = {a.market: a.currency for a in merchants}
    assert currencies == {"HK": "HKD", "TW": "TWD", "JP": "JPY", "KR": "KRW"}


def test_vietnamese_and_russian_clients(accounts: list[AccountRecord]) -> None:
    vietnam = [a for a in accounts if a.market == "VN"]
    russia = [a for a in accounts if a.market == "RU"]
    assert [a.currency for a in vietnam] == ["VND"]
    assert [a.currency for a in russia] == ["RUB"]
    assert "commerce" in vietnam[0].industry.lower()
    assert "retail" in russia[0].industry.lower()


def test_at_least_twelve_accounts_with_all_the_basics(accounts: list[AccountRecord]) -> None:
    assert len(accounts) >= 12
    for account in accounts:
        assert account.owner_id is not None and account.owner_name, account.name
        assert account.industry, account.name
        assert len(account.market) == 2, account.name
        assert account.contact_cadence_days, account.name
        assert account.health_date is not None and account.health_date <= TODAY
        if account.health != "green":
            assert len(account.health_reason) > 40, account.name


def test_statuses_mostly_active_with_one_at_risk_and_one_prospect(
    accounts: list[AccountRecord],
) -> None:
    statuses = [a.status for a in accounts]
    assert statuses.count("at_risk") == 1
    assert statuses.count("prospect") == 1
    assert statuses.count("active") > len(statuses) / 2
    at_risk = next(a for a in accounts if a.status == "at_risk")
    assert at_risk.health == "red"
    assert {a.health for a in accounts} == {"green", "amber", "red"}


def test_every_account_has_contacts_and_main_accounts_three_to_eight(
    accounts: list[AccountRecord], contacts: dict[int, list[ContactRecord]]
) -> None:
    for account in accounts:
        assert contacts[account.id], account.name
        if account.parent_id is None:
            assert 3 <= len(contacts[account.id]) <= 8, account.name


def test_contacts_are_complete(contacts: dict[int, list[ContactRecord]]) -> None:
    everyone = [c for group in contacts.values() for c in group]
    roles = set()
    for contact in everyone:
        assert contact.title and contact.phone.startswith("+"), contact.name
        assert contact.time_zone and contact.location, contact.name
        domain = contact.email.rpartition("@")[2]
        assert "example" in domain.split("."), contact.email
        assert contact.influence is not None and 1 <= contact.influence <= 5
        assert contact.relationship_strength is not None
        assert 1 <= contact.relationship_strength <= 5
        roles.add(contact.buying_role)
    assert roles == {role.value for role in BuyingRole} - {"unknown"}
    zones = {c.time_zone for c in everyone}
    assert {"Asia/Tokyo", "Asia/Ho_Chi_Minh", "Europe/Moscow", "Asia/Seoul"} <= zones


def test_reports_to_chains_at_least_three_deep_in_several_accounts(
    contacts: dict[int, list[ContactRecord]],
) -> None:
    depths = [_chain_depth(group) for group in contacts.values()]
    assert sum(depth >= 3 for depth in depths) >= 3
    assert max(depths) >= 4


def test_contact_names_in_many_scripts(
    accounts: list[AccountRecord], contacts: dict[int, list[ContactRecord]]
) -> None:
    names = {c.name for group in contacts.values() for c in group}
    for expected in ("Nguyễn Thị Hương", "Trần Văn Đức", "Lê Minh Khôi", "Phạm Thu Trang"):
        assert expected in names
    for expected in ("Дмитрий Иванов", "Ольга Смирнова", "张伟", "李娜"):
        assert expected in names
    for expected in ("김민준", "이서연", "박지훈", "田中 太郎"):
        assert expected in names
    assert any(name.startswith("王芳") for name in names)
    vietnam = _by_name(accounts, "Sen Việt E-commerce")
    assert all(c.time_zone == "Asia/Ho_Chi_Minh" for c in contacts[vietnam.id])


def test_notes_are_dated_learnings(
    services: WorkspaceServices, accounts: list[AccountRecord]
) -> None:
    kinds = set()
    for account in accounts:
        notes = services.notes.for_account(account.id)
        assert notes, account.name
        if account.parent_id is None:
            assert 2 <= len(notes) <= 4, account.name
        for note in notes:
            assert note.noted_on < TODAY
            assert len(note.body) > 60, note.title
            kinds.add(note.kind)
    assert kinds == {kind.value for kind in NoteKind}
    vietnam = _by_name(accounts, "Sen Việt E-commerce")
    assert any("ngày" in note.body for note in services.notes.for_account(vietnam.id))


def test_workspace_info_counts_what_was_added(services: WorkspaceServices) -> None:
    counts = services.info().counts
    assert counts["accounts"] == len(demo.ACCOUNTS)
    assert counts["contacts"] == sum(len(a.contacts) for a in demo.ACCOUNTS)
    assert counts["notes"] == sum(len(a.learnings) for a in demo.ACCOUNTS)
    assert counts["team_members"] == len(demo.TEAM)


def test_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "precious.keyplan"
    path.write_bytes(b"not to be touched \x00\x01")
    with pytest.raises(WorkspaceExistsError):
        create_demo_workspace(path)
    assert path.read_bytes() == b"not to be touched \x00\x01"


def test_same_base_date_gives_the_same_data(tmp_path: Path) -> None:
    def snapshot(path: Path) -> list[object]:
        with create_demo_workspace(path, today=TODAY) as services:
            rows: list[object] = []
            for account in services.accounts.all():
                data = dataclasses.asdict(account)
                for volatile in ("created_at", "updated_at"):
                    data.pop(volatile)
                rows.append(data)
                rows.extend(services.contacts.for_account(account.id))
                rows.extend(services.notes.for_account(account.id))
            rows.append(services.agency.get())
            return rows

    assert snapshot(tmp_path / "a.keyplan") == snapshot(tmp_path / "b.keyplan")


def test_a_failed_fill_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(demo, "add_notes", broken)
    path = tmp_path / "demo.keyplan"
    with pytest.raises(RuntimeError):
        create_demo_workspace(path)
    assert not path.exists()


@pytest.mark.parametrize("day", [date(2027, 3, 1), date(2030, 1, 15)])
def test_the_demo_can_be_made_on_any_day(tmp_path: Path, day: date) -> None:
    # every date of the demo is relative to its day, never to the machine's clock
    with create_demo_workspace(tmp_path / "demo.keyplan", today=day) as services:
        issued = [s.issued_on for s in services.estimates.summaries()]
        assert max(issued) <= day
        assert max(issued) >= day - timedelta(days=60)
