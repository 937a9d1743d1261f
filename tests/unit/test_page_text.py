"""Question pages of the AN web site (text renderings and HTML): the five layouts of DATA.md."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from qe_desktop import importers
from qe_desktop.importers import page_text
from qe_desktop.importers.html_text import html_to_text
from qe_desktop.importers.sources import Source
from qe_desktop.model import Question, Rejection

from conftest import DATA

PAGES = DATA / "page_text"
ALL_PAGES = sorted(p.name for p in PAGES.glob("*.txt"))

#: Every real page, by layout (DATA.md "Page layouts").
LAYOUTS: dict[str, tuple[str, ...]] = {
    "1 données clés": ("13-101851QE.txt",),
    "2 dyn": (
        "QANR5L10QE2781.txt",
        "QANR5L10QE43864.txt",
        "QANR5L10QE46303.txt",
        "QANR5L10QE4633.txt",
        "QANR5L10QE5347.txt",
        "QANR5L10QE5491.txt",
        "QANR5L10QE7050.txt",
        "QANR5L10QE8454.txt",
        "QANR5L11QE10174.txt",
        "QANR5L11QE16392.txt",
        "QANR5L11QE16716.txt",
        "QANR5L11QE20643.txt",
        "QANR5L11QE20779.txt",
        "QANR5L11QE24919.txt",
        "QANR5L11QE27534.txt",
        "QANR5L11QE328.txt",
        "QANR5L11QE34509.txt",
        "QANR5L11QE45261.txt",
        "QANR5L11QE8177.txt",
        "QANR5L12QE55899.txt",
        "QANR5L13QE119907.txt",
        "QANR5L13QE88076.txt",
        "QANR5L9QE10783.txt",
        "QANR5L9QE4355.txt",
        "QANR5L9QE57824.txt",
        "QANR5L9QE58420.txt",
        "QANR5L9QE6823.txt",
    ),
    # dyn pages saved with their "Question écrite n° … :" header and "Données clés" block
    "2 dyn + données clés": (
        "QANR5L11QE58508.txt",
        "QANR5L11QE62901.txt",
        "QANR5L11QE63006.txt",
        "QANR5L11QE66774.txt",
        "QANR5L8QE39478.txt",
        "QANR5L9QE11029.txt",
        "QANR5L9QE17069.txt",
    ),
    "3 fiche question": ("12-72504QE.txt",),
    "4 sections |": ("12-121124QE.txt", "13-125774QE.txt", "13-87029QE.txt"),
    "5 législatures 14-16": ("14-95281QE.txt",),
}

_ANSWERED = {
    "13-101851QE.txt",
    "12-121124QE.txt",
    "13-125774QE.txt",
    "13-87029QE.txt",
    "QANR5L10QE2781.txt",
    "QANR5L10QE46303.txt",
    "QANR5L10QE4633.txt",
    "QANR5L10QE5347.txt",
    "QANR5L10QE5491.txt",
    "QANR5L10QE7050.txt",
    "QANR5L10QE8454.txt",
    "QANR5L11QE10174.txt",
    "QANR5L11QE16392.txt",
    "QANR5L11QE16716.txt",
    "QANR5L11QE20643.txt",
    "QANR5L11QE20779.txt",
    "QANR5L11QE24919.txt",
    "QANR5L11QE27534.txt",
    "QANR5L11QE328.txt",
    "QANR5L11QE45261.txt",
    "QANR5L11QE58508.txt",
    "QANR5L11QE8177.txt",
}
#: Closed at the end of the author's mandate, as the page says ("fin de mandat").
_END_OF_MANDATE = {"14-95281QE.txt", "QANR5L13QE119907.txt", "QANR5L13QE88076.txt"}
#: What each page says about its question: (status, closure label, closure date).  Pages
#: with neither answer nor closure belong to legislatures that have ended: lapsed, no label.
EXPECTED_STATUS: dict[str, tuple[str, str | None, str | None]] = {
    name: (
        ("answered", None, None)
        if name in _ANSWERED
        else ("lapsed", "Fin de mandat", None)
        if name in _END_OF_MANDATE
        else ("lapsed", None, None)
    )
    for name in ALL_PAGES
}
EXPECTED_STATUS["14-95281QE.txt"] = ("lapsed", "Fin de mandat", "2017-06-20")
EXPECTED_STATUS["QANR5L13QE119907.txt"] = ("lapsed", "Fin de mandat", "2012-06-19")
EXPECTED_STATUS["QANR5L13QE88076.txt"] = ("lapsed", "Fin de mandat", "2012-06-19")

#: Pages that truly lack the question text, and why.
NO_QUESTION_TEXT = {
    "13-125774QE.txt": "the saved section page has every field empty (number, author, question): only the answer"
}

_FILE_NAME = re.compile(r"^(?:(\d+)-(\d+)QE|QANR5L(\d+)QE(\d+))\.txt$")
_ARTEFACTS = ("](", "^{", "[", "]", "|", "\ufeff", "Données clés", "partager")


def _parse(path: Path) -> list[Question | Rejection]:
    items = list(page_text.parse(Source.of(path)))
    assert all(isinstance(item, Question | Rejection) for item in items)
    return items  # type: ignore[return-value]


def _question(path: Path) -> Question:
    [item] = _parse(path)
    assert isinstance(item, Question), item
    return item


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _rejection(path: Path) -> Rejection:
    [item] = _parse(path)
    assert isinstance(item, Rejection), item
    assert item.source == str(path)
    return item


def test_the_layout_table_covers_every_real_page() -> None:
    listed = [name for names in LAYOUTS.values() for name in names]
    assert sorted(listed) == ALL_PAGES
    assert len(ALL_PAGES) == 40


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_real_page_gives_one_clean_question(name: str) -> None:
    path = PAGES / name
    q = _question(path)
    m = _FILE_NAME.match(name)
    assert m
    legislature, number = (int(m[1]), int(m[2])) if m[1] else (int(m[3]), int(m[4]))
    assert (q.legislature, q.number, q.type, q.chamber) == (legislature, number, "QE", "AN")
    assert q.uid == f"QANR5L{legislature}QE{number}"
    assert q.url == f"https://questions.assemblee-nationale.fr/q{legislature}/{legislature}-{number}QE.htm"
    assert (q.source_format, q.source_name) == ("page_text", str(path))
    assert q.source_raw == path.read_text(encoding="utf-8")

    if name in NO_QUESTION_TEXT:
        assert q.question_text is None
        assert q.answer_text
    else:
        assert q.question_text
        assert q.author
        # The question text opens with its author's name.
        assert q.question_text.split()[0] in ("M.", "M", "Mme")

    assert (q.status, q.closure_label, q.closure_date) == EXPECTED_STATUS[name]
    if q.status == "answered":
        assert q.answer_text or q.answer_date
    else:
        assert q.answer_text is None
        assert q.answer_date is None

    for key, value in q.record().items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str):
                assert v == v.strip(), key
                for artefact in _ARTEFACTS:
                    assert artefact not in v, (key, artefact)
                assert not re.search(r"\b[A-Z]{2,6} \d{1,2} [A-Za-zé' -]+ [A-Z]$", v), (
                    key
                )  # "UDF 12 Picardie N"
    for text in (q.question_text, q.answer_text):
        if text:
            assert "\n\n\n" not in text
            assert all(p and p == p.strip() and "\n" not in p for p in text.split("\n\n"))
    for date in (q.question_date, q.answer_date, q.closure_date, q.signal_date, *q.renewal_dates):
        assert date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_real_page_is_sniffed_as_a_page(name: str) -> None:
    path = PAGES / name
    assert page_text.sniff(path.read_bytes()[:4096], name)
    assert importers.sniff(Source.of(path)) is page_text


# --------------------------------------------------------------------------- layout 1


def test_layout_1_donnees_cles() -> None:
    q = _question(PAGES / "13-101851QE.txt")
    assert q.record() | {"question_text": None, "answer_text": None} == {
        "uid": "QANR5L13QE101851",
        "chamber": "AN",
        "legislature": 13,
        "type": "QE",
        "number": 101851,
        "rubrique": "Politique extérieure",
        # The heading is the "tête d'analyse" (the FICHE pages show the same indexing:
        # rubrique > tête d'analyse > analyse); this page does not print the analyse.
        "tete_analyse": "Kazakhstan",
        "analyse": None,
        "author": "Mme Danielle Bousquet",
        "author_ref": None,
        "group": "Socialiste, radical, citoyen et divers gauche",
        "group_abbrev": None,
        "constituency": "Côtes-d'Armor (1re circonscription)",
        "ministry_asked": "Affaires étrangères et européennes",
        "ministry_answering": "Affaires étrangères et européennes",
        "question_text": None,
        "question_date": "2011-03-08",
        "question_page": 2121,
        "answer_text": None,
        "answer_date": "2011-06-14",
        "answer_page": 6264,
        "status": "answered",
        "closure_label": None,
        "closure_date": None,
        "signal_date": None,
        "renewal_dates": [],
        "errata": [],
        "url": "https://questions.assemblee-nationale.fr/q13/13-101851QE.htm",
        "source_notes": [],
    }
    assert q.question_text is not None
    assert q.answer_text is not None
    assert q.question_text.startswith("Mme Danielle Bousquet attire l'attention de M. le ministre d'État")
    assert q.question_text.endswith("en instituant un mécanisme de plainte réellement indépendant.")
    # The answer was cut by a page break after "un mécanisme": one paragraph again.
    assert "\n" not in q.answer_text
    assert "leur volonté de mettre en place un mécanisme national de prévention indépendant. La France" in (
        q.answer_text
    )
    assert q.answer_text.startswith("La France suit avec la plus grande attention")
    assert q.answer_text.endswith("aux questions de droits de l'homme.")
    assert "kazakhstanaïses" in q.answer_text  # the source's own spelling is kept


# --------------------------------------------------------------------------- layout 2 (dyn)


def test_layout_2_dyn_old_legislature_answer_date_without_text() -> None:
    q = _question(PAGES / "QANR5L10QE2781.txt")
    assert q.uid == "QANR5L10QE2781"  # only in the file name
    assert q.tete_analyse == "Formation des conducteurs"
    assert q.rubrique == "Permis de conduire"
    # "M. Couve Jean-Michel" on the page; the text opens "M. Jean-Michel Couve appelle".
    assert q.author == "M. Jean-Michel Couve"
    assert (q.group, q.group_abbrev, q.constituency) == (None, "RPR", None)
    assert q.ministry_asked == q.ministry_answering == "équipement, transports et tourisme"
    assert (q.question_date, q.question_page) == ("1993-06-28", None)
    assert (q.answer_date, q.answer_text, q.status) == ("1993-08-09", None, "answered")
    assert q.question_text is not None
    assert q.question_text.startswith(
        "M. Jean-Michel Couve appelle l'attention de M. le ministre de l'equipement"
    )
    assert q.question_text.endswith("s'il envisage de revenir sur ces dispositions.")


def test_layout_2_dyn_constituency_group_and_signal() -> None:
    q = _question(PAGES / "QANR5L11QE20643.txt")
    assert q.author == "M. Guy Teissier"
    assert q.constituency == "Bouches-du-Rhône (6e circonscription)"
    assert (q.group, q.group_abbrev) == ("Démocratie libérale et indépendants", None)
    assert q.tete_analyse == "politique à l'égard des rapatriés"
    assert q.signal_date == "1999-05-03"
    assert (q.question_date, q.answer_date, q.status) == ("1998-10-26", "1999-05-03", "answered")
    assert q.question_text is not None
    assert "Signalement" not in q.question_text


def test_layout_2_dyn_closed_at_end_of_mandate() -> None:
    q = _question(PAGES / "QANR5L13QE119907.txt")
    assert (q.status, q.closure_label, q.closure_date) == ("lapsed", "Fin de mandat", "2012-06-19")
    assert q.ministry_asked == "Collectivités territoriales"
    assert q.ministry_answering == "Réforme de l'État, décentralisation et fonction publique"
    assert q.question_date == "2011-10-18"
    assert q.answer_text is None
    assert q.answer_date is None


def test_layout_2_dyn_with_header_and_donnees_cles() -> None:
    q = _question(PAGES / "QANR5L11QE58508.txt")
    assert (q.legislature, q.number) == (11, 58508)
    assert q.tete_analyse == "oiseaux"
    assert q.rubrique == "Chasse et pêche"
    assert q.author == "M. Didier Quentin"
    assert q.constituency == "Charente-Maritime (5e circonscription)"
    assert q.group == "Rassemblement pour la République"
    assert (q.question_date, q.answer_date, q.status) == ("2001-03-05", "2002-02-04", "answered")
    assert q.question_text is not None
    assert q.question_text.startswith("M. Didier Quentin attire l'attention")
    assert q.question_text.endswith("des mesures en ce sens.")


def test_layout_2_author_written_last_name_first_with_particle() -> None:
    q = _question(PAGES / "QANR5L9QE11029.txt")
    # Page: "M. Maujouan du Gasset Joseph-Henri"; text: "M Joseph-Henri Maujouan du Gasset expose".
    assert q.author == "M. Joseph-Henri Maujouan du Gasset"
    assert q.group == "Union pour la démocratie française"
    assert q.tete_analyse == "Afrique du Nord"


def test_broken_characters_and_missing_accents_are_kept() -> None:
    q = _question(PAGES / "QANR5L9QE6823.txt")
    # "M. Rochebloine Fran\ufffdois" on the page, "M Francois Rochebloine" in the text:
    # the words are put in order, the page's broken character is not "repaired".
    assert q.author == "M. Fran\ufffdois Rochebloine"
    assert q.question_text is not None
    assert q.question_text.startswith(
        "M Francois Rochebloine attire l'attention de M le ministre de la solidarite"
    )
    assert q.ministry_asked == "solidarité,santé et protection sociale,porte-parole du gouvern"
    assert q.status == "lapsed"  # 9th legislature, no answer: the question lapsed with it


# --------------------------------------------------------------------------- layout 3 (FICHE)


def test_layout_3_fiche_question() -> None:
    q = _question(PAGES / "12-72504QE.txt")
    assert (q.uid, q.legislature, q.number, q.type) == ("QANR5L12QE72504", 12, 72504, "QE")
    assert q.author == "M. Stéphane Demilly"  # "M.   Demilly Stéphane" on the page
    assert q.group == "Union pour la Démocratie Française"
    assert q.group_abbrev == "UDF"  # from the trailing "UDF 12 Picardie N" line
    assert q.constituency == "Somme"
    assert q.ministry_asked == "écologie"
    assert q.ministry_answering == "écologie, développement et aménagement durables"
    assert (q.question_date, q.question_page) == ("2005-08-30", 8080)
    assert (q.rubrique, q.tete_analyse, q.analyse) == ("chasse et pêche", "oiseaux", "réglementation")
    assert q.question_text is not None
    assert q.question_text.startswith("M. Stéphane Demilly souhaite attirer l'attention")
    assert q.question_text.endswith("la colère légitimes du monde de la chasse.")
    assert q.answer_text is None
    assert (q.status, q.closure_label, q.closure_date) == ("lapsed", None, None)


# --------------------------------------------------------------------------- layout 4 (sections |)


def test_layout_4_sections_with_values_on_their_own_lines() -> None:
    q = _question(PAGES / "13-87029QE.txt")
    assert q.rubrique == "logement : aides et prêts"
    assert q.tete_analyse == "allocations de logement"
    assert q.analyse == "étudiants. demi-part de quotient familial. cumul. suppression"
    # No author field on this page: the question text names her.
    assert q.author == "Mme Sylvia Pinel"
    assert q.question_text is not None
    assert q.answer_text is not None
    assert q.question_text.startswith("Mme Sylvia Pinel alerte M. le ministre du budget")
    assert q.answer_text.startswith("Le Président de la République a reçu")
    assert q.answer_text.endswith("plus de 650 000 étudiants.")
    assert q.status == "answered"
    assert q.question_date is None
    assert q.answer_date is None


def test_layout_4_texts_only_number_from_the_file_name() -> None:
    q = _question(PAGES / "12-121124QE.txt")
    assert (q.uid, q.legislature, q.number) == ("QANR5L12QE121124", 12, 121124)
    assert q.author == "Mme Marie-Jo Zimmermann"
    assert q.rubrique is None
    assert q.tete_analyse is None
    assert q.answer_text is not None
    assert q.answer_text.endswith("précitées de l'article R. 133-8.")


def test_layout_4_empty_fields_answer_only() -> None:
    q = _question(PAGES / "13-125774QE.txt")
    assert (q.uid, q.question_text, q.author, q.rubrique) == ("QANR5L13QE125774", None, None, None)
    assert q.ministry_asked is None
    assert q.question_date is None
    assert q.answer_text is not None
    assert q.answer_text.startswith("Pris en application des dispositions de la directive « oiseaux »")
    assert q.answer_text.endswith("à la date de l’ouverture générale de la chasse.")
    assert q.status == "answered"


# --------------------------------------------------------------------------- layout 5


def test_layout_5_withdrawn_at_end_of_mandate() -> None:
    q = _question(PAGES / "14-95281QE.txt")
    assert (q.uid, q.type) == ("QANR5L14QE95281", "QE")
    assert q.author == "M. Philippe Noguès"
    assert (q.group, q.constituency) == ("Non inscrit", "Morbihan")
    assert q.ministry_asked == "Environnement, énergie et mer"
    assert q.ministry_answering == "Transition écologique et solidaire"
    assert (q.rubrique, q.tete_analyse) == ("énergie et carburants", "électricité")
    assert q.analyse == "télérelève. compteurs. déploiement."
    assert (q.question_date, q.question_page) == ("2016-04-26", 3524)
    assert q.renewal_dates == ("2016-08-30",)
    assert (q.status, q.closure_label, q.closure_date) == ("lapsed", "Fin de mandat", "2017-06-20")
    assert q.question_text is not None
    assert q.question_text.startswith("M. Philippe Noguès interroge")
    assert q.answer_text is None


def test_layout_5_sixteenth_legislature_title_is_the_analyse(tmp_path: Path) -> None:
    page = (
        "16ème législature\n\nQuestion N° 648\nde Mme Anne Exemple (Écologiste - NUPES - Gironde )\n"
        "Question écrite\nMinistère interrogé > Santé et prévention\nRubrique > santé\n"
        "Titre > Accès aux soins dans les territoires ruraux\n"
        "Question publiée au JO le : 06/09/2022 page : 3950\n"
        "Réponse publiée au JO le : 15/11/2022 page : 5520\n"
        "Date de signalement: 24/10/2022\n\n"
        "Texte de la question\n\nMme Anne Exemple attire l'attention de M. le ministre.\n\n"
        "Texte de la réponse\n\nLe Gouvernement répond.\n"
    )
    q = _question(_write(tmp_path, "16-648QE.txt", page))
    assert (q.uid, q.tete_analyse, q.analyse) == (
        "QANR5L16QE648",
        None,
        "Accès aux soins dans les territoires ruraux",
    )
    # The group name has its own " - ": the department is after the last one.
    assert (q.group, q.constituency) == ("Écologiste - NUPES", "Gironde")
    assert (q.answer_date, q.answer_page, q.signal_date) == ("2022-11-15", 5520, "2022-10-24")
    assert (q.question_text, q.answer_text) == (
        "Mme Anne Exemple attire l'attention de M. le ministre.",
        "Le Gouvernement répond.",
    )


# --------------------------------------------------------------------------- artefacts and types


def test_page_breaks_are_rejoined_but_real_paragraphs_kept(tmp_path: Path) -> None:
    page = (
        "13ème législature\n\nQuestion écrite n° 1\n\nTexte de la question\n\n"
        "M. Jean Exemple interroge M. le ministre sur le 2^{e} alinéa du [décret](#) du 1^{er} mars.\n\n"
        "Texte de la réponse\n\nPremier paragraphe complet.\n\nUne phrase coupée par\n\n"
        "un saut de page.\n\nLes cas suivants :\n\n- le premier ;\n\nensuite le second.\n"
    )
    q = _question(_write(tmp_path, "page.txt", page))
    assert (
        q.question_text == "M. Jean Exemple interroge M. le ministre sur le 2e alinéa du décret du 1er mars."
    )
    assert q.answer_text == (
        "Premier paragraphe complet.\n\nUne phrase coupée par un saut de page.\n\n"
        "Les cas suivants :\n\n- le premier ;\n\nensuite le second."
    )
    assert q.author == "M. Jean Exemple"


def test_non_breaking_spaces_are_kept(tmp_path: Path) -> None:
    page = "Texte de la question\n\nM. Jean Exemple demande\u00a0: pourquoi\u00a0?\n"
    q = _question(_write(tmp_path, "13-2QE.txt", page))
    assert q.question_text == "M. Jean Exemple demande\u00a0: pourquoi\u00a0?"


@pytest.mark.parametrize(
    ("heading", "qtype"),
    [
        ("Question au Gouvernement n° 12", "QG"),
        ("Question orale sans débat n° 12", "QOSD"),
        ("Question orale n° 12", "QOSD"),
        ("Question écrite n° 12", "QE"),
    ],
)
def test_question_type_comes_from_the_page(tmp_path: Path, heading: str, qtype: str) -> None:
    page = f"15ème législature\n\nSujet\n\n{heading}\n\nTexte de la question\n\nMme Anne Exemple interroge M. le ministre.\n"
    q = _question(_write(tmp_path, "page.txt", page))
    assert (q.uid, q.type, q.tete_analyse) == (f"QANR5L15{qtype}12", qtype, "Sujet")
    assert q.url == f"https://questions.assemblee-nationale.fr/q15/15-12{qtype}.htm"


def test_withdrawn_by_the_author(tmp_path: Path) -> None:
    page = (
        "14ème législature\n\nQuestion N° 501\nde M. Jean Exemple (Les Républicains - Var )\n"
        "Question publiée au JO le : 02/07/2013 page : 6811\nQuestion retirée le: 04/02/2014 (retrait)\n\n"
        "Texte de la question\n\nM. Jean Exemple interroge M. le ministre.\n\nTexte de la réponse\n"
    )
    q = _question(_write(tmp_path, "page.txt", page))
    assert (q.status, q.closure_label, q.closure_date) == ("withdrawn", "Retrait", "2014-02-04")


# --------------------------------------------------------------------------- HTML


def _html_page(text: str, charset: str = "utf-8") -> str:
    """A saved AN page: navigation and footer around the rendered text's paragraphs."""
    body = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(paragraph, quote=False)
        escaped = re.sub(r"\[([^\]]*)\]\(#\)", r'<a href="#">\1</a>', escaped)
        escaped = re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", escaped)
        body.append(f"<p>{escaped}</p>")
    return (
        "<!DOCTYPE html>\n<html lang='fr'><head><meta charset='" + charset + "'>"
        "<title>Question écrite n° 101851 - Assemblée nationale</title>"
        "<script>var menu = '<p>Texte de la réponse</p>';</script></head><body>"
        "<nav><ul><li><a href='/'>Accueil</a></li><li>Députés</li></ul></nav>\n"
        + "\n".join(body)
        + "\n<footer><p>Mentions légales</p><p>Accessibilité</p></footer></body></html>"
    )


