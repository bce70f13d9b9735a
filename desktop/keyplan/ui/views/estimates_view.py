"""Estimates: the latest revision of every estimate, across the portfolio or for one account.

``EstimatesView(session)`` is the portfolio page "Estimates"; with ``account_id``
it is the compact tab of one account (no title, no account filter or column).
Status, account, currency and issue dates filter through ``EstimateFilter`` in
the service; the text box filters the rows shown (number, title, account,
project). Under the table: how many estimates are shown and the sum of their
totals per currency, never added across currencies.

Money is shown with each estimate's currency decimals and sorts as a number;
a sent estimate past its validity date shows the date in red ("Expired"); the
internal margin % is red under the agency's margin floor. "New estimate…" and
"Archive" are undoable commands run through the session (kind ``"estimate"``);
opening an estimate is left to whoever listens to ``open_estimate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain import estimates as calc
from keyplan.services import exporting
from keyplan.services.estimate_records import EstimateFilter, EstimateSummary
from keyplan.services.estimates import EstimateRef, EstimateService
from keyplan.ui.commands import DeleteCommand
from keyplan.ui.dialogs.new_estimate_dialog import NewEstimateDialog
from keyplan.ui.formatting import date_text, money_text, percent_text
from keyplan.ui.labels import count_text, estimate_status_labels
from keyplan.ui.models.record_table_model import SORT_ROLE, Column, RecordTableModel, ValueSortProxy
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.widgets.date_filter import date_filter
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.rag_badge import RAG_COLOURS, status_icon

KIND = "estimate"
# what the list shows comes from estimates, accounts (names), projects (names), the
# agency profile (margin floor) and the workspace itself
RELOAD_KINDS = frozenset({"estimate", "account", "project", "agency", "workspace"})
STATUSES = ("draft", "sent", "approved", "rejected", "superseded")
MONEY_KEYS = ("subtotal", "tax", "total", "contracted_total")
NUMBER_KEYS = frozenset({*MONEY_KEYS, "margin_percent"})
ALERT_BRUSH = QBrush(QColor(RAG_COLOURS["red"]))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
TOTALS_SEPARATOR = " · "
WIDE_KEYS = ("title", "account_name", "project_name")
WIDE_MAX = 320  # pixels, before the user widens a column

Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("EstimatesView", text)


# the status filter's entries: key -> statuses asked of the service (empty: all)
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "": frozenset(),
    "open": frozenset({"draft", "sent"}),
    **{s: frozenset({s}) for s in STATUSES},
}


def status_filter_choices() -> list[tuple[str, str]]:
    """The status filter's entries: (label, key of ``STATUS_GROUPS``).

    "Superseded" is not offered: the list shows latest revisions, and a latest
    revision is never superseded.
    """
    labels = estimate_status_labels()
    return [
        (_t("All statuses"), ""),
        (_t("Open (draft or sent)"), "open"),
        *((labels[s], s) for s in STATUSES if s != "superseded"),
    ]


def _compact(combo: QComboBox, characters: int) -> None:
    """Size a filter combo by a number of characters, not by its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


def _chosen_day(check: QCheckBox, edit: QDateEdit) -> date | None:
    """The date of a date filter, or None while its box is not ticked."""
    if not check.isChecked():
        return None
    day = edit.date().toPython()
    assert isinstance(day, date)
    return day


def currency_totals_text(rows: Sequence[EstimateRow]) -> str:
    """'JPY 1,200,000 · USD 12,345.00': the totals of ``rows`` per currency, by code.

    A no-break space joins each code to its amount, so a wrapped line breaks
    only between currencies.
    """
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row.currency] = sums.get(row.currency, Decimal(0)) + row.total
    return TOTALS_SEPARATOR.join(
        f"{code}\u00a0{money_text(sums[code], code)}" for code in sorted(sums)
    )


