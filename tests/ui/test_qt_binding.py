"""The Qt binding itself must not corrupt Python: a guard against a known PySide6 bug.

PySide6 6.12.0 under Python 3.11 released one reference to None on every Qt call
that returns nothing; after enough calls Python aborts ("none_dealloc"). The app
makes millions of such calls in a day, so the installed binding is checked here.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox


def test_void_qt_calls_leave_none_references_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = QComboBox()
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for number in range(300):  # enough to see a leak, too few to exhaust None
        combo.setEnabled(number % 2 == 0)
        combo.addItem(str(number))
    combo.clear()
    lost = before - sys.getrefcount(None)
    assert lost < 50, f"the Qt binding lost {lost} references to None in 600 calls"