def test_html_page_gives_the_same_record_as_its_text(tmp_path: Path) -> None:
    text_path = PAGES / "13-101851QE.txt"
    page = _html_page(text_path.read_text(encoding="utf-8"))
    head = page.encode()[:4096]
    assert page_text.sniff(head, "13-101851QE.htm")
    html_path = _write(tmp_path, "13-101851QE.htm", page)
    from_html = _question(html_path)
    assert from_html.record() == _question(text_path).record()
    assert from_html.source_raw == page  # the HTML as read, for re-processing


def test_controls_taken_out_of_an_html_page_are_said(tmp_path: Path) -> None:
    text_path = PAGES / "13-101851QE.txt"
    page = _html_page(text_path.read_text(encoding="utf-8")).replace("Kazakhstan", "Kazakh\x7fstan", 1)
    from_html = _question(_write(tmp_path, "13-101851QE.htm", page))
    assert not any("\x7f" in str(value) for value in from_html.record().values())
    assert "Kazakhstan" in str(from_html.record())
    assert len(from_html.source_notes) == 1
    assert "la page enregistrée" in from_html.source_notes[0]


def test_html_table_page_fiche_layout(tmp_path: Path) -> None:
    text_path = PAGES / "12-72504QE.txt"
    rows = []
    for line in text_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            m = re.match(r"^(.*?:)\s*(.*)$", line)
            cells = [m[1], m[2]] if m else [line]
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    page = (
        "<html><head><title>FICHE QUESTION</title></head><body><table>"
        + "\n".join(rows)
        + "</table></body></html>"
    )
    assert page_text.sniff(page.encode(), "12-72504QE.htm")
    q = _question(_write(tmp_path, "12-72504QE.htm", page))
    assert q.record() == _question(text_path).record()


