"""Take docs/screenshot.png from the running app on the demo workspace.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py [OUTPUT.png]

Uses a throw-away demo workspace and settings, so it never touches the user's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# A throw-away home: the status bar then shows "~/Keyplan/Demo.keyplan", as a user sees it.
HOME = tempfile.mkdtemp(prefix="keyplan-screenshot-")
os.environ["HOME"] = HOME
os.environ["KEYPLAN_HOME"] = os.path.join(HOME, "Keyplan")
os.environ["XDG_CONFIG_HOME"] = os.path.join(HOME, ".config")

from PySide6.QtCore import QSettings  # noqa: E402

from keyplan.ui.app import create_application  # noqa: E402
from keyplan.ui.main_window import MainWindow  # noqa: E402
from keyplan.ui.settings import Settings  # noqa: E402

ACCOUNT = "Sen Việt E-commerce"  # the demo account whose estimate the screenshot shows


def main() -> int:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    app = create_application(sys.argv[:1])
    settings = Settings(QSettings(str(Path(HOME) / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, Path(HOME) / "Keyplan" / "Demo.keyplan")
    window.resize(1440, 820)
    window.show()
    window.splitter.setSizes([400, 1040])  # the tree shows whole subsidiary names
    if not window.open_demo() or window.session is None:
        print("screenshot: the demo workspace did not open", file=sys.stderr)
        return 1
    # the Vietnamese client's Tết estimate: sections, rates, live totals, every script
    estimates = window.session.services.estimates.summaries()
    estimate = next((e for e in estimates if e.account_name == ACCOUNT), estimates[0])
    window.show_estimate(estimate.revision_id)
    app.processEvents()
    output.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(output)):
        print(f"screenshot: cannot write {output}", file=sys.stderr)
        return 1
    print(output)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
