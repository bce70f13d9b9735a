"""The user's own time zone without Qt (the CLI): what "due today" means.

The IANA zone is looked up from ``TZ`` or the system's ``/etc/localtime`` link; only when
neither names one (Windows without Qt) does it fall back to the current fixed offset, which is
right except across a daylight-saving change.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["local_zone"]


def local_zone() -> tzinfo:
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return datetime.now().astimezone().tzinfo or UTC
