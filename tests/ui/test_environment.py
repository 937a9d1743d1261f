"""The Qt binding the window runs on must not corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to None at each call of a Qt
method returning nothing (``QLabel.setText``, ``QWidget.hide``…): after a few
thousand calls None is freed and the interpreter aborts ("Fatal Python error:
none_dealloc").  pyproject.toml excludes that combination; this test catches it
in an environment that was not rebuilt.
"""

import sys

import PySide6
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_qt_calls_leave_the_reference_count_of_none_alone(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.hide()
    lost = before - sys.getrefcount(None)
    assert lost < 100, (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} lost {lost} references to None "
        "in 2000 calls: the app would abort within minutes. Rebuild the environment (scripts/setup.sh): "
        "pyproject.toml excludes PySide6 6.12 on Python < 3.12."
    )