def test_html_site_chrome_after_the_last_answer_is_not_part_of_it(tmp_path: Path) -> None:
    text_path = PAGES / "13-87029QE.txt"  # section page: the answer is the last thing on it
    page = _html_page(text_path.read_text(encoding="utf-8"))
    # The section lines are one HTML paragraph: they come back as one "A : | a | B : | b" line.
    assert "Rubrique : | logement : aides et prêts | Tête d'analyse :" in html_to_text(page)
    q = _question(_write(tmp_path, "13-87029QE.htm", page))
    assert q.record() == _question(text_path).record()
    assert q.answer_text is not None
    assert q.answer_text.endswith("plus de 650 000 étudiants.")


def test_html_in_windows_1252(tmp_path: Path) -> None:
    text = (PAGES / "13-101851QE.txt").read_text(encoding="utf-8")
    page = _html_page(text, charset="windows-1252")
    q = _question(_write(tmp_path, "13-101851QE.htm", page.encode("cp1252")))
    assert q.record() == _question(PAGES / "13-101851QE.txt").record()


# --------------------------------------------------------------------------- encodings


def test_latin_1_page_is_read(tmp_path: Path) -> None:
    original = PAGES / "13-101851QE.txt"
    path = _write(tmp_path, "13-101851QE.txt", original.read_text(encoding="utf-8").encode("latin-1"))
    q = _question(path)
    assert q.record() == _question(original).record()
    assert q.author == "Mme Danielle Bousquet"
    assert q.rubrique == "Politique extérieure"


