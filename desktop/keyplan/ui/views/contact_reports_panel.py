"""Contact reports tab: the account's reports on the left, the report being written on the right.

The report saves field by field as it is edited (like the Notes tab). Date, start, end and time
zone are one thing to the services: changing any of them recomputes the meeting's start and end
and saves them together, in one undo step. Attendees and action items save the same way.
A banner over the form says where the report stands under the 24-hour rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
    QTimeZone,
)
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyleOptionViewItem,
    QTableView,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.contact_reports import (
    ActionStatus,
    ReportState,
    clean_time_zone,
    meeting_times,
)
from keyplan.domain.errors import DomainError
from keyplan.services.contact_reports import (
    ActionDraft,
    ActionRecord,
    AttendeeRef,
    ContactReportService,
    ReportDraft,
    ReportRecord,
    ReportSummary,
)
from keyplan.services.exporting import contact_report_file_name, export_contact_report_pdf
from keyplan.services.records import Change, ContactRecord, TeamMemberRecord
from keyplan.ui import sending
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text
from keyplan.ui.labels import (
    action_status_labels,
    count_text,
    fill,
    report_kind_labels,
    report_state_labels,
)
from keyplan.ui.models.record_table_model import (
    Column,
    RecordTableModel,
    choice_column,
    date_column,
)
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.widgets.editable_table import editable_table
from keyplan.ui.widgets.form import Form, _guard_wheel
from keyplan.ui.widgets.headings import section_title
from keyplan.ui.widgets.record_delegate import RecordDelegate

Index = QModelIndex | QPersistentModelIndex

KIND = "contact_report"  # what the commands of this tab change, for ``changed``
MEETING_FIELDS = ("day", "start", "end", "time_zone")
WIDE_ENOUGH = 760  # narrower than this, the list goes over the report instead of beside it
NO_DATE = QDate(1989, 12, 31)  # an optional date edit at this value shows "not set"
RED = QColor("#C62828")
AMBER = QColor("#B26A00")
GREEN = QColor("#2E7D32")
BANNER_STYLES = {  # background, text, border: readable in light and dark schemes alike
    ReportState.OVERDUE: ("#FDECEA", "#8E1B1B", "#E6A3A0"),
    ReportState.DUE_TODAY: ("#FFF4E0", "#7A4A00", "#F0C36D"),
    ReportState.DUE: ("#FFF9EC", "#6B5200", "#EBD9A8"),
    ReportState.UPCOMING: ("#EEF3F8", "#2C4A66", "#C5D5E6"),
    ReportState.SENT: ("#EAF5EC", "#1E5E2A", "#A9D3B1"),
}


# -- clock and time zones ----------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_zone() -> tzinfo:
    """The user's own time zone, for what "today" means (due today): the IANA zone, so the
    day keeps the right length across a daylight-saving change (a fixed offset would not)."""
    return ZoneInfo(local_zone_name())


def local_zone_name() -> str:
    """The IANA name of the system's zone (``Europe/Berlin``), or UTC when it has none."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode(errors="replace")
    try:
        return clean_time_zone(name)
    except DomainError:
        return "UTC"


@cache
def all_zone_names() -> tuple[str, ...]:
    """Every IANA zone a user would pick, A to Z (no Etc/GMT+5 or SystemV leftovers)."""
    skip = ("Etc/", "SystemV/", "posix", "right/")
    names = {n for n in available_timezones() if "/" in n and not n.startswith(skip)}
    return ("UTC", *sorted(names))


def meeting_text(starts_at: datetime, time_zone: str) -> str:
    """'2026-11-23 14:00 (Asia/Ho_Chi_Minh)': the time the client saw."""
    local = starts_at.astimezone(ZoneInfo(time_zone))
    return f"{local:%Y-%m-%d %H:%M} ({time_zone})"


# -- action items: shared with the Action items tab -------------------------------------------


def action_update(reports: ContactReportService, action_id: int) -> Callable[..., Change]:
    """``update(changes, exact=...)`` for UpdateCommand: marking done records today."""

    def update(changes: dict[str, Any], exact: bool = False) -> Change:
        return reports.update_action(action_id, changes, today=date.today(), exact=exact)

    return update


def owner_changes(value: Any) -> dict[str, Any]:
    """The fields of an owner picked in the owner cell: ("contact", id), ("member", id) or a
    typed name."""
    if isinstance(value, tuple) and value[0] == "contact":
        return {"owner_contact_id": value[1]}
    if isinstance(value, tuple) and value[0] == "member":
        return {"owner_member_id": value[1]}
    return {"owner_name": str(value or "").strip()}


