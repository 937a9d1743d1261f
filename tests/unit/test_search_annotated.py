"""The user's annotations in the corpus search: the « Annotations » facet and filter, the note: field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.annotations.edits import PutAnnotation, new_annotation
from qe_desktop.annotations.searching import SearchAnnotations
from qe_desktop.annotations.store import UserStore
from qe_desktop.corpus import import_paths
from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore

from conftest import DATA

FIVE_TWO_SIX_EIGHT = "QANR5L17QE5268"
XML_ONE = "QANR5L14QE47351"


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    paths = DataPaths(tmp_path / "data").ensure()
    with CorpusStore(paths.corpus_db) as store:
        import_paths(store, [DATA / "an_json", DATA / "an_xml", DATA / "page_text"])
        five = store.get(FIVE_TWO_SIX_EIGHT)
        xml = store.get(XML_ONE)
        assert five is not None
        assert xml is not None
        with UserStore.open(paths) as user:
            text = five.question_text or ""
            start = text.index("diamants synthétiques")
            user.apply(PutAnnotation(new_annotation(five, "question", start, start + 21, colour=2)))
            user.apply(
                PutAnnotation(new_annotation(xml, None, 0, 0, note="Les hôpitaux de proximité : relancer"))
            )
        with SearchIndex.open(paths, store) as ix:
            ix.annotations = SearchAnnotations(paths)
            yield ix
            ix.annotations.close()


def uids(ix: SearchIndex, query: str, *filters: tuple[str, str]) -> set[str]:
    return {h.uid for h in ix.search(SearchRequest(query=query, filters=filters, limit=100)).hits}


def test_the_annotations_facet_counts_annotated_questions(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="", limit=0))
    facet = dict(result.facets["annotee"])
    assert facet["oui"] == 2
    assert facet["oui"] + facet["non"] == result.total


def test_the_annotations_filter_keeps_them_or_the_others(index: SearchIndex) -> None:
    assert uids(index, "", ("annotee", "oui")) == {FIVE_TWO_SIX_EIGHT, XML_ONE}
    others = index.search(SearchRequest(query="", filters=(("annotee", "non"),), limit=0))
    every = index.search(SearchRequest(query="", limit=0))
    assert others.total == every.total - 2
    # The other facets count what the filter keeps; the filter's own facet still shows both values.
    kept = index.search(SearchRequest(query="", filters=(("annotee", "oui"),), limit=0))
    assert sum(n for _, n in kept.facets["type"]) == 2
    assert dict(kept.facets["annotee"])["non"] == every.total - 2


def test_note_field_finds_words_of_notes_and_passages_folded_and_stemmed(index: SearchIndex) -> None:
    assert uids(index, "note:hopital") == {XML_ONE}  # the note says « hôpitaux »
    assert uids(index, "note:diamant") == {FIVE_TWO_SIX_EIGHT}  # the highlighted passage
    assert uids(index, "note:*") == {FIVE_TWO_SIX_EIGHT, XML_ONE}
    assert uids(index, "diamants SAUF note:*") == set()
    result = index.search("annotation:diamant")
    assert result.interpretation.startswith("Interprétation : les questions annotées")


def test_without_the_users_database_the_criterion_is_said_to_be_ignored(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    with CorpusStore(paths.corpus_db) as store:
        import_paths(store, [DATA / "an_json"])
        with SearchIndex.open(paths, store) as ix:
            result = ix.search(SearchRequest(query="note:diamant", filters=(("annotee", "oui"),)))
            assert result.total == 0
            assert "Les annotations ne sont pas consultables ici : critère ignoré." in result.warnings
            assert "annotee" not in ix.search("").facets


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", (("annotee", "oui"),)),
        ("", (("annotee", "non"),)),
        ("note:hopital", ()),
        ("note:*", (("type", "QE"),)),
    ],
)
def test_matching_uids_keeps_what_the_search_keeps(
    index: SearchIndex, query: str, filters: tuple[tuple[str, str], ...]
) -> None:
    found = index.search(SearchRequest(query=query, filters=filters, limit=100_000))
    assert sorted(index.matching_uids(SearchRequest(query=query, filters=filters))) == sorted(
        h.uid for h in found.hits
    )
    assert found.total == len(found.hits) > 0
