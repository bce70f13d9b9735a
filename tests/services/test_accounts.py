"""Accounts: creation defaults, validation, undoable updates, the parent tree, soft
delete / restore / purge; and the workspace overview (info counts, deleted items)."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from keyplan.domain.errors import DomainError, NotFoundError, ValidationError
from keyplan.services.records import AccountDraft, AccountRecord, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.store import migrate


def stable(record: AccountRecord) -> dict[str, Any]:
    """A record without its ``updated_at`` (which every write moves on)."""
    values = dataclasses.asdict(record)
    del values["updated_at"]
    return values


def live_names(services: WorkspaceServices) -> list[str]:
    return [record.name for record in services.accounts.all()]


def raw_count(services: WorkspaceServices, sql: str, *params: object) -> int:
    with contextlib.closing(sqlite3.connect(services.path)) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


# -- creating ----------------------------------------------------------------------------------


def test_create_fills_in_sensible_defaults(services: WorkspaceServices) -> None:
    account_id = services.accounts.create(AccountDraft("  Tokyo Payments  "))
    record = services.accounts.get(account_id)
    assert record.name == "Tokyo Payments"  # trimmed
    assert record.currency == "USD"  # the agency's default
    assert record.kind == "standalone"
    assert (record.tier, record.status, record.health) == ("Medium", "active", "green")
    assert record.health_date == date.today()
    assert (record.parent_id, record.owner_id, record.owner_name) == (None, None, "")
    assert record.contact_cadence_days is None
    assert record.deleted_at is None
    assert datetime.now(UTC) - record.created_at < timedelta(minutes=1)


def test_currency_defaults_to_the_agency_currency_of_the_moment(
    services: WorkspaceServices,
) -> None:
    services.agency.update({"default_currency": "hkd"})
    assert services.accounts.get(services.accounts.create(AccountDraft("HK Pay"))).currency == "HKD"
    explicit = services.accounts.create(AccountDraft("Seoul Mart", currency=" krw "))
    assert services.accounts.get(explicit).currency == "KRW"


def test_kind_follows_the_parent_unless_given(services: WorkspaceServices) -> None:
    group = services.accounts.create(AccountDraft("Global Foods", kind="global"))
    japan = services.accounts.create(AccountDraft("Global Foods Japan", parent_id=group))
    unit = services.accounts.create(
        AccountDraft("Snacks BU", parent_id=japan, kind="business_unit")
    )
    assert services.accounts.get(group).kind == "global"
    assert services.accounts.get(japan).kind == "subsidiary"
    assert services.accounts.get(japan).parent_id == group
    assert services.accounts.get(unit).kind == "business_unit"
    assert [r.id for r in services.accounts.all() if r.parent_id == group] == [japan]


def test_owner_name_comes_from_the_team(services: WorkspaceServices) -> None:
    owner = services.team.create("Trần Minh Anh", "Account Director")
    account_id = services.accounts.create(AccountDraft("Owned", owner_id=owner))
    assert services.accounts.get(account_id).owner_name == "Trần Minh Anh"
    assert [r.owner_name for r in services.accounts.all()] == ["Trần Minh Anh"]


def test_list_is_sorted_by_name_ignoring_case(services: WorkspaceServices) -> None:
    for name in ["beta", "Alpha", "gamma", "Beta Two"]:
        services.accounts.create(AccountDraft(name))
    assert live_names(services) == ["Alpha", "beta", "Beta Two", "gamma"]


def test_custom_tier_is_kept_and_standard_tiers_are_normalised(
    services: WorkspaceServices,
) -> None:
    strategic = services.accounts.create(AccountDraft("A", tier="Strategic"))
    vip = services.accounts.create(AccountDraft("B", tier="vip"))
    assert services.accounts.get(strategic).tier == "Strategic"
    assert services.accounts.get(vip).tier == "VIP"


# -- validation names the field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Acme\nCorp"}, "name"),
        ({"name": "Acme\rCorp"}, "name"),
        ({"name": "Acme\x00Corp"}, "name"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"market": "XX"}, "market"),
        ({"market": "Germany"}, "market"),
        ({"contact_cadence_days": 0}, "contact_cadence_days"),
        ({"contact_cadence_days": 366}, "contact_cadence_days"),
        ({"contact_cadence_days": -7}, "contact_cadence_days"),
        ({"contact_cadence_days": True}, "contact_cadence_days"),
        ({"health": "purple"}, "health"),
        ({"health": "GREEN "}, "health"),
        ({"status": "sleeping"}, "status"),
        ({"kind": "holding"}, "kind"),
        ({"tier": ""}, "tier"),
        ({"tier": "t" * 41}, "tier"),
        ({"legal_name": "l" * 201}, "legal_name"),
        ({"industry": "i" * 121}, "industry"),
        ({"notes": "n" * 20_001}, "notes"),
        ({"health_reason": "bell\x07"}, "health_reason"),
        ({"parent_id": "1"}, "parent_id"),
        ({"parent_id": 9999}, "parent_id"),
        ({"owner_id": 9999}, "owner_id"),
        ({"owner_id": True}, "owner_id"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    services: WorkspaceServices, account_id: int, changes: dict[str, Any], field: str
) -> None:
    before = stable(services.accounts.get(account_id))
    with pytest.raises(ValidationError) as on_update:
        services.accounts.update(account_id, changes)
    assert on_update.value.field == field
    assert str(on_update.value)  # a message the UI can show next to the field
    assert stable(services.accounts.get(account_id)) == before

    draft = dataclasses.replace(AccountDraft("New one"), **changes)
    with pytest.raises(ValidationError) as on_create:
        services.accounts.create(draft)
    assert on_create.value.field == field
    assert live_names(services) == ["Saigon Shop"]


def test_limits_are_inclusive(services: WorkspaceServices) -> None:
    account_id = services.accounts.create(
        AccountDraft("x" * 200, contact_cadence_days=1, market="vn", tier="T" * 40)
    )
    record = services.accounts.get(account_id)
    assert (len(record.name), record.contact_cadence_days, record.market) == (200, 1, "VN")
    services.accounts.update(account_id, {"contact_cadence_days": 365, "market": ""})
    assert services.accounts.get(account_id).contact_cadence_days == 365
    assert services.accounts.get(account_id).market == ""


def test_an_unknown_field_is_refused(services: WorkspaceServices, account_id: int) -> None:
    with pytest.raises(ValidationError) as raised:
        services.accounts.update(account_id, {"deleted_at": None})
    assert raised.value.field == "deleted_at"
    with pytest.raises(ValidationError):
        services.accounts.update(account_id, {"id": 77})


def test_update_of_a_missing_or_deleted_account_is_not_found(
    services: WorkspaceServices, account_id: int
) -> None:
    with pytest.raises(NotFoundError):
        services.accounts.update(4242, {"name": "Ghost"})
    services.accounts.delete(account_id)
    with pytest.raises(NotFoundError):
        services.accounts.update(account_id, {"name": "Ghost"})
    with pytest.raises(NotFoundError):
        services.accounts.get(account_id)


# -- updates and undo ----------------------------------------------------------------------------


def test_update_returns_a_change_that_undoes_and_redoes_exactly(
    services: WorkspaceServices, account_id: int
) -> None:
    parent = services.accounts.create(AccountDraft("Parent Group", kind="global"))
    owner = services.team.create("Kim Min-jun")
    services.accounts.update(account_id, {"health_date": date(2024, 5, 1)})
    original = stable(services.accounts.get(account_id))

    change = services.accounts.update(
        account_id,
        {
            "name": "Saigon Shop Group",
            "health": "red",
            "health_reason": "Missed two payments",
            "tier": "vip",
            "parent_id": parent,
            "owner_id": owner,
            "contact_cadence_days": 14,
            "currency": "VND",  # unchanged: not part of the change
        },
    )
    assert not change.is_empty
    assert "currency" not in change.after
    # Derived fields are part of the change, so undo puts them back too.
    assert change.after["health_date"] == date.today()
    assert change.after["kind"] == "subsidiary"
    assert change.before == {
        "name": "Saigon Shop",
        "health": "green",
        "health_reason": "",
        "tier": "Medium",
        "parent_id": None,
        "owner_id": None,
        "contact_cadence_days": None,
        "health_date": date(2024, 5, 1),
        "kind": "standalone",
    }
    edited = stable(services.accounts.get(account_id))

    undo = services.accounts.update(account_id, change.before, exact=True)
    assert stable(services.accounts.get(account_id)) == original
    assert undo.before == change.after

    services.accounts.update(account_id, change.after, exact=True)
    assert stable(services.accounts.get(account_id)) == edited


def test_update_with_no_difference_is_an_empty_change(
    services: WorkspaceServices, account_id: int
) -> None:
    change = services.accounts.update(account_id, {"name": "Saigon Shop", "currency": "vnd"})
    assert change.is_empty
    assert change.before == change.after == {}


def test_health_change_sets_the_health_date_to_today(
    services: WorkspaceServices, account_id: int
) -> None:
    services.accounts.update(account_id, {"health_date": date(2023, 1, 1)})
    services.accounts.update(account_id, {"health_reason": "just a note"})
    assert services.accounts.get(account_id).health_date == date(2023, 1, 1)
    services.accounts.update(account_id, {"health": "amber"})
    assert services.accounts.get(account_id).health_date == date.today()
    # An explicit date wins over today.
    services.accounts.update(account_id, {"health": "red", "health_date": date(2025, 1, 2)})
    assert services.accounts.get(account_id).health_date == date(2025, 1, 2)
    # Same health again: not a change, the date stays.
    services.accounts.update(account_id, {"health": "red"})
    assert services.accounts.get(account_id).health_date == date(2025, 1, 2)


def test_changes_persist_after_reopening(services: WorkspaceServices, account_id: int) -> None:
    services.accounts.update(account_id, {"name": "Renamed", "health": "amber"})
    path = services.path
    services.close()
    with WorkspaceServices.open(path) as reopened:
        record = reopened.accounts.get(account_id)
        assert (record.name, record.health) == ("Renamed", "amber")


# -- the parent tree -----------------------------------------------------------------------------


@pytest.fixture
def tree(services: WorkspaceServices) -> dict[str, int]:
    """group -> japan -> tokyo, group -> usa."""
    group = services.accounts.create(AccountDraft("Group", kind="global"))
    japan = services.accounts.create(AccountDraft("Japan", parent_id=group, currency="JPY"))
    tokyo = services.accounts.create(AccountDraft("Tokyo", parent_id=japan, currency="JPY"))
    usa = services.accounts.create(AccountDraft("USA", parent_id=group))
    return {"group": group, "japan": japan, "tokyo": tokyo, "usa": usa}


@pytest.mark.parametrize(
    ("child", "new_parent"),
    [("group", "group"), ("group", "japan"), ("group", "tokyo"), ("japan", "tokyo")],
)
@pytest.mark.parametrize("exact", [False, True], ids=["edit", "undo-redo"])
def test_parent_cycles_are_refused(
    services: WorkspaceServices, tree: dict[str, int], child: str, new_parent: str, exact: bool
) -> None:
    before = [stable(r) for r in services.accounts.all()]
    with pytest.raises(ValidationError) as raised:
        services.accounts.update(tree[child], {"parent_id": tree[new_parent]}, exact=exact)
    assert raised.value.field == "parent_id"
    assert "cannot sit under itself" in str(raised.value)
    assert [stable(r) for r in services.accounts.all()] == before


def test_moving_a_branch_elsewhere_is_allowed(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    services.accounts.update(tree["tokyo"], {"parent_id": tree["usa"]})
    assert services.accounts.get(tree["tokyo"]).parent_id == tree["usa"]
    with services.workspace.reading() as session:
        assert set(services.accounts.descendant_ids(session, tree["group"])) == {
            tree["japan"],
            tree["usa"],
            tree["tokyo"],
        }


def test_a_deleted_account_cannot_become_a_parent(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    services.accounts.delete(tree["usa"])
    with pytest.raises(ValidationError) as raised:
        services.accounts.update(tree["tokyo"], {"parent_id": tree["usa"]})
    assert raised.value.field == "parent_id"
    with pytest.raises(ValidationError):
        services.accounts.create(AccountDraft("Orphan", parent_id=tree["usa"]))


# -- soft delete and restore ---------------------------------------------------------------------


def test_delete_takes_the_subtree_and_restore_brings_back_exactly_that(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    other = services.accounts.create(AccountDraft("Unrelated"))
    services.accounts.delete(tree["usa"])  # deleted on its own, earlier
    everything_before = {r.id: stable(r) for r in services.accounts.all()}

    deletion = services.accounts.delete(tree["group"])
    assert live_names(services) == ["Unrelated"]
    for key in ("group", "japan", "tokyo"):
        record = services.accounts.get(tree[key], deleted_ok=True)
        assert record.deleted_at is not None

    restored = services.accounts.restore(deletion)
    assert set(restored) == {tree["group"], tree["japan"], tree["tokyo"]}
    assert {r.id: stable(r) for r in services.accounts.all()} == everything_before
    assert tree["usa"] not in {r.id for r in services.accounts.all()}  # still deleted
    assert services.accounts.get(other).deleted_at is None
    with pytest.raises(NotFoundError, match="restored already"):
        services.accounts.restore(deletion)


def test_undo_and_redo_of_a_delete_keep_one_deletion_id(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    deletion = services.accounts.delete(tree["japan"])  # do
    services.accounts.restore(deletion)  # undo
    assert services.accounts.delete(tree["japan"], deletion_id=deletion) == deletion  # redo
    assert [(i.deletion_id, i.item_count) for i in services.deleted_items()] == [(deletion, 2)]
    assert set(services.accounts.restore(deletion)) == {tree["japan"], tree["tokyo"]}  # undo
    assert {r.id for r in services.accounts.all()} == set(tree.values())


def test_check_validates_one_field_without_saving(
    services: WorkspaceServices, account_id: int
) -> None:
    before = stable(services.accounts.get(account_id))
    services.accounts.check("name", "A perfectly good name")
    with pytest.raises(ValidationError) as raised:
        services.accounts.check("contact_cadence_days", 400)
    assert raised.value.field == "contact_cadence_days"
    assert stable(services.accounts.get(account_id)) == before


def test_restoring_a_child_under_a_deleted_parent_is_refused(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    tokyo_deletion = services.accounts.delete(tree["tokyo"])
    japan_deletion = services.accounts.delete(tree["japan"])
    with pytest.raises(ValidationError) as raised:
        services.accounts.restore(tokyo_deletion)
    assert raised.value.field == "parent_id"
    assert "'Tokyo' belongs to 'Japan'" in str(raised.value)
    assert "restore 'Japan' first" in str(raised.value)
    assert services.accounts.get(tree["tokyo"], deleted_ok=True).deleted_at is not None

    services.accounts.restore(japan_deletion)
    assert tree["tokyo"] not in {r.id for r in services.accounts.all()}
    services.accounts.restore(tokyo_deletion)
    assert {r.id for r in services.accounts.all()} == set(tree.values())


def test_deleted_accounts_keep_their_contacts_and_notes(
    services: WorkspaceServices, account_id: int
) -> None:
    boss = services.contacts.create(account_id, ContactDraft("Nguyễn Văn An", influence=5))
    services.contacts.create(account_id, ContactDraft("Lê Thị Bình", reports_to_id=boss))
    services.notes.create(account_id, NoteDraft("Kick-off", date(2025, 3, 1), body="went well"))
    contacts_before = services.contacts.for_account(account_id)
    notes_before = services.notes.for_account(account_id)

    deletion = services.accounts.delete(account_id)
    assert live_names(services) == []
    sql = "SELECT count(*) FROM {} WHERE account_id = ? AND deleted_at IS NULL"
    assert raw_count(services, sql.format("contact"), account_id) == 2
    assert raw_count(services, sql.format("note"), account_id) == 1

    services.accounts.restore(deletion)
    assert services.contacts.for_account(account_id) == contacts_before
    assert services.notes.for_account(account_id) == notes_before


def test_nothing_new_can_be_added_to_a_deleted_account(
    services: WorkspaceServices, account_id: int
) -> None:
    services.accounts.delete(account_id)
    with pytest.raises(ValidationError) as contact:
        services.contacts.create(account_id, ContactDraft("Late"))
    with pytest.raises(ValidationError) as note:
        services.notes.create(account_id, NoteDraft("Late", date(2025, 1, 1)))
    assert contact.value.field == note.value.field == "account_id"


# -- purge (undo of create) ----------------------------------------------------------------------


def test_purge_removes_an_empty_account_for_good(
    services: WorkspaceServices, account_id: int
) -> None:
    services.accounts.purge(account_id)
    with pytest.raises(NotFoundError):
        services.accounts.get(account_id, deleted_ok=True)
    assert raw_count(services, "SELECT count(*) FROM account") == 0
    # Redo re-creates it with the same id.
    again = services.accounts.create(
        AccountDraft("Saigon Shop", currency="VND"), account_id=account_id
    )
    assert again == account_id


@pytest.mark.parametrize("holding", ["contact", "note", "child"])
def test_purge_refuses_an_account_that_holds_data(
    services: WorkspaceServices, account_id: int, holding: str
) -> None:
    if holding == "contact":
        services.contacts.create(account_id, ContactDraft("Someone"))
    elif holding == "note":
        services.notes.create(account_id, NoteDraft("Something", date(2025, 1, 1)))
    else:
        child = services.accounts.create(AccountDraft("Child", parent_id=account_id))
        services.accounts.delete(child)  # even a deleted child keeps the parent
    with pytest.raises(DomainError, match="only be deleted softly"):
        services.accounts.purge(account_id)
    assert services.accounts.get(account_id).name == "Saigon Shop"


# -- workspace overview: counts, deleted items -------------------------------------------------


def test_info_counts_live_and_deleted_items(services: WorkspaceServices) -> None:
    info = services.info()
    assert info.schema_version == migrate.head_revision()
    assert info.path == str(services.path)
    assert info.counts == {
        "accounts": 0,
        "deleted_accounts": 0,
        "contacts": 0,
        "deleted_contacts": 0,
        "notes": 0,
        "deleted_notes": 0,
        "team_members": 0,
        "deleted_team_members": 0,
        "projects": 0,
        "deleted_projects": 0,
        "estimates": 0,
        "deleted_estimates": 0,
        "rate_cards": 0,
        "deleted_rate_cards": 0,
    }
    first = services.accounts.create(AccountDraft("First"))
    second = services.accounts.create(AccountDraft("Second"))
    services.accounts.create(AccountDraft("Child", parent_id=second))
    gone = services.contacts.create(first, ContactDraft("Gone"))
    services.contacts.create(first, ContactDraft("Stays"))
    services.notes.create(first, NoteDraft("N1", date(2025, 1, 1)))
    services.notes.create(first, NoteDraft("N2", date(2025, 1, 2)))
    services.team.create("Mai")
    services.team.delete(services.team.create("Left the agency"))
    services.contacts.delete(gone)
    services.accounts.delete(second)  # takes Child with it

    counts = services.info().counts
    assert (counts["accounts"], counts["deleted_accounts"]) == (1, 2)
    assert (counts["contacts"], counts["deleted_contacts"]) == (1, 1)
    assert (counts["notes"], counts["deleted_notes"]) == (2, 0)
    assert (counts["team_members"], counts["deleted_team_members"]) == (1, 1)


def test_deleted_items_lists_each_deletion_once_newest_first(
    services: WorkspaceServices, tree: dict[str, int]
) -> None:
    boss = services.contacts.create(tree["usa"], ContactDraft("Boss"))
    note = services.notes.create(tree["usa"], NoteDraft("Plan", date(2025, 1, 1)))
    services.contacts.delete(boss)
    services.notes.delete(note)
    services.accounts.delete(tree["japan"])  # Japan and Tokyo: one deletion

    items = services.deleted_items()
    assert [(i.kind, i.name, i.item_count) for i in items] == [
        ("account", "Japan", 2),
        ("note", "Plan", 1),
        ("contact", "Boss", 1),
    ]
    assert items[1].account_name == "USA"
    assert [i.deleted_at for i in items] == sorted((i.deleted_at for i in items), reverse=True)

    for item in items:
        services.restore(item)
    assert services.deleted_items() == []
    assert {r.id for r in services.accounts.all()} == set(tree.values())
    assert [c.name for c in services.contacts.for_account(tree["usa"])] == ["Boss"]
    assert [n.title for n in services.notes.for_account(tree["usa"])] == ["Plan"]


def test_currency_stays_while_the_revenue_forecast_is_kept_in_it(
    services: WorkspaceServices,
) -> None:
    account = services.accounts.create(AccountDraft("Saigon Shop", currency="VND"))
    services.accounts.update(account, {"currency": "USD"})  # no figures yet: free to change
    services.forecast.set_month(account, date(2026, 3, 1), "", "forecast", Decimal("1200"))
    with pytest.raises(ValidationError, match="kept in USD") as refused:
        services.accounts.update(account, {"currency": "EUR"})
    assert refused.value.field == "currency"
    assert services.accounts.get(account).currency == "USD"
    months = services.forecast.account_months(account, 2026)
    assert any(m.forecast == Decimal("1200") for m in months.months)  # still in sight
