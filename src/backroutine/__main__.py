from backroutine.entry import main

raise SystemExit(main())
