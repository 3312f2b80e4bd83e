"""Hostile inputs through the real command line: each is refused with a clear message, no traceback,
exit 1 or 2, within a time limit, and the project left exactly as it was (see support/hostile.py).

One demo project is built per module; every case runs on its own copy. The cases of a category
run in one subprocess, so the suite costs a few interpreter starts, not one per case.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from support.cli import cli
from support.hostile import Case, Outcome, case, run_cases, verdict
from tradeoff_studio.core.demo import ensure_demo_project

pytestmark = [
    pytest.mark.timeout(900),
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks are POSIX"),
]

RR = ("analyze", "{project}", "risk-return", "--table", "asset_returns", "--returns")
CQ = (
    "analyze",
    "{project}",
    "cost-quality",
    "--table",
    "llm_eval_log",
    "--item",
    "item",
    "--system",
    "system",
    "--correct",
    "correct",
    "--cost",
    "cost",
)
GENERIC = ("analyze", "{project}", "generic", "--table", "ope_results", "--objective", "estimate:max")
VARIANTS = (
    "analyze",
    "{project}",
    "model-variants",
    "--table",
    "credit_applications",
    "--label",
    "default",
    "--model",
    "credit_logreg",
)
SCORE = ("score", "{project}", "--model", "credit_logreg", "--table", "credit_applications")
DECIDE = ("decide", "{project}", "credit-fairness", "--rationale", "because")
OUT_OF_RANGE = "is out of range; use a (whole )?number"


def _bounds_cases() -> list[Case]:
    """Numeric options past their bounds: refused by the parser (exit 2) with the allowed range."""
    options = [
        (RR, "--points", ["1", "10001", "100000000", "-5"]),
        (RR, "--resamples", ["9", "100001", "-1"]),
        (RR, "--cvar-level", ["0.4", "1.0", "nan", "inf"]),
        (RR, "--periods-per-year", ["0", "1000001"]),
        (CQ, "--thresholds", ["1", "101"]),
        (CQ, "--human-cost", ["-1", "inf", "nan"]),
        (CQ, "--budget", ["-0.5"]),
        (CQ, "--target-quality", ["inf"]),
        (CQ, "--resamples", ["0"]),
        (GENERIC, "--ci-level", ["0", "1", "1.5"]),
        (VARIANTS, "--batch-size", ["0"]),
        (VARIANTS, "--bulk-size", ["2000000"]),
        (VARIANTS, "--repeats", ["9", "100001"]),
        (SCORE, "--class-index", ["-1", "100001"]),
    ]
    cases = [
        case(
            f"{base[2]}{flag}={value}",
            *base,
            flag,
            value,
            pattern=f"argument {flag}: .*{OUT_OF_RANGE}",
            codes=(2,),
            seconds=15,
        )
        for base, flag, values in options
        for value in values
    ]
    cases += [
        case("points=abc", *RR, "--points", "abc", pattern="'abc' is not a whole number; use", codes=(2,)),
        case("resamples=1e3", *RR, "--resamples", "1e3", pattern="'1e3' is not a whole number", codes=(2,)),
        case(
            "constraint-100000-chars",
            *DECIDE,
            "--constraint",
            "m" * 99_990 + ">=0.5",
            pattern="at most 1,000 characters; this one has 99,995",
            seconds=10,
        ),
        case(
            "confidence=101",
            *DECIDE,
            "--constraint",
            "dp_ratio>=0.8",
            "--confidence",
            "101",
            pattern="should lie from 50% up to",
        ),
        case("confidence=40", *DECIDE, "--constraint", "dp_ratio>=0.8@40", pattern="should lie from 50%"),
        case(
            "weights=inf",
            *DECIDE,
            "--constraint",
            "dp_ratio>=0.8",
            "--weights",
            "accuracy=inf",
            pattern="should be a finite number",
        ),
        case("bound=nan", *DECIDE, "--constraint", "dp_ratio>=nan", pattern="should be a finite number"),
        case("constraint-no-operator", *DECIDE, "--constraint", "dp_ratio", pattern="should read METRIC OP"),
    ]
    return cases


def _file_cases() -> list[Case]:
    """Files that must be refused before (or while) they are read."""
    imp = ("import", "{project}")
    special = [
        ("fifo", "{files}/fifo.csv", "is a FIFO \\(named pipe\\), not a file"),
        ("dev-zero", "/dev/zero", "/dev/zero is a device, not a file"),
        ("dev-null", "/dev/null", "is a device, not a file"),
        ("empty-folder", "{files}/empty_folder", "holds no file that can be imported"),
        ("link-loop", "{files}/loop.csv", "is a symbolic link loop"),
        ("dangling-link", "{files}/dangling.csv", "is a symbolic link to .*, which does not exist"),
        ("missing", "{files}/missing.csv", "missing.csv does not exist"),
        ("empty-csv", "{files}/empty.csv", "empty"),
        ("truncated-csv", "{files}/truncated.csv", "never closed"),
        ("binary-csv", "{files}/binary.csv", "NUL bytes"),
        ("ragged-csv", "{files}/ragged.csv", "line 3: 1 fields where the header has 2.*ragged"),
        ("header-only-csv", "{files}/header_only.csv", "no data rows"),
        ("unknown-suffix", "{files}/data.xyz", "cannot be imported. Supported"),
        ("truncated-parquet", "{files}/truncated.parquet", "not a valid Parquet file"),
        ("random-parquet", "{files}/random.parquet", "not a valid Parquet file"),
        ("random-xlsx", "{files}/random.xlsx", "not a valid XLSX workbook"),
        ("json-40-lists", "{files}/deep_lists.json", "nested 41 levels deep; .* at most 16"),
        ("json-10000-objects", "{files}/deep_objects.ndjson", "nested over 1,000 levels deep"),
        ("json-1e400", "{files}/overflow.json", "the number 1e400, which is too large for a double"),
        ("ndjson-minus-1e400", "{files}/overflow.ndjson", "the number -1E\\+400, which is too large"),
        ("json-scalar", "{files}/scalar.json", "does not hold JSON records"),
        ("json-array-of-scalars", "{files}/scalars.json", "does not hold JSON records"),
        ("json-empty-array", "{files}/empty_array.json", "no (data )?rows|empty|nothing to import"),
        ("json-malformed", "{files}/malformed.json", "malformed JSON"),
        ("json-wrapped-records", "{files}/wrapped.json", "rather than records"),
        ("json-trailing-garbage", "{files}/garbage.json", "malformed JSON"),
        ("ndjson-mixed-shapes", "{files}/mixed.ndjson", "JSON"),
        ("ndjson-truncated-line", "{files}/truncated.ndjson", "malformed JSON"),
        ("ndjson-empty", "{files}/empty.ndjson", "empty|no (data )?rows|nothing to import"),
    ]
    cases = [case(name, *imp, path, pattern=pattern, seconds=20) for name, path, pattern in special]
    good = "{files}/good.csv"
    cases += [
        case(
            "delimiter-two-chars",
            *imp,
            good,
            "--delimiter",
            ",;",
            pattern="exactly one character .*; got ',;'",
        ),
        case("delimiter-empty", *imp, good, "--delimiter", "", pattern="exactly one character .*; got ''"),
        case("delimiter-quote", *imp, good, "--delimiter", '"', pattern="cannot be a delimiter"),
        case(
            "encoding-unknown",
            *imp,
            good,
            "--encoding",
            "ebcdic",
            pattern="encoding 'ebcdic' is not supported",
        ),
        case(
            "types-injection", *imp, good, "--types", "a=INT); DROP TABLE x; --", pattern="is not a type name"
        ),
        case("types-unknown-column", *imp, good, "--types", "nope=INTEGER", pattern="has no column"),
    ]
    keys = [
        ("fifo", "{files}/fifo.csv", "is a FIFO"),
        ("dev-zero", "/dev/zero", "is a device"),
        ("folder", "{files}/empty_folder", "is a directory, not a file"),
        ("too-large", "{files}/big.key", "is 100,000 bytes; a key file is at most 65,536 bytes"),
        ("missing", "{files}/missing.key", "missing.key does not exist"),
        ("link-loop", "{files}/loop.csv", "symbolic link loop"),
        ("not-a-key", "{files}/good.csv", "is not a Tradeoff Studio recovery key"),
        ("binary", "{files}/binary.csv", "not UTF-8 text|not a Tradeoff Studio recovery key"),
    ]
    cases += [
        case(f"key-file-{name}", "info", "{project}", "--recovery-key-file", path, pattern=pattern)
        for name, path, pattern in keys
    ]
    return cases


def _name_cases() -> list[Case]:
    """Control characters in names reach the terminal escaped (\\x1b), never raw."""
    esc = "\x1b[2J\x1b[31m"
    shown = r"\\x1b\[2J\\x1b\[31m"
    return [
        case(
            "table",
            *GENERIC[:3],
            "--table",
            f"t{esc}",
            "--objective",
            "a:max",
            pattern=f"no table 't{shown}'",
        ),
        case("analysis", "candidates", "{project}", f"a{esc}", pattern=f"no analysis 'a{shown}'"),
        case("model-inspect", "models", "inspect", "{project}", f"m{esc}", pattern=shown),
        case(
            "score-model",
            "score",
            "{project}",
            "--model",
            f"m{esc}",
            "--table",
            "credit_applications",
            pattern=shown,
        ),
        case(
            "score-table-cr-lf",
            "score",
            "{project}",
            "--model",
            "credit_logreg",
            "--table",
            "t\r\nOK done",
            pattern=r"t\\x0d",
        ),
        case("constraint-metric", *DECIDE, "--constraint", f"m{esc}>=1", pattern=f"'m{shown}'"),
        case(
            "bidi-analysis",
            "decide",
            "{project}",
            "a\u202egnp.exe",
            "--candidate",
            "x",
            "--rationale",
            f"r{esc}",
            pattern=r"a\\u202egnp",
        ),
        case(
            "import-missing", "import", "{project}", f"{{files}}/e{esc}.csv", pattern=f"e{shown}.csv does not"
        ),
        case(
            "import-ragged",
            "import",
            "{project}",
            "{files}/r\x1b]0;title\x07.csv",
            pattern=r"r\\x1b\]0;title\\x07",
        ),
        case(
            "import-table-name",
            "import",
            "{project}",
            "{files}/ragged.csv",
            "--table",
            f"x{esc}",
            pattern="ragged",
        ),
        case(
            "fairness-label",
            "analyze",
            "{project}",
            "fairness",
            "--table",
            "credit_applications",
            "--label",
            f"y{esc}",
            "--sensitive",
            "sex",
            "--score",
            "score_credit_gbt",
            pattern=shown,
        ),
        case("project-path", "info", f"{{files}}/p{esc}.tsproj", pattern=f"p{shown}.tsproj does not exist"),
        case(
            "types-column",
            "import",
            "{project}",
            "{files}/good.csv",
            "--types",
            f"c{esc}=INTEGER",
            pattern=f"c{shown}",
        ),
    ]


def _edit(sql: str, *params: object) -> object:
    def damage(path: Path) -> None:
        con = duckdb.connect(str(path))
        try:
            con.execute(sql, list(params))
        finally:
            con.close()

    damage.__name__ = sql[:40]
    return damage


def _truncate(keep: int | float) -> object:
    def damage(path: Path) -> None:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.truncate(int(size * keep) if isinstance(keep, float) else keep)

    return damage


def _overwrite(data: bytes) -> object:
    return lambda path: path.write_bytes(data)


def _project_cases() -> list[Case]:
    """Truncated and tampered projects: reported as damaged, never with DuckDB's internals."""
    damaged = "is damaged or not a Tradeoff Studio project|not a Tradeoff Studio project"
    catalog = "The project's catalog is damaged: "
    meta = "UPDATE _ts.meta SET value = ? WHERE key = 'schema_version'"
    as_text = (
        "ALTER TABLE _ts.decisions ALTER preferences TYPE VARCHAR; UPDATE _ts.decisions SET preferences = '{'"
    )
    damages = [
        ("truncated-0", _truncate(0), damaged),
        ("truncated-100", _truncate(100), damaged),
        ("truncated-4096", _truncate(4096), damaged),
        ("truncated-half", _truncate(0.5), damaged),
        # which table a cut lands in depends on the file's layout: any of these names the damage
        ("truncated-75pct", _truncate(0.75), f"{catalog}its table \\w+ cannot be read|{damaged}"),
        ("random-bytes", _overwrite(os.urandom(1 << 16)), damaged),
        ("text-file", _overwrite(b"name,value\n1,2\n"), damaged),
        ("schema-version-text", _edit(meta, "x"), catalog + "schema_version is 'x', expected a number"),
        (
            "schema-version-negative",
            _edit(meta, "-1"),
            catalog + "schema_version is -1, expected a number from 1",
        ),
        ("schema-version-newer", _edit(meta, "999"), "newer Tradeoff Studio"),
        ("schema-version-missing", _edit("DELETE FROM _ts.meta WHERE key = 'schema_version'"), "no catalog"),
        ("project-id-missing", _edit("DELETE FROM _ts.meta WHERE key = 'project_id'"), "no 'project_id'"),
        (
            "sources-invalid-json",
            _edit("UPDATE _ts.datasets SET sources = '{\"a\":1,}'"),
            catalog + "datasets '.*': field sources is not valid JSON",
        ),
        (
            "spec-wrong-shape",
            _edit("UPDATE _ts.analyses SET spec = '[]'"),
            catalog + "analyses '.*': field spec holds an array, expected a JSON object",
        ),
        (
            "preferences-not-json",
            _edit(as_text),
            catalog + "decisions '.*': field preferences is not valid JSON",
        ),
        ("manifest-null", _edit("UPDATE _ts.models SET manifest = 'null'"), "field manifest holds null"),
        (
            "audit-details-array",
            _edit("UPDATE _ts.audit SET details = '[1]'"),
            "field details holds an array",
        ),
        ("analyses-dropped", _edit("DROP TABLE _ts.analyses"), catalog + "its table analyses is missing"),
        ("catalog-dropped", _edit("DROP SCHEMA _ts CASCADE"), "no catalog"),
    ]
    cases = [
        case(f"info-{name}", "info", "{project}", damage=fn, pattern=pattern) for name, fn, pattern in damages
    ]
    checked = [
        ("truncated-half", _truncate(0.5), "database: the file is truncated"),
        (
            "truncated-90pct",
            _truncate(0.9),
            "cannot be read \\(the file is truncated|database: the file is truncated",
        ),
        ("schema-version-text", _edit(meta, "x"), "catalog: schema_version is 'x', expected a number"),
        (
            "sources-invalid-json",
            _edit("UPDATE _ts.datasets SET sources = '{\"a\":1,}'"),
            "catalog: datasets '.*': field sources is not valid JSON",
        ),
        (
            "model-bytes-swapped",
            _edit("UPDATE _ts.models SET onnx = 'x'::BLOB WHERE name = 'credit_mlp'"),
            "model 'credit_mlp': its stored bytes have SHA-256 2d711642",
        ),
        (
            "input-table-dropped",
            _edit("DROP TABLE main.ope_results"),
            "analysis 'ope-shortlist': its input table 'ope_results' is missing",
        ),
        (
            "candidates-dropped",
            _edit("UPDATE _ts.analyses SET candidates_table = 'gone' WHERE name = 'llm-routing'"),
            "analysis 'llm-routing': its candidates table is missing",
        ),
        (
            "decision-orphaned",
            _edit("UPDATE _ts.decisions SET analysis = 'gone' WHERE analysis = 'ope-shortlist'"),
            "decision '.*': its analysis 'gone' is not in the project",
        ),
        (
            "score-model-missing",
            _edit("DELETE FROM _ts.models WHERE name = 'credit_gbt'"),
            "score column 'score_credit_gbt': its model 'credit_gbt' is not in the project",
        ),
        (
            "row-count-edited",
            _edit("UPDATE _ts.datasets SET row_count = 7 WHERE table_name = 'ope_results'"),
            "dataset 'ope_results': the catalog records 7 rows, the table has 164",
        ),
    ]
    cases += [
        case(f"check-{name}", "check", "{project}", damage=fn, pattern=pattern, codes=(1,))
        for name, fn, pattern in checked
    ]
    cases += [
        case("project-is-fifo", "info", "{files}/fifo.csv", pattern="is a FIFO \\(named pipe\\), not a file"),
        case("project-is-folder", "info", "{files}/empty_folder", pattern="is a directory, not a file"),
        case("project-is-device", "info", "/dev/zero", pattern="is a device, not a file"),
    ]
    return cases


