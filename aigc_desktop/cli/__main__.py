from aigc_desktop.cli import main

raise SystemExit(main())
