"""First run, the demo, the File menu and what the window remembers."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton

from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.main_window import MainWindow
from keyplan.ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_first_run_shows_the_welcome_page(window: MainWindow) -> None:
    assert window.session is None
    assert window.stack.currentWidget() is window.welcome
    assert not window.left.isVisible()
    assert not window.actions_["save_copy"].isEnabled()
    assert window.welcome.recent.count() == 1  # the "(none yet)" placeholder
    assert not window.welcome.recent.item(0).flags() & Qt.ItemFlag.ItemIsEnabled
    assert window.workspace_label.text() == "No workspace open"


def test_open_the_demo_from_the_welcome_page(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    button = window.welcome.findChild(QPushButton, "open_demo")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.session is not None, window.errors  # type: ignore[attr-defined]
    assert window.demo_path.exists()
    accounts = window.session.services.accounts.all()
    assert len(accounts) >= 10
    assert window.tree_model.rowCount() > 0
    assert str(window.demo_path) in window.workspace_label.text()
    assert window.windowTitle().startswith("Demo")


def test_create_workspace_refuses_to_replace_an_existing_file(
    window: MainWindow, tmp_path: Path
) -> None:
    existing = tmp_path / "Keep me.keyplan"
    existing.write_bytes(b"precious")
    assert not window.create_workspace(existing)
    assert existing.read_bytes() == b"precious"
    assert "already exists" in window.errors[-1]  # type: ignore[attr-defined]

    assert window.create_workspace(tmp_path / "Fresh")  # the suffix is added
    assert window.session is not None
    assert window.session.services.path == tmp_path / "Fresh.keyplan"
    assert window.session.services.accounts.all() == []


def test_opening_a_bad_file_says_why_and_keeps_the_current_workspace(
    opened: MainWindow, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.keyplan"
    junk.write_text("hello, not a database")
    digest = hashlib.sha256(junk.read_bytes()).hexdigest()
    current = opened.session.services.path  # type: ignore[union-attr]
    assert not opened.open_workspace(junk)
    assert "is not a Keyplan workspace" in opened.errors[-1]  # type: ignore[attr-defined]
    assert hashlib.sha256(junk.read_bytes()).hexdigest() == digest
    assert opened.session is not None and opened.session.services.path == current


def test_save_a_copy_writes_a_workspace_that_opens(opened: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "copy" / "Portfolio copy.keyplan"
    target.parent.mkdir()
    assert opened.session is not None
    assert opened.session.call(opened.session.services.save_copy, target) == target
    with WorkspaceServices.open(target) as copy:
        assert [a.name for a in copy.accounts.all()] == [
            a.name for a in opened.session.services.accounts.all()
        ]


def test_window_layout_and_recent_files_are_remembered(
    opened: MainWindow,
    settings: Settings,
    tmp_path: Path,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    path = opened.session.services.path  # type: ignore[union-attr]
    opened.resize(711, 577)  # inside the offscreen screen (800x800)
    opened.splitter.setSizes([250, 455])
    opened.close()
    assert settings.recent_workspaces[0] == path
    assert settings.last_workspace == path

    again = MainWindow(settings, tmp_path / "demo.keyplan")
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (711, 577)
    assert again.welcome.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(path)
    again.close()  # closing on the welcome page must not forget the splitter
    third = MainWindow(settings, tmp_path / "demo.keyplan")
    qtbot.addWidget(third)
    third.show()
    assert third.open_workspace(path)
    qtbot.waitUntil(lambda: third.splitter.sizes()[0] > 0)
    assert third.splitter.sizes()[0] == 250


def test_recent_list_forgets_a_vanished_file(
    window: MainWindow, settings: Settings, tmp_path: Path
) -> None:
    gone = tmp_path / "gone.keyplan"
    settings.add_recent_workspace(gone)
    assert not window.open_workspace(gone)
    assert gone not in settings.recent_workspaces
    assert "does not exist" in window.errors[-1]  # type: ignore[attr-defined]


def test_settings_are_typed_and_bounded(tmp_path: Path) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    for number in range(15):
        settings.add_recent_workspace(tmp_path / f"{number}.keyplan")
    settings.add_recent_workspace(tmp_path / "3.keyplan")
    recent = settings.recent_workspaces
    assert len(recent) == 10
    assert recent[0] == tmp_path / "3.keyplan"
    assert recent.count(tmp_path / "3.keyplan") == 1


def test_the_screenshot_script_starts_the_app_on_the_demo(tmp_path: Path) -> None:
    output = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot.py"), str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().startswith(b"\x89PNG")
    assert output.stat().st_size > 20_000  # a real window, not an empty image


def test_gui_entry_point_answers_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "keyplan", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0
    assert result.stdout.startswith("keyplan 0.")


def test_every_page_fits_beside_the_account_tree_in_a_small_window(opened: MainWindow) -> None:
    # 711 px wide with a 250 px tree leaves about 455 px: every page must fit in it
    assert opened.account_view is not None and opened.estimate_editor is not None
    account = opened.session.services.accounts.all()[0]  # type: ignore[union-attr]
    opened.show_account(account.id)
    pages = {**opened.pages, "account": opened.account_view, "editor": opened.estimate_editor}
    widths = {name: page.minimumSizeHint().width() for name, page in pages.items()}
    assert max(widths.values()) <= 450, widths
