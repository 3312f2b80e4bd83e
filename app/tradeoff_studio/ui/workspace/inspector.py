"""The inspector (objectName ``inspector``): the selected candidate with its evidence, compare, lock.

It shows the candidate's knobs and metrics with their intervals; the trade-off rates and
sensitivities at that point in plain words (:mod:`core.decisions.tradeoffs`, :mod:`.sensitivity`);
each constraint with its slack and P(violated); and, with a candidate pinned, the other's
differences with intervals and whether they are distinguishable (:mod:`core.decisions.compare`).
"Lock as decision…" takes a rationale and asks the workspace to record the decision.
Every text from the project is HTML-escaped before it is shown.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core.decisions.compare import compare
from ...core.decisions.preferences import Preferences
from ...core.decisions.risks import constraint_checks
from ...core.decisions.sensitivity import sensitivities
from ...core.decisions.tradeoffs import tradeoff_rates
from .analysis_data import LoadedAnalysis, cell_text, value_with_ci

_MAX_SENSITIVITIES = 6
INLINE_LIMIT = 20_000  # above this many candidates the evidence is computed off the UI thread


class Inspector(QWidget):
    """Evidence for the selected candidate; emits ``pinRequested`` and ``lockRequested``."""

    pinRequested = Signal()  # noqa: N815 (Qt naming)
    lockRequested = Signal(str, bool)  # noqa: N815 rationale, supersede the current decision
    reportRequested = Signal(str)  # noqa: N815 the current decision's id: open the report editor on it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.browser = QTextBrowser()
        self.browser.setObjectName("inspectorText")
        self.browser.setOpenLinks(False)
        self.pin_button = QPushButton("Pin for compare")
        self.pin_button.setObjectName("pinButton")
        self.pin_button.clicked.connect(self.pinRequested)
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("rationaleEdit")
        self.rationale.setPlaceholderText("Rationale: say in a sentence why this candidate…")
        self.rationale.setMaximumHeight(64)
        self.supersede = QCheckBox("Supersedes the current decision")
        self.supersede.setObjectName("supersedeCheck")
        self.lock_button = QPushButton("Lock as decision…")
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(self._lock)
        self.report_button = QPushButton("Report…")
        self.report_button.setObjectName("reportFromDecision")
        self.report_button.setToolTip("Open the report editor on this analysis's current decision")
        self.report_button.clicked.connect(self._report)
        self._current_decision = ""
        buttons = QHBoxLayout()
        buttons.addWidget(self.pin_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(self.lock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.browser, 1)
        prompt = QLabel("Lock the selected candidate as the decision:")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.rationale)
        layout.addWidget(self.supersede)
        layout.addLayout(buttons)
        self.show_candidate(None, None, None, Preferences())

    def show_candidate(
        self, data: LoadedAnalysis | None, row: int | None, pinned: int | None, prefs: Preferences
    ) -> None:
        """Show candidate ``row`` of ``data`` (None: a hint), compared with ``pinned`` when set."""
        enabled = data is not None and row is not None
        self.lock_button.setEnabled(enabled)
        self.pin_button.setEnabled(enabled)
        self.pin_button.setText("Unpin" if enabled and pinned == row else "Pin for compare")
        current = data.current_decision() if data is not None else None
        self._current_decision = current.id if current is not None else ""
        self.report_button.setEnabled(current is not None)  # a report documents a locked decision
        self.supersede.setVisible(current is not None)
        self.supersede.setChecked(current is not None)
        if current is not None:
            self.supersede.setText(f"Supersede decision {current.id}")
            self.supersede.setToolTip(f"The current decision {current.id} chose {current.candidate_id}.")
        if data is None or row is None:
            self.browser.setHtml("<p>Click a point, or use the arrow keys, to inspect a candidate.</p>")
        elif len(data.ids) <= INLINE_LIMIT:
            self.browser.setHtml(candidate_html(data, row, pinned, prefs))
        else:  # the workspace computes the evidence off the UI thread and calls show_html
            self.browser.setHtml(f"<h3>{escape(data.ids[row])}</h3><p>Computing its evidence…</p>")

    def show_html(self, html: str) -> None:
        """Show evidence computed elsewhere (:func:`candidate_html` on a worker thread)."""
        self.browser.setHtml(html)

    def _report(self) -> None:
        if self._current_decision:
            self.reportRequested.emit(self._current_decision)

    def _lock(self) -> None:
        self.lockRequested.emit(self.rationale.toPlainText(), self.supersede.isVisible() and
                                self.supersede.isChecked())  # fmt: skip


def _status(data: LoadedAnalysis, row: int) -> str:
    """Where the candidate stands: on the front, on the mixture hull (cost–quality), or dominated."""
    if data.front[row]:
        return "on the Pareto front"
    frame = data.table.frame
    if "on_hull" in frame.columns and bool(frame["on_hull"].iloc[row]):
        return ("on the mixture hull: reached by mixing options at random (the Pareto front counts "
                "single systems and cascades only)")  # fmt: skip
    rank = int(data.ranks[row])
    return f"dominated (rank {rank})" if rank > 0 else "not on the front"


def candidate_html(data: LoadedAnalysis, row: int, pinned: int | None, prefs: Preferences) -> str:
    """The inspector's text for candidate ``row`` (escaped HTML)."""
    table, candidate = data.table, data.ids[row]
    frame = table.frame
    parts = [f"<h3>{escape(candidate)}</h3><p>{escape(_status(data, row))}</p>"]
    if pinned is not None and pinned != row:
        deltas = [delta.text for delta in compare(table, data.ids[pinned], candidate)]
        parts.append(_list(f"Compared with pinned {data.ids[pinned]} (this − pinned)", deltas))
    rates = [rate.text for rate in tradeoff_rates(table, candidate)]
    sens = [item.text for item in sensitivities(table, candidate)][:_MAX_SENSITIVITIES]
    parts.append(_list("Trade-offs here", rates + sens or ["none: a single objective and no knob steps"]))
    if prefs.constraints:
        checks = [_check_text(check) for check in constraint_checks(table, candidate, prefs.constraints)]
        parts.append(_list("Constraints and risks", checks))
    knobs = [(k, cell_text(frame[k].iloc[row])) for k in table.knobs if not _is_weight(k, frame, row)]
    parts.append(_rows("Knobs", knobs))
    objectives = {o.metric: "↑" if o.direction == "max" else "↓" for o in table.objectives}
    metrics = [(f"{m} {objectives.get(m, '')}".strip(), value_with_ci(table, m, row)) for m in table.metrics]
    parts.append(_rows("Metrics (estimate [CI])", metrics))
    return "".join(parts)


def _is_weight(knob: str, frame: object, row: int) -> bool:
    """Zero portfolio weights are left out of the knob list (the overlay draws the weights)."""
    return knob.startswith("weight_") and frame[knob].iloc[row] == 0  # type: ignore[index]


def _check_text(check: dict[str, object]) -> str:
    slack = float(check["slack"])  # type: ignore[arg-type]
    verdict = "met" if slack >= 0 else "VIOLATED"
    text = f"{check['constraint']}: {verdict}, judged on {cell_text(check['judged_on'])}, slack {slack:+.4g}"
    probability = check.get("p_violated")
    if isinstance(probability, float):
        text += f"; P(violated) ≈ {probability:.1%}"
    return text


def _rows(title: str, rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>" for name, value in rows)
    return f"<h4>{escape(title)}</h4><table cellspacing='2'>{cells}</table>"


def _list(title: str, lines: list[str]) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<h4>{escape(title)}</h4><ul>{items}</ul>"
