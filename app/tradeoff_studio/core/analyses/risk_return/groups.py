"""Constraints beyond per-asset bounds: group (sector) bounds, turnover and gross exposure.

``--groups TABLE`` maps assets to groups and ``--group-bounds tech=0,0.4`` bounds each group's total;
``--max-turnover X`` caps Σ|w − w₀| from ``--current-weights TABLE`` (two-way turnover), and
``--max-gross L`` caps Σ|w| (gross exposure, with shorting allowed by negative ``--bounds``).

The critical line handles per-asset bounds only, so with any of these every frontier is solved by HiGHS (the
mean–variance quadratic program, or the CVaR/CDaR linear programs). Ranges that no portfolio can
meet are refused naming the group and the sums that rule it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import require_column, table_columns
from .measure_frontier import AbsoluteLimit, GroupBound
from .min_weight import ZERO, check_min_weight
from .portfolios import Portfolio
from .returns import read_frame

if TYPE_CHECKING:
    from .analysis import RiskReturnSpec

GROUP_COLUMNS = ("asset", "group")


def read_groups(project: Project, table: str, assets: list[str], cancel: CancelToken) -> dict[str, str]:
    """Each asset's group from ``table`` (columns ``asset``, ``group``); an asset may be absent."""
    columns = table_columns(project, table)
    for column in GROUP_COLUMNS:
        require_column(table, column, columns)
    select = ", ".join(f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c in GROUP_COLUMNS)
    frame = read_frame(project, cancel, f"SELECT {select} FROM {ident(table)}")
    if frame.isna().to_numpy().any():
        row = int(np.flatnonzero(frame.isna().any(axis=1).to_numpy())[0]) + 1
        raise AnalysisError(f"Row {row} of groups table '{table}' has an empty asset or group.")
    unknown = sorted(set(frame["asset"]) - set(assets))
    if unknown:
        raise AnalysisError(
            f"Groups table '{table}' names asset(s) the returns do not have: {', '.join(unknown[:5])}."
        )
    repeated = frame["asset"][frame["asset"].duplicated()]
    if not repeated.empty:
        raise AnalysisError(f"Groups table '{table}' gives asset {repeated.iloc[0]!r} more than one group.")
    return dict(zip(frame["asset"], frame["group"], strict=True))


def group_bounds(
    groups: dict[str, str],
    bounds: tuple[tuple[str, float, float], ...],
    assets: list[str],
    weights: tuple[np.ndarray, np.ndarray],
) -> tuple[GroupBound, ...]:
    """The bounded groups with their members' positions; a range no portfolio can meet is refused."""
    found = []
    for name, lo, hi in bounds:
        members = tuple(i for i, asset in enumerate(assets) if groups.get(asset) == name)
        if not members:
            known = ", ".join(sorted(set(groups.values()))[:20]) or "none"
            raise AnalysisError(
                f"--group-bounds names group '{name}', which no asset belongs to. Groups: {known}."
            )
        if lo > hi:
            raise AnalysisError(f"Group '{name}' has the lower bound {lo:g} above its upper bound {hi:g}.")
        least, most = float(weights[0][list(members)].sum()), float(weights[1][list(members)].sum())
        if least > hi + 1e-12 or most < lo - 1e-12:
            raise AnalysisError(
                f"Group '{name}' ({len(members)} assets) must weigh {lo:g} to {hi:g}, but its assets' weight "
                f"bounds allow {least:g} to {most:g}: widen one range or the other."
            )
        found.append(GroupBound(name, members, lo, hi))
    return tuple(found)


def breach(weights: np.ndarray, groups: tuple[GroupBound, ...]) -> str | None:
    """The first group bound ``weights`` break, as a sentence (None when all hold)."""
    for group in groups:
        total = float(weights[list(group.members)].sum())
        if total < group.lower - 1e-9 or total > group.upper + 1e-9:
            limits = f"{group.lower:g},{group.upper:g}"
            return (
                f"it puts {total:.4g} in group '{group.name}', outside --group-bounds {group.name}={limits}"
            )
    return None


