"""The report as a flow of typed blocks: the one contract between the report model and its renderers.

``core.reports`` turns a report model into a list of blocks; the Markdown renderer (core) and the
PDF renderer (``render/``, QtGui) both read only these blocks, so every section reaches every format
the same way. Blocks hold plain text and numbers, never markup: a renderer escapes what it prints
(a column named ``<img src=x>`` must print as text). Figures carry their data, not pictures, so the
PDF can draw them as vectors with the same painter the app uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "right", "center"]
Tone = Literal["neutral", "good", "warning", "bad"]


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 starts a new page in the PDF and is listed in the contents."""

    text: str
    level: int = 1
    anchor: str = ""  # stable id for cross-references ("decision-1", "risks")


@dataclass(frozen=True)
class Paragraph:
    """Plain text; ``emphasis`` prints it in bold (a verdict, a warning)."""

    text: str
    emphasis: bool = False
    tone: Tone = "neutral"


@dataclass(frozen=True)
class BulletList:
    """An unordered list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class KeyValues:
    """A two-column card of labelled values (the decision card, the provenance block)."""

    rows: tuple[tuple[str, str], ...]
    title: str = ""
    tone: Tone = "neutral"


@dataclass(frozen=True)
class Table:
    """A table whose header row repeats on every page it spans."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    align: tuple[Align, ...] = ()  # one per column; empty means numbers right, text left


@dataclass(frozen=True)
class ConstraintLine:
    """A bound drawn on a figure: ``axis`` is the objective's axis, ``value`` the bound."""

    axis: Literal["x", "y"]
    value: float
    label: str  # e.g. "dp_ratio ≥ 0.8"
    infeasible_below: bool  # True when values below the line break the constraint


@dataclass(frozen=True)
class FrontFigure:
    """A two-objective front: every candidate, the front with CI whiskers, the chosen point.

    ``points_x``/``points_y`` are all candidates (a renderer may thin them); ``front`` indexes the
    Pareto-front points among them; ``*_lo``/``*_hi`` are interval bounds per front point (same
    order as ``front``; empty when the analysis has none).
    """

    title: str
    caption: str
    x_label: str  # objective name with direction, e.g. "accuracy (higher is better)"
    y_label: str
    points_x: tuple[float, ...]
    points_y: tuple[float, ...]
    front: tuple[int, ...]
    x_lo: tuple[float, ...] = ()
    x_hi: tuple[float, ...] = ()
    y_lo: tuple[float, ...] = ()
    y_hi: tuple[float, ...] = ()
    chosen: int | None = None  # index into points
    knee: int | None = None
    constraints: tuple[ConstraintLine, ...] = ()
    labels: tuple[tuple[int, str], ...] = ()  # (point index, short label) printed beside a point


@dataclass(frozen=True)
class BarFigure:
    """Horizontal bars, one per label, optionally signed (elasticities, weights, per-group rates)."""

    title: str
    caption: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    value_label: str = ""
    reference: float | None = None  # a vertical rule, e.g. a threshold


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


Block = Heading | Paragraph | BulletList | KeyValues | Table | FrontFigure | BarFigure | PageBreak


@dataclass(frozen=True)
class DocumentInfo:
    """What a renderer needs besides the blocks: metadata, the footer fingerprint, the embedded manifest."""

    title: str
    author: str
    subject: str
    fingerprint: str  # short digest printed in every footer, e.g. "ts:3f9a1c2e"
    manifest_json: str  # embedded in the PDF's XMP metadata; read back by verify-report
    keywords: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Document:
    """A renderable report: its info, a cover (blocks before the contents) and the body."""

    info: DocumentInfo
    cover: tuple[Block, ...]
    body: tuple[Block, ...]
