"""The 24-hour rule in the window: the status bar count and the owed list on the Accounts page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QPushButton

from keyplan.services.contact_reports import ReportDraft
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.accounts_view import AccountsView


def _report(window: MainWindow, title: str, ended_hours_ago: float) -> int:
    assert window.session is not None
    services = window.session.services
    account = next(a.id for a in services.accounts.all() if a.name == "Aurora Japan")
    ends = datetime.now(UTC) - timedelta(hours=ended_hours_ago)
    draft = ReportDraft(title, ends - timedelta(hours=1), ends, "Asia/Tokyo")
    return services.contact_reports.create(account, draft)


def _accounts(window: MainWindow) -> AccountsView:
    page = window.pages["accounts"]
    assert isinstance(page, AccountsView)
    return page


def test_overdue_reports_are_counted_in_the_status_bar_and_listed(opened: MainWindow) -> None:
    accounts = _accounts(opened)
    assert opened.reports_label.isHidden()  # nothing owed
    assert accounts.owed_box.isHidden()

    assert opened.session is not None
    overdue = _report(opened, "Kick-off 田中様", ended_hours_ago=30)
    opened.session.changed.emit("contact_report")
    assert opened.reports_label.text() == "1 contact report overdue"
    assert "#C62828" in opened.reports_label.styleSheet()
    assert not opened.reports_label.isHidden()
    assert [r.title for r in accounts.owed_model.records] == ["Kick-off 田中様"]
    assert "1 contact report owed" in accounts.owed_box.title()
    assert not accounts.owed_box.isHidden()

    # marking it sent takes it off both
    opened.session.services.contact_reports.mark_sent(overdue, date.today())
    opened.session.changed.emit("contact_report")
    assert opened.reports_label.isHidden()
    assert accounts.owed_model.records == []


def test_the_count_follows_the_clock(opened: MainWindow) -> None:
    _report(opened, "Weekly call", ended_hours_ago=1)  # due in 23 hours
    opened.update_reports_status(now=datetime.now(UTC) + timedelta(hours=2))
    assert "overdue" not in opened.reports_label.text()
    opened.update_reports_status(now=datetime.now(UTC) + timedelta(hours=24))
    assert opened.reports_label.text() == "1 contact report overdue"


def test_opening_an_owed_report_opens_its_account(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _report(opened, "Budget call", ended_hours_ago=40)
    assert opened.session is not None
    opened.session.changed.emit("contact_report")
    accounts = _accounts(opened)
    with qtbot.waitSignal(accounts.open_account) as signal:
        accounts.owed_table.activated.emit(accounts.owed_model.index(0, 0))
    services = opened.session.services
    assert signal.args == [next(a.id for a in services.accounts.all() if a.name == "Aurora Japan")]


def test_writing_a_report_in_the_tab_moves_the_overdue_count(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert opened.session is not None
    services = opened.session.services
    account = next(a.id for a in services.accounts.all() if a.name == "Aurora Japan")
    opened.show_account(account)
    view = opened.account_view
    assert view is not None
    panel = view.reports
    view.tabs.setCurrentWidget(panel)
    qtbot.mouseClick(panel.findChild(QPushButton, "new_report"), Qt.MouseButton.LeftButton)
    assert opened.reports_label.isHidden()  # a meeting later today is not owed yet

    # the meeting was two days ago: the report is overdue, and the status bar says so
    day = panel.form.fields["day"].widget
    assert isinstance(day, QDateEdit)
    day.setFocus()
    day.setDate(QDate.currentDate().addDays(-2))
    qtbot.keyClick(day, Qt.Key.Key_Return)
    assert opened.reports_label.text() == "1 contact report overdue"

    qtbot.mouseClick(panel.findChild(QPushButton, "mark_sent"), Qt.MouseButton.LeftButton)
    dialog = panel.sent_dialog
    assert dialog is not None
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert opened.reports_label.isHidden()
    opened.session.undo_stack.undo()  # not sent after all: overdue again
    assert opened.reports_label.text() == "1 contact report overdue"
