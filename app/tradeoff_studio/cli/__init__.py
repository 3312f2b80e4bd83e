"""The command line: a second client of ``core.workflows``."""
