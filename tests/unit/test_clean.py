"""The cleaning step: whatever a source holds, a record is stored clean (and says so) or rejected."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qe_desktop import corpus
from qe_desktop.importers import an_json
from qe_desktop.importers.clean import LONG_MAX, SHORT_MAX, clean, clean_rejection, display_safe
from qe_desktop.importers.sources import Source
from qe_desktop.model import Actor, Mandate, Organe, Question, Rejection
from qe_desktop.store import CorpusStore

from conftest import BIG_INT_LITERAL, QE_RECORD, official_document, official_json, one_question

SOURCE = "dump.zip!json/QANR5L17QE5268.json"
SHORT_FIELDS = (
    "rubrique",
    "tete_analyse",
    "analyse",
    "author",
    "group",
    "group_abbrev",
    "constituency",
    "ministry_asked",
    "ministry_answering",
    "closure_label",
    "url",
)


def _real(**changes: Any) -> Question:
    """The real QE 5268 as the JSON importer reads it, with some fields changed."""
    question = one_question(list(an_json.parse(Source.of(QE_RECORD))))
    return dataclasses.replace(question, **changes)


def _cleaned(question: Question) -> tuple[Question, tuple[str, ...]]:
    out, notes = clean(question, SOURCE)
    assert isinstance(out, Question), out
    assert out.source_notes == question.source_notes + notes
    return out, notes


def _refused(question: Question) -> str:
    out, notes = clean(question, SOURCE)
    assert isinstance(out, Rejection), out
    assert notes == ()
    assert out.source == SOURCE
    return out.reason


def test_an_ordinary_record_comes_back_as_it_came() -> None:
    question = _real()
    assert clean(question, SOURCE) == (question, ())
    assert clean(question, SOURCE)[0] is question


def test_lone_surrogates_become_replacement_characters_with_a_note() -> None:
    out, notes = _cleaned(_real(analyse="Diamants\ud800 synthétiques\udc00", author="Mme \udfff"))
    assert out.analyse == "Diamants\ufffd synthétiques\ufffd"
    assert out.author == "Mme \ufffd"
    assert notes == (
        "2 caractères invalides (U+D800, U+DC00) remplacés par \ufffd dans l'analyse",
        "Caractère invalide (U+DFFF) remplacé par \ufffd dans l'auteur",
    )


def test_controls_leave_short_fields_and_line_breaks_become_spaces_silently() -> None:
    out, notes = _cleaned(
        _real(
            rubrique="commerce\tet\r\nartisanat", analyse="\x1b]0;titre\x07\x1b[2JDiamants\x00", url="x\x9b"
        )
    )
    assert out.rubrique == "commerce et artisanat"
    assert out.analyse == "]0;titre[2JDiamants"
    assert out.url == "x"
    assert notes == (
        "4 caractères de contrôle (U+0000, U+0007, U+001B) supprimés dans l'analyse",
        "Caractère de contrôle (U+009B) supprimé dans l'adresse de la page officielle",
    )


def test_long_texts_keep_their_paragraphs_and_tabs_and_lose_their_controls() -> None:
    out, notes = _cleaned(_real(question_text="Un\r\nDeux\rTrois\x0cQuatre\x85\tCinq\x00\x1b[2J\n\nSix\x9b"))
    assert out.question_text == "Un\nDeux\nTrois\nQuatre\n\tCinq[2J\n\nSix"
    assert notes == (
        "3 caractères de contrôle (U+0000, U+001B, U+009B) supprimés dans le texte de la question",
    )


def test_absurd_lengths_are_cut_with_a_note() -> None:
    out, notes = _cleaned(_real(analyse="x" * 3000, answer_text="y" * (LONG_MAX + 5)))
    assert out.analyse == "x" * (SHORT_MAX - 1) + "…"
    assert out.answer_text == "y" * (LONG_MAX - 1) + "…"
    assert notes == (
        "Valeur trop longue dans l'analyse : 2\u00a0000 caractères gardés sur 3\u00a0000",
        "Valeur trop longue dans le texte de la réponse : 1\u00a0000\u00a0000 caractères gardés sur 1\u00a0000\u00a0005",
    )


def test_too_many_errata_or_renewals_are_cut_with_a_note() -> None:
    renewals = tuple(date.fromordinal(738000 + i).isoformat() for i in range(150))
    out, notes = _cleaned(_real(errata=("Erratum\n\nsuite",) * 120, renewal_dates=renewals))
    assert out.errata == ("Erratum suite",) * 100
    assert out.renewal_dates == renewals[:100]
    assert notes == (
        "120 errata : les 100 premiers gardés",
        "150 dates de renouvellement : les 100 premières gardées",
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"uid": "QANR5L17QE5268\x1b[2J"}, "identifiant invalide : « QANR5L17QE5268\ufffd[2J »"),
        ({"uid": "Q" * 65}, "identifiant invalide : « " + "Q" * 59 + "… (65 caractères) »"),
        ({"legislature": 0}, "législature invalide (0)"),
        ({"legislature": 100}, "législature invalide (100)"),
        ({"number": 0}, "numéro invalide (0)"),
        ({"number": 10**5000}, "numéro invalide (5001 chiffres)"),
        ({"number": 2**64}, "numéro invalide (20 chiffres)"),
        (
            {"question_date": "2011-02-30"},
            "date invalide dans la date de publication de la question : « 2011-02-30 »",
        ),
        (
            {"renewal_dates": ("8 mars 2011",)},
            "date invalide dans les dates de renouvellement : « 8 mars 2011 »",
        ),
    ],
    ids=[
        "uid-controls",
        "uid-length",
        "leg-0",
        "leg-100",
        "num-0",
        "num-5001-digits",
        "num-64-bits",
        "date",
        "renewal",
    ],
)
def test_a_record_whose_identity_or_dates_cannot_be_stored_is_rejected(
    changes: dict[str, Any], reason: str
) -> None:
    assert _refused(_real(**changes)) == reason


def test_other_numbers_and_references_beyond_bounds_are_dropped_with_a_note() -> None:
    out, notes = _cleaned(_real(question_page=2**70, answer_page=1_000_000, author_ref="PA 721764"))
    assert (out.question_page, out.answer_page, out.author_ref) == (None, None, None)
    assert notes == (
        "Valeur invalide ignorée dans la référence de l'auteur : « PA 721764 »",
        "Nombre invalide ignoré dans la page de la question au JO : 22 chiffres",
        "Nombre invalide ignoré dans la page de la réponse au JO : 1000000",
    )


def test_a_file_name_is_made_readable_without_a_note() -> None:
    out, notes = _cleaned(_real(source_name="dump\udce9.zip!json/Q\n.json"))
    assert out.source_name == "dump\ufffd.zip!json/Q .json"
    assert notes == ()


def test_amo_records_are_cleaned_value_by_value() -> None:
    mandate = Mandate(
        uid="PM796548",
        actor_ref="PA793816",
        type_organe="ASSEMBLEE",
        legislature=500,
        organe_ref="PO 1",
        departement="Finist\x1bère",
        num_circo=10**30,
        start_date="2022-6-22",
    )
    broken = Mandate(uid="PM\x00", actor_ref="PA793816", type_organe="GP")
    actor = Actor("PA793816", "Mme", "Mélanie\ud800", "Thomin", (mandate, broken))
    out, notes = clean(actor, "acteur/PA793816.json")
    assert out == Actor(
        "PA793816",
        "Mme",
        "Mélanie\ufffd",
        "Thomin",
        (Mandate("PM796548", "PA793816", "ASSEMBLEE", departement="Finistère"),),
    )
    assert notes == (
        "Caractère invalide (U+D800) remplacé par \ufffd dans le prénom du député",
        "Nombre invalide ignoré dans la législature du mandat PM796548 : 500",
        "Valeur invalide ignorée dans la référence de l'organe du mandat PM796548 : « PO 1 »",
        "Caractère de contrôle (U+001B) supprimé dans le département du mandat PM796548",
        "Nombre invalide ignoré dans le numéro de circonscription du mandat PM796548 : 31 chiffres",
        "Date invalide ignorée dans la date de début du mandat PM796548 : « 2022-6-22 »",
        "Mandat ignoré : identifiant invalide « PM\ufffd »",
    )
    organe, organe_notes = clean(Organe("PO800496", "GP", "Socialistes\x07", legislature=16), "o.json")
    assert organe == Organe("PO800496", "GP", "Socialistes", legislature=16)
    assert organe_notes == ("Caractère de contrôle (U+0007) supprimé dans le libellé de l'organe",)
    rejected, _ = clean(Organe("PO 1", "GP", "Socialistes"), "o.json")
    assert rejected == Rejection("o.json", "organe : identifiant invalide : « PO 1 »", "PO 1")


def test_rejections_are_made_safe_to_show() -> None:
    rejection = clean_rejection(
        Rejection(
            "dump\udce9.zip!json/\x1b[2J.json", "type inconnu : « \x1b]0;x\x07 »\n" + "z" * 2000, "Q\ud800"
        )
    )
    assert rejection.source == "dump\ufffd.zip!json/\ufffd[2J.json"
    assert rejection.record == "Q\ufffd"
    assert rejection.reason.startswith("type inconnu : « \ufffd]0;x\ufffd » zzz")
    assert rejection.reason.endswith("… (2\u00a0026 caractères)")
    assert len(rejection.reason) < 1100
    assert display_safe("ordinaire") == "ordinaire"


# -- any value in any field of an official record ---------------------------------------------

#: Where a value goes in the question object (the paths of the official schema, DATA.md §1).
PATHS: tuple[tuple[str, ...], ...] = (
    ("uid",),
    ("identifiant", "numero"),
    ("identifiant", "legislature"),
    ("type",),
    ("@xsi:type",),
    ("@xmlns",),
    ("indexationAN", "rubrique"),
    ("indexationAN", "teteAnalyse"),
    ("indexationAN", "analyses", "analyse"),
    ("auteur", "identite", "acteurRef"),
    ("auteur", "identite", "mandatRef"),
    ("auteur", "groupe", "organeRef"),
    ("auteur", "groupe", "abrege"),
    ("auteur", "groupe", "developpe"),
    ("minInt", "abrege"),
    ("minInt", "developpe"),
    ("minAttribs", "minAttrib", "denomination", "abrege"),
    ("minAttribs", "minAttrib", "infoJO", "dateJO"),
    ("textesQuestion", "texteQuestion", "texte"),
    ("textesQuestion", "texteQuestion", "erratum"),
    ("textesQuestion", "texteQuestion", "infoJO", "dateJO"),
    ("textesQuestion", "texteQuestion", "infoJO", "pageJO"),
    ("textesReponse", "texteReponse", "texte"),
    ("textesReponse", "texteReponse", "infoJO", "dateJO"),
    ("textesReponse", "texteReponse", "infoJO", "pageJO"),
    ("cloture", "codeCloture"),
    ("cloture", "libelleCloture"),
    ("cloture", "dateCloture"),
    ("signalement", "dateDepotSignal"),
    ("renouvellements", "renouvellement", "dateRenouvellement"),
)
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates and controls included
HOSTILE_TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.sampled_from(
        [
            "\ud800",
            "\udfff\ud800",
            "\x00",
            "\x1b]0;titre\x07\x1b[2J",
            "\r\n\x0b\x0c\x85\u2028",
            "\x9b31m",
            "9" * 5000,
            "9" * 25,
            "-1",
            "0",
            "2011-02-30",
            "31/12/2011",
            "8 mars 2011",
            "QANR5L13QE" + "9" * 5000,
            "x" * (SHORT_MAX + 500),
            "é’" * 1500,
            BIG_INT_LITERAL,
        ]
    ),
)
HOSTILE = st.one_of(
    HOSTILE_TEXT,
    st.builds(lambda a, b: a + b, HOSTILE_TEXT, HOSTILE_TEXT),
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**300),
    st.floats(),
    st.lists(HOSTILE_TEXT, max_size=3),
    st.dictionaries(st.sampled_from(["#text", "@xsi:nil", "texte", "dateJO"]), HOSTILE_TEXT, max_size=2),
)


def _put(question: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = question
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


def _assert_shows_as_text(value: str, *, allowed: str = "") -> None:
    """No control character (but ``allowed``), no surrogate: what a screen or a terminal can show."""
    value.encode("utf-8")
    assert not [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed], repr(value[:200])


def _assert_stored_clean(question: Question) -> None:
    json.dumps(question.record(), ensure_ascii=False).encode("utf-8")
    for name in SHORT_FIELDS:
        value = getattr(question, name)
        if value is not None:
            _assert_shows_as_text(value)
            assert len(value) <= SHORT_MAX
    for value in (*question.errata, *question.source_notes, question.source_name):
        _assert_shows_as_text(value)
    for value in (question.question_text, question.answer_text):
        if value is not None:
            _assert_shows_as_text(value, allowed="\n\t")
            assert len(value) <= LONG_MAX
    assert question.legislature is not None
    assert 1 <= question.legislature <= 99
    assert question.number is not None
    assert 1 <= question.number <= 9_999_999
    for page in (question.question_page, question.answer_page):
        assert page is None or 0 <= page <= 999_999
    days = (question.question_date, question.answer_date, question.closure_date, question.signal_date)
    for day in (*days, *question.renewal_dates):
        assert day is None or date.fromisoformat(day).isoformat() == day
    json.loads(question.source_raw)  # the original, still readable


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), HOSTILE), min_size=1, max_size=4))
def test_any_value_in_any_field_is_stored_clean_or_rejected(
    changes: list[tuple[tuple[str, ...], Any]],
) -> None:
    document = official_document(5268, tiny=True)
    for path, value in changes:
        _put(document["question"], path, value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "QANR5L17QE5268.json"
        path.write_text(official_json(document), encoding="ascii")
        with CorpusStore(Path(folder) / "corpus.sqlite") as store:
            report = corpus.import_paths(store, [path])
            for rejection in report.rejected:
                for text in (rejection.source, rejection.record or "", rejection.reason):
                    _assert_shows_as_text(text)
                assert len(rejection.reason) < 1100
            if report.added:
                assert report.rejected == ()
                [uid] = store.all_uids()
                stored = store.get(uid, with_source=True)
                assert stored is not None
                _assert_stored_clean(stored)
                assert stored.source_notes == (report.cleaned[0].notes if report.cleaned else ())
            else:
                assert len(report.rejected) == 1
                assert store.count() == 0
