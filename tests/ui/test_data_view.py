"""The data view offscreen: a 10M-row table scrolled to its end, SQL sort and filter, column statistics,
column roles with undo, kept across a reopen; a bad role is refused by name and changes nothing."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from support.dataview_tables import TAGS, make_big, make_people
from tradeoff_studio.core.data.paging import BLOCK_ROWS
from tradeoff_studio.core.project import Project, create_project, open_project
from tradeoff_studio.ui.data_model import CACHE_BLOCKS, PLACEHOLDER
from tradeoff_studio.ui.data_view import DataView

BIG_ROWS = 10_000_000
PEOPLE_ROWS = 2_345
Row = tuple[str, ...]


@pytest.fixture(scope="session")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a 10M-row table, built once per session by SQL."""
    path = tmp_path_factory.mktemp("big") / "big.tsproj"
    with create_project(path) as project:
        make_big(project, BIG_ROWS)
    return path


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[DataView]:
    shown = DataView()
    qtbot.addWidget(shown)
    shown.resize(1200, 700)
    shown.show()
    yield shown
    shown.close_table()


@pytest.fixture
def people(project: Project, view: DataView) -> Project:
    make_people(project, PEOPLE_ROWS)
    view.show_table(project, "people")
    return project


def row_text(view: DataView, row: int) -> Row:
    return tuple(str(view.model.cell_text(row, column)) for column in range(view.model.columnCount()))


def shown_row(qtbot: QtBot, view: DataView, row: int) -> Row:
    """Scroll ``row`` into view and wait for its cells."""
    view.view.scrollTo(view.model.index(row, 0))
    qtbot.waitUntil(lambda: PLACEHOLDER not in row_text(view, row), timeout=30_000)
    return row_text(view, row)


def shown_rows(qtbot: QtBot, view: DataView) -> list[Row]:
    """Every row as the view shows it, block by block."""
    rows: list[Row] = []
    total = view.model.rowCount()
    for block in range(math.ceil(total / BLOCK_ROWS)):
        first, last = block * BLOCK_ROWS, min((block + 1) * BLOCK_ROWS, total) - 1
        shown_row(qtbot, view, first)
        shown_row(qtbot, view, last)
        rows += [row_text(view, row) for row in range(first, last + 1)]
    return rows


def stored_rows(project: Project) -> list[tuple[object, ...]]:
    return project.con.execute("SELECT * FROM people ORDER BY rowid").fetchall()


def as_text(row: tuple[object, ...]) -> Row:
    return tuple("" if value is None else str(value) for value in row)


def click_header(qtbot: QtBot, view: DataView, column: int) -> None:
    header = view.view.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(column) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)


@pytest.mark.slow
def test_open_10m_rows_and_scroll_to_its_end(qtbot: QtBot, big_project: Path, view: DataView) -> None:
    with open_project(big_project) as project:
        view.show_table(project, "big")
        assert view.model.rowCount() == BIG_ROWS
        assert view.status.text() == "big: 10,000,000 rows × 3 columns"
        view.view.scrollToBottom()
        last = BIG_ROWS - 1
        qtbot.waitUntil(lambda: PLACEHOLDER not in row_text(view, last), timeout=30_000)
        assert row_text(view, last) == ("9999999", "4999999.5", TAGS[last % 4])
        assert view.view.rowAt(view.view.viewport().height() - 1) in {last, -1}
        assert view.model.headerData(last, Qt.Orientation.Vertical) == "10,000,000"
        middle = 5_000_123
        assert shown_row(qtbot, view, middle) == ("5000123", "2500061.5", TAGS[middle % 4])
        assert len(view.model.cached_blocks()) <= CACHE_BLOCKS
        view.close_table()


def test_sort_by_header_click_agrees_with_sql(qtbot: QtBot, people: Project, view: DataView) -> None:
    income = 3
    with qtbot.waitSignal(view.view_ready, timeout=30_000):
        click_header(qtbot, view, income)
    descending = view.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    rows = stored_rows(people)
    sign = -1 if descending else 1
    order = sorted(
        range(len(rows)), key=lambda i: (rows[i][income] is None, sign * (rows[i][income] or 0), i)
    )
    assert shown_rows(qtbot, view) == [as_text(rows[i]) for i in order]
    assert "sorted by 'income'" in view.status.text()
    with qtbot.waitSignal(view.view_ready, timeout=30_000):
        view.unsort_button.click()
    assert shown_rows(qtbot, view) == [as_text(row) for row in rows]


