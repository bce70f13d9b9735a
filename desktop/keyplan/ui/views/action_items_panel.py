"""Action items tab: what was agreed in every contact report of the account, and by whom.

Open items first by due date; ticking an item (or "Mark done") records it done today. Due date
and status are edited in place; everything else belongs to the report it came from.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.contact_reports import ActionStatus
from keyplan.services.contact_reports import ActionRecord
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.formatting import date_text
from keyplan.ui.labels import action_status_labels, count_text
from keyplan.ui.models.record_table_model import Column, choice_column, date_column
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.contact_reports_panel import (
    KIND,
    ActionTableModel,
    action_table,
    action_update,
)


class ActionItemsPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        statuses = action_status_labels()
        self.model = ActionTableModel(
            [
                Column(
                    "done_on",
                    self.tr("Done"),
                    editor="check",
                    display=lambda a: date_text(a.done_on),
                ),
                Column("description", self.tr("Action")),
                Column("owner", self.tr("Owner")),
                date_column("due_on", self.tr("Due")),
                choice_column("status", self.tr("Status"), statuses),
                Column(
                    "report_title",
                    self.tr("From report"),
                    display=lambda a: f"{date_text(a.report_date)}  {a.report_title}".strip(),
                ),
            ],
            self,
        )
        self.model.on_edit = self._edit
        self.table = action_table(
            "action_items_table", self.model, QAbstractItemView.SelectionMode.ExtendedSelection
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(100)

        self.show_done = QCheckBox(self.tr("Show done"))
        self.show_done.setObjectName("show_done")
        self.show_done.setToolTip(self.tr("Show items done or dropped as well as the open ones"))
        self.show_done.toggled.connect(lambda _on: self.reload())
        self.done_button = QPushButton(self.tr("Mark done"))
        self.done_button.setObjectName("mark_done")
        self.done_button.setToolTip(self.tr("Mark the selected items done today"))
        self.done_button.clicked.connect(self.mark_selected_done)
        self.count_label = QLabel()
        self.count_label.setObjectName("action_items_count")
        top = QHBoxLayout()
        top.addWidget(self.done_button)
        top.addWidget(self.show_done)
        top.addStretch()
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def show_account(self, account_id: int) -> None:
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        services = self.session.services
        actions = services.contact_reports.actions_for_account(
            self.account_id, open_only=not self.show_done.isChecked()
        )
        current = self.selected_actions()
        self.model.set_records(actions)
        self.table.resizeColumnsToContents()
        for column, widest in ((1, 320), (2, 180), (5, 320)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self._select([a.id for a in current])
        open_count = sum(1 for a in actions if a.is_open)
        self.count_label.setText(count_text(open_count, "1 open item", "%n open items"))

    def _select(self, action_ids: list[int]) -> None:
        selection = self.table.selectionModel()
        for action_id in action_ids:
            row = self.model.row_of(action_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    def selected_actions(self) -> list[ActionRecord]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.record(row) for row in rows if row < self.model.rowCount()]

    def _edit(self, action: ActionRecord, key: str, value: Any) -> str | None:
        command = UpdateCommand(
            self.tr("Edit action item"),
            KIND,
            action_update(self.session.services.contact_reports, action.id),
            {key: value},
        )
        return self.session.run(command, inline=True)

    def mark_selected_done(self) -> None:
        """Tick off the selected open items: done today, one undo step."""
        todo = [a for a in self.selected_actions() if a.is_open]
        if not todo:
            return
        stack = self.session.undo_stack
        if len(todo) > 1:
            stack.beginMacro(
                count_text(len(todo), "Mark 1 action item done", "Mark %n action items done")
            )
        try:
            for action in todo:
                self._edit(action, "status", ActionStatus.DONE.value)
        finally:
            if len(todo) > 1:
                stack.endMacro()
