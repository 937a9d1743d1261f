"""html_to_text / transcript_to_text: what the reader shows for the sources' HTML."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qe_desktop.importers.html_text import html_to_text, transcript_to_text

from conftest import DATA

NBSP = "\u00a0"


def _legacy_answer_html() -> str:
    xml = (DATA / "an_xml" / "14-47351QE.xml").read_text(encoding="utf-8")
    match = re.search(r"<TEXTE_REPONSE>\s*<!\[CDATA\[(.*?)\]\]>", xml, re.S)
    assert match
    return match[1]


def _qg_transcript(name: str) -> str:
    data = json.loads((DATA / "an_json" / f"{name}.json").read_text(encoding="utf-8"))
    text: str = data["question"]["textesReponse"]["texteReponse"]["texte"]
    return text


def _assert_clean(text: str) -> None:
    """The invariants every converted text keeps."""
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert "  " not in text
    assert re.search(r"</?[A-Za-z]", text) is None  # no tag survives
    for line in text.split("\n"):
        assert line == line.strip(" \t" + NBSP)


# -- plain text and inline markup ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("   \n  ", ""),
        ("Un  texte\tsimple ", "Un texte simple"),
        ("Premier.\n\nSecond.", "Premier.\n\nSecond."),
        ("Premier.\r\n  \r\nSecond.", "Premier.\n\nSecond."),
        ("ligne un\nligne deux", "ligne un\nligne deux"),
        (f"décret n°{NBSP}2002-65 du 14{NBSP}janvier", f"décret n°{NBSP}2002-65 du 14{NBSP}janvier"),
        ("AT&T et &#160;x", f"AT&T et {NBSP}x"),
        ("bip\x07 \x00nul", "bip nul"),
    ],
)
def test_plain_text(source: str, expected: str) -> None:
    assert html_to_text(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Un</p><p>Deux</p>", "Un\n\nDeux"),
        ("Un<br>deux", "Un\ndeux"),
        ("Un<br><br>deux", "Un\n\ndeux"),
        ("Un<br> <br />deux", "Un\n\ndeux"),
        ("Un<BR/>deux<br><br><br><br>trois", "Un\ndeux\n\ntrois"),
        ("le 1<sup>er</sup> <em>janvier</em>", "le 1er janvier"),
        ("&laquo;&#160;citation&nbsp;&raquo; &amp; &eacute;t&eacute;", f"«{NBSP}citation{NBSP}» & été"),
        ("<p align=CENTER>Titre</p>suite", "Titre\n\nsuite"),
        ("<p>Un<p>Deux</div></b>Trois", "Un\n\nDeux\n\nTrois"),
        ("<div><p>  </p><p>&#160;</p>Texte</div>", "Texte"),
        ("avant<script>alert(1)</script><style>p{}</style>après", "avantaprès"),
        ("<ul><li>un</li><li>deux</li></ul>fin", "– un\n– deux\n\nfin"),
        ("<h2>Titre</h2>Corps", "Titre\n\nCorps"),
        ("taux < 5 % et > 2 %", "taux < 5 % et > 2 %"),
        ("Texte coupé dans sa balise<b", "Texte coupé dans sa balise"),
        ("<!-- commentaire -->Texte", "Texte"),
        ("Premier.\n\n<em>Second</em>.", "Premier.\n\nSecond."),
        ("mot\ncoupé <i>là</i>", "mot coupé là"),
    ],
)
def test_html(source: str, expected: str) -> None:
    assert html_to_text(source) == expected


def test_none_and_non_strings_give_empty_text() -> None:
    assert html_to_text(None) == ""
    assert transcript_to_text(None) == ""
    assert html_to_text(42) == ""  # type: ignore[arg-type]


# -- tables -------------------------------------------------------------------------------


def test_legacy_table_becomes_one_line_per_row_with_a_merged_header() -> None:
    text = html_to_text(_legacy_answer_html())
    intro, table = text.split("\n\n")
    assert intro == (
        "Les données relatives aux équipements du génie dédiés à l'agencement de l'espace terrestre "
        "sollicitées par l'honorable parlementaire figurent dans le tableau suivant :"
    )
    lines = table.split("\n")
    assert lines[0] == (
        "TYPE DE MATÉRIEL | NOMBRE DE MATÉRIEL en service au 31-12-2012 | "
        "NOMBRE DE MATÉRIEL en service au 31-12-2013 | "
        "TAUX DE DISPONIBILITÉ moyen (en %) sur la durée de l'année 2012 | "
        "TAUX DE DISPONIBILITÉ moyen (en %) sur la durée de l'année 2013 | "
        "ÂGE MOYEN des matériels (en années) | "
        "COÛT UNITAIRE DU MAINTIEN en condition opérationnelle en 2013 (en euros)"
    )
    assert lines[1] == "--- | --- | --- | --- | --- | --- | ---"
    assert len(lines) == 2 + 16
    assert lines[3] == (
        f"BUFFALO (équipement de protection contre les engins explosifs) | 5 | 5 | 44,50 | 25,40 | 5 | 30{NBSP}262"
    )
    assert lines[16] == f"VAB Génie | 314 | 302 | 43,10 | 36,70 | 30 | 28{NBSP}972"
    assert all(line.count(" | ") == 6 for line in lines)
    assert "<" not in text
    assert "DEBTAB" not in text


def test_table_without_header_and_text_around() -> None:
    html = "Avant<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d|e</td></tr></table>Après"
    assert html_to_text(html) == "Avant\n\na | b\nc | d¦e\n\nAprès"


def test_spans_fill_the_grid() -> None:
    html = (
        "<table><tr><th rowspan=2>Poste</th><th colspan=2>Montant</th></tr>"
        "<tr><th>2012</th><th>2013</th></tr>"
        "<tr><td rowspan=2>Personnel</td><td>1</td><td>2</td></tr>"
        "<tr><td>3</td><td>4</td></tr>"
        "<tr><td colspan=3>Total général</td></tr></table>"
    )
    assert html_to_text(html) == (
        "Poste | Montant 2012 | Montant 2013\n--- | --- | ---\n"
        "Personnel | 1 | 2\nPersonnel | 3 | 4\nTotal général"
    )


def test_one_column_table_gives_paragraphs_and_nested_tables_stay_in_their_cell() -> None:
    assert html_to_text("<table><tr><td>Un</td></tr><tr><td>Deux</td></tr></table>") == "Un\n\nDeux"
    nested = (
        "<table><tr><td>a<table><tr><td>x</td><td>y<b>z</b></td></tr></table></td><td>b</td></tr></table>"
    )
    assert html_to_text(nested) == "a x yz | b"


def test_unclosed_table_and_hostile_spans() -> None:
    assert html_to_text("<table><tr><td>a<td>b<tr><td>c") == "a | b\nc"
    text = html_to_text("<table><tr><td rowspan=99999 colspan=99999>x</td></tr><tr><td>y</td></tr></table>")
    assert len(text) < 2000


# -- transcripts ----------------------------------------------------------------------------


def test_transcript_keeps_who_speaks() -> None:
    paragraphs = transcript_to_text(_qg_transcript("QANR5L16QG6")).split("\n\n")
    assert paragraphs[0] == "SITUATION DES URGENCES À L'HÔPITAL"
    assert paragraphs[1] == f"Mme{NBSP}la présidente. La parole est à Mme{NBSP}Mélanie Thomin."
    assert paragraphs[2].startswith(
        f"Mme{NBSP}Mélanie Thomin. Madame la Première ministre, depuis plusieurs mois"
    )
    assert any(
        p.startswith(f"M.{NBSP}François Braun, ministre de la santé et de la prévention. Oui, notre système")
        for p in paragraphs
    )
    assert f"M.{NBSP}Fabien Di{NBSP}Filippo. Quel entrain{NBSP}!" in paragraphs
    # "ministre . " is tidied into "ministre." — the only change made to the words.
    assert any(p.startswith(f"M.{NBSP}François Braun, ministre. …elles doivent") for p in paragraphs)
    # Stage directions stay, in their parentheses.
    assert any("(Protestations sur les bancs du groupe LFI-NUPES)" in p for p in paragraphs)
    assert paragraphs[-1].endswith("(Applaudissements sur les bancs des groupes RE, Dem et HOR.)")
    _assert_clean("\n\n".join(paragraphs))


def test_transcript_cut_inside_a_tag_and_opening_with_an_empty_paragraph() -> None:
    text = transcript_to_text(_qg_transcript("QANR5L16QG165"))
    assert text.startswith("PÉNURIE DE MÉDICAMENTS\n\n")
    assert text.endswith("c'est maintenant qu'il faut agir.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<strong>Mme la présidente . </strong>La parole est à M. Dupont.<br><br>"
            "<strong>M. Dupont .</strong> Question ?",
            "Mme la présidente. La parole est à M. Dupont.\n\nM. Dupont. Question ?",
        ),
        (
            "<strong>M. X,</strong><i> ministre . </i>…elles doivent",
            "M. X, ministre. …elles doivent",
        ),
        (
            "<strong>M. A.</strong>Texte <i>(Applaudissements .)</i> suite <strong>fort</strong>",
            "M. A. Texte (Applaudissements .) suite fort",
        ),
        ("Un<br>deux", "Un\n\ndeux"),
    ],
)
def test_transcript_labels(source: str, expected: str) -> None:
    assert transcript_to_text(source) == expected


# -- garbage ----------------------------------------------------------------------------------

NASTY = [
    "<",
    "</",
    "<!--",
    "<![CDATA[x",
    "<![if !supportLists]>x<![endif]>",
    "<a b='",
    "&#xFFFFFFFF; &#0; &#55296; &bogus;",
    '<p align="x>y</p>',
    "<table><td>",
    "</table></tr></td>x",
    "<br>" * 2000,
    "<b>" * 500 + "x",
    "\x00\x01<p>\x1f</p>",
    "<?php echo 1 ?>x",
    "<!DOCTYPE html><html><head><title>T</title></head><body>x</body></html>",
]


@pytest.mark.parametrize("source", NASTY)
def test_garbage_never_raises(source: str) -> None:
    for convert in (html_to_text, transcript_to_text):
        text = convert(source)
        assert isinstance(text, str)
        assert "\x00" not in text
        assert "\n\n\n" not in text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;#abpr tdi\n\u00a0x=\"'!-")), max_size=80))
def test_random_markup_never_raises(source: str) -> None:
    for convert in (html_to_text, transcript_to_text):
        text = convert(source)
        assert text == text.strip()
        assert "\n\n\n" not in text
        assert "\x00" not in text


def test_control_characters_taken_out_are_handed_to_the_caller() -> None:
    removed: list[str] = []
    assert html_to_text("<p>Un\x1b[2J</p><p>deux\x00\x07</p>", removed) == "Un[2J\n\ndeux"
    assert sorted(removed) == ["\x00", "\x07", "\x1b"]
    assert transcript_to_text("M. X. Oui\x1b.", removed) == "M. X. Oui."
    assert sorted(removed) == ["\x00", "\x07", "\x1b", "\x1b"]
