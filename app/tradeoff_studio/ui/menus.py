"""The window's menus, actions and shortcuts (File, Edit, View, Help)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .icons import icon

if TYPE_CHECKING:
    from .main_window import MainWindow

Key = QKeySequence.StandardKey
# (key, text, shortcut, icon name or "", slot name on the window); None is a separator
_FILE = [
    ("new", "&New Project…", Key.New, "new", "new_project_dialog"),
    ("open", "&Open Project…", Key.Open, "open", "open_project_dialog"),
    ("recent", None, None, None, None),
    ("save_as", "Save Project &As…", Key.SaveAs, "save", "save_as_dialog"),
    None,
    ("import", "&Import Data…", "Ctrl+I", "import", "import_dialog"),
    ("model", "Add &Model…", "Ctrl+M", "model", "add_model_dialog"),
    ("score", "&Score Table…", "Ctrl+R", "score", "score_dialog"),
    ("analysis", "New &Analysis…", "Ctrl+Shift+A", "front", "new_analysis_dialog"),
    None,
    ("encrypt", "&Encrypt Project…", "", "encrypt", "encrypt_current"),
    ("decrypt", "&Decrypt Project…", "", "decrypt", "decrypt_current"),
    None,
    ("close_project", "&Close Project", Key.Close, "", "close_project"),
    ("quit", "&Quit", Key.Quit, "", "close"),
]
PROJECT_ACTIONS = ("save_as", "import", "model", "score", "analysis", "encrypt", "decrypt", "close_project")


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Create the menu bar; returns the actions by key (``recent_menu`` is on the window)."""
    actions = _file_menu(window)
    actions.update(_edit_menu(window))
    view = window.menuBar().addMenu("&View")
    actions["welcome"] = _action(
        window, view, "&Welcome Page", shortcut="", icon_name="demo", slot=window.show_welcome
    )
    view.addSeparator()
    for dock in (window.project_dock, window.models_dock, window.jobs_dock):
        view.addAction(dock.toggleViewAction())
    help_menu = window.menuBar().addMenu("&Help")
    actions["about"] = _action(
        window, help_menu, "&About Tradeoff Studio", shortcut="", icon_name="about", slot=window.about_dialog
    )
    paint_icons(actions)
    return actions


def _file_menu(window: MainWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    file_menu = window.menuBar().addMenu("&File")
    for entry in _FILE:
        if entry is None:
            file_menu.addSeparator()
        elif entry[0] == "recent":
            window.recent_menu = file_menu.addMenu("Open &Recent")
            window.recent_menu.setObjectName("recentMenu")
            actions["recent"] = window.recent_menu.menuAction()
            actions["recent"].setProperty("iconName", "recent")
        else:
            key, text, shortcut, icon_name, slot = entry
            actions[key] = _action(
                window, file_menu, text, shortcut=shortcut, icon_name=icon_name, slot=getattr(window, slot)
            )
    return actions


def _edit_menu(window: MainWindow) -> dict[str, QAction]:
    """Undo/Redo act on the active stack of the window's QUndoGroup; then Preferences."""
    edit = window.menuBar().addMenu("&Edit")
    undo = window.undo_group.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence(Key.Undo))
    undo.setProperty("iconName", "undo")
    redo = window.undo_group.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])  # both habits, any platform
    redo.setProperty("iconName", "redo")
    edit.addActions([undo, redo])
    edit.addSeparator()
    preferences = _action(
        window, edit, "&Preferences…", shortcut=Key.Preferences, icon_name="preferences",
        slot=window.preferences_dialog,
    )  # fmt: skip
    return {"undo": undo, "redo": redo, "preferences": preferences}


def paint_icons(actions: dict[str, QAction]) -> None:
    """(Re)draw each action's icon in the palette's text colour (after a light/dark switch too)."""
    for action in actions.values():
        name = action.property("iconName")
        if name:
            action.setIcon(icon(str(name)))


def _action(
    window: MainWindow,
    menu: QMenu,
    text: str,
    *,
    shortcut: QKeySequence.StandardKey | str,
    icon_name: str,
    slot: Callable[[], object],
) -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.setProperty("iconName", icon_name)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def fill_recent(window: MainWindow, paths: tuple[str, ...]) -> None:
    """List the recent projects in File ▸ Open Recent; missing files are shown disabled."""
    menu = window.recent_menu
    menu.clear()
    for text in paths:
        path = Path(text)
        missing = not path.is_file()
        action = menu.addAction(f"{path.name} — {path.parent}" + (" (missing)" if missing else ""))
        action.setEnabled(not missing)
        action.triggered.connect(lambda _checked=False, target=path: window.open_project(target))
    menu.setEnabled(bool(paths))
