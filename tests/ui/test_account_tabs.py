"""The Contacts and Notes tabs, the Team and Agency pages, driven like a user does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QPushButton

from keyplan.ui.main_window import MainWindow


def _open_account(window: MainWindow, name: str) -> int:
    assert window.session is not None and window.account_view is not None
    account_id = next(a.id for a in window.session.services.accounts.all() if a.name == name)
    window.show_account(account_id)
    return account_id


def _tree_rows(model, parent=QModelIndex(), depth=0):  # type: ignore[no-untyped-def]
    rows = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        rows.append((depth, index.data()))
        rows.extend(_tree_rows(model, index, depth + 1))
    return rows


def _cell_editor(table) -> QLineEdit:  # type: ignore[no-untyped-def]
    """The line edit the table opened over the current cell."""
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def _type_into_cell(qtbot, table, text: str, *, replace: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Type into the open cell editor and press Enter, as a user does."""
    editor = _cell_editor(table)
    if replace:
        editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits on Enter from the event loop, then deletes the editor
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_reports_to_tree_shows_the_chain(opened: MainWindow) -> None:
    _open_account(opened, "Aurora Japan")
    panel = opened.account_view.contacts  # type: ignore[union-attr]
    assert _tree_rows(panel.tree_model) == [(0, "田中 太郎"), (1, "佐藤 花子"), (2, "김민준")]


def test_edit_a_contact_cell_with_the_keyboard_and_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id = _open_account(opened, "Aurora Japan")
    view = opened.account_view
    assert view is not None and opened.session is not None
    view.tabs.setCurrentWidget(view.contacts_tabs)
    panel = view.contacts
    contact = next(c for c in panel.model.records if c.name == "佐藤 花子")
    panel.edit_cell(contact.id, "title")
    _type_into_cell(qtbot, panel.table, "Chief Marketing Officer")
    stored = opened.session.services.contacts.get(contact.id)
    assert stored.title == "Chief Marketing Officer"
    opened.session.undo_stack.undo()
    assert opened.session.services.contacts.get(contact.id).title == ""
    assert [c.title for c in opened.session.services.contacts.for_account(account_id)].count(
        ""
    ) == 2


