"""Sensitivity and trade-off points, risks and non-risks, risk themes and the per-kind section.

All read the evidence snapshot stored with a decision (``DecisionRecord.evidence``), whose texts
the decision card already prints: those texts are reused, not rewritten.

- A sensitivity point is a knob → objective slope whose normalised elasticity
  ``|slope · knob / objective|`` exceeds :data:`ELASTICITY_FLAG` (every slope is listed; flagged
  ones are the points).
- A trade-off point is either an exchange rate between two objectives (with its CI), or a knob
  that moves two objectives in opposite directions of goodness (ATAM's trade-off point).
- A risk is a constraint whose interval crosses its bound (or broken out of sample, or an OPE
  shortlist risk); a non-risk is a constraint whose P(violated) is below :data:`NON_RISK_P`.
"""

from __future__ import annotations

import math
from typing import Any

from ..analyses.store import AnalysisRecord
from ..decisions.card import GROUP_COLUMNS, number, shortlist_lines, with_interval
from ..decisions.store import DecisionRecord
from .model import (
    BusinessDriver,
    KindSection,
    KindTable,
    RiskItem,
    RiskTheme,
    SensitivityPoint,
    TradeoffPoint,
    auto,
)

ELASTICITY_FLAG = 0.1
NON_RISK_P = 0.05
MAX_WEIGHTS = 30


def _directions(decision: DecisionRecord) -> dict[str, str]:
    return dict(text.rsplit(":", 1) for text in decision.evidence.get("objectives") or [])


def sensitivity_points(decision: DecisionRecord) -> list[SensitivityPoint]:
    """Every knob → objective slope at the chosen candidate, flagged when elastic (module doc)."""
    candidate = decision.evidence["candidate"]
    result = []
    for item in decision.evidence.get("sensitivity") or []:
        knob, objective = candidate.get(item["knob"]), candidate.get(item["objective"])
        elasticity = None
        if isinstance(knob, int | float) and isinstance(objective, int | float) and objective != 0:
            elasticity = float(item["slope"]) * float(knob) / float(objective)
        flagged = elasticity is not None and math.isfinite(elasticity) and abs(elasticity) > ELASTICITY_FLAG
        result.append(
            SensitivityPoint(
                decision.id,
                item["knob"],
                item["objective"],
                float(item["slope"]),
                float(item["step"]),
                elasticity,
                flagged,
                item["text"],
            )
        )
    return result


def tradeoff_points(decision: DecisionRecord) -> list[TradeoffPoint]:
    """Exchange rates between objective pairs, then knobs that move two objectives apart."""
    result = [
        TradeoffPoint(
            decision.id,
            "exchange-rate",
            rate["gain"],
            rate["cost"],
            rate.get("per_cost"),
            rate.get("per_cost_lo"),
            rate.get("per_cost_hi"),
            rate["text"],
        )
        for rate in decision.evidence.get("tradeoffs") or []
    ]
    directions = _directions(decision)
    by_knob: dict[str, list[dict[str, Any]]] = {}
    for item in decision.evidence.get("sensitivity") or []:
        by_knob.setdefault(item["knob"], []).append(item)
    for knob, items in by_knob.items():
        better = [(i["objective"], _better(i, directions)) for i in items if _better(i, directions) != 0]
        for index, (first, sign) in enumerate(better):
            for second, other in better[index + 1 :]:
                if sign != other:
                    up, down = (first, second) if sign > 0 else (second, first)
                    text = f"raising {knob} improves {up} and worsens {down}: {knob} is a trade-off point"
                    result.append(
                        TradeoffPoint(decision.id, "opposing-knob", up, down, None, None, None, text, knob)
                    )
    return result


def _better(item: dict[str, Any], directions: dict[str, str]) -> int:
    """+1 when raising the knob improves the objective, -1 when it worsens it, 0 when flat."""
    slope = float(item["slope"])
    if slope == 0 or not math.isfinite(slope):
        return 0
    sign = 1 if slope > 0 else -1
    return sign if directions.get(item["objective"], "max") == "max" else -sign


def risk_items(decision: DecisionRecord) -> list[RiskItem]:
    """The decision's risks (from its evidence), then its non-risks (constraints clear of their bound)."""
    result = []
    for index, risk in enumerate(decision.evidence.get("risks") or [], start=1):
        constraint = str(risk.get("constraint") or risk.get("kind") or "")
        probability = risk.get("probability")
        result.append(
            RiskItem(
                f"{decision.id}:R{index}",
                decision.id,
                "risk",
                risk["text"],
                constraint,
                _number(risk.get("value")),
                _number(risk.get("lo")),
                _number(risk.get("hi")),
                _bound(decision, constraint),
                _number(probability),
                str(risk.get("sample", "in-sample")),
                mitigation=auto(_mitigation(risk)),
                owner=auto(decision.author),
            )
        )
    at_risk = {item.constraint for item in result}
    for index, check in enumerate(decision.evidence.get("constraints") or [], start=1):
        chance = check.get("p_violated")
        if check["constraint"] in at_risk or chance is None or chance >= NON_RISK_P:
            continue
        statement = (
            f"{check['constraint']}: estimate {number(check['estimate'])}, slack "
            f"{number(check['slack'])}, P(violated) ≈ {chance:.1%}: it holds with margin"
        )
        result.append(
            RiskItem(
                f"{decision.id}:N{index}",
                decision.id,
                "non-risk",
                statement,
                check["constraint"],
                _number(check.get("estimate")),
                None,
                None,
                _number(check.get("bound")),
                float(chance),
                owner=auto(decision.author),
            )
        )
    return result


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bound(decision: DecisionRecord, constraint: str) -> float | None:
    for item in decision.preferences.get("constraints") or []:
        if item["text"] == constraint:
            return _number(item.get("bound"))
    return None


