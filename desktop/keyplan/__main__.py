from keyplan.ui.app import main

raise SystemExit(main())
