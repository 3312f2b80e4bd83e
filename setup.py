"""Packaging glue that pyproject.toml cannot express (everything else is declared there).

DESIGN.md §3 keeps ``resources/`` and ``models/`` as top-level folders of the checkout; the wheel
ships them inside the package, as ``tradeoff_studio/resources`` and ``tradeoff_studio/models``,
where ``core.paths.resources_dir()`` / ``models_dir()`` find them once installed. The scripts that
regenerate the data (``make_*.py``), READMEs and screenshots stay in the checkout.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_PACKAGES = {"tradeoff_studio.resources": "resources", "tradeoff_studio.models": "models"}
LEFT_OUT_DIRS = {"screenshots", "__pycache__"}
LEFT_OUT_SUFFIXES = {".py", ".pyc", ".md"}


def _data_files(folder: str) -> list[str]:
    """Every file under ``folder`` the installed app reads, relative to it."""
    base = ROOT / folder
    return sorted(
        path.relative_to(base).as_posix()
        for path in base.rglob("*")
        if path.is_file()
        and path.suffix not in LEFT_OUT_SUFFIXES
        and not LEFT_OUT_DIRS & set(path.relative_to(base).parts)
    )


class DataOnlyBuildPy(build_py):
    """The data folders hold generator scripts (``make_models.py``): they are not modules of the app."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        if package in DATA_PACKAGES:
            return []
        return super().find_package_modules(package, package_dir)


setup(
    packages=[*find_packages("app"), *DATA_PACKAGES],
    package_dir={"": "app", **DATA_PACKAGES},
    package_data={
        "tradeoff_studio": ["py.typed"],
        **{package: _data_files(folder) for package, folder in DATA_PACKAGES.items()},
    },
    include_package_data=False,
    cmdclass={"build_py": DataOnlyBuildPy},
)
