"""Deleted items: every soft delete, newest first, with Restore."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.services.records import DeletedItem
from keyplan.ui.commands import RestoreCommand
from keyplan.ui.labels import count_text
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.headings import page_title

# what a restored item's views listen for (the team pages listen for "team")
CHANGE_KIND = {"team_member": "team"}


class DeletedView(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        kinds = {
            "account": self.tr("Account"),
            "contact": self.tr("Contact"),
            "note": self.tr("Note"),
            "team_member": self.tr("Team member"),
            "rate_card": self.tr("Rate card"),
            "estimate": self.tr("Estimate"),
            "project": self.tr("Project"),
            "actual": self.tr("Actual cost"),
            "contact_report": self.tr("Contact report"),
            "opportunity": self.tr("Opportunity"),
            "account_plan": self.tr("Account plan"),
            "plan_template": self.tr("Plan template"),
            "jbp": self.tr("Joint business plan"),
            "exchange_rate": self.tr("Exchange rate"),
        }
        self.model = RecordTableModel(
            [
                Column("kind", self.tr("What"), display=lambda i: kinds.get(i.kind, i.kind)),
                Column("name", self.tr("Name")),
                Column("account_name", self.tr("Account")),
                Column(
                    "deleted_at",
                    self.tr("Deleted"),
                    display=lambda i: i.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                ),
                Column(
                    "item_count",
                    self.tr("Includes"),
                    display=lambda i: (
                        count_text(i.item_count, "1 account", "%n accounts")
                        if i.kind == "account"
                        else ""
                    ),
                ),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("deleted_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        restore = QPushButton(self.tr("Restore"))
        restore.setObjectName("restore")
        restore.clicked.connect(self.restore_selected)
        title = page_title(self.tr("Deleted items"))
        hint = QLabel(self.tr("Restoring an account brings back everything that was under it."))
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(restore)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        session.changed.connect(lambda _kind: self.reload())
        self.reload()

    def reload(self) -> None:
        items = self.session.services.deleted_items()
        # a deletion id is unique per delete: use a stable row id for the model
        self.model.set_records([_Row(i, n) for n, i in enumerate(items)])
        self.table.resizeColumnsToContents()

    def restore_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        item: DeletedItem = self.model.record(index.row()).item
        service = self.session.services.service_for(item.kind)
        self.session.run(
            RestoreCommand(
                self.tr("Restore %1").replace("%1", item.name),
                CHANGE_KIND.get(item.kind, item.kind),
                item.deletion_id,
                service.restore,
                partial(service.delete, item.entity_id),
            )
        )


class _Row:
    """Adapts a DeletedItem to the table model (which keys rows by ``id``)."""

    def __init__(self, item: DeletedItem, row_id: int) -> None:
        self.item = item
        self.id = row_id

    def __getattr__(self, name: str) -> object:
        return getattr(self.item, name)
