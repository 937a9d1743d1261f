"""Hostile queries on the sample corpus: each one answered, with warnings, its work bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from test_search_query import FIELDS_PER_TERM, searched_terms
from whoosh import query as wq

from qe_desktop.corpus import import_paths
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.search import fastquery
from qe_desktop.search.index import SearchIndex
from qe_desktop.search.query import (
    MAX_PATTERNS,
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


def patterns(query: Any) -> list[Any]:
    """The prefix, wildcard and fuzzy leaves of a Whoosh query."""
    if query is None or query is wq.NullQuery:
        return []
    return [leaf for leaf in query.leaves() if isinstance(leaf, wq.MultiTerm)]


def assert_bounded(index: SearchIndex, text: str) -> None:
    """What a query searches stays within the bounds, whatever its text."""
    parsed = parse_query(text)
    assert searched_terms(parsed.query) <= FIELDS_PER_TERM * MAX_QUERY_TERMS
    leaves = patterns(parsed.query)
    assert len(leaves) <= FIELDS_PER_TERM * MAX_PATTERNS
    fast = index._current().fast
    for leaf in leaves:
        searched, _ = fast.expansion(leaf)
        assert searched <= fastquery.MAX_EXPANSION


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
    monkeypatch.setattr(fastquery, "MAX_EXPANSION", 5)
    # A searcher's matches and expansions are cached: a fresh one, the old one back after the test.
    monkeypatch.setattr(snap, "fast", fastquery.FastSearch(snap.searcher))
    result = index.search("pro*")
    assert result.warnings == (
        "Le motif « pro* » correspond à plus de 5 mots : seuls les 5 plus fréquents sont cherchés.",
    )
    assert 0 < result.total < everything.total
    # The words kept are the most frequent of the field.
    prefix = wq.Prefix("question_exact", "pro")
    assert snap.fast.expansion(prefix) == (5, 37)
    kept = {w for leaf in snap.fast._words(prefix) for w in leaf}
    every = {w for reader, _ in snap.fast.leaves for w in prefix._btexts(reader)}
    frequency = sorted((snap.searcher.doc_frequency("question_exact", w) for w in every), reverse=True)
    assert (
        sorted((snap.searcher.doc_frequency("question_exact", w) for w in kept), reverse=True)
        == frequency[:5]
    )
