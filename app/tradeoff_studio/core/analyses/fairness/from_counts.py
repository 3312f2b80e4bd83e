"""The fairness analysis on counts an engine computed outside the project (issue #21).

:func:`analyze_counts` builds each model's :class:`~.cells.Cells` from a
:class:`~tradeoff_studio.core.engines.fairness_counts.FairnessCounts` (unit weights) and runs the very
same policies, metrics, bootstrap, WoE/IV tables and candidates as :func:`.analysis.analyze_fairness`.
What needs the rows themselves is not available here and is refused up front: sample weights, sites,
clusters, a drift table, binned sensitive columns and multiplicity (it needs per-row scores).
Bins are quantile bins of a sample; metrics at every bin edge are exact, and the notes say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken, Progress, no_progress, scaled
from ..candidates import AnalysisError, CandidateTable
from .analysis import _group_notes, _iv_se, _notes, with_front
from .assemble import candidates_frame, groups_frame
from .cells import Cells
from .metrics import auc_from_bins
from .runs import ModelRun, make_plan, run_model
from .spec import KNOBS, METRICS, FairnessSpec
from .tables import woe_frames
from .validate import Groups, TableFacts, group_label

if TYPE_CHECKING:
    from ...engines.fairness_counts import FairnessCounts

UNSUPPORTED = {"weights": "--weight", "site": "a site column", "cluster": "--cluster",
               "drift_table": "a drift table", "sensitive_bins": "--bins"}  # fmt: skip
EDGE_NOTE = (
    "Scores are binned at quantile edges of a sample (float64 values that occur in the data); every "
    "metric at a bin edge is exact (exact counts); thresholds between edges round up to the next edge."
)
EXACT_EDGE_NOTE = (
    "Scores are binned at the exact quantiles of all rows (float64 values that occur in the data, "
    "DuckDB's quantile_disc, the same for every engine); every metric at a bin edge is exact (exact "
    "counts); thresholds between edges round up to the next edge."
)


def check_dataset_spec(spec: FairnessSpec) -> None:
    """Refuse the settings a dataset outside the project cannot serve, naming each."""
    given = [flag for name, flag in UNSUPPORTED.items() if getattr(spec, name)]
    if spec.multiplicity is True:
        given.append("multiplicity")
    if given:
        raise AnalysisError(
            f"With --dataset the analysis reads counts, not rows: {', '.join(given)} need(s) the rows. "
            "Import the data into the project for those, or leave them out."
        )


def cells_of(counts: FairnessCounts, score: str) -> Cells:
    """One model's cells from the engine's counts (every row weighs 1)."""
    count = counts.counts[score]
    weight = count.astype(np.float64)
    pooled = weight.sum(axis=0)
    auc = auc_from_bins(pooled[:, 1], pooled[:, 0], pooled[:, 1], pooled[:, 0], exact=False)
    return Cells(score, weight, count, weight.copy(), counts.thresholds[score], False, auc.value, auc.se,
                 auc.bound, None)  # fmt: skip


def stored_cells(spec: FairnessSpec, dataset: dict[str, Any], model: str) -> tuple[Cells, list[str]]:
    """A stored dataset analysis's cells of ``model`` and group labels, from its provenance."""
    from ...engines.fairness_counts import FairnessCounts

    groups = tuple(tuple(g) for g in dataset["groups"])
    counts = FairnessCounts(
        dataset["engine"], dataset["versions"], dataset["rows"], dataset["positive"], groups,
        np.asarray(dataset["group_rows"], np.int64),
        {s: np.asarray(v, np.float64) for s, v in dataset["thresholds"].items()},
        {s: np.asarray(v, np.int64) for s, v in dataset["counts"].items()},
    )  # fmt: skip
    return cells_of(counts, model), [group_label(spec.sensitive, g) for g in groups]


def dataset_group_evidence(project: Any, inputs: dict[str, Any], candidate: dict[str, Any]) -> dict[str, Any]:
    """Per-group evidence of a candidate of a ``--dataset`` analysis, from its stored counts."""
    from .evidence import group_evidence

    data = dict(inputs)
    dataset = data.pop("dataset")
    spec = FairnessSpec.from_dict(data)
    counted = stored_cells(spec, dataset, str(candidate["model"]))
    return group_evidence(project, data, candidate, counted=counted)


def analyze_counts(
    spec: FairnessSpec,
    counts: FairnessCounts,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CandidateTable:
    """The fairness candidates of ``spec`` (its ``table`` names the dataset) on ``counts``."""
    check_dataset_spec(spec)
    token = cancel or CancelToken()
    labels = [group_label(spec.sensitive, values) for values in counts.groups]
    groups = Groups(tuple(spec.sensitive), [tuple(g) for g in counts.groups], labels, counts.group_counts)
    facts = TableFacts(spec.table, counts.rows, counts.positive, groups, None, {})
    plan = make_plan(spec, facts)
    runs: dict[str, ModelRun] = {}
    share = 1.0 / len(spec.scores)
    for i, score in enumerate(spec.scores):
        step = scaled(progress, i * share, (i + 1) * share)
        runs[score] = run_model(
            cells_of(counts, score), plan, spec, progress=step, cancel=token, seed=[spec.seed, i]
        )
    return _table(spec, facts, plan, runs, EXACT_EDGE_NOTE if counts.edges == "exact" else EDGE_NOTE)


def _table(
    spec: FairnessSpec, facts: TableFacts, plan: Any, runs: dict[str, ModelRun], edge_note: str
) -> CandidateTable:
    import pandas as pd

    parts = [woe_frames(run.cells, run.iv_edges, facts.groups, spec.confidence) for run in runs.values()]
    iv = pd.concat([part[1] for part in parts], ignore_index=True)
    groups = groups_frame(next(iter(runs.values())), facts.groups, spec.min_cell_size)
    notes = _notes(spec, plan, runs, groups)
    notes |= {"multiplicity": "not available: the rows stay in the dataset", "multiplicity_summary": None,
              "drift": None, "nesting": None, "bins_note": edge_note}  # fmt: skip
    boot = notes.get("bootstrap")
    notes["ci"] = f"{spec.confidence * 100:g}% CI by row, {facts.rows:,} rows" if boot else None
    if boot:
        boot["unit"] = "rows, with replacement (a multinomial draw over the count cells)"
    notes |= _group_notes(spec, facts, groups)
    frame = candidates_frame(runs, facts.groups, spec, {model: _iv_se(iv, model) for model in runs})
    return with_front(
        CandidateTable("fairness", frame, list(KNOBS), list(METRICS), list(spec.objectives), notes)
    )
