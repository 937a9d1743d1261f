import dataclasses
import re
import subprocess
import sys
from datetime import date

import pytest

from qe_desktop.model import Question
from qe_desktop.render import (
    Highlights,
    answer_html,
    citation,
    document_html,
    key_data,
    key_data_html,
    normalise_spans,
    paragraphs,
    question_html,
    status_text,
    stylesheet,
    text_html,
)

QUESTION_TEXT = (
    "Mme Danielle Bousquet attire l'attention de M. le ministre d'État sur les droits humains.\n\n"
    "Elle lui demande les mesures envisagées."
)


def bousquet(**changes: object) -> Question:
    base = Question(
        uid="QANR5L13QE101851",
        legislature=13,
        type="QE",
        number=101851,
        rubrique="politique extérieure",
        analyse="Kazakhstan. droits de l'homme",
        author="Mme Danielle Bousquet",
        group="Socialiste, radical, citoyen et divers gauche",
        group_abbrev="SRC",
        constituency="Côtes-d'Armor (1re circonscription)",
        ministry_asked="Affaires étrangères et européennes",
        ministry_answering="Affaires étrangères et européennes",
        question_text=QUESTION_TEXT,
        question_date="2011-03-08",
        question_page=2121,
        answer_text="La France suit la situation.",
        answer_date="2011-06-14",
        answer_page=6264,
        status="answered",
        url="https://questions.assemblee-nationale.fr/q13/13-101851QE.htm",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def visible_text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def test_citation_has_the_format_of_the_issue() -> None:
    # French spacing: no-break after « n° » and « p. », a narrow no-break space before « ; ».
    assert citation(bousquet()) == (
        "QE n°\u00a0101851 de Mme Danielle Bousquet (13e législature), JO AN du 8 mars 2011, p.\u00a02121\u202f; "
        "réponse JO du 14 juin 2011, p.\u00a06264"
    )


def test_citation_of_a_pending_question_has_no_answer_part() -> None:
    q = bousquet(status="pending", answer_date=None, answer_page=None, answer_text=None)
    assert (
        citation(q)
        == "QE n°\u00a0101851 de Mme Danielle Bousquet (13e législature), JO AN du 8 mars 2011, p.\u00a02121"
    )


def test_citation_leaves_out_what_the_record_lacks() -> None:
    q = bousquet(type="QG", number=6, legislature=16, author=None, question_page=None, answer_page=None)
    assert (
        citation(q)
        == "QG n°\u00a06 (16e législature), JO AN du 8 mars 2011\u202f; réponse JO du 14 juin 2011"
    )


def test_key_data_gives_dates_with_pages_in_french() -> None:
    data = {d.label: d.value for d in key_data(bousquet())}
    assert data["Question publiée au JO"] == "8 mars 2011, page 2121"
    assert data["Réponse publiée au JO"] == "14 juin 2011, page 6264"
    assert data["Délai de réponse"] == "98 jours"
    assert data["Groupe"] == "Socialiste, radical, citoyen et divers gauche (SRC)"
    assert data["Statut"] == "Répondue"
    assert "Tête d'analyse" not in data  # absent values are left out, not shown empty


def test_key_data_lists_signalement_renewals_errata_and_link() -> None:
    q = bousquet(
        signal_date="2011-05-02", renewal_dates=("2011-06-01",), errata=("page 2121 : lire « OSCE »",)
    )
    html = key_data_html(q)
    assert "Question signalée au Gouvernement le 2 mai 2011" in html
    assert "1er juin 2011" in html
    assert "lire « OSCE »" in html
    assert '<a href="https://questions.assemblee-nationale.fr/q13/13-101851QE.htm">' in html


def test_pending_question_says_how_long_it_has_waited() -> None:
    q = bousquet(status="pending", answer_date=None, answer_page=None, answer_text=None)
    today = date(2011, 4, 7)
    assert status_text(q, today) == "En attente de réponse depuis 30 jours"
    assert "En attente de réponse depuis 30 jours" in answer_html(q, today=today)
    assert "Délai de réponse" not in {d.label for d in key_data(q, today)}


def test_withdrawn_question_says_when_and_why() -> None:
    q = bousquet(status="withdrawn", answer_date=None, answer_text=None, closure_date="2012-06-19")
    q = dataclasses.replace(q, closure_label="Fin de mandat")
    assert status_text(q) == "Retirée le 19 juin 2012 (Fin de mandat)"


def test_panes_have_heading_and_jo_reference() -> None:
    q = bousquet()
    assert "Publiée au JO AN du 8 mars 2011, page 2121" in question_html(q)
    assert "Publiée au JO du 14 juin 2011, page 6264" in answer_html(q)
    assert ">Question</h2>" in question_html(q)
    assert ">Réponse</h2>" in answer_html(q)


def test_paragraphs_come_from_blank_lines_with_their_offsets() -> None:
    text = "Premier  paragraphe.\n\n  Second\nsur deux lignes.\n \n\nTroisième."
    paras = paragraphs(text)
    assert [p for _, p in paras] == ["Premier  paragraphe.", "Second\nsur deux lignes.", "Troisième."]
    for offset, para in paras:
        assert text[offset : offset + len(para)] == para


def test_every_text_is_escaped() -> None:
    q = bousquet(
        analyse="<script>alert(1)</script>",
        question_text="Un texte avec <b>balises</b> & esperluette",
        author='M. "Guillemets" <x>',
    )
    html = document_html(q)
    assert "<script>" not in html
    assert "<b>balises</b>" not in html
    assert "&lt;b&gt;balises&lt;/b&gt; &amp; esperluette" in html
    assert "&lt;x&gt;" in html


def test_highlights_wrap_matches_with_numbered_anchors() -> None:
    text = "Les hôpitaux publics et les hôpitaux privés."
    first = text.index("hôpitaux")
    second = text.index("hôpitaux", first + 1)
    html = text_html(text, [(second, second + 8), (first, first + 8)], pane="question")
    assert html.count('<span class="hit">') == 2
    assert '<a name="hit-question-0"></a>hôpitaux' in html
    assert '<a name="hit-question-1"></a>hôpitaux' in html
    assert visible_text(html) == text


def test_highlight_spans_are_mapped_into_each_paragraph() -> None:
    text = QUESTION_TEXT
    start = text.index("droits")
    demande = text.index("demande")
    html = text_html(text, [(start, start + 6), (demande, demande + 7)], pane="answer")
    first, second = html.split("\n")
    assert '<a name="hit-answer-0"></a>droits</span>' in first
    assert '<a name="hit-answer-1"></a>demande</span>' in second


def test_a_span_across_a_paragraph_break_is_marked_in_both() -> None:
    text = "fin du premier\n\ndébut du second"
    html = text_html(text, [(7, 24)], pane="question")
    assert html.count('class="hit"') == 2
    assert "premier</span>" in html
    assert '"></a>début du</span>' in html


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(5, 8), (0, 3)], [(0, 3), (5, 8)]),
        ([(0, 4), (2, 6)], [(0, 6)]),
        ([(0, 4), (4, 6)], [(0, 6)]),
        ([(3, 3), (-2, 1), (8, 50)], [(0, 1), (8, 10)]),
    ],
)
def test_spans_are_sorted_clipped_and_merged(
    spans: list[tuple[int, int]], expected: list[tuple[int, int]]
) -> None:
    assert normalise_spans(spans, 10) == expected


def test_analyse_highlight_goes_into_the_heading() -> None:
    html = key_data_html(bousquet(), Highlights(analyse=((0, 10),)))
    assert '<h1 class="analyse"><span class="hit"><a name="hit-analyse-0"></a>Kazakhstan</span>' in html


def test_missing_texts_say_so() -> None:
    q = bousquet(question_text=None, answer_text=None)
    assert "Texte non disponible." in question_html(q)
    assert "son texte n'est pas dans le corpus" in answer_html(q)


def test_an_oral_question_points_to_the_transcript() -> None:
    q = bousquet(type="QG", question_text=None)
    assert "Question posée oralement en séance" in question_html(q)


def test_document_is_standalone_with_the_reader_css() -> None:
    html = document_html(bousquet(), Highlights(question=((0, 3),)))
    assert html.startswith("<html>")
    assert "span.hit" in html
    assert "Question écrite n° 101851 — 13e législature" in html
    assert "La France suit la situation." in html
    assert stylesheet(dark=True).count("span.hit") == 1


def test_render_never_imports_qt() -> None:
    code = "import sys, qe_desktop.render; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
