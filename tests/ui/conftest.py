"""Fixtures for the window's tests: a data folder with the sample corpus already imported and indexed.

Importing and indexing the sample takes seconds, so it is done once per session
and copied into each test's own temporary data folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qe_desktop.paths import DataPaths
from qe_desktop.ui.main_window import MainWindow

from ui.helpers import open_window


@pytest.fixture(scope="session")
def prepared_data(sample_data_folder: Path) -> Path:
    return sample_data_folder


@pytest.fixture
def data_paths(prepared_data: Path, data_dir: Path) -> DataPaths:
    """This test's data folder: a copy of the prepared one."""
    shutil.copytree(prepared_data, data_dir)
    return DataPaths(data_dir)


@pytest.fixture
def window(qtbot: QtBot, data_paths: DataPaths) -> Iterator[MainWindow]:
    """The window on the sample corpus, open, first search shown."""
    win = open_window(qtbot, data_paths)
    yield win
    win.close()
