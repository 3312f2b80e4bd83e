"""The live recommendation (constraint dragged) gives exactly what ``recommend`` gives, bound by bound."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from tradeoff_studio.core.analyses.candidates import CandidateTable, parse_objectives
from tradeoff_studio.core.decisions.live import LiveRecommender
from tradeoff_studio.core.decisions.preferences import Constraint, DecisionError, Preferences
from tradeoff_studio.core.decisions.recommend import recommend

MakeTable = Callable[..., CandidateTable]


def _random_table(seed: int, n: int, *, decimals: int = 2, flags: bool = True) -> CandidateTable:
    """Rounded values (many ties and duplicates), a few undefined, some candidates flagged."""
    rng = np.random.default_rng(seed)
    acc = np.round(rng.uniform(0.5, 0.9, n), decimals)
    gap = np.round(rng.uniform(0.0, 0.3, n), decimals)
    ratio = np.round(rng.uniform(0.5, 1.0, n), decimals)
    ratio[rng.choice(n, size=max(n // 20, 1), replace=False)] = np.nan
    spread = rng.uniform(0.0, 0.05, n)
    frame = pd.DataFrame(
        {"candidate_id": [f"c{i}" for i in range(n)], "acc": acc, "gap": gap, "ratio": ratio,
         "ratio_lo": ratio - spread, "ratio_hi": ratio + spread / 2}
    )  # fmt: skip
    if flags:
        frame["degenerate"] = rng.random(n) < 0.05
        frame["uses_protected_attribute"] = rng.random(n) < 0.05
    objectives = parse_objectives("acc:max,gap:min")
    return CandidateTable("generic", frame, [], ["acc", "gap", "ratio"], objectives, {}).with_front()


PREFERENCES = [
    Preferences(constraints=(Constraint.parse("ratio>=0.8"),)),
    Preferences(constraints=(Constraint.parse("ratio>=0.8"),), weights={"acc": 1.0, "gap": 0.0}),
    Preferences(constraints=(Constraint.parse("ratio>=0.8@90"), Constraint.parse("gap<=0.2"))),
    Preferences(constraints=(Constraint.parse("ratio>0.7"),), method="weighted-sum", weights={"gap": 3}),
    Preferences(
        constraints=(Constraint.parse("acc>=0.6"),), method="reference", reference={"acc": 0.85, "gap": 0.05}
    ),
    Preferences(constraints=(Constraint.parse("gap<0.1"),), allow_protected=True),
]


@pytest.mark.parametrize("prefs", PREFERENCES, ids=lambda p: ",".join(map(str, p.constraints)))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_bound_gives_the_recommend_answer(prefs: Preferences, seed: int) -> None:
    table = _random_table(seed, 400)
    live = LiveRecommender(table, prefs)
    first = prefs.constraints[0]
    values = first.values(table)
    for bound in np.unique(np.round(values[~np.isnan(values)], 2)):
        bounds = [float(bound), *(c.bound for c in prefs.constraints[1:])]
        expected = recommend(table, live.preferences_with(bounds))
        got = live.choose(bounds)
        assert (got.candidate_id, got.n_feasible) == (expected.candidate_id, expected.n_feasible), bound


def test_zero_weight_ties_go_to_the_first_candidate_on_the_feasible_front(make_table: MakeTable) -> None:
    # weight 0 on b: c0, c1 and c2 tie on a; c0 is dominated by c1 (worse b), so c1 — as recommend says
    table = make_table({"a": [0.9, 0.9, 0.9, 0.5], "b": [0.5, 0.2, 0.2, 0.0]}, "a:max,b:min")
    prefs = Preferences(constraints=(Constraint.parse("b<=1"),), weights={"a": 1.0, "b": 0.0})
    live = LiveRecommender(table, prefs)
    assert live.choose().candidate_id == recommend(table, prefs).candidate_id == "c1"
    assert live.choose([0.1]).candidate_id == "c3"
    nothing = live.choose([-1.0])
    assert nothing.candidate_id is None and nothing.n_feasible == 0
    assert "No candidate meets every constraint" in nothing.text()


def test_without_constraints_it_is_the_plain_recommendation() -> None:
    table = _random_table(5, 300, flags=False)
    live = LiveRecommender(table, Preferences())
    assert live.choose().candidate_id == recommend(table, Preferences()).candidate_id
    assert live.choose().n_feasible == 300


def test_bounds_must_match_the_constraints_and_preferences_must_fit() -> None:
    table = _random_table(3, 50)
    live = LiveRecommender(table, Preferences(constraints=(Constraint.parse("ratio>=0.8"),)))
    with pytest.raises(ValueError, match="1 bound"):
        live.choose([0.1, 0.2])
    with pytest.raises(DecisionError, match="not a metric of this analysis"):
        LiveRecommender(table, Preferences(constraints=(Constraint.parse("nope>=1"),)))
