"""The French analysis chain: what is folded, kept whole, dropped and stemmed."""

from __future__ import annotations

import pytest

from qe_desktop.search import analysis
from qe_desktop.search.analysis import STOP_WORDS, fold, span_tuples, stem_key, stemmed_terms, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Œuvre", "oeuvre"),
        ("cœur", "coeur"),
        ("Lætitia", "laetitia"),
        ("Sécurité À L’ÉTÉ", "securite a l'ete"),
        ("garçon naïf", "garcon naif"),
    ],
)
def test_fold_lowers_and_removes_accents_and_ligatures(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_accented_and_unaccented_words_give_the_same_term() -> None:
    assert stemmed_terms("sécurité hôpital œuvre") == stemmed_terms("securite hopital oeuvre")


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_elisions_are_dropped(apostrophe: str) -> None:
    text = (
        f"d{apostrophe}airain l{apostrophe}hôpital j{apostrophe}ai qu{apostrophe}il "
        f"jusqu{apostrophe}ici lorsqu{apostrophe}on puisqu{apostrophe}elle"
    )
    assert tokens(text) == ["airain", "hopital", "ai", "il", "ici", "on", "elle"]


def test_aujourdhui_stays_one_word() -> None:
    assert tokens("aujourd’hui") == ["aujourdhui"]


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("hôpital", "hôpitaux"),
        ("exonération", "exonérations"),
        ("retraite", "retraites"),
        ("social", "sociaux"),
    ],
)
def test_stemming_joins_inflections(singular: str, plural: str) -> None:
    assert stemmed_terms(singular) == stemmed_terms(plural)


def test_stop_list_keeps_content_words() -> None:
    for word in ("non", "sans", "contre", "plus", "été", "pas"):
        assert fold(word) not in STOP_WORDS, word
        assert stem_key(fold(word)) is not None
    for word in ("le", "la", "des", "qu", "et", "ou"):
        assert stem_key(word) is None


def test_summer_is_searchable() -> None:
    assert "ete" in stemmed_terms("pendant l'été")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("l'article L. 1234-5 du code", "l.1234-5"),
        ("article L.1234-5", "l.1234-5"),
        ("article R. 123-4", "r.123-4"),
        ("la loi n° 2021-1234 du", "n°2021-1234"),
        ("la loi 2021-1234 du", "2021-1234"),
        ("la question n° 12345", "n°12345"),
        ("la question nº12345", "n°12345"),
    ],
)
def test_references_and_numbers_are_single_tokens(text: str, term: str) -> None:
    assert term in tokens(text)
    assert term in stemmed_terms(text)


def test_reference_also_indexes_its_bare_number() -> None:
    assert "12345" in stemmed_terms("la question n° 12345")
    assert "1234-5" in stemmed_terms("article L. 1234-5")
    # ...but a query for the reference asks for the reference only.
    assert tokens("n° 12345") == ["n°12345"]


def test_spans_point_into_the_original_text() -> None:
    text = "Dans l’hôpital, les Œuvres et l'article L. 1234-5 n° 12345."
    found = {term: text[start:end] for start, end, term in span_tuples(text)}
    assert found["hopital"] == "hôpital"
    assert found["oeuvres"] == "Œuvres"
    assert found["l.1234-5"] == "L. 1234-5"
    assert found["n°12345"] == "n° 12345"


def test_spans_and_index_tokens_agree_on_real_looking_text() -> None:
    text = (
        "M. Jean-Pierre Dupont attire l’attention de Mme la ministre sur l'application de l'article "
        "L. 162-5 du code de la sécurité sociale (loi n° 2019-774 du 24 juillet 2019), aujourd'hui, "
        "à 1,5 % et 20 000 euros ; l'ŒUVRE « d’airain » des hôpitaux."
    )
    assert [term for _, _, term in span_tuples(text)] == tokens(text)


def test_stemmer_is_cached() -> None:
    stem_key("hopitaux")
    assert analysis.stem_cache()["hopitaux"] == "hopital"
