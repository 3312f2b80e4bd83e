"""Desktop conventions of the shell: preferences, Undo/Redo on the page's stack, Save As, the
recovery-key prompt's errors, light and dark icons, the application's name and icon."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QUndoCommand
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tradeoff_studio.core import keys
from tradeoff_studio.core.preferences import load_preferences
from tradeoff_studio.core.project import create_project, open_project
from tradeoff_studio.ui import icons
from tradeoff_studio.ui.main_window import MainWindow
from tradeoff_studio.ui.preferences_dialog import PreferencesDialog


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    made = MainWindow(preferences_file=tmp_path / "preferences.json")
    qtbot.addWidget(made)
    yield made
    made.close()


class Append(QUndoCommand):
    def __init__(self, values: list[int], value: int) -> None:
        super().__init__(f"append {value}")
        self.values, self.value = values, value

    def redo(self) -> None:
        self.values.append(self.value)

    def undo(self) -> None:
        self.values.pop()


def test_preferences_are_saved_versioned_and_applied(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def accept(dialog: PreferencesDialog) -> int:
        assert dialog.objectName() == "preferencesDialog"
        dialog.provider.setCurrentText("cpu")
        dialog.jobs.setValue(2)
        return 1

    monkeypatch.setattr(PreferencesDialog, "exec", accept)
    window.actions["preferences"].trigger()
    saved = load_preferences(tmp_path / "preferences.json")
    assert (saved.provider, saved.max_parallel_jobs, saved.theme) == ("cpu", 2, "system")
    assert window.jobs.max_running == 2 and window.models_panel.provider.currentText() == "cpu"
    assert window.status.provider.text() == "Provider: cpu (preference)"


def test_undo_and_redo_act_on_the_page_shown(window: MainWindow) -> None:
    values: list[int] = []
    stack = window.workspace.undo_stack  # the decision workspace's own stack
    stack.push(Append(values, 1))
    assert not window.actions["undo"].isEnabled()  # the welcome page has no undo stack
    window.pages.setCurrentWidget(window.analysis_page)
    assert window.actions["undo"].isEnabled() and window.actions["undo"].text() == "&Undo append 1"
    window.actions["undo"].trigger()
    assert values == [] and window.actions["redo"].isEnabled()
    window.actions["redo"].trigger()
    assert values == [1]
    window.show_welcome()
    assert not window.actions["undo"].isEnabled()


def test_edit_undo_undoes_a_role_change_in_the_data_view(window: MainWindow, tmp_path: Path) -> None:
    from support.dataview_tables import make_people

    path = tmp_path / "roles.tsproj"
    with create_project(path) as project:
        make_people(project, 50)
    window.show()
    window.open_project(path)
    assert window.pages.currentWidget() is window.table_page
    roles = window.data_view.roles
    roles.combos["weight"].setCurrentText("weight")
    assert window.project is not None
    stored = "SELECT column_name, role FROM _ts.column_roles WHERE table_name = 'people'"
    assert window.project.con.execute(stored).fetchall() == [("weight", "weight")]
    assert window.actions["undo"].isEnabled()
    window.actions["undo"].trigger()
    assert window.project.con.execute(stored).fetchall() == []
    assert roles.combos["weight"].currentText() == "—"
    window.actions["redo"].trigger()
    assert window.project.con.execute(stored).fetchall() == [("weight", "weight")]


def test_save_as_copies_then_opens_the_copy(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = tmp_path / "a.tsproj"
    create_project(original).close()
    window.open_project(original)
    target = tmp_path / "b.tsproj"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), ""))
    window.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: window.project is not None and window.project.path == target, timeout=30_000)
    assert window.jobs.jobs[-1].title == "Save a copy as b.tsproj" and original.exists()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    window.actions["save_as"].trigger()  # the same name again: refused, nothing replaced
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "already exists" in shown[0] and window.project.path == target


def test_views_are_released_before_the_project_closes_or_is_encrypted(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    window.before_release.append(lambda: calls.append(window.project is not None))
    path = tmp_path / "a.tsproj"
    create_project(path).close()
    window.open_project(path)
    monkeypatch.setattr(QMessageBox, "information", lambda *_args: None)
    window.encrypt_current()
    assert calls == [True]  # released while the project was still the window's
    qtbot.waitUntil(lambda: window.jobs.jobs[-1].state == "done", timeout=60_000)
    window.close_project()
    assert calls == [True, True]  # and once more before the reopened, encrypted project closed


def test_a_mistyped_recovery_key_is_an_error_naming_the_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "secret.tsproj"
    create_project(path, encrypted=True).close()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args: ("TSK1-AAAA-BBBB", True))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    assert not window.open_project(path)
    assert window.project is None and str(path) in shown[0] and "mistyped" in shown[0]
    assert "Traceback" not in shown[0]


def test_decrypt_through_the_window(window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "secret.tsproj"
    create_project(path, encrypted=True).close()
    window.open_project(path)  # the key is in the (in-memory) keyring
    assert window.project is not None and window.status.encryption.text() == "Encrypted"
    window.actions["decrypt"].trigger()
    qtbot.waitUntil(lambda: window.jobs.jobs[-1].state == "done", timeout=60_000)
    assert window.project is not None and not window.project.encrypted
    assert window.status.encryption.text() == "Not encrypted"
    window.close()
    with open_project(path) as reopened:
        assert not reopened.encrypted and keys.load_key(path) is None


def test_icons_are_named_sharp_and_follow_the_palette(window: MainWindow) -> None:
    assert {"front", "table", "model", "encrypt", "app"} <= set(icons.icon_names())
    with pytest.raises(KeyError, match="No icon named 'nope'"):
        icons.icon("nope")
    sizes = {size.width() for size in icons.icon("front").availableSizes()}
    assert {16, 32, 64, 256} <= sizes  # rendered from the SVG at each size, not scaled from one
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    saved = app.palette()
    dark = QPalette(saved)
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    try:
        app.setPalette(dark)
        light_ink = icons.icon("front").pixmap(32, 32).toImage()
        assert _darkest_alpha_pixel(light_ink).lightness() > 200  # drawn in the dark palette's light text
    finally:
        app.setPalette(saved)


def test_dark_theme_sets_a_dark_palette_and_light_icons(window: MainWindow, qtbot: QtBot) -> None:
    from tradeoff_studio.ui.preferences_dialog import apply_theme

    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    try:
        apply_theme("dark")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80

        def ink(icon) -> int:
            return _darkest_alpha_pixel(icon.pixmap(32, 32).toImage()).lightness()

        # the palette change is an event: once delivered, the icons are redrawn in light ink
        qtbot.waitUntil(lambda: ink(window.welcome.new_button.icon()) > 180)
        assert ink(window.actions["open"].icon()) > 180
    finally:
        apply_theme("system")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 150


def test_start_window_names_the_application(qtbot: QtBot) -> None:
    from tradeoff_studio.ui.app import DESKTOP_FILE_NAME, start_window

    window = start_window()
    qtbot.addWidget(window)
    assert QGuiApplication.desktopFileName() == DESKTOP_FILE_NAME == "tradeoff-studio"
    assert QGuiApplication.applicationDisplayName() == "Tradeoff Studio"
    assert not QGuiApplication.windowIcon().isNull() and not window.windowIcon().isNull()
    assert window.pages.currentWidget() is window.welcome
    window.close()


def test_the_demo_opens_on_its_first_analysis(qtbot: QtBot, tmp_path: Path) -> None:
    """``--demo`` (``make run``) lands on a front, not on a table: the first demo analysis is shown."""
    from tradeoff_studio.core.demo import ensure_demo_project
    from tradeoff_studio.ui.app import _first_demo_analysis, start_window

    demo = tmp_path / "demo.tsproj"
    demo.write_bytes(ensure_demo_project().read_bytes())
    name = _first_demo_analysis()
    assert name == "credit-fairness"
    window = start_window(demo, name)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.workspace.data is not None, timeout=20_000)
    assert window.workspace.data.name == name  # type: ignore[union-attr]
    assert window.pages.currentWidget() is not window.welcome
    window.close()


def _darkest_alpha_pixel(image) -> QColor:
    """The colour of the most opaque pixel (the icon's ink)."""
    best, colour = -1, QColor()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > best:
                best, colour = pixel.alpha(), pixel
    return colour
