"""A decision card: a stored decision in words, for the CLI, the desktop app and reports.

Reads only the decision's JSON (``DecisionRecord.to_dict()``): the chosen rule in words, its
objectives with intervals, each constraint with its slack and P(violated), the per-group table
(fairness), two or three trade-off rates in plain words, the risks, what was left out of the
recommendation and why, and the defaults the choice used. Undefined values print as "—".
No numpy or pandas: cheap to import.
"""

from __future__ import annotations

import math
from typing import Any

from .recommend import excluded_text

DASH = "—"
MAX_TRADEOFFS = 3
GROUP_COLUMNS = (
    ("n", "n"),
    ("base_rate", "base rate"),
    ("selection_rate", "selected"),
    ("tpr", "TPR"),
    ("fpr", "FPR"),
    ("precision", "precision"),
    ("accuracy", "accuracy"),
)


def number(value: Any) -> str:
    """A cell in text: 4 significant digits, integers as they are, undefined as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return str(value) if isinstance(value, int) else f"{value:.4g}"


def with_interval(row: dict[str, Any], name: str) -> str:
    """``0.8125 (0.801–0.829)`` or the value alone when it has no interval."""
    lo, hi = row.get(f"{name}_lo"), row.get(f"{name}_hi")
    text = number(row.get(name))
    if lo is None or hi is None or text == DASH:
        return text
    return f"{text} ({number(lo)}–{number(hi)})"


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Fixed-width lines: a header, a rule and the rows, columns two spaces apart."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [headers, *rows]]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def group_lines(groups: dict[str, Any]) -> list[str]:
    """The per-group table of a fairness candidate (``analyses.fairness.evidence.group_evidence``)."""
    headers = ["group", *(title for _, title in GROUP_COLUMNS), "threshold"]
    rows = []
    for group in groups["groups"]:
        cells = [group["group"] + (" (small)" if group.get("small") else "")]
        cells += [with_interval(group, name) for name, _ in GROUP_COLUMNS]
        rows.append([*cells, group["rule"]])
    level = f"{groups['confidence']:.0%} bootstrap CI, {groups['resamples']:,} resamples"
    note = level if groups.get("resamples") else "no intervals (the analysis has no bootstrap resamples)"
    selected = groups.get("selected_means", "selected")
    return [
        f"Per group ({groups['outcome']}; 'selected' = share {selected}; {note}):",
        *text_table(headers, rows),
    ]


def rule_sentence(candidate: dict[str, Any], groups: dict[str, Any] | None) -> str:
    """The chosen rule in words: which rule, what a selected row means, whether it reads the attribute."""
    if "rule" not in candidate:
        knobs = ", ".join(
            f"{k}={number(v)}" for k, v in candidate.items() if k in ("model", "threshold") and _known(v)
        )
        return f"Candidate {candidate['candidate_id']}" + (f" ({knobs})" if knobs else "") + "."
    text = f"Model {candidate.get('model')}: {candidate['rule']}"
    if groups is not None:
        word = groups.get("selected_means", "selected")
        favourable = word if groups.get("favorable") == "selected" else f"not {word}"
        text += f" → {word}; favourable = {favourable}"
    if candidate.get("uses_protected_attribute"):
        text += ". It USES the protected attribute at decision time (allowed by --allow-protected-attribute)"
    else:
        text += ". It does not use the protected attribute (one rule for everyone)"
    return text + "."


def _known(value: Any) -> bool:
    """Whether a knob has a value worth printing (not None, not NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _objectives(evidence: dict[str, Any]) -> list[str]:
    candidate = evidence["candidate"]
    lines = []
    for text in evidence.get("objectives") or []:
        metric, _, direction = text.rpartition(":")
        shown = with_interval(candidate, metric)
        if candidate.get(f"{metric}_ci_reliable") is False:
            shown += " (interval unreliable: too few bootstrap resamples define it)"
        lines.append(f"  {metric} ({direction}): {shown}")
    return lines


def shortlist_lines(candidate: dict[str, Any]) -> list[str]:
    """An OPE candidate's shortlist in words: the policies to A/B test and the convention used."""
    policies = candidate.get("policies")
    if not isinstance(policies, list):
        return []
    from ..analyses.ope.metrics import CONVENTIONS

    convention = CONVENTIONS.get(str(candidate.get("convention")), str(candidate.get("convention")))
    return [
        f"Shortlist: A/B test these {len(policies)} policies (in the estimator's rank order): "
        + ", ".join(map(str, policies)),
        f"Convention: {convention}",
    ]


def weight_lines(candidate: dict[str, Any]) -> list[str]:
    """A portfolio's ``weight_<asset>`` columns as a table, largest first (none for other candidates)."""
    weights = [(key.removeprefix("weight_"), float(value)) for key, value in candidate.items()
               if key.startswith("weight_") and isinstance(value, int | float) and _known(value)]  # fmt: skip
    if not weights:
        return []
    held = sorted(
        (item for item in weights if abs(item[1]) > 5e-7), key=lambda item: (-abs(item[1]), item[0])
    )
    lines = [
        f"Weights ({len(held)} of {len(weights)} assets held, largest first):",
        *("  " + line for line in text_table(["asset", "weight"], [[a, f"{w:.2%}"] for a, w in held])),
    ]
    empty = sorted(asset for asset, weight in weights if abs(weight) <= 5e-7)
    if empty:
        more = f" and {len(empty) - 10} more" if len(empty) > 10 else ""
        lines.append(f"  At 0: {', '.join(empty[:10])}{more}.")
    return lines


EXACTLY = (
    " — met exactly: the estimate sits on the bound, so the true value is as likely beyond it as within; "
    "add @95 to keep a margin"
)


def _constraints(evidence: dict[str, Any]) -> list[str]:
    lines = []
    for check in evidence.get("constraints") or []:
        if check.get("slack") is None:  # a text constraint: it holds, with this value
            lines.append(f"  {check['constraint']}: holds ({check['metric']} = {check['estimate']!r})")
            continue
        chance = check["p_violated"]
        risk = f"P(violated) ≈ {chance:.1%}" if chance is not None else "P(violated) unknown (no interval)"
        judged = (
            "" if check["judged_on"] == check["estimate"] else f", judged on {number(check['judged_on'])}"
        )
        exactly = ""
        if check.get("met_exactly"):
            exactly = " — met exactly at its bound" if judged else EXACTLY
        lines.append(
            f"  {check['constraint']}: estimate {number(check['estimate'])}{judged}, slack "
            f"{check['slack']:+.4g}, {risk}{exactly}"
        )
    return lines


def _defaults(decision: dict[str, Any]) -> str:
    prefs, evidence = decision["preferences"], decision["evidence"]
    weights = prefs.get("weights") or {}
    shown = ", ".join(f"{k}={v:g}" for k, v in weights.items()) if weights else "equal (1 each)"
    objectives = ", ".join(evidence.get("objectives") or []) or "(as stored)"
    summary = evidence["recommendation"]
    return (
        f"Used: objectives {objectives}; weights {shown}; method {prefs['method']}; "
        f"{summary['feasible']} of {summary['candidates']} candidates feasible, "
        f"{summary['feasible_front']} on the feasible front."
    )


def _scores(summary: dict[str, Any]) -> list[str]:
    """The finalists' scores under the method, and how objectives were normalised for them."""
    finalists = summary.get("finalists") or []
    if not finalists:
        return []
    lines = [f"Scores ({summary['method']}; {summary.get('normalisation')}):"]
    for item in finalists:
        lines.append(f"  {item['candidate']}: {item['score']:.6g}" + (" (chosen)" if item["chosen"] else ""))
    if summary["feasible_front"] > len(finalists):
        lines.append(f"  … {summary['feasible_front'] - len(finalists)} more on the feasible front")
    return lines


def card_lines(decision: dict[str, Any]) -> list[str]:
    """Every line of the decision card of ``decision`` (a ``DecisionRecord.to_dict()``).

    A dry run (``decision["dry_run"]``, no id) says that nothing was stored.
    """
    evidence = decision["evidence"]
    groups = evidence.get("groups")
    title = (
        f"Dry run on {decision['analysis']!r} (nothing stored): candidate {decision['candidate_id']}"
        if decision.get("dry_run")
        else f"Decision {decision['id']} on {decision['analysis']!r}: candidate {decision['candidate_id']}"
    )
    lines = [
        title,
        f"Rule: {rule_sentence(evidence['candidate'], groups)}",
        *shortlist_lines(evidence["candidate"]),
        "Objectives (with intervals where the analysis has them):",
        *_objectives(evidence),
        *weight_lines(evidence["candidate"]),
        "Constraints:",
        *(_constraints(evidence) or ["  (none)"]),
    ]
    if groups:
        lines += group_lines(groups)
    rates = [item["text"] for item in evidence["tradeoffs"]][:MAX_TRADEOFFS]
    sections = [
        ("Trade-off rates", rates),
        ("Binding constraints", [item["text"] for item in evidence["recommendation"]["binding"]]),
        ("Sensitivity", [item["text"] for item in evidence["sensitivity"]]),
        ("Risks", [item["text"] for item in evidence["risks"]]),
        ("Not considered", excluded_text(evidence["recommendation"].get("excluded", {}))),
    ]
    for title, items in sections:
        lines.append(f"{title}:")
        lines += [f"  {item}" for item in items or ["(none)"]]
    lines += _scores(evidence["recommendation"])
    lines.append(_defaults(decision))
    return lines
