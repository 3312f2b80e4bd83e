"""The PyInstaller build's inputs, checked without building (``.ci/run`` builds and smoke-tests it)."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "tradeoff-studio.spec"


def _excluded_modules() -> list[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "excludes" for t in node.targets):
            return [item.value for item in node.value.elts if isinstance(item, ast.Constant)]  # type: ignore[attr-defined]
    raise AssertionError("the spec has no `excludes` list")


def test_the_app_imports_nothing_the_bundle_leaves_out() -> None:
    excluded = _excluded_modules()
    assert "PySide6.QtWebEngineCore" in excluded and "PySide6.QtQml" in excluded
    pattern = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)
    offenders = []
    for path in (REPO / "app" / "tradeoff_studio").rglob("*.py"):
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            if any(name == module or name.startswith(module + ".") for module in excluded):
                offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []


@pytest.mark.parametrize("args", [[], ["tpu"]])
def test_build_script_wants_a_flavour(args: list[str]) -> None:
    command = ["bash", str(REPO / "packaging" / "build.sh"), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2 and "usage: packaging/build.sh cpu|gpu" in done.stderr
