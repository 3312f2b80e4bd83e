"""Candidate tables built by hand for the decisions tests (no project needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable, Objective, parse_objectives


def _table(
    columns: dict[str, list[Any]],
    objectives: str,
    *,
    knobs: list[str] | None = None,
    notes: dict[str, Any] | None = None,
) -> CandidateTable:
    frame = pd.DataFrame(columns)
    if "candidate_id" not in frame:
        frame.insert(0, "candidate_id", [f"c{i}" for i in range(len(frame))])
    parsed: list[Objective] = parse_objectives(objectives)
    knob_list = knobs or []
    metrics = [
        c
        for c in map(str, frame.columns)
        if c != "candidate_id" and c not in knob_list and not c.endswith(("_lo", "_hi"))
    ]
    return CandidateTable("generic", frame, knob_list, metrics, parsed, notes or {}).with_front()


@pytest.fixture
def make_table() -> Callable[..., CandidateTable]:
    """``make_table({"acc": [...], "gap": [...]}, "acc:max,gap:min", knobs=[...])``."""
    return _table
