"""The whitespace matrix of a plan: the agency's services down, the client's business units or
markets across; each cell active, an opportunity, not a fit or not known, in its colour.

A cell is set with a combo box (double-click, F2 or typing) or from its context menu; rows and
columns are added with the buttons and renamed, moved or removed from their header's context
menu (or the buttons, for the current cell's row and column). Every change is undoable.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.plans import WhitespaceAxis
from keyplan.services.plan_records import AxisRecord, PlanRecord
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.plan_commands import (
    KIND,
    AddItemCommand,
    DeleteItemCommand,
    MoveItemCommand,
    SetCellCommand,
)
from keyplan.ui.views.plan_labels import WHITESPACE_COLOURS, whitespace_labels

Index = QModelIndex | QPersistentModelIndex


class WhitespaceModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: PlanRecord | None = None
        self.labels = whitespace_labels()
        self.on_set: Any = None  # (service_id, segment_id, status) -> None

    def set_plan(self, plan: PlanRecord | None) -> None:
        old = self.plan
        same_shape = (
            old is not None
            and plan is not None
            and [s.id for s in old.services] == [s.id for s in plan.services]
            and [s.id for s in old.segments] == [s.id for s in plan.segments]
        )
        if same_shape:  # an edit: keep the cursor and any open editor
            self.plan = plan
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)
            return
        self.beginResetModel()
        self.plan = plan
        self.endResetModel()

    def service(self, row: int) -> AxisRecord:
        assert self.plan is not None
        return self.plan.services[row]

    def segment(self, column: int) -> AxisRecord:
        assert self.plan is not None
        return self.plan.segments[column]

    def status(self, index: Index) -> str:
        assert self.plan is not None
        return self.plan.cell_status(self.service(index.row()).id, self.segment(index.column()).id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.plan is None else len(self.plan.services)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.plan is None else len(self.plan.segments)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.plan is None:
            return None
        if orientation == Qt.Orientation.Horizontal and section < len(self.plan.segments):
            return self.plan.segments[section].label
        if orientation == Qt.Orientation.Vertical and section < len(self.plan.services):
            return self.plan.services[section].label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.plan is None:
            return None
        status = self.status(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.labels.get(status, status)
        if role == Qt.ItemDataRole.EditRole:
            return status
        if role == Qt.ItemDataRole.BackgroundRole:
            return WHITESPACE_COLOURS[status][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            return WHITESPACE_COLOURS[status][1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            cell = self.plan.cell(self.service(index.row()).id, self.segment(index.column()).id)
            head = f"{self.service(index.row()).label} × {self.segment(index.column()).label}"
            note = f"\n{cell.note}" if cell is not None and cell.note else ""
            return f"{head}: {self.labels.get(status, status)}{note}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_set is None:
            return False
        if value == self.status(index):
            return False
        self.on_set(self.service(index.row()).id, self.segment(index.column()).id, value)
        return True


class StatusDelegate(QStyledItemDelegate):
    """A combo box of the statuses for a whitespace cell."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for key, text in whitespace_labels().items():
            combo.addItem(text, key)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class WhitespacePanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = WhitespaceModel(self)
        self.model.on_set = self.set_cell
        self.table = QTableView()
        self.table.setObjectName("whitespace_table")
        self.table.setModel(self.model)
        self.table.setItemDelegate(StatusDelegate(self.table))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(70)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._cell_menu)
        for header, axis in (
            (self.table.verticalHeader(), WhitespaceAxis.SERVICE),
            (self.table.horizontalHeader(), WhitespaceAxis.SEGMENT),
        ):
            header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            header.customContextMenuRequested.connect(
                lambda point, h=header, a=axis: self._header_menu(h, a, point)
            )
            header.sectionDoubleClicked.connect(
                lambda section, a=axis: self.rename(self._axis_at(a, section))
            )
        self.add_row = QPushButton(self.tr("Add service"))
        self.add_row.setObjectName("add_service")
        self.add_row.clicked.connect(lambda: self.add_axis(WhitespaceAxis.SERVICE))
        self.add_column = QPushButton(self.tr("Add unit / market"))
        self.add_column.setObjectName("add_segment")
        self.add_column.clicked.connect(lambda: self.add_axis(WhitespaceAxis.SEGMENT))
        self.remove_row = QPushButton(self.tr("Remove row"))
        self.remove_row.setObjectName("remove_service")
        self.remove_row.clicked.connect(lambda: self.remove(self._current(WhitespaceAxis.SERVICE)))
        self.remove_column = QPushButton(self.tr("Remove column"))
        self.remove_column.setObjectName("remove_segment")
        self.remove_column.clicked.connect(
            lambda: self.remove(self._current(WhitespaceAxis.SEGMENT))
        )
        adding = QHBoxLayout()  # two rows of two: the page stays usable 450 px wide
        adding.setContentsMargins(0, 0, 0, 0)
        adding.addWidget(self.add_row)
        adding.addWidget(self.add_column)
        adding.addStretch()
        removing = QHBoxLayout()
        removing.setContentsMargins(0, 0, 0, 0)
        removing.addWidget(self.remove_row)
        removing.addWidget(self.remove_column)
        removing.addStretch()
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addLayout(adding)
        buttons.addLayout(removing)
        hint = QLabel(
            self.tr(
                "Services (rows) by the client's business units or markets (columns). "
                "Double-click a cell to set it; right-click a header to rename or move it."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)

    # -- data ------------------------------------------------------------------------------

    def show_plan(self, plan: PlanRecord | None) -> None:
        self.model.set_plan(plan)
        self.table.resizeRowsToContents()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setEnabled(plan is not None)

    def _axis_at(self, axis: str, section: int) -> AxisRecord | None:
        plan = self.model.plan
        if plan is None:
            return None
        items = plan.services if axis == WhitespaceAxis.SERVICE else plan.segments
        return items[section] if 0 <= section < len(items) else None

    def _current(self, axis: str) -> AxisRecord | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self._axis_at(
            axis, index.row() if axis == WhitespaceAxis.SERVICE else index.column()
        )

    def index_of(self, service_id: int, segment_id: int) -> QModelIndex:
        plan = self.model.plan
        if plan is None:
            return QModelIndex()
        rows = [s.id for s in plan.services]
        columns = [s.id for s in plan.segments]
        if service_id not in rows or segment_id not in columns:
            return QModelIndex()
        return self.model.index(rows.index(service_id), columns.index(segment_id))

    # -- editing ---------------------------------------------------------------------------

    def set_cell(self, service_id: int, segment_id: int, status: str) -> str | None:
        label = whitespace_labels().get(status, status)
        return self.session.run(
            SetCellCommand(
                self.tr("Set whitespace to %1").replace("%1", label),
                self.session.services.plans,
                service_id,
                segment_id,
                status,
            )
        )

    def add_axis(self, axis: str, label: str | None = None) -> int | None:
        plan = self.model.plan
        if plan is None:
            return None
        if label is None:
            base = (
                self.tr("New service")
                if axis == WhitespaceAxis.SERVICE
                else self.tr("New unit or market")
            )
            taken = {s.label.casefold() for s in (*plan.services, *plan.segments)}
            label, number = base, 1
            while label.casefold() in taken:
                number += 1
                label = f"{base} {number}"
        command = AddItemCommand(
            self.tr("Add a whitespace row")
            if axis == WhitespaceAxis.SERVICE
            else self.tr("Add a whitespace column"),
            self.session.services.plans,
            "whitespace_axis",
            plan.id,
            {"axis": axis, "label": label},
        )
        if self.session.run(command) is None:
            return command.item_id
        return None

    def rename(self, item: AxisRecord | None, label: str | None = None) -> str | None:
        if item is None:
            return None
        if label is None:
            if QGuiApplication.platformName() == "offscreen":
                return None
            text, ok = QInputDialog.getText(
                self, self.tr("Rename"), self.tr("Name:"), text=item.label
            )
            if not ok:
                return None
            label = text
        return self.session.run(
            UpdateCommand(
                self.tr("Rename %1").replace("%1", item.label),
                KIND,
                lambda changes, exact=False: self.session.services.plans.update_item(
                    "whitespace_axis", item.id, changes, exact=exact
                ),
                {"label": label},
            )
        )

    def remove(self, item: AxisRecord | None) -> None:
        if item is None:
            return
        self.session.run(
            DeleteItemCommand(
                self.tr("Remove %1").replace("%1", item.label),
                self.session.services.plans,
                "whitespace_axis",
                item.id,
            )
        )

    def move(self, item: AxisRecord | None, index: int) -> None:
        if item is None:
            return
        self.session.run(
            MoveItemCommand(
                self.tr("Move %1").replace("%1", item.label),
                self.session.services.plans,
                "whitespace_axis",
                item.id,
                index,
            )
        )

    # -- menus -----------------------------------------------------------------------------

    def _cell_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        menu = QMenu(self)
        service = self.model.service(index.row())
        segment = self.model.segment(index.column())
        for key, text in whitespace_labels().items():
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(self.model.status(index) == key)
            action.triggered.connect(
                lambda _checked=False, k=key: self.set_cell(service.id, segment.id, k)
            )
        menu.exec(self.table.viewport().mapToGlobal(point))

    def _header_menu(self, header: QHeaderView, axis: str, point: QPoint) -> None:
        section = header.logicalIndexAt(point)
        item = self._axis_at(axis, section)
        if item is None:
            return
        count = (
            self.model.rowCount() if axis == WhitespaceAxis.SERVICE else self.model.columnCount()
        )
        earlier = self.tr("Move up") if axis == WhitespaceAxis.SERVICE else self.tr("Move left")
        later = self.tr("Move down") if axis == WhitespaceAxis.SERVICE else self.tr("Move right")
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…")).triggered.connect(lambda: self.rename(item))
        before = menu.addAction(earlier)
        before.setEnabled(section > 0)
        before.triggered.connect(lambda: self.move(item, section - 1))
        after = menu.addAction(later)
        after.setEnabled(section < count - 1)
        after.triggered.connect(lambda: self.move(item, section + 1))
        menu.addSeparator()
        menu.addAction(self.tr("Remove")).triggered.connect(lambda: self.remove(item))
        menu.exec(header.mapToGlobal(point))
