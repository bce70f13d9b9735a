"""The locale numbers are typed and shown in, in babel's spelling."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import QLocale


def ui_locale() -> str:
    """``de_DE`` for a German desktop; ``en_US`` when the system says only "C"."""
    name = QLocale().name()
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return "en_US"
    return name
