"""The main window offscreen: open, drop files, import, add models, score, errors, close."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tradeoff_studio.core.paths import models_dir
from tradeoff_studio.core.project import create_project
from tradeoff_studio.ui.main_window import MainWindow


def drop(window: MainWindow, paths: list[Path]) -> bool:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(  # Qt declares it with a QPoint, a drop with a QPointF
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return True


def tree_texts(window: MainWindow) -> list[str]:
    texts = []
    stack = [window.tree.topLevelItem(i) for i in range(window.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        texts.append(item.text(0))
        stack.extend(item.child(i) for i in range(item.childCount()))
    return texts


def test_drop_data_and_model_then_score(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "w.tsproj"
    create_project(path).close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_project(path)
    assert window.windowTitle().startswith("w.tsproj")

    csv = tmp_path / "loans.csv"
    csv.write_text("id,amount\n1,10\n2,20\n")
    with qtbot.waitSignal(window.jobs.succeeded, timeout=20_000):
        assert drop(window, [csv])
    assert "loans" in tree_texts(window)

    with qtbot.waitSignal(window.jobs.succeeded, timeout=20_000):
        drop(window, [models_dir() / "credit_logreg.onnx"])
    assert "credit_logreg" in tree_texts(window)
    window.close()


def test_bad_file_shows_error_and_changes_nothing(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "w.tsproj"
    create_project(path).close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_project(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3\n")
    with qtbot.waitSignal(window.jobs.failed, timeout=20_000):
        drop(window, [bad])
    assert shown and "bad.csv, line 3" in shown[0]
    assert window.project is not None and window.project.tables() == []
    window.close()


def test_locked_project_message(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    import subprocess
    import sys

    path = tmp_path / "w.tsproj"
    create_project(path).close()
    hold = (
        "from tradeoff_studio.core.project import open_project as o\n"
        f"p = o({str(path)!r})\nprint('ok', flush=True)\ninput()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        shown: list[str] = []
        monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
        window = MainWindow()
        qtbot.addWidget(window)
        window.open_project(path)
        assert window.project is None
        assert "open in another Tradeoff Studio process (PID" in shown[0]
        window.close()
    finally:
        holder.kill()
        holder.wait()


def test_text_only_drop_is_refused(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    data = QMimeData()
    data.setText("hello")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()
    window.close()


def test_encrypted_project_asks_for_its_recovery_key(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    from tradeoff_studio.core import keys

    keyring.set_keyring(fail.Keyring())  # a machine without a keyring
    path = tmp_path / "secret.tsproj"
    with create_project(path, encrypted=True) as project:
        recovery = keys.recovery_text(project.key)
    prompts: list[str] = []

    def answer(_parent, _title, label, _echo):
        prompts.append(label)
        return recovery, True

    monkeypatch.setattr("tradeoff_studio.ui.main_window.QInputDialog.getText", answer)
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_project(path)
    assert prompts and "is encrypted" in prompts[0]
    assert window.project is not None and window.project.encrypted
    window.close()


def test_selecting_a_table_previews_it_and_a_column_plots_it(qtbot: QtBot, tmp_path: Path) -> None:
    from tradeoff_studio.ui.project_tree import ROLE

    path = tmp_path / "w.tsproj"
    csv = tmp_path / "loans.csv"
    csv.write_text("id,amount\n" + "".join(f"{i},{i * 1.5}\n" for i in range(500)))
    with create_project(path) as project:
        from tradeoff_studio.core.data.importer import import_files

        import_files(project, [csv])
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_project(path)
    items = {}
    stack = [window.tree.topLevelItem(i) for i in range(window.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item.data(0, ROLE):
            items[item.data(0, ROLE)] = item
        stack.extend(item.child(i) for i in range(item.childCount()))
    window.tree.setCurrentItem(items[("table", "loans")])
    assert window.detail.stack.currentWidget() is window.data_view  # the data view shows every row
    assert window.data_view.model.rowCount() == 500 and "loans: 500 rows" in window.data_view.status.text()
    window.tree.setCurrentItem(items[("column", "loans", "amount")])
    assert window.detail.stack.currentWidget() is window.detail.plot
    assert "500 values from 0 to 748.5" in window.detail.title.text()
    window.close()


def test_tree_lists_analyses_and_decisions(qtbot: QtBot, tmp_path: Path) -> None:
    from tradeoff_studio.core import workflows
    from tradeoff_studio.core.analyses.candidates import parse_objectives
    from tradeoff_studio.core.analyses.generic import GenericSpec
    from tradeoff_studio.core.data.importer import import_files

    path = tmp_path / "w.tsproj"
    csv = tmp_path / "options.csv"
    csv.write_text("option,cost,quality\na,1,0.5\nb,2,0.7\nc,3,0.6\n")
    with create_project(path) as project:
        import_files(project, [csv])
        spec = GenericSpec("options", parse_objectives("cost:min,quality:max"), id_column="option")
        workflows.analyze_generic(project, spec, name="opts")
        workflows.decide(project, "opts", candidate_id="b", rationale="best quality for its cost")
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_project(path)
    texts = tree_texts(window)
    assert "Analyses" in texts and "opts" in texts and "b" in texts
    window.close()
