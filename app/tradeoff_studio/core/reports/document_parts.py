"""The table-heavy sections of the report document: qualities, alternatives, trade-offs, risks, provenance."""

from __future__ import annotations

import json
from typing import Any

from ..decisions.card import number
from .blocks import BarFigure, Block, BulletList, Heading, KeyValues, Paragraph, Table
from .model import Provenance, Report

MAX_BARS = 12


def _interval(lo: float | None, hi: float | None) -> str:
    return "—" if lo is None or hi is None else f"{number(lo)}–{number(hi)}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def quality_section(report: Report) -> list[Block]:
    """Quality attributes, six-part scenarios and the utility tree."""
    names = {d.id: d.analysis for d in report.decisions}
    qualities = tuple(
        (names[q.decision_id], q.metric, q.direction, q.unit, q.threshold or "—", number(q.weight))
        for q in report.qualities
    )
    by_id = {q.id: q.metric for q in report.qualities}
    scenarios = tuple(
        (
            f"S{n}: {by_id.get(s.qa_id, '')}",
            s.source.text,
            s.stimulus.text,
            s.environment.text,
            s.artifact.text,
            s.response.text,
            s.response_measure,
            f"({s.importance}, {s.difficulty})",
        )
        for n, s in enumerate(report.scenarios, start=1)
    )
    short = {s.id: f"S{n}" for n, s in enumerate(report.scenarios, start=1)}
    tree = tuple(
        (
            leaf.quality,
            leaf.refinement,
            short.get(leaf.scenario_id, ""),
            f"({leaf.importance}, {leaf.difficulty})",
        )
        for leaf in report.utility_tree
    )
    return [
        Heading("Quality attributes and utility tree", 1, "qualities"),
        Table(
            ("analysis", "metric", "direction", "unit", "threshold", "weight"),
            qualities,
            "Quality attributes",
        ),
        Table(
            (
                "scenario",
                "source",
                "stimulus",
                "environment",
                "artifact",
                "response",
                "response measure",
                "(I, D)",
            ),
            scenarios,
            "Quality-attribute scenarios (importance, difficulty: H/M/L)",
        ),
        Table(
            ("quality attribute", "refinement", "scenario", "(I, D)"), tree, "Utility tree (root: utility)"
        ),
    ]


def alternatives_section(report: Report) -> list[Block]:
    """Per decision: its front figure, then the considered options with their intervals."""
    from .document import front_figure

    blocks: list[Block] = [Heading("Alternatives", 1, "alternatives")]
    for decision in report.decisions:
        blocks.append(Heading(f"Alternatives of '{decision.analysis}'", 2))
        figure = next((f for f in report.figures if f.decision_id == decision.id), None)
        if figure is not None:
            blocks.append(front_figure(figure, decision))
        options = [a for a in report.alternatives if a.decision_id == decision.id]
        metrics = list(options[0].values) if options else []
        rows = tuple(
            (
                a.candidate_id,
                ", ".join(a.roles),
                *(f"{number(a.values.get(m))} ({_interval(a.lo.get(m), a.hi.get(m))})" for m in metrics),
                "yes" if a.on_front else "no",
            )
            for a in options
        )
        headers = ("candidate", "why listed", *(f"{m} (CI)" for m in metrics), "on front")
        blocks.append(Table(headers, rows, f"Considered options of '{decision.analysis}'"))
    return blocks


def tradeoff_section(report: Report) -> list[Block]:
    """Sensitivity points (with an elasticity chart) and trade-off points with their exchange rates."""
    names = {d.id: d.analysis for d in report.decisions}
    sensitivity = tuple(
        (
            names[p.decision_id],
            p.knob,
            p.objective,
            number(p.slope),
            number(p.step),
            number(p.elasticity),
            "yes" if p.flagged else "no",
        )
        for p in report.sensitivity
    )
    rates = tuple(
        (names[t.decision_id], t.kind, t.cost, t.gain, number(t.rate), _interval(t.lo, t.hi), t.text)
        for t in report.tradeoffs
    )
    blocks: list[Block] = [
        Heading("Sensitivity and trade-off analysis", 1, "tradeoffs"),
        Paragraph(
            "A sensitivity point is a knob whose normalised elasticity exceeds 0.1; a trade-off point is "
            "an exchange rate between two attributes, or a knob that moves two attributes in opposite "
            "directions."
        ),
        Table(
            ("analysis", "knob", "objective", "slope", "step", "elasticity", "sensitivity point"),
            sensitivity,
            "Sensitivity at the chosen points",
        ),
    ]
    elastic = [p for p in report.sensitivity if p.elasticity is not None][:MAX_BARS]
    if elastic:
        blocks.append(
            BarFigure(
                "Elasticities at the chosen points",
                "Normalised elasticity of each objective to each knob; the "
                "rules mark the sensitivity-point threshold.",
                tuple(f"{p.objective} / {p.knob}" for p in elastic),
                tuple(float(p.elasticity or 0.0) for p in elastic),
                "elasticity",
                0.1,
            )
        )
    blocks.append(
        Table(
            ("analysis", "kind", "given up", "gained", "rate", "CI", "in words"),
            rates,
            "Trade-off points (rate: units gained per unit given up)",
        )
    )
    return blocks


