"""Find shipped resources (fonts, icons, translations) wherever Keyplan runs.

The one place that knows the layouts:
- a source checkout or editable install: ``<repo>/resources``;
- an installed wheel: ``<prefix>/share/keyplan/resources`` (pyproject data-files);
- a PyInstaller bundle: ``<bundle>/resources``.
``KEYPLAN_RESOURCES`` overrides all three (used by packagers and tests).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path


def _candidates() -> list[Path]:
    found = []
    if override := os.environ.get("KEYPLAN_RESOURCES"):
        found.append(Path(override))
    if bundle := getattr(sys, "_MEIPASS", None):
        found.append(Path(bundle) / "resources")
    found.append(Path(__file__).resolve().parents[2] / "resources")
    found.append(Path(sys.prefix) / "share" / "keyplan" / "resources")
    return found


@cache
def root() -> Path:
    for candidate in _candidates():
        if (candidate / "fonts").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"Keyplan's resources are missing (looked in {searched}).")


def path(*parts: str) -> Path:
    """Path of a resource, e.g. ``path("fonts", "NotoSans-Regular.ttf")``."""
    return root().joinpath(*parts)


def fonts() -> list[Path]:
    """Every font file shipped, sans faces first so they win for Latin text."""
    folder = root() / "fonts"
    return sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in {".ttf", ".ttc", ".otf"}),
        key=lambda p: (not p.name.startswith("NotoSans"), p.name),
    )
