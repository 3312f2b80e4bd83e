"""The desktop app: the only QtWidgets / pyqtgraph code (DESIGN.md §3)."""
