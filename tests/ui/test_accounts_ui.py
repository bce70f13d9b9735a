"""Drive the real main window as a user: create, edit, undo, redo, delete, restore, reopen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLineEdit, QPushButton

from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.new_account_dialog import NewAccountDialog
from keyplan.ui.main_window import MainWindow


def _account_id(window: MainWindow, name: str) -> int:
    assert window.session is not None
    return next(a.id for a in window.session.services.accounts.all() if a.name == name)


def _tree_names(window: MainWindow) -> list[str]:
    model = window.tree.model()
    names: list[str] = []

    def walk(parent) -> None:  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            names.append(index.data())
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return names


def _press(window: MainWindow, sequence: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    key = QKeySequence(sequence)[0]
    qtbot.keyClick(window, key.key(), key.keyboardModifiers())


def test_create_account_through_the_dialog(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    problems: list[BaseException] = []

    def fill_dialog() -> None:
        dialog = opened.findChild(NewAccountDialog)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, fill_dialog)  # exec() has not shown it yet
            return
        try:
            fill(dialog)
        except BaseException as exc:  # an assert here must fail the test, not abort Qt
            problems.append(exc)
            dialog.reject()

    def fill(dialog: NewAccountDialog) -> None:
        name = dialog.form.fields["name"].widget
        assert isinstance(name, QLineEdit)
        qtbot.keyClicks(name, "Sen ")  # QTest types ASCII only; the rest as an IME would
        name.insert("Việt E-commerce")
        currency = dialog.form.fields["currency"].widget
        assert isinstance(currency, QComboBox)
        currency.setCurrentIndex(currency.findData("VND"))
        market = dialog.form.fields["market"].widget
        assert isinstance(market, QComboBox)
        market.setCurrentIndex(market.findData("VN"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill_dialog)
    opened.actions_["new_account"].trigger()
    assert not problems, problems

    assert "Sen Việt E-commerce" in _tree_names(opened)
    assert opened.account_view is not None
    assert opened.stack.currentWidget() is opened.account_view
    assert opened.account_view.title.text() == "Sen Việt E-commerce"
    # saved in the file: a second, independent reader sees it after close
    path = opened.session.services.path  # type: ignore[union-attr]
    opened.close_workspace()
    with WorkspaceServices.open(path) as services:
        created = [a for a in services.accounts.all() if a.name == "Sen Việt E-commerce"]
        assert len(created) == 1
        assert (created[0].currency, created[0].market) == ("VND", "VN")


def test_new_account_dialog_refuses_an_empty_name_next_to_the_field(
    opened: MainWindow,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    assert opened.session is not None
    before = [a.name for a in opened.session.services.accounts.all()]
    dialog = NewAccountDialog(opened.session.services, None, opened)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()  # not accepted
    assert dialog.form.error_text("name") == "A name is required."
    assert [a.name for a in opened.session.services.accounts.all()] == before


def test_edit_undo_redo_with_the_keyboard(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    account_id = _account_id(opened, "Aurora Japan")
    opened.show_account(account_id)
    view = opened.account_view
    assert view is not None
    name = view.overview.form.fields["name"].widget
    assert isinstance(name, QLineEdit)
    name.selectAll()
    qtbot.keyClicks(name, "Aurora Japan K.K.")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    services = opened.session.services
    assert services.accounts.get(account_id).name == "Aurora Japan K.K."
    assert view.title.text() == "Aurora Japan K.K."
    assert "Aurora Japan K.K." in _tree_names(opened)

    _press(opened, "Ctrl+Z", qtbot)
    assert services.accounts.get(account_id).name == "Aurora Japan"
    assert name.text() == "Aurora Japan"
    _press(opened, "Ctrl+Shift+Z", qtbot)
    assert services.accounts.get(account_id).name == "Aurora Japan K.K."
    assert name.text() == "Aurora Japan K.K."


def test_a_bad_value_shows_an_error_and_saves_nothing(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    account_id = _account_id(opened, "Aurora Japan")
    opened.show_account(account_id)
    form = opened.account_view.overview.form  # type: ignore[union-attr]
    name = form.fields["name"].widget
    assert isinstance(name, QLineEdit)
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    assert form.error_text("name") == "A name is required."  # while typing
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert form.error_text("name") == "A name is required."
    assert opened.session.services.accounts.get(account_id).name == "Aurora Japan"
    assert opened.session.undo_stack.count() == 0
    qtbot.keyClicks(name, "Aurora KK")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert form.error_text("name") == ""
    assert opened.session.services.accounts.get(account_id).name == "Aurora KK"


def test_health_change_updates_badge_tree_and_date(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    account_id = _account_id(opened, "Aurora Japan")
    opened.show_account(account_id)
    form = opened.account_view.overview.form  # type: ignore[union-attr]
    health = form.fields["health"].widget
    assert isinstance(health, QComboBox)
    health.setCurrentIndex(health.findData("red"))
    health.activated.emit(health.currentIndex())
    record = opened.session.services.accounts.get(account_id)
    assert record.health == "red"
    assert opened.account_view.badge.text() == "Red"  # type: ignore[union-attr]
    opened.session.undo_stack.undo()
    assert opened.session.services.accounts.get(account_id).health == "green"


def test_delete_then_restore_from_deleted_items(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    services = opened.session.services
    group = _account_id(opened, "Aurora Group")
    japan = _account_id(opened, "Aurora Japan")
    contacts_before = [c.name for c in services.contacts.for_account(japan)]
    opened.show_account(group)
    opened.actions_["delete_account"].trigger()
    assert "Aurora Group" not in _tree_names(opened)
    assert "Aurora Japan" not in _tree_names(opened)  # the subsidiary went with it
    assert opened.stack.currentWidget() is opened.pages["accounts"]

    opened.actions_["show_deleted"].trigger()
    deleted = opened.pages["deleted"]
    assert deleted.model.rowCount() == 1  # type: ignore[attr-defined]
    deleted.table.selectRow(0)  # type: ignore[attr-defined]
    restore = deleted.findChild(QPushButton, "restore")
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert {"Aurora Group", "Aurora Japan"} <= set(_tree_names(opened))
    assert [c.name for c in services.contacts.for_account(japan)] == contacts_before
    assert deleted.model.rowCount() == 0  # type: ignore[attr-defined]

    opened.session.undo_stack.undo()  # undo the restore: deleted again
    assert "Aurora Group" not in _tree_names(opened)
    opened.session.undo_stack.undo()  # undo the delete: back
    assert "Aurora Group" in _tree_names(opened)


def test_reopen_finds_every_edit(opened: MainWindow, qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    account_id = _account_id(opened, "Aurora Group")
    opened.show_account(account_id)
    notes = opened.account_view.overview.form.fields["notes"].widget  # type: ignore[union-attr]
    notes.setFocus()
    qtbot.keyClicks(notes, "Renewal talks in Q3")
    notes.insertPlainText(" — Дмитрий to join")
    opened.account_view.overview.form.fields["name"].widget.setFocus()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: opened.session.services.accounts.get(account_id).notes != "")  # type: ignore[union-attr]
    opened.actions_["close_workspace"].trigger()
    assert opened.session is None
    assert opened.stack.currentWidget() is opened.welcome
    assert opened.welcome.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(workspace_path)

    assert opened.open_workspace(workspace_path)
    assert opened.session.services.accounts.get(account_id).notes == (  # type: ignore[union-attr]
        "Renewal talks in Q3 — Дмитрий to join"
    )


def test_text_still_being_typed_is_saved_when_the_workspace_closes(
    opened: MainWindow,
    qtbot,
    workspace_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    account_id = _account_id(opened, "Aurora Group")
    opened.show_account(account_id)
    opened.activateWindow()
    notes = opened.account_view.overview.form.fields["notes"].widget  # type: ignore[union-attr]
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClicks(notes, "Typed just before closing")
    opened.actions_["close_workspace"].trigger()  # no click elsewhere first
    with WorkspaceServices.open(workspace_path) as services:
        assert services.accounts.get(account_id).notes == "Typed just before closing"


def test_second_window_cannot_open_the_same_workspace(
    opened: MainWindow,
    settings,
    tmp_path: Path,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    second = MainWindow(settings, tmp_path / "demo2.keyplan")
    second.errors = []  # type: ignore[attr-defined]
    second.show_error = second.errors.append  # type: ignore[method-assign, attr-defined]
    qtbot.addWidget(second)
    assert not second.open_workspace(opened.session.services.path)  # type: ignore[union-attr]
    assert "already open in another Keyplan window" in second.errors[0]  # type: ignore[attr-defined]
    assert second.session is None


def test_undo_and_redo_shortcuts_are_the_standard_ones(opened: MainWindow) -> None:
    undo = opened.findChild(QAction, "undo")
    redo = opened.findChild(QAction, "redo")
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in redo.shortcuts()


def test_tree_filter_keeps_parents_of_matches(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(opened.tree_filter, "japan")
    qtbot.waitUntil(lambda: _tree_names(opened) == ["Aurora Group", "Aurora Japan"])
    opened.tree_filter.clear()
    qtbot.waitUntil(lambda: len(_tree_names(opened)) == 2)
