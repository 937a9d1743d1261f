"""Annotating in the reader, as a user does it: select, highlight, note, change, undo, restart.

The window runs on a copy of the sample corpus (``window`` fixture); the records are real
questions of the Assemblée nationale (``resources/sample``).
"""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QAbstractProxyModel, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from qe_desktop.annotations.edits import PutDossier, new_id, now_iso
from qe_desktop.annotations.store import UserStore
from qe_desktop.model import Annotation, Dossier
from qe_desktop.paths import DataPaths
from qe_desktop.render import HIGHLIGHT_COLOURS, NOTE_MARK
from qe_desktop.store import CorpusStore
from qe_desktop.ui.annotating import ColoursDialog, NoteDialog
from qe_desktop.ui.main_window import MainWindow
from qe_desktop.ui.reader import ReadingPane
from qe_desktop.ui.results_model import ResultsModel

from ui.helpers import TIMEOUT, open_window, search

#: A real answered question of the sample (13th legislature).
UID = "QANR5L13QE101851"
WORDS = "violations des droits humains au Kazakhstan"
#: A real answer whose text holds a table: paragraph breaks, line breaks, non-breaking spaces.
TABLE_UID = "QANR5L14QE47351"


def wait_user_ready(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.user_state is not None and window.user_state.ready, timeout=TIMEOUT)


def open_uid(qtbot: QtBot, window: MainWindow, uid: str) -> None:
    wait_user_ready(qtbot, window)
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        window.open_question(uid)


def select_words(pane: ReadingPane, text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    pane.select_passage(start, start + len(words))
    return start, start + len(words)


def stored(paths: DataPaths, uid: str = UID) -> list[Annotation]:
    with UserStore(paths.user_db, readonly=True) as user:
        return user.annotations_for(uid)


def drawn_text(pane: ReadingPane) -> list[tuple[str, int | None]]:
    """Each highlight drawn: the words under it and its colour."""
    raw = pane.document().toRawText()
    return [(raw[d.start : d.end], d.placed.annotation.colour) for d in pane.drawn]


def background_at(pane: ReadingPane, position: int) -> str:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat().background().color().name()


def point_of(pane: ReadingPane, position: int) -> QPoint:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position)
    rect = pane.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def press_in_reader(qtbot: QtBot, window: MainWindow, widget: object, key: Qt.Key, **kw: object) -> None:
    """A key that ends in an edit: wait until the question is redrawn with it."""
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        qtbot.keyClick(widget, key, **kw)  # type: ignore[arg-type]


def highlight(qtbot: QtBot, window: MainWindow, words: str = WORDS, key: Qt.Key = Qt.Key.Key_2) -> None:
    pane = window.reader.question_pane
    text = window.reader.shown.question.question_text  # type: ignore[union-attr]
    select_words(pane, text, words)
    press_in_reader(qtbot, window, pane, key)


def accept(qtbot: QtBot, window: MainWindow, dialog: object) -> None:
    """Click « Enregistrer » and wait for the edit to be drawn."""
    assert isinstance(dialog, NoteDialog | ColoursDialog)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    with qtbot.waitSignal(window.user_changed, timeout=TIMEOUT):
        box.button(QDialogButtonBox.StandardButton.Ok).click()


# -- the loop ------------------------------------------------------------------------


