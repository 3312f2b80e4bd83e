"""What the editor shows of a report: the fields a person edits, and the sections filled automatically.

A field is addressed by its path in the :class:`~tradeoff_studio.core.reports.model.Report`
(``("evaluation", "title")``, ``("risks", 2, "mitigation")``); :func:`get_value` and
:func:`set_value` read and write it. A :class:`~..core.reports.model.Text` typed in the editor is
stored as edited, so a rebuild of the report keeps it (``keep_edits``). Qt-free, so it is easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ...core.decisions.card import number
from ...core.reports.model import LEVELS, METHODS, Report, Text

FieldPath = tuple[str | int, ...]
Kind = Literal["line", "text", "lines", "choice", "int"]


@dataclass(frozen=True)
class FieldSpec:
    """One editable field: where it lives in the model, its label and the widget that edits it."""

    path: FieldPath
    label: str
    kind: Kind
    choices: tuple[str, ...] = ()
    hint: str = ""

    @property
    def name(self) -> str:
        """The widget's objectName: ``field_`` and the path joined by underscores."""
        return "field_" + "_".join(str(part) for part in self.path)


def get_value(report: Report, path: FieldPath) -> Any:
    """The value at ``path`` (a Text, a string, a list of strings or an int)."""
    value: Any = report
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def set_value(report: Report, path: FieldPath, value: Any) -> None:
    """Store ``value`` at ``path``."""
    parent = get_value(report, path[:-1])
    last = path[-1]
    if isinstance(last, int):
        parent[last] = value
    else:
        setattr(parent, last, value)


def shown(value: Any) -> Any:
    """What the widget shows for a model value: a Text's words, a list as lines."""
    if isinstance(value, Text):
        return value.text
    if isinstance(value, list):
        return "\n".join(value)
    return value


def stored(spec: FieldSpec, old: Any, widget_value: Any) -> Any:
    """The model value for what the widget holds (a typed Text is marked edited)."""
    if isinstance(old, Text):
        return Text(str(widget_value), True)
    if spec.kind == "lines":
        return [line.strip() for line in str(widget_value).splitlines() if line.strip()]
    if spec.kind == "int":
        return int(widget_value)
    return str(widget_value)


# The report's heading each editor section is printed under ("" = the cover); a decision's section
# is printed under its own title ("Decision <id>: <analysis>"), the same words as the editor's.
SECTION_HEADINGS = {
    "Evaluation": "",
    "Decision cards": "",
    "Executive summary": "Executive summary",
    "Business drivers": "Context and business drivers",
    "Quality-attribute scenarios": "Quality attributes and utility tree",
    "Quality attributes": "Quality attributes and utility tree",
    "Alternatives": "Alternatives",
    "Sensitivity points": "Sensitivity and trade-off analysis",
    "Trade-off points": "Sensitivity and trade-off analysis",
    "Risk mitigations and owners": "Risks, non-risks and risk themes",
    "Risk themes": "Risks, non-risks and risk themes",
    "Risks and non-risks": "Risks, non-risks and risk themes",
    "Analysis-specific evidence": "Analysis-specific evidence",
    "Next iteration": "Confirmation and next iteration",
    "Provenance": "Provenance",
}


def section_heading(section: str) -> str:
    """The heading of the printed report that ``section`` of the editor shows ("" = the cover)."""
    return SECTION_HEADINGS.get(section, section)