def drop_breaches(
    portfolios: list[Portfolio],
    missing: list[dict[str, Any]],
    groups: tuple[GroupBound, ...],
    limits: tuple[AbsoluteLimit, ...] = (),
    *,
    min_weight: float | None = None,
) -> list[Portfolio]:
    """The named portfolios that keep the group bounds, limits and minimum weight; the others join
    ``missing`` with why."""
    kept = []
    for portfolio in portfolios:
        weights = portfolio.weights
        reason = breach(weights, groups) or _over(weights, limits) or _small(weights, min_weight)
        if reason is None:
            kept.append(portfolio)
        else:
            missing.append({"portfolio": portfolio.candidate_id, "reason": f"Built without them, {reason}."})
    return kept


def _over(weights: np.ndarray, limits: tuple[AbsoluteLimit, ...]) -> str | None:
    """The first absolute limit ``weights`` exceed, as a sentence (None when all hold)."""
    for limit in limits:
        total = float(np.abs(weights - limit.centre).sum())
        if total > limit.limit + 1e-9:
            return f"its {limit.name} is {total:.4g}, above the limit {limit.limit:g}"
    return None


def _small(weights: np.ndarray, min_weight: float | None) -> str | None:
    """How many positions lie between 0 and ``min_weight``, as a sentence (None when none do)."""
    if not min_weight:
        return None
    small = weights[(weights > ZERO) & (weights < min_weight - ZERO)]
    if small.size == 0:
        return None
    return (
        f"it holds {small.size} position(s) between 0 and --min-weight {min_weight:g} "
        f"(the smallest {float(small.min()):.4g})"
    )


def extra_constraints(
    project: Project,
    spec: RiskReturnSpec,
    assets: list[str],
    bounds: tuple[np.ndarray, np.ndarray],
    cancel: CancelToken,
) -> tuple[tuple[GroupBound, ...], tuple[AbsoluteLimit, ...]]:
    """The group bounds and absolute limits asked for (none without their flags), checked."""
    if spec.group_bounds and not spec.groups_table:
        raise AnalysisError(
            "--group-bounds needs --groups TABLE (columns asset, group) naming each asset's group."
        )
    if spec.groups_table and not spec.group_bounds:
        raise AnalysisError("--groups needs at least one --group-bounds GROUP=LO,HI (e.g. tech=0,0.4).")
    if (spec.max_turnover is None) != (spec.current_weights_table is None):
        raise AnalysisError("--max-turnover and --current-weights TABLE (columns asset, weight) go together.")
    check_min_weight(spec.min_weight, *bounds)
    limits = []
    if spec.max_turnover is not None and spec.current_weights_table is not None:
        current = read_current_weights(project, spec.current_weights_table, assets, cancel)
        limits.append(AbsoluteLimit("turnover", current, _limit(spec.max_turnover, "--max-turnover")))
    if spec.max_gross is not None:
        limits.append(
            AbsoluteLimit("gross exposure", np.zeros(len(assets)), _limit(spec.max_gross, "--max-gross"))
        )
    groups = (
        group_bounds(
            read_groups(project, spec.groups_table, assets, cancel), spec.group_bounds, assets, bounds
        )
        if spec.groups_table
        else ()
    )
    return groups, tuple(limits)


def _limit(value: float, flag: str) -> float:
    if not value >= 0.0:
        raise AnalysisError(f"{flag} must be 0 or more; got {value:g}.")
    return value


def read_current_weights(project: Project, table: str, assets: list[str], cancel: CancelToken) -> np.ndarray:
    """The current portfolio from ``table`` (columns asset, weight); absent assets weigh 0."""
    columns = table_columns(project, table)
    require_column(table, "asset", columns)
    require_column(table, "weight", columns, numeric=True, reason="Current weights are numbers")
    frame = read_frame(
        project,
        cancel,
        f"SELECT CAST(asset AS VARCHAR) AS asset, CAST(weight AS DOUBLE) AS weight FROM {ident(table)}",
    )
    if frame.isna().to_numpy().any():
        raise AnalysisError(f"Current weights table '{table}' has an empty asset or weight.")
    unknown = sorted(set(frame["asset"]) - set(assets))
    if unknown:
        raise AnalysisError(
            f"Current weights table '{table}' names asset(s) the returns lack: {', '.join(unknown[:5])}."
        )
    if frame["asset"].duplicated().any():
        raise AnalysisError(f"Current weights table '{table}' lists an asset more than once.")
    position = {asset: i for i, asset in enumerate(assets)}
    weights = np.zeros(len(assets))
    weights[[position[a] for a in frame["asset"]]] = frame["weight"].to_numpy()
    return weights
