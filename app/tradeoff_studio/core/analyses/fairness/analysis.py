"""The fairness–accuracy analysis: :func:`analyze_fairness` and its :class:`FairnessResult`.

Steps (DESIGN.md §2): validate the spec against the table; per score column, one DuckDB scan
reduces the rows to counts per (site, group, score bin, label); cumulative sums give every
threshold; the policies (global, per-group search, randomized, capacity) are evaluated on the
counts; the bootstrap resamples the counts; WoE/IV/PSI, site disparity and multiplicity
follow. The analysis only reads the project; it stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress, scaled
from ...project import Project
from ..candidates import AnalysisError, CandidateTable
from .aggregate import Request, aggregate
from .assemble import by_group, candidates_frame, groups_frame
from .cells import Cells, curves
from .cluster_cells import add_cluster_notes
from .grouping import bin_labels
from .metrics import binned_bounds
from .multiplicity import Multiplicity, analyze_multiplicity, refusal
from .policies import PolicySet
from .runs import ModelRun, Plan, make_plan, run_model
from .sites import site_frame
from .spec import KNOBS, METRICS, FairnessSpec, outcome_words
from .tables import check_drift_table, drift_counts, drift_frame, woe_frames
from .validate import Groups, TableFacts, validate

if TYPE_CHECKING:
    import pandas as pd

CELL_LIMIT = 20_000_000
THRESHOLD_RULE = "A row is selected (predicted positive) when its score is >= the threshold."


@dataclass(frozen=True)
class FairnessResult:
    """Everything a fairness analysis found.

    ``candidates``: the :class:`CandidateTable` (kind ``fairness``) with Pareto columns.
    ``groups``: one row per group with counts, base rate and the small-cell flag.
    ``woe``/``iv``: WoE per score bin and IV with SE and χ² test, per model and target (the label
    and each group against the rest). ``drift``: PSI against ``spec.drift_table`` (or None).
    ``multiplicity``: across the score columns (or None, with the reason in ``notes``).
    ``site_disparity``: local and pooled disparities of the near-front candidates (or None).
    ``runs``: each model's sufficient statistics and policies, for drill-downs.
    """

    spec: FairnessSpec
    candidates: CandidateTable
    groups: pd.DataFrame
    woe: pd.DataFrame
    iv: pd.DataFrame
    drift: pd.DataFrame | None
    multiplicity: Multiplicity | None
    site_disparity: pd.DataFrame | None
    notes: dict[str, Any]
    runs: dict[str, ModelRun]
    group_info: Groups

    def _locate(self, candidate_id: str) -> tuple[ModelRun, int]:
        frame = self.candidates.frame
        rows = np.flatnonzero((frame["candidate_id"] == candidate_id).to_numpy())
        if len(rows) == 0:
            raise AnalysisError(f"There is no fairness candidate '{candidate_id}'.")
        model = str(frame["model"].iloc[rows[0]])
        first = int(np.flatnonzero((frame["model"] == model).to_numpy())[0])
        return self.runs[model], int(rows[0]) - first

    def by_group(self, candidate_id: str) -> pd.DataFrame:
        """Per-group accuracy, balanced accuracy, TPR, FPR, precision and selection rate of a candidate."""
        run, index = self._locate(candidate_id)
        return by_group(run, index, self.group_info, self.spec.cost_ratio)

    def evaluate_thresholds(self, model: str, thresholds: dict[str, float]) -> dict[str, float]:
        """Metrics of any deterministic per-group thresholds (group label → threshold) of ``model``.

        Exact in exact mode; in binned mode each threshold is rounded up to the next bin edge,
        within ``notes["models"][model]["error_bound"]``.
        """
        if model not in self.runs:
            raise AnalysisError(f"No model '{model}' in this analysis; models: {', '.join(self.runs)}.")
        missing = [label for label in self.group_info.labels if label not in thresholds]
        if missing:
            raise AnalysisError(f"Give a threshold for every group; missing: {', '.join(missing)}.")
        run = self.runs[model]
        cut = [thresholds[label] for label in self.group_info.labels]
        positions = np.searchsorted(run.cells.thresholds, np.asarray(cut, dtype=np.float64), side="left")
        policy = PolicySet.deterministic("group", positions[None, :])
        favorable = self.spec.favorable == "selected"
        values = policy.evaluate(curves(run.cells.weight), self.spec.cost_ratio, favorable)
        return {name: float(values[name][0]) for name in values} | dict(run.constants)


def analyze_fairness(
    project: Project,
    spec: FairnessSpec,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> FairnessResult:
    """Run the fairness–accuracy analysis of ``spec`` on ``project`` (read only).

    Raises ``NotFoundError`` for an unknown table or drift table, :class:`AnalysisError` for
    anything else the user can fix (see :mod:`.validate`) and ``CancelledError`` when ``cancel``
    fires (DuckDB scans are interrupted; the bootstrap stops between chunks).
    """
    token = cancel or CancelToken()
    progress(0.0, f"Checking {spec.table}")
    facts = validate(project, spec)
    if spec.drift_table is not None:
        check_drift_table(project, spec.drift_table, spec.scores)
    reason = refusal(spec, facts)
    if spec.multiplicity and reason:
        raise AnalysisError(reason)
    plan = make_plan(spec, facts)
    runs = _run_models(project, spec, facts, plan, progress=scaled(progress, 0.05, 0.9), token=token)
    progress(0.9, "WoE, IV and PSI tables")
    return _finish(project, spec, facts, plan, runs=runs, reason=reason, progress=progress, cancel=token)


def exact_mode(spec: FairnessSpec, facts: TableFacts, score: str) -> bool:
    """Whether ``score`` is counted exactly (every distinct score) or in quantile bins."""
    cells = 2 * len(facts.groups.labels) * facts.scores[score].distinct
    if spec.mode == "exact" and cells > CELL_LIMIT:
        raise AnalysisError(
            f"Score column '{score}' has about {facts.scores[score].distinct:,} distinct values: exact mode "
            f"would need {cells:,} cells. Use mode 'binned' (its error bound is reported)."
        )
    if spec.mode == "auto":
        return facts.scores[score].distinct <= spec.exact_limit and cells <= CELL_LIMIT
    return spec.mode == "exact"


def _run_models(
    project: Project,
    spec: FairnessSpec,
    facts: TableFacts,
    plan: Plan,
    *,
    progress: Progress,
    token: CancelToken,
) -> dict[str, ModelRun]:
    runs = {}
    share = 1.0 / len(spec.scores)
    for i, score in enumerate(spec.scores):
        request = Request(
            spec.table, spec.label, tuple(spec.sensitive), score, spec.weights, spec.site,
            exact_mode(spec, facts, score), spec.bins, facts.source, spec.cluster,
        )  # fmt: skip
        start = i * share
        cells = aggregate(
            project, request, facts, progress=scaled(progress, start, start + share / 2), cancel=token
        )
        runs[score] = run_model(
            cells, plan, spec, progress=scaled(progress, start + share / 2, start + share), cancel=token,
            seed=[spec.seed, i],
        )  # fmt: skip
    return runs


def _model_notes(cells: Cells, run: ModelRun, spec: FairnessSpec) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for policy in run.policies.policy:
        counts[policy] = counts.get(policy, 0) + 1
    bounds = {"auc": cells.auc_bound} if cells.exact else binned_bounds(cells.weight, spec.cost_ratio)
    if not cells.exact:
        bounds["auc"] = cells.auc_bound
    return {
        "mode": "exact" if cells.exact else "binned",
        "bins": cells.bins,
        "auc": cells.auc,
        "auc_se": cells.auc_se,
        "error_bound": {name: (0.0 if cells.exact else value) for name, value in bounds.items()},
        "candidates": counts,
        "dropped_over_capacity": run.dropped,
        "merged_identical": run.merged,
    }


def _notes(spec: FairnessSpec, plan: Plan, runs: dict[str, ModelRun], groups: pd.DataFrame) -> dict[str, Any]:
    bootstrap = (
        {"resamples": spec.bootstrap, "confidence": spec.confidence, "seed": spec.seed,
         "method": "percentile; multinomial resampling of the counts per model"}
        if spec.bootstrap else None
    )  # fmt: skip
    return {
        "threshold_rule": THRESHOLD_RULE,
        "json_columns": ["thresholds"],
        "outcome": outcome_words(spec),
        "favorable": spec.favorable,
        "selected_means": spec.selected_means.strip(),
        "policies": list(plan.policies),
        "uses_protected_attribute": [p for p in plan.policies if p != "global"],
        "models": {model: _model_notes(run.cells, run, spec) for model, run in runs.items()},
        "search": {
            "utility": plan.utility,
            "constraint": plan.constraint,
            "randomized_rate": plan.randomized_rate,
        },
        "plan": list(plan.notes),
        "bootstrap": bootstrap,
        "intervals": "auc: DeLong; iv_protected: bootstrap, else delta method; other metrics: bootstrap, "
        "else none",
        "iv_protected": f"largest IV of a group against the rest on {spec.iv_bins} quantile score bins",
        "small_groups": groups.loc[groups["small"], "group"].tolist(),
        "capacity_rows": plan.capacity,
        "weights": spec.weights,
    }


def _finish(
    project: Project,
    spec: FairnessSpec,
    facts: TableFacts,
    plan: Plan,
    *,
    runs: dict[str, ModelRun],
    reason: str | None,
    progress: Progress,
    cancel: CancelToken,
) -> FairnessResult:
    import pandas as pd

    woe_parts, iv_parts = zip(
        *(woe_frames(run.cells, run.iv_edges, facts.groups, spec.confidence) for run in runs.values()),
        strict=True,
    )
    woe, iv = pd.concat(woe_parts, ignore_index=True), pd.concat(iv_parts, ignore_index=True)
    groups = groups_frame(next(iter(runs.values())), facts.groups, spec.min_cell_size)
    drift, drift_note = _drift(project, spec, facts, runs, cancel) if spec.drift_table else (None, None)
    multiplicity = None
    if spec.multiplicity is not False and reason is None:
        step = scaled(progress, 0.92, 0.99)
        multiplicity = analyze_multiplicity(project, spec, facts, progress=step, cancel=cancel)
    notes = _notes(spec, plan, runs, groups)
    notes["multiplicity"] = reason if spec.multiplicity is not False else "not asked for"
    notes["multiplicity_summary"] = _multiplicity_summary(multiplicity)
    notes["drift"] = drift_note
    add_cluster_notes(notes, project, spec, facts, next(iter(runs.values())).cells)
    notes |= _group_notes(spec, facts, groups)
    frame = candidates_frame(runs, facts.groups, spec, {model: _iv_se(iv, model) for model in runs})
    table = with_front(
        CandidateTable("fairness", frame, list(KNOBS), list(METRICS), list(spec.objectives), notes)
    )
    sites = _sites(table, runs, facts, spec) if facts.sites is not None else None
    progress(1.0, "Done")
    return FairnessResult(spec, table, groups, woe, iv, drift, multiplicity, sites, notes, runs, facts.groups)


def with_front(table: CandidateTable) -> CandidateTable:
    """``table.with_front()``, where an undefined (NaN) objective value counts as worse than any other
    (a finite stand-in one span beyond the worst defined value: the Pareto engine needs finite values)."""
    frame = table.frame
    names = [o.metric for o in table.objectives]
    if not frame[names].isna().to_numpy().any():
        return table.with_front()
    filled = frame.copy()
    for objective in table.objectives:
        values = frame[objective.metric].to_numpy(dtype=np.float64)
        low, high = (np.nanmin(values), np.nanmax(values)) if np.isfinite(values).any() else (0.0, 0.0)
        worst = low - (high - low) - 1.0 if objective.direction == "max" else high + (high - low) + 1.0
        for column in (objective.metric, f"{objective.metric}_lo", f"{objective.metric}_hi"):
            if column in filled:
                filled[column] = filled[column].fillna(worst)
    ranked = replace(table, frame=filled).with_front().frame
    out = frame.copy()
    for column in ("on_front", "rank", "near_front"):
        out[column] = ranked[column]
    return replace(table, frame=out)


def _multiplicity_summary(found: Multiplicity | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"epsilon": found.epsilon, "delta": found.delta, "baseline": found.baseline,
            "rashomon": list(found.rashomon), "ambiguity": found.ambiguity, "discrepancy": found.discrepancy,
            "discrepancy_model": found.discrepancy_model}  # fmt: skip


def _group_notes(spec: FairnessSpec, facts: TableFacts, groups: pd.DataFrame) -> dict[str, Any]:
    """The groups (rows, positives, base rate, small-cell reason), binned and per-value numeric columns."""
    keep = ["group", "rows", "positive_rows", "negative_rows", "weight", "base_rate", "small", "small_reason"]
    return {
        "groups": json_rows(groups[keep]),
        "min_cell_size": spec.min_cell_size,
        "binned": {column: bin_labels(edges) for column, edges in facts.bins.items()},
        "numeric_per_value": list(facts.per_value),
        "costs": {"fp": spec.cost_ratio * spec.false_negative_cost, "fn": spec.false_negative_cost},
    }


def json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A small frame as JSON-ready records (numpy values as Python ones)."""
    return [{str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]  # fmt: skip


def _iv_se(iv: pd.DataFrame, model: str) -> float:
    protected = iv[(iv["model"] == model) & (iv["kind"] == "protected")]
    return float(protected["iv_se"].iloc[int(np.argmax(protected["iv"].to_numpy()))])


def _drift(
    project: Project, spec: FairnessSpec, facts: TableFacts, runs: dict[str, ModelRun], cancel: CancelToken
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """PSI per model against the drift table, per group when it has the sensitive columns."""
    import pandas as pd

    assert spec.drift_table is not None
    columns = dict(project.columns(spec.drift_table))
    by_group = all(column in columns for column in spec.sensitive)
    weights = spec.weights if spec.weights in columns else None
    parts = []
    for model, run in runs.items():
        edges = run.cells.thresholds[run.iv_edges[1:-1]]
        sensitive = tuple(spec.sensitive) if by_group else ()
        counts = drift_counts(
            project, spec.drift_table, model, edges, sensitive=sensitive, weights=weights, cancel=cancel,
            bins={c: e for c, e in facts.bins.items() if by_group},
        )  # fmt: skip
        parts.append(drift_frame(run.cells, run.iv_edges, facts.groups, counts, by_group))
    note = {"table": spec.drift_table, "by_group": by_group, "weights": weights}
    return pd.concat(parts, ignore_index=True), note


def _sites(
    table: CandidateTable, runs: dict[str, ModelRun], facts: TableFacts, spec: FairnessSpec
) -> pd.DataFrame:
    assert facts.sites is not None
    frame = table.frame
    chosen: dict[str, list[tuple[str, int]]] = {model: [] for model in runs}
    models = frame["model"].to_numpy()
    for model in runs:
        rows = np.flatnonzero(models == model)
        keep = frame["near_front"].to_numpy()[rows]
        ids = frame["candidate_id"].to_numpy()[rows]
        chosen[model] = [(str(ids[i]), int(i)) for i in np.flatnonzero(keep)]
    return site_frame(runs, chosen, facts.sites, spec.cost_ratio, spec.favorable == "selected")