def editable_sections(report: Report) -> list[tuple[str, list[FieldSpec]]]:
    """The fields only a person knows, grouped as the editor shows them."""
    sections: list[tuple[str, list[FieldSpec]]] = [
        ("Evaluation", _evaluation_fields()),
        ("Executive summary", [FieldSpec(("summary",), "Summary", "text")]),
    ]
    drivers = [
        FieldSpec(("drivers", i, "statement"), d.id, "text", hint=", ".join(d.constraints))
        for i, d in enumerate(report.drivers)
    ]
    sections.append(("Business drivers", drivers))
    for i, decision in enumerate(report.decisions):
        sections.append((f"Decision {decision.id}: {decision.analysis}", _decision_fields(i)))
    scenarios = []
    for i, scenario in enumerate(report.scenarios):
        scenarios += [
            FieldSpec(("scenarios", i, "importance"), f"{scenario.id} importance", "choice", LEVELS,
                      hint=scenario.response_measure),
            FieldSpec(("scenarios", i, "difficulty"), f"{scenario.id} difficulty", "choice", LEVELS),
        ]  # fmt: skip
    sections.append(("Quality-attribute scenarios", scenarios))
    risks = []
    for i, risk in enumerate(report.risks):
        if risk.kind == "risk":
            risks += [
                FieldSpec(("risks", i, "mitigation"), f"{risk.id} mitigation", "line", hint=risk.statement),
                FieldSpec(("risks", i, "owner"), f"{risk.id} owner", "line"),
            ]
    sections.append(("Risk mitigations and owners", risks))
    themes = [FieldSpec(("themes", i, "title"), theme.id, "line") for i, theme in enumerate(report.themes)]
    sections.append(("Risk themes", themes))
    sections.append(("Next iteration", [FieldSpec(("next_iteration",), "Next iteration", "text")]))
    return [(title, fields) for title, fields in sections if fields]


def _evaluation_fields() -> list[FieldSpec]:
    people = ("evaluators", "decision_makers", "consulted", "informed", "stakeholders")
    return [
        FieldSpec(("evaluation", "title"), "Title", "line"),
        FieldSpec(("evaluation", "method"), "Method", "choice", METHODS,
                  hint="ATRAM: a concrete system · RATRAM: a reference architecture · AFTRAM: a framework"),
        FieldSpec(("evaluation", "iteration"), "Iteration", "int"),
        *(FieldSpec(("evaluation", name), name.replace("_", "-").capitalize(), "line") for name in people),
    ]  # fmt: skip


def _decision_fields(index: int) -> list[FieldSpec]:
    base: FieldPath = ("decisions", index)
    return [
        FieldSpec((*base, "context"), "Context", "text"),
        FieldSpec((*base, "outcome"), "Rationale (chosen because)", "text"),
        FieldSpec((*base, "good"), "Good consequences", "lines", hint="one per line"),
        FieldSpec((*base, "bad"), "Bad consequences", "lines", hint="one per line"),
        FieldSpec((*base, "more"), "Confirmation notes", "text", hint="printed as 'More information'"),
    ]


def review_sections(report: Report) -> list[tuple[str, list[str]]]:
    """The sections filled from the analysis, as lines to review (read-only in the editor)."""
    names = {d.id: d.analysis for d in report.decisions}
    sections = [
        ("Decision cards", [line for d in report.decisions for line in (f"{d.analysis}:", *d.card)]),
        ("Quality attributes", [
            f"{q.metric} ({names.get(q.decision_id, q.decision_id)}): {q.direction}"
            + (f", threshold {q.threshold}" if q.threshold else "")
            + (f", weight {number(q.weight)}" if q.weight is not None else "")
            for q in report.qualities
        ]),
        ("Alternatives", [
            f"{a.candidate_id} ({', '.join(a.roles)}): "
            + ", ".join(f"{k} {number(v)}" for k, v in a.values.items())
            for a in report.alternatives
        ]),
        ("Sensitivity points", [s.text for s in report.sensitivity if s.flagged] or
                               [s.text for s in report.sensitivity[:5]]),
        ("Trade-off points", [t.text for t in report.tradeoffs]),
        ("Risks and non-risks", [f"{r.id} ({r.kind}): {r.statement}" for r in report.risks]),
        ("Analysis-specific evidence", [f"{k.title}: {note}" for k in report.kinds for note in k.notes]),
        ("Provenance", _provenance_lines(report)),
    ]  # fmt: skip
    return [(title, lines) for title, lines in sections if lines]


def _provenance_lines(report: Report) -> list[str]:
    found = report.provenance
    lines = [f"table {d.table}: {d.rows:,} rows, SHA-256 {d.sha256[:16]}…" for d in found.data]
    lines += [f"model {m.get('name')}: SHA-256 {str(m.get('sha256'))[:16]}…" for m in found.models]
    lines += [f"analysis {a.name} ({a.kind}): {a.command}" for a in found.analyses]
    return lines
