"""Test-wide set-up: headless Qt, and no test touches the user's real settings or files."""

from __future__ import annotations

import os
import tempfile

# Before anything imports Qt: render offscreen, keep QSettings and app data in a
# throw-away folder so tests never read or write the real user's configuration.
_HOME = tempfile.mkdtemp(prefix="keyplan-tests-")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["KEYPLAN_HOME"] = os.path.join(_HOME, "data")
os.environ.setdefault("LC_ALL", "C.UTF-8")
