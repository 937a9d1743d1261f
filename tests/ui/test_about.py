"""« À propos » says the version and how the app runs (a crash report's first questions)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from qe_desktop import __version__
from qe_desktop.ui.main_window import MainWindow

SCREENSHOT = os.environ.get("QE_DESKTOP_SCREENSHOT_ABOUT")  # a path: the box is saved there too


def test_about_names_the_version_the_build_the_data_folder_and_the_log(
    qtbot: QtBot, window: MainWindow
) -> None:
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        if SCREENSHOT:
            box.grab().save(SCREENSHOT)
        box.accept()

    QTimer.singleShot(200, read_and_close)
    window.act_about.trigger()
    qtbot.waitUntil(lambda: bool(seen))
    text = seen[0]
    assert f"QE Desktop {__version__}" in text
    assert "depuis les sources" in text
    assert str(window.paths.root) in text
    assert "qe-desktop.log" in text
    assert Path(window.paths.root).is_dir()
