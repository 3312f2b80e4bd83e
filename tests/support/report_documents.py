"""Report documents built by hand from blocks, for the renderer's tests and benchmark.

:func:`sample_document` is a committee-report-shaped document: a cover with a decision card,
sections with level-2 headings, a front figure with CIs, knee, chosen point and a constraint, a bar
figure, a table long enough to span pages, a hostile column name, unicode (≤ ≥ Δ —) and a
64-hex-digit hash that must wrap. ``sections`` scales its length (about 2 pages per section).
"""

from __future__ import annotations

import hashlib
import math

from tradeoff_studio.core.reports.blocks import (
    BarFigure,
    BulletList,
    ConstraintLine,
    Document,
    DocumentInfo,
    FrontFigure,
    Heading,
    KeyValues,
    Paragraph,
    Table,
)

HOSTILE = "<img src=x>"
LONG_HASH = hashlib.sha256(b"tradeoff").hexdigest() * 2  # 128 characters, no break opportunity
MANIFEST = '{"report_digest": "ab<&>\\"12", "tables": {"credit & co": 3}}'


def front_figure(count: int = 60) -> FrontFigure:
    """A concave accuracy/fairness front among ``count`` candidates, with CIs and a constraint."""
    xs, ys = [], []
    for i in range(count):
        t = i / (count - 1)
        xs.append(0.70 + 0.15 * t)
        ys.append(0.95 - 0.35 * t * t - (0.08 if i % 3 else 0.0))
    front = tuple(i for i in range(count) if i % 3 == 0)
    return FrontFigure(
        title="Accuracy against demographic-parity ratio",
        caption="Figure 1. Every candidate threshold (grey), the Pareto front with 95 % bootstrap CIs "
        "(blue), the knee (green diamond) and the chosen point (orange ring); the shaded side breaks "
        "dp_ratio ≥ 0.8.",
        x_label="accuracy (higher is better)",
        y_label="dp_ratio (higher is better)",
        points_x=tuple(xs),
        points_y=tuple(ys),
        front=front,
        x_lo=tuple(xs[i] - 0.004 for i in front),
        x_hi=tuple(xs[i] + 0.004 for i in front),
        y_lo=tuple(ys[i] - 0.015 for i in front),
        y_hi=tuple(ys[i] + 0.015 for i in front),
        chosen=front[len(front) // 2],
        knee=front[len(front) // 3],
        constraints=(ConstraintLine(axis="y", value=0.8, label="dp_ratio ≥ 0.8", infeasible_below=True),),
        labels=((front[0], "t=0.20"), (front[-1], "t=0.80")),
    )


def bar_figure() -> BarFigure:
    """Signed elasticities with a reference rule."""
    return BarFigure(
        title="Sensitivity of the objectives to the threshold",
        caption="Figure 2. Normalised elasticity of each objective to a ±1 % change of the threshold.",
        labels=("accuracy", "dp_ratio", "equal opportunity difference", HOSTILE),
        values=(0.42, -1.35, 0.08, -0.3),
        value_label="elasticity (Δ objective % per Δ knob %)",
        reference=0.5,
    )


def _with_interval(value: float, half: float) -> str:
    return f"{value:.3f} [{value - half:.3f}, {value + half:.3f}]"


def long_table(rows: int = 120) -> Table:
    """Candidates with CIs: numbers right-aligned, a hostile column name, a hash that must wrap."""
    body = tuple(
        (
            f"cand-{i:03d}",
            f"{0.5 + i / (2 * rows):.4f}",
            _with_interval(0.80 + 0.1 * math.sin(i), 0.02),
            "yes" if i % 4 == 0 else "no",
            f"{i * 1234.5:,.1f}",
        )
        for i in range(rows)
    )
    return Table(
        headers=("candidate", "threshold", "dp_ratio [95 % CI]", HOSTILE, "cost (€)"),
        rows=body,
        caption="Table 1. Every candidate operating point (Δ accuracy — change against the baseline).",
    )


def sample_document(sections: int = 10, *, table_rows: int = 120) -> Document:
    """A report-shaped document; with the defaults it fills more than 20 A4 pages."""
    cover = (
        Heading("Credit model: accuracy against fairness", level=1),
        Paragraph(
            "Verdict: adopt threshold 0.47 — accuracy 0.812, dp_ratio 0.84 ≥ 0.8.", emphasis=True, tone="good"
        ),
        KeyValues(
            rows=(
                ("Decision", "Threshold 0.47 on score_v3"),
                ("Status", "current (locked 2026-12-01)"),
                ("Evaluators", "A. Analyst; B. Validator"),
                ("Data SHA-256", LONG_HASH[:64]),
            ),
            title="Decision card",
            tone="good",
        ),
    )
    body: list = [
        Heading("Executive summary", anchor="summary"),
        Paragraph("The chosen point trades 0.42 pp accuracy per 0.01 dp_ratio (Δ ≤ 0.05 at 95 %)."),
        BulletList(items=("Risk: dp_ratio CI straddles 0.8 in group B", f"Column {HOSTILE} prints as text")),
        front_figure(),
        bar_figure(),
    ]
    for number in range(1, sections + 1):
        body.append(Heading(f"Section {number}: analysis details", anchor=f"s{number}"))
        body.append(Paragraph(f"Section {number} marker text. " + "Lorem ipsum dolor sit amet. " * 40))
        body.append(Heading(f"Section {number}.1 evidence", level=2))
        body.append(Paragraph(f"Provenance hash {LONG_HASH} must wrap inside the page."))
        body.append(long_table(table_rows // 3 if number > 1 else table_rows))
    info = DocumentInfo(
        title="Credit model: accuracy against fairness",
        author="A. Analyst",
        subject="ATRAF trade-off report (ATRAM, iteration 1)",
        fingerprint="ts:3f9a1c2e",
        manifest_json=MANIFEST,
        keywords=("fairness", "credit"),
    )
    return Document(info=info, cover=cover, body=tuple(body))
