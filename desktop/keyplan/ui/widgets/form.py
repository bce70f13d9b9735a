"""A form whose fields save themselves: each finished edit asks to be committed.

The form knows nothing about services. It emits ``commit(field, value)`` when
the user finishes editing a field (Enter, Tab, focus out, a choice made) and
``check(field, value)`` as they type; the owner answers with ``show_error`` or
``clear_error``. Errors appear in red right under the field, never in a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

INVALID_STYLE = "border: 1px solid #C62828; border-radius: 3px;"


@dataclass
class Field:
    name: str
    widget: QWidget
    error: QLabel
    read: Callable[[], Any]
    write: Callable[[Any], None]


class FocusOutFilter(QObject):
    """Calls back when a QPlainTextEdit loses focus: its 'editing finished'.

    A context menu or completer popup taking focus is not the end of editing.
    """

    def __init__(self, callback: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusOut
            and isinstance(event, QFocusEvent)
            and event.reason() != Qt.FocusReason.PopupFocusReason
        ):
            self._callback()
        return False


class _WheelOnlyWhenFocused(QObject):
    """Scrolling a form must scroll it, not change the combo or number under the mouse."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
            and watched.parentWidget() is not None
        ):
            # hand the wheel to the parent: it travels up to the scroll area
            QApplication.sendEvent(watched.parentWidget(), event)
            return True
        return False


_WHEEL_GUARD: _WheelOnlyWhenFocused | None = None


def _guard_wheel(widget: QWidget) -> None:
    global _WHEEL_GUARD
    if _WHEEL_GUARD is None:
        _WHEEL_GUARD = _WheelOnlyWhenFocused()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD)


class Form(QWidget):
    commit = Signal(str, object)
    check = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, Field] = {}
        self._values: dict[str, Any] = {}

    # -- building ----------------------------------------------------------------------

    def _add(
        self,
        name: str,
        label: str,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
    ) -> None:
        error = QLabel()
        error.setObjectName(f"{name}_error")
        error.setStyleSheet("color: #C62828;")
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        widget.setObjectName(name)
        self.layout_.addRow(label, box)
        self.fields[name] = Field(name, widget, error, read, write)

    def _finished(self, name: str) -> None:
        field = self.fields[name]
        value = field.read()
        if value != self._values.get(name) or not field.error.isHidden():
            self.commit.emit(name, value)

    def add_line(self, name: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self._add(name, label, edit, edit.text, lambda v: edit.setText(v or ""))
        edit.editingFinished.connect(lambda: self._finished(name))
        edit.textEdited.connect(lambda text: self.check.emit(name, text))
        return edit

    def add_text(self, name: str, label: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(110)
        self._add(name, label, edit, edit.toPlainText, lambda v: edit.setPlainText(v or ""))
        edit.installEventFilter(FocusOutFilter(lambda: self._finished(name), edit))
        return edit

    def add_choice(
        self,
        name: str,
        label: str,
        choices: Sequence[tuple[str, Any]],
        *,
        editable: bool = False,
    ) -> QComboBox:
        combo = QComboBox()
        _guard_wheel(combo)
        combo.setEditable(editable)
        if editable:
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

        def read() -> Any:
            if editable:
                return combo.currentText()
            return combo.currentData()

        def write(value: Any) -> None:
            index = combo.findData(value)
            if editable and index < 0:
                combo.setEditText(str(value or ""))
            else:
                combo.setCurrentIndex(index)

        self._add(name, label, combo, read, write)
        self.set_choices(name, choices)
        combo.activated.connect(lambda _index: self._finished(name))
        if editable and combo.lineEdit() is not None:
            combo.lineEdit().editingFinished.connect(lambda: self._finished(name))
            combo.lineEdit().textEdited.connect(lambda text: self.check.emit(name, text))
        return combo

    def set_choices(self, name: str, choices: Sequence[tuple[str, Any]]) -> None:
        combo = self.fields[name].widget
        assert isinstance(combo, QComboBox)
        combo.blockSignals(True)
        combo.clear()
        for text, data in choices:
            combo.addItem(text, data)
        combo.blockSignals(False)
        if name in self._values:
            self.fields[name].write(self._values[name])

    def add_spin(
        self, name: str, label: str, low: int, high: int, *, none_text: str = "", suffix: str = ""
    ) -> QSpinBox:
        """An integer; when ``none_text`` is given, the value ``low - 1`` means 'not set'."""
        spin = QSpinBox()
        _guard_wheel(spin)
        spin.setRange(low - 1 if none_text else low, high)
        spin.setSuffix(suffix)
        if none_text:
            spin.setSpecialValueText(none_text)

        def read() -> int | None:
            value = spin.value()
            return None if none_text and value == low - 1 else value

        def write(value: int | None) -> None:
            spin.setValue(low - 1 if value is None else value)

        self._add(name, label, spin, read, write)
        spin.editingFinished.connect(lambda: self._finished(name))
        return spin

    def add_date(self, name: str, label: str) -> QDateEdit:
        edit = QDateEdit()
        _guard_wheel(edit)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDateRange(QDate(1900, 1, 1), QDate(2200, 12, 31))

        def write(value: date | None) -> None:
            edit.setDate(QDate(value) if value else QDate.currentDate())

        self._add(name, label, edit, lambda: edit.date().toPython(), write)
        edit.editingFinished.connect(lambda: self._finished(name))
        # a date picked in the calendar popup is final: save it once the edit has it
        edit.calendarWidget().clicked.connect(
            lambda _date: QTimer.singleShot(0, lambda: self._finished(name))
        )
        return edit

    def add_label(self, name: str, label: str) -> QLabel:
        value = QLabel()
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._add(name, label, value, value.text, lambda v: value.setText(str(v or "")))
        return value

    def add_beside(self, name: str, extra: QWidget) -> None:
        """Put ``extra`` (e.g. a "Choose…" button) on the right of a field."""
        field = self.fields[name]
        box = field.widget.parentWidget()
        column = box.layout()
        assert isinstance(column, QVBoxLayout)
        row = QHBoxLayout()
        column.removeWidget(field.widget)
        row.addWidget(field.widget, 1)
        row.addWidget(extra)
        column.insertLayout(0, row)

    # -- values and errors -------------------------------------------------------------

    def set_values(self, values: dict[str, Any]) -> None:
        """Show stored values; a field showing an error keeps the user's text."""
        for name, value in values.items():
            field = self.fields.get(name)
            if field is None:
                continue
            self._values[name] = value
            if not field.error.isHidden() or field.read() == value:
                continue  # an error keeps the typed text; an equal value keeps the cursor
            field.widget.blockSignals(True)
            field.write(value)
            field.widget.blockSignals(False)

    def reset(self) -> None:
        """Forget errors and typed text: show exactly what is stored."""
        for field in self.fields.values():
            self.clear_error(field.name)
        self.set_values(dict(self._values))

    def show_error(self, name: str, message: str) -> None:
        field = self.fields[name]
        field.error.setText(message)
        field.error.show()
        field.widget.setStyleSheet(INVALID_STYLE)
        field.widget.setToolTip(message)

    def clear_error(self, name: str) -> None:
        field = self.fields[name]
        field.error.hide()
        field.error.clear()
        field.widget.setStyleSheet("")
        field.widget.setToolTip("")

    def error_text(self, name: str) -> str:
        field = self.fields[name]
        return field.error.text() if not field.error.isHidden() else ""
