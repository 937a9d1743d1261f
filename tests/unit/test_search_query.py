"""The search box language: operators, fields, dates, references, and what it says back."""

from __future__ import annotations

import re
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qe_desktop.search import nodes, query
from qe_desktop.search.query import parse_query

#: Every kind of node of the query tree.
NODES = typing.get_args(nodes.Node)


def terms(query: object) -> set[tuple[str, object]]:
    """Every (field, text) leaf of a Whoosh query."""
    assert isinstance(query, NODES)
    return {(t.field, t.text) for t in nodes.leaves(query) if hasattr(t, "text")}


def test_plain_words_are_all_required_and_stemmed() -> None:
    parsed = parse_query("hôpitaux publics")
    assert isinstance(parsed.query, nodes.And)
    leaves = terms(parsed.query)
    assert ("question", "hopital") in leaves
    assert ("reponse", "public") in leaves
    assert ("analyse", "hopital") in leaves
    assert parsed.interpretation == "Interprétation : « hôpitaux » et « publics »"
    assert parsed.warnings == ()


def test_french_and_english_operators() -> None:
    for text in ("retraite OU pension", "retraite OR pension"):
        parsed = parse_query(text)
        assert isinstance(parsed.query, nodes.Or)
        assert parsed.interpretation == "Interprétation : « retraite » ou « pension »"
    for text in ("retraite SAUF agricole", "retraite NOT agricole", "retraite -agricole"):
        parsed = parse_query(text)
        assert isinstance(parsed.query, nodes.And)
        assert any(isinstance(q, nodes.Not) for q in parsed.query.parts)
        assert parsed.interpretation == "Interprétation : « retraite » sauf « agricole »"
    parsed = parse_query("retraite ET agricole")
    assert parsed.interpretation == "Interprétation : « retraite » et « agricole »"


def test_lower_case_et_ou_are_words_not_operators() -> None:
    parsed = parse_query("santé et sécurité")
    assert parsed.interpretation == "Interprétation : « santé » et « sécurité »"


def test_or_binds_tighter_than_the_implicit_and() -> None:
    parsed = parse_query("hôpital public OU privé")
    assert parsed.interpretation == "Interprétation : « hôpital » et (« public » ou « privé »)"


def test_parentheses_group() -> None:
    parsed = parse_query("(retraite OU pension) agricole")
    assert parsed.interpretation == "Interprétation : (« retraite » ou « pension ») et « agricole »"


def test_phrase_uses_the_exact_fields() -> None:
    parsed = parse_query('"projet de loi"')
    phrases = [q for q in parsed.query.parts if isinstance(q, nodes.Phrase)]
    assert {p.field for p in phrases} >= {"question_exact", "reponse_exact", "analyse_exact"}
    assert phrases[0].words == ("projet", "de", "loi")
    assert "l'expression exacte « projet de loi »" in parsed.interpretation


def test_french_quotes_are_phrases() -> None:
    assert "l'expression exacte « service public »" in parse_query("«service public»").interpretation


def test_proximity() -> None:
    parsed = parse_query('"hôpital public"~5')
    assert "à moins de 5 mots d'écart" in parsed.interpretation


def test_prefix_and_wildcard_use_the_exact_fields() -> None:
    parsed = parse_query("hôpit*")
    prefixes = [q for q in parsed.query.parts if isinstance(q, nodes.Pattern) and q.kind == "prefix"]
    assert {(p.field, p.text) for p in prefixes} >= {("question_exact", "hopit")}
    assert "commençant par « hôpit »" in parsed.interpretation
    wildcard = parse_query("h?pital").query.parts[0]
    assert isinstance(wildcard, nodes.Pattern)
    assert wildcard.kind == "wildcard"


def test_fuzzy() -> None:
    parsed = parse_query("hopitl~")
    fuzzy = [q for q in parsed.query.parts if isinstance(q, nodes.Pattern) and q.kind == "fuzzy"]
    assert fuzzy
    assert fuzzy[0].maxdist == 1
    assert "à une faute près" in parsed.interpretation
    assert parse_query("hopitl~2").query.parts[0].maxdist == 2
    assert ("question", "hopitl") in terms(parsed.query)  # the stemmed fields too


