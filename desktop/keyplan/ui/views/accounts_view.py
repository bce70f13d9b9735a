"""Accounts page: the whole portfolio in one sortable, filterable table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.accounts import countries
from keyplan.ui.labels import count_text, health_labels, kind_labels, status_labels
from keyplan.ui.models.record_table_model import (
    RECORD_ID_ROLE,
    SORT_ROLE,
    Column,
    RecordTableModel,
)
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.rag_badge import rag_icon


class AccountsView(QWidget):
    open_account = Signal(int)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        health, kinds, statuses = health_labels(), kind_labels(), status_labels()
        self.parent_names: dict[int, str] = {}
        self.model = RecordTableModel(
            [
                Column("name", self.tr("Account"), icon=lambda r: rag_icon(r.health)),
                Column(
                    "parent_id",
                    self.tr("Part of"),
                    display=lambda r: self.parent_names.get(r.parent_id or -1, ""),
                ),
                Column("kind", self.tr("Kind"), display=lambda r: kinds.get(r.kind, r.kind)),
                Column("tier", self.tr("Tier")),
                Column(
                    "market",
                    self.tr("Market"),
                    display=lambda r: countries().get(r.market, r.market),
                ),
                Column("currency", self.tr("Currency")),
                Column("owner_name", self.tr("Owner")),
                Column(
                    "status", self.tr("Status"), display=lambda r: statuses.get(r.status, r.status)
                ),
                Column(
                    "health", self.tr("Health"), display=lambda r: health.get(r.health, r.health)
                ),
                Column("health_reason", self.tr("Why")),
            ],
            self,
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setObjectName("accounts_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        # widths from the first rows only: measuring thousands of rows froze start-up
        self.table.horizontalHeader().setResizeContentsPrecision(100)
        self.table.activated.connect(self._open)  # double-click or Enter, once

        self.filter = QLineEdit()
        self.filter.setObjectName("accounts_filter")
        self.filter.setPlaceholderText(self.tr("Filter accounts…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        title = QLabel(self.tr("Accounts"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(self.count)
        top.addWidget(self.filter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        session.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        accounts = self.session.services.accounts.all()
        self.parent_names = {a.id: a.name for a in accounts}
        self.model.set_records(accounts)
        self.count.setText(count_text(len(accounts), "1 account", "%n accounts"))
        self.table.resizeColumnsToContents()

    def _changed(self, kind: str) -> None:
        if kind in ("account", "team", "workspace"):
            self.reload()

    def _open(self, index: QModelIndex) -> None:
        self.open_account.emit(index.data(RECORD_ID_ROLE))
