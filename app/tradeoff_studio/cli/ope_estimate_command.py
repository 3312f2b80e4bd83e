"""``ope-estimate``: policy values from logged bandit feedback, with ONNX policies in the project.

::

    ope-estimate PROJECT --table LOG --action COL --reward COL --pscore COL [--position COL]
                 --policy MODEL [--policy MODEL ...] [--map INPUT=col1,...] [--actions A,B,...]
                 [--estimators ipw,snipw,dm,dr,sndr,switch-dr] [--reward-model MODEL]
                 [--switch-tau X] [--resamples N] [--cluster COL] [--ci-level L] [--seed S]
                 [--provider auto|cpu|cuda]
                 [--behaviour-name NAME] --into TABLE [--json]

The result table feeds ``analyze PROJECT ope --table TABLE --policy policy --estimator estimator
--estimate estimated_value --behaviour is_behaviour`` directly.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..core.analyses.candidates import AnalysisError
from . import bounds
from .commands import opened_project
from .console import print_json, print_table, run_job

if TYPE_CHECKING:
    from ..core.analyses.ope.estimate import OpeEstimateSpec

_ESTIMATORS = "ipw,snipw,dm,dr,sndr,switch-dr"


def add_ope_estimate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``ope-estimate`` on the main parser's subparsers."""
    command = sub.add_parser("ope-estimate", help="estimate ONNX policies' values from a bandit log (OPE)")
    command.add_argument("project")
    command.add_argument("--table", required=True, metavar="LOG", help="the logged bandit feedback")
    for flag, text in (("--action", "the logged action (policy output index, or a label with --actions)"),
                       ("--reward", "the observed reward"),
                       ("--pscore", "the behaviour policy's probability of the logged action")):  # fmt: skip
        command.add_argument(flag, required=True, metavar="COL", help=text)
    command.add_argument(
        "--position", metavar="COL", help="slot of a slate (0, 1, ...), for per-position policies"
    )
    command.add_argument("--policy", required=True, action="append", metavar="MODEL", help="a policy model")
    command.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="INPUT=COL1,...",
        help="feed a model input from columns (applies to every policy and the reward model)",
    )
    command.add_argument("--actions", metavar="A,B,...", help="action labels in the policies' output order")
    command.add_argument(
        "--estimators", default=_ESTIMATORS, metavar="NAME,...", help=f"default {_ESTIMATORS}"
    )
    command.add_argument(
        "--reward-model",
        metavar="MODEL",
        help="q-hat(x, a) as [N, actions] (default: the log's mean reward per action and position)",
    )
    command.add_argument(
        "--switch-tau",
        type=bounds.bounded_float(0.0, 1e15, low_open=True),
        default=100.0,
        metavar="X",
        help="Switch-DR keeps the DR correction where the weight <= X (default 100)",
    )
    command.add_argument(
        "--resamples",
        type=bounds.RESAMPLES,
        default=1000,
        metavar="N",
        help="bootstrap resamples over rounds (default 1000)",
    )
    command.add_argument(
        "--cluster",
        metavar="COL",
        help="rounds nest in groups of this column (user, session): the intervals resample whole groups",
    )
    command.add_argument("--ci-level", type=bounds.CI_LEVEL, default=0.95, metavar="L", help="default 0.95")
    command.add_argument("--seed", type=int, default=20261204, metavar="S", help="bootstrap seed")
    command.add_argument("--provider", choices=("auto", "cpu", "cuda"), default="auto")
    command.add_argument(
        "--behaviour-name",
        default="behaviour",
        metavar="NAME",
        help="the behaviour policy's name in the result (default 'behaviour')",
    )
    command.add_argument("--into", required=True, metavar="TABLE", help="the new result table")
    command.add_argument("--json", action="store_true", help="machine-readable output")
    command.set_defaults(handler=ope_estimate)  # fmt: skip


def _mapping(values: list[str]) -> dict[str, str | tuple[str, ...]]:
    """``--map INPUT=COLUMN`` (or ``INPUT=COL1,COL2,…`` for an [N, k] input), as ``score`` reads it."""
    mapping: dict[str, str | tuple[str, ...]] = {}
    for value in values:
        name, sep, columns = value.partition("=")
        if not sep or not name or not columns:
            raise AnalysisError(f"--map expects INPUT=COLUMN or INPUT=COL1,COL2,...; got {value!r}.")
        mapping[name] = columns
    return mapping


def _spec(args: argparse.Namespace) -> OpeEstimateSpec:
    from ..core.analyses.ope.estimate import OpeEstimateSpec

    estimators = tuple(name.strip().lower() for name in args.estimators.split(",") if name.strip())
    actions = tuple(label.strip() for label in args.actions.split(",")) if args.actions else None
    return OpeEstimateSpec(
        args.table, action=args.action, reward=args.reward, pscore=args.pscore, policies=tuple(args.policy),
        into=args.into, position=args.position, estimators=estimators, reward_model=args.reward_model,
        mapping=_mapping(args.map), actions=actions, resamples=args.resamples, ci_level=args.ci_level,
        seed=args.seed, switch_tau=args.switch_tau, behaviour_name=args.behaviour_name,
        provider=args.provider, cluster=args.cluster,
    )  # fmt: skip


def ope_estimate(args: argparse.Namespace) -> None:
    """``ope-estimate PROJECT --table LOG --action C --reward C --pscore C --policy M ... --into T``."""
    from ..core import analysis_workflows as flows

    spec = _spec(args)
    with opened_project(args) as project:
        result = run_job(
            lambda progress, cancel: flows.estimate_ope(project, spec, progress=progress, cancel=cancel)
        )
    if args.json:
        print_json(result.to_dict())
        return
    frame = result.frame
    rows = [[r.policy, r.estimator, f"{r.estimated_value:.6g}", f"{r.estimated_value_lo:.6g}",
             f"{r.estimated_value_hi:.6g}", f"{r.ess:,.1f}", f"{r.max_weight:.4g}"]
            for r in frame.itertuples(index=False)]  # fmt: skip
    print_table(["policy", "estimator", "estimate", "lo", "hi", "ESS", "max weight"], rows)
    providers = ", ".join(sorted(set(result.providers.values())))
    print(
        f"Wrote {result.rows:,} rows to table {result.table!r} from {result.rounds:,} logged rounds "
        f"({result.ci}, {spec.resamples:,} bootstrap resamples; {providers}; {result.seconds:.2f} s)."
    )
    if result.nesting:
        print(f"Warning: {result.nesting['text']}.")
    print(
        f"Next: analyze {args.project} ope --table {result.table} --policy policy --estimator estimator "
        "--estimate estimated_value --behaviour is_behaviour"
    )
