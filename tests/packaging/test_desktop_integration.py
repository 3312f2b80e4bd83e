"""Desktop integration on Linux: the entry validates, the icons render at every size, and the user-level
install (a temporary HOME, no root) registers the .tsproj type with our entry as its default."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
MIME_TYPE = "application/x-tradeoff-studio-project"
TOOLS = ("desktop-file-validate", "xdg-mime", "update-mime-database")

sys.path.insert(0, str(LINUX))
from render_icons import SIZES, render  # noqa: E402

needs_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS) or not sys.platform.startswith("linux"),
    reason="needs desktop-file-utils, xdg-utils and shared-mime-info (Linux)",
)


def _image_size(path: Path) -> tuple[int, int]:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), path
    return image.width(), image.height()


def test_icons_render_at_every_standard_size_and_the_committed_ones_match(tmp_path: Path) -> None:
    written = render(tmp_path)
    assert [_image_size(path) for path in written] == [(size, size) for size in SIZES]
    for size in SIZES:
        committed = LINUX / "icons" / f"{size}x{size}" / "apps" / "tradeoff-studio.png"
        assert _image_size(committed) == (size, size)


@needs_tools
def test_the_desktop_entry_is_valid() -> None:
    done = subprocess.run(["desktop-file-validate", str(LINUX / "tradeoff-studio.desktop")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "", done.stdout + done.stderr


@needs_tools
def test_user_install_registers_the_project_type_and_uninstall_removes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    launcher = tmp_path / "bin" / "tradeoff-studio-app"
    launcher.parent.mkdir()
    launcher.write_text("#!/bin/sh\nexit 0\n")
    launcher.chmod(0o755)
    data, config = home / ".local" / "share", home / ".config"
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_DATA_HOME": str(data),
           "XDG_CONFIG_HOME": str(config)}  # fmt: skip

    def run(*command: str) -> str:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.strip()

    run(str(LINUX / "install.sh"), str(launcher))
    assert run("xdg-mime", "query", "default", MIME_TYPE) == "tradeoff-studio.desktop"
    entry = data / "applications" / "tradeoff-studio.desktop"
    assert f"Exec={launcher} %f" in entry.read_text().splitlines()
    run("desktop-file-validate", str(entry))
    assert "*.tsproj" in (data / "mime" / "globs2").read_text()
    for size in SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "tradeoff-studio.png").is_file()

    run(str(LINUX / "uninstall.sh"))
    assert run("xdg-mime", "query", "default", MIME_TYPE) == ""
    assert not entry.exists() and "*.tsproj" not in (data / "mime" / "globs2").read_text()
    assert not list((data / "icons").rglob("tradeoff-studio.*"))


@needs_tools
def test_install_refuses_without_a_launcher(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([str(LINUX / "install.sh")], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "tradeoff-studio-app was not found" in done.stderr
    assert not (tmp_path / "data").exists()
