"""The columns ``candidates`` shows for a risk–return analysis by default (issue #16, observation 8).

The objectives first, then the figures a committee asks for — Sharpe, CVaR, drawdown — and, when
the analysis has them, the out-of-sample (``oos_*``) and walk-forward (``wf_*``) figures, so they
are readable in the terminal without an export. ``candidates --columns`` picks others.
"""

from __future__ import annotations

from ..candidates import AnalysisError, CandidateTable

_ALWAYS = ("return", "volatility", "sharpe", "cvar", "max_drawdown")
_IF_PRESENT = ("oos_return", "oos_volatility", "oos_sharpe", "wf_return", "wf_volatility", "wf_turnover")


def default_columns(table: CandidateTable) -> list[str]:
    """``candidate_id``, ``source``, the objectives, the usual figures, oos/wf ones present, front flags."""
    chosen = ["candidate_id", "source", *(o.metric for o in table.objectives)]
    for column in (*_ALWAYS, *_IF_PRESENT):
        if column in table.frame and column not in chosen:
            chosen.append(column)
    return [*chosen, "on_front", "rank"]


def asked_columns(table: CandidateTable, text: str) -> list[str]:
    """``candidate_id`` and the columns named in ``text`` (``A,B,...``), each checked to exist."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in table.frame]
    if unknown or not names:
        shown = ", ".join(str(c) for c in table.frame.columns if not str(c).endswith(("_lo", "_hi")))
        raise AnalysisError(
            f"--columns names {', '.join(map(repr, unknown)) or 'no column'}, which analysis "
            f"'{table.kind}' does not have. Its columns: {shown}."
        )
    return ["candidate_id", *(name for name in names if name != "candidate_id")]
