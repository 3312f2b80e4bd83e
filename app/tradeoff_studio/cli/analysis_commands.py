"""CLI commands for analyses and decisions: ``analyze``, ``candidates``, ``decide``, ``decisions``.

::

    analyze PROJECT fairness --table T --label COL [--positive V] --sensitive COL[,COL] --score COL...
    analyze PROJECT generic --table T --objective COL:max --objective COL:min ... [--id COL]
                            [--ci COL=LO,HI] [--ci-level 0.95] [--knob COL[,COL]]
    analyze PROJECT ope --table T --policy COL --estimator COL --estimate COL [--true-value COL]
                        --behaviour COL [--k-max N] [--resamples N] [--ci-level L] [--seed S]
                        [--convention paper|scope-rl] [--value-range LO,HI] [--cvar-alpha A]
                        [--relative-safety X]
    analyze PROJECT cost-quality --table T --item COL --system COL --correct COL --cost COL
                        [--latency COL] [--confidence COL] [--human-cost X]   (see analyze_cost_quality)
    analyze PROJECT model-variants --table T --label COL --model M [--model M ...] [--batch-size N]
                        [--repeats N]   (ONNX models side by side; see analyze_model_variants)
    candidates PROJECT A [--front-only] [--candidate ID [--by-group]] [--out FILE.csv|.json]
    decide PROJECT A (--candidate ID | --constraint "dp_ratio>=0.8@95" ... [--weights M=W,...]
                      [--method tchebycheff|weighted-sum|reference] [--reference M=V,...])
                     [--confidence 95] --rationale TEXT [--supersedes ID]
    decisions PROJECT [--analysis A]
    decisions withdraw PROJECT ID --reason TEXT

Every ``analyze`` takes ``--objectives METRIC:max|min,...`` and ``--name A``; every command
takes ``--json``. The ``analyze`` subcommands and their options are generated from the analysis
kinds' descriptors (:mod:`..core.analyses.kinds`); a kind without a handler here just prints the
stored-analysis line. The core modules imported here load no pandas (house rule 7).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

from ..core import analysis_workflows as flows
from ..core.analyses.candidates import AnalysisError, CandidateTable
from ..core.analyses.kinds import all_kinds, kind
from ..core.decisions.evidence import plain
from ..core.decisions.preferences import (
    METHODS,
    DecisionError,
    Method,
    Preferences,
    parse_assignments,
    parse_confidence,
)
from ..core.decisions.store import DecisionRecord
from ..core.decisions.text_constraints import parse_constraint
from .analysis_common import add_kind, print_analysis, run_analysis
from .analyze_cost_quality import analyze_cost_quality
from .analyze_dataset import add_dataset_options, dataset_lines, run_dataset_analysis, wants_dataset
from .analyze_model_variants import analyze_model_variants
from .analyze_risk_return import analyze_risk_return
from .commands import opened_project, withdraw_command
from .console import print_json, print_table


def add_analysis_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``analyze``, ``candidates``, ``decide`` and ``decisions`` on the main parser's subparsers."""
    _add_analyze(sub)
    command = sub.add_parser("candidates", help="show or export an analysis's candidates")
    command.add_argument("project")
    command.add_argument("analysis", metavar="ANALYSIS")
    command.add_argument("--front-only", action="store_true", help="only the Pareto front")
    command.add_argument("--candidate", metavar="ID", help="only this candidate")
    command.add_argument(
        "--columns", metavar="A,B,...", help="the columns to show (default: per analysis kind and objectives)"
    )
    command.add_argument(
        "--by-group", action="store_true", help="with --candidate: its per-group table (fairness analyses)"
    )
    command.add_argument(
        "--out", type=Path, metavar="FILE", help="write a .csv, .json, .parquet or .xlsx file instead"
    )
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=candidates)
    _add_decide(sub)
    listing = sub.add_parser(
        "decisions",
        help="recorded decisions, with their status",
        usage="%(prog)s PROJECT [--analysis A] [--json]\n       %(prog)s withdraw PROJECT ID --reason TEXT",
    )
    listing.add_argument("project")
    listing.add_argument("withdraw", nargs="*", metavar="ID", help=argparse.SUPPRESS)  # see withdraw_command
    listing.add_argument("--reason", metavar="TEXT", help="why the decision is withdrawn (with withdraw)")
    listing.add_argument("--analysis", metavar="ANALYSIS", help="only the decisions on this analysis")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=decisions)


