"""Harness for hostile-input tests: run CLI commands against copies of a prepared project.

Each case names a command line (``{project}`` stands for the case's own copy of the project,
``{files}`` for the folder of hostile files) and what its stderr must say. :func:`run_cases`
runs a batch of cases in one subprocess (the real ``main()``, one command after the other, each
with its own copy), so a hundred cases cost one interpreter start; a case that hangs stops the
batch at the timeout and is reported by name. :func:`verdict` then asserts, per case: exit code 1
or 2, the expected message, no traceback or internal error, a time limit, and the project
unchanged (catalog, tables and row counts, models, analyses, decisions; byte for byte for a
project that was damaged on purpose and cannot be opened).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

Damage = Callable[[Path], None]

_DRIVER = r"""
import contextlib, io, json, sys, time, traceback
from tradeoff_studio.cli.main import main

jobs = json.load(open(sys.argv[1], encoding="utf-8"))
results = {}
for job in jobs:
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(job["argv"])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = -1
    results[job["id"]] = {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
                          "seconds": time.monotonic() - start}
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(results, handle)
"""


@dataclass(frozen=True)
class Case:
    """One hostile command: its argv (with ``{project}``/``{files}``) and the message it must give."""

    id: str
    argv: tuple[str, ...]
    pattern: str
    damage: Damage | None = None  # applied to the case's copy first (truncated or tampered projects)
    codes: tuple[int, ...] = (1, 2)
    seconds: float = 30.0


@dataclass
class Outcome:
    """What one case did."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    before: Any = None
    after: Any = None
    argv: list[str] = field(default_factory=list)


def case(id_: str, *argv: str, pattern: str, damage: Damage | None = None, **extra: Any) -> Case:
    """Shorthand for :class:`Case`."""
    return Case(id_, tuple(argv), pattern, damage, **extra)


def snapshot(path: Path) -> Any:
    """Everything a refused command must leave as it was; the file's SHA-256 when it cannot be opened."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    try:
        return _state(con)
    except duckdb.Error:
        return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    finally:
        con.close()


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY schema_name, table_name"
    ).fetchall()
    state: dict[str, Any] = {}
    for schema, table in tables:
        quoted = f'"{schema}"."{table}"'
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            [schema, table],
        ).fetchall()
        count = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()
        state[f"{schema}.{table}"] = (columns, count)
    for table in ("meta", "datasets", "models", "score_columns", "analyses", "decisions"):
        rows = con.execute(f"SELECT * FROM _ts.{table}").fetchall()
        state[f"_ts.{table} rows"] = sorted(repr(row) for row in rows)
    state["audit"] = con.execute("SELECT count(*), max(seq) FROM _ts.audit").fetchone()
    return state


def run_cases(
    cases: list[Case], project: Path, files: Path, work: Path, *, timeout: float
) -> dict[str, Outcome]:
    """Run ``cases`` in one subprocess, each on its own copy of ``project``; outcomes by case id.

    The subprocess gets its own user-data folder (crash reports, key index) under ``work``.
    """
    jobs, outcomes = [], {}
    for item in cases:
        copy = work / f"{item.id}.tsproj"
        shutil.copyfile(project, copy)
        if item.damage is not None:
            item.damage(copy)
        argv = [part.replace("{project}", str(copy)).replace("{files}", str(files)) for part in item.argv]
        jobs.append({"id": item.id, "argv": argv})
        outcomes[item.id] = Outcome(-2, "", "", 0.0, before=snapshot(copy), argv=argv)
    (work / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    results_path = work / "results.json"
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg"), "APPDATA": str(work / "xdg")}
    with contextlib.suppress(subprocess.TimeoutExpired):  # cases left without a result count as hung
        subprocess.run(
            [sys.executable, "-c", _DRIVER, str(work / "jobs.json"), str(results_path)],
            cwd=work,
            env=env,
            timeout=timeout,
            check=False,
            capture_output=True,
        )
    results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    for item in cases:
        found = results.get(item.id)
        outcome = outcomes[item.id]
        if found is not None:
            outcome.code, outcome.stdout = found["code"], found["stdout"]
            outcome.stderr, outcome.seconds = found["stderr"], found["seconds"]
        outcome.after = snapshot(work / f"{item.id}.tsproj")
        (work / f"{item.id}.tsproj").unlink()
    return outcomes


def verdict(item: Case, outcome: Outcome) -> None:
    """Assert the case was refused cleanly: see the module doc."""
    shown = f"{item.id}: argv={outcome.argv!r}\nstderr={outcome.stderr[-2000:]!r}"
    assert outcome.code != -2, f"no result (the batch hung or crashed before this case) — {shown}"
    assert outcome.code in item.codes, f"exit {outcome.code}, expected {item.codes} — {shown}"
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr, shown
    assert re.search(item.pattern, outcome.stderr + outcome.stdout), (
        f"no match for {item.pattern!r} — {shown}"
    )
    if outcome.stderr.strip():
        assert outcome.stderr.strip().splitlines()[-1].startswith("tradeoff-studio"), shown
    assert "\x1b" not in outcome.stderr + outcome.stdout, f"a raw escape reached the terminal — {shown}"
    assert outcome.seconds < item.seconds, f"took {outcome.seconds:.1f} s (limit {item.seconds} s) — {shown}"
    assert outcome.after == outcome.before, f"the project changed — {shown}"