def test_filter_box_agrees_with_sql_and_keeps_the_sort(qtbot: QtBot, people: Project, view: DataView) -> None:
    with qtbot.waitSignal(view.view_ready, timeout=30_000):
        view.sort_by("score", descending=False)
    qtbot.keyClicks(view.filter_edit, "sex = 'F' AND income > 500")
    with qtbot.waitSignal(view.view_ready, timeout=30_000):
        qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)
    kept = [row for row in stored_rows(people) if row[2] == "F" and row[3] is not None and row[3] > 500]
    assert view.model.rowCount() == len(kept)
    assert shown_rows(qtbot, view) == [as_text(row) for row in sorted(kept, key=lambda row: row[7])]
    assert f"{len(kept):,} of {PEOPLE_ROWS:,} rows" in view.status.text()


def test_bad_filter_is_named_and_shows_every_row(qtbot: QtBot, people: Project, view: DataView) -> None:
    with qtbot.waitSignal(view.view_failed, timeout=30_000) as failed:
        view.apply_filter("salary > 3")
    assert "The filter 'salary > 3' cannot be evaluated on table 'people'" in failed.args[0]
    assert "Its columns: id (BIGINT)" in view.status.text()
    assert view.model.rowCount() == PEOPLE_ROWS
    assert shown_row(qtbot, view, 0) == as_text(stored_rows(people)[0])


def test_column_stats_equal_a_direct_query(qtbot: QtBot, people: Project, view: DataView) -> None:
    income = 3
    qtbot.mouseClick(
        view.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.view.visualRect(view.model.index(0, income)).center(),
    )
    qtbot.waitUntil(lambda: view.stats.distribution is not None, timeout=30_000)
    rows, nulls, distinct, low, high = people.con.execute(
        "SELECT count(*), count(*) - count(income), approx_count_distinct(income), min(income), max(income) "
        "FROM people"
    ).fetchone()
    shown = {field: label.text() for field, label in view.stats.values.items()}
    assert shown == {
        "type": "INTEGER",
        "rows": f"{rows:,}",
        "nulls": f"{nulls:,} ({nulls / rows:.1%})",
        "distinct": f"{distinct:,}",
        "min": str(low),
        "max": str(high),
    }
    width = (high - low) / 50
    bins = dict(
        people.con.execute(
            "SELECT least(floor((income - ?) / ?)::INT, 49), count(*) FROM people "
            "WHERE income IS NOT NULL GROUP BY 1",
            [low, width],
        ).fetchall()
    )
    assert view.stats.distribution.counts == [bins.get(index, 0) for index in range(50)]
    assert view.stats.bars is not None


def choose_role(view: DataView, column: str, role: str, value: str = "") -> None:
    """What a user does: type the favourable value, then pick the role in the column's combo."""
    view.roles.values[column].setText(value)
    view.roles.combos[column].setCurrentText(role)


def stored_roles(project: Project) -> list[tuple[object, ...]]:
    return project.con.execute(
        "SELECT column_name, role, value FROM _ts.column_roles WHERE table_name = 'people' ORDER BY ALL"
    ).fetchall()


