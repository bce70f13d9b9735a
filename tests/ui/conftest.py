"""UI fixtures: a real MainWindow, offscreen, with its own settings file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDialog, QWidget

from keyplan.services.demo import create_demo_workspace
from keyplan.services.records import AccountDraft, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.app import create_application
from keyplan.ui.main_window import MainWindow
from keyplan.ui.settings import Settings

DialogT = TypeVar("DialogT", bound=QDialog)


def when_dialog_shows(
    parent: QWidget, kind: type[DialogT], act: Callable[[DialogT], None]
) -> list[BaseException]:
    """Run ``act`` on the ``kind`` dialog under ``parent`` once ``exec()`` shows it (call this
    just before the click that opens it). The list returned collects what went wrong: an assert
    in ``act`` must fail the test, not abort Qt. A dialog ``act`` left open is rejected, so a
    failing test never hangs in ``exec()``."""
    problems: list[BaseException] = []

    def when_shown(tries: int = 0) -> None:
        shown = [d for d in parent.findChildren(kind) if d.isVisible()]
        if not shown:
            if tries < 300:  # exec() has not shown it yet
                QTimer.singleShot(10, lambda: when_shown(tries + 1))
            else:
                problems.append(AssertionError("the dialog never showed"))
            return
        dialog = shown[0]
        try:
            act(dialog)
        except BaseException as exc:
            problems.append(exc)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, when_shown)
    return problems


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


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo workspace for the module; each test opens its own copy."""
    path = tmp_path_factory.mktemp("demo") / "Demo.keyplan"
    create_demo_workspace(path).close()
    return path


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
