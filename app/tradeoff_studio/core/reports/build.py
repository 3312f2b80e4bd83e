"""Build a :class:`~.model.Report` from the project: its stored decisions, analyses and provenance.

Everything the analysis knows is filled in here; the texts only a person knows (evaluators,
mitigations, owners, consequences) start as neutral prompts or empty, marked not edited, so the
app's editor and :func:`~.model.keep_edits` can tell them apart. The decision card's words come
from :mod:`..decisions.card` (not repeated here); evidence is the snapshot stored with the decision,
so the report cites exactly what the analyst saw when deciding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..analyses import kinds
from ..analyses.candidates import CandidateTable
from ..analyses.store import AnalysisRecord, get_analysis, load_analysis
from ..decisions.card import card_lines, number, rule_sentence
from ..decisions.frontier import is_proportion
from ..decisions.store import DecisionRecord, get_decision
from ..project import Project
from .evidence import kind_section, risk_items, risk_themes, sensitivity_points, tradeoff_points
from .figures import figure_data
from .model import (
    Alternative,
    BusinessDriver,
    Confirmation,
    DecisionSection,
    Evaluation,
    QualityAttribute,
    Report,
    ReportError,
    Scenario,
    Text,
    UtilityLeaf,
    auto,
)
from .provenance import provenance

MAX_NEIGHBOURS = 2


@dataclass(frozen=True)
class Source:
    """One decision with its analysis record and candidates, as the builders read them."""

    decision: DecisionRecord
    analysis: AnalysisRecord
    table: CandidateTable

    @property
    def evidence(self) -> dict[str, Any]:
        """The decision's evidence snapshot."""
        return self.decision.evidence


def load_sources(project: Project, decision_ids: Sequence[str]) -> list[Source]:
    """The decisions ``decision_ids`` with their analyses; :class:`ReportError` for none or a repeat."""
    if not decision_ids:
        raise ReportError("Name at least one decision to report on (--decision ID; see 'decisions PROJECT').")
    repeated = sorted({i for i in decision_ids if list(decision_ids).count(i) > 1})
    if repeated:
        raise ReportError(f"Decision {', '.join(repeated)} is named more than once; name each decision once.")
    sources = []
    for decision_id in decision_ids:
        decision = get_decision(project, decision_id)
        sources.append(
            Source(
                decision, get_analysis(project, decision.analysis), load_analysis(project, decision.analysis)
            )
        )
    return sources


def build_report(project: Project, decision_ids: Sequence[str], *, date: str | None = None) -> Report:
    """The report on ``decision_ids`` (ids as ``decisions --json`` prints them), filled from the project.

    Raises :class:`~..errors.NotFoundError` naming an unknown id (and listing the project's decisions).
    """
    sources = load_sources(project, decision_ids)
    qualities = [qa for source in sources for qa in quality_attributes(source)]
    scenarios = [s for source in sources for s in quality_scenarios(source, qualities)]
    risks = [item for source in sources for item in risk_items(source.decision)]
    drivers = [business_driver(source) for source in sources]
    report = Report(
        evaluation=_evaluation(sources, date),
        summary=Text(),
        drivers=drivers,
        qualities=qualities,
        scenarios=scenarios,
        utility_tree=utility_tree(qualities, scenarios),
        alternatives=[alt for source in sources for alt in alternatives(source)],
        decisions=[decision_section(source, risks) for source in sources],
        sensitivity=[p for source in sources for p in sensitivity_points(source.decision)],
        tradeoffs=[p for source in sources for p in tradeoff_points(source.decision)],
        risks=risks,
        themes=risk_themes(risks, drivers),
        kinds=[kind_section(source.decision, source.analysis) for source in sources],
        figures=[
            figure
            for source in sources
            if (figure := figure_data(source.decision, source.table, _knee(source)))
        ],
        provenance=provenance(project, [(s.decision, s.analysis) for s in sources]),
    )
    report.summary = auto(executive_summary(report))
    return report


def _knee(source: Source) -> str | None:
    knee = (source.analysis.spec.get("indicators") or {}).get("knee")
    return None if knee is None else str(knee)


def _evaluation(sources: list[Source], date: str | None) -> Evaluation:
    titles = ", ".join(source.analysis.name for source in sources)
    authors = sorted({source.decision.author for source in sources})
    return Evaluation(
        title=auto(f"Trade-off report: {titles}"),
        date=date or datetime.now(UTC).date().isoformat(),
        evaluators=auto(", ".join(authors)),
        decision_makers=auto(", ".join(authors)),
    )


