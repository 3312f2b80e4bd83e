"""The ATRAF report model: Qt-free dataclasses that round-trip through JSON.

One :class:`Report` documents one or more decisions in the vocabulary of ATRAF/ATAM
(``../shared/research/atraf_reports.md`` §1.3): the evaluation, business drivers, quality
attributes with their scenarios and utility tree, the alternatives, each decision in MADR shape,
sensitivity and trade-off points, risks and non-risks with their evidence, risk themes, a
section per analysis kind, figures' data and provenance.

Free text that only a person knows is a :class:`Text`: ``edited`` marks a value a person typed,
so :func:`keep_edits` can carry it over when the report is rebuilt from the project (a rebuild
never overwrites a person's words). Everything else is filled from the analysis and is rebuilt.
:func:`report_from_dict` reads back exactly what :meth:`Report.to_dict` wrote.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import StudioError
from .jsonload import load_json

MODEL_VERSION = 1
METHODS = ("ATRAM", "RATRAM", "AFTRAM")
LEVELS = ("H", "M", "L")


class ReportError(StudioError):
    """A report cannot be built, read, verified or written; the message says which and what to do."""


@dataclass
class Text:
    """A text field: filled automatically (``edited`` False) or typed by a person (``edited`` True)."""

    text: str = ""
    edited: bool = False


def auto(text: str) -> Text:
    """An automatically filled text."""
    return Text(text, False)


@dataclass
class Evaluation:
    """Who evaluated what, how and when (the cover's decision card)."""

    title: Text
    method: str = "ATRAM"  # ATRAM (a concrete system), RATRAM (reference architecture), AFTRAM (framework)
    iteration: int = 1
    date: str = ""
    evaluators: Text = field(default_factory=Text)
    stakeholders: Text = field(default_factory=Text)
    decision_makers: Text = field(default_factory=Text)
    consulted: Text = field(default_factory=Text)
    informed: Text = field(default_factory=Text)


@dataclass
class BusinessDriver:
    """A business goal the decisions serve, with the constraints that encode it."""

    id: str
    statement: Text
    priority: str = "H"
    constraints: list[str] = field(default_factory=list)
    decision_id: str = ""


@dataclass
class QualityAttribute:
    """One objective (or constrained metric) of a decision: how it is measured and weighed."""

    id: str
    decision_id: str
    metric: str
    direction: str  # "max", "min" or "constraint" (a constrained metric that is not an objective)
    unit: str
    threshold: str | None = None
    weight: float | None = None


@dataclass
class Scenario:
    """A six-part quality-attribute scenario with its (importance, difficulty) rating."""

    id: str
    qa_id: str
    source: Text
    stimulus: Text
    environment: Text
    artifact: Text
    response: Text
    response_measure: str
    importance: str = "M"
    difficulty: str = "M"


@dataclass
class UtilityLeaf:
    """One leaf of the utility tree: utility → quality attribute → refinement → scenario."""

    quality: str
    refinement: str
    scenario_id: str
    importance: str
    difficulty: str


@dataclass
class Alternative:
    """A considered option of a decision: its objectives with intervals and why it is listed."""

    decision_id: str
    candidate_id: str
    roles: list[str]  # chosen, knee, best <metric>, neighbour, finalist
    values: dict[str, float | None]
    lo: dict[str, float | None] = field(default_factory=dict)
    hi: dict[str, float | None] = field(default_factory=dict)
    on_front: bool = False


@dataclass
class Confirmation:
    """What to monitor after the decision: a constraint with its bound and the value decided on."""

    constraint: str
    metric: str
    bound: float | None
    estimate: float | str | None
    slack: float | None
    p_violated: float | None


@dataclass
class DecisionSection:
    """A decision in MADR shape, with the verdict-first card lines the app shows."""

    id: str
    analysis: str
    kind: str
    kind_title: str
    candidate_id: str
    status: str
    status_text: str
    decided_at: str
    author: str
    rule: str
    context: Text
    drivers: list[str]
    options: list[str]
    outcome: Text  # "chosen because …"
    good: list[str]
    bad: list[str]
    confirmation: list[Confirmation]
    card: list[str]
    more: Text = field(default_factory=Text)


@dataclass
class SensitivityPoint:
    """How far one objective moves per step of one knob at the chosen candidate."""

    decision_id: str
    knob: str
    objective: str
    slope: float
    step: float
    elasticity: float | None
    flagged: bool
    text: str


@dataclass
class TradeoffPoint:
    """An exchange rate between two attributes (with its interval), or a knob moving both apart."""

    decision_id: str
    kind: Literal["exchange-rate", "opposing-knob"]
    gain: str
    cost: str
    rate: float | None
    lo: float | None
    hi: float | None
    text: str
    knob: str = ""


@dataclass
class RiskItem:
    """A risk (a constraint that may not hold) or a non-risk (one that holds with margin)."""

    id: str
    decision_id: str
    kind: Literal["risk", "non-risk"]
    statement: str
    constraint: str
    estimate: float | None
    lo: float | None
    hi: float | None
    threshold: float | None
    p_violation: float | None
    sample: str = "in-sample"
    mitigation: Text = field(default_factory=Text)
    owner: Text = field(default_factory=Text)


@dataclass
class RiskTheme:
    """Risks grouped by the attribute they threaten, tied to the business drivers at stake."""

    id: str
    title: Text
    risk_ids: list[str]
    drivers: list[str]
    origin: str = "commission"  # commission or omission


@dataclass
class KindTable:
    """A small table of a kind section (the per-group table, the weights, the mixture recipe)."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class KindSection:
    """What only this kind of analysis has to say about its decision."""

    decision_id: str
    kind: str
    title: str
    notes: list[str]
    tables: list[KindTable]


@dataclass
class FigureData:
    """A two-objective front of one decision's analysis, as data (drawn as vectors by a renderer)."""

    decision_id: str
    x_metric: str
    y_metric: str
    x_direction: str
    y_direction: str
    points_x: list[float]
    points_y: list[float]
    front: list[int]
    x_lo: list[float] = field(default_factory=list)
    x_hi: list[float] = field(default_factory=list)
    y_lo: list[float] = field(default_factory=list)
    y_hi: list[float] = field(default_factory=list)
    chosen: int | None = None
    knee: int | None = None
    constraints: list[tuple[str, float, str, bool]] = field(default_factory=list)  # axis, value, label, below
    candidates: int = 0  # before thinning


@dataclass
class DataProvenance:
    """An imported table: its files with their hashes, and its row count."""

    table: str
    rows: int
    sha256: str  # the files' combined SHA-256 (the file's own for one file)
    files: list[dict[str, Any]]
    imported_at: str


@dataclass
class AnalysisProvenance:
    """An analysis: its settings, candidates hash, seeds and the command line that reruns it."""

    name: str
    kind: str
    candidates_sha256: str
    settings_sha256: str
    settings: dict[str, Any]
    seeds: dict[str, Any]
    command: str
    decide_command: str
    created_at: str


@dataclass
class AuditItem:
    """An audit entry about these decisions, their analyses, data or models."""

    seq: int
    logged_at: str
    user: str
    action: str
    subject: str
    input_sha256: str | None
    output_sha256: str | None


@dataclass
class Provenance:
    """Everything the report was built from, with hashes to check it against."""

    data: list[DataProvenance]
    models: list[dict[str, str]]  # name, sha256
    analyses: list[AnalysisProvenance]
    decisions: list[dict[str, Any]]  # id, status, status_text, preferences_sha256
    versions: dict[str, str]
    audit: list[AuditItem]
    project_id: str = ""
    project_path: str = ""


@dataclass
class Report:
    """One ATRAF report over one or more decisions (module docstring)."""

    evaluation: Evaluation
    summary: Text
    drivers: list[BusinessDriver]
    qualities: list[QualityAttribute]
    scenarios: list[Scenario]
    utility_tree: list[UtilityLeaf]
    alternatives: list[Alternative]
    decisions: list[DecisionSection]
    sensitivity: list[SensitivityPoint]
    tradeoffs: list[TradeoffPoint]
    risks: list[RiskItem]
    themes: list[RiskTheme]
    kinds: list[KindSection]
    figures: list[FigureData]
    provenance: Provenance
    next_iteration: Text = field(default_factory=Text)
    model_version: int = MODEL_VERSION

    @property
    def decision_ids(self) -> list[str]:
        """The ids of the decisions the report covers, in order."""
        return [decision.id for decision in self.decisions]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (read back by :func:`report_from_dict`)."""
        return dataclasses.asdict(self)


def report_from_dict(data: Any) -> Report:
    """The report :meth:`Report.to_dict` wrote; :class:`ReportError` when ``data`` is not one."""
    if not isinstance(data, dict):
        raise ReportError("This is not a report model: expected a JSON object.")
    version = data.get("model_version")
    if not isinstance(version, int) or version > MODEL_VERSION:
        raise ReportError(
            f"Report model version {version!r} is not one this app reads (it reads up to {MODEL_VERSION}); "
            "update Tradeoff Studio or rebuild the report."
        )
    try:
        report = load_json(Report, data, "report")
    except (TypeError, KeyError, ValueError) as error:
        raise ReportError(f"The report model is malformed: {error}. Rebuild the report.") from None
    if report.evaluation.method not in METHODS:
        raise ReportError(f"Unknown evaluation method {report.evaluation.method!r}: use one of {METHODS}.")
    return report


def keep_edits(rebuilt: dict[str, Any], saved: dict[str, Any]) -> dict[str, Any]:
    """``rebuilt`` (a fresh :meth:`Report.to_dict`) with every person-edited :class:`Text` of ``saved``.

    Texts are matched by their path in the model; list items by their ``id`` when they have one
    (a risk, a scenario), else by position. Edited texts whose place no longer exists are dropped.
    """
    if _is_text(saved) and saved.get("edited"):
        return dict(saved)
    if isinstance(rebuilt, dict) and isinstance(saved, dict):
        return {
            key: keep_edits(value, saved[key]) if key in saved else value for key, value in rebuilt.items()
        }
    if isinstance(rebuilt, list) and isinstance(saved, list):
        by_id = {item.get("id"): item for item in saved if isinstance(item, dict) and "id" in item}
        merged = []
        for index, item in enumerate(rebuilt):
            if isinstance(item, dict) and "id" in item:
                merged.append(keep_edits(item, by_id[item["id"]]) if item["id"] in by_id else item)
            else:
                merged.append(keep_edits(item, saved[index]) if index < len(saved) else item)
        return merged  # type: ignore[return-value]
    return rebuilt


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"text", "edited"}
