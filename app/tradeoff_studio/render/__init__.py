"""Rendering of reports and figures with QtGui only (no widgets, no pyqtgraph).

``pdf.write_document`` writes a :class:`~tradeoff_studio.core.reports.blocks.Document` as a PDF;
``layout.DocumentLayout`` paginates it (the PDF and the app's live preview share it);
``figures`` holds the vector painters of the front and bar figures. Importing this package loads
nothing: each module imports Qt itself, so the CLI pays for Qt only when it renders.
"""