def business_driver(source: Source) -> BusinessDriver:
    """The decision's driver: its rationale as the statement, its constraints as what encodes it."""
    constraints = [item["text"] for item in source.decision.preferences.get("constraints", [])]
    return BusinessDriver(
        f"BD-{source.decision.id}", auto(source.decision.rationale), "H", constraints, source.decision.id
    )


def _objectives(source: Source) -> list[tuple[str, str]]:
    return [tuple(text.rsplit(":", 1)) for text in source.evidence.get("objectives") or []]  # type: ignore[misc]


def quality_attributes(source: Source) -> list[QualityAttribute]:
    """One per objective, then one per constrained metric that is not an objective."""
    decision, table = source.decision, source.table
    weights = decision.preferences.get("weights") or {}
    constraints = decision.preferences.get("constraints") or []
    result = []
    metrics = [*_objectives(source)]
    metrics += [
        (c["metric"], "constraint") for c in constraints if c["metric"] not in {m for m, _ in metrics}
    ]
    for metric, direction in dict(metrics).items():
        bounds = [c["text"] for c in constraints if c["metric"] == metric]
        unit = "proportion (0–1)" if metric in table.frame and _proportion(table, metric) else "as measured"
        weight = weights.get(metric) if direction != "constraint" else None
        result.append(
            QualityAttribute(
                f"{decision.id}:{metric}",
                decision.id,
                metric,
                direction,
                unit,
                "; ".join(bounds) or None,
                weight,
            )
        )
    return result


def _proportion(table: CandidateTable, metric: str) -> bool:
    try:
        return is_proportion(table, metric)
    except (TypeError, ValueError):  # a text column
        return False


def _rating(share: float) -> str:
    return "H" if share >= 2 / 3 else "M" if share >= 1 / 3 else "L"


def quality_scenarios(source: Source, qualities: list[QualityAttribute]) -> list[Scenario]:
    """A six-part scenario per quality attribute: the response measure from its constraint, the
    importance from its weight (constrained: high), the difficulty from the share of front
    candidates that fail its constraint."""
    decision, table = source.decision, source.table
    inputs = source.analysis.spec.get("inputs", {})
    data = inputs.get("table") or (inputs.get("source") or {}).get("table") or "the analysed data"
    mine = [qa for qa in qualities if qa.decision_id == decision.id]
    top = max([qa.weight or 0.0 for qa in mine] + [0.0])
    result = []
    for qa in mine:
        direction = {"max": "as high as possible", "min": "as low as possible"}.get(
            qa.direction, "within bounds"
        )
        importance = "H" if qa.threshold else _rating((qa.weight or 0.0) / top) if top > 0 else "M"
        result.append(
            Scenario(
                f"{qa.id}:scenario",
                qa.id,
                auto("analyst, committee"),
                auto(f"deployment on data like {data}"),
                auto("normal operation"),
                auto(f"the chosen point of '{source.analysis.name}'"),
                auto(f"{qa.metric} {direction}"),
                qa.threshold or f"{qa.metric} {qa.direction}imised on the front",
                importance,
                _difficulty(table, decision, qa.metric),
            )
        )
    return result


def _difficulty(table: CandidateTable, decision: DecisionRecord, metric: str) -> str:
    """H/M/L from the share of Pareto-front candidates that fail the metric's constraints."""
    constraints = [c for c in decision.preferences.get("constraints") or [] if c["metric"] == metric]
    frame = table.frame[table.frame["on_front"]] if "on_front" in table.frame else table.frame
    if not constraints or metric not in frame or len(frame) == 0 or frame[metric].dtype.kind not in "iuf":
        return "M"
    meets = frame[metric].notna()
    for c in constraints:
        meets &= frame[metric] >= c["bound"] if c["op"] == ">=" else frame[metric] <= c["bound"]
    return _rating(1.0 - float(meets.mean()))


def utility_tree(qualities: list[QualityAttribute], scenarios: list[Scenario]) -> list[UtilityLeaf]:
    """Utility → quality attribute → refinement (its measure) → scenario, one leaf per scenario."""
    by_id = {qa.id: qa for qa in qualities}
    return [
        UtilityLeaf(by_id[s.qa_id].metric, s.response_measure, s.id, s.importance, s.difficulty)
        for s in scenarios
    ]


