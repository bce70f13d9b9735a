"""Typed user settings over QSettings: declared once with key, type and default.

Only what belongs to the user and not to the data lives here (window layout,
recent workspaces); business settings live in the workspace's agency profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from keyplan import APP_NAME, ORGANISATION

RECENT_MAX = 10


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings(ORGANISATION, APP_NAME)

    def _bytes(self, key: str) -> QByteArray | None:
        value: Any = self._q.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # window layout
    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._q.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._q.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._q.setValue(f"splitters/{name}", value)

    # workspaces
    @property
    def recent_workspaces(self) -> list[Path]:
        value: Any = self._q.value("workspaces/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [Path(item) for item in value or [] if item]

    def add_recent_workspace(self, path: Path) -> None:
        paths = [p for p in self.recent_workspaces if p != path]
        self._q.setValue("workspaces/recent", [str(p) for p in [path, *paths][:RECENT_MAX]])

    def remove_recent_workspace(self, path: Path) -> None:
        self._q.setValue("workspaces/recent", [str(p) for p in self.recent_workspaces if p != path])

    def clear_recent_workspaces(self) -> None:
        self._q.setValue("workspaces/recent", [])

    @property
    def last_workspace(self) -> Path | None:
        value: Any = self._q.value("workspaces/last", "")
        return Path(value) if value else None

    @last_workspace.setter
    def last_workspace(self, path: Path | None) -> None:
        self._q.setValue("workspaces/last", str(path) if path else "")

    def sync(self) -> None:
        self._q.sync()