@dataclass(frozen=True)
class EstimateRow:
    """One estimate (its latest revision) as the table shows it; ``id`` is the estimate id."""

    id: int
    revision_id: int
    number: str
    revision: int
    title: str
    account_id: int
    account_name: str
    project_name: str
    status: str
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    contracted_total: Decimal | None  # only when the estimate is approved
    issued_on: date
    valid_until: date | None
    margin_percent: Decimal | None  # internal
    expired: bool  # sent, and its validity date has passed
    below_floor: bool  # margin % under the agency's margin floor
    summary: EstimateSummary

    @classmethod
    def of(cls, summary: EstimateSummary, floor_percent: Decimal, today: date) -> EstimateRow:
        totals = summary.totals
        approved = summary.status == "approved"
        return cls(
            id=summary.estimate_id,
            revision_id=summary.revision_id,
            number=summary.number,
            revision=summary.revision,
            title=summary.title,
            account_id=summary.account_id,
            account_name=summary.account_name,
            project_name=summary.project_name,
            status=summary.status,
            currency=summary.currency,
            subtotal=totals.subtotal,
            tax=totals.tax,
            total=totals.total,
            contracted_total=summary.contracted_total if approved else None,
            issued_on=summary.issued_on,
            valid_until=summary.valid_until,
            margin_percent=totals.internal.margin_percent,
            expired=(
                summary.status == "sent"
                and summary.valid_until is not None
                and summary.valid_until < today
            ),
            below_floor=calc.is_below_floor(totals, floor_percent),
            summary=summary,
        )


class CreateEstimateCommand(ServiceCommand):
    """Create an estimate; undo removes it for good, redo re-creates it with the same id and
    number. ``values`` are the keyword arguments of ``EstimateService.create``."""

    kind = KIND

    def __init__(self, text: str, estimates: EstimateService, values: Mapping[str, Any]) -> None:
        super().__init__(text)
        self._estimates = estimates
        self._values = {k: v for k, v in values.items() if k not in ("estimate_id", "number")}
        self._values.setdefault("issued_on", date.today())  # a redo tomorrow keeps the date
        self.ref: EstimateRef | None = None

    def apply(self) -> None:
        if self.ref is None:
            self.ref = self._estimates.create(**self._values)
        else:
            self.ref = self._estimates.create(
                **self._values,
                estimate_id=self.ref.estimate_id,
                number=self.ref.number,
                number_seq=self.ref.number_seq,
            )

    def revert(self) -> None:
        assert self.ref is not None
        self._estimates.purge(self.ref.estimate_id)


