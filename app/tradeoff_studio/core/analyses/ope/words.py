"""A stored OPE analysis's notes in words, for ``analyze … ope`` and the desktop app (no numpy)."""

from __future__ import annotations

from typing import Any

NOTES = (
    "convention", "convention_text", "std_convention", "sharpe_ratio", "values", "risk_metrics",
    "behaviour_policy", "behaviour_value", "behaviour_values", "policies", "k_max", "bootstrap", "ci_level",
    "undefined_sharpe", "undefined_sharpe_resamples", "unreliable_intervals", "value_range", "implausible",
    "warnings", "estimator_selection", "ci", "nesting",
)  # fmt: skip
"""The notes ``analyze … ope --json`` shows (older analyses lack some: they come back as None)."""


def shown_notes(notes: dict[str, Any]) -> dict[str, Any]:
    """The notes of :data:`NOTES`, None where an older analysis lacks one."""
    return {key: notes.get(key) for key in NOTES}


def notes_lines(notes: dict[str, Any]) -> list[str]:
    """The notes worth reading, one line each (warnings start with ``Warning:``)."""
    lines = []
    if notes.get("convention_text"):
        lines.append(f"Convention: {notes['convention_text']}.")
    lines.append(f"std@k: {notes['std_convention']}. SharpeRatio@k = {notes['sharpe_ratio']}.")
    if notes.get("values"):
        lines.append(f"Values: {notes['values']}. {notes['risk_metrics']}.")
    lines.append(_behaviour(notes))
    if notes.get("ci"):
        lines.append(f"Intervals: {notes['ci']}.")
    if notes.get("nesting"):
        lines.append(f"Warning: {notes['nesting']['text']}.")
    if notes.get("undefined_sharpe"):
        lines.append(
            f"SharpeRatio@k undefined (std@k = 0), left out: {', '.join(notes['undefined_sharpe'])}."
        )
    lines += [f"Warning: {text}" for text in notes.get("warnings") or []]
    return lines + selection_lines(notes)


def _behaviour(notes: dict[str, Any]) -> str:
    if notes.get("behaviour_value") is not None:
        value = f"true value {notes['behaviour_value']:.6g}"
    else:
        value = "estimated " + ", ".join(
            f"{name} {number:.6g}" for name, number in (notes.get("behaviour_values") or {}).items()
        )
    ks = f", k from 2 to {notes['k_max']}" if notes.get("k_max") else ""
    policies = notes["policies"]
    return f"Behaviour policy {notes['behaviour_policy']} ({value}); {policies} other policies ranked{ks}."


def selection_lines(notes: dict[str, Any]) -> list[str]:
    """Estimator-selection figures (nMSE, MSE, rank correlation, Regret@1), when true values exist."""
    figures = notes.get("estimator_selection")
    if not figures:
        return []
    lines = ["Estimator selection (true values known; nMSE = MSE / range of the true values²):"]
    for name, item in figures.items():
        lines.append(
            f"  {name}: nMSE {_number(item['nmse'])}, MSE {_number(item['mse'])}, rank correlation "
            f"{_number(item['rank_correlation'])}, regret@1 {_number(item['regret_at_1'])}"
        )
    return lines


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
