"""The README's Python (notebook) example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.project import create_project

REPO = Path(__file__).resolve().parents[1]


def test_readme_notebook_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), flags=re.DOTALL)
    assert len(blocks) == 1, "the README should hold one Python example"
    monkeypatch.chdir(tmp_path)
    with create_project(tmp_path / "demo.tsproj") as project:
        import_files(project, [REPO / "resources" / "demo" / "asset_returns.parquet"])
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    frame = namespace["frame"]
    assert len(frame) == 100 + 6 and {"return", "volatility", "weight_gold"} <= set(frame.columns)  # type: ignore[arg-type]
