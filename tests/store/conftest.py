"""Fixtures and helpers for the store tests: real workspace files in ``tmp_path``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from keyplan.services.records import AccountDraft, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices


def fill(services: WorkspaceServices, accounts: int = 3) -> list[int]:
    """Put a few accounts, contacts and notes into a workspace; return the account ids."""
    ids = []
    for number in range(accounts):
        account_id = services.accounts.create(
            AccountDraft(f"Account {number}", currency="JPY", market="JP", notes="n" * 300)
        )
        boss = services.contacts.create(account_id, ContactDraft(f"Boss {number}"))
        services.contacts.create(account_id, ContactDraft(f"Report {number}", reports_to_id=boss))
        services.notes.create(account_id, NoteDraft(f"Note {number}", date(2025, 1, number + 1)))
        ids.append(account_id)
    return ids


@pytest.fixture
def workspace_file(tmp_path: Path) -> Path:
    """A closed workspace with some data, alone in its own folder."""
    folder = tmp_path / "ws"
    folder.mkdir()
    path = folder / "clients.keyplan"
    with WorkspaceServices.create(path, agency_name="Acme Agency") as services:
        fill(services, accounts=12)
    return path
