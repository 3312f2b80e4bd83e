"""A stored fairness analysis's notes and warnings in words, for ``analyze`` and ``candidates``.

Reads only the JSON notes stored with the analysis (no pandas, no numpy), so the CLI and the
desktop app can show them without loading the analysis.
"""

from __future__ import annotations

from typing import Any

PROTECTED_POLICIES = ("group", "randomized", "capacity")


def policy_line(notes: dict[str, Any]) -> str:
    """Which rules were explored and which of them read the protected attribute."""
    policies = notes.get("policies", [])
    reading = [p for p in policies if p in PROTECTED_POLICIES]
    text = f"Policies: {', '.join(policies) or '(unknown)'}."
    if not reading:
        return text + " One threshold for everyone: no rule uses the protected attribute."
    return (
        text
        + f" {', '.join(reading)} may use the protected attribute at decision time (per-group thresholds "
        "or coin flips); decide recommends such a rule only with --allow-protected-attribute."
    )


def notes_lines(notes: dict[str, Any]) -> list[str]:
    """Every note and warning worth showing, one line each (warnings start with ``Warning:``)."""
    lines = [f"Outcome: {notes['outcome']}." if "outcome" in notes else None, policy_line(notes)]
    lines.append(f"Threshold rule: {notes.get('threshold_rule', '')}")
    costs = notes.get("costs")
    if costs:
        lines.append(
            f"Expected cost: false positive {costs['fp']:g}, false negative {costs['fn']:g} per row."
        )
    boot = notes.get("bootstrap")
    by = f", {notes['ci']}" if notes.get("ci") else ""
    lines.append(
        f"Intervals: {boot['resamples']:,} bootstrap resamples at {boot['confidence']:.0%} "
        f"(seed {boot['seed']}){by}."
        if boot else "Intervals: none for the threshold metrics (no bootstrap resamples)."
    )  # fmt: skip
    nesting = notes.get("nesting")
    if nesting:
        lines.append(f"Warning: {nesting['text']}.")
    lines += _model_lines(notes)
    lines += _group_lines(notes)
    lines += list(notes.get("plan", []))
    return [line for line in lines if line]


def _model_lines(notes: dict[str, Any]) -> list[str]:
    lines = []
    for model, facts in notes.get("models", {}).items():
        auc, se = facts.get("auc"), facts.get("auc_se")
        shown = (
            f"AUC {auc:.4f} (± {1.96 * se:.4f}, DeLong)" if auc is not None and se is not None else "AUC n/a"
        )
        extra = []
        if facts.get("merged_identical"):
            extra.append(f"{facts['merged_identical']} identical candidate(s) merged into the simplest rule")
        if facts.get("dropped_over_capacity"):
            extra.append(f"{facts['dropped_over_capacity']} over capacity dropped")
        counts = ", ".join(f"{n} {policy}" for policy, n in facts.get("candidates", {}).items())
        tail = f"; {'; '.join(extra)}" if extra else ""
        lines.append(f"Model {model}: {shown}, {facts.get('mode')} mode, candidates: {counts}{tail}.")
    summary = notes.get("multiplicity_summary")
    if summary:
        lines.append(
            f"Multiplicity: {len(summary['rashomon'])} model(s) within {summary['epsilon']:g} log-loss of "
            f"{summary['baseline']}; ambiguity {summary['ambiguity']:.1%}, "
            f"discrepancy {summary['discrepancy']:.1%} "
            f"(moves ≥ {summary['delta']:g})."
        )
    elif isinstance(notes.get("multiplicity"), str):
        lines.append(f"Multiplicity: {notes['multiplicity']}")
    return lines


def _group_lines(notes: dict[str, Any]) -> list[str]:
    lines = []
    for column, labels in notes.get("binned", {}).items():
        lines.append(f"Sensitive column '{column}' binned: {', '.join(labels)}.")
    for column in notes.get("numeric_per_value", []):
        lines.append(f"Note: sensitive column '{column}' is numeric: one group per distinct value.")
    small = [g for g in notes.get("groups", []) if g.get("small")]
    if small:
        listed = "; ".join(f"{g['group']} ({g['small_reason']})" for g in small)
        lines.append(
            f"Warning: {len(small)} group(s) below {notes.get('min_cell_size', 30)} rows, positives or "
            "negatives; "
            f"their rates are noisy: {listed}."
        )
    return lines
