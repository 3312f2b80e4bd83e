"""The analysis setup form, generated from the kinds' descriptors, in the real main window (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tradeoff_studio.core import workflows
from tradeoff_studio.core.analyses.kinds import COMMON_PARAMETERS, all_kinds
from tradeoff_studio.core.demo_analyses import DEMO_ANALYSES
from tradeoff_studio.ui.main_window import MainWindow
from tradeoff_studio.ui.workspace import setup_form
from tradeoff_studio.ui.workspace.setup_fields import ChoiceField, ListField
from tradeoff_studio.ui.workspace.setup_form import AnalysisSetup


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def setup(window: MainWindow, kind: str, table: str) -> AnalysisSetup:
    assert window.project is not None
    info = workflows.project_info(window.project)
    tables = {t["name"]: [(c["name"], c["type"]) for c in t["columns"]] for t in info.tables}
    dialog = AnalysisSetup(tables, [m["name"] for m in info.models], window, initial_kind=kind)
    dialog.table_box.setCurrentText(table)
    return dialog


def test_every_kind_gets_one_field_per_parameter(qtbot: QtBot, window: MainWindow) -> None:
    dialog = setup(window, "fairness", "credit_applications")
    qtbot.addWidget(dialog)
    for described in all_kinds():
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(described.name))
        expected = [p.name for p in (*COMMON_PARAMETERS, *described.parameters) if p.name != "table"]
        assert list(dialog.fields) == expected, described.name
        for name in expected:
            assert dialog.findChild(object, f"field_{name}") is not None


def test_column_fields_offer_only_fitting_columns(qtbot: QtBot, window: MainWindow) -> None:
    dialog = setup(window, "fairness", "credit_applications")
    qtbot.addWidget(dialog)
    scores = dialog.fields["score"]
    assert isinstance(scores, ListField)
    offered = [scores.listing.item(i).text() for i in range(scores.listing.count())]
    assert "score_credit_gbt" in offered and "sex" not in offered  # a score must be numeric
    label = dialog.fields["label"]
    assert isinstance(label, ChoiceField)
    assert "sex" in [label.box.itemText(i) for i in range(label.box.count())]  # a label may be text


def test_validation_names_the_field_and_nothing_runs(qtbot: QtBot, window: MainWindow) -> None:
    dialog = setup(window, "fairness", "credit_applications")
    qtbot.addWidget(dialog)
    assert dialog.check() is None and "--sensitive" in dialog.error.text()
    dialog.fields["sensitive"].set(["sex"])
    dialog.fields["score"].set(["score_credit_logreg"])
    dialog.fields["resamples"].set("lots")
    assert dialog.check() is None and "--resamples should be a whole number" in dialog.error.text()
    dialog.fields["resamples"].set("-1")
    assert dialog.check() is None and "--resamples should lie from 0" in dialog.error.text()
    assert window.project is not None and len(workflows.list_analyses(window.project)) == len(DEMO_ANALYSES)


def test_run_from_the_form_shows_the_analysis_then_a_rerun_keeps_a_ghost(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = setup(window, "fairness", "credit_applications")
    qtbot.addWidget(dialog)
    dialog.fields["label"].set("default")
    dialog.fields["sensitive"].set(["sex"])
    dialog.fields["score"].set(["score_credit_logreg"])
    dialog.fields["resamples"].set("0")
    dialog.fields["name"].set("from-the-form")
    spec = dialog.check()
    assert spec is not None and spec.scores == ("score_credit_logreg",) and spec.bootstrap == 0
    with qtbot.waitSignal(window.workspace.loaded, timeout=60_000) as shown:
        window.run_analysis(spec, *dialog.name_and_where())
    assert shown.args == ["from-the-form"]
    assert window.workspace.data is not None and window.workspace.data.source_table == "credit_applications"
    again = setup(window, "fairness", "credit_applications")  # the last settings come back
    qtbot.addWidget(again)
    assert again.fields["score"].value() == ["score_credit_logreg"] and again.fields["resamples"].value() == 0
    again.fields["score"].set(["score_credit_logreg", "score_credit_gbt"])
    again.fields["name"].set("")
    with qtbot.waitSignal(window.workspace.loaded, timeout=60_000) as rerun:
        window.run_analysis(again.check(), *again.name_and_where())
    assert rerun.args == ["fairness-credit_applications"]
    legend = [label.text for _sample, label in window.workspace.front.marks.legend.items]
    assert "previous run" in legend


def test_the_file_menu_opens_the_form_and_cancel_runs_nothing(qtbot: QtBot, window: MainWindow) -> None:
    assert window.actions["analysis"].isEnabled()
    assert window.actions["analysis"].shortcut().toString() == "Ctrl+Shift+A"
    seen: list[object] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.reject()  # type: ignore[union-attr]

    QTimer.singleShot(0, cancel)
    window.actions["analysis"].trigger()
    assert len(seen) == 1 and isinstance(seen[0], AnalysisSetup) and seen[0].objectName() == "analysisSetup"
    assert not window.jobs.busy
    assert window.project is not None and len(workflows.list_analyses(window.project)) == len(DEMO_ANALYSES)


def test_the_form_starts_from_the_tables_column_roles(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Roles set on a table pre-fill the form the File menu opens (label, favourable value, sensitive)."""
    monkeypatch.setattr(setup_form, "_REMEMBERED", {})  # values run by other tests would come first
    assert window.project is not None
    roles = {"default": ("label", "0"), "sex": ("sensitive", None), "score_credit_gbt": ("score", None)}
    workflows.set_roles(window.project, "credit_applications", set_=roles, clear=[])
    seen: dict[str, object] = {}

    def read_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AnalysisSetup)
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("fairness"))
        dialog.table_box.setCurrentText("credit_applications")
        names = ("label", "positive", "sensitive", "score")
        seen.update({name: dialog.fields[name].value() for name in names})
        dialog.reject()

    QTimer.singleShot(0, read_and_cancel)
    window.actions["analysis"].trigger()
    assert seen == {"label": "default", "positive": "0", "sensitive": ["sex"], "score": ["score_credit_gbt"]}
