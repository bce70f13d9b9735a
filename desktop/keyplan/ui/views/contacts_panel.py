"""Contacts tab: an editable table and the reports-to tree (the relationship map)."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from keyplan.services.records import ContactDraft, ContactRecord
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.labels import buying_role_labels, count_text
from keyplan.ui.models.record_table_model import (
    RECORD_ID_ROLE,
    SORT_ROLE,
    Column,
    RecordTableModel,
    choice_column,
)
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.record_delegate import RecordDelegate


class ContactsPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self._names: dict[int, str] = {}  # contact id -> name, for the Reports to column
        roles = buying_role_labels()
        self.model = RecordTableModel(
            [
                Column("name", self.tr("Name"), editor="text"),
                Column("title", self.tr("Title"), editor="text"),
                choice_column("buying_role", self.tr("Buying role"), roles),
                Column("influence", self.tr("Influence"), editor="rating"),
                Column("relationship_strength", self.tr("Relationship"), editor="rating"),
                Column(
                    "reports_to_id",
                    self.tr("Reports to"),
                    editor="choice",
                    display=self._manager_name,
                    choices=self._manager_choices,
                ),
                Column("email", self.tr("E-mail"), editor="text"),
                Column("phone", self.tr("Phone"), editor="text"),
                Column("location", self.tr("Location"), editor="text"),
                Column("time_zone", self.tr("Time zone"), editor="text"),
            ],
            self,
        )
        self.model.on_edit = self._edit
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("contacts_table")
        self.table.setModel(proxy)
        self.table.setItemDelegate(RecordDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        # widths from the first rows only: measuring thousands of rows froze start-up
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.table.verticalHeader().hide()

        self.tree_model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("reports_to_tree")
        self.tree.setModel(self.tree_model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.clicked.connect(self._select_from_tree)

        add = QPushButton(self.tr("Add contact"))
        add.setObjectName("add_contact")
        add.clicked.connect(self.add_contact)
        delete = QPushButton(self.tr("Delete contact"))
        delete.setObjectName("delete_contact")
        delete.clicked.connect(self.delete_selected)
        self.count_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        buttons.addStretch()
        buttons.addWidget(self.count_label)

        tree_box = QWidget()
        tree_layout = QVBoxLayout(tree_box)
        tree_layout.setContentsMargins(0, 0, 0, 0)
        tree_layout.addWidget(QLabel(self.tr("Reports-to map")))
        tree_layout.addWidget(self.tree)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("contacts_splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(tree_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

    # -- data --------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        contacts = self.session.services.contacts.for_account(self.account_id)
        self._names = {c.id: c.name for c in contacts}
        self.model.set_records(contacts)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):  # long titles must not eat the screen
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 240))
        self.count_label.setText(count_text(len(contacts), "1 contact", "%n contacts"))
        self._build_tree(contacts)

    def _build_tree(self, contacts: list[ContactRecord]) -> None:
        self.tree_model.clear()
        self.tree_model.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Title")])
        items: dict[int, list[QStandardItem]] = {}
        for contact in contacts:
            name = QStandardItem(contact.name)
            name.setData(contact.id, RECORD_ID_ROLE)
            items[contact.id] = [name, QStandardItem(contact.title)]
        for contact in contacts:
            parent = items.get(contact.reports_to_id or -1)
            if parent is not None:
                parent[0].appendRow(items[contact.id])
            else:
                self.tree_model.appendRow(items[contact.id])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def _manager_name(self, record: ContactRecord) -> str:
        return self._names.get(record.reports_to_id or -1, "")

    def _manager_choices(self, record: ContactRecord) -> list[tuple[str, Any]]:
        others = [(c.name, c.id) for c in self.model.records if c.id != record.id]
        return [(self.tr("(nobody)"), None), *others]

    # -- editing -----------------------------------------------------------------------

    def _edit(self, record: ContactRecord, key: str, value: Any) -> str | None:
        command = UpdateCommand(
            self.tr("Edit contact %1").replace("%1", record.name),
            "contact",
            partial(self.session.services.contacts.update, record.id),
            {key: value},
        )
        return self.session.run(command, inline=True)

    def add_contact(self) -> None:
        if self.account_id is None:
            return
        account_id = self.account_id
        contacts = self.session.services.contacts
        command = CreateCommand(
            self.tr("Add contact"),
            "contact",
            lambda forced_id: contacts.create(
                account_id, ContactDraft(name=self.tr("New contact")), contact_id=forced_id
            ),
            contacts.purge,
        )
        if self.session.run(command) is None and command.entity_id is not None:
            self.edit_cell(command.entity_id, "name")

    def edit_cell(self, contact_id: int, key: str) -> None:
        """Put the cursor on a contact's cell and open its editor."""
        source = self.model.index(self.model.row_of(contact_id), self.model.column_of(key))
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        index = proxy.mapFromSource(source)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def selected_contact(self) -> ContactRecord | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row_of(index.data(RECORD_ID_ROLE))
        return self.model.record(row) if row >= 0 else None

    def delete_selected(self) -> None:
        contact = self.selected_contact()
        if contact is None:
            return
        contacts = self.session.services.contacts
        self.session.run(
            DeleteCommand(
                self.tr("Delete contact %1").replace("%1", contact.name),
                "contact",
                partial(contacts.delete, contact.id),
                contacts.restore,
            )
        )

    def _select_from_tree(self, index: Any) -> None:
        contact_id = index.siblingAtColumn(0).data(RECORD_ID_ROLE)
        if contact_id is None:
            return
        row = self.model.row_of(contact_id)
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        self.table.selectRow(proxy.mapFromSource(self.model.index(row, 0)).row())
