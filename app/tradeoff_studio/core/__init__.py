"""Qt-free core: everything a notebook, the CLI or a test can call (DESIGN.md §3)."""
