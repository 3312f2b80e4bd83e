"""Tables for the data view and column-role tests, made by SQL in a project (fast, deterministic)."""

from __future__ import annotations

from tradeoff_studio.core.project import Project

TAGS = ["alpha", "beta", "gamma", "delta"]
PEOPLE_COLUMNS = ["id", "approved", "sex", "income", "weight", "city", "born", "score"]


def make_people(project: Project, rows: int = 1_000, table: str = "people") -> str:
    """A mixed-type table: ids, a yes/no label, a sensitive attribute, numbers with NULLs, text, dates.

    Values repeat (ties for sorting) and are a pure function of the row number.
    """
    project.con.execute(
        f"""CREATE TABLE "{table}" AS SELECT
            i::BIGINT AS id,
            CASE WHEN i % 3 = 0 THEN 'yes' ELSE 'no' END AS approved,
            CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END AS sex,
            CASE WHEN i % 10 = 7 THEN NULL ELSE (i * 37) % 1000 END::INTEGER AS income,
            ((i % 5) + 0.5)::DOUBLE AS weight,
            'city_' || (i % 13)::VARCHAR AS city,
            DATE '2020-01-01' + (i % 400)::INTEGER AS born,
            ((i * 7919) % 10007) / 10007.0 AS score
        FROM range({int(rows)}) AS t(i)"""
    )
    return table


def make_big(project: Project, rows: int = 10_000_000, table: str = "big") -> str:
    """A long table of three cheap columns; row ``i`` holds ``i``, ``i * 0.5`` and ``TAGS[i % 4]``."""
    project.con.execute(
        f"""CREATE TABLE "{table}" AS SELECT i::BIGINT AS n, i * 0.5 AS half, {TAGS}[(i % 4) + 1] AS tag
        FROM range({int(rows)}) AS t(i)"""
    )
    project.con.execute("CHECKPOINT")
    return table
