"""``tradeoff-studio -m bundle_check``: does every shared library of the one-folder app load here?

The spec strips the bundle's libraries and takes some from the system (libdbus-1); this loads each
ELF library under ``_internal`` with ``dlopen`` in the frozen process, as the app would, and lists
those that fail with the loader's reason (a missing system library, a damaged file). Wayland's
plugins need the system's ``libwayland-client`` (every Wayland desktop has it; elsewhere Qt uses
xcb): they are listed apart and do not fail the check. Exit 0 when every other library loads.
``.ci/run`` runs it on the bundle it builds; the spec copies this file into ``_internal``.
"""

from __future__ import annotations

import _ctypes
import ctypes
import sys
from pathlib import Path

OPTIONAL = ("wayland", "libqt6wl")
"""Parts of a path (lower case) whose libraries may fail to load without failing the check."""


def libraries(root: Path) -> list[Path]:
    """Every ELF shared library under ``root`` (links not followed twice)."""
    found = []
    for path in sorted(root.rglob("*.so*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def check(root: Path) -> tuple[int, list[str], list[str]]:
    """(libraries loaded, failures that matter, optional failures), each failure as 'path: reason'."""
    loaded, failed, optional = 0, [], []
    for path in libraries(root):
        try:
            _ctypes.dlopen(str(path), ctypes.DEFAULT_MODE)  # not ctypes.CDLL: PyInstaller hides dlerror()
        except OSError as error:
            line = f"{path.relative_to(root)}: {error}"
            (optional if any(part in str(path).lower() for part in OPTIONAL) else failed).append(line)
        else:
            loaded += 1
    return loaded, failed, optional


def main(argv: list[str] | None = None) -> int:
    """Check the bundle this runs in (or the folder given); print a summary and the failures."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent))
    loaded, failed, optional = check(root)
    print(
        f"bundle_check: {loaded} libraries load, {len(failed)} fail, {len(optional)} optional (Wayland) fail"
    )
    for line in failed:
        print(f"  FAILED {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
