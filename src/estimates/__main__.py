"""`python -m estimates` runs the command line."""

from estimates.cli import main

raise SystemExit(main())
