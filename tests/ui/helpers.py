"""What the window's tests share: the tests' "today", timeouts, and user-like steps."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qe_desktop.paths import DataPaths
from qe_desktop.ui.main_window import MainWindow

#: The tests' "today", so that waiting times do not change from one day to the next.
TODAY = date(2026, 11, 28)
START_TIMEOUT = 60_000
TIMEOUT = 15_000


def open_window(qtbot: QtBot, paths: DataPaths) -> MainWindow:
    """Open the window on a data folder; return once the first search and question are shown."""
    window = MainWindow(paths, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignals([window.ready, window.question_shown], timeout=START_TIMEOUT):
        window.start()
    return window


def search(qtbot: QtBot, window: MainWindow, query: str) -> None:
    """Type a query and press Enter, then wait for the results and the first question."""
    field = window.search_bar.field
    field.clear()
    with qtbot.waitSignals([window.ready, window.question_shown], timeout=TIMEOUT):
        qtbot.keyClicks(field, query)
        qtbot.keyClick(field, Qt.Key.Key_Return)


def shown_rows(window: MainWindow, column: int = 0) -> list[str]:
    """The texts of one column of the results, as the table shows them."""
    model = window.table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]
