"""``ope-estimate`` end to end through ``python -m tradeoff_studio.cli.main``: log → estimates → shortlist."""

from __future__ import annotations

import json
from pathlib import Path

import onnx

from support.cli import cli
from support.ope_models import bandit_log, policy_model, policy_weights

ACTIONS = 4


def _project(tmp_path: Path, *, bad_pscore: bool = False) -> Path:
    project = tmp_path / "ope.tsproj"
    assert cli("new", project).returncode == 0
    log = bandit_log(800, ACTIONS, seed=5)
    if bad_pscore:
        log.loc[16, "pscore"] = 1.5
    log.to_parquet(tmp_path / "clicks.parquet")
    imported = cli("import", project, tmp_path / "clicks.parquet", "--table", "clicks")
    assert imported.returncode == 0, imported.stderr
    for seed in (1, 2, 3):
        path = tmp_path / f"pi{seed}.onnx"
        onnx.save(policy_model(*policy_weights(seed, ACTIONS), actions=ACTIONS), path)
        added = cli("models", "add", project, path, "--name", f"pi{seed}")
        assert added.returncode == 0, added.stderr
    return project


LOG_FLAGS = ("--table", "clicks", "--action", "action", "--reward", "reward", "--pscore", "pscore",
             "--policy", "pi1", "--policy", "pi2", "--policy", "pi3", "--provider", "cpu")  # fmt: skip


def test_estimates_feed_the_shortlist_analysis(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = cli("ope-estimate", project, *LOG_FLAGS, "--estimators", "ipw,snipw,dr", "--resamples", "100",
               "--into", "estimates", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["table"] == "estimates" and result["rounds"] == 800 and result["rows"] == 3 * 3 + 3
    first = result["results"][0]
    assert {"policy", "estimator", "estimated_value", "estimated_value_lo", "estimated_value_hi", "ess",
            "max_weight", "is_behaviour"} <= set(first)  # fmt: skip
    assert first["estimated_value_lo"] <= first["estimated_value"] <= first["estimated_value_hi"]
    assert 0 < first["ess"] <= 800
    flags = ("--table", "estimates", "--policy", "policy", "--estimator", "estimator", "--estimate",
             "estimated_value", "--behaviour", "is_behaviour", "--name", "short", "--json")  # fmt: skip
    analysed = cli("analyze", project, "ope", *flags)
    assert analysed.returncode == 0, analysed.stderr
    record = json.loads(analysed.stdout)
    assert record["kind"] == "ope" and record["inputs"]["true_value"] is None
    assert record["notes"]["value_range"] == [0.0, 1.0]
    rows = json.loads(cli("candidates", project, "short", "--json").stdout)
    assert all(isinstance(row["policies"], list) and len(row["policies"]) == row["k"] for row in rows)
    audit = cli("audit", project, "--json")
    assert "ope-estimate" in audit.stdout


def test_a_bad_propensity_is_named_without_a_traceback(tmp_path: Path) -> None:
    project = _project(tmp_path, bad_pscore=True)
    before = cli("info", project, "--json").stdout
    done = cli("ope-estimate", project, *LOG_FLAGS, "--into", "estimates")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "Row 17 of table 'clicks': the value in column 'pscore' is not a probability in (0, 1]" in done.stderr
    )
    assert cli("info", project, "--json").stdout == before