def test_an_invalid_email_marks_the_cell_and_saves_nothing(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _open_account(opened, "Aurora Japan")
    panel = opened.account_view.contacts  # type: ignore[union-attr]
    contact = panel.model.records[0]
    opened.account_view.tabs.setCurrentWidget(opened.account_view.contacts_tabs)  # type: ignore[union-attr]
    panel.edit_cell(contact.id, "email")
    _type_into_cell(qtbot, panel.table, "not-an-email")
    assert opened.session.services.contacts.get(contact.id).email == ""  # type: ignore[union-attr]
    index = panel.model.index(panel.model.row_of(contact.id), panel.model.column_of("email"))
    assert "not an e-mail address" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_reporting_loop_is_refused(opened: MainWindow) -> None:
    _open_account(opened, "Aurora Japan")
    panel = opened.account_view.contacts  # type: ignore[union-attr]
    boss = next(c for c in panel.model.records if c.name == "田中 太郎")
    report = next(c for c in panel.model.records if c.name == "김민준")
    index = panel.model.index(panel.model.row_of(boss.id), panel.model.column_of("reports_to_id"))
    assert not panel.model.setData(index, report.id)
    assert "loop" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert opened.session.services.contacts.get(boss.id).reports_to_id is None  # type: ignore[union-attr]


def test_add_and_delete_a_contact_with_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id = _open_account(opened, "Aurora Japan")
    services = opened.session.services  # type: ignore[union-attr]
    panel = opened.account_view.contacts  # type: ignore[union-attr]
    opened.account_view.tabs.setCurrentWidget(opened.account_view.contacts_tabs)  # type: ignore[union-attr]
    qtbot.mouseClick(panel.findChild(QPushButton, "add_contact"), Qt.MouseButton.LeftButton)
    # the new contact's name is open for typing
    _type_into_cell(qtbot, panel.table, "Wang Fang", replace=True)
    assert "Wang Fang" in [c.name for c in services.contacts.for_account(account_id)]
    assert panel.count_label.text() == "4 contacts"

    new_id = next(c.id for c in services.contacts.for_account(account_id) if c.name == "Wang Fang")
    panel.table.setCurrentIndex(
        panel.table.model().index(
            panel.table.model()
            .mapFromSource(panel.model.index(panel.model.row_of(new_id), 0))
            .row(),
            0,
        )
    )
    qtbot.mouseClick(panel.findChild(QPushButton, "delete_contact"), Qt.MouseButton.LeftButton)
    assert "Wang Fang" not in [c.name for c in services.contacts.for_account(account_id)]
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert "Wang Fang" in [c.name for c in services.contacts.for_account(account_id)]
    opened.session.undo_stack.undo()  # type: ignore[union-attr]  # the rename
    opened.session.undo_stack.undo()  # type: ignore[union-attr]  # the creation
    assert len(services.contacts.for_account(account_id)) == 3


def test_notes_add_edit_and_keep_order(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id = _open_account(opened, "Aurora Japan")
    services = opened.session.services  # type: ignore[union-attr]
    panel = opened.account_view.notes  # type: ignore[union-attr]
    opened.account_view.tabs.setCurrentWidget(opened.account_view.contacts_tabs)  # type: ignore[union-attr]
    qtbot.mouseClick(panel.findChild(QPushButton, "add_note"), Qt.MouseButton.LeftButton)
    title = panel.form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    qtbot.keyClicks(title, "Pricing workshop: lead with outcomes")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    kind = panel.form.fields["kind"].widget
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("worked"))
    kind.activated.emit(kind.currentIndex())
    notes = services.notes.for_account(account_id)
    assert [n.title for n in notes] == [
        "Pricing workshop: lead with outcomes",
        "Kick-off went well",
    ]
    assert notes[0].kind == "worked" and notes[0].noted_on == date.today()
    assert panel.model.rowCount() == 2


def test_team_member_edit_and_invalid_email(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    opened.actions_["show_team"].trigger()
    team = opened.pages["team"]
    model = team.model  # type: ignore[attr-defined]
    assert model.records[0].name == "Mai Anh Nguyễn"
    email = model.index(0, model.column_of("email"))
    assert not model.setData(email, "mai@")
    assert "not an e-mail address" in email.data(Qt.ItemDataRole.ToolTipRole)
    assert model.setData(email, "mai.anh@lumen.example")
    assert opened.session.services.team.all()[0].email == "mai.anh@lumen.example"  # type: ignore[union-attr]


def test_agency_profile_validates_colour_and_percent(
    opened: MainWindow, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    opened.actions_["show_agency"].trigger()
    agency = opened.pages["agency"]
    form = agency.form  # type: ignore[attr-defined]
    services = opened.session.services  # type: ignore[union-attr]
    colour = form.fields["brand_colour"].widget
    colour.selectAll()
    qtbot.keyClicks(colour, "blue")
    qtbot.keyClick(colour, Qt.Key.Key_Return)
    assert "is not a colour" in form.error_text("brand_colour")
    assert services.agency.get().brand_colour == "#1F4E79"
    floor = form.fields["margin_floor_percent"].widget
    floor.selectAll()
    qtbot.keyClicks(floor, "27.5")
    qtbot.keyClick(floor, Qt.Key.Key_Return)
    assert form.error_text("margin_floor_percent") == ""
    assert str(services.agency.get().margin_floor_percent) == "27.5"
    floor.selectAll()
    qtbot.keyClicks(floor, "abc")
    qtbot.keyClick(floor, Qt.Key.Key_Return)
    assert form.error_text("margin_floor_percent") != ""
    assert str(services.agency.get().margin_floor_percent) == "27.5"

    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("hello")
    agency.set_logo_file(not_an_image)  # type: ignore[attr-defined]
    assert "PNG or JPEG" in agency.logo_error.text()  # type: ignore[attr-defined]
    assert services.agency.logo() is None
