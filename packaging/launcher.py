"""The frozen app's entry point (PyInstaller): ``tradeoff-studio`` in the one-folder bundle.

``tradeoff-studio [PROJECT] [--demo] [--smoke] [--version]`` starts the desktop app;
``tradeoff-studio cli COMMAND …`` runs the command line (``tradeoff-studio cli info P.tsproj``).
Child processes work as in a Python install: ``sys.executable -m MODULE …`` (the JSON reader's
sandbox) runs MODULE as ``__main__``, and ``multiprocessing`` spawn children (the model-variant
measurements) are dispatched by ``freeze_support``.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys

# Libraries the bundle takes from the system instead of shipping them (packaging/tradeoff-studio.spec,
# SYSTEM): Qt's D-Bus client library, present on every Linux desktop. soname -> the packages that hold it.
SYSTEM_LIBRARIES = {"libdbus-1.so.3": "libdbus-1-3 (Debian, Ubuntu), dbus-libs (Fedora, RHEL), dbus (Arch)"}


def missing_system_libraries() -> list[str]:
    """What the desktop app needs from the system and cannot load, one line each (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    import ctypes

    missing = []
    for soname, packages in SYSTEM_LIBRARIES.items():
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(f"{soname} (install {packages})")
    return missing


def main() -> int:
    """Dispatch to the app, the CLI, or a module run as ``python -m``."""
    multiprocessing.freeze_support()  # a spawned child runs its target here and exits
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    if args[:1] == ["cli"]:
        from tradeoff_studio.cli.main import main as cli_main

        return cli_main(args[1:])
    if not {"--version", "-h", "--help"} & set(args) and (missing := missing_system_libraries()):
        print(f"tradeoff-studio: error: the desktop app needs {'; '.join(missing)}. The command line "
              "(tradeoff-studio cli …) works without it.", file=sys.stderr)  # fmt: skip
        return 1
    from tradeoff_studio.ui.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
