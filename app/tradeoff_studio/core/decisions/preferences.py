"""What the analyst wants: hard constraints, weights, a scalarising method, a reference point.

Constraint syntax: ``METRIC OP NUMBER[@CONFIDENCE]`` with OP one of ``>= <= > <``, e.g.
``dp_ratio>=0.8`` or ``dp_ratio>=0.8@95``. With a confidence the constraint must hold for the
pessimistic bound of the metric's interval at that two-sided confidence (``@95`` on a 95%
interval: ``dp_ratio_lo >= 0.8``; other levels are rescaled, see :mod:`.intervals`).
Confidence is given in percent (``@95``, ``@95%``) or as a fraction (``@0.95``).

Text columns take ``COL == 'text'``, ``COL != 'text'`` and ``COL in ('a', 'b')``
(:mod:`.text_constraints`); a column name may be double-quoted (``"latency [ms]" <= 5``).

Weights and reference points are ``METRIC=NUMBER`` lists: ``accuracy=2,dp_difference=1``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from ..analyses.candidates import CandidateTable
from ..errors import StudioError
from .intervals import bound_at, has_interval

if TYPE_CHECKING:
    from .text_constraints import AnyConstraint

Op = Literal[">=", "<=", ">", "<"]
Method = Literal["tchebycheff", "weighted-sum", "reference"]
METHODS: tuple[Method, ...] = ("tchebycheff", "weighted-sum", "reference")
MAX_CONSTRAINT_LENGTH = 1_000
_OPERATOR = re.compile(r"[<>]=?")  # the first '<' or '>' starts the operator (metric names hold neither)


class DecisionError(StudioError):
    """Preferences that cannot be read or met, or a decision that cannot be recorded as asked."""


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DecisionError(f"{what} should be a number, got {text!r}.") from None
    if not math.isfinite(value):
        raise DecisionError(f"{what} should be a finite number, got {text!r}.")
    return value


def parse_confidence(text: str) -> float:
    """``"95"``, ``"95%"`` or ``"0.95"`` → 0.95; it must lie in [50%, 100%)."""
    raw = text.strip()
    percent = raw.endswith("%")
    value = _number(raw.rstrip("%").strip(), f"The confidence {text!r}")
    fraction = value / 100.0 if percent or value > 1.0 else value
    if not 0.5 <= fraction < 1.0:
        raise DecisionError(
            f"The confidence {text!r} should lie from 50% up to (not including) 100%, e.g. 95."
        )
    return fraction


@dataclass(frozen=True)
class Constraint:
    """A hard constraint ``metric op bound``, optionally at a confidence (see the module doc)."""

    metric: str
    op: Op
    bound: float
    confidence: float | None = None

    def __str__(self) -> str:
        level = "" if self.confidence is None else f"@{self.confidence * 100:g}"
        return f"{self.metric}{self.op}{self.bound:g}{level}"

    @property
    def lower(self) -> bool:
        """True when the metric must stay above the bound (``>=`` or ``>``)."""
        return self.op in (">=", ">")

    @classmethod
    def parse(cls, text: str, *, confidence: float | None = None) -> Constraint:
        """``"dp_ratio>=0.8@95"`` → Constraint; ``confidence`` applies when the text has no ``@``."""
        if len(text) > MAX_CONSTRAINT_LENGTH:
            raise DecisionError(
                f"A constraint is at most {MAX_CONSTRAINT_LENGTH:,} characters; this one has {len(text):,} "
                f"(it starts {text[:40]!r}). Give METRIC OP NUMBER[@CONFIDENCE], e.g. dp_ratio>=0.8."
            )
        parts = _split_constraint(text)
        if parts is None and text.strip().casefold().startswith("kind"):
            raise DecisionError(
                f"Constraint {text!r} is not a metric bound; to choose among kinds of candidate give "
                "--only system, --only cascade or --only mixture (repeatable)."
            )
        if parts is None:
            raise DecisionError(
                f"Constraint {text!r} should read METRIC OP NUMBER[@CONFIDENCE] with OP one of >=, <=, >, <; "
                "e.g. dp_ratio>=0.8 or dp_ratio>=0.8@95; on a text column COL == 'text', COL != 'text' or "
                "COL in ('a', 'b')."
            )
        metric, op, bound_text, conf = parts
        bound = _number(bound_text, f"The bound of constraint {text!r}")
        level = parse_confidence(conf) if conf is not None else confidence
        return cls(metric, cast(Op, op), bound, level)

    def check(self, table: CandidateTable) -> None:
        """Raise :class:`DecisionError` unless the table can evaluate this constraint."""
        frame = table.frame
        if self.metric not in frame or frame[self.metric].dtype.kind not in "iuf":
            raise DecisionError(
                f"Constraint '{self}' names '{self.metric}', which is not a metric of this analysis. "
                f"Its metrics: {', '.join(table.metrics)}."
            )
        if self.confidence is not None and not has_interval(table, self.metric):
            raise DecisionError(
                f"Constraint '{self}' asks for {self.confidence:.0%} confidence, but '{self.metric}' has no "
                "confidence interval in this analysis. Drop the @confidence part."
            )

    def values(self, table: CandidateTable) -> NDArray[np.float64]:
        """The value each candidate is judged on: the estimate, or its pessimistic bound."""
        if self.confidence is None:
            return table.frame[self.metric].to_numpy(dtype=np.float64)
        return bound_at(table, self.metric, self.confidence, lower=self.lower)

    def satisfied(self, table: CandidateTable) -> NDArray[np.bool_]:
        """Mask of the candidates that meet the constraint."""
        values = self.values(table)
        compare = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}[self.op]
        return np.asarray(compare(values, self.bound), dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the text form is enough to rebuild it)."""
        return {"text": str(self), "metric": self.metric, "op": self.op, "bound": self.bound,
                "confidence": self.confidence}  # fmt: skip


