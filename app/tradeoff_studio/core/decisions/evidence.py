"""The evidence behind a decision: the choice, and trade-off rates, sensitivity and risks at it."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analyses.candidates import CandidateTable
from .frontier import row_of
from .ope_risks import OpeRisk, check_k_constraints, ope_risks
from .preferences import DecisionError, Preferences
from .recommend import Recommendation, assess, excluded_text, recommend
from .risks import Risk, constraint_checks, risks
from .sample_risks import out_of_sample_risks
from .sensitivity import Sensitivity, sensitivities
from .tradeoffs import TradeoffRate, tradeoff_rates


@dataclass(frozen=True)
class Evidence:
    """A chosen candidate with everything said about it."""

    recommendation: Recommendation
    candidate: dict[str, Any]
    tradeoffs: list[TradeoffRate]
    sensitivity: list[Sensitivity]
    risks: list[Risk | OpeRisk]
    groups: dict[str, Any] | None = None
    objectives: list[str] | None = None
    constraints: list[dict[str, Any]] | None = None

    @property
    def candidate_id(self) -> str:
        """The chosen candidate's id."""
        return str(self.candidate["candidate_id"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "candidate": self.candidate,
            "recommendation": self.recommendation.to_dict(),
            "tradeoffs": [rate.to_dict() for rate in self.tradeoffs],
            "sensitivity": [item.to_dict() for item in self.sensitivity],
            "risks": [risk.to_dict() for risk in self.risks],
            "groups": self.groups,
            "objectives": self.objectives,
            "constraints": self.constraints,
        }


def plain(value: object) -> object:
    """A cell as a JSON value: numpy scalars as Python ones, NaN and missing as ``None``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, bool | int | float | str) else str(value)


def evaluate(
    table: CandidateTable,
    prefs: Preferences,
    candidate_id: str | None = None,
    *,
    details: Callable[[str], dict[str, Any]] | None = None,
) -> Evidence:
    """Choose a candidate under ``prefs`` (or check ``candidate_id``) and gather its evidence;
    ``details`` (given the chosen id) adds kind-specific evidence, e.g. the fairness per-group table.

    Raises :class:`DecisionError` when no candidate is feasible (naming the constraint that rules
    out the most), when ``candidate_id`` violates a constraint, or when weights or a reference
    point come with an explicit candidate (they only steer the app's own choice).
    """
    if table.kind == "ope":
        check_k_constraints(table, prefs)
    if candidate_id is None:
        recommendation = recommend(table, prefs)
    elif prefs.weights or prefs.reference or prefs.method != "tchebycheff":
        raise DecisionError(
            "Weights, a reference point or a method steer the app's choice; with --candidate you choose "
            "yourself. Give one or the other."
        )
    elif prefs.only:
        raise DecisionError(
            "--only narrows the app's choice; with --candidate you choose yourself. Give one."
        )
    else:
        recommendation = assess(table, candidate_id, prefs.constraints, prefs.allow_protected)
    if recommendation.candidate_id is None:
        raise DecisionError(_infeasible(recommendation))
    chosen = recommendation.candidate_id
    row = table.frame.iloc[row_of(table, chosen)]
    candidate = {str(column): plain(value) for column, value in row.items()}
    for column in table.extras.json_columns:  # e.g. per-group thresholds: an object, not text
        if isinstance(candidate.get(column), str):
            candidate[column] = json.loads(candidate[column])
    return Evidence(
        recommendation=recommendation,
        candidate=candidate,
        tradeoffs=tradeoff_rates(table, chosen),
        sensitivity=sensitivities(table, chosen),
        risks=[
            *risks(table, chosen, prefs.constraints),
            *_kind_risks(table, chosen),
            *out_of_sample_risks(table, chosen, prefs.constraints),
        ],
        groups=details(chosen) if details is not None else None,
        objectives=[str(objective) for objective in table.objectives],
        constraints=constraint_checks(table, chosen, prefs.constraints),
    )


def _kind_risks(table: CandidateTable, chosen: str) -> list[OpeRisk]:
    """Risks only one kind of analysis has: an OPE shortlist below the behaviour policy, …"""
    return ope_risks(table, chosen) if table.kind == "ope" else []


def _infeasible(recommendation: Recommendation) -> str:
    counts = recommendation.ruled_out
    excluded = " ".join(excluded_text(recommendation.excluded))
    if not counts:
        return f"No candidate can be recommended: {excluded}"
    worst = next(iter(counts))
    listed = "; ".join(f"{text} rules out {count}" for text, count in counts.items())
    return (
        f"No candidate meets every constraint (of {recommendation.n_candidates} candidates: {listed}). "
        f"'{worst}' rules out the most; relax it or drop it." + (f" Also: {excluded}" if excluded else "")
    )
