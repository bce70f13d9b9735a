"""Accounts page: the whole portfolio in one sortable, filterable table."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
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
from keyplan.ui.views.contact_reports_panel import local_zone
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.rag_badge import REPORT_STATE_COLOURS, dot_icon, rag_icon


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
        title = page_title(self.tr("Accounts"))
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(self.count)
        top.addWidget(self.filter)

        # the 24-hour rule: reports owed to clients, overdue first
        states = {
            "overdue": self.tr("Overdue"),
            "due_today": self.tr("Due today"),
            "due": self.tr("Due"),
        }
        self.owed_model = RecordTableModel(
            [
                Column("account_name", self.tr("Account")),
                Column("title", self.tr("Contact report")),
                Column(
                    "starts_at",
                    self.tr("Meeting"),
                    display=lambda r: r.local_start.strftime("%Y-%m-%d %H:%M"),
                ),
                Column(
                    "due_at",
                    self.tr("Due"),
                    display=lambda r: r.due_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                ),
                Column(
                    "state",
                    self.tr("State"),
                    display=lambda r: states.get(r.state, r.state),
                    icon=lambda r: dot_icon(REPORT_STATE_COLOURS.get(r.state, "#9E9E9E")),
                ),
            ],
            self,
        )
        self.owed_table = QTableView()
        self.owed_table.setObjectName("owed_reports")
        self.owed_table.setModel(self.owed_model)
        self.owed_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.owed_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.owed_table.verticalHeader().hide()
        self.owed_table.horizontalHeader().setStretchLastSection(True)
        self.owed_table.activated.connect(
            lambda index: self.open_account.emit(self.owed_model.record(index.row()).account_id)
        )
        self.owed_box = QGroupBox()
        self.owed_box.setObjectName("owed_box")
        owed_layout = QVBoxLayout(self.owed_box)
        owed_layout.addWidget(self.owed_table)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.owed_box, 1)
        session.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        accounts = self.session.services.accounts.all()
        self.parent_names = {a.id: a.name for a in accounts}
        self.model.set_records(accounts)
        self.count.setText(count_text(len(accounts), "1 account", "%n accounts"))
        self.table.resizeColumnsToContents()
        self.reload_owed()

    def reload_owed(self, now: datetime | None = None) -> None:
        """The contact reports owed to clients (meeting over, not sent), oldest due first."""
        owed = self.session.services.contact_reports.owed(now=now, local_zone=local_zone())
        self.owed_model.set_records(owed)
        self.owed_box.setTitle(
            count_text(
                len(owed),
                "1 contact report owed to a client (24 hours after the meeting)",
                "%n contact reports owed to clients (24 hours after the meeting)",
            )
        )
        self.owed_box.setVisible(bool(owed))
        self.owed_table.resizeColumnsToContents()

    def _changed(self, kind: str) -> None:
        if kind in ("account", "team", "workspace"):
            self.reload()
        elif kind == "contact_report":
            self.reload_owed()

    def _open(self, index: QModelIndex) -> None:
        self.open_account.emit(index.data(RECORD_ID_ROLE))