def _record_at(index: Index) -> tuple[RecordTableModel, Any, Column]:
    """The RecordTableModel, the record and the column behind ``index``, through proxies."""
    model: Any = index.model()
    source = QModelIndex(index) if isinstance(index, QPersistentModelIndex) else index
    while not isinstance(model, RecordTableModel):
        source = model.mapToSource(source)
        model = model.sourceModel()
    return model, model.record(source.row()), model.columns[source.column()]


class ActionTableModel(RecordTableModel):
    """Action items: an overdue due date in red; a "check" column ticks an item done."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and self.columns[index.column()].editor == "check":
            return (
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
        return super().flags(index)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        record: ActionRecord = self.records[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and column.editor == "check":
            done = record.status == ActionStatus.DONE
            return Qt.CheckState.Checked if done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "due_on" and is_late(record):
            return QBrush(RED)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "due_on" and is_late(record):
            return super().data(index, role) or self.tr("The due date has passed")
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        column = self.columns[index.column()] if index.isValid() else None
        if role == Qt.ItemDataRole.CheckStateRole and column is not None and self.on_edit:
            record = self.records[index.row()]
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            status = ActionStatus.DONE if checked else ActionStatus.OPEN
            if status == record.status:
                return False
            return self.on_edit(record, "status", status.value) is None
        return super().setData(index, value, role)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date | None:
    """The date of an optional date edit; None when it shows "not set"."""
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


def is_late(action: ActionRecord) -> bool:
    return action.is_open and action.due_on is not None and action.due_on < date.today()


class ActionDelegate(RecordDelegate):
    """RecordDelegate plus an optional date ("date") and an owner picked or typed ("owner")."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        _model, record, column = _record_at(index)
        if column.editor == "date":
            edit = QDateEdit(parent)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setDateRange(NO_DATE, QDate(2200, 12, 31))
            edit.setSpecialValueText(self.tr("(none)"))
            return edit
        if column.editor == "owner" and column.choices is not None:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for text, data in column.choices(record):
                combo.addItem(text, data)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        _model, record, column = _record_at(index)
        if column.editor == "date" and isinstance(editor, QDateEdit):
            value = getattr(record, column.key)
            editor.setDate(to_qdate(value) if value else QDate.currentDate())
            return
        if column.editor == "owner" and isinstance(editor, QComboBox):
            if record.owner_contact_id is not None:
                found = editor.findData(("contact", record.owner_contact_id))
            elif record.owner_member_id is not None:
                found = editor.findData(("member", record.owner_member_id))
            else:
                found = -1
            editor.setCurrentIndex(found)
            if found < 0:
                editor.setEditText(record.owner)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        _model, _record, column = _record_at(index)
        if column.editor == "date" and isinstance(editor, QDateEdit):
            model.setData(index, from_qdate(editor.date()), Qt.ItemDataRole.EditRole)
            return
        if column.editor == "owner" and isinstance(editor, QComboBox):
            text = editor.currentText().strip()
            found = editor.findText(text)
            owner = editor.itemData(found) if found >= 0 else text
            model.setData(index, owner, Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


def action_table(
    name: str, model: ActionTableModel, selection: QAbstractItemView.SelectionMode
) -> QTableView:
    """A table of action items edited in place, as both tabs show them."""
    table = editable_table(name, model, ActionDelegate, selection)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    return table


def owner_choices(
    contacts: Sequence[ContactRecord], members: Sequence[TeamMemberRecord]
) -> list[tuple[str, Any]]:
    """Client contacts, then the team: what an owner cell offers (anything else can be typed)."""
    return [
        *((c.name, ("contact", c.id)) for c in contacts),
        *((m.name, ("member", m.id)) for m in members),
    ]


def fit_height(table: QTableView, rows: int, *, fewest: int = 3, most: int = 10) -> None:
    """Make a table inside a scrolling form just tall enough for its rows."""
    shown = max(fewest, min(rows, most))
    row_height = table.verticalHeader().defaultSectionSize()
    height = table.horizontalHeader().sizeHint().height() + shown * row_height
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


# -- commands --------------------------------------------------------------------------------


class SetAttendeesCommand(ServiceCommand):
    """Who attended, all at once; undo puts back the list before."""

    kind = KIND

    def __init__(
        self,
        text: str,
        set_attendees: Callable[[Sequence[AttendeeRef]], tuple[AttendeeRef, ...]],
        attendees: Sequence[AttendeeRef],
    ) -> None:
        super().__init__(text)
        self._set = set_attendees
        self._attendees = tuple(attendees)
        self._previous: tuple[AttendeeRef, ...] | None = None

    @property
    def is_noop(self) -> bool:
        return self._previous == self._attendees

    def apply(self) -> None:
        previous = self._set(self._attendees)
        if self._previous is None:
            self._previous = previous

    def revert(self) -> None:
        assert self._previous is not None
        self._set(self._previous)


# -- widgets ---------------------------------------------------------------------------------


class _ShowTodayPage(QObject):
    """An optional date edit that is not set opens its calendar on this month, not on 1989."""

    def __init__(self, edit: QDateEdit) -> None:
        super().__init__(edit)
        self._edit = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._edit.date() == NO_DATE:
            today = QDate.currentDate()
            self._edit.calendarWidget().setCurrentPage(today.year(), today.month())
        return False


class ReportForm(Form):
    """Form with times and optional dates."""

    def add_time(self, name: str, label: str) -> QTimeEdit:
        edit = QTimeEdit()
        _guard_wheel(edit)
        edit.setDisplayFormat("HH:mm")

        def read() -> time:
            value = edit.time()
            return time(value.hour(), value.minute())

        def write(value: time | None) -> None:
            edit.setTime(QTime(value.hour, value.minute) if value else QTime(9, 0))

        self._add(name, label, edit, read, write)
        edit.editingFinished.connect(lambda: self._finished(name))
        return edit

    def add_optional_date(self, name: str, label: str, none_text: str) -> QDateEdit:
        """A date that may be left unset (shown as ``none_text``); a button clears it."""
        edit = QDateEdit()
        _guard_wheel(edit)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDateRange(NO_DATE, QDate(2200, 12, 31))
        edit.setSpecialValueText(none_text)
        edit.calendarWidget().installEventFilter(_ShowTodayPage(edit))

        def read() -> date | None:
            return from_qdate(edit.date())

        def write(value: date | None) -> None:
            edit.setDate(to_qdate(value) if value else NO_DATE)

        self._add(name, label, edit, read, write)
        edit.editingFinished.connect(lambda: self._finished(name))
        edit.calendarWidget().clicked.connect(
            lambda _d: QTimer.singleShot(0, lambda: self._finished(name))
        )
        clear = QToolButton()
        clear.setObjectName(f"{name}_clear")
        clear.setText(self.tr("Clear"))
        clear.setToolTip(self.tr("No date"))

        def clear_date() -> None:
            edit.setDate(NO_DATE)
            self._finished(name)

        clear.clicked.connect(clear_date)
        self.add_beside(name, clear)
        return edit

    def add_row(self, label: str, widget: QWidget) -> QLabel:
        """A row that is not a field (it saves itself); returns its label."""
        self.layout_.addRow(label, widget)
        found = self.layout_.labelForField(widget)
        assert isinstance(found, QLabel)
        return found

    def label_of(self, name: str) -> QLabel:
        box = self.fields[name].widget.parentWidget()
        assert box is not None
        found = self.layout_.labelForField(box)
        assert isinstance(found, QLabel)
        return found


class MarkSentDialog(BaseDialog):
    """The day the report went to the client; "Not sent" takes a sent date back."""

    def __init__(
        self, parent: QWidget | None, *, title: str, meeting_day: date, sent_on: date | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark as sent"))
        self.meeting_day = meeting_day
        self.unsend = False
        heading = section_title(title)
        heading.setWordWrap(True)
        self.form = Form()
        self.form.add_date("sent_on", self.tr("Sent to the client on"))
        self.form.set_values({"sent_on": sent_on or max(date.today(), meeting_day)})
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Mark as sent"))
        if sent_on is not None:
            not_sent = self.buttons.addButton(
                self.tr("Not sent"), QDialogButtonBox.ButtonRole.ResetRole
            )
            not_sent.setObjectName("not_sent")
            not_sent.clicked.connect(self._not_sent)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.resize(380, self.sizeHint().height())

    @property
    def sent_on(self) -> date | None:
        return None if self.unsend else self.form.fields["sent_on"].read()

    def _not_sent(self) -> None:
        self.unsend = True
        super().accept()

    def accept(self) -> None:
        value = self.form.fields["sent_on"].read()
        if value < self.meeting_day:
            self.form.show_error(
                "sent_on",
                fill(
                    self.tr("A report cannot be sent before its meeting (%1)."),
                    date_text(self.meeting_day),
                ),
            )
            return
        super().accept()


# -- the panel -------------------------------------------------------------------------------


class ReportListModel(RecordTableModel):
    """The account's reports; the state column in red (overdue) or amber (due today)."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and self.columns[index.column()].key == "state"
        ):
            state = self.records[index.row()].state
            colour = {ReportState.OVERDUE: RED, ReportState.DUE_TODAY: AMBER}.get(state)
            return QBrush(colour) if colour is not None else None
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and self.columns[index.column()].key == "state"
            and self.records[index.row()].state == ReportState.OVERDUE
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class ContactReportsPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.current_id: int | None = None
        self.current: ReportRecord | None = None
        self.clock: Callable[[], datetime] = utc_now  # tests set a fixed moment
        self._contacts: list[ContactRecord] = []
        self._members: list[TeamMemberRecord] = []
        self._zones: tuple[str, ...] = ()
        self._loading = False
        self.sent_dialog: MarkSentDialog | None = None
        self.guest_dialog: QInputDialog | None = None

        kinds = report_kind_labels()
        self.model = ReportListModel(
            [
                Column(
                    "starts_at",
                    self.tr("Meeting"),
                    display=lambda r: meeting_text(r.starts_at, r.time_zone),
                ),
                Column("state", self.tr("State"), display=self._state_text),
                Column("title", self.tr("Title")),
                Column("kind", self.tr("Kind"), display=lambda r: kinds.get(r.kind, r.kind)),
                Column(
                    "open_actions",
                    self.tr("Open actions"),
                    display=lambda r: str(r.open_actions) if r.open_actions else "",
                ),
            ],
            self,
        )
        self.list = QTableView()
        self.list.setObjectName("reports_list")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.verticalHeader().hide()
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)

        self.banner = QLabel()
        self.banner.setObjectName("report_banner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.form = ReportForm()
        self.form.layout_.setRowWrapPolicy(self.form.layout_.RowWrapPolicy.WrapLongRows)
        form = self.form
        form.add_line("title", self.tr("Title"))
        self._narrow(form.add_choice("kind", self.tr("Kind"), [(t, k) for k, t in kinds.items()]))
        form.add_date("day", self.tr("Date"))
        form.add_time("start", self.tr("Starts"))
        form.add_time("end", self.tr("Ends"))
        self.end_day = QLabel()
        self.end_day.setObjectName("end_day")
        self.end_day.setStyleSheet("color: palette(mid);")
        self.end_day.hide()
        form.add_beside("end", self.end_day)
        zone = form.add_choice("time_zone", self.tr("Time zone"), [], editable=True)
        self._narrow(zone)
        completer = QCompleter(zone.model(), zone)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        zone.setCompleter(completer)
        form.add_line("place", self.tr("Place"))
        self._narrow(form.add_choice("project_id", self.tr("Project"), []))

        self.attendees = QListWidget()
        self.attendees.setObjectName("attendees")
        self.attendees.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attendees.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.attendees.setUniformItemSizes(True)
        self.attendees.itemChanged.connect(self._attendee_ticked)
        self.add_guest_button = QPushButton(self.tr("Add guest…"))
        self.add_guest_button.setObjectName("add_guest")
        self.add_guest_button.clicked.connect(lambda: self.add_guest())
        attendee_box = QWidget()
        attendee_layout = QVBoxLayout(attendee_box)
        attendee_layout.setContentsMargins(0, 0, 0, 0)
        attendee_layout.addWidget(self.attendees)
        guest_row = QHBoxLayout()
        guest_row.addWidget(self.add_guest_button)
        guest_row.addStretch()
        attendee_layout.addLayout(guest_row)
        form.add_row(self.tr("Attendees"), attendee_box)

        for name, label in (
            ("agenda", self.tr("Agenda")),
            ("discussion", self.tr("Discussion")),
            ("decisions", self.tr("Decisions")),
        ):
            form.add_text(name, label).setMinimumHeight(70)
        form.add_optional_date("next_meeting_on", self.tr("Next meeting"), self.tr("(not set)"))
        form.add_line(
            "next_meeting", self.tr("Next meeting note"), self.tr("Where, how, what about")
        )
        internal = form.add_text(
            "internal_notes",
            self.tr("Internal notes"),
            self.tr("For the team only: never sent to the client"),
        )
        internal.setMinimumHeight(70)
        internal_label = form.label_of("internal_notes")
        internal_label.setText(self.tr("Internal notes\n(never sent)"))
        internal_label.setStyleSheet(f"color: {AMBER.name()}; font-weight: bold;")
        internal_label.setToolTip(self.tr("Internal notes stay in Keyplan: never sent"))
        form.commit.connect(self._commit)

        # action items of the report
        statuses = action_status_labels()
        self.actions_model = ActionTableModel(
            [
                Column("description", self.tr("Action"), editor="text"),
                Column(
                    "owner",
                    self.tr("Owner"),
                    editor="owner",
                    choices=lambda _r: owner_choices(self._contacts, self._members),
                ),
                date_column("due_on", self.tr("Due")),
                choice_column("status", self.tr("Status"), statuses),
            ],
            self,
        )
        self.actions_model.on_edit = self._edit_action
        self.actions_table = action_table(
            "report_actions", self.actions_model, QAbstractItemView.SelectionMode.SingleSelection
        )
        header = self.actions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.add_action_button = QPushButton(self.tr("Add action"))
        self.add_action_button.setObjectName("add_action")
        self.add_action_button.clicked.connect(self.add_action)
        self.delete_action_button = QPushButton(self.tr("Delete action"))
        self.delete_action_button.setObjectName("delete_action")
        self.delete_action_button.clicked.connect(self.delete_action)
        actions_heading = section_title(self.tr("Action items"))
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(actions_heading)
        action_buttons.addStretch()
        action_buttons.addWidget(self.add_action_button)
        action_buttons.addWidget(self.delete_action_button)

        self.editor = QWidget()  # the form and the action items: what scrolls
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.addWidget(self.form)
        editor_layout.addLayout(action_buttons)
        editor_layout.addWidget(self.actions_table)
        editor_layout.addStretch()
        self.editor.setEnabled(False)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("report_scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.editor)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.scroll_area, 1)

        self.new_button = QPushButton(self.tr("New report"))
        self.new_button.setObjectName("new_report")
        self.new_button.clicked.connect(self.new_report)
        self.sent_button = QPushButton(self.tr("Mark as sent…"))
        self.sent_button.setObjectName("mark_sent")
        self.sent_button.clicked.connect(self.ask_sent_on)
        self.delete_button = QPushButton(self.tr("Delete report"))
        self.delete_button.setObjectName("delete_report")
        self.delete_button.clicked.connect(self.delete_current)
        # one button with a menu: the row must fit a narrow window
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("report_send")
        send_menu = QMenu(self.send_button)
        self.pdf_action = send_menu.addAction(self.tr("Export PDF…"))
        self.pdf_action.setToolTip(
            self.tr("The report as the client receives it (no internal notes)")
        )
        self.pdf_action.triggered.connect(lambda: self.export_pdf())
        self.email_action = send_menu.addAction(self.tr("Email to client…"))
        self.email_action.triggered.connect(lambda: self.email_to_client())
        self.send_button.setMenu(send_menu)
        self.count_label = QLabel()
        self.count_label.setObjectName("reports_count")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.sent_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch()
        buttons.addWidget(self.count_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("contact_reports_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

        # the 24-hour rule moves on while the tab is open
        self.ticker = QTimer(self)
        self.ticker.setInterval(60_000)
        self.ticker.timeout.connect(self.refresh_states)
        self.ticker.start()
        self._update_buttons()

    # -- layout ----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_orientation()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_orientation()

    def _fit_orientation(self) -> None:
        """Side by side when there is room; in a narrow window the list goes over the report."""
        wide = self.width() >= WIDE_ENOUGH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() == orientation:
            return
        self.splitter.setOrientation(orientation)
        if wide:
            half = self.splitter.width() // 2
            self.splitter.setSizes([half, self.splitter.width() - half])
        else:
            height = self.splitter.height()
            top = max(110, height // 4)
            self.splitter.setSizes([top, height - top])

    @staticmethod
    def _narrow(combo: QComboBox) -> None:
        """Long names (a project, America/Argentina/ComodRivadavia) must not widen the form."""
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # -- reading ---------------------------------------------------------------------------

    def _state_text(self, report: ReportSummary) -> str:
        if report.state == ReportState.SENT and report.sent_on is not None:
            return fill(self.tr("Sent %1"), date_text(report.sent_on))
        return report_state_labels().get(report.state, report.state)

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.current_id = None
            self.current = None
            self.form.reset()
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        """Read everything again: the list, the choices and the report shown."""
        if self.account_id is None:
            return
        services = self.session.services
        self._contacts = services.contacts.for_account(self.account_id)
        self._members = services.team.all()
        projects = services.projects.for_account(self.account_id)
        self.form.set_choices(
            "project_id", [(self.tr("(no project)"), None), *((p.name, p.id) for p in projects)]
        )
        self._set_zone_choices()
        self._loading = True
        try:
            reports = services.contact_reports.for_account(
                self.account_id, now=self.clock(), local_zone=local_zone()
            )
            self.model.set_records(reports)
            self._size_list_columns()
            row = self.model.row_of(self.current_id) if self.current_id else -1
            if row < 0 and reports:
                row = 0
            if row >= 0:
                self.list.selectRow(row)
        finally:
            self._loading = False
        self.count_label.setText(count_text(len(reports), "1 report", "%n reports"))
        if row >= 0:
            self._show(self.model.record(row).id)
        else:  # no report (left): an empty, disabled form, not the last one shown
            self._show_nothing()
        self._update_buttons()

    def refresh_states(self) -> None:
        """Due, due today, overdue: what the clock changes. Leaves the form as it is."""
        if self.account_id is None or not self.isVisible():
            return
        reports = self.session.services.contact_reports.for_account(
            self.account_id, now=self.clock(), local_zone=local_zone()
        )
        if {r.id for r in reports} == {r.id for r in self.model.records}:
            self.model.set_records(reports)
            current = next((r for r in reports if r.id == self.current_id), None)
            if current is not None:
                self._show_banner(current)

    def _size_list_columns(self) -> None:
        self.list.resizeColumnsToContents()
        title = self.model.column_of("title")
        self.list.setColumnWidth(title, min(self.list.columnWidth(title), 260))

    def _set_zone_choices(self) -> None:
        """The zones of the account's contacts and the user's zone first, then every zone."""
        common: list[str] = []
        for name in [*(c.time_zone for c in self._contacts), local_zone_name()]:
            try:
                name = clean_time_zone(name)
            except DomainError:
                continue
            if name not in common:
                common.append(name)
        zones = (*common, *(z for z in all_zone_names() if z not in common))
        if zones == self._zones:
            return
        self._zones = zones
        self.form.set_choices("time_zone", [(z, z) for z in zones])
        combo = self.form.fields["time_zone"].widget
        assert isinstance(combo, QComboBox)
        if common:
            combo.insertSeparator(len(common))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._loading:
            self._show(self.model.record(current.row()).id)
            self._update_buttons()

    def _show(self, report_id: int) -> None:
        if report_id != self.current_id:
            self.form.reset()
        report = self.session.services.contact_reports.get(
            report_id, now=self.clock(), local_zone=local_zone()
        )
        self.current_id = report.id
        self.current = report
        self.editor.setEnabled(True)
        start, end = report.local_start, report.local_end
        self.form.set_values(
            {
                "title": report.title,
                "kind": report.kind,
                "day": start.date(),
                "start": time(start.hour, start.minute),
                "end": time(end.hour, end.minute),
                "time_zone": report.time_zone,
                "place": report.place,
                "project_id": report.project_id,
                "agenda": report.agenda,
                "discussion": report.discussion,
                "decisions": report.decisions,
                "next_meeting_on": report.next_meeting_on,
                "next_meeting": report.next_meeting,
                "internal_notes": report.internal_notes,
            }
        )
        days = (end.date() - start.date()).days
        self.end_day.setText(
            ""
            if days == 0
            else self.tr("next day")
            if days == 1
            else fill(self.tr("+%1 days"), str(days))
        )
        self.end_day.setVisible(days != 0)
        self._show_attendees(report)
        self.actions_model.set_records(report.actions)
        self.actions_table.resizeColumnsToContents()
        header = self.actions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fit_height(self.actions_table, len(report.actions))
        self._show_banner(report)

    def _show_nothing(self) -> None:
        self.current_id = None
        self.current = None
        self.form.reset()
        self.editor.setEnabled(False)
        self.banner.hide()
        self.attendees.clear()
        self.actions_model.set_records([])
        self.end_day.clear()
        self.end_day.hide()

    def _show_banner(self, report: ReportSummary) -> None:
        now = self.clock()
        state = ReportState(report.state)
        if state == ReportState.OVERDUE:
            text = fill(
                self.tr("Overdue by %1: send it to the client"), self._span(now - report.due_at)
            )
        elif state in (ReportState.DUE, ReportState.DUE_TODAY):
            text = fill(
                self.tr("Due in %1 (24 hours after the meeting)"),
                self._span(report.due_at - now),
            )
        elif state == ReportState.UPCOMING:
            due = report.due_at.astimezone(local_zone())
            text = fill(
                self.tr("Upcoming: due 24 hours after the meeting, %1 your time"),
                f"{due:%Y-%m-%d %H:%M}",
            )
        else:
            text = fill(self.tr("Sent to the client on %1"), date_text(report.sent_on))
        background, colour, border = BANNER_STYLES[state]
        self.banner.setStyleSheet(
            f"QLabel {{ background: {background}; color: {colour}; border: 1px solid {border};"
            " border-radius: 4px; padding: 6px 8px; font-weight: bold; }"
        )
        self.banner.setText(text)
        self.banner.setProperty("state", state.value)
        self.banner.show()

    def _span(self, delta: timedelta) -> str:
        """5 min, 5 h, 1 day, 3 days: how long, roughly (rounded down)."""
        minutes = max(1, int(delta.total_seconds() // 60))
        context = "ContactReportsPanel"
        if minutes < 60:
            return count_text(minutes, "1 min", "%n min", context)
        if minutes < 24 * 60:
            return count_text(minutes // 60, "1 h", "%n h", context)
        return count_text(minutes // (24 * 60), "1 day", "%n days", context)

    def _update_buttons(self) -> None:
        has_report = self.current_id is not None
        self.sent_button.setEnabled(has_report)
        self.delete_button.setEnabled(has_report)
        self.send_button.setEnabled(has_report)
        self.new_button.setEnabled(self.account_id is not None)

    # -- sending ---------------------------------------------------------------------------

    def _writer(self, report_id: int) -> Callable[[Path, bool], Path]:
        services = self.session.services
        return lambda path, overwrite: export_contact_report_pdf(
            services, report_id, path, overwrite=overwrite
        )

    def export_pdf(self, path: Path | None = None) -> Path | None:
        """The current report as the client's PDF."""
        if self.current_id is None:
            return None
        name = contact_report_file_name(self.session.services, self.current_id)
        return sending.export_file(
            self, self.session, self._writer(self.current_id), name, self.tr("Export PDF"), path
        )

    def email_to_client(self, *, confirm: bool = True) -> Path | None:
        """The PDF in an e-mail draft to the report's client attendees (editable)."""
        if self.current_id is None or self.account_id is None:
            return None
        report = self.session.services.contact_reports.get(self.current_id)
        return sending.email_document(
            self,
            self.session,
            "contact_report",
            self.account_id,
            {"title": report.title, "date": report.local_start.date().isoformat()},
            self._writer(report.id),
            contact_report_file_name(self.session.services, report.id),
            chosen=[a.ref.contact_id for a in report.attendees if a.ref.contact_id is not None],
            confirm=confirm,
        )

    # -- attendees -------------------------------------------------------------------------

    def _show_attendees(self, report: ReportRecord) -> None:
        chosen = {a.ref for a in report.attendees}
        scroll = self.attendees.verticalScrollBar().value()
        self.attendees.blockSignals(True)
        self.attendees.clear()
        listed: set[AttendeeRef] = set()

        def heading(text: str) -> None:
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            self.attendees.addItem(item)

        def person(text: str, ref: AttendeeRef) -> None:
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setData(Qt.ItemDataRole.UserRole, ref)
            item.setCheckState(Qt.CheckState.Checked if ref in chosen else Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
            listed.add(ref)

        def label(name: str, title: str) -> str:
            return f"{name} · {title}" if title else name

        heading(self.tr("Client"))
        for contact in self._contacts:
            person(label(contact.name, contact.title), AttendeeRef(contact_id=contact.id))
        heading(self.tr("Our team"))
        for member in self._members:
            person(label(member.name, member.role), AttendeeRef(team_member_id=member.id))
        others = [a for a in report.attendees if a.ref not in listed]
        if others:
            heading(self.tr("Guests"))
            for attendee in others:
                person(label(attendee.name, attendee.title), attendee.ref)
        self.attendees.blockSignals(False)
        rows = self.attendees.count()
        row_height = max(self.attendees.sizeHintForRow(0), 18)
        self.attendees.setFixedHeight(
            min(rows, 12) * row_height + 2 * self.attendees.frameWidth() + 4
        )
        self.attendees.verticalScrollBar().setValue(scroll)

    def checked_attendees(self) -> list[AttendeeRef]:
        refs = []
        for row in range(self.attendees.count()):
            item = self.attendees.item(row)
            ref = item.data(Qt.ItemDataRole.UserRole)
            if ref is not None and item.checkState() == Qt.CheckState.Checked:
                refs.append(ref)
        return refs

    def _attendee_ticked(self, _item: QListWidgetItem) -> None:
        self._save_attendees(self.checked_attendees())

    def _save_attendees(self, attendees: Sequence[AttendeeRef]) -> None:
        if self.current_id is None:
            return
        reports = self.session.services.contact_reports
        self.session.run(
            SetAttendeesCommand(
                self.tr("Change attendees"),
                partial(reports.set_attendees, self.current_id),
                attendees,
            )
        )

    def add_guest(self, name: str | None = None) -> None:
        """Add a guest by name (asked for in a small dialog when not given)."""
        if self.current_id is None:
            return
        if name is None:
            dialog = QInputDialog(self)
            dialog.setWindowTitle(self.tr("Add guest"))
            dialog.setLabelText(self.tr("Name of the guest (someone not in the lists):"))
            dialog.textValueSelected.connect(self.add_guest)
            self.guest_dialog = dialog
            dialog.open()
            return
        name = name.strip()
        if not name:
            return
        self._save_attendees([*self.checked_attendees(), AttendeeRef(name=name)])

    # -- editing ---------------------------------------------------------------------------

    def _commit(self, name: str, value: Any) -> None:
        if self.current_id is None:
            return
        if name in MEETING_FIELDS:
            self._commit_meeting(name)
            return
        command = UpdateCommand(
            self.tr("Edit contact report"),
            KIND,
            partial(self.session.services.contact_reports.update, self.current_id),
            {name: value},
        )
        error = self.session.run(command, inline=True)
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def _commit_meeting(self, name: str) -> None:
        """Date, start, end or zone changed: the meeting's start and end, in one undo step."""
        assert self.current_id is not None
        read = {field: self.form.fields[field].read() for field in MEETING_FIELDS}
        zone = str(read["time_zone"]).strip()
        try:
            starts, ends = meeting_times(read["day"], read["start"], read["end"], zone)
        except DomainError as exc:
            self.form.show_error(name, str(exc))
            return
        if self.current is not None:  # a workshop over several days keeps its days
            days = (self.current.local_end.date() - self.current.local_start.date()).days
            extra = days - (ends.date() - starts.date()).days
            if days > 1 and extra > 0:
                ends += timedelta(days=extra)
        command = UpdateCommand(
            self.tr("Change meeting time"),
            KIND,
            partial(self.session.services.contact_reports.update, self.current_id),
            {"starts_at": starts, "ends_at": ends, "time_zone": zone},
        )
        error = self.session.run(command, inline=True)
        if error:
            self.form.show_error(name, error)
        else:
            for field in MEETING_FIELDS:
                self.form.clear_error(field)

    def default_zone(self) -> str:
        """Where a new meeting takes place: the client's zone, else the user's own."""
        for contact in self._contacts:
            try:
                return clean_time_zone(contact.time_zone)
            except DomainError:
                continue
        return local_zone_name()

    def new_report(self) -> int | None:
        """A meeting today at the next full hour, for an hour; the title ready for typing."""
        if self.account_id is None:
            return None
        account_id = self.account_id
        zone = self.default_zone()
        now = self.clock().astimezone(ZoneInfo(zone))
        start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        starts, ends = meeting_times(
            start.date(), start.time(), (start + timedelta(hours=1)).time(), zone
        )
        draft = ReportDraft(
            title=self.tr("New contact report"), starts_at=starts, ends_at=ends, time_zone=zone
        )
        reports = self.session.services.contact_reports
        command = CreateCommand(
            self.tr("New contact report"),
            KIND,
            lambda forced_id: reports.create(account_id, draft, report_id=forced_id),
            reports.purge,
        )
        if self.session.run(command) is not None or command.entity_id is None:
            return None
        self.current_id = command.entity_id
        self.reload()
        title = self.form.fields["title"].widget
        self.scroll_area.ensureWidgetVisible(title)
        title.setFocus()
        title.selectAll()  # type: ignore[attr-defined]
        return command.entity_id

    def ask_sent_on(self) -> None:
        """Ask the day the report was sent (today unless changed), then record it."""
        if self.current is None:
            return
        dialog = MarkSentDialog(
            self,
            title=self.current.title,
            meeting_day=self.current.local_start.date(),
            sent_on=self.current.sent_on,
        )
        report_id = self.current.id
        dialog.accepted.connect(lambda: self.mark_sent(report_id, dialog.sent_on))
        dialog.finished.connect(dialog.deleteLater)
        self.sent_dialog = dialog
        dialog.open()

    def mark_sent(self, report_id: int, sent_on: date | None) -> str | None:
        """Record the day sent (None: not sent after all); undoable."""
        command = UpdateCommand(
            self.tr("Mark contact report as sent")
            if sent_on
            else self.tr("Mark contact report as not sent"),
            KIND,
            partial(self.session.services.contact_reports.update, report_id),
            {"sent_on": sent_on},
        )
        return self.session.run(command)

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        reports = self.session.services.contact_reports
        self.session.run(
            DeleteCommand(
                self.tr("Delete contact report"),
                KIND,
                partial(reports.delete, self.current_id),
                reports.restore,
            )
        )

    # -- action items ----------------------------------------------------------------------

    def _edit_action(self, action: ActionRecord, key: str, value: Any) -> str | None:
        changes = owner_changes(value) if key == "owner" else {key: value}
        command = UpdateCommand(
            self.tr("Edit action item"),
            KIND,
            action_update(self.session.services.contact_reports, action.id),
            changes,
        )
        return self.session.run(command, inline=True)

    def add_action(self) -> int | None:
        """A new action item; its description is open for typing."""
        if self.current_id is None:
            return None
        report_id = self.current_id
        reports = self.session.services.contact_reports
        draft = ActionDraft(description=self.tr("New action"))
        command = CreateCommand(
            self.tr("Add action item"),
            KIND,
            lambda forced_id: reports.add_action(report_id, draft, action_id=forced_id),
            reports.purge_action,
        )
        if self.session.run(command) is not None or command.entity_id is None:
            return None
        self.edit_action_cell(command.entity_id, "description")
        return command.entity_id

    def edit_action_cell(self, action_id: int, key: str) -> None:
        index = self.actions_model.index(
            self.actions_model.row_of(action_id), self.actions_model.column_of(key)
        )
        self.scroll_area.ensureWidgetVisible(self.actions_table)
        self.actions_table.setCurrentIndex(index)
        self.actions_table.setFocus()
        self.actions_table.edit(index)

    def selected_action(self) -> ActionRecord | None:
        index = self.actions_table.currentIndex()
        return self.actions_model.record(index.row()) if index.isValid() else None

    def delete_action(self) -> None:
        action = self.selected_action()
        if action is None:
            return
        reports = self.session.services.contact_reports
        self.session.run(
            DeleteCommand(
                self.tr("Delete action item"),
                KIND,
                partial(reports.delete_action, action.id),
                reports.restore_action,
            )
        )
