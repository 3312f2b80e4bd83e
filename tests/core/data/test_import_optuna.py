"""Issue #18, observation 5: an Optuna ``trials_dataframe()`` export is recognised on import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from tradeoff_studio.core import analysis_workflows as flows
from tradeoff_studio.core.analyses.candidates import Objective
from tradeoff_studio.core.analyses.generic import GenericSpec, analyze_generic
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.data.optuna import optuna_note
from tradeoff_studio.core.project import Project

MakeFile = Callable[[str, bytes | str], Path]


def trials() -> pd.DataFrame:
    """What ``study.trials_dataframe()`` returns for a 2-objective study with a failed trial."""
    return pd.DataFrame(
        {
            "number": [0, 1, 2, 3],
            "values_0": [0.1, 0.2, np.nan, 0.05],
            "values_1": [3.0, 1.0, np.nan, 4.0],
            "datetime_start": pd.to_datetime(["2024-01-01 10:00"] * 4),
            "duration": pd.to_timedelta([0.000343, 1.5, np.nan, 60.25], unit="s"),
            "params_x": [1.0, 2.0, 3.0, 4.0],
            "state": ["COMPLETE", "COMPLETE", "FAIL", "COMPLETE"],
        }
    )


def test_csv_export(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "optuna_trials.csv"
    trials().to_csv(path, index=False)
    [record] = import_files(project, [path])
    info = record.reader_options["optuna"]
    assert info["objectives"] == ["values_0", "values_1"]
    assert info["states"] == {"COMPLETE": 3, "FAIL": 1}
    assert info["duration"].startswith("seconds")
    assert record.reader_options["units"]["duration"] == "s"
    durations = [row[0] for row in project.con.execute("SELECT duration FROM optuna_trials").fetchall()]
    assert durations == [0.000343, 1.5, None, 60.25]
    note = optuna_note(info)
    assert "--where \"state = 'COMPLETE'\"" in note and "values_0:min,values_1:min" in note


def test_parquet_export_keeps_the_unit_of_its_integers(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "optuna_trials.parquet"
    trials().to_parquet(path)
    [record] = import_files(project, [path])
    assert "integer ns" in record.reader_options["optuna"]["duration"]
    durations = [row[0] for row in project.con.execute("SELECT duration FROM optuna_trials").fetchall()]
    assert durations == [0.000343, 1.5, None, 60.25]


def test_the_finished_trials_analyse(project: Project, tmp_path: Path) -> None:
    """The failed trial has no values; the state filter (as --where does) or --missing drop leaves it out."""
    path = tmp_path / "study.csv"
    trials().to_csv(path, index=False)
    import_files(project, [path])
    objectives = [Objective("values_0", "min"), Objective("values_1", "min")]
    record = flows.analyze_generic(
        project, GenericSpec("study", objectives, "number"), where="state = 'COMPLETE'"
    )
    assert flows.get_candidates(project, record.name).frame["candidate_id"].tolist() == ["0", "1", "3"]
    dropped = analyze_generic(project, GenericSpec("study", objectives, "number", missing="drop"))
    assert dropped.notes["dropped"]["rows"] == [
        {"candidate": "2", "row": 3, "columns": ["values_0", "values_1"]}
    ]


def test_other_tables_are_left_alone(project: Project, make_file: MakeFile) -> None:
    [record] = import_files(project, [make_file("t.csv", "number,state,value\n1,x,2.0\n")])
    assert "optuna" not in record.reader_options  # no datetime_start: not a trials table
    path = make_file("d.csv", "number,state,datetime_start,value,duration\n1,COMPLETE,2024-01-01,2.0,soon\n")
    [record] = import_files(project, [path])
    assert record.reader_options["optuna"]["duration"].startswith("left as text")
