"""The list sections of the account plan as tables edited in place: one widget per section
(SWOT quadrant, objectives, KPIs, actions, risks, relationship goals, reviews), with Add,
Remove and Move up / down. Every edit is one undoable command; a value the service refuses
(or a number that cannot be read) turns the cell red with the reason as its tooltip, and
nothing is saved."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import ValidationError
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.formatting import read_decimal
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.contact_reports_panel import ActionDelegate
from keyplan.ui.views.plan_commands import KIND, AddItemCommand, DeleteItemCommand, MoveItemCommand
from keyplan.ui.widgets.editable_table import editable_table

Index = QModelIndex | QPersistentModelIndex
Colours = Callable[[Any, str], tuple[QColor, QColor] | None]


def decimal_parser(field: str) -> Callable[[Any], Any]:
    """Text typed in a number cell -> Decimal (the user's locale), None when emptied."""

    def parse(value: Any) -> Any:
        text = str(value or "").strip()
        return None if not text else read_decimal(text, field)

    return parse


class PlanTableModel(RecordTableModel):
    """A RecordTableModel whose cells may edit as text (numbers in the user's locale) and be
    coloured (risk score, KPI progress)."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        edit_text: Mapping[str, Callable[[Any], str]] | None = None,
        colours: Colours | None = None,
        right: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(columns, parent)
        self.edit_text = dict(edit_text or {})
        self.colours = colours
        self.right = right  # the keys of number columns, aligned right

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.EditRole and key in self.edit_text:
            return self.edit_text[key](record)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in self.right:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if (
            role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)
            and self.colours is not None
            and (record.id, key) not in self.errors
        ):
            pair = self.colours(record, key)
            if pair is not None:
                return pair[0] if role == Qt.ItemDataRole.BackgroundRole else pair[1]
        return super().data(index, role)


class SectionTable(QWidget):
    """One list section of a plan: a table, and Add / Remove / Move buttons."""

    def __init__(
        self,
        session: WorkspaceSession,
        section: str,
        columns: Sequence[Column],
        *,
        name: str,
        new_values: Callable[[], Mapping[str, Any] | None],
        open_key: str,
        parsers: Mapping[str, Callable[[Any], Any]] | None = None,
        edit_text: Mapping[str, Callable[[Any], str]] | None = None,
        colours: Colours | None = None,
        right: frozenset[str] = frozenset(),
        movable: bool = True,
        title: str = "",
        hint: str = "",
        add_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self.plan_id: int | None = None
        self._new_values = new_values
        self._open_key = open_key
        self._parsers = dict(parsers or {})
        self.model = PlanTableModel(
            columns, self, edit_text=edit_text, colours=colours, right=right
        )
        self.model.on_edit = self._edit
        self.table = editable_table(f"{name}_table", self.model, ActionDelegate)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        self.table.setMinimumWidth(120)

        self.add_button = QPushButton(add_text or self.tr("Add"))
        self.add_button.setObjectName(f"add_{name}")
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName(f"remove_{name}")
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        if title:
            label = QLabel(title)
            label.setObjectName(f"{name}_title")
            label.setWordWrap(True)  # a long title wraps rather than widen the page
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            buttons.addWidget(label, 1)
        else:
            buttons.addStretch()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        self.up_button: QPushButton | None = None
        self.down_button: QPushButton | None = None
        if movable:
            self.up_button = QPushButton("↑")
            self.up_button.setObjectName(f"up_{name}")
            self.up_button.setToolTip(self.tr("Move up"))
            self.up_button.setFixedWidth(32)
            self.up_button.clicked.connect(lambda: self.move_current(-1))
            self.down_button = QPushButton("↓")
            self.down_button.setObjectName(f"down_{name}")
            self.down_button.setToolTip(self.tr("Move down"))
            self.down_button.setFixedWidth(32)
            self.down_button.clicked.connect(lambda: self.move_current(1))
            buttons.addWidget(self.up_button)
            buttons.addWidget(self.down_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(buttons)
        self.hint = QLabel(hint)
        self.hint.setObjectName(f"{name}_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self.hint.setVisible(bool(hint))  # once it has a parent: never a window of its own

    # -- data ------------------------------------------------------------------------------

    def set_records(self, plan_id: int | None, records: Sequence[Any]) -> None:
        shown = [r.id for r in self.model.records]
        wanted = [r.id for r in records]
        if plan_id != self.plan_id or (shown != wanted and set(shown) == set(wanted)):
            # another plan, or the same items in a new order (a move): show them afresh,
            # since the model keeps the order it shows when only the values change
            self.model.set_records([])
        self.plan_id = plan_id
        self.model.set_records(records)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):  # long texts must not eat the screen
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.setEnabled(plan_id is not None)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text) and not self.model.records)

    def current_record(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.record(index.row())

    def select(self, item_id: int, key: str | None = None) -> QModelIndex:
        row = self.model.row_of(item_id)
        if row < 0:
            return QModelIndex()
        column = self.model.column_of(key) if key else 0
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        return index

    def edit_cell(self, item_id: int, key: str) -> None:
        """Put the cursor on an item's cell and open its editor."""
        index = self.select(item_id, key)
        if index.isValid():
            self.table.edit(index)

    # -- editing ---------------------------------------------------------------------------

    def _edit(self, record: Any, key: str, value: Any) -> str | None:
        parser = self._parsers.get(key)
        if parser is not None:
            try:
                value = parser(value)
            except ValidationError as exc:
                return str(exc)
        command = UpdateCommand(
            self.tr("Edit plan"),
            KIND,
            partial(self.session.services.plans.update_item, self.section, record.id),
            {key: value},
        )
        return self.session.run(command, inline=True)

    def add(
        self, values: Mapping[str, Any] | None = None, *, open_editor: bool = True
    ) -> int | None:
        """Add an item (``values``, else the section's new item) and open its main cell."""
        if self.plan_id is None:
            return None
        chosen = values if values is not None else self._new_values()
        if chosen is None:
            return None
        command = AddItemCommand(
            self.tr("Add to plan"), self.session.services.plans, self.section, self.plan_id, chosen
        )
        if self.session.run(command) is not None or command.item_id is None:
            return None
        if open_editor:
            self.edit_cell(command.item_id, self._open_key)
        return command.item_id

    def remove_current(self) -> None:
        record = self.current_record()
        if record is None:
            return
        self.session.run(
            DeleteItemCommand(
                self.tr("Remove from plan"), self.session.services.plans, self.section, record.id
            )
        )

    def move_current(self, step: int) -> None:
        record = self.current_record()
        if record is None:
            return
        row = self.model.row_of(record.id)
        target = row + step
        if not 0 <= target < self.model.rowCount():
            return
        command = MoveItemCommand(
            self.tr("Move in plan"), self.session.services.plans, self.section, record.id, target
        )
        if self.session.run(command) is None:
            self.select(record.id)
