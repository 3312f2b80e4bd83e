"""The report as blocks (:mod:`.blocks`), in the outline of the ATRAF note's §4.1.

Cover: the title and one verdict-first decision card per decision. Body: executive summary;
context and business drivers; method; quality attributes and utility tree; alternatives (a
front figure per decision, with the chosen point, constraints and CI whiskers, and the options
table); the decisions (MADR); sensitivity and trade-offs; risks, non-risks and themes; the
analysis-specific evidence; confirmation and next iteration; provenance and verification.
Every number is printed by :func:`..decisions.card.number` (4 significant digits), hashes in full.
"""

from __future__ import annotations

from .blocks import (
    Block,
    BulletList,
    ConstraintLine,
    Document,
    DocumentInfo,
    FrontFigure,
    Heading,
    KeyValues,
    Paragraph,
    Table,
    Tone,
)
from .document_parts import (
    alternatives_section,
    provenance_section,
    quality_section,
    risks_section,
    tradeoff_section,
)
from .model import DecisionSection, FigureData, Report
from .verify import fingerprint, manifest, manifest_json

DIRECTIONS = {"max": "higher is better", "min": "lower is better"}
PHASES = (
    "Phase 0 — classify the artifact and select the method: {method}, iteration {iteration}.",
    "Phase I — scenarios and requirements: the business drivers and constraints below, one "
    "quality-attribute scenario per objective or constrained metric.",
    "Phase II — views and scenario realisation: each analysis's candidates realise the scenarios.",
    "Phase III — attribute-specific analyses: each objective measured with its confidence interval.",
    "Phase IV — sensitivity, trade-off and risk analysis: elasticities, exchange rates, risks and "
    "non-risks at the chosen points; its findings drive the next iteration.",
)


def report_document(report: Report) -> Document:
    """The blocks of ``report`` with its metadata, fingerprint and manifest (module docstring)."""
    found = manifest(report)
    mark = fingerprint(found)
    info = DocumentInfo(
        title=report.evaluation.title.text,
        author=report.evaluation.evaluators.text or "Tradeoff Studio",
        subject=f"ATRAF {report.evaluation.method} trade-off report on decision(s) "
        + ", ".join(report.decision_ids),
        fingerprint=mark,
        manifest_json=manifest_json(found),
        keywords=("ATRAF", report.evaluation.method, *report.decision_ids),
    )
    body = [
        *_summary(report),
        *_context(report),
        *_method(report),
        *quality_section(report),
        *alternatives_section(report),
        *_decisions(report),
        *tradeoff_section(report),
        *risks_section(report),
        *_kinds(report),
        *_confirmation(report),
        *provenance_section(report, found, mark),
    ]
    return Document(info, tuple(_cover(report, mark)), tuple(body))


def when(timestamp: str) -> str:
    """``2026-12-04 18:28 UTC`` from a stored timestamp (``2026-12-04 18:28:00.279203+00``)."""
    return f"{timestamp[:16]} UTC" if len(timestamp) >= 16 and timestamp.endswith("+00") else timestamp


def _tone(decision: DecisionSection, report: Report) -> Tone:
    if decision.status != "current":
        return "bad"
    risky = any(r.decision_id == decision.id and r.kind == "risk" for r in report.risks)
    return "warning" if risky else "good"


def _cover(report: Report, mark: str) -> list[Block]:
    evaluation = report.evaluation
    blocks: list[Block] = [
        Heading(evaluation.title.text, 1, "cover"),
        Paragraph(
            f"ATRAF {evaluation.method} evaluation, iteration {evaluation.iteration}, {evaluation.date}."
        ),
    ]
    for decision in report.decisions:
        risks = [r for r in report.risks if r.decision_id == decision.id and r.kind == "risk"]
        verdict = (
            f"Chosen: candidate {decision.candidate_id} on '{decision.analysis}' ({decision.status_text})"
        )
        rows = (
            ("Verdict", verdict),
            ("Because", decision.outcome.text),
            ("Risks", f"{len(risks)}: " + "; ".join(r.constraint for r in risks) if risks else "none found"),
            (
                "Decision",
                f"{decision.id} ({decision.kind_title}), {when(decision.decided_at)}, {decision.author}",
            ),
        )
        blocks.append(KeyValues(rows, f"Decision card: {decision.analysis}", _tone(decision, report)))
    people = (
        ("Method", f"{evaluation.method}, iteration {evaluation.iteration}"),
        ("Date", evaluation.date),
        ("Evaluators", evaluation.evaluators.text or "—"),
        ("Decision-makers", evaluation.decision_makers.text or "—"),
        ("Consulted", evaluation.consulted.text or "—"),
        ("Informed", evaluation.informed.text or "—"),
        ("Stakeholders", evaluation.stakeholders.text or "—"),
        ("Fingerprint", f"{mark} (tradeoff-studio verify-report PROJECT FILE)"),
    )
    blocks.append(KeyValues(people, "Evaluation"))
    return blocks


def _summary(report: Report) -> list[Block]:
    rates = [t.text for t in report.tradeoffs if t.kind == "exchange-rate" and t.rate is not None]
    risks = [r.statement for r in report.risks if r.kind == "risk"]
    current = sum(d.status == "current" for d in report.decisions)
    risky = sum(r.kind == "risk" for r in report.risks)
    verdict = f"{len(report.decisions)} decision(s), {current} current; {risky} risk(s) at the chosen points."
    blocks: list[Block] = [Heading("Executive summary", 1, "summary"), Paragraph(verdict, True)]
    blocks += [Paragraph(line) for line in report.summary.text.splitlines() if line.strip()]
    if rates:
        blocks += [Paragraph("Headline exchange rates:"), BulletList(tuple(rates))]
    blocks += [
        Paragraph("Top risks:"),
        BulletList(tuple(risks[:5]) or ("No risk found at the chosen points.",)),
    ]
    if report.themes:
        blocks += [Paragraph("Risk themes:"), BulletList(tuple(theme.title.text for theme in report.themes))]
    return blocks


