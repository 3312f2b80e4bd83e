"""`make fuzz`: run every property test randomised, round after round, for FUZZ_SECONDS.

Usage::

    FUZZ_SECONDS=600 python tests/fuzz/run_fuzz.py [pytest arguments, e.g. a test file]

Each round runs the Hypothesis tests (the files that use ``@given``) under the ``fuzz`` profile
(tests/conftest.py): new random examples every round, failures kept in ``.hypothesis/fuzz`` so a
rerun replays them first. ``FUZZ_EXAMPLES`` (default 200) raises the tests that read it. The run
stops at the first failure and prints it: turn the falsifying example into an ``@example`` on the
test before fixing the code, so `make test` checks it on every machine from then on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


def property_test_files() -> list[str]:
    """Every test file under tests/ that holds a Hypothesis property test, relative to the repo."""
    files = sorted(p for p in TESTS.rglob("test_*.py") if "@given(" in p.read_text(encoding="utf-8"))
    return [str(p.relative_to(REPO)) for p in files]


def main(argv: list[str]) -> int:
    """Fuzz until the time is up (exit 0) or a round fails (exit 1, the failure printed)."""
    seconds = float(os.environ.get("FUZZ_SECONDS", "600"))
    if not 0 < seconds <= 7 * 24 * 3600:
        print(f"FUZZ_SECONDS must lie between 1 and {7 * 24 * 3600} (a week); got {seconds:g}.")
        return 2
    env = os.environ | {"HYPOTHESIS_PROFILE": "fuzz", "QT_QPA_PLATFORM": "offscreen"}
    env.setdefault("FUZZ_EXAMPLES", "200")
    targets = argv or property_test_files()
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        print(f"fuzz round {rounds} ({deadline - time.monotonic():.0f} s left): {len(targets)} target(s)")
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *targets]
        if subprocess.run(command, cwd=REPO, env=env, check=False).returncode != 0:
            print("fuzz: a property failed; add its falsifying example as an @example, then fix it.")
            return 1
    print(f"fuzz: {rounds} round(s) in {seconds:g} s, no failure.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
