"""Score a table with a model into a new DOUBLE column, atomically.

Rows stream out of DuckDB as NumPy batches on a cursor (:mod:`.batches`: Arrow, or pandas chunks), together
with their ``rowid``; a worker thread reads the next batch while onnxruntime scores the current
one (onnxruntime releases the GIL). Only the row ids and scores are kept in memory (16 bytes a
row). The column is then added and filled by joining on ``rowid`` in one transaction with its
catalog row and audit entry, so the result is aligned whatever order DuckDB's parallel scan produced, and a
cancelled, failed or killed run leaves the project as it was.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from ..analyses.where import source_sql  # --where on model-variants
from ..errors import CancelledError, ModelError, NameInUseError, NotFoundError, ProjectError
from ..jobs import CancelToken, Progress, no_progress, scaled
from ..project import Project
from ..sql import ident
from .batches import Batch, query_batches
from .mapping import InputMapping, OutputSpec, Overrides, choose_output, map_inputs
from .prefetch import prefetched
from .providers import create_session
from .registry import StoredModel, load_model
from .score_columns import ScorePlan, ScoreRecord, table_changed, write_score_column

if TYPE_CHECKING:
    import onnxruntime

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "ScoreRecord",
    "count_rows_without_nulls",
    "resolve_table",
    "score_table",
    "selected_scores",
    "session_bytes",
]

# Whole score_table seconds for 1M demo rows at 16k / 64k / 128k rows a batch (2 vCPUs, median of 3):
# logistic regression 0.293 / 0.262 / 0.270, MLP 0.307 / 0.299 / 0.319, trees 2.81 / 2.78 / 2.82.
DEFAULT_BATCH_ROWS = 65_536


def score_table(
    project: Project,
    *,
    model: str,
    table: str,
    output_column: str | None = None,
    provider: str = "auto",
    mapping_overrides: Overrides | None = None,
    output_name: str | None = None,
    class_index: int | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    class_label: str | None = None,
) -> ScoreRecord:
    """Score every row of ``table`` with ``model`` into the new DOUBLE column ``output_column``.

    The column defaults to ``score_<model>``. Inputs are mapped by :func:`map_inputs` (with
    ``mapping_overrides``), the stored output is chosen by :func:`choose_output`, the session
    runs on ``provider`` (see :func:`create_session`). The stored bytes are verified against
    their SHA-256 first (:func:`load_model`). Raises :class:`NotFoundError`,
    :class:`NameInUseError`, :class:`ModelError` or :class:`CancelledError`; then nothing is written.
    """
    started = time.perf_counter()
    token = cancel or CancelToken()
    stored = load_model(project, model)
    output = choose_output(stored.manifest, output_name, class_index, model=model, class_label=class_label)
    plan = _plan(project, stored, table=table, output_column=output_column, overrides=mapping_overrides,
                 output=output)  # fmt: skip
    progress(0.0, f"Loading model '{plan.model.name}'")
    label = f"model '{plan.model.name}'"
    session, used = create_session(session_bytes(stored, plan.output), provider, label=label)
    token.raise_if_cancelled()
    rowids, scores = _score_batches(
        project, plan, session, batch_rows=batch_rows, progress=scaled(progress, 0.0, 0.95), cancel=token
    )
    return write_score_column(
        project, plan, rowids, scores, provider=used, started=started, progress=progress, cancel=token
    )


def session_bytes(stored: StoredModel, output: OutputSpec) -> bytes:
    """The bytes a session is made from: the verified stored bytes, with a ZipMap's tensor exposed."""
    if not output.is_zipmap:
        return stored.data
    from .zipmap import exposing  # imports onnx, which costs seconds: only for a ZipMap output

    return bytes(exposing(stored.model, output.fetched).SerializeToString())


def _plan(
    project: Project,
    stored: StoredModel,
    *,
    table: str,
    output_column: str | None,
    overrides: Overrides | None,
    output: OutputSpec,
) -> ScorePlan:
    table_name = resolve_table(project, table)
    record = stored.record
    columns = project.columns(table_name)
    column = f"score_{record.name}" if output_column is None else output_column
    _check_new_column(table_name, column, [name for name, _type in columns])
    mapping = map_inputs(stored.manifest, columns, model=record.name, table=table_name, overrides=overrides)
    rows = count_rows_without_nulls(project, table_name, mapping, record.name)
    return ScorePlan(table_name, column, record, mapping, output, rows)


