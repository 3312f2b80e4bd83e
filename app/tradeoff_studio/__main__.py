"""``python -m tradeoff_studio`` starts the desktop app."""

import sys

from .ui.app import main

if __name__ == "__main__":  # a spawned child process (model-variant measurement) re-imports this module
    sys.exit(main())
