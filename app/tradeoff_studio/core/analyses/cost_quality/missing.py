"""Ragged logs: what to do with the items a system did not answer (``--missing``).

- ``refuse`` (default): the analysis is refused with a message that says how many items each
  system lacks and names the two other treatments.
- ``common``: only the items every selected system answered are kept; the notes say how many
  answers of each system were dropped with the other items.
- ``incorrect``: every (item, system) pair is scored; an unanswered item counts as wrong
  (quality 0) at cost ``missing_cost`` (default 0, in the cost axis's unit). In a cascade an
  unanswered item has no confidence, so it is always escalated to the second system (the first
  system's ``missing_cost`` is paid, the second's answer and cost count).

Each treatment is a SQL view over the checked log (``raw``), so the summary, the matrices, the
bootstrap, mixtures, cascades, cost-of-pass and targets all see the same items.
"""

from __future__ import annotations

import math
from typing import Any

from ..candidates import AnalysisError
from .spec import CostQualitySpec

MISSING_TREATMENTS = ("refuse", "common", "incorrect")
MAX_MISSING_COST = 1e12
ALL_ROWS = "SELECT * FROM raw"
CASCADE_RULE = (
    "an unanswered item scores 0 (wrong) at cost missing_cost; in a cascade it has no confidence, so it "
    "is always escalated: the first system's missing_cost is paid and the second system's answer counts"
)


def check_missing(spec: CostQualitySpec) -> None:
    """Reject an unknown treatment, a misplaced or out-of-range missing cost, latency with 'incorrect'."""
    if spec.missing not in MISSING_TREATMENTS:
        raise AnalysisError(
            f"Unknown treatment of unanswered items {spec.missing!r}; use one of: "
            f"{', '.join(MISSING_TREATMENTS)}."
        )
    if spec.missing_cost is not None:
        if spec.missing != "incorrect":
            raise AnalysisError(
                "A missing cost applies only when unanswered items count as wrong: add --missing "
                "incorrect, or leave out --missing-cost."
            )
        if not (math.isfinite(spec.missing_cost) and 0.0 <= spec.missing_cost <= MAX_MISSING_COST):
            raise AnalysisError(
                f"The cost of an unanswered item must lie between 0 and {MAX_MISSING_COST:g} (in the cost "
                f"axis's unit); got {spec.missing_cost}."
            )
    if spec.missing == "incorrect" and spec.latency:
        raise AnalysisError(
            "An unanswered item has no latency, so --latency cannot be combined with --missing incorrect: "
            "use --missing common (only the items every system answered), or leave out --latency."
        )


def refusal(spec: CostQualitySpec, items: int, lacking: dict[str, int], example: tuple[str, str]) -> str:
    """The message for a ragged log under ``refuse``: counts per system and the two ways forward."""
    counts = ", ".join(f"{system!r} lacks {n:,} item{'' if n == 1 else 's'}" for system, n in lacking.items())
    item, system = example
    return (
        f"Not every system answered every item of table '{spec.table}' ({items:,} items): {counts} "
        f"(e.g. item {item!r} for {system!r}). Choose how to treat unanswered items: --missing common "
        "keeps only the items every system answered; --missing incorrect scores an unanswered item as "
        "wrong at zero cost (or at --missing-cost X). Or leave the system out with --systems."
    )


def common_view(systems: int) -> tuple[str, list[Any]]:
    """The rows of the items that all ``systems`` answered (one row each after the duplicate check)."""
    sql = "SELECT * FROM raw WHERE item IN (SELECT item FROM raw GROUP BY item HAVING count(*) = ?)"
    return sql, [systems]


def incorrect_view(spec: CostQualitySpec, aliases: list[str]) -> tuple[str, list[Any]]:
    """Every (system, item) pair: an unanswered one scores 0 at the missing cost, confidence −∞."""
    columns = ["l.row_no", "i.item", "s.system", "coalesce(l.r, 0.0) AS r", "coalesce(l.c, ?) AS c"]
    if "conf" in aliases:
        columns.append("CASE WHEN l.system IS NULL THEN CAST('-inf' AS DOUBLE) ELSE l.conf END AS conf")
    sql = (
        f"SELECT {', '.join(columns)} FROM (SELECT DISTINCT system FROM raw) AS s "
        "CROSS JOIN (SELECT DISTINCT item FROM raw) AS i "
        "LEFT JOIN raw AS l ON l.system = s.system AND l.item = i.item"
    )
    return sql, [float(spec.missing_cost or 0.0)]


def missing_notes(
    spec: CostQualitySpec, items_in_log: int, items_kept: int, counts: dict[str, int]
) -> dict[str, Any]:
    """How unanswered items were treated: per system, how many it lacked and how many answers dropped."""
    lacking = {system: items_in_log - count for system, count in counts.items()}
    notes: dict[str, Any] = {"treatment": spec.missing, "items_in_log": items_in_log,
                             "items_kept": items_kept, "unanswered_per_system": lacking}  # fmt: skip
    if spec.missing == "common":
        notes["dropped_per_system"] = {system: count - items_kept for system, count in counts.items()}
        notes["rule"] = "only the items every selected system answered are compared"
    elif spec.missing == "incorrect":
        notes["missing_cost"] = float(spec.missing_cost or 0.0)
        notes["rule"] = CASCADE_RULE
    else:
        notes["rule"] = "every selected system answered every item"
    return notes


def describe_missing(notes: dict[str, Any]) -> str | None:
    """One line for the text output, or None when every system answered every item."""
    lacking = {system: n for system, n in notes["unanswered_per_system"].items() if n}
    if not lacking:
        return None
    if notes["treatment"] == "common":
        dropped = ", ".join(f"{system} {n:,}" for system, n in notes["dropped_per_system"].items())
        return (
            f"Unanswered items: kept the {notes['items_kept']:,} of {notes['items_in_log']:,} items every "
            f"system answered; answers dropped per system: {dropped}."
        )
    counts = ", ".join(f"{system} {n:,}" for system, n in lacking.items())
    return (
        f"Unanswered items count as wrong at cost {notes['missing_cost']:g} ({counts}); in a cascade they "
        "always go to the second system."
    )
