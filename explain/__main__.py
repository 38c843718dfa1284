"""`python -m explain`: the command line over the same analysis the pages show."""

import sys

from explain.cli import main

sys.exit(main())
