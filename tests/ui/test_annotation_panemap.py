"""A selection in a reader pane is exactly ``text[start:end]`` of the plain text, on real records.

The pane's HTML is ``render.question_html``/``answer_html`` in a QTextDocument with the reader's
stylesheet, as the window shows it; PaneMap (Qt-free) is checked against what Qt itself selects.
"""

from __future__ import annotations

import random

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from qe_desktop.annotations.panemap import PaneMap
from qe_desktop.model import Question
from qe_desktop.render import answer_html, question_html, stylesheet

from conftest import DATA, SAMPLE, questions_in

pytestmark = pytest.mark.usefixtures("qapp")

#: How Qt gives a selection: paragraph breaks as U+2029, line breaks as U+2028.
BREAKS = str.maketrans({"\u2029": "\n", "\u2028": "\n"})


def plain_shown(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").split())


def panes() -> list[tuple[str, str]]:
    out = []
    for q in questions_in(DATA, SAMPLE):
        if q.question_text:
            out.append((q.question_text, question_html(q)))
        if q.answer_text:
            out.append((q.answer_text, answer_html(q)))
    return out


def test_selections_map_exactly_onto_the_plain_text_of_every_sample_record() -> None:
    rng = random.Random(10)
    checked = 0
    for text, html in panes():
        doc = QTextDocument()
        doc.setDefaultStyleSheet(stylesheet())
        doc.setHtml(html)
        pane = PaneMap.align(text, doc.toRawText())
        assert pane.substitutions == 0
        for _ in range(10):
            a = rng.randrange(pane.text_start, pane.text_end)
            b = rng.randrange(a + 1, pane.text_end + 1)
            cursor = QTextCursor(doc)
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            span = pane.to_plain(a, b)
            assert span is not None
            start, end = span
            selected = cursor.selectedText()
            # The same characters, accents and non-breaking spaces included; only the
            # whitespace that rich text collapses or turns into breaks may differ.
            assert plain_shown(text[start:end]) == " ".join(
                selected.translate(BREAKS).replace("\u202f", " ").split()
            )
            assert text[start:end].count("\u00a0") == selected.count("\u00a0")
            # And back: the plain span drawn covers the same characters.
            da, db = pane.to_document(start, end)
            cursor.setPosition(da)
            cursor.setPosition(db, QTextCursor.MoveMode.KeepAnchor)
            assert plain_shown(cursor.selectedText().translate(BREAKS)) == plain_shown(text[start:end])
            checked += 1
    assert checked > 5000


def test_a_selection_across_a_paragraph_break_keeps_the_break_in_the_plain_text() -> None:
    text = "Première phrase, avec un\u00a0espace insécable.\n\nSeconde  phrase   espacée.\nLigne suivante."
    doc = QTextDocument()
    q = Question(uid="QANR5L17QE1", legislature=17, type="QE", number=1, question_text=text)
    doc.setHtml(question_html(q))
    pane = PaneMap.align(text, doc.toRawText())
    raw = doc.toRawText()
    a = raw.index("insécable")
    b = raw.index("espacée") + len("espacée")
    span = pane.to_plain(a, b)
    assert span is not None
    assert text[span[0] : span[1]] == "insécable.\n\nSeconde  phrase   espacée"
    assert pane.to_plain(0, 3) is None  # the heading is not the text
    da, db = pane.to_document(text.index("Ligne"), len(text))
    assert raw[da:db] == "Ligne suivante."