@pytest.mark.parametrize(
    ("text", "field", "value", "words"),
    [
        ("auteur:Grégoire", "auteur", "gregoire", "de l'auteur"),
        ("groupe:LR", "groupe", "lr", "du groupe"),
        ("rubrique:santé", "rubrique", "sante", "en rubrique"),
        ("ministere:intérieur", "ministere", "interieur", "du ministère"),
        ("analyse:hôpitaux", "analyse", "hopital", "dans l'analyse"),
        ("question:hôpitaux", "question", "hopital", "dans le texte de la question"),
        ("reponse:hôpitaux", "reponse", "hopital", "dans la réponse"),
        ("legislature:13", "legislature", "13", "13e législature"),
        ("type:qe", "type", "QE", "questions écrites"),
        ("statut:repondue", "status", "answered", "répondue"),
        ("statut:en-attente", "status", "pending", "en attente"),
        ("statut:retiree", "status", "withdrawn", "retirée"),
        ("statut:caduque", "status", "lapsed", "caduque"),
    ],
)
def test_field_names(text: str, field: str, value: str, words: str) -> None:
    parsed = parse_query(text)
    assert (field, value) in terms(parsed.query)
    assert words in parsed.interpretation
    assert parsed.warnings == ()


def test_field_with_phrase_and_group() -> None:
    parsed = parse_query('auteur:"jean dupont"')
    assert isinstance(parsed.query, nodes.Phrase)
    assert parsed.query.field == "auteur"
    grouped = parse_query("rubrique:(santé OU sécurité)")
    assert terms(grouped.query) == {("rubrique", "sante"), ("rubrique", "securite")}


def _range(text: str) -> tuple[str, object, object]:
    q = parse_query(text).query
    assert isinstance(q, nodes.Range), q
    return q.field, q.start, q.end


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("date:2011", ("qdate", 20110101, 20111231), "question publiée en 2011"),
        ("date:2011-03", ("qdate", 20110301, 20110331), "question publiée en mars 2011"),
        ("date:03/2011", ("qdate", 20110301, 20110331), "en mars 2011"),
        ("date:08/03/2011", ("qdate", 20110308, 20110308), "le 8 mars 2011"),
        (
            "date:01/03/2011..30/06/2011",
            ("qdate", 20110301, 20110630),
            "entre 1er mars 2011 et 30 juin 2011",
        ),
        ("date:2011..2012", ("qdate", 20110101, 20121231), "entre 2011 et 2012"),
        ("reponse-le:>2012", ("adate", 20121232, None), "réponse publiée après 2012"),
        ("reponse-le:>=2012", ("adate", 20120101, None), "réponse publiée depuis 2012"),
        ("date:<2011-03", ("qdate", None, 20110300), "avant mars 2011"),
        ("mars 2011", ("qdate", 20110301, 20110331), "question publiée en mars 2011"),
        ("8 mars 2011", ("qdate", 20110308, 20110308), "le 8 mars 2011"),
        ("delai:>365", ("delai", 366, None), "réponse en plus de 365 jours"),
    ],
)
def test_dates(text: str, expected: tuple[str, object, object], words: str) -> None:
    assert _range(text) == expected
    assert words in parse_query(text).interpretation


def test_month_and_year_beside_words() -> None:
    parsed = parse_query("hôpital mars 2011")
    assert "« hôpital » et question publiée en mars 2011" in parsed.interpretation


@pytest.mark.parametrize(
    ("text", "number", "legislature", "words"),
    [
        ("101851", 101851, None, "la question n° 101851 en tête"),
        ("13-101851QE", 101851, 13, "la question 13-101851QE en tête"),
        ("13-101851", 101851, 13, "la question 13-101851QE en tête"),
        ("QANR5L13QE101851", 101851, 13, "la question 13-101851QE en tête"),
        ("numero:101851", 101851, None, "la question n° 101851 en tête"),
    ],
)
def test_references_are_pinned(text: str, number: int, legislature: int | None, words: str) -> None:
    parsed = parse_query(text)
    assert [(r.number, r.legislature) for r in parsed.references] == [(number, legislature)]
    assert words in parsed.interpretation


def test_bare_number_also_searches_texts_citing_it() -> None:
    parsed = parse_query("101851")
    assert ("question", "101851") in terms(parsed.query)


def test_full_reference_searches_nothing_else() -> None:
    assert parse_query("13-101851QE").query == nodes.Nothing()


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ('"hôpital public', "Guillemet"),
        ("(hôpital OU clinique", "Parenthèse non refermée"),
        ("hôpital)", "Parenthèse fermante en trop"),
        ("hôpital OU", "OU sans terme après"),
        ("OU hôpital", "OU sans terme avant"),
        ("hôpital SAUF", "SAUF sans terme"),
        ("foo:bar", "Champ inconnu « foo: »"),
        ("date:2011-13", "Date illisible"),
        ("statut:perdue", "Statut inconnu"),
        ("type:XX", "Type inconnu"),
        ("legislature:treize", "Législature illisible"),
        ("auteur:", "sans valeur"),
        ("*a", "joker trop large"),
    ],
)
def test_unreadable_input_warns_in_french_and_searches_the_rest(text: str, warning: str) -> None:
    parsed = parse_query(text)
    assert any(warning in w for w in parsed.warnings), parsed.warnings
    assert parsed.interpretation.startswith("Interprétation : ")


