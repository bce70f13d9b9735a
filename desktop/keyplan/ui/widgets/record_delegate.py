"""Editors for RecordTableModel cells: line edit, choice list or 1-5 rating."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from keyplan.ui.models.record_table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex


def _source(index: Index) -> tuple[RecordTableModel, QModelIndex]:
    """The RecordTableModel behind ``index``, through any proxy models."""
    model: Any = index.model()
    source = QModelIndex(index) if isinstance(index, QPersistentModelIndex) else index
    while not isinstance(model, RecordTableModel):
        source = model.mapToSource(source)
        model = model.sourceModel()
    return model, source


class RecordDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model, source = _source(index)
        column = model.columns[source.column()]
        if column.editor == "choice" and column.choices is not None:
            combo = QComboBox(parent)
            for text, data in column.choices(model.record(source.row())):
                combo.addItem(text, data)
            return combo
        if column.editor == "rating":
            spin = QSpinBox(parent)
            spin.setRange(0, 5)
            spin.setSpecialValueText("–")
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QSpinBox):
            editor.setValue(value or 0)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QSpinBox):
            model.setData(index, editor.value() or None, Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
