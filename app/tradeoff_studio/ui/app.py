"""Start the desktop app: ``tradeoff-studio-app [PROJECT] [--demo]`` or ``python -m tradeoff_studio``."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..core.errors import StudioError

if TYPE_CHECKING:
    from .main_window import MainWindow

EXIT_NO_DISPLAY = 3
EXIT_BROKEN_QT = 4


def has_display() -> bool:
    """Whether a Qt window can open: always on Windows/macOS, on Linux with X11/Wayland or a set platform."""
    if sys.platform in {"win32", "darwin"}:
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _cli_name() -> str:
    """How to call the CLI from here: its bare name when on PATH, else its path beside Python; in the
    PyInstaller bundle, the bundle's own executable with ``cli`` (packaging/launcher.py)."""
    if getattr(sys, "frozen", False):
        return f"{sys.executable} cli"
    beside = Path(sys.executable).with_name("tradeoff-studio")
    on_path = shutil.which("tradeoff-studio")
    if on_path and Path(on_path).resolve() == beside.resolve():
        return "tradeoff-studio"
    return str(beside) if beside.exists() else "tradeoff-studio"


def _demo_path() -> Path:
    """Build the demo project if needed, reporting progress on stderr."""
    from ..core.demo import demo_project_path, ensure_demo_project
    from ..core.terminal import run_job

    if not demo_project_path().exists():
        print("Preparing the demo project (first run only)…", file=sys.stderr)
    return run_job(ensure_demo_project)


EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE, as the CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the desktop app; returns the exit status.

    An unexpected error before the window is up prints one line naming a crash report (exit 70);
    once it is up, :mod:`.crash_dialog` shows it in a dialog. Never a traceback.
    """
    try:
        return _main(argv)
    except Exception as error:
        from ..core.crash import crash_report_note

        where = crash_report_note(error, "desktop app start-up")
        print(f"tradeoff-studio-app: internal error ({type(error).__name__}); {where}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _main(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="tradeoff-studio-app", description="Tradeoff Studio desktop app")
    parser.add_argument("project", nargs="?", help="a .tsproj file to open")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo project")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--smoke", action="store_true", help="exercise the installed app end to end, headless, and quit"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if has_display():
        from .qt_check import binding_defect

        defect = binding_defect()
        if defect is not None:
            print(f"tradeoff-studio: error: {defect}", file=sys.stderr)
            return EXIT_BROKEN_QT
    if args.smoke:
        from .smoke import run_smoke

        return run_smoke()
    try:
        project = _demo_path() if args.demo else (Path(args.project) if args.project else None)
    except StudioError as error:
        print(f"tradeoff-studio: error: {error}", file=sys.stderr)
        return 1
    if not has_display():
        target, cli = project or "PROJECT.tsproj", _cli_name()
        print(
            "No display found (DISPLAY and WAYLAND_DISPLAY are unset), "
            "so the desktop window cannot open here.\n"
            f"Use the command line instead, e.g.:\n  {cli} info {target}\n"
            f"  {cli} decisions {target}\n  {cli} models list {target}\n  {cli} --help",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    return _run_window(project, _first_demo_analysis() if args.demo else None)


DESKTOP_FILE_NAME = "tradeoff-studio"  # packaging/linux/tradeoff-studio.desktop


def _first_demo_analysis() -> str:
    """The analysis ``--demo`` opens on: the first story (credit fairness), so a front is in view."""
    from ..core.demo_analyses import DEMO_ANALYSES

    return DEMO_ANALYSES[0].name


def _run_window(project: Path | None, analysis: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    from .crash_dialog import install_crash_handler

    app = QApplication.instance() or QApplication(sys.argv)
    install_crash_handler(app)
    window = start_window(project, analysis)
    window.show()
    return int(app.exec())


def start_window(project: Path | None = None, analysis: str | None = None) -> MainWindow:
    """Name the application (icon, desktop file), apply the preferences, open ``project`` if given
    and show its ``analysis`` if given."""
    from PySide6.QtGui import QGuiApplication

    from ..core.preferences import load_preferences
    from .icons import app_icon
    from .main_window import MainWindow
    from .preferences_dialog import apply_theme

    QGuiApplication.setApplicationName("Tradeoff Studio")
    QGuiApplication.setApplicationDisplayName("Tradeoff Studio")
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    QGuiApplication.setWindowIcon(app_icon())
    apply_theme(load_preferences().theme)  # before any icon is drawn in the palette's colour
    window = MainWindow()
    window.apply_preferences()
    if project is not None:
        window.open_project(project)
        if analysis is not None and window.project is not None:
            window.show_analysis(analysis)
    return window


if __name__ == "__main__":
    sys.exit(main())
