"""The first page a user sees with no workspace open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyplan import resources


class WelcomeView(QWidget):
    create_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        logo = QLabel()
        logo.setPixmap(QIcon(str(resources.path("icons", "keyplan.svg"))).pixmap(QSize(72, 72)))
        title = QLabel(self.tr("Welcome to Keyplan"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel(
            self.tr(
                "Your accounts, contacts, plans and estimates in one file on this laptop. "
                "Everything is saved as you type and works without a network."
            )
        )
        blurb.setWordWrap(True)

        buttons = QVBoxLayout()
        for name, text, signal in (
            ("create_workspace", self.tr("Create workspace…"), self.create_requested),
            ("open_workspace", self.tr("Open workspace…"), self.open_requested),
            ("open_demo", self.tr("Open the demo workspace"), self.demo_requested),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setMinimumHeight(36)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch()

        self.recent = QListWidget()
        self.recent.setObjectName("recent_list")
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        recent_box = QVBoxLayout()
        recent_box.addWidget(QLabel(self.tr("Recent workspaces")))
        recent_box.addWidget(self.recent)

        row = QHBoxLayout()
        row.addLayout(buttons, 1)
        row.addSpacing(24)
        row.addLayout(recent_box, 2)

        column = QVBoxLayout()
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(blurb)
        column.addSpacing(16)
        column.addLayout(row)
        column.addStretch()
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)

    def set_recent(self, paths: list[Path]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.stem}\n{path}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        if not paths:
            placeholder = QListWidgetItem(self.tr("(none yet)"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)