def _add_analyze(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``analyze PROJECT KIND ...``: one subcommand per registered kind, its options from the descriptor."""
    command = sub.add_parser("analyze", help="turn a table into candidates with a Pareto front")
    command.add_argument("project")
    kinds = command.add_subparsers(dest="kind", required=True, metavar="KIND")
    handlers = {"fairness": analyze_fairness, "ope": analyze_ope, "risk-return": analyze_risk_return,
                "cost-quality": analyze_cost_quality, "model-variants": analyze_model_variants}  # fmt: skip
    for described in all_kinds():
        command = add_kind(kinds, described, handlers.get(described.name, analyze_any))
        if described.name == "fairness":
            add_dataset_options(command)  # --dataset/--engine: issue #21
        if described.name == "cost-quality":
            add_dataset_options(command, models=False)  # --dataset/--engine: issue #21


def _add_decide(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("decide", help="choose a candidate and record why")
    command.add_argument("project")
    command.add_argument("analysis", metavar="ANALYSIS")
    command.add_argument("--candidate", metavar="ID", help="choose this candidate yourself")
    command.add_argument(
        "--constraint", action="append", default=[], metavar="METRIC>=NUMBER[@CONF]",
        help='hard constraint, e.g. "dp_ratio>=0.8" or, to hold at the 95%% bound, "dp_ratio>=0.8@95"; '
        "on a text column \"mode == 'verified'\", \"mode != 'x'\" or \"mode in ('a', 'b')\"",
    )  # fmt: skip
    command.add_argument("--confidence", metavar="CONF", help="confidence for constraints without @, e.g. 95")
    command.add_argument("--weights", action="append", default=[], metavar="METRIC=W,...")
    command.add_argument("--method", choices=METHODS, help="how to choose (default: tchebycheff)")
    command.add_argument("--reference", metavar="METRIC=V,...", help="aspiration levels (reference method)")
    command.add_argument("--rationale", metavar="TEXT", help="why this candidate (required unless --dry-run)")
    command.add_argument(
        "--dry-run", action="store_true", help="print the decision card and store nothing (explore freely)"
    )
    command.add_argument(
        "--allow-protected-attribute", action="store_true",
        help="let the choice fall on a rule that uses the protected attribute (per-group thresholds or "
        "coin flips); only where that is lawful",
    )  # fmt: skip
    command.add_argument("--supersedes", metavar="ID", help="this decision replaces current decision ID")
    command.add_argument(
        "--only", action="append", choices=("system", "cascade", "mixture"),
        help="cost–quality: choose only among these kinds of candidate (repeatable)",
    )  # fmt: skip
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=decide)


def analyze_any(args: argparse.Namespace) -> None:
    """``analyze PROJECT KIND --table T ...`` for a kind that prints nothing of its own (e.g. generic)."""
    record = run_analysis(args, kind(args.analysis_kind))
    print_analysis(record, args.json)


def analyze_ope(args: argparse.Namespace) -> None:
    """``analyze PROJECT ope --table T --policy C --estimator C --estimate C [--true-value C] ...``."""
    from ..core.analyses.ope.words import notes_lines, shown_notes

    record = run_analysis(args, kind("ope"))
    shown = shown_notes(record.spec["notes"])
    if args.json:
        print_json(record.to_dict() | {"notes": shown})
        return
    print_analysis(record, False)
    for line in notes_lines(shown):
        print(line)


def analyze_fairness(args: argparse.Namespace) -> None:
    """``analyze PROJECT fairness --table T --label COL --sensitive COL --score COL...``."""
    record = run_dataset_analysis(args) if wants_dataset(args) else run_analysis(args, kind("fairness"))
    if args.json:
        notes = record.spec["notes"]
        print_json(record.to_dict() | {"ci": notes.get("ci"), "nesting": notes.get("nesting")})
        return
    from ..core.analyses.fairness.words import notes_lines

    print_analysis(record, False)
    for line in notes_lines(record.spec["notes"]):
        print(line)
    for line in dataset_lines(record):
        print(line)


def candidates(args: argparse.Namespace) -> None:
    """``candidates PROJECT A [--front-only] [--candidate ID [--by-group]] [--out FILE]``."""
    if args.by_group and args.candidate is None:
        raise AnalysisError("--by-group shows one candidate's groups: give --candidate ID as well.")
    groups = None
    with opened_project(args) as project:
        if args.out is not None:
            export = flows.export_candidates(project, args.analysis, args.out, front_only=args.front_only)
        else:
            table = flows.get_candidates(project, args.analysis, front_only=args.front_only)
            if args.candidate is not None:
                table = _one_candidate(table, args.candidate)
            if args.by_group:
                groups = flows.candidate_groups(project, args.analysis, args.candidate)
    if args.out is not None:
        if export.warning:
            print(f"Warning: {export.warning}", file=sys.stderr)
        if args.json:
            print_json(export.to_dict())
        else:
            print(f"Wrote {export.rows:,} candidates to {export.path} (sha256 {export.sha256[:12]}…).")
            for note in export.notes:
                print(f"Note: {note}")
        return
    if args.json:
        rows = [_json_row(row, table.extras.json_columns) for row in table.frame.to_dict(orient="records")]
        print_json({"candidate": rows[0], "groups": groups} if args.by_group else rows)
        return
    _print_candidates(table, groups, getattr(args, "columns", None))


def _shown_columns(table: CandidateTable, asked: str | None) -> list[str] | None:
    """``--columns`` as asked, or a kind's own default (risk-return), or None for the generic choice."""
    from ..core.analyses.risk_return.columns import asked_columns, default_columns

    if asked is not None:
        return asked_columns(table, asked)
    return default_columns(table) if table.kind == "risk-return" else None


def _one_candidate(table: CandidateTable, candidate_id: str) -> CandidateTable:
    from dataclasses import replace

    from ..core.decisions.frontier import row_of

    row = row_of(table, candidate_id)
    return replace(table, frame=table.frame.iloc[[row]].reset_index(drop=True))


def _json_row(row: dict[Any, Any], json_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """A candidate as JSON; per-group thresholds (and the kind's other JSON columns, e.g. an OPE
    shortlist's policies) as objects, not strings."""
    out = {str(key): plain(value) for key, value in row.items()}
    for column in ("thresholds", *json_columns):
        if isinstance(out.get(column), str):
            out[column] = json.loads(out[column])
    return out


def _print_candidates(table: CandidateTable, groups: dict[str, Any] | None, asked: str | None = None) -> None:
    knobs = [k for k in table.knobs if k not in table.extras.derived_knobs]
    flags = [c for c in ("rule", "uses_protected_attribute", "degenerate", "policies") if c in table.frame]
    if "rule" in flags:
        knobs = [k for k in knobs if k not in ("threshold", "policy")]
    columns = ["candidate_id", *knobs, *(o.metric for o in table.objectives), *flags, "on_front", "rank"]
    columns += ["on_hull"] if "on_hull" in table.frame else []
    columns = _shown_columns(table, asked) or columns
    headers = [{"uses_protected_attribute": "uses attribute"}.get(c, c) for c in columns]
    lists = [c in table.extras.json_columns for c in columns]  # e.g. an OPE shortlist's policies
    print_table(
        headers,
        [[_listed(v) if is_list else _cell(v) for v, is_list in zip(row, lists, strict=True)]
         for row in table.frame[columns].itertuples(index=False)],
    )  # fmt: skip
    if table.kind == "fairness":
        from ..core.analyses.fairness.words import notes_lines

        for line in notes_lines(table.notes):
            print(line)
    if groups is not None:
        from ..core.decisions.card import group_lines

        for line in group_lines(groups):
            print(line)


def _listed(value: object, shown: int = 6) -> str:
    """A JSON list cell as ``a, b, c`` (beyond ``shown`` items: the first five and ``… +N``; the
    JSON output has them all); other JSON as it is."""
    parsed = json.loads(value) if isinstance(value, str) else value
    if not isinstance(parsed, list):
        return _cell(value)
    items = [str(item) for item in parsed]
    return ", ".join(items) if len(items) <= shown else ", ".join(items[:5]) + f", … +{len(items) - 5}"


def _cell(value: object) -> str:
    shown = plain(value)
    if shown is None:
        return "—"
    return f"{shown:.4g}" if isinstance(shown, float) else str(shown)


def _preferences(args: argparse.Namespace) -> Preferences:
    confidence = parse_confidence(args.confidence) if args.confidence else None
    weights: dict[str, float] = {}
    for text in args.weights:
        weights |= parse_assignments(text, "--weights")
    reference = parse_assignments(args.reference, "--reference") if args.reference else {}
    method = cast(Method, args.method or ("reference" if reference else "tchebycheff"))
    return Preferences(
        constraints=tuple(parse_constraint(text, confidence=confidence) for text in args.constraint),
        weights=weights,
        method=method,
        reference=reference,
        allow_protected=bool(getattr(args, "allow_protected_attribute", False)),
        only=tuple(dict.fromkeys(getattr(args, "only", None) or [])),
    )


def decide(args: argparse.Namespace) -> None:
    """``decide PROJECT A (--candidate ID | --constraint C ... [--weights W]) --rationale TEXT``."""
    prefs = _preferences(args)
    if getattr(args, "dry_run", False):
        _dry_run(args, prefs)
        return
    if not args.rationale:
        raise DecisionError(
            "A recorded decision needs --rationale TEXT (why this candidate). To try methods and weights "
            "without recording anything, add --dry-run."
        )
    with opened_project(args) as project:
        record = flows.decide(
            project, args.analysis, rationale=args.rationale, preferences=prefs, candidate_id=args.candidate,
            supersedes=args.supersedes,
        )  # fmt: skip
    if args.json:
        print_json(record.to_dict())
        return
    _print_decision(record)
    if record.supersedes:
        print(f"It supersedes decision {record.supersedes}, which is no longer current.")


def _dry_run(args: argparse.Namespace, prefs: Preferences) -> None:
    """``decide … --dry-run``: the card of the decision these preferences would make; nothing stored."""
    from ..core.decisions.card import card_lines
    from ..core.decisions.dry_run import dry_run_dict

    with opened_project(args) as project:
        evidence = flows.evaluate_decision(project, args.analysis, prefs, candidate_id=args.candidate)
    preview = dry_run_dict(args.analysis, prefs, evidence)
    if args.json:
        print_json(preview)
        return
    for line in card_lines(preview):
        print(line)


def _print_decision(record: DecisionRecord) -> None:
    """The decision card (:mod:`..core.decisions.card`)."""
    from ..core.decisions.card import card_lines

    for line in card_lines(record.to_dict()):
        print(line)


def decisions(args: argparse.Namespace) -> None:
    """``decisions PROJECT [--analysis A]``, or ``decisions withdraw PROJECT ID --reason TEXT``."""
    if args.withdraw or args.reason is not None:
        withdraw_command(args)
        return
    with opened_project(args) as project:
        records = flows.list_decisions(project, args.analysis)
    if args.json:
        print_json([record.to_dict() for record in records])
        return
    rows = []
    for r in records:
        constraints = ", ".join(c["text"] for c in r.preferences["constraints"]) or "-"
        method = r.preferences["method"]
        rows.append(
            [r.id, r.analysis, r.candidate_id, method, _weights_text(r.preferences), constraints, r.author,
             r.decided_at, r.rationale, r.status_text()]
        )  # fmt: skip
    print_table(
        ["id", "analysis", "candidate", "method", "weights", "constraints", "author", "decided", "rationale",
         "status"],
        rows,
    )  # fmt: skip


def _weights_text(preferences: dict[str, Any]) -> str:
    """``a=2, b=1``, ``equal`` when none were given, ``-`` for a candidate picked by hand."""
    if preferences["method"] == "manual":
        return "-"
    weights = preferences.get("weights") or {}
    text = ", ".join(f"{metric}={weight:g}" for metric, weight in weights.items()) or "equal"
    reference = preferences.get("reference") or {}
    if reference:
        text += "; reference " + ", ".join(f"{metric}={value:g}" for metric, value in reference.items())
    return text