def test_a_selection_highlighted_with_key_2_is_saved_drawn_and_still_there_after_a_restart(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    highlight(qtbot, window)

    [annotation] = stored(data_paths)
    assert annotation.colour == 2
    assert annotation.anchor is not None
    assert annotation.anchor.exact == WORDS
    pane = window.reader.question_pane
    assert drawn_text(pane) == [(WORDS, 2)]
    assert background_at(pane, pane.drawn[0].start) == HIGHLIGHT_COLOURS[2]
    assert window.undo_stack.undoText() == "Surligner « violations des droits humains au Kazakh… »"

    window.close()
    again = open_window(qtbot, data_paths)
    try:
        open_uid(qtbot, again, UID)
        assert drawn_text(again.reader.question_pane) == [(WORDS, 2)]
    finally:
        again.close()


def test_ctrl_z_and_ctrl_shift_z_remove_and_restore_the_highlight(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, UID)
    highlight(qtbot, window, key=Qt.Key.Key_1)
    pane = window.reader.question_pane
    assert drawn_text(pane) == [(WORDS, 1)]

    press_in_reader(qtbot, window, pane, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert drawn_text(pane) == []
    press_in_reader(
        qtbot,
        window,
        pane,
        Qt.Key.Key_Z,
        modifier=Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert drawn_text(pane) == [(WORDS, 1)]


def test_a_selection_across_paragraphs_line_breaks_and_no_break_spaces_is_the_exact_passage(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, TABLE_UID)
    shown = window.reader.shown
    assert shown is not None
    assert shown.question.answer_text is not None
    text = shown.question.answer_text
    pane = window.reader.answer_pane
    # From the first paragraph into the table: a blank line, line breaks, « 194 588 » with a NBSP.
    start = text.index("parlementaire figurent")
    end = text.index("194\u00a0588") + len("194\u00a0588")
    raw = pane.document().toRawText()
    cursor = QTextCursor(pane.document())
    cursor.setPosition(raw.index("parlementaire figurent"))
    cursor.setPosition(raw.index("194\u00a0588") + 7, QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    assert pane.selected_passage() == (start, end)
    press_in_reader(qtbot, window, pane, Qt.Key.Key_3)
    [annotation] = stored(data_paths, TABLE_UID)
    assert annotation.anchor is not None
    assert annotation.anchor.exact == text[start:end]
    assert "\n\n" in annotation.anchor.exact
    assert "\u00a0" in annotation.anchor.exact
    assert annotation.anchor.pane == "answer"


def test_n_opens_the_note_editor_note_and_tags_are_saved_marked_and_shown_on_hover(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    pane = window.reader.question_pane
    select_words(pane, window.reader.shown.question.question_text or "", WORDS)  # type: ignore[union-attr]
    with qtbot.waitSignal(window.annotator.dialog_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(pane, Qt.Key.Key_N)
    dialog = opened.args[0]
    assert isinstance(dialog, NoteDialog)
    dialog.note.setPlainText("Amnesty cité.\n\nÀ vérifier dans le rapport 2010.")
    dialog.tags.setText("droits humains, Kazakhstan")
    dialog.colour.setCurrentIndex(dialog.colour.findData(3))
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        accept(qtbot, window, dialog)

    [annotation] = stored(data_paths)
    assert annotation.note == "Amnesty cité.\n\nÀ vérifier dans le rapport 2010."
    assert annotation.tags == ("droits humains", "Kazakhstan")
    assert annotation.colour == 3
    assert drawn_text(pane) == [(WORDS, 3)]
    raw = pane.document().toRawText()
    assert raw[pane.drawn[0].end] == NOTE_MARK  # the small mark right after the passage
    tip = pane.tooltip_of(pane.drawn[0].placed)
    assert "À vérifier" in tip
    assert "Amnesty cité." in tip
    assert "droits humains, Kazakhstan" in tip

    # The tags are offered to the next note.
    select_words(pane, window.reader.shown.question.question_text or "", "Amnesty international")  # type: ignore[union-attr]
    with qtbot.waitSignal(window.annotator.dialog_opened, timeout=TIMEOUT) as opened:
        qtbot.keyClick(pane, Qt.Key.Key_N)
    second = opened.args[0]
    second.tags.setText("torture, kaza")
    completer = second.tags.completer()
    completer.setCompletionPrefix(completer.splitPath(second.tags.text())[0])
    found = completer.completionModel().index(0, 0)
    assert found.data() == "Kazakhstan"
    proxy = completer.completionModel()
    assert isinstance(proxy, QAbstractProxyModel)
    assert completer.pathFromIndex(proxy.mapToSource(found)) == "torture, Kazakhstan, "
    second.reject()


def test_the_context_menu_of_a_highlight_changes_its_colour_then_deletes_it(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    highlight(qtbot, window)
    pane = window.reader.question_pane
    pane.setTextCursor(QTextCursor(pane.document()))  # nothing selected: the menu is the highlight's
    point = point_of(pane, pane.drawn[0].start + 3)
    menu = QMenu()
    actions = pane.annotation_menu_actions(point, menu)
    names = [a.text() for a in actions]
    assert names == ["Couleur", "Modifier la note et les étiquettes…", "Supprimer le surlignage"]
    colours = actions[0].menu()
    assert [a.text() for a in colours.actions()] == [
        "Engagement du ministre",
        "Chiffre / donnée",
        "À vérifier",
        "Citation utile",
        "Contexte",
    ]
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        colours.actions()[3].trigger()
    assert [a.colour for a in stored(data_paths)] == [4]
    assert drawn_text(pane) == [(WORDS, 4)]

    actions = pane.annotation_menu_actions(point_of(pane, pane.drawn[0].start + 3), menu)
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        actions[2].trigger()
    assert stored(data_paths) == []
    assert drawn_text(pane) == []
    # Undone, it is back with its colour.
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        window.act_undo.trigger()
    assert drawn_text(pane) == [(WORDS, 4)]


def test_the_context_menu_of_a_selection_offers_the_colours_and_a_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_uid(qtbot, window, UID)
    pane = window.reader.question_pane
    _start, _ = select_words(pane, window.reader.shown.question.question_text or "", WORDS)  # type: ignore[union-attr]
    menu = QMenu()
    actions = pane.annotation_menu_actions(point_of(pane, pane.textCursor().selectionStart() + 2), menu)
    assert [a.text() for a in actions][-2:] == ["Ajouter une note…", "Exporter la sélection…"]
    assert actions[1].text() == "Chiffre / donnée"
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        actions[4].trigger()
    assert drawn_text(pane) == [(WORDS, 5)]


def test_the_selection_bar_highlights_with_the_mouse(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, UID)
    pane = window.reader.question_pane
    select_words(pane, window.reader.shown.question.question_text or "", WORDS)  # type: ignore[union-attr]
    pane.show_selection_bar()
    bar = pane.selection_bar
    assert bar is not None
    assert bar.isVisible()
    assert bar.colour_buttons[0].toolTip() == "Surligner : Engagement du ministre (1)"
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        qtbot.mouseClick(bar.colour_buttons[0], Qt.MouseButton.LeftButton)
    assert drawn_text(pane) == [(WORDS, 1)]


def test_clicking_a_highlight_selects_it_and_the_panel_can_scroll_to_it(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    highlight(qtbot, window)
    pane = window.reader.question_pane
    pane.setTextCursor(QTextCursor(pane.document()))
    [annotation] = stored(data_paths)
    with qtbot.waitSignal(window.annotation_selected, timeout=TIMEOUT) as clicked:
        qtbot.mouseClick(
            pane.viewport(), Qt.MouseButton.LeftButton, pos=point_of(pane, pane.drawn[0].start + 3)
        )
    assert clicked.args == [annotation.id]
    assert window.reader.scroll_to_annotation(annotation.id)
    assert pane.textCursor().position() == pane.drawn[0].start
    assert not window.reader.scroll_to_annotation("pas-une-annotation")


def test_a_note_on_the_whole_question_shows_at_the_top(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    with qtbot.waitSignal(window.annotator.dialog_opened, timeout=TIMEOUT) as opened:
        window.act_question_note.trigger()
    dialog = opened.args[0]
    dialog.note.setPlainText("Question à suivre pour la commission <des affaires étrangères>.")
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        accept(qtbot, window, dialog)
    [note] = stored(data_paths)
    assert note.anchor is None
    pane = window.reader.question_pane
    shown = pane.document().toPlainText()
    assert shown.index("Note sur la question") < shown.index("Question à suivre pour la commission <des")
    assert shown.index("Question à suivre") < shown.index("Mme Danielle Bousquet")
    # The text below it still maps exactly.
    highlight(qtbot, window)
    assert drawn_text(pane) == [(WORDS, 2)]

    # Emptied, the note goes away.
    with qtbot.waitSignal(window.annotator.dialog_opened, timeout=TIMEOUT) as opened:
        window.act_question_note.trigger()
    opened.args[0].note.setPlainText("")
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT):
        accept(qtbot, window, opened.args[0])
    assert [a.anchor is None for a in stored(data_paths)] == [False]


def test_a_passage_removed_from_the_text_is_listed_as_lost_never_drawn(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    open_uid(qtbot, window, UID)
    highlight(qtbot, window)
    with CorpusStore(data_paths.corpus_db) as corpus:
        q = corpus.get(UID)
        assert q is not None
        assert q.question_text is not None
        edited = q.question_text.replace(WORDS, "la situation au Kazakhstan")
        corpus.upsert_questions([dataclasses.replace(q, question_text=edited)])
    with qtbot.waitSignals([window.user_changed, window.question_shown], timeout=TIMEOUT):
        window.user_writes.reanchor([UID])
    pane = window.reader.question_pane
    assert drawn_text(pane) == []
    shown = pane.document().toRawText()  # with its no-break spaces
    assert "Passage introuvable (dans la question)" in shown
    assert f"«\u00a0{WORDS}\u00a0»" in shown
    assert "la situation au Kazakhstan" in shown
    # The text above the list still maps exactly onto the new text.
    highlight(qtbot, window, "la situation au Kazakhstan", Qt.Key.Key_5)
    assert drawn_text(pane) == [("la situation au Kazakhstan", 5)]


def test_the_results_list_shows_the_annotations_and_the_dossiers(
    qtbot: QtBot, window: MainWindow, data_paths: DataPaths
) -> None:
    wait_user_ready(qtbot, window)
    search(qtbot, window, "101851")
    model = window.model
    row = model.row_of(UID)
    assert row is not None
    assert model.index(row, ResultsModel.COL_MARKS).data() in ("", None)
    highlight(qtbot, window)
    marks = model.index(row, ResultsModel.COL_MARKS)
    assert marks.data() == "1"
    assert marks.data(Qt.ItemDataRole.DecorationRole) is not None
    assert marks.data(Qt.ItemDataRole.ToolTipRole) == "1 annotation : Chiffre / donnée"

    dossier = Dossier(new_id(), "Kazakhstan", items=(UID,), created=now_iso(), modified=now_iso())
    with qtbot.waitSignal(window.user_changed, timeout=TIMEOUT):
        window.do_edit(PutDossier(dossier), "Nouveau dossier")
    assert model.index(row, ResultsModel.COL_DOSSIERS).data() == "Kazakhstan"

    # A new search reads them with the rows.
    search(qtbot, window, "Kazakhstan")
    row = model.row_of(UID)
    assert row is not None
    assert model.index(row, ResultsModel.COL_MARKS).data() == "1"
    assert model.index(row, ResultsModel.COL_DOSSIERS).data() == "Kazakhstan"


def test_renamed_colours_show_in_the_menus(qtbot: QtBot, window: MainWindow) -> None:
    open_uid(qtbot, window, UID)
    with qtbot.waitSignal(window.annotator.dialog_opened, timeout=TIMEOUT) as opened:
        window.act_colours.trigger()
    dialog = opened.args[0]
    assert isinstance(dialog, ColoursDialog)
    field = dialog.findChild(QLineEdit, "colour_meaning_2")
    assert field is not None
    assert field.text() == "Chiffre / donnée"
    field.setText("Chiffre clé")
    accept(qtbot, window, dialog)
    assert window.user_state is not None
    assert window.user_state.colours[1].meaning == "Chiffre clé"
    pane = window.reader.question_pane
    select_words(pane, window.reader.shown.question.question_text or "", WORDS)  # type: ignore[union-attr]
    menu = QMenu()
    actions = pane.annotation_menu_actions(point_of(pane, pane.textCursor().selectionStart() + 2), menu)
    assert actions[1].text() == "Chiffre clé"
    assert window.undo_stack.undoText() == "Renommer la couleur 2 « Chiffre clé »"


@pytest.mark.parametrize("key", [Qt.Key.Key_1, Qt.Key.Key_N])
def test_keys_do_nothing_without_a_selection(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    open_uid(qtbot, window, UID)
    pane = window.reader.question_pane
    qtbot.keyClick(pane, key)
    assert window.undo_stack.count() == 0
    assert window.annotator.dialog is None
