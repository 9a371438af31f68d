"""`python -m atlas.cli …` runs the `atlas` command."""

import sys

from atlas.cli import main

sys.exit(main())
