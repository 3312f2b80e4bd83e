"""Help ▸ About: the app's icon and the versions of the app, Qt, DuckDB, onnxruntime and its providers."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.about import execution_providers, library_versions
from .icons import app_icon


def version_rows() -> list[tuple[str, str]]:
    """(name, version) for the About box; onnxruntime is imported here, on demand."""
    versions = library_versions()
    rows = [(name, versions[name]) for name in ("Tradeoff Studio", "Python")]
    rows += [("Qt", qVersion()), ("PySide6", PySide6.__version__), ("DuckDB", versions["DuckDB"])]
    rows.append(("onnxruntime", versions["onnxruntime"]))
    try:
        available, working = execution_providers()
    except ImportError as error:
        return [*rows, ("Execution providers", f"onnxruntime cannot be imported: {error}")]
    rows.append(("Execution providers available", ", ".join(available) or "none"))
    rows.append(("Execution providers working here", ", ".join(working) or "none"))
    return rows


class AboutDialog(QDialog):
    """A modal box listing :func:`version_rows` (objectName ``aboutDialog``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Tradeoff Studio")
        self.rows = version_rows()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            "<h2>Tradeoff Studio</h2><p>Choose an operating point among competing objectives, "
            "and defend the choice in writing.</p>"
        )
        title.setWordWrap(True)
        self.versions = QLabel(_table(self.rows))
        self.versions.setObjectName("aboutVersions")
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(self.versions)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The versions as plain text, one ``name: version`` per line."""
        return "\n".join(f"{name}: {version}" for name, version in self.rows)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding-right:14px'><b>{html.escape(name)}</b></td>"
        f"<td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return f"<table>{cells}</table>"
