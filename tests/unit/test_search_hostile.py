"""Hostile queries on the sample corpus: each one answered, with warnings, its work bounded.

The cases of issue 8 (repeated jokers and negations, undecodable bytes, reversed
ranges) first, then a property test over arbitrary text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_search_query import FIELDS_PER_TERM, searched_terms

from qe_desktop.corpus import import_paths
from qe_desktop.model import SearchRequest, SearchResult
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.search import matching, nodes
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.search.query import (
    MAX_NESTING,
    MAX_PATTERNS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    parse_query,
)
from qe_desktop.store import CorpusStore


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    paths = DataPaths(tmp_path_factory.mktemp("hostile") / "data").ensure()
    with CorpusStore(paths.corpus_db) as store:
        report = import_paths(store, sample_folders())
        assert report.added == 581, report
        with SearchIndex.open(paths, store) as ix:
            ix.warm()
            yield ix


def patterns(query: nodes.Node | None) -> list[nodes.Pattern]:
    """The prefix, wildcard and fuzzy leaves of a query tree."""
    if query is None:
        return []
    return [leaf for leaf in nodes.leaves(query) if isinstance(leaf, nodes.Pattern)]


def depth(query: nodes.Node) -> int:
    """Levels of a query tree (counted without recursion)."""
    deepest, stack = 0, [(query, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, (nodes.And, nodes.Or)):
            stack.extend((child, level + 1) for child in node.parts)
        elif isinstance(node, nodes.Not):
            stack.append((node.part, level + 1))
    return deepest


#: Query tree levels per level of parentheses (And, Or, Not), and below the last one
#: (And, Or or Not, then a term's Or of fields and the term itself).
LEVELS_PER_GROUP = 3
LEVELS_BELOW = 5


def assert_bounded(index: SearchIndex, text: str) -> None:
    """What a query searches stays within the bounds, whatever its text."""
    parsed = parse_query(text)
    assert searched_terms(parsed.query) <= FIELDS_PER_TERM * MAX_QUERY_TERMS
    if parsed.query is not None:
        # What walks the tree (matching) recurses this deep at most.
        assert depth(parsed.query) <= LEVELS_PER_GROUP * MAX_NESTING + LEVELS_BELOW
    leaves = patterns(parsed.query)
    assert len(leaves) <= FIELDS_PER_TERM * MAX_PATTERNS
    matcher = index._current().matcher
    for leaf in leaves:
        searched, _ = matcher.expansion(leaf)
        assert searched <= matching.MAX_EXPANSION


# -- the cases of the issue ------------------------------------------------------


@pytest.mark.parametrize("times", [30, 32, 35])
def test_repeated_jokers_are_answered_at_once_with_a_warning(index: SearchIndex, times: int) -> None:
    result = index.search("a*" * times)
    assert result.warnings == (
        "« a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a… » : plus de 5 jokers (* ou ?) dans un même mot : ignoré.",
    )
    assert_bounded(index, "a*" * times)


@pytest.mark.parametrize("times", [500, 1000, 3000])
def test_negations_by_the_thousand_answer_as_one_does(index: SearchIndex, times: int) -> None:
    once = index.search("-a")
    result = index.search("-a " * times)
    assert result.total == once.total > 0
    assert [h.uid for h in result.hits] == [h.uid for h in once.hits]
    assert_bounded(index, "-a " * times)


def test_undecodable_bytes_are_replaced_and_the_result_can_be_written(index: SearchIndex) -> None:
    result = index.search("h\udce9pital*")
    assert result.query == "h\ufffdpital*"
    assert result.warnings[0].startswith("La recherche contenait des caractères illisibles")
    json.dumps(result.record(), ensure_ascii=False).encode("utf-8")


def test_a_reversed_date_range_finds_what_the_right_way_round_finds(index: SearchIndex) -> None:
    reversed_ = index.search("date:2012..2011")
    right = index.search("date:2011..2012")
    assert reversed_.total == right.total > 0
    assert [h.uid for h in reversed_.hits] == [h.uid for h in right.hits]
    assert reversed_.interpretation == right.interpretation
    assert reversed_.warnings == (
        "Bornes inversées dans « date:2012..2011 » : échangées (question publiée entre 2011 et 2012).",
    )


def test_a_pattern_matching_too_many_words_searches_the_most_frequent(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = index.search("pro*")
    assert everything.warnings == ()
    snap = index._current()
    monkeypatch.setattr(matching, "MAX_EXPANSION", 5)
    # A searcher's matches and expansions are cached: a fresh one, the old one back after the test.
    monkeypatch.setattr(snap, "matcher", matching.Matcher(snap.searcher))
    result = index.search("pro*")
    assert result.warnings == (
        "Le motif « pro* » correspond à plus de 5 mots : seuls les 5 plus fréquents sont cherchés.",
    )
    assert 0 < result.total < everything.total
    # The words kept are the most frequent of the field.
    prefix = nodes.Pattern("question_exact", "prefix", "pro")
    assert snap.matcher.expansion(prefix) == (5, 37)
    kept = set(snap.matcher.words(prefix))
    every = {w for w in snap.searcher.lexicon("question_exact") if w.startswith(b"pro")}
    frequency = sorted((snap.searcher.doc_frequency("question_exact", w) for w in every), reverse=True)
    assert (
        sorted((snap.searcher.doc_frequency("question_exact", w) for w in kept), reverse=True)
        == frequency[:5]
    )


# -- anything at all ----------------------------------------------------------------

#: Seconds a search may take on the sample corpus (581 questions), whatever is typed: loose,
#: for a shared CI machine; the bound that matters is structural (terms and words searched).
SECONDS_PER_SEARCH = 5.0

#: The query language's own characters, and some that must never reach a terminal or an encoder.
_SYNTAX = [*'ab é "«»“”()*?~:-+!&|OUETSAFNR0123456789/.><', "\x00", "\x1b", "\x9b", "\ud800", "\udce9"]
_OPENERS = ["(", "-(", "«", '"', "SAUF ", "NOT (", "rubrique:(", "date:(", "a* OU ", "- ", "auteur:"]

QUERIES = st.one_of(
    # Any code point: surrogates and controls included.
    st.text(st.characters(exclude_categories=()), max_size=60),
    st.text(st.sampled_from(_SYNTAX), max_size=200),
    # Deeply nested and very long: an opener repeated, then anything.
    st.builds(
        lambda opener, times, rest: opener * times + rest,
        st.sampled_from(_OPENERS),
        st.integers(0, 4000),
        st.text(st.sampled_from(_SYNTAX), max_size=30),
    ),
    # An operator and a term repeated: thousands of negations, alternatives, patterns, criteria.
    st.builds(
        lambda op, term, times: f"{op}{term} " * times,
        st.sampled_from(["", "-", "SAUF ", "OU ", "(", "«"]),
        st.sampled_from(["a", "santé", "santé*", "hopitl~", '"code de la route"', "date:2012..2011"]),
        # Around the bounds more often than hypothesis' small numbers would.
        st.sampled_from([999, 1000, 1001, 3000]) | st.integers(0, 3000),
    ),
    # A chunk repeated up to past the length bound.
    st.builds(
        lambda chunk, times: chunk * times,
        st.text(st.sampled_from(_SYNTAX), max_size=6),
        st.integers(0, 8000),
    ),
)


def has_lone_surrogates(text: str) -> bool:
    """Whether ``text`` holds a surrogate that is not half of a UTF-16 pair."""
    try:
        text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return True
    return False


@settings(
    max_examples=200,
    deadline=timedelta(seconds=SECONDS_PER_SEARCH),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=QUERIES)
# The cases of the issue, always tried.
@example(text="a*" * 35)
@example(text="-a " * 1000)
@example(text="h\udce9pital*")
@example(text="~" * 2025)  # found by this test: one recursion per "~" of an over-long fuzzy word
@example(text="date:2012..2011")
@example(text="(" * 5000 + "santé")
def test_any_text_gets_a_result_within_bounds(index: SearchIndex, text: str) -> None:
    parsed = parse_query(text)
    assert parsed.interpretation.startswith("Interprétation : ")
    # What was dropped is said.
    if has_lone_surrogates(text):
        assert any(w.startswith("La recherche contenait des caractères illisibles") for w in parsed.warnings)
    if len(text) > MAX_QUERY_CHARS:
        assert any(w.startswith("Recherche trop longue") for w in parsed.warnings)
    if text.startswith("(" * (MAX_NESTING + 1)):
        assert any(w.startswith("Parenthèses imbriquées") for w in parsed.warnings)
    try:
        result = index.search(SearchRequest(query=text))
    except SearchIndexError:
        return  # the project's own error (a damaged index), never another exception
    assert isinstance(result, SearchResult)
    # Everything in it can be written out (no lone surrogate left).
    json.dumps(result.record(), ensure_ascii=False).encode("utf-8")
    assert_bounded(index, text)
