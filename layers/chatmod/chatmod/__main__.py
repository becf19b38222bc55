"""``python -m chatmod``: see chatmod.cli."""

from chatmod.cli import main

raise SystemExit(main())
