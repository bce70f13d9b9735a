"""``python -m keyplan.cli``: the same as ``keyplan-cli``."""

from keyplan.cli import main

raise SystemExit(main())