def test_bom_crlf_and_utf16_pages_are_read(tmp_path: Path) -> None:
    original = PAGES / "QANR5L11QE58508.txt"
    text = original.read_text(encoding="utf-8")
    expected = _question(original).record()
    for sub, data in (
        ("bom", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
        ("utf16", text.encode("utf-16")),
    ):
        folder = tmp_path / sub
        folder.mkdir()
        path = _write(folder, "QANR5L11QE58508.txt", data)
        assert page_text.sniff(data[:4096], path.name)
        assert _question(path).record() == expected


# --------------------------------------------------------------------------- bad input


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    for name, data in (("vide.txt", b""), ("blanc.txt", b" \n\n \t\n")):
        path = _write(tmp_path, name, data)
        assert not page_text.sniff(data, name)
        assert _rejection(path).reason == "fichier vide"


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path = _write(tmp_path, "13-101851QE.txt", data)
    assert not page_text.sniff(data[:4096], path.name)
    assert _rejection(path).reason.startswith("fichier binaire")


def test_bytes_that_are_neither_utf8_nor_french_cp1252_are_rejected(tmp_path: Path) -> None:
    undecodable = b"Texte de la question\n\nM. X \x81\x8d\x8f\x90\x9d\n"
    assert "encodage inconnu" in _rejection(_write(tmp_path, "a.txt", undecodable)).reason
    not_french = b"Texte de la question\n\nM. X " + bytes(range(0xC0, 0x100)) * 3 + b"\n"
    assert "encodage inconnu" in _rejection(_write(tmp_path, "b.txt", not_french)).reason


def test_random_prose_is_not_a_question_page(tmp_path: Path) -> None:
    prose = (
        "Il était une fois, dans une petite ville de province, un boulanger qui se levait chaque matin à "
        "quatre heures.\n\nSes voisins l'aimaient bien, mais personne ne savait d'où il venait.\n"
    )
    path = _write(tmp_path, "conte.txt", prose)
    assert not page_text.sniff(prose.encode(), path.name)
    reason = _rejection(path).reason
    assert reason.startswith("ni page de question de l'Assemblée nationale reconnue")
    assert "conte.txt" in reason


def test_senat_page_is_not_taken_for_an_an_page(tmp_path: Path) -> None:
    page = (
        "Question de M. MOULY Georges (Corrèze - RDSE) publiée le 06/04/2000\n\n"
        "M. Georges Mouly attire l'attention de Mme le secrétaire d'Etat à la santé.\n\n- page 1217\n\n"
        "La question a été retirée\n"
    )
    path = _write(tmp_path, "qSEQ000424221.txt", page)
    assert not page_text.sniff(page.encode(), path.name)
    assert "Sénat" in _rejection(path).reason


def test_page_without_any_number_is_rejected(tmp_path: Path) -> None:
    text = (PAGES / "12-121124QE.txt").read_bytes()
    reason = _rejection(_write(tmp_path, "question.txt", text)).reason
    assert "numéro de la question n'est ni dans la page ni dans le nom du fichier « question.txt »" in reason


def test_impossible_date_rejects_the_record_with_the_value(tmp_path: Path) -> None:
    text = (PAGES / "13-101851QE.txt").read_text(encoding="utf-8").replace("8 mars 2011", "32 mars 2011")
    rejection = _rejection(_write(tmp_path, "13-101851QE.txt", text))
    assert rejection.record == "QANR5L13QE101851"
    assert "32 mars 2011" in rejection.reason
    assert "Question publiée le" in rejection.reason


def test_oversized_file_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_text, "MAX_BYTES", 1000)
    path = PAGES / "13-101851QE.txt"
    [item] = _parse(path)
    assert isinstance(item, Rejection)
    assert item.reason.startswith("fichier trop volumineux")


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'{"question": {"uid": "QANR5L17QE5268", "texte": "Texte de la question"}}',
        b'\xef\xbb\xbf[{"uid": "QANR5L17QE1"}]',
        b'<?xml version="1.0"?><QUESTION TYPE="QE"><RUBRIQUE>Rubrique</RUBRIQUE></QUESTION>',
        b"<questionsEcrites><question><uid>QANR5L14QE1</uid></question></questionsEcrites>",
        b"\x00\x01\x02Texte de la question",
        b"<html><head><title>Le blog</title></head><body><p>Bonjour</p></body></html>",
    ],
)
def test_sniff_refuses_what_is_not_a_page(head: bytes) -> None:
    assert not page_text.sniff(head, "13-101851QE.txt")


def test_sniff_refuses_a_text_about_the_assemblee() -> None:
    readme = (
        "# Corpus d'exemple\n\nReal, public records of the Assemblée nationale "
        "(questions.assemblee-nationale.fr): 40 written questions (legislatures 8–14), "
        "17th legislature open-data JSON.\n"
    ).encode()
    assert not page_text.sniff(readme, "SOURCE.md")
    # The same words in a file named after a question: worth a try (parse() will say why not).
    assert page_text.sniff(readme, "13-101851QE.txt")


def test_sniff_accepts_a_saved_html_page_whose_head_is_all_head() -> None:
    head = (
        b"<!DOCTYPE html><html><head><title>Question \xc3\xa9crite</title>"
        b'<link rel="canonical" href="https://questions.assemblee-nationale.fr/q13/13-101851QE.htm">'
        + b"<script>/* ... */</script>"
        * 200
    )[:4096]
    assert page_text.sniff(head, "page.html")
