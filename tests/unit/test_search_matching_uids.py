"""SearchIndex.matching_uids: every question a search finds, as search() counts them, without hits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore


@pytest.fixture
def index(sample_data_folder: Path) -> Iterator[SearchIndex]:
    paths = DataPaths(sample_data_folder)
    with CorpusStore(paths.corpus_db, readonly=True) as store, SearchIndex.open(paths, store) as ix:
        yield ix


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(query=""),
        SearchRequest(query="hôpital"),
        SearchRequest(query="santé OU école", filters=(("type", "QE"),)),
        SearchRequest(query="", filters=(("statut", "answered"),)),
        SearchRequest(query="agriculteurs", sort="date", offset=5, limit=3),
    ],
    ids=["everything", "one-word", "or-and-filter", "filter-only", "page-ignored"],
)
def test_the_same_questions_as_the_search_counts(index: SearchIndex, request_: SearchRequest) -> None:
    every = index.search(SearchRequest(query=request_.query, filters=request_.filters, limit=100_000))
    uids = index.matching_uids(request_)
    assert len(uids) == every.total == len(set(uids))
    assert set(uids) == {hit.uid for hit in every.hits}
    assert uids  # each of these searches finds something in the sample


def test_a_search_that_finds_nothing(index: SearchIndex) -> None:
    assert index.matching_uids("zzzqqqxx") == []