def _split_constraint(text: str) -> tuple[str, str, str, str | None] | None:
    """``METRIC OP BOUND[@CONF]`` split in one pass (linear in the length), or None when malformed."""
    found = _OPERATOR.search(text)
    if found is None:
        return None
    metric, rest = text[: found.start()].strip(), text[found.end() :]
    if len(metric) > 2 and metric[0] == metric[-1] == '"':  # a quoted name: "latency [ms]"
        metric = metric[1:-1].replace('""', '"')
    bound, at, conf = rest.partition("@")
    if not metric or not bound.strip():
        return None
    return metric, found.group(), bound.strip(), conf if at else None


def parse_assignments(text: str, flag: str) -> dict[str, float]:
    """``"accuracy=2,dp_difference=1"`` → ``{"accuracy": 2.0, "dp_difference": 1.0}``."""
    result: dict[str, float] = {}
    for part in (piece for piece in text.split(",") if piece.strip()):
        metric, sep, value = part.rpartition("=")
        if not sep or not metric.strip():
            raise DecisionError(f"{flag} expects METRIC=NUMBER[,METRIC=NUMBER…], got {part.strip()!r}.")
        if metric.strip() in result:
            raise DecisionError(f"{flag} gives '{metric.strip()}' twice.")
        result[metric.strip()] = _number(value.strip(), f"{flag} value of '{metric.strip()}'")
    return result


@dataclass(frozen=True)
class Preferences:
    """Constraints plus how to choose on the feasible front.

    ``weights`` (objective → weight ≥ 0, missing = 1) scale each objective after it is normalised
    to [0, 1] over the front; ``reference`` (objective → aspiration level, in the metric's units)
    is required by, and only used with, the ``"reference"`` method. ``allow_protected`` lets the
    choice fall on a rule that uses the protected attribute (``uses_protected_attribute``), which
    is otherwise never recommended nor accepted.
    """

    constraints: tuple[AnyConstraint, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    method: Method = "tchebycheff"
    reference: dict[str, float] = field(default_factory=dict)
    allow_protected: bool = False
    only: tuple[str, ...] = ()  # cost–quality: consider only these kinds (system, cascade, mixture)

    def weight_vector_for(self, names: list[str]) -> NDArray[np.float64]:
        """One weight per objective name, in the order given (missing weights are 1)."""
        return np.array([self.weights.get(name, 1.0) for name in names], dtype=np.float64)

    def check(self, table: CandidateTable) -> None:
        """Raise :class:`DecisionError` for preferences that do not fit ``table``."""
        for constraint in self.constraints:
            constraint.check(table)
        check_only(table, self.only)
        names = [objective.metric for objective in table.objectives]
        for what, given in (("Weights", self.weights), ("The reference point", self.reference)):
            unknown = [metric for metric in given if metric not in names]
            if unknown:
                raise DecisionError(
                    f"{what} name {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} not "
                    f"an objective of this analysis. Its objectives: {', '.join(names)}."
                    + _named_candidate_hint(table, unknown)
                )
        self._check_method(names)

    def _check_method(self, names: list[str]) -> None:
        if self.method not in METHODS:
            raise DecisionError(f"Unknown method {self.method!r}; use one of {', '.join(METHODS)}.")
        if any(weight < 0 for weight in self.weights.values()) or sum(self.weight_vector_for(names)) <= 0:
            raise DecisionError("Weights must be zero or positive, and at least one must be positive.")
        missing = [name for name in names if name not in self.reference]
        if self.method == "reference" and missing:
            raise DecisionError(
                f"The reference method needs a target for every objective; missing: {', '.join(missing)}. "
                "Give them with --reference METRIC=VALUE,…"
            )
        if self.method != "reference" and self.reference:
            raise DecisionError(f"A reference point is only used by the reference method, not {self.method}.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored with a decision."""
        return {
            "method": self.method,
            "weights": dict(self.weights),
            "reference": dict(self.reference),
            "constraints": [constraint.to_dict() for constraint in self.constraints],
            "allow_protected_attribute": self.allow_protected,
            "only": list(self.only),
        }


KINDS = ("system", "cascade", "mixture")


def check_only(table: CandidateTable, only: tuple[str, ...]) -> None:
    """``--only`` needs candidates of several kinds (a cost–quality analysis) and known kind names."""
    if not only:
        return
    if "kind" not in table.frame:
        raise DecisionError(
            f"--only chooses among kinds of candidate (system, cascade, mixture) of a cost–quality "
            f"analysis; this {table.kind} analysis has no kinds. Leave --only out."
        )
    unknown = [kind for kind in only if kind not in KINDS]
    if unknown:
        raise DecisionError(f"--only {unknown[0]!r} is not a kind of candidate; use {', '.join(KINDS)}.")


def _named_candidate_hint(table: CandidateTable, metrics: list[str]) -> str:
    """Where a named candidate already optimises the metric asked for (risk–return's ``max-sharpe``)."""
    ids = set(map(str, table.frame["candidate_id"])) if "candidate_id" in table.frame.columns else set()
    if table.kind == "risk-return" and "sharpe" in metrics and "max-sharpe" in ids:
        return (
            " The maximum-Sharpe portfolio is candidate 'max-sharpe': decide with --candidate max-sharpe "
            "(or analyse with --objectives sharpe:max to weigh it)."
        )
    return ""
