"""The window, driven like a user: type, click, press keys; check what is shown."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from qe_desktop.model import SearchResult
from qe_desktop.paths import DataPaths, sample_dir
from qe_desktop.store import CorpusStore
from qe_desktop.ui.app import configure_logging
from qe_desktop.ui.dialogs import ShortcutsDialog
from qe_desktop.ui.main_window import PAGE_SIZE, MainWindow
from qe_desktop.ui.results_model import ResultsModel
from qe_desktop.ui.workers import OperationDone

from ui.helpers import START_TIMEOUT, TIMEOUT, TODAY, open_window, search, shown_rows

BOUSQUET = "QANR5L13QE101851"
CITATION = (
    "QE n°\u00a0101851 de Mme Danielle Bousquet (13e législature), JO AN du 8 mars 2011, p.\u00a02121\u202f; "
    "réponse JO du 14 juin 2011, p.\u00a06264"
)


def open_uid(qtbot: QtBot, window: MainWindow, uid: str) -> None:
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT, check_params_cb=lambda u: u == uid):
        window.open_question(uid)


# -- start ---------------------------------------------------------------------------------


def test_first_start_on_an_empty_folder_imports_the_sample_and_says_so(qtbot: QtBot, data_dir: Path) -> None:
    paths = DataPaths(data_dir).ensure()
    window = open_window(qtbot, paths)
    assert window.banner.isVisible()
    assert "corpus d'exemple" in window.banner.label.text()
    assert window.banner.action_button.text() == "Importer des données réelles…"
    assert window.corpus_label.text() == "Corpus : 581 questions"
    assert window.index_label.text() == "Index à jour"
    assert window.model.total == 581
    assert window.reader.question_pane.toPlainText()  # the first hit opens at once
    window.close()


def test_window_opens_on_an_existing_corpus_without_banner(window: MainWindow) -> None:
    assert not window.banner.isVisible()
    assert window.search_bar.count.text() == "581 questions"
    assert window.search_bar.interpretation.text() == "Interprétation : toutes les questions"


def test_once_usable_the_window_reads_ahead_for_the_next_searches(qtbot: QtBot, window: MainWindow) -> None:
    # Asked for when the first question was shown, done in the writer thread.
    index = window.reads.index
    assert index is not None
    qtbot.waitUntil(lambda: "question_exact" in index._current().matcher._lengths, timeout=TIMEOUT)
    assert window._warm_asked


# -- searching -------------------------------------------------------------------------------


def test_typing_searches_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignals([window.ready, window.question_shown], timeout=TIMEOUT):
        qtbot.keyClicks(window.search_bar.field, "kazakhstan")
    assert shown_rows(window) == ["101851 · 13e"]
    assert window.search_bar.count.text() == "1 question"
    assert window.search_bar.interpretation.text() == "Interprétation : « kazakhstan »"
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == BOUSQUET


def test_typing_fast_only_shows_the_last_query(qtbot: QtBot, window: MainWindow) -> None:
    token_before = window.search_token
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        qtbot.keyClicks(window.search_bar.field, "torture")
    # One search for the whole word, not one per keystroke.
    assert window.search_token == token_before + 1
    assert window.model.total == 7


def test_results_of_a_replaced_search_are_ignored(qtbot: QtBot, window: MainWindow) -> None:
    window.search_bar.set_text("torture")
    window.run_search()
    window.search_bar.set_text("kazakhstan")
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.run_search()
    qtbot.wait(200)  # what the first search might still deliver must change nothing
    assert shown_rows(window) == ["101851 · 13e"]


def test_enter_searches_at_once_and_remembers_the_query(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture")
    search(qtbot, window, "kazakhstan")
    field = window.search_bar.field
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "kazakhstan"
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.text() == "torture"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.text() == ""


def test_help_popover_explains_the_query_language_and_tries_an_example(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.mouseClick(window.search_bar.help_button, Qt.MouseButton.LeftButton)
    help_label = window.search_bar.help.label
    assert window.search_bar.help.isVisible()
    assert "tous les mots, classés par pertinence" in help_label.text()
    assert "rubrique:santé" in help_label.text()
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        help_label.linkActivated.emit("q:rubrique:santé")
    assert window.search_bar.text() == "rubrique:santé"
    assert not window.search_bar.help.isVisible()
    assert window.model.total == 35


def test_a_query_that_finds_nothing_says_so(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.search_bar.set_text("zzxqwv")
        window.search_bar.on_field_return_pressed()
    assert window.model.rowCount() == 0
    assert window.search_bar.count.text() == "0 question"
    assert "Aucune question ne correspond" in window.reader.placeholder.text()


def test_results_are_fetched_a_page_at_a_time(qtbot: QtBot, window: MainWindow) -> None:
    assert window.model.total == 581
    assert window.model.rowCount() == PAGE_SIZE
    with qtbot.waitSignal(window.model.rowsInserted, timeout=TIMEOUT):
        window.table.scrollToBottom()  # the view asks for more at the end
    assert window.model.rowCount() == 2 * PAGE_SIZE
    assert len(set(shown_rows(window))) == 2 * PAGE_SIZE


def test_header_click_sorts_by_question_date(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture")
    header = window.table.horizontalHeader()
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(header.sectionViewportPosition(ResultsModel.COL_DATE) + 10, header.height() // 2),
        )
    assert window.search_bar.sort.currentText() == "Date de la question"
    dates = [window.model.result_row(r).question_date or "" for r in range(window.model.rowCount())]  # type: ignore[union-attr]
    dated = [d for d in dates if d]
    assert len(dated) > 1
    assert dated == sorted(dated, reverse=True)


def test_sort_order_by_delay(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.search_bar.set_sort_key("delai")
    delays = [window.model.result_row(r).answer_delay for r in range(10)]  # type: ignore[union-attr]
    known = [d for d in delays if d is not None]
    assert known
    assert known == sorted(known, reverse=True)


def test_sort_order_by_answer_date(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.search_bar.set_sort_key("reponse")
    assert window.search_bar.sort.currentText() == "Date de réponse"
    answered = [window.model.result_row(r).answer_date for r in range(20)]  # type: ignore[union-attr]
    known = [d for d in answered if d]
    assert len(known) == 20
    assert known == sorted(known, reverse=True)


# -- filters -----------------------------------------------------------------------------------


def test_facet_click_filters_rows_and_counts_and_shows_a_chip(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture")
    assert window.model.total == 7
    item = window.facets.find_value("legislature", "13")
    assert item is not None
    assert item.text(0) == "13e législature"
    assert item.text(1) == "1"
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        rect = window.facets.visualItemRect(item)
        qtbot.mouseClick(window.facets.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown_rows(window) == ["101851 · 13e"]
    assert window.search_bar.count.text() == "1 question"
    assert window.chips.chip_texts() == ["Législature : 13e législature"]
    assert window.chips.isVisible()
    # The counts follow: only one legislature left, one type.
    assert [
        i.text(0) for i in window.facets.value_items() if i.data(0, Qt.ItemDataRole.UserRole + 1)[0] == "type"
    ] == ["Questions écrites"]
    # Removing the chip brings everything back.
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        qtbot.mouseClick(window.chips.chips[0], Qt.MouseButton.LeftButton)
    assert window.model.total == 7
    assert not window.chips.isVisible()


def test_clear_all_removes_every_filter(qtbot: QtBot, window: MainWindow) -> None:
    for facet, value in (("type", "QG"), ("status", "answered")):
        with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
            window.facets.filter_toggled.emit(facet, value)
    assert window.chips.chip_texts() == ["Type : Questions au Gouvernement", "Statut : Répondue"]
    assert window.model.total == 539
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        qtbot.mouseClick(window.chips.clear_button, Qt.MouseButton.LeftButton)
    assert window.model.total == 581
    assert window.filters == []


# -- reading -------------------------------------------------------------------------------------


def test_opening_fills_both_panes_and_marks_the_matches(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture securite")
    assert window.model.row_of(BOUSQUET) is not None
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        window.table.selectRow(window.model.row_of(BOUSQUET))  # type: ignore[arg-type]
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == BOUSQUET
    question = window.reader.question_pane
    answer = window.reader.answer_pane
    assert "Mme Danielle Bousquet attire l'attention" in question.toPlainText()
    assert "La France suit avec la plus grande attention" in answer.toPlainText()
    q_marked = {question.document().toPlainText()[s:e] for s, e in question.hits}
    a_marked = {answer.document().toPlainText()[s:e] for s, e in answer.hits}
    assert q_marked == {"torture"}
    assert a_marked == {"torture", "sécurité"}  # "securite" marks "sécurité"
    assert "Kazakhstan" in window.reader.key_data.toPlainText()
    assert "8 mars 2011, page 2121" in window.reader.key_data.toPlainText()


def test_hopital_marks_hopitaux(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "hopital")
    answer = window.reader.answer_pane
    words = {answer.document().toPlainText()[s:e].lower() for s, e in answer.hits}
    assert words & {"hôpitaux", "hôpital"}
    assert "hôpitaux" in {w.lower() for w in words} or "hôpital" in words


def test_f3_and_shift_f3_move_across_both_panes(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture")
    open_uid(qtbot, window, BOUSQUET)
    window.activateWindow()
    window.table.setFocus()
    in_question = window.reader.question_pane.toPlainText().count("torture")
    in_answer = window.reader.answer_pane.toPlainText().count("torture")
    assert (in_question, in_answer) == (4, 5)
    assert window.reader.match_count == 9
    panes = []
    for _ in range(9):
        qtbot.keyClick(window.table, Qt.Key.Key_F3)
        panes.append(window.reader.current_match_pane())
    assert panes == ["question_pane"] * 4 + ["answer_pane"] * 5
    assert window.match_label.text() == "9 sur 9"
    qtbot.keyClick(window.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.match_label.text() == "8 sur 9"
    assert window.reader.current_match_text() == "torture"


def test_copy_reference_puts_the_citation_on_the_clipboard(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, BOUSQUET)
    QGuiApplication.clipboard().clear()
    window.activateWindow()
    qtbot.keyClick(
        window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert QGuiApplication.clipboard().text() == CITATION
    assert "Référence copiée" in window.statusBar().currentMessage()


def test_find_in_page_with_ctrl_f(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, BOUSQUET)
    window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.find_bar.isVisible()
    assert window.reader.find_bar.field.hasFocus()
    qtbot.keyClicks(window.reader.find_bar.field, "kazakhes")
    assert window.reader.match_count == 3  # "autorités kazakhes": once in the question, twice in the answer
    qtbot.keyClick(window.reader.find_bar.field, Qt.Key.Key_Return)
    assert window.reader.current_match_pane() == "question_pane"


def test_similar_questions_are_listed_and_open(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, "QANR5L16QG441")
    qtbot.waitUntil(
        lambda: window.similar.count() > 1 and bool(window.similar.item(0).data(Qt.ItemDataRole.UserRole))
    )
    first = window.similar.item(0)
    uid = first.data(Qt.ItemDataRole.UserRole)
    assert uid != "QANR5L16QG441"
    assert "16e lég." in first.text()
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        window.similar.itemActivated.emit(first)
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == uid


def test_back_and_forward_through_opened_questions(qtbot: QtBot, window: MainWindow) -> None:
    first = window.current_uid
    open_uid(qtbot, window, BOUSQUET)
    open_uid(qtbot, window, "QANR5L16QG441")
    window.activateWindow()
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        qtbot.keyClick(window.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_uid == BOUSQUET
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        qtbot.keyClick(window.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_uid == first
    assert not window.act_back.isEnabled()
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        qtbot.keyClick(window.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_uid == BOUSQUET


def test_keyboard_down_in_the_results_opens_the_next_question(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "torture")
    window.table.setFocus()
    second = window.model.uid_at(1)
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.current_uid == second
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == second


def test_zoom_keys_change_the_text_size(qtbot: QtBot, window: MainWindow) -> None:
    before = window.reader.font_size
    window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.font_size == before + 2
    qtbot.keyClick(window.table, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.font_size == before + 1
    assert window.reader.question_pane.document().defaultFont().pointSizeF() == before + 1


def test_layout_switches_to_one_pane_above_the_other(window: MainWindow) -> None:
    assert window.reader.panes.orientation() == Qt.Orientation.Horizontal
    window.act_vertical.trigger()
    assert window.reader.panes.orientation() == Qt.Orientation.Vertical


# -- state across restarts --------------------------------------------------------------------------


def test_restart_restores_the_layout_zoom_and_last_query(qtbot: QtBot, data_paths: DataPaths) -> None:
    window = open_window(qtbot, data_paths)
    search(qtbot, window, "torture")
    window.resize(734, 577)  # within the offscreen screen (800 × 600)
    window._set_zoom(3)
    window.act_vertical.trigger()
    window.main_split.setSizes([300, 434])
    window.table.setColumnWidth(ResultsModel.COL_ANALYSE, 444)
    sizes = window.main_split.sizes()
    window.close()

    again = open_window(qtbot, data_paths)
    assert again.search_bar.text() == "torture"
    assert again.model.total == 7  # the last query is searched again
    assert again.reader.zoom == 3
    assert again.reader.vertical
    assert again.act_vertical.isChecked()
    assert (again.width(), again.height()) == (734, 577)
    assert again.main_split.sizes() == sizes
    assert again.table.columnWidth(ResultsModel.COL_ANALYSE) == 444
    assert again.search_bar.field.history == ["torture"]
    assert (data_paths.root / "qe-desktop.ini").is_file()  # in the data folder, not the home folder
    again.close()


# -- import ----------------------------------------------------------------------------------------------


def bad_and_good_files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "notes.txt").write_text("Liste de courses : pain, lait.\n", encoding="utf-8")
    (folder / "vide.json").write_bytes(b"")
    (folder / "QANR5L17QE1.json").write_text('{"question": {"uid": "QANR5L17QE1"', encoding="utf-8")
    (folder / "13-101851QE.txt").write_bytes((sample_dir() / "page_text" / "13-101851QE.txt").read_bytes())
    return folder


def test_import_reports_rejected_files_with_their_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = bad_and_good_files(tmp_path / "dossier")
    with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
        window.import_paths([folder])
    dialog = window.import_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.heading.text() == "Import terminé"
    counts = {k: v.text() for k, v in dialog.count_labels.items()}
    assert counts == {"added": "0", "updated": "0", "unchanged": "1", "rejected": "3"}
    rows = dialog.rejected_rows()
    assert {Path(r[0]).name for r in rows} == {"notes.txt", "vide.json", "QANR5L17QE1.json"}
    reasons = {Path(r[0]).name: r[2] for r in rows}
    assert reasons["vide.json"] == "fichier vide"
    assert "JSON" in reasons["QANR5L17QE1.json"]
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "Fichier\tEnregistrement\tMotif"
    assert any(line.endswith("\t\tfichier vide") and "vide.json" in line for line in copied)
    assert not window.banner.isVisible()


def test_import_adds_questions_and_the_search_finds_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    source = sample_dir() / "an_json" / "qe17" / "QANR5L17QE5268.json"
    record = source.read_text(encoding="utf-8").replace("QANR5L17QE5268", "QANR5L17QE999999")
    record = record.replace('"numero": "5268"', '"numero": "999999"')
    new = tmp_path / "QANR5L17QE999999.json"
    new.write_text(record, encoding="utf-8")
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.import_paths([new])
    assert window.import_dialog is not None
    assert window.import_dialog.count_labels["added"].text() == "1"
    assert window.corpus_label.text() == "Corpus : 582 questions"
    assert window.index_label.text() == "Index à jour"
    search(qtbot, window, "999999")
    assert window.model.uid_at(0) == "QANR5L17QE999999"


def drag_enter(mime: QMimeData) -> QDragEnterEvent:
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        return QDragEnterEvent(QPointF(10, 10), *args)  # PySide6 >= 6.12
    except TypeError:
        return QDragEnterEvent(QPoint(10, 10), *args)


def test_dropping_files_on_the_window_imports_them(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = bad_and_good_files(tmp_path / "depose")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    point = QPointF(200, 200)
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # The window's own handlers (Qt only delivers drops during a real drag, which offscreen has not).
    enter = drag_enter(mime)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    assert "Déposez" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
        window.dropEvent(QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, keys))
    assert window.import_dialog is not None
    assert len(window.import_dialog.rejected_rows()) == 3


def test_dragging_text_is_not_an_import(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("hôpital")
    enter = drag_enter(mime)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_cancel_stops_an_import_and_the_report_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    def cancel_at_first_progress(_: object) -> None:
        if window.import_dialog is not None and window.import_dialog.cancel_button.isEnabled():
            qtbot.mouseClick(window.import_dialog.cancel_button, Qt.MouseButton.LeftButton)

    window.job_progressed.connect(cancel_at_first_progress)
    with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
        window.import_paths([sample_dir()])
    dialog = window.import_dialog
    assert dialog is not None
    assert dialog.heading.text() == "Import interrompu"
    assert "conservés" in dialog.message.text()


def test_reindex_shows_progress_with_a_cancel_button(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[bool] = []
    window.job_progressed.connect(
        lambda _: seen.append(window.progress.isVisible() and window.cancel_button.isVisible())
    )
    with qtbot.waitSignal(window.job_finished, timeout=60_000):
        window.act_reindex.trigger()
    assert seen
    assert all(seen)
    assert not window.progress.isVisible()
    assert not window.cancel_button.isVisible()
    assert window.index_label.text() == "Index à jour"


# -- help and errors -------------------------------------------------------------------------------------------


def test_shortcuts_are_listed_in_help(window: MainWindow) -> None:
    rows = dict(window.shortcut_list())
    assert rows["Copier la référence"] == QKeySequence("Ctrl+Shift+C").toString(
        QKeySequence.SequenceFormat.NativeText
    ).replace("Shift", "Maj")
    assert rows["Occurrence suivante"] == "F3"
    assert rows["Occurrence précédente"] == "Maj+F3"
    assert rows["Précédente"] == "Alt+←"
    assert rows["Suivante"] == "Alt+→"
    assert "Rechercher dans la page" in rows
    dialog = ShortcutsDialog(window.shortcut_list(), window)
    assert dialog.table.rowCount() == len(rows)
    dialog.deleteLater()


def test_a_search_error_is_a_french_message_and_a_logged_traceback(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure_logging(window.paths)

    def broken(request: object) -> SearchResult:
        raise RuntimeError("boom")

    assert window.reads.index is not None
    monkeypatch.setattr(window.reads.index, "search", broken)
    with qtbot.waitSignal(window.reads.search_finished, timeout=TIMEOUT):
        window.search_bar.set_text("torture")
        window.run_search()
    box = window.error_box
    assert isinstance(box, QMessageBox)
    assert box.text().startswith("Une erreur inattendue s'est produite.")
    assert "Traceback" not in box.text()
    for handler in logging.getLogger("qe_desktop").handlers:
        handler.flush()
    log = window.paths.log_file.read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "RuntimeError: boom" in log
    box.close()


def test_a_damaged_index_found_after_start_is_rebuilt_in_the_background(
    qtbot: QtBot, data_paths: DataPaths
) -> None:
    # Same size, other bytes: only the checksum check (run once the window is usable) sees it.
    [segment] = data_paths.index_dir.glob("*/*.seg")
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    window = MainWindow(data_paths, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    rebuilt: list[OperationDone] = []
    window.writes.operation_finished.connect(
        lambda done: rebuilt.append(done) if done.changes.index_rebuilt else None
    )
    window.start()
    qtbot.waitUntil(lambda: bool(rebuilt), timeout=START_TIMEOUT)
    assert rebuilt[0].name == "verify"
    assert rebuilt[0].error is None
    assert "Index de recherche reconstruit" in window.statusBar().currentMessage()
    index = window.writes.corpus.index
    assert index is not None
    assert index.check(deep=True).ok
    assert index.search("hôpital").total > 0
    window.close()


# -- a data folder that cannot be written, or is being written ------------------------------------


def test_a_read_only_data_folder_is_searched_and_says_so(
    qtbot: QtBot, data_paths: DataPaths, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root (others get the chmod test in e2e)")
    view = tmp_path / "lecture-seule"
    view.mkdir()
    if subprocess.run(
        ["mount", "--bind", "-o", "ro", str(data_paths.root), str(view)], check=False
    ).returncode:
        pytest.skip("no read-only bind mount here")
    try:
        window = open_window(qtbot, DataPaths(view))
        assert window.model.total > 0
        assert window.banner.isVisible()
        assert "lecture seule" in window.banner.label.text()
        assert not window.banner.action_button.isVisible()  # nothing can be imported there
        with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
            window.import_paths([sample_dir() / "an_xml"])
        dialog = window.import_dialog
        assert dialog is not None
        assert dialog.heading.text() == "Import impossible"
        assert "Dossier de données en lecture seule" in dialog.message.text()
        window.close()
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_folder_another_program_is_writing_is_opened_as_it_is(qtbot: QtBot, data_paths: DataPaths) -> None:
    with CorpusStore(data_paths.corpus_db) as store:  # an import under way elsewhere
        known = store.get("QANR5L17QE5268")
        assert known is not None
        store.upsert_questions([dataclasses.replace(known, uid="QANR5L17QE1", number=1)])
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom qe_desktop.folder import WriterLock\n"
        "lock = WriterLock(Path(sys.argv[1]), 'un import')\nlock.acquire()\nprint('held', flush=True)\ntime.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(data_paths.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        window = open_window(qtbot, data_paths)
        assert window.model.total > 0  # searched with the index as it is
        assert "mise à jour par un autre programme" in window.index_label.text()
        index = window.writes.corpus.index
        assert index is not None
        assert index.rebuilt_because is None
    finally:
        holder.kill()
        holder.wait()
    # The other program gone, an import brings the index in step first.
    with qtbot.waitSignal(window.import_reported, timeout=START_TIMEOUT):
        window.import_paths([sample_dir() / "an_xml"])
    assert window.writes.corpus.index is not None
    assert window.writes.corpus.index.check().ok
    # The searches use the index reopened in step, not the one closed.
    assert window.reads.index is window.writes.corpus.index
    search(qtbot, window, "hopital")  # typed keys: ASCII only
    assert window.model.total > 0
    assert window.error_box is None
    window.close()