def alternatives(source: Source) -> list[Alternative]:
    """The considered options: the chosen point, the knee, the best front point per objective, the
    chosen point's neighbours on the front (from its trade-off rates) and the method's finalists."""
    evidence, frame = source.evidence, source.table.frame
    roles: dict[str, list[str]] = {source.decision.candidate_id: ["chosen"]}
    knee = _knee(source)
    if knee is not None:
        roles.setdefault(knee, []).append("knee")
    front = frame[frame["on_front"]] if "on_front" in frame else frame
    for metric, direction in _objectives(source):
        if metric in front and len(front) and front[metric].notna().any():
            best = front[metric].idxmax() if direction == "max" else front[metric].idxmin()
            roles.setdefault(str(frame.at[best, "candidate_id"]), []).append(f"best {metric}")
    neighbours = [n for rate in evidence.get("tradeoffs", []) for n in rate.get("neighbours") or []]
    for candidate in neighbours[: 2 * MAX_NEIGHBOURS]:
        if candidate not in roles:
            roles[candidate] = ["neighbour"]
    for finalist in evidence["recommendation"].get("finalists", [])[:3]:
        roles.setdefault(str(finalist["candidate"]), []).append("finalist")
    return [
        _alternative(source, candidate, tags)
        for candidate, tags in roles.items()
        if (frame["candidate_id"].astype(str) == candidate).any()
    ]


def _alternative(source: Source, candidate: str, roles: list[str]) -> Alternative:
    frame = source.table.frame
    row = frame[frame["candidate_id"].astype(str) == candidate].iloc[0]
    metrics = [metric for metric, _ in _objectives(source)]
    values, lo, hi = {}, {}, {}
    for metric in metrics:
        values[metric] = _float(row.get(metric))
        lo[metric], hi[metric] = _float(row.get(f"{metric}_lo")), _float(row.get(f"{metric}_hi"))
    return Alternative(source.decision.id, candidate, roles, values, lo, hi, bool(row.get("on_front", False)))


def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def decision_section(source: Source, risks: list[Any]) -> DecisionSection:
    """The decision in MADR shape: context, drivers, options, outcome, consequences, confirmation."""
    decision, evidence = source.decision, source.evidence
    described = kinds.kind(source.analysis.kind)
    summary = evidence["recommendation"]
    rule = rule_sentence(evidence["candidate"], evidence.get("groups"))
    constraints = [c["text"] for c in decision.preferences.get("constraints") or []]
    checks = [c for c in evidence.get("constraints") or [] if c.get("slack") is not None and c["slack"] >= 0]
    good = [f"{c['constraint']} holds at the estimate (slack {number(c['slack'])})" for c in checks]
    good += [rate["text"] for rate in evidence.get("tradeoffs", [])[:2]]
    bad = [risk.statement for risk in risks if risk.decision_id == decision.id and risk.kind == "risk"]
    bad += [item["text"] for item in summary.get("binding", [])]
    return DecisionSection(
        id=decision.id,
        analysis=decision.analysis,
        kind=source.analysis.kind,
        kind_title=described.title,
        candidate_id=decision.candidate_id,
        status=decision.status,
        status_text=decision.status_text(),
        decided_at=decision.decided_at,
        author=decision.author,
        rule=rule,
        context=auto(
            f"{described.title} analysis '{decision.analysis}' ({described.help}): "
            f"{summary['candidates']} candidates, {summary['feasible']} feasible, "
            f"{summary['feasible_front']} on the feasible front."
        ),
        drivers=constraints + [f"objective {text}" for text in evidence.get("objectives") or []],
        options=[f"{finalist['candidate']}" for finalist in summary.get("finalists", [])[:5]],
        outcome=auto(decision.rationale),
        good=good,
        bad=bad,
        confirmation=[_confirmation(check) for check in evidence.get("constraints") or []],
        card=card_lines(decision.to_dict()),
    )


def _confirmation(check: dict[str, Any]) -> Confirmation:
    return Confirmation(
        check["constraint"],
        check["metric"],
        check.get("bound"),
        check.get("estimate"),
        check.get("slack"),
        check.get("p_violated"),
    )


def executive_summary(report: Report) -> str:
    """Verdict first: each decision's chosen point, its headline exchange rate and its risks (a line each)."""
    parts = []
    for decision in report.decisions:
        alternatives_here = [
            a for a in report.alternatives if a.decision_id == decision.id and "chosen" in a.roles
        ]
        values = ", ".join(
            f"{m} {number(v)}" for m, v in (alternatives_here[0].values if alternatives_here else {}).items()
        )
        risks = [r for r in report.risks if r.decision_id == decision.id and r.kind == "risk"]
        rates = [
            t.text for t in report.tradeoffs if t.decision_id == decision.id and t.kind == "exchange-rate"
        ]
        text = (
            f"On '{decision.analysis}' ({decision.status_text}), candidate {decision.candidate_id} was chosen"
        )
        text += f" ({values})." if values else "."
        if rates:
            text += f" Headline trade-off: {rates[0].rstrip('.')}."
        text += f" {len(risks)} risk(s)" + (f": {'; '.join(r.constraint for r in risks)}." if risks else ".")
        parts.append(text)
    return "\n".join(parts)