def risks_section(report: Report) -> list[Block]:
    """Risks and non-risks with their evidence, mitigation and owner; then the risk themes."""
    names = {d.id: d.analysis for d in report.decisions}

    def rows(kind: str) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (
                r.id,
                names[r.decision_id],
                r.statement,
                number(r.estimate),
                _interval(r.lo, r.hi),
                number(r.threshold),
                _percent(r.p_violation),
                r.sample,
                r.mitigation.text or "—",
                r.owner.text or "—",
            )
            for r in report.risks
            if r.kind == kind
        )

    headers = (
        "id",
        "analysis",
        "statement",
        "estimate",
        "CI",
        "threshold",
        "P(violation)",
        "sample",
        "mitigation",
        "owner",
    )
    themes = tuple(
        (t.id, t.title.text, ", ".join(t.risk_ids), ", ".join(t.drivers), t.origin) for t in report.themes
    )
    return [
        Heading("Risks, non-risks and risk themes", 1, "risks"),
        Table(headers, rows("risk") or (("—",) * len(headers),), "Risks"),
        Table(headers, rows("non-risk") or (("—",) * len(headers),), "Non-risks"),
        Table(("theme", "title", "risks", "drivers", "origin"), themes or (("—",) * 5,), "Risk themes"),
    ]


def provenance_section(report: Report, manifest: dict[str, Any], mark: str) -> list[Block]:
    """Data, models, analyses with their settings and command lines, versions, audit, verification."""
    source = report.provenance
    return [
        Heading("Provenance", 1, "provenance"),
        *_inventory(source),
        *_reproduction(source),
        KeyValues(tuple(source.versions.items()), "Versions"),
        _audit_table(source),
        *_verification(source, manifest, mark),
    ]


def _inventory(source: Provenance) -> list[Block]:
    """The data tables and files, models, analyses and decisions the report rests on, with hashes."""
    files = tuple((d.table, f["path"], f["sha256"], f"{f['rows']:,}") for d in source.data for f in d.files)
    analyses = tuple(
        (a.name, a.kind, a.candidates_sha256, a.settings_sha256, json.dumps(a.seeds)) for a in source.analyses
    )
    decisions = tuple(
        (d["id"], d["analysis"], d["status_text"], d["preferences_sha256"]) for d in source.decisions
    )
    return [
        Table(
            ("table", "rows", "SHA-256"),
            tuple((d.table, f"{d.rows:,}", d.sha256) for d in source.data),
            "Data tables (SHA-256 of the imported files)",
        ),
        Table(("table", "file", "SHA-256", "rows"), files, "Imported files"),
        Table(
            ("model", "SHA-256"),
            tuple((m["name"], m["sha256"]) for m in source.models) or (("—", "—"),),
            "Models",
        ),
        Table(("analysis", "kind", "candidates SHA-256", "settings SHA-256", "seeds"), analyses, "Analyses"),
        Table(("decision", "analysis", "status", "preferences SHA-256"), decisions, "Decisions"),
    ]


def _reproduction(source: Provenance) -> list[Block]:
    """Per analysis: the commands that re-run it and re-take its decision, and its settings."""
    blocks: list[Block] = []
    for analysis in source.analyses:
        blocks += [
            Heading(f"Reproduce '{analysis.name}'", 2),
            BulletList((analysis.command, analysis.decide_command)),
            Paragraph("Settings: " + json.dumps(analysis.settings, sort_keys=True, ensure_ascii=False)),
        ]
    return blocks


def _audit_table(source: Provenance) -> Table:
    audit = tuple(
        (str(e.seq), e.logged_at, e.user, e.action, e.subject, e.input_sha256 or "—", e.output_sha256 or "—")
        for e in source.audit
    )
    return Table(
        ("#", "when", "who", "action", "subject", "input SHA-256", "output SHA-256"), audit, "Audit trail"
    )


def _verification(source: Provenance, manifest: dict[str, Any], mark: str) -> list[Block]:
    """The fingerprint and digests a reader checks the report against, and how."""
    return [
        Heading("Verification", 2, "verification"),
        KeyValues(
            (
                ("Fingerprint", mark),
                ("Report SHA-256", manifest["report_sha256"]),
                ("Project state SHA-256", manifest["state_sha256"]),
                ("Project", source.project_id),
            )
        ),
        Paragraph(
            "Check that this report still matches its project: tradeoff-studio verify-report PROJECT FILE "
            "(exit 0: it matches; exit 1: it names each change)."
        ),
    ]
