"""Group (sector) bounds: ``--groups TABLE`` maps assets to groups, ``--group-bounds tech=0,0.4`` bounds each.

A group bound keeps the total weight of the group's assets within [LO, HI]. The critical line
handles per-asset bounds only, so with group bounds every frontier is solved by HiGHS (the
mean–variance quadratic program, or the CVaR/CDaR linear programs). Ranges that no portfolio can
meet are refused naming the group and the sums that rule it out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...jobs import CancelToken
from ...project import Project
from ...sql import ident
from ..candidates import AnalysisError
from ..inputs import require_column, table_columns
from .measure_frontier import GroupBound
from .portfolios import Portfolio
from .returns import read_frame

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
    portfolios: list[Portfolio], missing: list[dict[str, Any]], groups: tuple[GroupBound, ...]
) -> list[Portfolio]:
    """The named portfolios that keep the group bounds; the others join ``missing`` with the reason."""
    kept = []
    for portfolio in portfolios:
        reason = breach(portfolio.weights, groups)
        if reason is None:
            kept.append(portfolio)
        else:
            missing.append({"portfolio": portfolio.candidate_id, "reason": f"Without group bounds {reason}."})
    return kept
