"""Contacts: fields and their validation, the reports-to map, delete and restore."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.workspace import WorkspaceServices


def names(services: WorkspaceServices, account_id: int) -> list[str]:
    return [c.name for c in services.contacts.for_account(account_id)]


def test_create_and_read_back_every_field(services: WorkspaceServices, account_id: int) -> None:
    draft = ContactDraft(
        name="Phạm Thu Trang",
        title="Head of E-commerce",
        email="trang.pham@saigonshop.vn",
        phone="+84 28 3823 1234 ext. 55",
        location="Ho Chi Minh City",
        time_zone="Asia/Ho_Chi_Minh",
        buying_role="decision_maker",
        influence=5,
        relationship_strength=3,
        notes="Prefers Zalo.\nAvoid Fridays.",
    )
    contact_id = services.contacts.create(account_id, draft)
    record = services.contacts.get(contact_id)
    assert record.account_id == account_id
    assert {f: getattr(record, f) for f in dataclasses.asdict(draft)} == dataclasses.asdict(draft)


def test_list_is_by_name_and_per_account(services: WorkspaceServices, account_id: int) -> None:
    other = services.accounts.create(AccountDraft("Other"))
    for name in ["zoe", "Anna", "Bao"]:
        services.contacts.create(account_id, ContactDraft(name))
    services.contacts.create(other, ContactDraft("Elsewhere"))
    assert names(services, account_id) == ["Anna", "Bao", "zoe"]
    assert names(services, other) == ["Elsewhere"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "two@@example.com"}, "email"),
        ({"email": "sp ace@example.com"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"phone": "=1+2"}, "phone"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "GMT+7 (Hanoi)"}, "time_zone"),
        ({"buying_role": "boss"}, "buying_role"),
        ({"influence": 0}, "influence"),
        ({"influence": 6}, "influence"),
        ({"influence": "3"}, "influence"),
        ({"influence": True}, "influence"),
        ({"relationship_strength": 9}, "relationship_strength"),
        ({"title": "t" * 121}, "title"),
        ({"reports_to_id": "1"}, "reports_to_id"),
        ({"reports_to_id": 9999}, "reports_to_id"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    services: WorkspaceServices, account_id: int, changes: dict[str, Any], field: str
) -> None:
    contact_id = services.contacts.create(account_id, ContactDraft("Keeper", influence=2))
    before = services.contacts.get(contact_id)
    with pytest.raises(ValidationError) as on_update:
        services.contacts.update(contact_id, changes)
    assert on_update.value.field == field
    assert str(on_update.value)
    assert services.contacts.get(contact_id) == before

    with pytest.raises(ValidationError) as on_create:
        services.contacts.create(account_id, dataclasses.replace(ContactDraft("New"), **changes))
    assert on_create.value.field == field
    assert names(services, account_id) == ["Keeper"]


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("email", "  mai@example.com.vn ", "mai@example.com.vn"),
        ("phone", "+1 (212)   555-0100", "+1 (212) 555-0100"),
        ("phone", "03-1234-5678 x12", "03-1234-5678 x12"),
        ("time_zone", " Europe/Moscow ", "Europe/Moscow"),
        ("influence", 1, 1),
        ("influence", 5, 5),
        ("influence", None, None),
        ("email", "", ""),
    ],
)
def test_good_values_are_normalised(
    services: WorkspaceServices, account_id: int, field: str, value: object, stored: object
) -> None:
    contact_id = services.contacts.create(account_id, ContactDraft("Someone", influence=3))
    services.contacts.update(contact_id, {field: value})
    assert getattr(services.contacts.get(contact_id), field) == stored


def test_update_change_undoes_exactly(services: WorkspaceServices, account_id: int) -> None:
    contact_id = services.contacts.create(account_id, ContactDraft("Ivan", title="CMO"))
    before = services.contacts.get(contact_id)
    change = services.contacts.update(
        contact_id, {"title": "CEO", "influence": 5, "email": "ivan@example.ru"}
    )
    assert change.before == {"title": "CMO", "influence": None, "email": ""}
    services.contacts.update(contact_id, change.before, exact=True)
    assert services.contacts.get(contact_id) == before


# -- reports-to --------------------------------------------------------------------------------


@pytest.fixture
def chain(services: WorkspaceServices, account_id: int) -> dict[str, int]:
    """ceo <- cmo <- manager (manager reports to cmo, cmo to ceo)."""
    ceo = services.contacts.create(account_id, ContactDraft("CEO"))
    cmo = services.contacts.create(account_id, ContactDraft("CMO", reports_to_id=ceo))
    manager = services.contacts.create(account_id, ContactDraft("Manager", reports_to_id=cmo))
    return {"ceo": ceo, "cmo": cmo, "manager": manager}


@pytest.mark.parametrize(
    ("who", "to"), [("ceo", "manager"), ("ceo", "cmo"), ("cmo", "manager"), ("ceo", "ceo")]
)
def test_reports_to_loops_are_refused(
    services: WorkspaceServices, account_id: int, chain: dict[str, int], who: str, to: str
) -> None:
    before = services.contacts.for_account(account_id)
    with pytest.raises(ValidationError) as raised:
        services.contacts.update(chain[who], {"reports_to_id": chain[to]})
    assert raised.value.field == "reports_to_id"
    assert "loop" in str(raised.value)
    assert services.contacts.for_account(account_id) == before


def test_reports_to_must_be_in_the_same_account(
    services: WorkspaceServices, account_id: int, chain: dict[str, int]
) -> None:
    other = services.accounts.create(AccountDraft("Other Co"))
    stranger = services.contacts.create(other, ContactDraft("Stranger"))
    with pytest.raises(ValidationError, match="same account") as raised:
        services.contacts.update(chain["manager"], {"reports_to_id": stranger})
    assert raised.value.field == "reports_to_id"
    with pytest.raises(ValidationError, match="same account"):
        services.contacts.create(account_id, ContactDraft("New", reports_to_id=stranger))
    assert services.contacts.get(chain["manager"]).reports_to_id == chain["cmo"]


def test_reports_to_can_move_within_the_tree(
    services: WorkspaceServices, chain: dict[str, int]
) -> None:
    services.contacts.update(chain["manager"], {"reports_to_id": chain["ceo"]})
    assert services.contacts.get(chain["manager"]).reports_to_id == chain["ceo"]
    services.contacts.update(chain["cmo"], {"reports_to_id": None})
    assert services.contacts.get(chain["cmo"]).reports_to_id is None
    # Now cmo is at the top, so cmo may report to manager (no loop any more).
    services.contacts.update(chain["cmo"], {"reports_to_id": chain["manager"]})
    assert services.contacts.get(chain["cmo"]).reports_to_id == chain["manager"]


def test_a_deleted_manager_shows_as_none_and_returns_on_restore(
    services: WorkspaceServices, account_id: int, chain: dict[str, int]
) -> None:
    deletion = services.contacts.delete(chain["cmo"])
    by_name = {c.name: c for c in services.contacts.for_account(account_id)}
    assert set(by_name) == {"CEO", "Manager"}
    assert by_name["Manager"].reports_to_id is None  # shown at the top of the tree
    # A deleted contact cannot be chosen as a manager.
    with pytest.raises(ValidationError) as raised:
        services.contacts.update(chain["ceo"], {"reports_to_id": chain["cmo"]})
    assert raised.value.field == "reports_to_id"

    assert services.contacts.restore(deletion) == [chain["cmo"]]
    by_name = {c.name: c for c in services.contacts.for_account(account_id)}
    assert by_name["Manager"].reports_to_id == chain["cmo"]
    assert by_name["CMO"].reports_to_id == chain["ceo"]


def test_delete_and_restore_a_contact(
    services: WorkspaceServices, account_id: int, chain: dict[str, int]
) -> None:
    deletion = services.contacts.delete(chain["manager"])
    assert names(services, account_id) == ["CEO", "CMO"]
    with pytest.raises(NotFoundError):
        services.contacts.get(chain["manager"])
    with pytest.raises(NotFoundError):
        services.contacts.update(chain["manager"], {"title": "x"})
    services.contacts.restore(deletion)
    assert names(services, account_id) == ["CEO", "CMO", "Manager"]


def test_purge_removes_a_new_contact(services: WorkspaceServices, account_id: int) -> None:
    contact_id = services.contacts.create(account_id, ContactDraft("Typo"))
    services.contacts.purge(contact_id)
    assert names(services, account_id) == []
    assert services.contacts.create(account_id, ContactDraft("Typo"), contact_id=contact_id) == (
        contact_id
    )
