"""The user's highlights in the rendered HTML: with the search matches, escaped, both visible."""

import html
import re

from qe_desktop.model import Question
from qe_desktop.render import (
    NOTE_MARK,
    AnnotationSpan,
    NoteBlock,
    question_html,
    stylesheet,
    text_html,
)

TEXT = "Le <budget> & les hôpitaux publics.\n\nLes hôpitaux privés\u00a0aussi."


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<br />", "\n", re.sub(r"<(?!br />)[^>]+>", "", fragment)))


def span(
    words: str, colour: int | None, *, note: bool = False, ident: str = "a1", nth: int = 0
) -> AnnotationSpan:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(words, start + 1)
    return AnnotationSpan("question", start, start + len(words), colour, ident, note)


def test_a_match_inside_a_highlight_keeps_both_visible_and_the_text_escaped() -> None:
    hit = TEXT.index("hôpitaux")
    out = text_html(TEXT, [(hit, hit + 8)], pane="question", annotations=[span("<budget> & les hôpitaux", 2)])
    first = out.split("\n")[0]
    assert '<span class="a2">Le &lt;budget&gt; &amp; les </span>' not in first  # "Le " is not highlighted
    assert '<span class="a2">&lt;budget&gt; &amp; les </span>' in first
    # The match keeps its anchor and is underlined in bold inside the highlight's colour.
    assert '<span class="a2"><span class="inhit"><a name="hit-question-0"></a>hôpitaux</span></span>' in first
    assert visible(out) == "Le <budget> & les hôpitaux publics.\nLes hôpitaux privés\u00a0aussi."
    assert "<budget>" not in out


def test_a_match_partly_inside_a_highlight_is_marked_on_both_sides_with_one_anchor() -> None:
    hit = TEXT.index("hôpitaux publics")
    out = text_html(TEXT, [(hit, hit + 16)], pane="question", annotations=[span("les hôpitaux", 1)])
    assert out.count('name="hit-question-') == 1
    assert '<span class="a1"><span class="inhit"><a name="hit-question-0"></a>hôpitaux</span></span>' in out
    assert '<span class="hit"> publics</span>' in out


def test_overlapping_highlights_show_the_innermost_colour() -> None:
    out = text_html(
        TEXT,
        [],
        pane="question",
        annotations=[span("Les hôpitaux privés", 3, ident="long"), span("hôpitaux", 5, ident="short", nth=1)],
    )
    second = out.split("\n")[1]
    assert (
        '<span class="a3">Les </span><span class="a5">hôpitaux</span><span class="a3"> privés</span>'
        in second
    )


def test_a_highlight_with_a_note_is_followed_by_the_note_mark() -> None:
    out = text_html(TEXT, [], pane="question", annotations=[span("hôpitaux publics.", None, note=True)])
    assert f'<span class="a0">hôpitaux publics.</span><sup class="notemark">{NOTE_MARK}</sup></p>' in out


def test_a_noted_highlight_across_a_paragraph_break_gets_its_mark_at_its_last_word() -> None:
    out = text_html(TEXT, [], pane="question", annotations=[span("publics.\n\nLes", 4, note=True)])
    first, second = out.split("\n")
    assert NOTE_MARK not in first
    assert f'<span class="a4">Les</span><sup class="notemark">{NOTE_MARK}</sup>' in second


def test_highlights_of_the_other_pane_are_not_drawn() -> None:
    other = AnnotationSpan("answer", 0, 5, 2, "x")
    assert "a2" not in text_html(TEXT, [], pane="question", annotations=[other])


def test_question_notes_come_first_and_lost_passages_last_escaped() -> None:
    q = Question(uid="QANR5L17QE1", legislature=17, type="QE", number=1, question_text=TEXT)
    out = question_html(
        q,
        notes=[NoteBlock("n", "Suivre <ceci>.\n\nEt cela.", tags=("budget",))],
        orphans=[NoteBlock("o", "Ma note", "l'ancien passage", "answer", 3, (), "À vérifier")],
    )
    assert out.index("Note sur la question") < out.index("<h2") < out.index("Passage introuvable")
    assert "Suivre &lt;ceci&gt;." in out
    assert "Et cela." in out
    assert "Passage introuvable (dans la réponse) — À vérifier" in out
    assert "«\u00a0l&#x27;ancien passage\u00a0»" in out
    assert 'name="passages-introuvables"' in out


def test_the_stylesheet_has_each_highlight_colour() -> None:
    css = stylesheet()
    for n in range(6):
        assert f"span.a{n} " in css
