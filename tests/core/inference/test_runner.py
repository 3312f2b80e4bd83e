"""Scoring a table: exact alignment, catalog and audit, refusals, cancellation and failures."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from support.onnx_builders import (
    create_table,
    feature_metadata,
    features_by_id,
    grade_is_a,
    logistic,
    lookup,
    scores_by_id,
    summed,
)
from tradeoff_studio.core import audit
from tradeoff_studio.core.errors import CancelledError, ModelError, NameInUseError, NotFoundError
from tradeoff_studio.core.inference.providers import working_providers
from tradeoff_studio.core.inference.registry import add_model, get_model, model_bytes
from tradeoff_studio.core.inference.runner import score_table
from tradeoff_studio.core.jobs import CancelToken
from tradeoff_studio.core.project import Project
from tradeoff_studio.core.sql import ident

ROWS = 50_000
FEATURES = ["age", "income", "debt"]
SaveModel = Callable[[onnx.ModelProto, str], Path]
State = Callable[[Project], dict[str, object]]


@pytest.fixture
def loans(project: Project, save_model: SaveModel) -> Project:
    """A project with a shuffled 50k-row table ``loans`` and the logistic model ``lr``."""
    create_table(project, "loans", ROWS)
    add_model(project, save_model(logistic(FEATURES), "lr"))
    return project


def _direct(
    project: Project, model: str, feeds: dict[str, np.ndarray], output: str = "probabilities"
) -> np.ndarray:
    """What onnxruntime itself returns for the whole table at once, as float64 of column 1."""
    session = ort.InferenceSession(model_bytes(project, model), providers=["CPUExecutionProvider"])
    values = session.run([output], feeds)[0]
    return values[:, 1].astype(np.float64)


def test_scores_match_onnxruntime_bit_for_bit_despite_shuffled_rows(loans: Project) -> None:
    ids = loans.con.execute("SELECT id FROM loans LIMIT 1000").to_arrow_table().column(0).to_numpy()
    assert not np.all(np.diff(ids) > 0)  # storage order is not id order
    record = score_table(loans, model="lr", table="loans", provider="cpu", batch_rows=4096)
    columns = features_by_id(loans, "loans", FEATURES)
    expected = _direct(
        loans, "lr", {name: values.reshape(-1, 1) for name, values in zip(FEATURES, columns, strict=True)}
    )
    assert np.array_equal(scores_by_id(loans, "loans", "score_lr"), expected)
    assert loans.columns("loans")[-1] == ("score_lr", "DOUBLE")
    assert (record.table_name, record.column_name, record.model_output) == (
        "loans",
        "score_lr",
        "probabilities[:,1]",
    )
    assert (record.provider, record.row_count) == ("CPUExecutionProvider", ROWS)


def test_matrix_input_scores_match(loans: Project, save_model: SaveModel) -> None:
    model = logistic(FEATURES, matrix=True, metadata=feature_metadata(FEATURES))
    add_model(loans, save_model(model, "lr_matrix"))
    score_table(loans, model="lr_matrix", table="loans", batch_rows=10_000)
    expected = _direct(loans, "lr_matrix", {"X": np.column_stack(features_by_id(loans, "loans", FEATURES))})
    assert np.array_equal(scores_by_id(loans, "loans", "score_lr_matrix"), expected)


def test_catalog_row_and_audit_entry(loans: Project) -> None:
    record = score_table(loans, model="lr", table="loans", output_column="p_default", provider="cpu")
    row = loans.con.execute(
        "SELECT table_name, column_name, model_name, model_sha256, model_output, input_mapping, provider, "
        "row_count, seconds FROM _ts.score_columns"
    ).fetchall()
    sha = get_model(loans, "lr").sha256
    assert len(row) == 1
    assert row[0][:5] == ("loans", "p_default", "lr", sha, "probabilities[:,1]")
    assert json.loads(row[0][5]) == record.input_mapping.to_dict()
    assert row[0][6:8] == ("CPUExecutionProvider", ROWS) and row[0][8] == pytest.approx(record.seconds)
    entry = audit.entries(loans.con)[-1]
    assert (entry.action, entry.subject, entry.input_sha256) == ("score", "loans.p_default", sha)
    stored = (
        loans.con.execute("SELECT p_default FROM loans ORDER BY rowid").to_arrow_table().column(0).to_numpy()
    )
    assert entry.output_sha256 == hashlib.sha256(stored.astype("<f8").tobytes()).hexdigest()
    assert entry.details["provider"] == "CPUExecutionProvider" and entry.details["rows"] == ROWS
    assert json.loads(json.dumps(record.to_dict()))["column"] == "p_default"


def test_existing_column_unknown_table_and_model_are_refused(loans: Project, state: State) -> None:
    score_table(loans, model="lr", table="loans")
    before = state(loans)
    with pytest.raises(NameInUseError, match=r"Table 'loans' already has a column 'score_lr'.*--output NAME"):
        score_table(loans, model="lr", table="loans")
    with pytest.raises(NameInUseError, match="already has a column 'age'"):
        score_table(loans, model="lr", table="loans", output_column="AGE")
    with pytest.raises(NotFoundError, match=r"No table named 'lones' in the project. Tables: loans\."):
        score_table(loans, model="lr", table="lones")
    with pytest.raises(NotFoundError, match=r"No model named 'gbt' in the project. Models: lr\."):
        score_table(loans, model="gbt", table="loans")
    assert state(loans) == before


def test_null_inputs_are_refused_before_scoring(loans: Project, state: State) -> None:
    loans.con.execute("UPDATE loans SET income = NULL WHERE id % 1000 = 7")
    before = state(loans)
    with pytest.raises(ModelError) as caught:
        score_table(loans, model="lr", table="loans")
    message = str(caught.value)
    assert "column 'income' has 50 NULL rows (of 50,000 rows)" in message
    assert "Filter those rows out" in message and "impute" in message
    assert "'age'" not in message
    assert state(loans) == before


def test_cancel_after_the_second_batch_writes_nothing(loans: Project, state: State) -> None:
    before = state(loans)
    token = CancelToken()
    batches = []

    def progress(_fraction: float, message: str) -> None:
        if message.startswith("Scored"):
            batches.append(message)
            if len(batches) == 2:
                token.cancel()

    with pytest.raises(CancelledError):
        score_table(loans, model="lr", table="loans", batch_rows=5_000, progress=progress, cancel=token)
    assert len(batches) == 2
    assert state(loans) == before


def test_cancel_from_another_thread_mid_run_writes_nothing(loans: Project, state: State) -> None:
    before = state(loans)
    token = CancelToken()
    started = threading.Event()
    reports = []

    def progress(fraction: float, _message: str) -> None:
        reports.append(fraction)
        started.set()
        if len(reports) == 5:  # never finish before the cancel lands, wherever it lands in batches 1-5
            assert wait_until(lambda: token.cancelled)

    def cancel_once_started() -> None:
        started.wait(30)
        token.cancel()

    canceller = threading.Thread(target=cancel_once_started)
    canceller.start()
    with pytest.raises(CancelledError):
        score_table(loans, model="lr", table="loans", batch_rows=500, progress=progress, cancel=token)
    canceller.join()
    assert state(loans) == before


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    return condition()


def test_cancelled_before_start_writes_nothing(loans: Project, state: State) -> None:
    before = state(loans)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        score_table(loans, model="lr", table="loans", cancel=token)
    assert state(loans) == before


def test_model_failure_mid_run_writes_nothing(project: Project, save_model: SaveModel, state: State) -> None:
    project.con.execute(
        "CREATE TABLE codes AS SELECT id, CASE WHEN id = 25000 THEN 99 ELSE id % 10 END AS code "
        "FROM range(50000) r(id)"
    )
    add_model(project, save_model(lookup(), "lookup"))
    before = state(project)
    reports: list[float] = []
    with pytest.raises(ModelError) as caught:
        score_table(
            project, model="lookup", table="codes", batch_rows=4096, progress=lambda f, _m: reports.append(f)
        )
    assert "Model 'lookup' failed on rows 24,577-28,672 of table 'codes'" in str(caught.value)
    assert "Nothing was written" in str(caught.value)
    assert max(reports) > 0.4  # earlier batches had been scored
    assert state(project) == before


def test_failure_inside_the_write_transaction_rolls_back(loans: Project, state: State) -> None:
    before = state(loans)

    def progress(_fraction: float, message: str) -> None:
        if message.startswith("Recording"):  # the column is added and filled by now, not committed
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        score_table(loans, model="lr", table="loans", progress=progress)
    assert state(loans) == before
    score_table(loans, model="lr", table="loans")  # and the project is still usable
    assert loans.columns("loans")[-1] == ("score_lr", "DOUBLE")


def test_output_with_one_value_per_batch_is_refused(
    project: Project, save_model: SaveModel, state: State
) -> None:
    project.con.execute("CREATE TABLE xs AS SELECT i / 10.0 AS x FROM range(100) r(i)")
    add_model(project, save_model(summed(), "total"))
    before = state(project)
    with pytest.raises(ModelError, match="returned 1 values of score for 100 rows 1-100"):
        score_table(project, model="total", table="xs")
    assert state(project) == before


def test_cuda_request_without_cuda_writes_nothing(loans: Project, state: State) -> None:
    if "CUDAExecutionProvider" in working_providers():
        pytest.skip("CUDA works on this machine")
    before = state(loans)
    with pytest.raises(ModelError, match="CUDA was requested"):
        score_table(loans, model="lr", table="loans", provider="cuda")
    assert state(loans) == before


def test_string_and_integer_inputs_and_hostile_names(project: Project, save_model: SaveModel) -> None:
    table = 'we"ird ta;ble'
    project.con.execute(
        f"CREATE TABLE {ident(table)} AS SELECT id, CASE WHEN id % 3 = 0 THEN 'A' ELSE 'B' END AS grade, "
        "id % 10 AS code FROM range(1000) r(id) ORDER BY hash(id)"
    )
    add_model(project, save_model(grade_is_a(), "grade"), name='it\'s "A"')
    add_model(project, save_model(lookup(), "lookup"))
    record = score_table(project, model='it\'s "A"', table='WE"IRD TA;BLE')
    assert (record.table_name, record.column_name) == (table, 'score_it\'s "A"')
    score_table(project, model="lookup", table=table)
    rows = project.con.execute(
        f"SELECT id, {ident(record.column_name)}, score_lookup FROM {ident(table)} ORDER BY id"
    ).fetchall()
    assert [score for _id, score, _ in rows] == [1.0 if i % 3 == 0 else 0.0 for i in range(1000)]
    expected = np.linspace(0.0, 0.9, 10, dtype=np.float32).astype(np.float64)
    assert [lookup_score for *_, lookup_score in rows] == [expected[i % 10] for i in range(1000)]


def test_rowid_column_and_empty_table(project: Project, save_model: SaveModel) -> None:
    add_model(project, save_model(logistic(FEATURES), "lr"))
    project.con.execute("CREATE TABLE hidden AS SELECT 1 AS rowid, 1.0 AS age, 2.0 AS income, 3 AS debt")
    with pytest.raises(ModelError, match="has a column named 'rowid'"):
        score_table(project, model="lr", table="hidden")
    project.con.execute("CREATE TABLE empty AS SELECT 1.0 AS age, 2.0 AS income, 3 AS debt LIMIT 0")
    with pytest.raises(ModelError, match="'ROWID' cannot name a score column"):
        score_table(project, model="lr", table="empty", output_column="ROWID")
    record = score_table(project, model="lr", table="empty")
    assert record.row_count == 0
    assert project.columns("empty")[-1] == ("score_lr", "DOUBLE")
