"""Team page: the agency people who own accounts and actions."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.services.records import TeamMemberRecord
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.record_delegate import RecordDelegate


class TeamView(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = RecordTableModel(
            [
                Column("name", self.tr("Name"), editor="text"),
                Column("role", self.tr("Role"), editor="text"),
                Column("email", self.tr("E-mail"), editor="text"),
            ],
            self,
        )
        self.model.on_edit = self._edit
        self.table = QTableView()
        self.table.setObjectName("team_table")
        self.table.setModel(self.model)
        self.table.setItemDelegate(RecordDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        add = QPushButton(self.tr("Add team member"))
        add.setObjectName("add_member")
        add.clicked.connect(self.add_member)
        delete = QPushButton(self.tr("Remove team member"))
        delete.setObjectName("delete_member")
        delete.clicked.connect(self.delete_selected)
        title = page_title(self.tr("Team"))
        buttons = QHBoxLayout()
        buttons.addWidget(title)
        buttons.addStretch()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        session.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        self.model.set_records(self.session.services.team.all())
        self.table.resizeColumnsToContents()

    def _changed(self, kind: str) -> None:
        if kind in ("team", "workspace"):
            self.reload()

    def _edit(self, record: TeamMemberRecord, key: str, value: Any) -> str | None:
        return self.session.run(
            UpdateCommand(
                self.tr("Edit team member %1").replace("%1", record.name),
                "team",
                partial(self.session.services.team.update, record.id),
                {key: value},
            ),
            inline=True,
        )

    def add_member(self) -> None:
        team = self.session.services.team
        command = CreateCommand(
            self.tr("Add team member"),
            "team",
            lambda forced_id: team.create(self.tr("New team member"), member_id=forced_id),
            team.purge,
        )
        if self.session.run(command) is None and command.entity_id is not None:
            index = self.model.index(self.model.row_of(command.entity_id), 0)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def delete_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        member = self.model.record(index.row())
        team = self.session.services.team
        self.session.run(
            DeleteCommand(
                self.tr("Remove team member %1").replace("%1", member.name),
                "team",
                partial(team.delete, member.id),
                team.restore,
            )
        )
