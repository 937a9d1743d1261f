"""The export dialog: choices offered by the window, a real preview, an export with progress, a cancel."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from qe_desktop.ui.export_dialog import ExportDialog, file_name
from qe_desktop.ui.main_window import MainWindow

from ui.helpers import TIMEOUT, search


def _dialog(window: MainWindow) -> ExportDialog:
    dialog = window.open_export_dialog()
    assert dialog is not None
    return dialog


def test_choices_preview_and_export(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    search(qtbot, window, "defense")  # keyClicks types ASCII only; the search folds accents
    dialog = _dialog(window)
    labels = [dialog.what.itemText(i) for i in range(dialog.what.count())]
    assert labels[0].startswith("La question affichée")
    assert labels[-1].startswith("Tous les résultats (")
    with qtbot.waitSignal(dialog.jobs.previewed, timeout=TIMEOUT) as previewed:
        dialog.refresh_preview()
    _, pages, error = previewed.args
    assert error is None
    assert len(pages) >= 2  # the cover, the contents (and the first question)
    assert pages[0].width == 420
    qtbot.waitUntil(lambda: dialog.preview_layout.count() > 1, timeout=TIMEOUT)

    dialog.what.setCurrentIndex(dialog.what.count() - 1)  # all the results
    dialog.author.setText("Camille Martin")
    target = tmp_path / "défense.pdf"
    with qtbot.waitSignal(dialog.jobs.exported, timeout=60_000) as exported:
        dialog.start_export(dialog.request(), target)
    done, error = exported.args
    assert error is None, error
    assert done.path == target
    total = window.last_done.result.total if window.last_done and window.last_done.result else 0
    assert done.questions == min(total, 2000)
    assert "Camille Martin" in PdfReader(target).pages[0].extract_text()
    assert "Exporté" in dialog.message.text()
    dialog.close()

    # The options are remembered for the next export.
    again = _dialog(window)
    assert again.author.text() == "Camille Martin"
    again.close()


def test_cancel_leaves_no_file(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(window)
    target = tmp_path / "annulé.pdf"
    with qtbot.waitSignal(dialog.jobs.exported, timeout=60_000) as exported:
        dialog.jobs.cancel_event.set()
        dialog.start_export(dialog.request(), target)
        dialog.jobs.cancel()
    assert exported.args == [None, None]
    assert not target.exists()
    assert "annulé" in dialog.message.text()
    dialog.close()


def test_unwritable_target_is_said(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(window)
    with qtbot.waitSignal(dialog.jobs.exported, timeout=60_000) as exported:
        dialog.start_export(dialog.request(), tmp_path / "absent" / "x.pdf")
    assert exported.args[0] is None
    assert "n'existe pas" in exported.args[1]
    dialog.close()


def test_file_name_from_a_title() -> None:
    assert file_name("Recherche « santé / hôpital »", ".pdf") == "Recherche santé hôpital.pdf"
    assert file_name('<>:"', ".md") == "export.md"
