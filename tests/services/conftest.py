"""Fixtures for the service tests: a fresh workspace file per test, opened through
the same facade the UI and the CLI use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices


@pytest.fixture
def services(tmp_path: Path) -> Iterator[WorkspaceServices]:
    with WorkspaceServices.create(tmp_path / "test.keyplan", agency_name="Mekong Media") as opened:
        yield opened


@pytest.fixture
def account_id(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Saigon Shop", currency="VND", market="VN"))
