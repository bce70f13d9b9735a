"""Where Keyplan keeps files on this computer (per OS, through platformdirs).

``KEYPLAN_HOME`` puts everything under one folder instead (tests, portable use).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from keyplan import APP_NAME, ORGANISATION


def data_dir() -> Path:
    if home := os.environ.get("KEYPLAN_HOME"):
        return Path(home)
    return platformdirs.user_data_path(APP_NAME, ORGANISATION)


def backup_dir() -> Path:
    """Automatic backups (e.g. before a schema upgrade)."""
    return data_dir() / "backups"


def demo_path() -> Path:
    return data_dir() / "Demo.keyplan"


def default_folder() -> Path:
    """Where file dialogs start: the user's documents folder."""
    if os.environ.get("KEYPLAN_HOME"):
        return data_dir()
    return platformdirs.user_documents_path()