def test_empty_query_means_everything() -> None:
    parsed = parse_query("   ")
    assert parsed.query is None
    assert parsed.interpretation == "Interprétation : toutes les questions"


def test_stop_words_alone_are_dropped_from_a_list_of_words() -> None:
    parsed = parse_query("le hôpital")
    assert parsed.interpretation == "Interprétation : « hôpital »"


def test_highlight_terms_per_pane() -> None:
    parsed = parse_query('hôpitaux question:urgence reponse:"service public" -privé')
    assert "hopital" in parsed.marks("question").stems
    assert "urgenc" in parsed.marks("question").stems
    assert "urgenc" not in parsed.marks("answer").stems
    assert ("service", "public") in parsed.marks("answer").phrases
    assert "priv" not in parsed.marks("any").stems


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abé "()*?~:-OUETSAF0123456789/.><«»')), max_size=40))
def test_never_raises(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.interpretation.startswith("Interprétation : ")


# -- bounds: whatever is typed or pasted, the work is bounded and said ------------


def searched_terms(query: object) -> int:
    """How many terms a query searches: each word of a phrase or proximity counts."""
    if query is None or query == nodes.Nothing():
        return 0
    assert isinstance(query, NODES)
    total = 0
    for leaf in nodes.leaves(query):
        if isinstance(leaf, (nodes.Phrase, nodes.Near)):
            total += len(leaf.words)
        else:
            total += 1
    return total


#: Fields one typed term is searched in, at most (a fuzzy word: four exact fields, three stemmed).
FIELDS_PER_TERM = 7


def distinct_words(count: int) -> list[str]:
    """``count`` different made-up words of letters only (one term each, not stop words)."""
    return ["mot" + "".join(chr(97 + i // 26**k % 26) for k in range(3)) for i in range(count)]


def test_a_pasted_paragraph_is_searched_whole_as_words_and_as_an_expression() -> None:
    words = distinct_words(400)
    paragraph = " ".join(words)
    parsed = parse_query(paragraph)
    assert parsed.warnings == ()
    assert {t for _, t in terms(parsed.query)} >= {w for w in words}
    phrase = parse_query(f'"{paragraph}"')
    assert phrase.warnings == ()
    assert list(next(q.words for q in phrase.query.parts if isinstance(q, nodes.Phrase))) == words


def test_beyond_the_terms_bound_the_first_terms_are_searched_and_the_rest_said() -> None:
    words = distinct_words(query.MAX_QUERY_TERMS + 500)
    parsed = parse_query(" ".join(words))
    assert "Recherche trop longue : seuls ses 1\u202f000 premiers termes sont cherchés." in parsed.warnings
    assert searched_terms(parsed.query) <= FIELDS_PER_TERM * query.MAX_QUERY_TERMS
    searched = {t for _, t in terms(parsed.query)}
    assert words[query.MAX_QUERY_TERMS - 1] in searched
    assert words[query.MAX_QUERY_TERMS] not in searched
    # An expression too long keeps its first words.
    phrase = parse_query('"' + " ".join(words) + '"')
    kept = next(q.words for q in phrase.query.parts if isinstance(q, nodes.Phrase))
    assert list(kept) == words[: query.MAX_QUERY_TERMS]
    assert any("premiers termes" in w for w in phrase.warnings)


def test_beyond_the_characters_bound_the_rest_is_not_read() -> None:
    parsed = parse_query("santé " * 5000)
    assert len(parsed.text) == 30_000
    assert "Recherche trop longue : seuls ses 20\u202f000 premiers caractères sont lus." in parsed.warnings


@pytest.mark.parametrize("depth", [query.MAX_NESTING + 1, 1_000, 9_000])
def test_parentheses_nested_too_deep_are_dropped_not_a_recursion_error(depth: int) -> None:
    parsed = parse_query("(" * depth + "hôpital OU clinique" + ")" * depth + " public")
    assert (
        f"Parenthèses imbriquées sur plus de {query.MAX_NESTING} niveaux : les plus profondes sont ignorées."
        in parsed.warnings
    )
    assert parsed.interpretation == "Interprétation : (« hôpital » ou « clinique ») et « public »"
    # Closing parentheses of the dropped levels are dropped too: nothing else is said.
    assert len(parsed.warnings) == 1


def test_a_thousand_negations_are_one_flat_query() -> None:
    parsed = parse_query("-a " * 1000)
    assert isinstance(parsed.query, nodes.And)
    assert len(parsed.query.parts) == 1000
    assert all(isinstance(q, nodes.Not) for q in parsed.query.parts)


def test_too_many_jokers_in_a_word_is_said_and_the_word_ignored() -> None:
    parsed = parse_query("a*" * 30 + " hôpital")
    assert parsed.warnings == (
        "« a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a… » : plus de 5 jokers (* ou ?) dans un même mot : ignoré.",
    )
    assert parsed.interpretation == "Interprétation : « hôpital »"
    assert parse_query("h?p*t*l*").warnings == ()


def test_too_many_patterns_keeps_the_first_ones() -> None:
    text = " ".join(f"mot{i}*" for i in range(query.MAX_PATTERNS + 3))
    parsed = parse_query(text)
    assert (
        f"Plus de {query.MAX_PATTERNS} mots à joker (* ou ?) ou approchés (~) : les suivants sont ignorés."
        in parsed.warnings
    )
    prefixes = {
        q.text for q in nodes.leaves(parsed.query) if isinstance(q, nodes.Pattern) and q.kind == "prefix"
    }
    assert prefixes == {f"mot{i}" for i in range(query.MAX_PATTERNS)}


def test_a_long_fuzzy_word_is_searched_as_it_is() -> None:
    parsed = parse_query("a" * 100 + "~")
    assert "mot de plus de 40 lettres, cherché sans faute tolérée" in parsed.warnings[0]
    assert not any(isinstance(q, nodes.Pattern) and q.kind == "fuzzy" for q in nodes.leaves(parsed.query))


def test_wildcards_highlight_as_whoosh_matches_them() -> None:
    parsed = parse_query("h?pit*l")
    pattern = next(p for p in parsed.marks("question").prefixes if p.startswith("re:"))
    assert re.fullmatch(pattern[3:], "hopital")
    assert not re.fullmatch(pattern[3:], "hopitaux")


# -- text that cannot be encoded ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("h\udce9pital*", "h\ufffdpital*"),  # a Latin-1 "é" in a UTF-8 terminal's argv
        ("\ud800 santé", "\ufffd santé"),  # a lone UTF-16 half
    ],
)
def test_lone_surrogates_are_replaced_and_said(text: str, read: str) -> None:
    parsed = parse_query(text)
    assert parsed.text == read
    assert parsed.warnings[0] == (
        "La recherche contenait des caractères illisibles (mauvais encodage) : remplacés par « \ufffd »."
    )
    parsed.interpretation.encode("utf-8")  # nothing left that cannot be encoded


def test_surrogate_pairs_are_joined_silently() -> None:
    parsed = parse_query("\ud83d\ude00 santé")
    assert parsed.text == "😀 santé"
    assert parsed.warnings == ()


# -- reversed ranges ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("date:2012..2011", ("qdate", 20110101, 20121231), "question publiée entre 2011 et 2012"),
        (
            "reponse-le:30/06/2011..01/03/2011",
            ("adate", 20110301, 20110630),
            "réponse publiée entre 1er mars 2011 et 30 juin 2011",
        ),
        (
            "date:2011-06..2011-03",
            ("qdate", 20110301, 20110630),
            "question publiée entre mars 2011 et juin 2011",
        ),
        ("delai:90..30", ("delai", 30, 90), "réponse en 30 à 90 jours"),
    ],
)
def test_reversed_ranges_are_swapped_and_said(text: str, expected: tuple[str, int, int], words: str) -> None:
    parsed = parse_query(text)
    q = parsed.query
    assert isinstance(q, nodes.Range)
    assert (q.field, q.start, q.end) == expected
    assert parsed.interpretation == f"Interprétation : {words}"
    assert parsed.warnings == (f"Bornes inversées dans « {text} » : échangées ({words}).",)


def test_reversed_legislatures_are_said_too() -> None:
    parsed = parse_query("legislature:14..12")
    assert parsed.interpretation == "Interprétation : législatures 12 à 14"
    assert parsed.warnings == (
        "Bornes inversées dans « legislature:14..12 » : échangées (législatures 12 à 14).",
    )


def test_ranges_in_order_say_nothing() -> None:
    for text in ("date:2011..2012", "date:2011..2011-03", "delai:30..90", "legislature:12..14"):
        assert parse_query(text).warnings == (), text
