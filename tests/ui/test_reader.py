"""The reader on its own: records rendered by workers.shown_question, no index needed."""

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from qe_desktop.model import Question
from qe_desktop.store import CorpusStore
from qe_desktop.ui.reader import Reader, ReadingPane, fold_same_length, is_dark
from qe_desktop.ui.workers import shown_question

from ui.helpers import TODAY

QUESTION = (
    "M. Jean Dupont attire l'attention de Mme la ministre sur la situation des hôpitaux de proximité.\n\n"
    "Il lui demande si l'hôpital de Lannion sera maintenu."
)
ANSWER = "Le Gouvernement soutient les hôpitaux de proximité. L'Hôpital de Lannion est maintenu."


def question(**changes: object) -> Question:
    base = Question(
        uid="QANR5L17QE9001",
        legislature=17,
        type="QE",
        number=9001,
        analyse="Avenir des hôpitaux de proximité",
        rubrique="santé",
        author="M. Jean Dupont",
        group_abbrev="DEM",
        question_text=QUESTION,
        question_date="2026-10-29",
        question_page=1234,
        answer_text=ANSWER,
        answer_date="2026-11-20",
        answer_page=4321,
        status="answered",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    s = CorpusStore(tmp_path / "corpus.sqlite")
    s.upsert_questions(
        [
            question(),
            question(
                uid="QANR5L17QE9002",
                number=9002,
                status="pending",
                answer_text=None,
                answer_date=None,
                answer_page=None,
            ),
        ]
    )
    return s


@pytest.fixture
def reader(qtbot: QtBot) -> Reader:
    widget = Reader()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def marked(pane: ReadingPane) -> list[str]:
    text = pane.toPlainText()
    doc_text = pane.document().toPlainText()
    assert text == doc_text
    return [doc_text[s:e] for s, e in pane.hits]


def test_both_panes_show_their_text_with_the_query_marked_like_the_search(
    store: CorpusStore, reader: Reader
) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "hopital", TODAY)
    assert shown is not None
    reader.show_question(shown)
    assert "Question" in reader.question_pane.toPlainText()
    assert "Publiée au JO AN du 29 octobre 2026, page 1234" in reader.question_pane.toPlainText()
    assert "Publiée au JO du 20 novembre 2026, page 4321" in reader.answer_pane.toPlainText()
    # "hopital" marks the singular and the plural, with or without accent or capital.
    assert marked(reader.question_pane) == ["hôpitaux", "hôpital"]
    assert marked(reader.answer_pane) == ["hôpitaux", "Hôpital"]
    assert "hôpitaux" in marked(reader.key_data)
    assert "Mme" not in " ".join(marked(reader.question_pane))


def test_f3_moves_through_the_matches_of_both_panes_and_wraps(store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "hopital", TODAY)
    assert shown is not None
    reader.show_question(shown)
    seen = []
    for _ in range(5):
        reader.next_match()
        seen.append((reader.current_match_pane(), reader.current_match_text()))
    assert seen == [
        ("question_pane", "hôpitaux"),
        ("question_pane", "hôpital"),
        ("answer_pane", "hôpitaux"),
        ("answer_pane", "Hôpital"),
        ("question_pane", "hôpitaux"),
    ]
    reader.previous_match()
    assert (reader.current_match_pane(), reader.current_match_text()) == ("answer_pane", "Hôpital")
    # The current match is marked apart, and the pane's cursor is on it.
    assert len(reader.answer_pane.extraSelections()) == 1
    assert reader.answer_pane.textCursor().position() == reader.answer_pane.hits[1][0]


def test_a_pending_question_says_how_long_it_has_waited(store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9002", "", TODAY)
    assert shown is not None
    reader.show_question(shown)
    assert "En attente de réponse depuis 30 jours" in reader.answer_pane.toPlainText()
    assert "En attente de réponse depuis 30 jours" in reader.key_data.toPlainText()


def test_key_data_list_dates_and_pages_in_french(store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "", TODAY)
    assert shown is not None
    reader.show_question(shown)
    text = reader.key_data.toPlainText()
    assert "Question écrite n° 9001 — 17e législature" in text
    assert "29 octobre 2026, page 1234" in text
    assert "Délai de réponse" in text
    assert "22 jours" in text


def test_find_in_page_ignores_accents_and_case(qtbot: QtBot, store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "", TODAY)
    assert shown is not None
    reader.show_question(shown)
    reader.open_find()
    qtbot.keyClicks(reader.find_bar.field, "HOPITAL DE")
    assert reader.match_count == 2  # "hôpital de Lannion", "Hôpital de Lannion"
    qtbot.keyClick(reader.find_bar.field, Qt.Key.Key_Return)
    assert reader.current_match_text() == "hôpital de"
    assert reader.find_bar.count.text() == "1 sur 2"
    qtbot.keyClick(reader.find_bar.field, Qt.Key.Key_Escape)
    assert not reader.find_bar.isVisible()
    assert reader.match_count == 0  # back to the search matches: none for an empty query


def test_zoom_changes_the_reading_size(store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "", TODAY)
    assert shown is not None
    reader.show_question(shown)
    before = reader.question_pane.document().defaultFont().pointSizeF()
    reader.set_zoom(3)
    assert reader.question_pane.document().defaultFont().pointSizeF() == before + 3


def test_lines_stay_short_on_a_wide_pane(store: CorpusStore, reader: Reader) -> None:
    shown = shown_question(store, "QANR5L17QE9001", "", TODAY)
    assert shown is not None
    reader.set_vertical(True)  # full-width panes
    reader.resize(2400, 900)
    reader.show_question(shown)
    fmt = reader.question_pane.document().rootFrame().frameFormat()
    assert fmt.leftMargin() > 300
    assert reader.vertical


def test_dark_palette_gets_the_dark_stylesheet(qtbot: QtBot, store: CorpusStore, reader: Reader) -> None:
    palette = QPalette(reader.palette())
    palette.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.black)
    reader.setPalette(palette)
    assert is_dark(reader.palette())
    assert "#a8adb4" in reader.css()


def test_folding_keeps_positions() -> None:
    assert fold_same_length("Hôpital ŒUVRE É") == "hopital œuvre e"
