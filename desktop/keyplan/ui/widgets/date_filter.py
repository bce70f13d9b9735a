"""A "from"/"to" date filter above a list: a check box that switches on a date editor."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit


def date_filter(
    label: str,
    name: str,
    initial: QDate,
    refilter: Callable[[], object],
    earliest: QDate | None = None,
) -> tuple[QCheckBox, QDateEdit]:
    """The check box (``name``_enabled) and its date editor (``name``, off until checked);
    ``refilter`` runs when the box is toggled and when the date changes while it is on."""
    check = QCheckBox(label)
    check.setObjectName(name + "_enabled")
    edit = QDateEdit(initial)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDateRange(earliest or QDate(1900, 1, 1), QDate(2200, 12, 31))
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    check.toggled.connect(refilter)
    edit.dateChanged.connect(lambda _day: refilter() if check.isChecked() else None)
    return check, edit
