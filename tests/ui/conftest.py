"""UI fixtures: a real MainWindow, offscreen, with its own settings file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from keyplan.services.records import AccountDraft, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.app import create_application
from keyplan.ui.main_window import MainWindow
from keyplan.ui.settings import Settings


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["keyplan-tests"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, qapp, settings: Settings, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    create_application([])
    win = MainWindow(settings, tmp_path / "demo" / "Demo.keyplan")
    win.errors = []  # type: ignore[attr-defined]
    win.show_error = win.errors.append  # type: ignore[method-assign, attr-defined]
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """A closed workspace: a global account with a subsidiary, contacts in a chain, a note."""
    path = tmp_path / "Portfolio.keyplan"
    with WorkspaceServices.create(path, agency_name="Lumen Partners") as services:
        owner = services.team.create("Mai Anh Nguyễn", "Account Director")
        group = services.accounts.create(
            AccountDraft("Aurora Group", currency="USD", kind="global", owner_id=owner)
        )
        japan = services.accounts.create(
            AccountDraft("Aurora Japan", currency="JPY", parent_id=group, market="JP")
        )
        ceo = services.contacts.create(japan, ContactDraft("田中 太郎", title="CEO"))
        cmo = services.contacts.create(japan, ContactDraft("佐藤 花子", reports_to_id=ceo))
        services.contacts.create(japan, ContactDraft("김민준", reports_to_id=cmo))
        services.notes.create(japan, NoteDraft("Kick-off went well", date(2026, 3, 2)))
    return path


@pytest.fixture
def opened(window: MainWindow, workspace_path: Path) -> MainWindow:
    assert window.open_workspace(workspace_path), window.errors  # type: ignore[attr-defined]
    return window
