"""The PyInstaller build's inputs, checked without building (``.ci/run`` builds and smoke-tests it)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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


# Where the app may import a module the bundle leaves out: only the scale-out engines, their workflow and
# the dataset readers, which `analyze fairness|cost-quality --dataset` reach after core.optional.require(
# "pyarrow", …) (tests/packaging/test_optional_packages.py); Ray is not a runtime dependency (the [ray]
# extra). A new module that needs pyarrow for --dataset only goes here, imported after that check.
GUARDED = {
    "pyarrow": (
        "app/tradeoff_studio/core/engines/",
        "app/tradeoff_studio/core/dataset_workflows.py",
        "app/tradeoff_studio/core/analyses/cost_quality/dataset.py",  # cost-quality --dataset's reader
    ),
    "ray": ("app/tradeoff_studio/core/engines/",),
}
APP = REPO / "app" / "tradeoff_studio"


def _guarded(path: Path, name: str) -> bool:
    where = path.relative_to(REPO).as_posix()
    top = name.split(".", maxsplit=1)[0]
    return any(where.startswith(prefix) for prefix in GUARDED.get(top, ()))


def test_the_app_imports_nothing_the_bundle_leaves_out() -> None:
    excluded = _excluded_modules()
    for module in ("PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtNetwork", "PySide6.QtTest"):
        assert module in excluded
    assert "pyarrow" in excluded
    pattern = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)
    offenders = []
    for path in APP.rglob("*.py"):
        for name in pattern.findall(path.read_text(encoding="utf-8")):
            left_out = any(name == module or name.startswith(module + ".") for module in excluded)
            if left_out and not _guarded(path, name):
                offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []


def test_every_unguarded_module_imports_without_the_left_out_packages() -> None:
    """Import every app module outside GUARDED with every module the spec excludes made unimportable, as
    in the bundle: a module-level import of one anywhere (directly or through a library) fails here."""
    modules = []
    for path in sorted(APP.rglob("*.py")):
        if any(path.relative_to(REPO).as_posix().startswith(prefix) for prefix in GUARDED["pyarrow"]):
            continue
        parts = path.relative_to(REPO / "app").with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    script = (
        "import importlib, sys\n"
        f"for name in {_excluded_modules()!r}:\n"
        "    sys.modules[name] = None\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as error:\n"
        "        failed.append(f'{name}: {error}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(modules) > 100


def test_the_spec_drops_the_gtk_theme_translations_and_network_plugins() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for part in ("platformthemes/libqgtk3", "plugins/tls/", "plugins/networkinformation/", "translations/"):
        assert f'"{part}' in text or f'"plugins/{part}' in text, part
    assert "prune_libraries(kept(a.binaries))" in text and "strip_binaries(" in text


@pytest.mark.parametrize("args", [[], ["tpu"]])
def test_build_script_wants_a_flavour(args: list[str]) -> None:
    command = ["bash", str(REPO / "packaging" / "build.sh"), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2 and "usage: packaging/build.sh cpu|gpu" in done.stderr


def test_bundle_check_lists_a_library_that_does_not_load(tmp_path: Path) -> None:
    """packaging/bundle_check.py (run in the frozen app by .ci/run) names a broken library and fails."""
    import _ctypes  # an extension module: a shared library that loads in any Python process
    import shutil

    shutil.copy(_ctypes.__file__, tmp_path / "libgood.so.1")
    (tmp_path / "plugins" / "wayland-shell").mkdir(parents=True)
    (tmp_path / "libbroken.so.1").write_bytes(b"\x7fELF" + b"\0" * 60)  # an ELF header and nothing else
    (tmp_path / "plugins" / "wayland-shell" / "libw.so").write_bytes(b"\x7fELF" + b"\0" * 60)
    (tmp_path / "notes.so.txt").write_text("not a library", encoding="utf-8")
    script = REPO / "packaging" / "bundle_check.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert "bundle_check: 1 libraries load, 1 fail, 1 optional fail" in done.stdout
    assert "FAILED libbroken.so.1:" in done.stdout and "libw.so" not in done.stdout


def _assigned(path: Path, name: str) -> object:
    """The literal value assigned to ``name`` at the top of ``path``."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} assigns no {name}")


def test_the_launcher_checks_every_library_the_spec_leaves_to_the_system() -> None:
    """The spec's SYSTEM libraries are the ones the frozen launcher names when missing (launcher.py)."""
    system = _assigned(SPEC, "SYSTEM")
    checked = _assigned(REPO / "packaging" / "launcher.py", "SYSTEM_LIBRARIES")
    assert isinstance(system, tuple) and isinstance(checked, dict)
    assert set(system) == set(checked) == {"libdbus-1.so.3"}