def _context(report: Report) -> list[Block]:
    blocks: list[Block] = [Heading("Context and business drivers", 1, "context")]
    blocks += [Paragraph(f"{d.analysis}: {d.context.text}") for d in report.decisions]
    rows = tuple(
        (d.id, d.statement.text, d.priority, "; ".join(d.constraints) or "—") for d in report.drivers
    )
    blocks.append(Table(("driver", "statement", "priority", "constraints"), rows, "Business drivers"))
    return blocks


def _method(report: Report) -> list[Block]:
    evaluation = report.evaluation
    phases = tuple(text.format(method=evaluation.method, iteration=evaluation.iteration) for text in PHASES)
    return [
        Heading("Method", 1, "method"),
        Paragraph(
            "The evaluation follows ATRAF (Ben Hassouna, 2025), which extends the SEI's ATAM: ATRAM for a "
            "concrete system, RATRAM for a reference architecture, AFTRAM for a framework. Candidates come "
            "from Pareto analyses; each decision is recorded with its evidence."
        ),
        BulletList(phases),
    ]


def front_figure(figure: FigureData, decision: DecisionSection) -> FrontFigure:
    """The figure block of one decision's front."""
    lines = tuple(
        ConstraintLine(axis, value, label, below) for axis, value, label, below in figure.constraints
    )  # type: ignore[arg-type]
    shown = len(figure.points_x)
    thinned = f" ({shown:,} of {figure.candidates:,} candidates shown)" if shown < figure.candidates else ""
    return FrontFigure(
        title=f"Front of '{decision.analysis}'",
        caption=f"{figure.candidates:,} candidates{thinned}; the Pareto front with its CI whiskers, the "
        f"chosen point {decision.candidate_id}, the knee and the constraints.",
        x_label=f"{figure.x_metric} ({DIRECTIONS.get(figure.x_direction, figure.x_direction)})",
        y_label=f"{figure.y_metric} ({DIRECTIONS.get(figure.y_direction, figure.y_direction)})",
        points_x=tuple(figure.points_x),
        points_y=tuple(figure.points_y),
        front=tuple(figure.front),
        x_lo=tuple(figure.x_lo),
        x_hi=tuple(figure.x_hi),
        y_lo=tuple(figure.y_lo),
        y_hi=tuple(figure.y_hi),
        chosen=figure.chosen,
        knee=figure.knee,
        constraints=lines,
        labels=tuple(
            (index, text)
            for index, text in ((figure.chosen, "chosen"), (figure.knee, "knee"))
            if index is not None
        ),
    )


def _decisions(report: Report) -> list[Block]:
    blocks: list[Block] = [Heading("Decisions", 1, "decisions")]
    for decision in report.decisions:
        blocks += [
            Heading(f"Decision {decision.id}: {decision.analysis}", 2, f"decision-{decision.id}"),
            KeyValues(
                (
                    ("Status", decision.status_text),
                    ("Date", when(decision.decided_at)),
                    ("Decision-makers", report.evaluation.decision_makers.text or decision.author),
                    ("Consulted", report.evaluation.consulted.text or "—"),
                    ("Informed", report.evaluation.informed.text or "—"),
                ),
                "MADR front matter",
            ),
            Paragraph(f"Context and problem statement: {decision.context.text}"),
            Paragraph("Decision drivers:"),
            BulletList(tuple(decision.drivers) or ("—",)),
            Paragraph("Considered options (the method's finalists): " + (", ".join(decision.options) or "—")),
            Paragraph(
                f"Decision outcome: chosen option {decision.candidate_id}, because {decision.outcome.text}",
                True,
            ),
            Paragraph(f"Rule: {decision.rule}"),
            Paragraph("Good consequences:"),
            BulletList(tuple(decision.good) or ("—",)),
            Paragraph("Bad consequences:"),
            BulletList(tuple(decision.bad) or ("—",)),
        ]
        if decision.more.text:
            blocks.append(Paragraph(f"More information: {decision.more.text}"))
    return blocks


def _kinds(report: Report) -> list[Block]:
    blocks: list[Block] = [Heading("Analysis-specific evidence", 1, "kinds")]
    names = {d.id: d.analysis for d in report.decisions}
    for section in report.kinds:
        blocks.append(Heading(f"{section.title} ({names.get(section.decision_id, section.decision_id)})", 2))
        blocks += [Paragraph(note) for note in section.notes]
        blocks += [
            Table(tuple(t.headers), tuple(tuple(row) for row in t.rows), t.caption) for t in section.tables
        ]
    return blocks


def _confirmation(report: Report) -> list[Block]:
    from ..decisions.card import number

    rows = tuple(
        (
            d.analysis,
            c.constraint,
            number(c.bound),
            number(c.estimate),
            number(c.slack),
            "—" if c.p_violated is None else f"{c.p_violated:.1%}",
        )
        for d in report.decisions
        for c in d.confirmation
    )
    blocks: list[Block] = [
        Heading("Confirmation and next iteration", 1, "confirmation"),
        Paragraph(
            "Monitor each constraint after deployment; re-evaluate when one leaves its bound, when the "
            "data is re-imported, or when an analysis is re-run (verify-report names each change)."
        ),
        Table(
            ("analysis", "constraint", "bound", "estimate", "slack", "P(violated)"), rows, "What to monitor"
        ),
    ]
    if report.next_iteration.text:
        blocks.append(Paragraph(report.next_iteration.text))
    return blocks
