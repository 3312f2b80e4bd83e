"""``python -m tradeoff_studio`` starts the desktop app."""

import sys

from .ui.app import main

sys.exit(main())
