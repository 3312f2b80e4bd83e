"""What a fairness–accuracy analysis reads and which knobs it explores: :class:`FairnessSpec`.

The spec is checked when it is made (impossible values raise :class:`AnalysisError` at once);
everything that needs the data (columns, label values, NULLs) is checked by
:mod:`.validate` when the analysis runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..candidates import AnalysisError, Objective, spec_dict
from ..clusters import check_cluster_role

Mode = Literal["auto", "exact", "binned"]

#: Every metric of a fairness candidate, in the order of the candidates table.
METRICS: tuple[str, ...] = (
    "accuracy",
    "balanced_accuracy",
    "tpr",
    "fpr",
    "precision",
    "selection_rate",
    "auc",
    "expected_cost",
    "dp_difference",
    "dp_ratio",
    "eopp_difference",
    "eodds_difference",
    "pp_difference",
    "iv_protected",
)
#: The knob columns of a fairness candidate.
KNOBS: tuple[str, ...] = ("model", "policy", "threshold", "thresholds")
POLICIES: tuple[str, ...] = ("global", "group", "randomized", "capacity")
#: The policies computed unless others are asked for: one threshold for everyone, which does not
#: read the protected attribute at decision time.
DEFAULT_POLICIES: tuple[str, ...] = ("global",)
FAVORABLE: tuple[str, ...] = ("selected", "unselected")
DEFAULT_OBJECTIVES: tuple[Objective, ...] = (Objective("accuracy", "max"), Objective("dp_difference", "min"))
MAX_GROUPS = 256
MAX_SITES = 1_000
MAX_RESAMPLES = 100_000
#: A numeric sensitive column with more distinct values than this is refused unless it is binned.
MAX_NUMERIC_VALUES = 20


def _tuple(values: Sequence[Any] | str) -> tuple[Any, ...]:
    return (values,) if isinstance(values, str) else tuple(values)


@dataclass(frozen=True)
class FairnessSpec:
    """A fairness–accuracy analysis of threshold rules on one table.

    Data: ``table``; ``label`` (binary; ``positive`` is its positive value, default 1/True);
    ``sensitive`` columns (their intersections are the groups; NULL is a group of its own);
    ``scores``, one column per model (a higher score means "select"; a row is selected when
    its score is ≥ the threshold); optional ``weights`` (non-negative sample weights) and
    ``site`` (adds per-site against pooled disparity).

    Knobs: ``policies`` among ``global`` (one threshold per model, the default: it does not read
    the protected attribute), ``group`` (deterministic per-group thresholds found by a window
    search), ``randomized`` (Hardt et al.'s per-group mixtures of two thresholds) and ``capacity``
    (top-k; needs ``capacity_top_k`` or ``capacity_rate``, which then also drops every candidate
    that selects more rows). Every policy but ``global`` may use the protected attribute.

    Outcome: ``favorable`` says which outcome the people scored want: ``selected`` (the default)
    or ``unselected`` (e.g. a score of default risk, where selected means denied). Selection
    rates, ``dp_difference`` and ``dp_ratio`` are computed on the favourable outcome.
    ``selected_means`` is the word for a selected row in every text ("flagged", "denied").

    Resolution: ``mode`` ``exact`` evaluates every distinct score; ``binned`` merges scores into
    ``bins`` quantile bins and reports the error bound; ``auto`` is exact when the table has at
    most ``exact_limit`` distinct scores. ``thresholds`` caps the global candidates per model
    (the exact front of the whole curve first, thinned to half of them when larger; quantiles
    fill the rest); ``group_policies`` and ``randomized_policies`` cap those kinds.

    Uncertainty: ``bootstrap`` resamples of the counts (0 = none) at ``confidence``, drawn
    from ``seed``. ``min_cell_size`` flags small groups. ``cost_ratio`` is the cost of a false
    positive over that of a false negative, ``false_negative_cost`` the cost of a false negative
    (``expected_cost`` per row = (fp cost·FP + fn cost·FN) / rows). ``sensitive_bins`` bins
    numeric sensitive columns: column → ``"25,45,65"`` (edges) or ``"q4"`` (quantiles).
    ``iv_bins`` quantile bins of the score serve WoE, IV and PSI; ``drift_table`` adds PSI of
    each score against that table.
    ``cluster`` names a column whose values group the rows (branch, family, user): the bootstrap
    then resamples whole clusters, each with its own count table (:mod:`.cluster_cells`).
    Multiplicity uses models within ``epsilon`` log-loss of the best and moves ≥ ``delta``;
    ``multiplicity`` None computes it when possible, True requires it, False skips it.
    """

    table: str
    label: str
    sensitive: Sequence[str]
    scores: Sequence[str]
    positive: Any = None
    weights: str | None = None
    site: str | None = None
    objectives: Sequence[Objective] = DEFAULT_OBJECTIVES
    policies: Sequence[str] = DEFAULT_POLICIES
    favorable: str = "selected"
    selected_means: str = "selected"
    mode: Mode = "auto"
    bins: int = 2000
    exact_limit: int = 100_000
    thresholds: int = 1000
    group_policies: int = 100
    randomized_policies: int = 50
    min_cell_size: int = 30
    bootstrap: int = 200
    confidence: float = 0.95
    seed: int = 0
    cost_ratio: float = 1.0
    false_negative_cost: float = 1.0
    sensitive_bins: dict[str, str] = field(default_factory=dict)
    capacity_top_k: int | None = None
    capacity_rate: float | None = None
    iv_bins: int = 10
    drift_table: str | None = None
    multiplicity: bool | None = None
    epsilon: float = 0.01
    delta: float = 0.1
    vpr_row_limit: int = 1_000_000
    cluster: str | None = None

    def __post_init__(self) -> None:
        for name in ("sensitive", "scores", "objectives", "policies"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        object.__setattr__(self, "sensitive_bins", dict(self.sensitive_bins))
        _check_roles(self)
        _check_objectives(self.objectives)
        _check_numbers(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FairnessSpec:
        """The spec that :meth:`to_dict` wrote (objectives as ``METRIC:direction`` strings)."""
        objectives = [Objective.parse(o) if isinstance(o, str) else o for o in data.get("objectives", ())]
        return cls(
            **(data | {"objectives": objectives or DEFAULT_OBJECTIVES, "policies": _stored_policies(data)})
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


def _stored_policies(data: dict[str, Any]) -> tuple[str, ...]:
    """The policies a stored spec ran. Specs stored before policies were explicit list all four and
    skipped ``capacity`` when no capacity was given; they read back as what actually ran."""
    policies = tuple(data.get("policies", ("global",)))
    no_capacity = data.get("capacity_top_k") is None and data.get("capacity_rate") is None
    return tuple(p for p in policies if p != "capacity" or not no_capacity) or ("global",)


def _check_roles(spec: FairnessSpec) -> None:
    if not spec.sensitive:
        raise AnalysisError("Name at least one sensitive column (e.g. sex) for the fairness analysis.")
    if not spec.scores:
        raise AnalysisError("Name at least one score column (a model's output) for the fairness analysis.")
    roles = [spec.label, *spec.sensitive, *spec.scores]
    roles += [name for name in (spec.weights, spec.site) if name is not None]
    repeated = sorted({name for name in roles if roles.count(name) > 1})
    if repeated:
        raise AnalysisError(
            f"Column(s) {', '.join(repeated)} are given more than one role (label, sensitive, score, "
            "weights, site); each column can play one role only."
        )
    check_cluster_role(
        spec.cluster, [("label", spec.label), ("weights", spec.weights)] + [("score", s) for s in spec.scores]
    )
    unknown = sorted(set(spec.policies) - set(POLICIES))
    if unknown or not spec.policies:
        raise AnalysisError(
            f"Unknown or missing policies {', '.join(unknown) or '(none)'}; "
            f"choose among {', '.join(POLICIES)}."
        )
    no_capacity = spec.capacity_top_k is None and spec.capacity_rate is None
    if "capacity" in spec.policies and no_capacity:
        raise AnalysisError(
            "The capacity policy needs a capacity: give capacity_top_k or capacity_rate (--capacity X)."
        )
    if spec.favorable not in FAVORABLE:
        raise AnalysisError(f"favorable must be 'selected' or 'unselected'; got {spec.favorable!r}.")
    if not str(spec.selected_means).strip():
        raise AnalysisError("selected_means (the word for a selected row, e.g. flagged) cannot be empty.")
    if spec.capacity_top_k is not None and spec.capacity_rate is not None:
        raise AnalysisError("Give either capacity_top_k or capacity_rate, not both.")


def _check_objectives(objectives: Sequence[Objective]) -> None:
    if not objectives:
        raise AnalysisError("Give at least one objective, e.g. accuracy:max,dp_difference:min.")
    names = [objective.metric for objective in objectives]
    unknown = [name for name in names if name not in METRICS]
    if unknown:
        raise AnalysisError(
            f"Unknown fairness metric(s) {', '.join(unknown)}. Available: {', '.join(METRICS)}."
        )
    if len(set(names)) != len(names):
        raise AnalysisError(f"An objective is listed twice: {', '.join(str(o) for o in objectives)}.")


def _check_numbers(spec: FairnessSpec) -> None:
    positive_ints = {
        "bins": spec.bins,
        "exact_limit": spec.exact_limit,
        "thresholds": spec.thresholds,
        "group_policies": spec.group_policies,
        "randomized_policies": spec.randomized_policies,
        "min_cell_size": spec.min_cell_size,
        "vpr_row_limit": spec.vpr_row_limit,
    }
    for name, value in positive_ints.items():
        if value < 1:
            raise AnalysisError(f"{name} must be at least 1; got {value}.")
    checks = [
        (spec.bins >= 2, f"bins must be at least 2; got {spec.bins}."),
        (spec.thresholds >= 2, f"thresholds must be at least 2; got {spec.thresholds}."),
        (spec.iv_bins >= 2, f"iv_bins must be at least 2; got {spec.iv_bins}."),
        (0 <= spec.bootstrap <= MAX_RESAMPLES,
         f"bootstrap (resamples) must lie from 0 (none) to {MAX_RESAMPLES:,}; got {spec.bootstrap}."),
        (spec.false_negative_cost > 0.0,
         f"The cost of a false negative must be > 0; got {spec.false_negative_cost}."),
        (0.0 < spec.confidence < 1.0, f"confidence must lie in (0, 1), e.g. 0.95; got {spec.confidence}."),
        (spec.cost_ratio > 0.0, f"cost_ratio (cost of a false positive / a false negative) must be > 0; "
         f"got {spec.cost_ratio}."),
        (spec.epsilon >= 0.0, f"epsilon (log-loss slack) must be ≥ 0; got {spec.epsilon}."),
        (spec.delta > 0.0, f"delta (a prediction move that counts) must be > 0; got {spec.delta}."),
        (spec.mode in ("auto", "exact", "binned"), f"mode must be auto, exact or binned; got {spec.mode!r}."),
    ]  # fmt: skip
    for ok, message in checks:
        if not ok:
            raise AnalysisError(message)
    if spec.capacity_top_k is not None and spec.capacity_top_k < 1:
        raise AnalysisError(f"capacity_top_k must be at least 1 row; got {spec.capacity_top_k}.")
    if spec.capacity_rate is not None and not 0.0 < spec.capacity_rate <= 1.0:
        raise AnalysisError(f"capacity_rate must lie in (0, 1]; got {spec.capacity_rate}.")
    for column, text in spec.sensitive_bins.items():
        if column not in spec.sensitive:
            raise AnalysisError(
                f"--bins names '{column}', which is not a sensitive column ({', '.join(spec.sensitive)})."
            )
        parse_bins(column, text)


def parse_bins(column: str, text: str) -> int | list[float]:
    """``"q4"`` → 4 (quantile bins); ``"25,45,65"`` → sorted distinct edges. Refuses anything else."""
    raw = str(text).strip()
    hint = f"--bins {column}=25,45,65 (edges) or --bins {column}=q4 (quartiles)"
    if raw[:1].lower() == "q":
        if not raw[1:].isdigit() or not 2 <= int(raw[1:]) <= 100:
            raise AnalysisError(f"Bins {raw!r} for '{column}': qN needs N from 2 to 100, e.g. {hint}.")
        return int(raw[1:])
    try:
        edges = sorted({float(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise AnalysisError(f"Bins {raw!r} for '{column}' are neither edges nor qN; write {hint}.") from None
    if not edges or not all(math.isfinite(edge) for edge in edges) or len(edges) > 100:
        raise AnalysisError(f"Bins {raw!r} for '{column}' need 1 to 100 finite edges; write {hint}.")
    return edges


def capacity_rows(spec: FairnessSpec, rows: int) -> int | None:
    """The capacity as a number of rows (``capacity_rate`` is rounded down), or None."""
    if spec.capacity_top_k is not None:
        return spec.capacity_top_k
    if spec.capacity_rate is not None:
        return int(spec.capacity_rate * rows)
    return None


def active_policies(spec: FairnessSpec) -> tuple[str, ...]:
    """The policies to compute: ``capacity`` only when a capacity is given."""
    has_capacity = spec.capacity_top_k is not None or spec.capacity_rate is not None
    return tuple(policy for policy in spec.policies if policy != "capacity" or has_capacity)


def outcome_words(spec: FairnessSpec) -> str:
    """What a selected row means, in words: "score ≥ t → flagged; favourable = not flagged"."""
    word = spec.selected_means.strip()
    favourable = word if spec.favorable == "selected" else f"not {word}"
    return f"score ≥ threshold → {word}; favourable = {favourable}"
