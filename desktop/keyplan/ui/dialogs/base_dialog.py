"""The base of every dialog: remembers its size, Enter accepts, Escape cancels."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from keyplan import APP_NAME, ORGANISATION


class BaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings_key = f"dialogs/{type(self).__name__}/geometry"
        geometry = QSettings(ORGANISATION, APP_NAME).value(self._settings_key)
        self.has_saved_geometry = geometry is not None
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]

    def _remember(self) -> None:
        QSettings(ORGANISATION, APP_NAME).setValue(self._settings_key, self.saveGeometry())

    def done(self, result: int) -> None:
        self._remember()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        super().closeEvent(event)
