"""Red / amber / green: one colour table, drawn as a dot icon or a badge label."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

RAG_COLOURS = {"green": "#2E7D32", "amber": "#F29D0A", "red": "#C62828"}
REPORT_STATE_COLOURS = {  # of contact reports under the 24-hour rule
    "overdue": "#C62828",
    "due_today": "#F29D0A",
    "due": "#1F4E79",
    "upcoming": "#9E9E9E",
    "sent": "#2E7D32",
}
STATUS_COLOURS = {  # of estimate revisions and change orders
    "draft": "#757575",
    "sent": "#1565C0",
    "approved": RAG_COLOURS["green"],
    "rejected": RAG_COLOURS["red"],
    "superseded": "#9E9E9E",
}


def rag_icon(health: str, size: int = 12) -> QIcon:
    return dot_icon(RAG_COLOURS.get(health, "#9E9E9E"), size)


def status_icon(status: str, size: int = 12) -> QIcon:
    return dot_icon(STATUS_COLOURS.get(status, "#9E9E9E"), size)


@cache
def dot_icon(colour: str, size: int = 12) -> QIcon:
    """A coloured dot, drawn at 2x for high-DPI screens."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


class RagBadge(QLabel):
    """A rounded coloured label such as 'Amber'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_health("green", "")

    def set_health(self, health: str, text: str, tooltip: str = "") -> None:
        colour = RAG_COLOURS.get(health, "#9E9E9E")
        self.setText(text)
        self.setToolTip(tooltip)
        self.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 9px;"
            " padding: 2px 10px; font-weight: 600; }"
        )
