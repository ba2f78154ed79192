from backroutine.cli import main

raise SystemExit(main())
