"""The headings of pages and sections, one look everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def page_title(text: str = "") -> QLabel:
    """A page's title: bold, 1.6 times the body text."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


def section_title(text: str = "") -> QLabel:
    """The bold heading over a table or a group of fields."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