def resolve_table(project: Project, table: str) -> str:
    """The table's stored name (DuckDB names are case-insensitive); NotFoundError lists the tables."""
    tables = project.tables()
    if table in tables:
        return table
    folded = [name for name in tables if name.casefold() == table.casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(tables) if tables else "none yet; import a data file first"
    raise NotFoundError(f"No table named '{table}' in the project. Tables: {listed}.")


def _check_new_column(table: str, column: str, existing: list[str]) -> None:
    if not column.strip() or "\x00" in column or column.casefold() == "rowid":
        raise ModelError(f"'{column}' cannot name a score column. Choose another name with --output.")
    taken = [name for name in existing if name.casefold() == column.casefold()]
    if taken:
        raise NameInUseError(
            f"Table '{table}' already has a column '{taken[0]}'. Choose another name for the score "
            "column with --output NAME."
        )
    if any(name.casefold() == "rowid" for name in existing):
        raise ModelError(
            f"Table '{table}' has a column named 'rowid', which hides the row identifier that aligns "
            "scores with rows. Rename that column (or copy the table without it) and score again."
        )


def count_rows_without_nulls(project: Project, table: str, mapping: InputMapping, model: str) -> int:
    """The table's row count, after checking (in one query) that no mapped column holds NULLs."""
    columns = mapping.columns
    nulls = ", ".join(f"count(*) - count({ident(column)})" for column in columns)
    row = project.con.execute(f"SELECT count(*), {nulls} FROM {source_sql(project, table)}").fetchone()
    assert row is not None
    counts = [(column, int(count)) for column, count in zip(columns, row[1:], strict=True) if count]
    if counts:
        listed = "; ".join(f"column '{column}' has {count:,} NULL rows" for column, count in counts)
        raise ModelError(
            f"Table '{table}' cannot be scored with model '{model}': {listed} (of {int(row[0]):,} rows). "
            "Filter those rows out into a new table, or impute the missing values, then score again."
        )
    return int(row[0])


def _select_sql(plan: ScorePlan) -> tuple[str, list[list[int]]]:
    """The streaming query, and for each input the positions of its columns in each batch."""
    positions: dict[tuple[str, str], int] = {}
    per_input = []
    for binding in plan.mapping.bindings:
        keys = [(column, binding.sql_type) for column in binding.columns]
        for key in keys:
            positions.setdefault(key, len(positions) + 1)
        per_input.append([positions[key] for key in keys])
    casts = ", ".join(f"CAST({ident(column)} AS {sql_type})" for column, sql_type in positions)
    return f"SELECT rowid, {casts} FROM {plan.source}", per_input


def _score_batches(
    project: Project,
    plan: ScorePlan,
    session: onnxruntime.InferenceSession,
    *,
    batch_rows: int,
    progress: Progress,
    cancel: CancelToken,
) -> tuple[np.ndarray, np.ndarray]:
    """Row ids and scores of every row, read and scored batch by batch."""
    rowids, scores = np.empty(plan.rows, np.int64), np.empty(plan.rows, np.float64)
    batch_scorer = _BatchScorer(plan, session, cancel)
    cursor = project.con.cursor()
    unhooks = [cancel.on_cancel(batch_scorer.terminate), cancel.on_cancel(cursor.interrupt)]
    done = 0
    try:
        reader = query_batches(cursor.execute(batch_scorer.sql), batch_rows)
        with prefetched(reader) as batches:
            for batch in batches:
                cancel.raise_if_cancelled()
                end = done + batch.num_rows
                if end > plan.rows:
                    raise table_changed(plan)
                rowids[done:end] = batch.column(0)
                scores[done:end] = batch_scorer.scores(batch, done)
                done = end
                progress(done / max(plan.rows, 1), f"Scored {done:,} of {plan.rows:,} rows")
    except duckdb.InterruptException:
        if cancel.cancelled:
            raise CancelledError() from None
        raise ProjectError(f"Reading table '{plan.table}' was interrupted. Nothing was written.") from None
    finally:
        for unhook in unhooks:
            unhook()
        cursor.close()
    if done != plan.rows:
        raise table_changed(plan)
    return rowids, scores


class _BatchScorer:
    """Runs the session on one record batch at a time; :meth:`terminate` aborts the running batch."""

    def __init__(self, plan: ScorePlan, session: onnxruntime.InferenceSession, cancel: CancelToken) -> None:
        import onnxruntime as ort

        self.plan = plan
        self.session = session
        self.cancel = cancel
        self.run_options = ort.RunOptions()
        self.sql, self.positions = _select_sql(plan)

    def terminate(self) -> None:
        """Make onnxruntime abandon the batch it is running (called from the cancelling thread)."""
        self.run_options.terminate = True

    def scores(self, batch: Batch, first_row: int) -> np.ndarray:
        """The scores of one batch whose first row is row ``first_row`` of the scan."""
        plan = self.plan
        feeds = {
            binding.input_name: binding.tensor([batch.column(i) for i in where])
            for binding, where in zip(plan.mapping.bindings, self.positions, strict=True)
        }
        rows = f"rows {first_row + 1:,}-{first_row + batch.num_rows:,} of table '{plan.table}'"
        try:
            values = self.session.run([plan.output.fetched], feeds, self.run_options)[0]
        except Exception as error:  # onnxruntime's pybind errors share no base below Exception
            if self.cancel.cancelled:
                raise CancelledError() from None
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelError(
                f"Model '{plan.model.name}' failed on {rows}: {text}. Nothing was written."
            ) from None
        return selected_scores(plan.output, plan.model.name, np.asarray(values), batch.num_rows, rows)


def selected_scores(output: OutputSpec, model: str, values: np.ndarray, count: int, rows: str) -> np.ndarray:
    """The chosen output column of one batch of ``count`` rows (``rows`` describes them in errors)."""
    index = output.class_index
    name, selector = output.name, output.describe()
    if values.ndim not in (1, 2) or (values.ndim == 2 and index is not None and index >= values.shape[1]):
        raise ModelError(
            f"Model '{model}' returned {name} with shape {list(values.shape)} on {rows}, which "
            f"has no {selector}. Choose another --model-output or --class-index."
        )
    selected = output.select(values)
    if len(selected) != count:
        raise ModelError(
            f"Model '{model}' returned {len(selected):,} values of {selector} for {count:,} "
            f"{rows}; a score output needs one value per row."
        )
    return selected