CATEGORIES = {
    "bounds": _bounds_cases(),
    "files": _file_cases(),
    "names": _name_cases(),
    "projects": _project_cases(),
}
ALL = [(category, item) for category, items in CATEGORIES.items() for item in items]


def _make_files(folder: Path) -> None:
    """The hostile files the cases name under ``{files}``."""
    folder.mkdir()
    os.mkfifo(folder / "fifo.csv")
    (folder / "empty_folder").mkdir()
    os.symlink(folder / "loop2.csv", folder / "loop.csv")
    os.symlink(folder / "loop.csv", folder / "loop2.csv")
    os.symlink(folder / "nowhere.csv", folder / "dangling.csv")
    texts = {
        "empty.csv": "",
        "truncated.csv": 'a,b\n1,"never closed\n2,3\n',
        "ragged.csv": "a,b\n1,2\n3\n",
        "r\x1b]0;title\x07.csv": "a,b\n1,2\n3\n",
        "header_only.csv": "a,b\n",
        "good.csv": "a,b\n1,2\n3,4\n",
        "data.xyz": "a\n1\n",
        "deep_lists.json": '{"a":' + "[" * 40 + "1" + "]" * 40 + "}\n",
        "deep_objects.ndjson": '{"a":' * 10_000 + "1" + "}" * 10_000 + "\n",
        "overflow.json": '[{"a": 1}, {"a": 1e400}]',
        "overflow.ndjson": '{"a": 2}\n{"a": -1E+400}\n',
        "scalar.json": "5",
        "scalars.json": "[1, 2, 3]",
        "empty_array.json": "[]",
        "malformed.json": '[{"a":',
        "wrapped.json": '{"rows": [{"a": 1}, {"a": 2}]}',
        "garbage.json": '[{"a": 1}] xyz',
        "mixed.ndjson": '{"a": 1}\n[1, 2]\n"text"\n',
        "truncated.ndjson": '{"a": 1}\n{"a": ',
        "empty.ndjson": "",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (folder / "big.key").write_bytes(b"TSK1-" + b"A" * 99_995)
    (folder / "random.parquet").write_bytes(os.urandom(4096))
    (folder / "random.xlsx").write_bytes(os.urandom(4096))
    con = duckdb.connect()
    con.execute(f"COPY (SELECT range AS a FROM range(1000)) TO '{folder / 'whole.parquet'}' (FORMAT parquet)")
    whole = (folder / "whole.parquet").read_bytes()
    (folder / "truncated.parquet").write_bytes(whole[: len(whole) // 2])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """The demo project (datasets, models, score columns, analyses, decisions) and the hostile files."""
    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(root / "demo-home"))
        project = ensure_demo_project()
    _make_files(root / "files")
    yield project, root / "files", root


@pytest.fixture(scope="module")
def outcomes(prepared: tuple[Path, Path, Path]) -> dict[str, dict[str, Outcome]]:
    """Every category's cases, run once per module (one subprocess per category)."""
    project, files, root = prepared
    results = {}
    for category, cases in CATEGORIES.items():
        work = root / f"run-{category}"
        work.mkdir()
        results[category] = run_cases(cases, project, files, work, timeout=60 + 20 * len(cases))
    return results


def test_there_are_enough_cases() -> None:
    assert len(ALL) >= 80
    assert len({item.id for _, item in ALL}) == len(ALL)


@pytest.mark.parametrize(("category", "item"), ALL, ids=[f"{category}-{item.id}" for category, item in ALL])
def test_hostile_input_is_refused_cleanly(
    outcomes: dict[str, dict[str, Outcome]], category: str, item: Case
) -> None:
    verdict(item, outcomes[category][item.id])


def test_check_passes_on_the_demo_project(prepared: tuple[Path, Path, Path]) -> None:
    project, _files, _root = prepared
    result = cli("check", project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sound (" in result.stdout and "3 models" in result.stdout and "5 analyses" in result.stdout
    report = json.loads(cli("check", project, "--json").stdout)
    assert report["sound"] is True and report["problems"] == []
    assert report["checked"]["decisions"] == 5


def test_check_names_every_kind_of_damage_at_once(prepared: tuple[Path, Path, Path], tmp_path: Path) -> None:
    project, _files, _root = prepared
    copy = tmp_path / "damaged.tsproj"
    shutil.copyfile(project, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE _ts.meta SET value = 'x' WHERE key = 'schema_version'")
    con.execute("UPDATE _ts.models SET onnx = 'swapped'::BLOB WHERE name = 'credit_logreg'")
    con.execute("DROP TABLE main.model_portfolios")
    con.execute("UPDATE _ts.decisions SET candidate_id = 'nobody' WHERE analysis = 'llm-routing'")
    con.execute("UPDATE _ts.analyses SET spec = '\"text\"' WHERE name = 'ope-shortlist'")
    con.close()
    result = cli("check", copy)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.strip().splitlines()
    expected = [
        "catalog: schema_version is 'x', expected a number",
        "catalog: analyses 'ope-shortlist': field spec holds a string, expected a JSON object",
        "dataset 'model_portfolios': its table is missing",
        "analysis 'multi-asset-frontier': its input table 'model_portfolios' is missing",
        "decision '",
        "model 'credit_logreg': its stored bytes have SHA-256 ",
    ]
    for text in expected:
        assert any(text in line for line in lines), (text, lines)
    assert any(
        "its candidate 'nobody' is not among the candidates of analysis 'llm-routing'" in x for x in lines
    )
    assert all(line.startswith(f"{copy}: ") for line in lines)
    report = json.loads(cli("check", copy, "--json").stdout)
    assert report["sound"] is False and len(report["problems"]) == len(lines)
