"""A project seen through its own DuckDB cursor, for one background job (Qt-free).

A DuckDB connection runs one statement at a time, and ``interrupt()`` stops whatever it runs.
A job on its own cursor leaves the app's connection free for the window (a table preview while
an import runs), and Cancel interrupts that job only. The cursor shares the database instance,
so it sees the attached project and commits to it; changes become visible to the window's
connection when the job's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .project import ALIAS, Project


@contextmanager
def own_cursor(project: Project) -> Iterator[Project]:
    """A :class:`Project` on a fresh cursor of ``project``'s connection, closed afterwards.

    Do not close the yielded project (that would checkpoint); the cursor is closed on exit.
    """
    cursor = project.con.cursor()
    try:
        cursor.execute(f"USE {ALIAS}")
        yield Project(project.path, cursor, project.key)
    finally:
        cursor.close()
