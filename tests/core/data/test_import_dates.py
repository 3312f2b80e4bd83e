"""Non-ISO dates in CSV imports: detected, given (--date-format), refused when day/month is ambiguous."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.options import ReadOptions
from tradeoff_studio.core.errors import DataImportError
from tradeoff_studio.core.project import Project


def _csv(tmp_path: Path, name: str, dates: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("Date,AAA\n" + "".join(f"{d},{i + 1.5}\n" for i, d in enumerate(dates)))
    return path


def _dates(project: Project, table: str) -> list[datetime.date]:
    return [row[0] for row in project.con.execute(f'SELECT "Date" FROM {table} ORDER BY 1').fetchall()]


def test_an_unambiguous_day_first_format_is_detected_and_read(project: Project, tmp_path: Path) -> None:
    """Observation 3: '13/04/2010' imported as a date, not "is not a DATE, though the first rows are"."""
    import_files(project, [_csv(tmp_path, "dmy.csv", ["01/04/2010", "13/04/2010", "30/12/2010"])])
    assert _dates(project, "dmy") == [datetime.date(2010, 4, 1), datetime.date(2010, 4, 13),
                                      datetime.date(2010, 12, 30)]  # fmt: skip
    record = project.con.execute('SELECT typeof("Date") FROM dmy LIMIT 1').fetchone()
    assert record is not None and record[0] == "DATE"


def test_an_ambiguous_format_is_refused_naming_both_readings_and_the_option(
    project: Project, tmp_path: Path, state: object
) -> None:
    path = _csv(tmp_path, "amb.csv", ["01/04/2010", "02/04/2010", "03/05/2010"])
    before = state(project)  # type: ignore[operator]
    with pytest.raises(
        DataImportError, match=r"column 'Date': dates such as '01/04/2010' read both as %d/%m/%Y"
    ):
        import_files(project, [path])
    assert state(project) == before  # type: ignore[operator]
    import_files(project, [path], options=ReadOptions(date_format="%m/%d/%Y"))
    assert _dates(project, "amb")[0] == datetime.date(2010, 1, 4)


def test_a_given_format_wins_and_iso_stays_as_it_was(project: Project, tmp_path: Path) -> None:
    import_files(project, [_csv(tmp_path, "given.csv", ["01/04/2010", "02/04/2010"])],
                 options=ReadOptions(date_format="%d/%m/%Y"))  # fmt: skip
    assert _dates(project, "given") == [datetime.date(2010, 4, 1), datetime.date(2010, 4, 2)]
    import_files(project, [_csv(tmp_path, "iso.csv", ["2010-04-01", "2010-04-02"])])
    assert _dates(project, "iso") == [datetime.date(2010, 4, 1), datetime.date(2010, 4, 2)]
    with pytest.raises(DataImportError):
        import_files(
            project,
            [_csv(tmp_path, "wrong.csv", ["2010-04-01"])],
            options=ReadOptions(date_format="%d/%m/%Y"),
        )
