"""Tables of records edited in place (the record tables of the pages and panels)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView

# Editing starts on a double-click, F2 or simply typing into the cell, as in a spreadsheet.
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)


def editable_table(
    name: str,
    model: QAbstractItemModel,
    delegate: Callable[[QTableView], QAbstractItemDelegate],
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
) -> QTableView:
    """A table that selects whole rows and edits its cells through ``delegate(table)``; the
    caller adds its own header and wrapping choices."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setItemDelegate(delegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(EDIT_TRIGGERS)
    return table
