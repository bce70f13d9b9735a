"""Read-only tables of plain rows (previews and comparisons in dialogs)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView


def row_items(cells: Sequence[str], numbers: frozenset[int] = frozenset()) -> list[QStandardItem]:
    """One row: each text on one line (the whole text in its tooltip), numbers right-aligned."""
    items = []
    for column, text in enumerate(cells):
        item = QStandardItem(" ".join(text.split()))
        item.setEditable(False)
        if text:
            item.setToolTip(text)
        if column in numbers:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items.append(item)
    return items


def read_only_table(name: str, model: QStandardItemModel) -> QTableView:
    """A table of whole-row selection, no editing, compact single-line rows."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(False)
    return table
