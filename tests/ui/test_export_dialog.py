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


def test_export_a_dossier_with_a_question_gone_from_the_corpus(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from dataclasses import replace

    from qe_desktop.annotations.edits import PutDossier
    from qe_desktop.annotations.store import UserStore

    uid = window.current_uid
    assert uid is not None
    qtbot.waitUntil(lambda: window.user_state is not None and window.user_state.ready, timeout=TIMEOUT)
    with UserStore(window.paths.user_db, readonly=True) as store:
        dossier = replace(store.new_dossier("Pour le député", "Réunion du mardi"), items=(uid, "QANR5L99QE1"))
    with qtbot.waitSignal(window.user_changed, timeout=TIMEOUT):
        window.do_edit(PutDossier(dossier), "Créer le dossier")
    window.user_panels.export_dossier(dossier)
    dialog = window.export_dialog
    assert dialog is not None
    assert dialog.what.currentText() == "Le dossier « Pour le député » (2 questions)"
    assert dialog.description.toPlainText() == "Réunion du mardi"
    target = tmp_path / "dossier.md"
    dialog.format.setCurrentIndex(dialog.format.findData("md"))
    with qtbot.waitSignal(dialog.jobs.exported, timeout=60_000) as exported:
        dialog.start_export(dialog.request(), target)
    done, error = exported.args
    assert error is None, error
    assert done.questions == 1
    assert done.missing == ("QANR5L99QE1",)
    assert "QANR5L99QE1" in dialog.message.text()
    assert target.read_text(encoding="utf-8").startswith("# Pour le député")
    dialog.close()


def test_export_a_passage_selected_in_the_reader(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """« Exporter la sélection… »: the passage, its citation and the sentence around it."""
    from qe_desktop.store import CorpusStore

    uid = "QANR5L13QE101851"
    qtbot.waitUntil(lambda: window.user_state is not None and window.user_state.ready, timeout=TIMEOUT)
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        window.open_question(uid)
    with CorpusStore(window.paths.corpus_db, readonly=True) as corpus:
        question = corpus.get(uid)
    assert question is not None
    assert question.question_text
    words = "violations des droits humains au Kazakhstan"
    start = question.question_text.index(words)
    pane = window.reader.question_pane
    pane.select_passage(start, start + len(words))
    menu_entries = [
        a.objectName()
        for a in pane.annotation_menu_actions(pane.rect().center(), pane.createStandardContextMenu())
    ]
    assert "export_selection" in menu_entries
    pane.request_export()
    dialog = window.export_dialog
    assert dialog is not None
    assert dialog.what.currentText().startswith("Le passage choisi de la question")
    assert not dialog.excerpts.isEnabled()
    target = tmp_path / "extrait.md"
    dialog.format.setCurrentIndex(dialog.format.findData("md"))
    with qtbot.waitSignal(dialog.jobs.exported, timeout=60_000) as exported:
        dialog.start_export(dialog.request(), target)
    assert exported.args[1] is None, exported.args[1]
    text = target.read_text(encoding="utf-8")
    assert words in text
    assert "Kazakhstan" in text
    assert (question.answer_text or "")[:60] not in text  # the passage, not the whole question
    dialog.close()
