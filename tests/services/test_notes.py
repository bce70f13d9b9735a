"""Notes and learnings per account: order, validation, delete and restore."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.records import AccountDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices


def titles(services: WorkspaceServices, account_id: int) -> list[str]:
    return [n.title for n in services.notes.for_account(account_id)]


def test_create_and_read_back(services: WorkspaceServices, account_id: int) -> None:
    note_id = services.notes.create(
        account_id,
        NoteDraft("Tết campaign review", date(2025, 2, 10), kind="worked", body="Line 1\r\nLine 2"),
    )
    record = services.notes.get(note_id)
    assert (record.account_id, record.title, record.noted_on) == (
        account_id,
        "Tết campaign review",
        date(2025, 2, 10),
    )
    assert record.kind == "worked"
    assert record.body == "Line 1\nLine 2"  # line endings normalised


def test_list_is_newest_first_then_latest_entered(
    services: WorkspaceServices, account_id: int
) -> None:
    other = services.accounts.create(AccountDraft("Other"))
    services.notes.create(account_id, NoteDraft("mid", date(2025, 1, 15)))
    services.notes.create(account_id, NoteDraft("oldest", date(2023, 12, 31)))
    services.notes.create(account_id, NoteDraft("newest", date(2025, 6, 1)))
    services.notes.create(account_id, NoteDraft("mid, entered later", date(2025, 1, 15)))
    services.notes.create(other, NoteDraft("elsewhere", date(2030, 1, 1)))
    assert titles(services, account_id) == ["newest", "mid, entered later", "mid", "oldest"]
    assert titles(services, other) == ["elsewhere"]


@pytest.mark.parametrize("noted_on", [date(1900, 1, 1), date(2200, 12, 31), date.today()])
def test_dates_in_range_are_accepted(
    services: WorkspaceServices, account_id: int, noted_on: date
) -> None:
    note_id = services.notes.create(account_id, NoteDraft("Dated", noted_on))
    assert services.notes.get(note_id).noted_on == noted_on


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"noted_on": date(1899, 12, 31)}, "noted_on"),
        ({"noted_on": date(2201, 1, 1)}, "noted_on"),
        ({"noted_on": date(1, 1, 1)}, "noted_on"),
        ({"noted_on": "2025-01-01"}, "noted_on"),
        ({"noted_on": None}, "noted_on"),
        ({"title": ""}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"kind": "rumour"}, "kind"),
        ({"body": "b" * 20_001}, "body"),
        ({"body": "nul\x00byte"}, "body"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    services: WorkspaceServices, account_id: int, changes: dict[str, Any], field: str
) -> None:
    note_id = services.notes.create(account_id, NoteDraft("Keeper", date(2025, 1, 1)))
    before = services.notes.get(note_id)
    with pytest.raises(ValidationError) as on_update:
        services.notes.update(note_id, changes)
    assert on_update.value.field == field
    assert str(on_update.value)
    assert services.notes.get(note_id) == before

    draft = dataclasses.replace(NoteDraft("New", date(2025, 1, 1)), **changes)
    with pytest.raises(ValidationError) as on_create:
        services.notes.create(account_id, draft)
    assert on_create.value.field == field
    assert titles(services, account_id) == ["Keeper"]


def test_out_of_range_message_shows_the_date(services: WorkspaceServices, account_id: int) -> None:
    with pytest.raises(ValidationError, match="1899-12-31 is out of range"):
        services.notes.create(account_id, NoteDraft("Old", date(1899, 12, 31)))


def test_a_datetime_is_stored_as_its_date(services: WorkspaceServices, account_id: int) -> None:
    note_id = services.notes.create(account_id, NoteDraft("Call", datetime(2025, 4, 5, 14, 30)))
    assert services.notes.get(note_id).noted_on == date(2025, 4, 5)


def test_update_change_undoes_exactly(services: WorkspaceServices, account_id: int) -> None:
    note_id = services.notes.create(account_id, NoteDraft("Draft", date(2025, 1, 1)))
    before = services.notes.get(note_id)
    change = services.notes.update(
        note_id, {"title": "Final", "noted_on": date(2025, 1, 2), "kind": "did_not_work"}
    )
    assert change.before == {"title": "Draft", "noted_on": date(2025, 1, 1), "kind": "note"}
    services.notes.update(note_id, change.before, exact=True)
    assert services.notes.get(note_id) == before


def test_delete_and_restore(services: WorkspaceServices, account_id: int) -> None:
    keep = services.notes.create(account_id, NoteDraft("Keep", date(2025, 1, 1)))
    drop = services.notes.create(account_id, NoteDraft("Drop", date(2025, 1, 2)))
    deletion = services.notes.delete(drop)
    assert titles(services, account_id) == ["Keep"]
    with pytest.raises(NotFoundError):
        services.notes.get(drop)
    with pytest.raises(NotFoundError):
        services.notes.delete(drop)  # already deleted
    assert services.notes.restore(deletion) == [drop]
    assert titles(services, account_id) == ["Drop", "Keep"]
    assert services.notes.get(keep).title == "Keep"


def test_purge_removes_a_new_note(services: WorkspaceServices, account_id: int) -> None:
    note_id = services.notes.create(account_id, NoteDraft("Oops", date(2025, 1, 1)))
    services.notes.purge(note_id)
    assert titles(services, account_id) == []
    with pytest.raises(NotFoundError):
        services.notes.purge(note_id)


def test_a_note_needs_a_live_account(services: WorkspaceServices) -> None:
    with pytest.raises(ValidationError) as raised:
        services.notes.create(4242, NoteDraft("Nowhere", date(2025, 1, 1)))
    assert raised.value.field == "account_id"
