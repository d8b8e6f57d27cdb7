from legalprompt.cli import main

raise SystemExit(main())
