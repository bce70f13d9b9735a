"""The Contact reports and Action items tabs, driven through their widgets like a user does.

Times are explicit: the panels read the clock through ``panel.clock``, set here to a fixed
moment, and reports are created through the service relative to it, so "overdue" and "due in
5 h" do not depend on when the tests run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTimeEdit,
)

from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.action_items_panel import ActionItemsPanel
from keyplan.ui.views.contact_reports_panel import ContactReportsPanel, local_zone_name

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
TOKYO = "Asia/Tokyo"
SAIGON = "Asia/Ho_Chi_Minh"


def _services(window: MainWindow) -> WorkspaceServices:
    assert window.session is not None
    return window.session.services


def _account(window: MainWindow) -> int:
    return next(a.id for a in _services(window).accounts.all() if a.name == "Aurora Japan")


def _open_reports(window: MainWindow) -> tuple[int, ContactReportsPanel]:
    account_id = _account(window)
    window.show_account(account_id)
    view = window.account_view
    assert view is not None
    view.reports.clock = lambda: NOW
    view.tabs.setCurrentWidget(view.reports)
    view.reports.reload()
    return account_id, view.reports


def _open_actions(window: MainWindow) -> tuple[int, ActionItemsPanel]:
    account_id = _account(window)
    window.show_account(account_id)
    view = window.account_view
    assert view is not None
    view.tabs.setCurrentWidget(view.action_items)
    return account_id, view.action_items


def _report_ended(window: MainWindow, hours_ago: float, title: str = "Quarterly review") -> int:
    """A one-hour meeting in Tokyo that ended ``hours_ago`` before NOW, with two actions."""
    ends = NOW - timedelta(hours=hours_ago)
    services = _services(window)
    report_id = services.contact_reports.create(
        _account(window),
        ReportDraft(title, ends - timedelta(hours=1), ends, TOKYO, place="本社"),
    )
    services.contact_reports.add_action(
        report_id, ActionDraft("Send the media plan", owner_name="Kenji", due_on=date.today())
    )
    services.contact_reports.add_action(
        report_id,
        ActionDraft("Share the sell-out data", due_on=date.today() - timedelta(days=2)),
    )
    return report_id


def _undo(window: MainWindow) -> None:
    assert window.session is not None
    window.session.undo_stack.undo()


def _redo(window: MainWindow) -> None:
    assert window.session is not None
    window.session.undo_stack.redo()


def _undo_count(window: MainWindow) -> int:
    assert window.session is not None
    return window.session.undo_stack.count()


def _type_line(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _type_time(qtbot, edit: QTimeEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type "14:00" into a time edit, hours first, then Enter."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _cell_editor(table: QTableView, kind: type):  # type: ignore[no-untyped-def]
    editors = [w for w in table.viewport().findChildren(kind) if w.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def _finish_cell(qtbot, table: QTableView, editor) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def _attendee_item(panel: ContactReportsPanel, text: str):  # type: ignore[no-untyped-def]
    items = panel.attendees.findItems(text, Qt.MatchFlag.MatchStartsWith)
    assert len(items) == 1, text
    return items[0]


# -- writing a report --------------------------------------------------------------------------


def test_write_a_report_with_the_keyboard_and_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id, panel = _open_reports(opened)
    reports = _services(opened).contact_reports
    assert panel.model.rowCount() == 0 and not panel.editor.isEnabled()

    qtbot.mouseClick(panel.findChild(QPushButton, "new_report"), Qt.MouseButton.LeftButton)
    (summary,) = reports.for_account(account_id)
    # today, at the next full hour, for an hour, in the user's zone (no contact has one)
    zone = ZoneInfo(local_zone_name())
    expected_start = NOW.astimezone(zone).replace(minute=0) + timedelta(hours=1)
    assert summary.time_zone == local_zone_name()
    assert summary.local_start == expected_start
    assert summary.ends_at - summary.starts_at == timedelta(hours=1)
    title = panel.form.fields["title"].widget
    assert isinstance(title, QLineEdit) and title.hasFocus() and title.selectedText()

    qtbot.keyClicks(title, "Rakuten Super SALE review")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert reports.get(summary.id).title == "Rakuten Super SALE review"

    kind = panel.form.fields["kind"].widget
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("video_call"))
    kind.activated.emit(kind.currentIndex())
    assert reports.get(summary.id).kind == "video_call"

    # date, times and zone: each change saves start and end together, one undo step each
    day = panel.form.fields["day"].widget
    assert isinstance(day, QDateEdit)
    day.setFocus()
    day.setDate(QDate(2026, 11, 23))
    qtbot.keyClick(day, Qt.Key.Key_Return)
    start = panel.form.fields["start"].widget
    end = panel.form.fields["end"].widget
    assert isinstance(start, QTimeEdit) and isinstance(end, QTimeEdit)
    _type_time(qtbot, end, "15:30")
    _type_time(qtbot, start, "14:00")
    before = _undo_count(opened)
    zone_box = panel.form.fields["time_zone"].widget
    assert isinstance(zone_box, QComboBox) and zone_box.lineEdit() is not None
    _type_line(qtbot, zone_box.lineEdit(), SAIGON)
    assert _undo_count(opened) == before + 1
    report = reports.get(summary.id)
    assert report.time_zone == SAIGON
    assert report.starts_at == datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo(SAIGON))
    assert report.ends_at == datetime(2026, 11, 23, 15, 30, tzinfo=ZoneInfo(SAIGON))
    assert panel.model.index(0, 0).data() == "2026-11-23 14:00 (Asia/Ho_Chi_Minh)"

    _undo(opened)  # the zone change: start, end and zone come back together
    report = reports.get(summary.id)
    assert report.time_zone == local_zone_name()
    assert report.local_start.replace(tzinfo=None) == datetime(2026, 11, 23, 14, 0)
    _redo(opened)
    assert reports.get(summary.id).starts_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

    # a zone that does not exist is refused next to the field
    _type_line(qtbot, zone_box.lineEdit(), "Mars/Olympus")
    assert "not a time zone" in panel.form.error_text("time_zone")
    assert reports.get(summary.id).time_zone == SAIGON
    _type_line(qtbot, zone_box.lineEdit(), SAIGON)
    assert panel.form.error_text("time_zone") == ""

    # text in Vietnamese (QTest types ASCII only: the text is put in, then Tab leaves)
    discussion = panel.form.fields["discussion"].widget
    assert isinstance(discussion, QPlainTextEdit)
    discussion.setFocus()
    discussion.setPlainText("Chị Hương muốn tăng thời lượng livestream lên 4 giờ.")
    qtbot.keyClick(discussion, Qt.Key.Key_Tab)
    assert reports.get(summary.id).discussion.startswith("Chị Hương")
    internal = panel.form.fields["internal_notes"].widget
    assert "never" in panel.form.label_of("internal_notes").text()
    internal.setFocus()
    qtbot.keyClicks(internal, "Margin is thin")
    qtbot.keyClick(internal, Qt.Key.Key_Tab)
    assert reports.get(summary.id).internal_notes == "Margin is thin"
    _undo(opened)
    assert reports.get(summary.id).internal_notes == ""
    assert internal.toPlainText() == ""  # type: ignore[attr-defined]


def test_tick_attendees_and_add_a_guest(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, 2)
    panel.reload()
    reports = _services(opened).contact_reports
    assert isinstance(panel.findChild(QListWidget, "attendees"), QListWidget)

    _attendee_item(panel, "田中 太郎").setCheckState(Qt.CheckState.Checked)
    _attendee_item(panel, "Mai Anh Nguyễn").setCheckState(Qt.CheckState.Checked)
    names = [a.name for a in reports.get(report_id).attendees]
    assert names == ["田中 太郎", "Mai Anh Nguyễn"]
    assert [a.side for a in reports.get(report_id).attendees] == ["client", "agency"]

    qtbot.mouseClick(panel.add_guest_button, Qt.MouseButton.LeftButton)
    dialog = panel.guest_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("Trần Văn An")
    dialog.accept()
    attendees = reports.get(report_id).attendees
    assert [(a.name, a.side) for a in attendees][-1] == ("Trần Văn An", "guest")
    assert _attendee_item(panel, "Trần Văn An").checkState() == Qt.CheckState.Checked

    _undo(opened)  # the guest
    assert [a.name for a in reports.get(report_id).attendees] == names
    assert not panel.attendees.findItems("Trần Văn An", Qt.MatchFlag.MatchStartsWith)
    _redo(opened)
    assert AttendeeRef(name="Trần Văn An") in [a.ref for a in reports.get(report_id).attendees]

    _attendee_item(panel, "田中 太郎").setCheckState(Qt.CheckState.Unchecked)
    assert [a.name for a in reports.get(report_id).attendees] == [
        "Mai Anh Nguyễn",
        "Trần Văn An",
    ]
    _undo(opened)
    assert reports.get(report_id).attendees[0].name == "田中 太郎"


def test_add_an_action_item_with_owner_and_due_date(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, 2)
    panel.reload()
    reports = _services(opened).contact_reports
    table = panel.actions_table
    assert panel.actions_model.rowCount() == 2

    qtbot.mouseClick(panel.findChild(QPushButton, "add_action"), Qt.MouseButton.LeftButton)
    editor = _cell_editor(table, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Book the studio for the shoot")
    _finish_cell(qtbot, table, editor)
    action = reports.get(report_id).actions[-1]
    assert action.description == "Book the studio for the shoot"

    # owner: picked from the contacts and the team in the cell's list
    row = panel.actions_model.row_of(action.id)
    table.edit(panel.actions_model.index(row, panel.actions_model.column_of("owner")))
    owner = _cell_editor(table, QComboBox)
    assert "佐藤 花子" in [owner.itemText(i) for i in range(owner.count())]
    assert "Mai Anh Nguyễn" in [owner.itemText(i) for i in range(owner.count())]
    owner.setCurrentIndex(owner.findText("佐藤 花子"))
    _finish_cell(qtbot, table, owner)
    action = reports.get(report_id).actions[-1]
    assert action.owner == "佐藤 花子" and action.owner_contact_id is not None

    # or typed: someone who is in neither list
    table.edit(panel.actions_model.index(row, panel.actions_model.column_of("owner")))
    owner = _cell_editor(table, QComboBox)
    owner.lineEdit().selectAll()
    qtbot.keyClicks(owner.lineEdit(), "Studio Mori")
    _finish_cell(qtbot, table, owner)
    action = reports.get(report_id).actions[-1]
    assert (action.owner, action.owner_contact_id, action.owner_member_id) == (
        "Studio Mori",
        None,
        None,
    )

    due = date.today() + timedelta(days=7)
    table.edit(panel.actions_model.index(row, panel.actions_model.column_of("due_on")))
    due_edit = _cell_editor(table, QDateEdit)
    due_edit.setDate(QDate(due))
    _finish_cell(qtbot, table, due_edit)
    assert reports.get(report_id).actions[-1].due_on == due

    _undo(opened)  # due date
    assert reports.get(report_id).actions[-1].due_on is None
    _undo(opened)  # typed owner
    assert reports.get(report_id).actions[-1].owner == "佐藤 花子"
    _redo(opened)
    _redo(opened)
    action = reports.get(report_id).actions[-1]
    assert (action.owner, action.due_on) == ("Studio Mori", due)
    # the overdue action (due two days ago) is red
    late = panel.actions_model.index(1, panel.actions_model.column_of("due_on"))
    assert late.data(Qt.ItemDataRole.ForegroundRole) is not None

    table.setCurrentIndex(panel.actions_model.index(row, 0))
    qtbot.mouseClick(panel.findChild(QPushButton, "delete_action"), Qt.MouseButton.LeftButton)
    assert len(reports.get(report_id).actions) == 2
    _undo(opened)
    assert reports.get(report_id).actions[-1].description == "Book the studio for the shoot"


# -- the 24-hour rule ------------------------------------------------------------------------


def _state(panel: ContactReportsPanel, report_id: int) -> str:
    row = panel.model.row_of(report_id)
    return panel.model.index(row, panel.model.column_of("state")).data()


def test_overdue_report_is_marked_as_sent_and_back(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, 30)
    panel.reload()
    reports = _services(opened).contact_reports
    assert _state(panel, report_id) == "Overdue"
    state = panel.model.index(panel.model.row_of(report_id), panel.model.column_of("state"))
    assert state.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    assert panel.banner.isVisible()
    assert panel.banner.text() == "Overdue by 6 h: send it to the client"

    qtbot.mouseClick(panel.findChild(QPushButton, "mark_sent"), Qt.MouseButton.LeftButton)
    dialog = panel.sent_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.form.fields["sent_on"].read() == date.today()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert reports.get(report_id).sent_on == date.today()
    assert _state(panel, report_id) == f"Sent {date.today().isoformat()}"
    assert panel.banner.text() == f"Sent to the client on {date.today().isoformat()}"

    _undo(opened)
    assert reports.get(report_id).sent_on is None
    assert _state(panel, report_id) == "Overdue"
    _redo(opened)
    assert reports.get(report_id).state == "sent"

    # a sent date before the meeting is refused in the dialog, which stays open
    qtbot.mouseClick(panel.findChild(QPushButton, "mark_sent"), Qt.MouseButton.LeftButton)
    dialog = panel.sent_dialog
    assert dialog is not None
    dialog.form.fields["sent_on"].widget.setDate(QDate(2020, 1, 1))  # type: ignore[attr-defined]
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible() and "before its meeting" in dialog.form.error_text("sent_on")
    # "Not sent" takes the date back
    qtbot.mouseClick(dialog.findChild(QPushButton, "not_sent"), Qt.MouseButton.LeftButton)
    assert reports.get(report_id).sent_on is None
    assert _state(panel, report_id) == "Overdue"


@pytest.mark.parametrize(
    ("hours_ago", "state", "banner"),
    [
        (19, {"Due", "Due today"}, "Due in 5 h (24 hours after the meeting)"),
        (23.5, {"Due", "Due today"}, "Due in 30 min (24 hours after the meeting)"),
        (24 * 3 + 2, {"Overdue"}, "Overdue by 2 days: send it to the client"),
        (-3, {"Upcoming"}, "Upcoming: due 24 hours after the meeting, "),
    ],
)
def test_banner_says_when_the_report_is_due(
    opened: MainWindow, hours_ago: float, state: set[str], banner: str
) -> None:
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, hours_ago)
    panel.reload()
    assert _state(panel, report_id) in state
    assert panel.banner.text().startswith(banner)


def test_states_move_on_with_the_clock_and_leave_the_form_alone(opened: MainWindow) -> None:
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, 20)
    panel.reload()
    assert _state(panel, report_id) in {"Due", "Due today"}
    title = panel.form.fields["title"].widget
    assert isinstance(title, QLineEdit)
    title.setText("Typed, not saved yet")
    panel.clock = lambda: NOW + timedelta(hours=5)
    panel.refresh_states()
    assert _state(panel, report_id) == "Overdue"
    assert panel.banner.text() == "Overdue by 1 h: send it to the client"
    assert title.text() == "Typed, not saved yet"


def test_changing_the_time_keeps_one_undo_step(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _account_id, panel = _open_reports(opened)
    report_id = _report_ended(opened, 30)
    panel.reload()
    reports = _services(opened).contact_reports
    before = reports.get(report_id)
    assert panel.banner.text().startswith("Overdue")
    count = _undo_count(opened)
    # the meeting really ended an hour before midnight, running late: the end is the next day
    end = panel.form.fields["end"].widget
    assert isinstance(end, QTimeEdit)
    start_time = before.local_start.time()
    _type_time(qtbot, end, f"{(start_time.hour - 1) % 24:02}:{start_time.minute:02}")
    after = reports.get(report_id)
    assert _undo_count(opened) == count + 1
    assert after.ends_at - after.starts_at == timedelta(hours=23)
    assert after.starts_at == before.starts_at
    assert panel.end_day.text() == "next day" and panel.end_day.isVisible()
    _undo(opened)
    assert reports.get(report_id).ends_at == before.ends_at
    assert not panel.end_day.isVisible()


# -- action items tab ------------------------------------------------------------------------


def test_tick_off_action_items_in_the_action_items_tab(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    report_id = _report_ended(opened, 30, title="販促会議")
    account_id, panel = _open_actions(opened)
    reports = _services(opened).contact_reports
    model = panel.model
    assert model.rowCount() == 2
    # open first by due date: the one due two days ago, in red
    late = model.index(0, model.column_of("due_on"))
    assert model.record(0).description == "Share the sell-out data"
    assert late.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    assert model.index(0, model.column_of("report_title")).data().endswith("販促会議")

    done = model.index(0, model.column_of("done_on"))
    assert done.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.setData(done, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    ticked = next(a for a in reports.actions_for_account(account_id) if a.status == "done")
    assert ticked.description == "Share the sell-out data" and ticked.done_on == date.today()
    assert model.rowCount() == 1  # done items are hidden unless asked for
    assert panel.count_label.text() == "1 open item"

    panel.show_done.setChecked(True)
    assert model.rowCount() == 2
    assert model.index(1, model.column_of("done_on")).data() == date.today().isoformat()
    _undo(opened)
    assert all(a.status == "open" for a in reports.actions_for_account(account_id))
    assert panel.count_label.text() == "2 open items"

    # "Mark done" on the selected rows, one undo step for both
    panel.table.selectAll()
    qtbot.mouseClick(panel.findChild(QPushButton, "mark_done"), Qt.MouseButton.LeftButton)
    assert [a.status for a in reports.actions_for_account(account_id)] == ["done", "done"]
    _undo(opened)
    assert [a.status for a in reports.actions_for_account(account_id)] == ["open", "open"]

    # status and due date are edited in place
    first = model.record(0).id

    def stored():  # type: ignore[no-untyped-def]
        return next(a for a in reports.actions_for_account(account_id) if a.id == first)

    panel.table.edit(model.index(0, model.column_of("status")))
    combo = _cell_editor(panel.table, QComboBox)
    combo.setCurrentIndex(combo.findData("in_progress"))
    _finish_cell(qtbot, panel.table, combo)
    assert stored().status == "in_progress"
    panel.table.edit(model.index(model.row_of(first), model.column_of("due_on")))
    edit = _cell_editor(panel.table, QDateEdit)
    edit.setDate(QDate(date.today() + timedelta(days=3)))
    _finish_cell(qtbot, panel.table, edit)
    assert stored().due_on == date.today() + timedelta(days=3)
    assert reports.get(report_id).open_actions == 2


def test_delete_a_report_and_undo(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id, panel = _open_reports(opened)
    keep = _report_ended(opened, 24 * 10, title="Kick-off")
    gone = _report_ended(opened, 30)
    panel.reload()
    reports = _services(opened).contact_reports
    assert [r.id for r in reports.for_account(account_id)] == [gone, keep]
    panel.list.selectRow(panel.model.row_of(gone))
    assert panel.current_id == gone
    qtbot.mouseClick(panel.findChild(QPushButton, "delete_report"), Qt.MouseButton.LeftButton)
    assert [r.id for r in reports.for_account(account_id)] == [keep]
    assert len(reports.actions_for_account(account_id)) == 2  # the deleted report's went too
    assert panel.current_id == keep
    actions = opened.account_view.action_items  # type: ignore[union-attr]
    assert actions.model.rowCount() == 2

    _undo(opened)
    assert [r.id for r in reports.for_account(account_id)] == [gone, keep]
    assert len(reports.actions_for_account(account_id)) == 4
    assert actions.model.rowCount() == 4
    _redo(opened)
    assert [r.id for r in reports.for_account(account_id)] == [keep]


def test_new_report_takes_the_clients_time_zone(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    account_id = _account(opened)
    services = _services(opened)
    contact = services.contacts.for_account(account_id)[0]
    assert opened.session is not None
    services.contacts.update(contact.id, {"time_zone": TOKYO})
    _account_id, panel = _open_reports(opened)
    zone_box = panel.form.fields["time_zone"].widget
    panel.new_report()
    (summary,) = services.contact_reports.for_account(account_id)
    assert summary.time_zone == TOKYO
    assert summary.local_start.time() == time((NOW.astimezone(ZoneInfo(TOKYO)).hour + 1) % 24, 0)
    # the client's zone, then the user's, lead the list of zones
    assert isinstance(zone_box, QComboBox)
    assert zone_box.itemText(0) == TOKYO
    assert zone_box.findText("Europe/Zurich") > 0
    _undo(opened)
    assert services.contact_reports.for_account(account_id) == []
    assert not panel.editor.isEnabled()


def test_the_tab_fits_a_small_window(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _report_ended(opened, 30)
    opened.resize(711, 600)
    opened.splitter.setSizes([250, 461])
    _account_id, panel = _open_reports(opened)
    qtbot.waitUntil(lambda: panel.splitter.orientation() == Qt.Orientation.Vertical)
    assert opened.width() == 711
    assert panel.editor.minimumSizeHint().width() <= panel.scroll_area.viewport().width()
    opened.resize(1400, 800)
    qtbot.waitUntil(lambda: panel.splitter.orientation() == Qt.Orientation.Horizontal)
