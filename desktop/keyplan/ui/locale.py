"""The locale numbers are typed and shown in, in babel's spelling."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import QLocale


@lru_cache(maxsize=16)
def _babel_knows(name: str) -> bool:
    # parsing a babel locale costs a file read: tables format thousands of cells
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def ui_locale() -> str:
    """``de_DE`` for a German desktop; ``en_US`` when the system says only "C"."""
    name = QLocale().name()
    return name if _babel_knows(name) else "en_US"
