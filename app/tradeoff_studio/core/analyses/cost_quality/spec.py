"""What a cost–quality analysis reads and how: :class:`CostQualitySpec` and its checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..candidates import AnalysisError, Objective, spec_dict

BASE_METRICS = ("quality", "cost", "cost_of_pass", "escalated")
GRADED_METRIC = "cost_per_quality"  # graded scores without --pass-at: mean cost / mean score
LATENCY_METRICS = ("latency_p50", "latency_p95")
KNOBS = ("system", "kind", "first", "second", "share_second", "threshold")
DERIVED_KNOBS = ("system", "kind")
PRICE_COLUMNS = ("system", "input_price", "output_price")
TOKENS_PER_PRICE = 1_000_000  # price-table prices are per 1M tokens
MAX_STEPS = 100


@dataclass(frozen=True)
class CostQualitySpec:
    """What a cost–quality analysis reads: an evaluation log, one row per (item, system).

    The cost is either one column (``cost``: dollars, latency, tokens — any number per item) or
    ``input_tokens`` and ``output_tokens`` columns priced by ``price_table`` (columns ``system``,
    ``input_price``, ``output_price``, prices per 1M tokens). ``systems`` restricts the analysis
    to these systems (default: every system in the log). ``thresholds`` is the number of
    quantile steps of the cascades' confidence sweep, ``mix_steps`` the number of steps along
    each hull edge; ``human_cost`` (in the cost axis's unit) is the expert's cost per item.
    ``target_qualities`` and ``budgets`` add the exact hull mixture meeting each (its recipe in
    ``system``), or a reason in the notes when it is out of reach. ``missing`` says what to do
    when a system did not answer some items (:mod:`.missing`). ``cluster`` names a column that
    groups the items (dataset, source document): the bootstrap then resamples whole clusters
    (:mod:`.clusters`). ``pass_at`` turns graded scores into passes (a score ≥ ``pass_at``); graded
    scores without it get ``cost_per_quality`` (mean cost / mean score) in place of ``cost_of_pass``.
    """

    table: str
    item: str
    system: str
    correct: str
    cost: str | None = None
    input_tokens: str | None = None
    output_tokens: str | None = None
    price_table: str | None = None
    latency: str | None = None
    confidence: str | None = None
    human_cost: float | None = None
    systems: tuple[str, ...] | None = None
    thresholds: int = 20
    mix_steps: int = 10
    target_qualities: tuple[float, ...] = ()  # each adds the cheapest hull mixture reaching it
    budgets: tuple[float, ...] = ()  # each adds the best hull mixture costing at most it
    objectives: tuple[Objective, ...] = (Objective("quality", "max"), Objective("cost", "min"))
    resamples: int = 500
    ci_level: float = 0.95
    seed: int = 20261127
    missing: str = "refuse"  # unanswered items: refuse | common | incorrect (see .missing)
    missing_cost: float | None = None  # with missing="incorrect": an unanswered item's cost (default 0)
    cluster: str | None = None  # items nest in clusters of this column: resample whole clusters
    pass_at: float | None = None  # a graded score at least this passes (cost-of-pass of graded scores)
    folds: int | None = None  # cross-fit the cascades' thresholds over this many folds (see .crossfit)

    @property
    def uses_tokens(self) -> bool:
        """Whether the cost comes from token counts and a price table."""
        return self.cost is None

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric columns the candidates carry (latency percentiles only with a latency column)."""
        return BASE_METRICS + (LATENCY_METRICS if self.latency else ())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored as the analysis spec."""
        return spec_dict(self)


def check_spec(spec: CostQualitySpec) -> None:
    """Reject contradictory cost sources, bad settings and objectives that are not metrics."""
    tokens = (spec.input_tokens, spec.output_tokens, spec.price_table)
    if spec.cost is not None and any(tokens):
        raise AnalysisError(
            "Give the cost either as one column (--cost) or as token columns with a price table "
            "(--input-tokens, --output-tokens, --price-table), not both."
        )
    if spec.cost is None and not all(tokens):
        raise AnalysisError(
            "Give the cost: a cost column (--cost COL), or --input-tokens COL, --output-tokens COL "
            "and --price-table T together."
        )
    if not 0.0 < spec.ci_level < 1.0:
        raise AnalysisError(f"The confidence level must lie between 0 and 1, e.g. 0.95; got {spec.ci_level}.")
    if spec.resamples < 10:
        raise AnalysisError(
            f"Use at least 10 bootstrap resamples (500 is the default); got {spec.resamples}."
        )
    for name, steps in (("thresholds", spec.thresholds), ("mix_steps", spec.mix_steps)):
        if not 2 <= steps <= MAX_STEPS:
            raise AnalysisError(f"{name} must be between 2 and {MAX_STEPS}; got {steps}.")
    if spec.human_cost is not None and not 0.0 <= spec.human_cost < math.inf:
        raise AnalysisError(f"The human-expert cost must be a number ≥ 0; got {spec.human_cost}.")
    if not all(math.isfinite(value) for value in (*spec.target_qualities, *spec.budgets)):
        raise AnalysisError("Target qualities and budgets must be finite numbers.")
    if spec.pass_at is not None and not 0.0 < spec.pass_at <= 1.0:
        raise AnalysisError(
            f"--pass-at must lie in (0, 1] (a score at least this passes); got {spec.pass_at}."
        )
    if spec.folds is not None and spec.confidence is None:
        raise AnalysisError("--folds cross-fits cascades, which need a confidence column (--confidence COL).")
    if spec.systems is not None and not spec.systems:
        raise AnalysisError("The list of systems to compare is empty; name at least one.")
    _check_objectives(spec)


def ratio_metric(spec: CostQualitySpec, graded: bool) -> str:
    """``cost_of_pass``, or ``cost_per_quality`` for graded scores without ``--pass-at``."""
    return GRADED_METRIC if graded and spec.pass_at is None else "cost_of_pass"


def check_ratio_objective(spec: CostQualitySpec, graded: bool) -> None:
    """An objective on the cost ratio must name the one this log has (see :func:`ratio_metric`)."""
    name = ratio_metric(spec, graded)
    wrong = [
        o.metric for o in spec.objectives if o.metric in ("cost_of_pass", GRADED_METRIC) and o.metric != name
    ]
    if wrong and name == GRADED_METRIC:
        raise AnalysisError(
            f"Column '{spec.correct}' of table '{spec.table}' holds graded scores (between 0 and 1), so "
            "cost-of-pass is undefined without a pass mark: give --pass-at X (a score of at least X passes), "
            f"or use {GRADED_METRIC} (mean cost / mean score)."
        )
    if wrong:
        raise AnalysisError(
            f"{GRADED_METRIC} is for graded scores; column '{spec.correct}' holds passes (0/1, or scores "
            "under --pass-at), so use cost_of_pass."
        )


def _check_objectives(spec: CostQualitySpec) -> None:
    if not spec.objectives:
        raise AnalysisError("Give at least one objective, e.g. quality:max,cost:min.")
    for objective in spec.objectives:
        if objective.metric not in (*spec.metrics, GRADED_METRIC):
            hint = " (latency metrics need a latency column)" if objective.metric in LATENCY_METRICS else ""
            raise AnalysisError(
                f"'{objective.metric}' is not a cost–quality metric{hint}. "
                f"The metrics are: {', '.join(spec.metrics)}."
            )
