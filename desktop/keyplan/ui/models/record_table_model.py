"""A table of service records with declared columns: one adapter for every list.

Columns are plain specs (key, title, how to show, how to edit). Edits are not
applied here: ``on_edit(record, key, value)`` is asked, and answers None (the
change was made; the owner reloads) or an error message, which the cell then
shows in red with the message as its tooltip until the next good edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from keyplan.ui.formatting import date_text

Index = QModelIndex | QPersistentModelIndex
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
ERROR_BRUSH = QBrush(QColor("#F9D6D5"))


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    display: Callable[[Any], str] | None = None
    editor: str | None = None  # None: read-only; "text", "choice" or "rating"
    choices: Callable[[Any], Sequence[tuple[str, Any]]] | None = None  # record -> choices
    icon: Callable[[Any], QIcon | None] | None = None

    def text(self, record: Any) -> str:
        if self.display is not None:
            return self.display(record)
        value = getattr(record, self.key)
        return "" if value is None else str(value)


def choice_column(key: str, title: str, labels: Mapping[str, str]) -> Column:
    """A column edited by choosing among ``labels`` (stored value -> the text shown); a value
    without a label shows as stored."""
    return Column(
        key,
        title,
        editor="choice",
        display=lambda record: labels.get(getattr(record, key), getattr(record, key)),
        choices=lambda _record: [(text, value) for value, text in labels.items()],
    )


def date_column(key: str, title: str) -> Column:
    """A column of dates, edited with a date editor and shown as the UI writes dates."""
    return Column(key, title, editor="date", display=lambda record: date_text(getattr(record, key)))


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.records: list[Any] = []
        self.errors: dict[tuple[int, str], str] = {}  # (record id, column key) -> message
        self.on_edit: Callable[[Any, str, Any], str | None] | None = None

    def set_records(self, records: Sequence[Any]) -> None:
        """Show ``records``.

        When the same records come back (an edit), they are updated in place in
        the order already shown: a sort proxy re-sorts, the view keeps its cursor
        and any open editor. Only added or removed records reset the model.
        """
        new = list(records)
        if new and {r.id for r in new} == {r.id for r in self.records}:
            by_id = {r.id: r for r in new}
            self.records = [by_id[r.id] for r in self.records]
            self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.records = new
        self.errors.clear()
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self.records[row]

    def row_of(self, record_id: int) -> int:
        return next((i for i, r in enumerate(self.records) if r.id == record_id), -1)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # -- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()].editor:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        column = self.columns[index.column()]
        error = self.errors.get((record.id, column.key))
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.EditRole:
            return getattr(record, column.key)
        if role == SORT_ROLE:
            value = getattr(record, column.key)
            return value.casefold() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.DecorationRole and column.icon is not None:
            return column.icon(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return error or None
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return ERROR_BRUSH
        if role == RECORD_ID_ROLE:
            return record.id
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None:
            return False
        record = self.records[index.row()]
        key = self.columns[index.column()].key
        if value == getattr(record, key):
            return False
        error = self.on_edit(record, key, value)
        if error:
            self.errors[(record.id, key)] = error
            self.dataChanged.emit(index, index)
            return False
        self.errors.pop((record.id, key), None)
        return True


class ValueSortProxy(QSortFilterProxyModel):
    """Sorts on the Python values of ``SORT_ROLE`` (Qt cannot order Decimal or date); blanks
    first."""

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
