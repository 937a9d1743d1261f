"""The technical log: the version first, an unexpected error's traceback there and a French message
to the user (what a crash report of the installed app is made of)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop import __version__, cli
from qe_desktop.logfile import configure_logging, log, log_path
from qe_desktop.paths import DataPaths


@pytest.fixture(autouse=True)
def detached_log() -> Iterator[None]:
    """The ``qe_desktop`` logger as a fresh process has it (other tests attach their folders' logs)."""
    before = list(log.handlers)
    for handler in before:
        log.removeHandler(handler)
    yield
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    for handler in before:
        log.addHandler(handler)


def test_the_first_line_of_a_run_names_the_version_and_the_build(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    assert configure_logging(paths) == paths.log_file
    assert configure_logging(paths) == paths.log_file  # once per file
    first = paths.log_file.read_text(encoding="utf-8").splitlines()
    assert len(first) == 1
    assert f"QE Desktop {__version__} (depuis les sources, Python " in first[0]
    assert str(tmp_path) in first[0]
    assert log_path() == paths.log_file


def test_a_read_only_data_folder_logs_to_the_temporary_folder(tmp_path: Path) -> None:
    target = configure_logging(DataPaths(tmp_path / "absent" / "dossier"))
    assert target.name == "qe-desktop.log"
    assert target.parent != tmp_path / "absent" / "dossier"
    assert target.is_file()


def test_an_unexpected_error_of_a_command_is_said_in_french_and_logged_with_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("bogue de test")

    monkeypatch.setattr(cli, "cmd_status", broken)
    assert cli.main(["status", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Une erreur inattendue s'est produite" in err
    assert str(tmp_path / "qe-desktop.log") in err
    assert "Traceback" not in err
    for handler in log.handlers:
        handler.flush()
    logged = (tmp_path / "qe-desktop.log").read_text(encoding="utf-8")
    assert f"QE Desktop {__version__}" in logged.splitlines()[0]
    assert "Traceback" in logged
    assert "RuntimeError: bogue de test" in logged
    assert logging.getLogger("qe_desktop") is log