def test_roles_set_undone_and_found_after_reopen(qtbot: QtBot, tmp_path: Path, view: DataView) -> None:
    path = tmp_path / "roles.tsproj"
    with create_project(path) as project:
        make_people(project, 300)
        view.show_table(project, "people")
        choose_role(view, "approved", "label", "yes")
        choose_role(view, "weight", "weight")
        choose_role(view, "income", "weight")  # the weight moves to 'income'
        assert stored_roles(project) == [("approved", "label", "yes"), ("income", "weight", None)]
        assert view.roles.combos["weight"].currentText() == "—"
        view.view.setFocus()
        qtbot.keyClick(view.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
        assert stored_roles(project) == [("approved", "label", "yes"), ("weight", "weight", None)]
        assert view.roles.combos["weight"].currentText() == "weight"
        assert view.model.headerData(4, Qt.Orientation.Horizontal) == "weight · weight"
        assert view.undo_stack.index() == 2
        view.close_table()
    with open_project(path) as project:
        view.show_table(project, "people")
        assert view.roles.combos["approved"].currentText() == "label"
        assert view.roles.values["approved"].text() == "yes"
        assert view.model.headerData(1, Qt.Orientation.Horizontal) == "approved · label"
        view.close_table()


def test_bad_role_is_named_and_changes_nothing(
    people: Project, view: DataView, state: Callable[[Project], dict[str, object]]
) -> None:
    choose_role(view, "sex", "sensitive")
    before = (state(people), stored_roles(people), view.undo_stack.count())
    choose_role(view, "city", "weight")
    assert view.status.text().startswith(
        "Column 'city' of table 'people' is VARCHAR (text), but a weight column must be"
    )
    assert (state(people), stored_roles(people), view.undo_stack.count()) == before
    assert view.roles.combos["city"].currentText() == "—"


def test_close_releases_the_project(tmp_path: Path, qtbot: QtBot, view: DataView) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        make_people(project, 700)
        view.show_table(project, "people")
        with qtbot.waitSignal(view.view_ready, timeout=30_000):
            view.sort_by("city")
        scratch = project.con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name LIKE 'dataview_%'"
        ).fetchone()[0]
        limited = project.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        view.close_table()
        assert "MiB" in limited
        assert "GiB" in project.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert not Path(scratch).exists()
    with open_project(path) as again:  # the lock went with the view's cursors
        assert again.row_count("people") == 700


def test_cancelled_stats_never_arrive(qtbot: QtBot, people: Project, view: DataView) -> None:
    gate = threading.Event()
    stats_lane = view._lanes["stats"]
    stats_lane.submit(lambda _cursor, _cancel, _post: gate.wait(10), slot="gate")  # keeps the lane busy
    view.show_stats("income")
    assert view.stats.values["type"].text() == "INTEGER" and view.stats.cancel_button.isVisible()
    view.stats.cancel_button.click()
    assert view.stats.title.text() == "Statistics cancelled." and not view.stats.cancel_button.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: not stats_lane.busy("gate"), timeout=10_000)
    QApplication.processEvents()
    assert view.stats.values["rows"].text() == "…" and view.stats.distribution is None  # nothing came
    view.show_stats("city")  # the next column still works
    qtbot.waitUntil(lambda: view.stats.distribution is not None, timeout=30_000)
    assert view.stats.distribution.kind == "top" and view.stats.values["rows"].text() == f"{PEOPLE_ROWS:,}"
    assert view.stats.title.text().startswith("Column 'city'")


def test_ctrl_z_is_the_windows_where_it_has_an_undo_group(qtbot: QtBot) -> None:
    from PySide6.QtGui import QUndoGroup
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    group = QUndoGroup(window)
    inner = DataView()
    window.setCentralWidget(inner)
    window.show()
    assert not any(action.isEnabled() for action in inner.undo_actions)  # the window's Edit ▸ Undo acts
    group.addStack(inner.undo_stack)
    group.setActiveStack(inner.undo_stack)
    assert group.activeStack() is inner.undo_stack
    alone = DataView()
    qtbot.addWidget(alone)
    alone.show()
    assert all(action.isEnabled() for action in alone.undo_actions)


def test_scratch_keeps_only_what_is_shown(qtbot: QtBot, people: Project, view: DataView) -> None:
    for step in (
        lambda: view.sort_by("income"),
        lambda: view.sort_by("city"),
        lambda: view.apply_filter("id > 5"),
    ):
        with qtbot.waitSignal(view.view_ready, timeout=30_000):
            step()
    qtbot.waitUntil(lambda: not view._lanes["view"].busy(None), timeout=10_000)
    held = people.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name LIKE 'dataview_%'"
    ).fetchall()
    assert len(held) == 1 and view.model.source is not None and held[0][0] in view.model.source.relation
    assert view.model.rowCount() == PEOPLE_ROWS - 6