def _mitigation(risk: dict[str, Any]) -> str:
    if risk.get("sample") == "out-of-sample":
        return "re-fit on recent data or tighten the constraint; monitor the out-of-sample figure"
    if "constraint" in risk:
        return "tighten the constraint to hold at its confidence bound (@95), or monitor it after deployment"
    return "review before acting on the choice"


def risk_themes(risks: list[RiskItem], drivers: list[BusinessDriver]) -> list[RiskTheme]:
    """Risks grouped by the constraint (attribute) they threaten, with that decision's drivers."""
    groups: dict[str, list[RiskItem]] = {}
    for risk in risks:
        if risk.kind == "risk":
            metric = risk.constraint.split("<")[0].split(">")[0].split("=")[0].strip() or risk.constraint
            groups.setdefault(metric, []).append(risk)
    themes = []
    for index, (metric, items) in enumerate(groups.items(), start=1):
        ids = {item.decision_id for item in items}
        title = f"{metric} may not meet its bound once deployed ({len(items)} risk(s))"
        themes.append(
            RiskTheme(
                f"T{index}",
                auto(title),
                [item.id for item in items],
                [d.id for d in drivers if d.decision_id in ids],
            )
        )
    return themes


def kind_section(decision: DecisionRecord, analysis: AnalysisRecord) -> KindSection:
    """What this kind of analysis adds: the per-group table (fairness), the weights (risk–return),
    the recipe and cost-of-pass (cost–quality), the shortlist (OPE), else the chosen candidate's knobs."""
    evidence, candidate = decision.evidence, decision.evidence["candidate"]
    notes: list[str] = []
    tables: list[KindTable] = []
    groups = evidence.get("groups")
    if groups:
        headers = ["group", *(title for _, title in GROUP_COLUMNS), "threshold"]
        rows = [
            [
                g["group"] + (" (small)" if g.get("small") else ""),
                *(with_interval(g, name) for name, _ in GROUP_COLUMNS),
                str(g["rule"]),
            ]
            for g in groups["groups"]
        ]
        tables.append(KindTable(f"Per group: {groups['outcome']}", headers, rows))
    if "uses_protected_attribute" in candidate:
        reads = "reads" if candidate["uses_protected_attribute"] else "does not read"
        notes.append(f"The chosen rule {reads} the protected attribute at decision time.")
    weights = [
        (key.removeprefix("weight_"), value)
        for key, value in candidate.items()
        if key.startswith("weight_") and isinstance(value, int | float) and value
    ]
    if weights:
        rows = [[name, f"{value:.2%}"] for name, value in sorted(weights, key=lambda item: -item[1])]
        tables.append(KindTable("Portfolio weights (non-zero)", ["asset", "weight"], rows[:MAX_WEIGHTS]))
    notes += shortlist_lines(candidate)
    notes += _cost_quality_notes(analysis, candidate)
    if not tables and not weights:
        knobs = [k for k in analysis.spec.get("knobs", []) if k in candidate]
        rows = [[k, _cell(candidate[k])] for k in knobs]
        tables.append(KindTable("The chosen candidate's settings", ["setting", "value"], rows))
    return KindSection(decision.id, analysis.kind, _kind_title(analysis.kind), notes, tables)


def _cost_quality_notes(analysis: AnalysisRecord, candidate: dict[str, Any]) -> list[str]:
    if analysis.kind != "cost-quality":
        return []
    spec_notes = analysis.spec.get("notes", {})
    lines = [f"Recipe: {candidate.get('system')} ({candidate.get('kind')})"]
    if "cost_of_pass" in candidate:
        lines.append(f"Cost-of-pass of the choice: {with_interval(candidate, 'cost_of_pass')}")
    frontier = spec_notes.get("frontier_cost_of_pass") or {}
    if "value" in frontier:
        lines.append(f"Frontier cost-of-pass: {number(frontier['value'])} ({frontier.get('formula', '')})")
    headline = spec_notes.get("headline") or {}
    if headline.get("text"):
        lines.append(str(headline["text"]))
    return lines


KIND_TITLES = {
    "fairness": "Fairness: per-group evidence",
    "risk-return": "Risk–return: the weights",
    "cost-quality": "Cost–quality: the recipe and cost-of-pass",
    "ope": "Off-policy evaluation: the shortlist",
}


def _cell(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else number(value)


def _kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, "The chosen candidate")