class EstimateTableModel(RecordTableModel):
    """Money right-aligned; an expired validity date and a margin under the floor in red."""

    floor_percent = Decimal(0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid():
            row: EstimateRow = self.records[index.row()]
            key = self.columns[index.column()].key
            if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMBER_KEYS:
                return RIGHT
            alert = (key == "valid_until" and row.expired) or (
                key == "margin_percent" and row.below_floor
            )
            if role == Qt.ItemDataRole.ForegroundRole:
                return ALERT_BRUSH if alert else None
            if role == Qt.ItemDataRole.ToolTipRole:
                if alert and key == "valid_until":
                    return _t("Expired")
                if alert:
                    return _t("Below the agency's margin floor of %1").replace(
                        "%1", percent_text(self.floor_percent)
                    )
                if key in WIDE_KEYS:  # the whole text of a column that may be cut short
                    return getattr(row, key) or None
            if role == SORT_ROLE and key == "status":
                return STATUSES.index(row.status) if row.status in STATUSES else len(STATUSES)
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            key = self.columns[section].key
            if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMBER_KEYS:
                return RIGHT
            if role == Qt.ItemDataRole.ToolTipRole and key == "margin_percent":
                return _t("Internal: never shown to the client")
        return super().headerData(section, orientation, role)


class EstimateProxyModel(ValueSortProxy):
    """Sorts on the Python values of ``SORT_ROLE`` and filters on the words people look for.

    The text filter (``setFilterFixedString``) looks in number, title, account and project
    only, so typing "200" finds KP-2026-0200, not every amount with a 200 in it.
    """

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        pattern = self.filterRegularExpression()
        if not pattern.pattern():
            return True
        model = self.sourceModel()
        assert isinstance(model, RecordTableModel)
        row: EstimateRow = model.record(source_row)
        text = "\n".join((row.number, row.title, row.account_name, row.project_name))
        return pattern.match(text).hasMatch()


class EstimatesView(QWidget):
    open_estimate = Signal(int)  # the revision id to open

    def __init__(
        self,
        session: WorkspaceSession,
        parent: QWidget | None = None,
        *,
        account_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account_id
        self.portfolio = account_id is None
        self._stale = False
        labels = estimate_status_labels()

        columns = [
            Column("number", self.tr("Number")),
            Column(
                "revision",
                self.tr("Rev."),
                display=lambda r: self.tr("R%1").replace("%1", str(r.revision)),
            ),
            Column("title", self.tr("Title")),
            Column("account_name", self.tr("Account")),
            Column("project_name", self.tr("Project")),
            Column(
                "status",
                self.tr("Status"),
                display=lambda r: labels.get(r.status, r.status),
                icon=lambda r: status_icon(r.status),
            ),
            Column("currency", self.tr("Currency")),
            Column(
                "subtotal",
                self.tr("Subtotal"),
                display=lambda r: money_text(r.subtotal, r.currency),
            ),
            Column("tax", self.tr("Tax"), display=lambda r: money_text(r.tax, r.currency)),
            Column("total", self.tr("Total"), display=lambda r: money_text(r.total, r.currency)),
            Column(
                "contracted_total",
                self.tr("Contracted"),
                display=lambda r: (
                    "" if r.contracted_total is None else money_text(r.contracted_total, r.currency)
                ),
            ),
            Column("issued_on", self.tr("Issued"), display=lambda r: date_text(r.issued_on)),
            Column(
                "valid_until", self.tr("Valid until"), display=lambda r: date_text(r.valid_until)
            ),
            Column(
                "margin_percent",
                self.tr("Margin %"),
                display=lambda r: (
                    "" if r.margin_percent is None else percent_text(r.margin_percent)
                ),
            ),
        ]
        if not self.portfolio:
            columns = [c for c in columns if c.key != "account_name"]
        self._keys = {c.key for c in columns}
        self.model = EstimateTableModel(columns, self)
        self.proxy = EstimateProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("estimates_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(self.model.column_of("issued_on"), Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        # Enter, and a double-click (or the platform's single-click activation)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

        # -- filters ------------------------------------------------------------------
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("estimate_status_filter")
        for label, key in status_filter_choices():
            if key in STATUSES:
                self.status_filter.addItem(status_icon(key), label, key)
            else:
                self.status_filter.addItem(label, key)
        self.status_filter.currentIndexChanged.connect(self.refilter)
        _compact(self.status_filter, 11)
        self.account_filter: QComboBox | None = None
        if self.portfolio:
            self.account_filter = QComboBox()
            self.account_filter.setObjectName("estimate_account_filter")
            self.account_filter.currentIndexChanged.connect(self.refilter)
            _compact(self.account_filter, 14)
        self.currency_filter = QComboBox()
        self.currency_filter.setObjectName("estimate_currency_filter")
        self.currency_filter.currentIndexChanged.connect(self.refilter)
        _compact(self.currency_filter, 8)
        today = QDate.currentDate()
        self.from_check, self.from_date = date_filter(
            self.tr("Issued from"), "estimate_issued_from", QDate(today.year(), 1, 1), self.refilter
        )
        self.to_check, self.to_date = date_filter(
            self.tr("to"), "estimate_issued_to", today, self.refilter
        )
        self.filter = QLineEdit()
        self.filter.setObjectName("estimates_filter")
        self.filter.setPlaceholderText(
            self.tr("Filter by number, title, account, project…")
            if self.portfolio
            else self.tr("Filter by number, title, project…")
        )
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._text_changed)

        # -- buttons --------------------------------------------------------------------
        self.new_button = QPushButton(self.tr("New estimate…"))
        self.new_button.setObjectName("new_estimate")
        self.new_button.clicked.connect(self.new_estimate)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("open_estimate")
        self.open_button.clicked.connect(self.open_current)
        self.archive_button = QPushButton(self.tr("Archive"))
        self.archive_button.setObjectName("archive_estimate")
        self.archive_button.setToolTip(
            self.tr("Move the estimate to the archive; Undo brings it back.")
        )
        self.archive_button.clicked.connect(self.archive_current)
        self.export_button = QPushButton(self.tr("Export list…"))
        self.export_button.setObjectName("export_estimates")
        self.export_button.setToolTip(self.tr("The estimates shown, as an Excel workbook"))
        self.export_button.clicked.connect(lambda: self.export_list())

        self.count = QLabel()
        self.count.setObjectName("estimates_count")
        self.totals = QLabel()
        self.totals.setObjectName("estimates_totals")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.totals.setWordWrap(True)  # eight currencies must not widen the window

        # three short rows rather than one long one: the page must fit beside the tree
        top = QHBoxLayout()
        if self.portfolio:
            title = page_title(self.tr("Estimates"))
            title.setObjectName("estimates_title")
            top.addWidget(title)
            top.addStretch()
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.archive_button)
        if not self.portfolio:
            top.addStretch()
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        if self.account_filter is not None:
            filters.addWidget(self.account_filter)
        filters.addWidget(self.currency_filter)
        filters.addStretch()
        dates = QHBoxLayout()
        for widget in (self.from_check, self.from_date, self.to_check, self.to_date):
            dates.addWidget(widget)
        dates.addWidget(self.filter, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)
        footer.addWidget(self.totals, 1)
        footer.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.table)
        layout.addLayout(footer)
        session.changed.connect(self._changed)
        self.reload()

    # -- reading -------------------------------------------------------------------------

    def current_filter(self) -> EstimateFilter:
        """What the filters above the table ask of the service (the text box is not in it)."""
        if self.account_filter is not None:
            account_id = self.account_filter.currentData()
        else:
            account_id = self.account_id
        return EstimateFilter(
            statuses=STATUS_GROUPS.get(self.status_filter.currentData() or "", frozenset()),
            account_id=account_id,
            currency=self.currency_filter.currentData() or "",
            issued_from=_chosen_day(self.from_check, self.from_date),
            issued_to=_chosen_day(self.to_check, self.to_date),
        )

    def reload(self) -> None:
        """Re-read everything: the filters' choices, the margin floor and the rows."""
        self._stale = False
        services = self.session.services
        self.model.floor_percent = services.agency.get().margin_floor_percent
        scope = EstimateFilter(account_id=self.account_id)
        everything = services.estimates.summaries(scope)
        if self.account_filter is not None:
            self._set_choices(
                self.account_filter,
                [
                    (self.tr("All accounts"), None),
                    *((a.name, a.id) for a in services.accounts.all()),
                ],
            )
        present = sorted({s.currency for s in everything})
        chosen = self.currency_filter.currentData()
        if chosen and chosen not in present:  # keep the user's choice while it is set
            present = sorted({*present, chosen})
        self._set_choices(
            self.currency_filter, [(self.tr("All currencies"), ""), *((c, c) for c in present)]
        )
        filters = self.current_filter()
        self._show(everything if filters == scope else services.estimates.summaries(filters))

    def refilter(self) -> None:
        """Ask the service again with the filters as they are now."""
        self._show(self.session.services.estimates.summaries(self.current_filter()))

    def show_account(self, account_id: int) -> None:
        """Show another account's estimates (the per-account tab only)."""
        if self.portfolio:
            raise ValueError("The portfolio page shows every account.")
        self.account_id = account_id
        self.reload()

    @staticmethod
    def _set_choices(combo: QComboBox, choices: Sequence[tuple[str, Any]]) -> None:
        """Replace a combo's entries, keeping the chosen one (or the first when it is gone)."""
        chosen = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            for label, value in choices:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))

    def _show(self, summaries: Sequence[EstimateSummary]) -> None:
        today = date.today()
        floor = self.model.floor_percent
        current = self.current_row()
        self.model.set_records([EstimateRow.of(s, floor, today) for s in summaries])
        if current is not None:
            self.select_estimate(current.id)
        self.table.resizeColumnsToContents()
        for key in WIDE_KEYS:  # a long title must not push the money off the screen
            if key in self._keys:
                column = self.model.column_of(key)
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), WIDE_MAX))
        self._update_summary()

    def _text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_summary()

    def shown_rows(self) -> list[EstimateRow]:
        """The rows the table shows, in its order."""
        return [
            self.model.record(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
            for i in range(self.proxy.rowCount())
        ]

    def _update_summary(self) -> None:
        rows = self.shown_rows()
        self.count.setText(count_text(len(rows), "1 estimate", "%n estimates"))
        self.totals.setText(currency_totals_text(rows))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_row = self.current_row() is not None
        self.open_button.setEnabled(has_row)
        self.archive_button.setEnabled(has_row)

    def _changed(self, kind: str) -> None:
        if kind not in RELOAD_KINDS:
            return
        if self.isVisible():
            self.reload()
        else:  # a hidden page re-reads when it is shown, not on every edit elsewhere
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # -- selection -----------------------------------------------------------------------

    def current_row(self) -> EstimateRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        record: EstimateRow = self.model.record(self.proxy.mapToSource(index).row())
        return record

    def select_estimate(self, estimate_id: int) -> bool:
        """Make the estimate's row current, if it is shown."""
        row = self.model.row_of(estimate_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    # -- actions -------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        self.open_estimate.emit(self.model.record(self.proxy.mapToSource(index).row()).revision_id)

    def open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_estimate.emit(row.revision_id)

    def _default_account(self) -> int | None:
        """The account a new estimate is for, until the user picks another."""
        if self.account_filter is None:
            return self.account_id
        chosen = self.account_filter.currentData()
        if chosen is not None:
            return int(chosen)
        row = self.current_row()
        return row.account_id if row is not None else None

    def new_estimate(self) -> EstimateRef | None:
        """Ask for the estimate's header, create it (undoable) and open it."""
        services = self.session.services
        dialog = NewEstimateDialog(services, self._default_account(), self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            values = dialog.values()
        finally:
            dialog.deleteLater()
        command = CreateEstimateCommand(
            self.tr("New estimate %1").replace("%1", values["title"]), services.estimates, values
        )
        if self.session.run(command) is not None or command.ref is None:
            return None
        if self._stale:  # created while hidden (e.g. from a menu): catch up before selecting
            self.reload()
        self.select_estimate(command.ref.estimate_id)
        self.open_estimate.emit(command.ref.revision_id)
        return command.ref

    def export_list(self, path: Path | None = None) -> Path | None:
        """The estimates the filters show (status, account, currency, dates) as a workbook."""
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export estimates"),
                "Estimates.xlsx",
                self.tr("Excel workbook (*.xlsx)"),
            )
            if not name:
                return None
            path = Path(name)  # the save dialog asked before replacing a file
        services = self.session.services
        document = exporting.estimates_list_document(
            services, self.current_filter(), subtitle=self.count.text()
        )
        try:
            return exporting.export_table_xlsx(document, path, overwrite=True)
        except exporting.ExportError as exc:
            self.session.error.emit(str(exc))
            return None

    def archive_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        estimates = self.session.services.estimates
        self.session.run(
            DeleteCommand(
                self.tr("Archive estimate %1").replace("%1", row.number),
                KIND,
                partial(estimates.delete, row.id),
                estimates.restore,
            )
        )
