"""``--cluster COL`` on ``analyze … fairness`` and ``ope-estimate`` (issue #17), end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pandas as pd

from support.cli import cli
from support.ope_models import bandit_log, policy_model, policy_weights

FAIRNESS = ("--table", "apps", "--label", "y", "--sensitive", "sex", "--score", "score", "--resamples", "100")


def _fairness_project(tmp_path: Path) -> Path:
    project = tmp_path / "fair.tsproj"
    assert cli("new", project).returncode == 0
    rng = np.random.default_rng(2)
    branch = np.repeat(np.arange(30), 40)
    latent = rng.normal(0, 1.2, 30)[branch] + rng.normal(0, 0.6, len(branch))
    frame = pd.DataFrame({"branch": [f"b{b:02d}" for b in branch], "sex": rng.choice(["f", "m"], len(branch)),
                          "y": (rng.random(len(branch)) < 1 / (1 + np.exp(-latent))).astype(int),
                          "score": np.round(1 / (1 + np.exp(-latent)), 2)})  # fmt: skip
    frame.to_csv(tmp_path / "apps.csv", index=False)
    assert cli("import", project, tmp_path / "apps.csv", "--table", "apps").returncode == 0
    return project


def test_fairness_cluster_in_text_and_json(tmp_path: Path) -> None:
    project = _fairness_project(tmp_path)
    text = cli("analyze", project, "fairness", *FAIRNESS, "--cluster", "branch")
    assert text.returncode == 0, text.stderr
    assert "95% CI by branch, 30 clusters" in text.stdout
    record = json.loads(
        cli("analyze", project, "fairness", *FAIRNESS, "--cluster", "branch", "--json").stdout
    )
    assert record["ci"] == "95% CI by branch, 30 clusters" and record["nesting"] is None
    before = cli("analyses", project).stdout
    refused = cli("analyze", project, "fairness", *FAIRNESS, "--cluster", "brnch")
    assert refused.returncode == 1 and "Table 'apps' has no column 'brnch' to cluster by" in refused.stderr
    assert cli("analyses", project).stdout == before


def test_ope_estimate_cluster_in_text_and_json(tmp_path: Path) -> None:
    project = tmp_path / "ope.tsproj"
    assert cli("new", project).returncode == 0
    log = bandit_log(600, 4, seed=5).assign(session_id=[f"s{i // 20:02d}" for i in range(600)])
    log.to_parquet(tmp_path / "clicks.parquet")
    assert cli("import", project, tmp_path / "clicks.parquet", "--table", "clicks").returncode == 0
    onnx.save(policy_model(*policy_weights(1, 4), actions=4), tmp_path / "pi1.onnx")
    assert cli("models", "add", project, tmp_path / "pi1.onnx", "--name", "pi1").returncode == 0
    flags = ("--table", "clicks", "--action", "action", "--reward", "reward", "--pscore", "pscore",
             "--policy", "pi1", "--provider", "cpu", "--estimators", "ipw", "--resamples", "100")  # fmt: skip
    plain = cli("ope-estimate", project, *flags, "--into", "plain")
    assert plain.returncode == 0, plain.stderr
    assert "95% CI by round, 600 rounds" in plain.stdout
    assert "Warning: rows may nest: column 'session_id' groups the 600 rounds into 30 groups" in plain.stdout
    done = cli("ope-estimate", project, *flags, "--cluster", "session_id", "--into", "by_session", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ci"] == "95% CI by session_id, 30 clusters" and result["nesting"] is None
    refused = cli("ope-estimate", project, *flags, "--cluster", "sesion", "--into", "nope")
    assert refused.returncode == 1 and "no column 'sesion' to cluster by" in refused.stderr
    assert "nope" not in cli("tables", project).stdout
