"""``make run`` without a display: the demo project is built, then the app says how to go on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tradeoff_studio.ui.app import EXIT_NO_DISPLAY


def test_demo_start_without_a_display_builds_the_demo_and_points_to_the_cli(tmp_path: Path) -> None:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {key: value for key, value in os.environ.items() if key not in hidden} | {
        "XDG_DATA_HOME": str(tmp_path)
    }
    started = subprocess.run(
        [sys.executable, "-m", "tradeoff_studio", "--demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert started.returncode == EXIT_NO_DISPLAY, started.stderr
    demo = tmp_path / "tradeoff-studio" / "demo-4.tsproj"
    assert demo.exists()
    assert "No display found" in started.stderr and f"decisions {demo}" in started.stderr
