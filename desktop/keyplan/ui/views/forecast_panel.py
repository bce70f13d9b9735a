"""The account's Forecast tab: target, forecast and actual per month, weekly snapshots.

A 12-month grid of one year and one business unit (or all of them added, read-only) in the
account's currency: the rows Target, Forecast and Actual are typed in like a spreadsheet
(amounts in the user's locale; an entry the currency cannot hold is refused in the cell, red
with the reason as its tooltip, and nothing is saved; an emptied cell clears the figure), and
Forecast vs target and Actual vs target follow. Every edit is an undoable command.

"Freeze this week's forecast" keeps the whole portfolio's figures as the snapshot of the
current ISO week (freezing the same week again asks, then replaces it; undo puts the old one
back). "Compare with snapshot ▸" shows, per month, how this account's forecast moved since a
snapshot, and follows every later edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.forecast import FIGURES, variance
from keyplan.domain.money import Currency
from keyplan.domain.numbers import parse_money
from keyplan.services.forecast import (
    AccountForecast,
    ForecastComparison,
    FrozenSnapshot,
    SnapshotRecord,
    clean_unit,
)
from keyplan.services.workspace import WorkspaceError, WorkspaceServices
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.formatting import money_text
from keyplan.ui.labels import fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.widgets.read_only_table import read_only_table, row_items

KIND = "forecast"
SNAPSHOT_KIND = "forecast_snapshot"
ERROR_BRUSH = QBrush(QColor("#F9D6D5"))
BELOW = QColor("#C62828")
ABOVE = QColor("#2E7D32")
VARIANCE_ROWS = ("forecast_vs_target", "actual_vs_target")
ROWS = (*FIGURES, *VARIANCE_ROWS)

Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("ForecastPanel", text)


def row_labels() -> dict[str, str]:
    return {
        "target": _t("Target"),
        "forecast": _t("Forecast"),
        "actual": _t("Actual"),
        "forecast_vs_target": _t("Forecast vs target"),
        "actual_vs_target": _t("Actual vs target"),
    }


def snapshot_label(snapshot: SnapshotRecord) -> str:
    """'Week 12, 2026 — After the regional reviews'."""
    year, week, _ = snapshot.week_start.isocalendar()
    text = fill(_t("Week %1, %2"), str(week), str(year))
    return f"{text} — {snapshot.label}" if snapshot.label else text


def signed(amount: Decimal, currency: str) -> str:
    return ("+" if amount > 0 else "") + money_text(amount, currency)


# -- the grid ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    row: str  # a figure or a variance row
    month: date | None  # None: the total column


class ForecastGridModel(QAbstractTableModel):
    """Rows Target, Forecast, Actual and the two variances; a column per month and a total.
    Edits go to ``on_edit(figure, month, text)``: None (done) or the message to show."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.record: AccountForecast | None = None
        self.editable = False
        self.errors: dict[tuple[str, date], str] = {}
        self.on_edit: Callable[[str, date, str], str | None] | None = None

    def set_record(self, record: AccountForecast | None, *, editable: bool) -> None:
        same_shape = (
            record is not None
            and self.record is not None
            and [m.month for m in record.months] == [m.month for m in self.record.months]
            and (record.account_id, record.business_unit)
            == (self.record.account_id, self.record.business_unit)
        )
        if same_shape:
            self.record, self.editable = record, editable
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(ROWS) - 1, self.columnCount() - 1)
            )
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return
        self.beginResetModel()
        self.record, self.editable = record, editable
        self.errors.clear()
        self.endResetModel()

    def cell(self, index: Index) -> Cell:
        assert self.record is not None
        months = self.record.months
        month = months[index.column()].month if index.column() < len(months) else None
        return Cell(ROWS[index.row()], month)

    def index_of(self, row: str, month: date | None) -> QModelIndex:
        assert self.record is not None
        months = [m.month for m in self.record.months]
        column = len(months) if month is None else months.index(month)
        return self.index(ROWS.index(row), column)

    def value(self, cell: Cell) -> Decimal | None:
        assert self.record is not None
        if cell.month is None:
            totals = self.record.totals()
            if cell.row in FIGURES:
                return totals[cell.row]
            figure = "forecast" if cell.row == "forecast_vs_target" else "actual"
            return variance(totals[figure], totals["target"])
        month = next(m for m in self.record.months if m.month == cell.month)
        if cell.row in FIGURES:
            return month.get(cell.row)
        figure = "forecast" if cell.row == "forecast_vs_target" else "actual"
        return variance(month.get(figure), month.target)

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.record is None else len(ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self.record is None:
            return 0
        return len(self.record.months) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.record is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return row_labels()[ROWS[section]]
        if section >= len(self.record.months):
            return _t("Total")
        month = self.record.months[section].month
        return QLocale().monthName(month.month, QLocale.FormatType.ShortFormat)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.editable:
            cell = self.cell(index)
            if cell.row in FIGURES and cell.month is not None:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.record is None:
            return None
        cell = self.cell(index)
        value = self.value(cell)
        error = self.errors.get((cell.row, cell.month)) if cell.month else None
        currency = self.record.currency
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return money_text(value, currency) if cell.row in FIGURES else signed(value, currency)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else money_text(value, currency)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and cell.month is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and cell.row in VARIANCE_ROWS and value:
            return QBrush(BELOW if value < 0 else ABOVE)
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return ERROR_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None:
            return False
        cell = self.cell(index)
        if cell.row not in FIGURES or cell.month is None:
            return False
        text = str(value)
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            self.errors.pop((cell.row, cell.month), None)
            return False  # unchanged
        error = self.on_edit(cell.row, cell.month, text)
        if error:
            self.errors[(cell.row, cell.month)] = error
            self.dataChanged.emit(index, index)
            return False
        self.errors.pop((cell.row, cell.month), None)
        return True


# -- undoable snapshots ------------------------------------------------------------------------


class FreezeWeekCommand(ServiceCommand):
    """Freeze the portfolio's forecast as the week's snapshot; undo removes it and puts back
    the snapshot it replaced, if any; redo puts back exactly what was frozen."""

    kind = SNAPSHOT_KIND

    def __init__(self, text: str, services: WorkspaceServices, today: date, label: str) -> None:
        super().__init__(text)
        self.services, self.today, self.label = services, today, label
        self.replaced: FrozenSnapshot | None = None
        self.made: FrozenSnapshot | None = None

    def apply(self) -> None:
        forecast = self.services.forecast
        if self.made is None:
            old = forecast.snapshot_for_week(self.today)
            self.replaced = forecast.frozen(old.id) if old is not None else None
            self.made = forecast.frozen(forecast.freeze_week(self.today, self.label))
            return
        if self.replaced is not None:
            forecast.delete_snapshot(self.replaced.id)
        forecast.restore_snapshot(self.made)

    def revert(self) -> None:
        assert self.made is not None
        forecast = self.services.forecast
        forecast.delete_snapshot(self.made.id)
        if self.replaced is not None:
            forecast.restore_snapshot(self.replaced)


class DeleteSnapshotCommand(ServiceCommand):
    kind = SNAPSHOT_KIND

    def __init__(self, text: str, services: WorkspaceServices, snapshot_id: int) -> None:
        super().__init__(text)
        self.services, self.snapshot_id = services, snapshot_id
        self.removed: FrozenSnapshot | None = None

    def apply(self) -> None:
        self.removed = self.services.forecast.delete_snapshot(self.snapshot_id)

    def revert(self) -> None:
        assert self.removed is not None
        self.services.forecast.restore_snapshot(self.removed)


# -- the panel ---------------------------------------------------------------------------------


class ForecastPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.record: AccountForecast | None = None
        self.comparison: ForecastComparison | None = None
        self.compare_id: int | None = None
        self.pending_units: dict[int, list[str]] = {}  # added here, no figure yet
        self._units: list[str | None] = []  # the unit of each item of ``self.unit``
        self._stale = True
        self._loading = False

        self.year = QSpinBox()
        self.year.setObjectName("forecast_year")
        self.year.setRange(1990, 2200)
        self.year.setValue(date.today().year)
        self.year.setAccelerated(True)
        self.year.valueChanged.connect(lambda _value: self.reload())
        self.unit = QComboBox()
        self.unit.setObjectName("forecast_unit")
        self.unit.setToolTip(self.tr("The business unit whose figures the grid shows"))
        self.unit.currentIndexChanged.connect(
            lambda _index: None if self._loading else self.reload()
        )
        self.add_unit_button = QToolButton()
        self.add_unit_button.setObjectName("add_business_unit")
        self.add_unit_button.setText(self.tr("Add unit…"))
        self.add_unit_button.setToolTip(
            self.tr("Add a business unit; it is kept once it has a figure")
        )
        self.add_unit_button.clicked.connect(lambda: self.add_business_unit())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("Unit")))
        top.addWidget(self.unit, 1)
        top.addWidget(self.add_unit_button)

        self.freeze_button = QPushButton(self.tr("Freeze this week's forecast"))
        self.freeze_button.setObjectName("freeze_forecast")
        self.freeze_button.setToolTip(
            self.tr("Keep every account's figures as they are now, to see later how they moved")
        )
        self.freeze_button.clicked.connect(lambda: self.freeze())
        self.compare_button = QToolButton()
        self.compare_button.setObjectName("compare_snapshot")
        self.compare_button.setText(self.tr("Compare with snapshot ▸"))
        self.compare_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.compare_menu = QMenu(self.compare_button)
        self.compare_menu.aboutToShow.connect(self._fill_compare_menu)
        self.compare_button.setMenu(self.compare_menu)
        actions = QHBoxLayout()
        actions.addWidget(self.freeze_button)
        actions.addWidget(self.compare_button)
        actions.addStretch()

        self.model = ForecastGridModel(self)
        self.model.on_edit = self._edit
        self.grid = QTableView()
        self.grid.setObjectName("forecast_grid")
        self.grid.setModel(self.model)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.horizontalHeader().setMinimumSectionSize(70)
        self.grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLabel()
        self.note.setObjectName("forecast_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")

        self.compare_title = QLabel()
        self.compare_title.setObjectName("compare_title")
        self.compare_title.setWordWrap(True)
        font = self.compare_title.font()
        font.setBold(True)
        self.compare_title.setFont(font)
        self.movement_model = QStandardItemModel(self)
        self.movement = read_only_table("movement_table", self.movement_model)
        self.movement.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.movement.verticalHeader().show()
        self.movement.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.compare_note = QLabel()
        self.compare_note.setObjectName("compare_note")
        self.compare_note.setWordWrap(True)
        self.compare_note.setStyleSheet("color: palette(mid);")
        self.delete_snapshot_button = QPushButton(self.tr("Delete snapshot"))
        self.delete_snapshot_button.setObjectName("delete_snapshot")
        self.delete_snapshot_button.clicked.connect(lambda: self.delete_snapshot())
        close = QPushButton(self.tr("Close"))
        close.setObjectName("close_compare")
        close.clicked.connect(lambda: self.compare_with(None))
        compare_buttons = QHBoxLayout()
        compare_buttons.addStretch()
        compare_buttons.addWidget(self.delete_snapshot_button)
        compare_buttons.addWidget(close)
        self.compare_box = QWidget()
        self.compare_box.setObjectName("compare_box")
        box = QVBoxLayout(self.compare_box)
        box.setContentsMargins(0, 8, 0, 0)
        box.addWidget(self.compare_title)
        box.addWidget(self.movement)
        box.addWidget(self.compare_note)
        box.addLayout(compare_buttons)
        self.compare_box.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.grid)
        layout.addWidget(self.note)
        layout.addWidget(self.compare_box)
        layout.addStretch()
        session.changed.connect(self._changed)

    # -- loading -------------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.account_id = account_id
            self.compare_with(None)
            self.model.set_record(None, editable=False)
            self._fill_units(keep=False)
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _changed(self, kind: str) -> None:
        if kind in (KIND, SNAPSHOT_KIND, "account", "workspace"):
            self._stale = True
            if self.isVisible():
                self.reload()

    def current_unit(self) -> str | None:
        """The unit shown: a name, "" (figures not split by unit) or None (all, added)."""
        index = self.unit.currentIndex()
        return self._units[index] if 0 <= index < len(self._units) else ""

    def _fill_units(self, *, keep: bool = True) -> None:
        if self.account_id is None:
            return
        keep_current = keep and bool(self._units)
        shown = self.current_unit() if keep_current else None
        try:
            units = self.session.services.forecast.business_units(self.account_id)
        except (DomainError, WorkspaceError):
            units = []
        pending = [u for u in self.pending_units.get(self.account_id, []) if u not in units]
        names = sorted([*units, *pending], key=str.casefold)
        values: list[str | None] = [None, "", *names] if names else [""]
        labels = {None: self.tr("All units (total, read-only)"), "": self.tr("Not assigned")}
        if not names:
            labels[""] = self.tr("Whole account")
        self._loading = True
        try:
            self.unit.clear()
            for value in values:
                self.unit.addItem(labels.get(value, value or ""))
            self._units = values
            index = values.index(shown) if keep_current and shown in values else 0
            self.unit.setCurrentIndex(index)
        finally:
            self._loading = False

    def reload(self) -> None:
        self._stale = False
        if self.account_id is None:
            return
        self._fill_units()
        forecast = self.session.services.forecast
        try:
            record = forecast.account_months(
                self.account_id, self.year.value(), business_unit=self.current_unit()
            )
        except (DomainError, WorkspaceError):
            self.record = None
            self.model.set_record(None, editable=False)
            return
        self.record = record
        editable = self.current_unit() is not None
        self.model.set_record(record, editable=editable)
        self.grid.setFixedHeight(
            self.grid.horizontalHeader().height()
            + sum(self.grid.rowHeight(r) for r in range(len(ROWS)))
            + 2 * self.grid.frameWidth()
            + self.grid.horizontalScrollBar().sizeHint().height()
        )
        if editable:
            note = self.tr("Amounts in %1. Type in a cell to change it; empty a cell to clear it.")
        else:
            note = self.tr(
                "Amounts in %1: every business unit added. Choose a unit to change its figures."
            )
        self.note.setText(fill(note, record.currency))
        self._show_comparison()

    # -- editing -------------------------------------------------------------------------------

    def _edit(self, figure: str, month: date, text: str) -> str | None:
        """Parse what was typed in the account's currency and save it as an undoable edit."""
        if self.record is None or self.account_id is None:
            return self.tr("Choose an account first.")
        unit = self.current_unit()
        if unit is None:
            return self.tr("Choose a business unit to change its figures.")
        value: Decimal | None = None
        if text.strip():
            try:
                value = parse_money(
                    text, Currency.get(self.record.currency), ui_locale(), field=figure
                ).amount
            except ValidationError as exc:
                return exc.message
        labels = row_labels()
        month_name = QLocale().toString(QDate(month.year, month.month, 1), "MMM yyyy")
        command = UpdateCommand(
            fill(self.tr("Edit %1 %2"), labels[figure].lower(), month_name),
            KIND,
            partial(self.session.services.forecast.update_month, self.account_id, month, unit),
            {figure: value},
        )
        error = self.session.run(command, inline=True)
        if error is None and unit:
            units = self.pending_units.get(self.account_id, [])
            if unit in units:
                units.remove(unit)
        return error

    def edit_cell(self, figure: str, month: date) -> None:
        """Put the cursor on a cell and open its editor."""
        if self.record is None:
            return
        index = self.model.index_of(figure, month)
        self.grid.setCurrentIndex(index)
        self.grid.edit(index)

    def add_business_unit(self, name: str | None = None) -> str | None:
        """A new business unit to type figures for (asked for when ``name`` is None); it is
        saved with its first figure. Returns the name chosen, or None."""
        if self.account_id is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(
                self, self.tr("Add business unit"), self.tr("Name of the business unit:")
            )
            if not ok:
                return None
        try:
            cleaned = clean_unit(name)
        except ValidationError as exc:
            self.session.error.emit(exc.message)
            return None
        if not cleaned:
            self.session.error.emit(self.tr("A business unit needs a name."))
            return None
        units = self.pending_units.setdefault(self.account_id, [])
        if cleaned not in units:
            units.append(cleaned)
        self._fill_units()
        self.unit.setCurrentIndex(self._units.index(cleaned))
        return cleaned

    # -- snapshots -----------------------------------------------------------------------------

    def freeze(
        self, today: date | None = None, *, label: str = "", replace: bool | None = None
    ) -> bool:
        """Freeze this week's forecast (the whole portfolio). When the week has a snapshot
        already, ``replace`` says whether to replace it; None asks."""
        day = today or date.today()
        services = self.session.services
        existing = services.forecast.snapshot_for_week(day)
        if existing is not None:
            if replace is None:
                replace = self._ask_replace(existing)
            if not replace:
                return False
        command = FreezeWeekCommand(self.tr("Freeze this week's forecast"), services, day, label)
        return self.session.run(command) is None and command.made is not None

    def _ask_replace(self, existing: SnapshotRecord) -> bool:
        if QGuiApplication.platformName() == "offscreen":
            return False  # tests say what they want through ``replace``
        answer = QMessageBox.question(
            self,
            self.tr("Freeze this week's forecast"),
            fill(
                self.tr("%1 has a snapshot already. Replace it with the forecast as it is now?"),
                snapshot_label(existing),
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _fill_compare_menu(self) -> None:
        self.compare_menu.clear()
        snapshots = self.session.services.forecast.snapshots()
        if not snapshots:
            action = self.compare_menu.addAction(self.tr("No snapshot yet: freeze one first"))
            action.setEnabled(False)
            return
        for snapshot in snapshots:
            action = self.compare_menu.addAction(snapshot_label(snapshot))
            action.triggered.connect(partial(self.compare_with, snapshot.id))

    def compare_with(self, snapshot_id: int | None) -> None:
        """Show (or, with None, hide) the movement since a snapshot."""
        self.compare_id = snapshot_id
        self._show_comparison()

    def _show_comparison(self) -> None:
        if self.compare_id is None or self.account_id is None:
            self.comparison = None
            self.compare_box.hide()
            return
        try:
            comparison = self.session.services.forecast.compare(
                self.compare_id,
                self.account_id,
                first_month=date(self.year.value(), 1, 1),
                months=12,
                business_unit=self.current_unit(),
            )
        except (DomainError, WorkspaceError):  # the snapshot went (deleted, or undone)
            self.compare_id = None
            self.comparison = None
            self.compare_box.hide()
            return
        self.comparison = comparison
        currency = comparison.currency
        self.compare_title.setText(
            fill(
                self.tr("Forecast now against %1 (%2)"),
                snapshot_label(comparison.snapshot),
                currency,
            )
        )
        model = self.movement_model
        model.clear()
        headers = [
            QLocale().monthName(m.month.month, QLocale.FormatType.ShortFormat)
            for m in comparison.months
        ]
        model.setHorizontalHeaderLabels([*headers, self.tr("Total")])
        numbers = frozenset(range(len(headers) + 1))

        def text(value: Decimal | None) -> str:
            return "" if value is None else money_text(value, currency)

        def add(values: list[Decimal | None]) -> Decimal | None:
            present = [v for v in values if v is not None]
            return sum(present, Decimal(0)) if present else None

        before = [m.before for m in comparison.months]
        after = [m.after for m in comparison.months]
        deltas = [m.delta for m in comparison.months]
        for values in (before, after):
            model.appendRow(row_items([*map(text, values), text(add(values))], numbers))
        moved = [*deltas, add(deltas)]
        items = row_items(["" if d is None else signed(d, currency) for d in moved], numbers)
        for item, delta in zip(items, moved, strict=True):
            if delta:
                item.setForeground(QBrush(BELOW if delta < 0 else ABOVE))
        model.appendRow(items)
        model.setVerticalHeaderLabels([self.tr("Frozen"), self.tr("Now"), self.tr("Movement")])
        self.movement.resizeColumnsToContents()
        self.movement.setFixedHeight(
            self.movement.horizontalHeader().height()
            + sum(self.movement.rowHeight(r) for r in range(3))
            + 2 * self.movement.frameWidth()
            + self.movement.horizontalScrollBar().sizeHint().height()
        )
        frozen_on = comparison.snapshot.created_at.astimezone().date().isoformat()
        notes = [fill(self.tr("Frozen on %1."), frozen_on)]
        notes += list(comparison.missing)
        self.compare_note.setText(" ".join(notes))
        self.compare_box.show()

    def delete_snapshot(self) -> bool:
        if self.compare_id is None or self.comparison is None:
            return False
        command = DeleteSnapshotCommand(
            fill(self.tr("Delete snapshot %1"), snapshot_label(self.comparison.snapshot)),
            self.session.services,
            self.compare_id,
        )
        return self.session.run(command) is None
