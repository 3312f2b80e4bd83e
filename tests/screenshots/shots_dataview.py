"""Screenshots of the data view (run by ``make_screenshots.py``): roles editor and column statistics,
then a filtered and sorted view. Roles are set through the editor as a user would, on a copy of the
demo project, so the demo's roles and audit trail stay as they were; the window gets the demo back."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from events import wait_until

TABLE = "credit_applications"
ROLES = [
    ("default", "label", "0"),
    ("sex", "sensitive", ""),
    ("ethnicity", "sensitive", ""),
    ("applicant_id", "id", ""),
    ("score_credit_gbt", "score", ""),
]


def _settle(seconds: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > deadline, seconds + 1)


def _select_table(window: object, table: str) -> None:
    from tradeoff_studio.ui.project_tree import ROLE

    tree = window.tree  # type: ignore[attr-defined]
    stack = [tree.topLevelItem(index) for index in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item.data(0, ROLE) == ("table", table):
            tree.setCurrentItem(item)
            return
        stack.extend(item.child(index) for index in range(item.childCount()))
    raise SystemExit(f"the demo project has no table {table!r}")


def _rows_shown(view: object) -> bool:
    from tradeoff_studio.ui.data_model import PLACEHOLDER

    return view.model.rowCount() > 0 and view.model.cell_text(0, 0) != PLACEHOLDER  # type: ignore[attr-defined]


def take(window: object, out: Path) -> list[Path]:
    """The data view on the demo's credit table: roles set, a score column's statistics; then filtered."""
    original = window.project.path  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="shots-dataview-") as folder:
        copy = Path(folder) / original.name
        shutil.copy2(original, copy)
        window.open_project(copy)  # type: ignore[attr-defined]
        try:
            return _shots(window, out)
        finally:
            window.open_project(original)  # type: ignore[attr-defined]


def _shots(window: object, out: Path) -> list[Path]:
    view = window.data_view  # type: ignore[attr-defined]
    _select_table(window, TABLE)
    wait_until(lambda: _rows_shown(view))
    for column, role, value in ROLES:
        view.roles.values[column].setText(value)
        view.roles.combos[column].setCurrentText(role)
    column = [name for name, _dtype in view.plain.columns].index("score_credit_gbt")
    view.view.setCurrentIndex(view.model.index(0, column))
    wait_until(lambda: view.stats.distribution is not None)
    view.view.horizontalScrollBar().setValue(0)  # the first columns, with their roles in the headers
    _settle()  # let the plot size its axes
    first = out / "dataview_roles_stats.png"
    window.grab().save(str(first))  # type: ignore[attr-defined]
    view.filter_edit.setText("sex = 'female' AND income > 50000")
    view.apply_filter(view.filter_edit.text())
    wait_until(lambda: not view.busy())
    view.sort_by("score_credit_gbt", descending=True)
    wait_until(lambda: not view.busy() and "sorted by" in view.status.text())
    wait_until(lambda: _rows_shown(view))
    _settle()
    second = out / "dataview_filtered_sorted.png"
    window.grab().save(str(second))  # type: ignore[attr-defined]
    return [first, second]
