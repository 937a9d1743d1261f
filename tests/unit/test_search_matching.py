"""The project's matching gives Whoosh's answers: every match and its exact BM25F score, against
Whoosh's exhaustive search, with one-block and multi-block posting lists; one-pass analysis;
parallel rebuild."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qe_desktop.corpus import import_paths
from qe_desktop.jobs import Cancelled
from qe_desktop.model import SearchRequest
from qe_desktop.search import analysis, build, nodes, schema
from qe_desktop.search import index as index_module
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.index import SearchIndex
from qe_desktop.search.matching import Matcher, phrase_plan
from qe_desktop.search.query import parse_query
from qe_desktop.store import CorpusStore

DATA = Path(__file__).resolve().parent.parent / "data"
SOURCES = [DATA / "an_json", DATA / "an_xml", DATA / "page_text", DATA / "amo"]

#: One query of every kind the parser compiles.
QUERIES = [
    "hôpital",
    "sécurité sociale",
    "sécurité sociale retraite",
    '"sécurité sociale"',
    '"mise en oeuvre"',
    '"de la"',
    '"projet de loi"',
    '"la sécurité sociale"',
    '"ministre de la"',
    '"ministre de l\'intérieur sur"',
    "le",
    "urgences hôpital SAUF Carhaix",
    "(Gaucho OR Linky) NOT compteurs",
    "Gaucho OU Linky",
    "SAUF hôpital",
    "SAUF hôpital SAUF Carhaix -abeilles",
    "télécom*",
    "h?pital",
    "hopitl~",
    '"garanties torture"~5',
    "analyse:abeilles",
    "question:retraite",
    "rubrique:sante",
    "date:2011 abeilles",
    "statut:repondue hôpital",
    "legislature:11..13 travail",
    "date:2000..2020",
    "96-1220",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fast")
    with CorpusStore(folder / "corpus.sqlite") as store:
        report = import_paths(store, SOURCES)
        assert report.added >= 45, report
    return folder / "corpus.sqlite"


@pytest.fixture
def store(corpus: Path) -> Iterator[CorpusStore]:
    with CorpusStore(corpus) as s:
        yield s


@pytest.fixture(params=[adapter.BLOCK_LIMIT, 4], ids=["blocks-of-128", "blocks-of-4"])
def block_limit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Each test twice: with Whoosh's blocks of 128 postings (every list here fits in one), and with
    blocks of 4 (block skipping, multi-block reads and block headers all run)."""
    monkeypatch.setattr(adapter, "BLOCK_LIMIT", request.param)
    schema.fingerprint.cache_clear()
    yield request.param
    schema.fingerprint.cache_clear()


def like_whoosh(searcher: Any, matcher: Matcher, node: nodes.Node, label: str) -> set[int]:
    """Assert that the node matches and scores every document as Whoosh's exhaustive search does
    (``limit=None, optimize=False``: its top-k skipping is not a reference); return the matches."""
    results = searcher.search(adapter.to_whoosh(node, searcher.reader()), limit=None, optimize=False)
    theirs = {results.docnum(i): results.score(i) for i in range(results.scored_length())}
    assert matcher.docs(node) == set(theirs), label
    scores = matcher.scores(node)
    for docnum, score in theirs.items():
        assert math.isclose(scores[docnum], score, rel_tol=1e-9, abs_tol=1e-12), (label, docnum)
    # And the best page, best first, ties in document order.
    best = sorted(theirs.items(), key=lambda item: (-item[1], item[0]))[:10]
    ours = matcher.top(node, frozenset(theirs), 10)
    assert [d for d, _ in ours] == [d for d, _ in best], label
    return set(theirs)


def same_as_whoosh(ix: SearchIndex, queries: list[str]) -> None:
    snap = ix._current()
    for text in queries:
        node = parse_query(text).query
        assert node is not None, text
        like_whoosh(snap.searcher, snap.matcher, node, text)


def test_matching_and_ranking_are_whooshs(tmp_path: Path, store: CorpusStore, block_limit: int) -> None:
    with SearchIndex.open(tmp_path / "index", store) as ix:
        leaf = ix._current().matcher.leaves[0]
        blocks = list(adapter._blocks(leaf.reader.postings("question_exact", "de")))
        assert len(blocks) == (
            1 if block_limit == 128 else -(-leaf.reader.doc_frequency("question_exact", "de") // 4)
        )
        same_as_whoosh(ix, QUERIES)


def test_also_with_several_segments_and_deleted_documents(
    tmp_path: Path, store: CorpusStore, block_limit: int
) -> None:
    with SearchIndex.open(tmp_path / "index", store) as ix:
        # Re-indexing questions writes them to a new segment and deletes them from the first one.
        ix.update(store.all_uids()[::3])
        assert len(ix._current().searcher.reader().leaf_readers()) > 1
        same_as_whoosh(ix, QUERIES)


def _phrases(store: CorpusStore) -> list[str]:
    """Word windows of the real texts: every shape of phrase, stop words anywhere."""
    found: list[str] = []
    for batch in store.iter_batches(100):
        for q in batch:
            words = analysis.tokens(q.question_text or "")
            for size in (2, 3, 4, 5):
                for start in range(0, max(0, len(words) - size), 37 + size):
                    found.append(" ".join(words[start : start + size]))
    return found


def test_every_shape_of_phrase_is_whooshs(tmp_path: Path, store: CorpusStore, block_limit: int) -> None:
    with SearchIndex.open(tmp_path / "index", store) as ix:
        ix.update(store.all_uids()[::4])  # several segments, deleted documents
        snap = ix._current()
        phrases = _phrases(store)
        assert len(phrases) > 300
        vouched = 0
        for text in phrases:
            words = tuple(text.split())
            vouched += len(phrase_plan(words)) < len(words)
            assert like_whoosh(snap.searcher, snap.matcher, nodes.Phrase("question_exact", words), text)
        # Most phrases are checked from their content words, their stop words vouched for by the
        # position records; the others (stop words only, three in a row, two at either end) read
        # those stop words too.
        assert vouched > len(phrases) * 0.7, (vouched, len(phrases))


def test_boosted_terms_as_questions_proches_asks_are_ranked_as_whoosh_does(
    tmp_path: Path, store: CorpusStore, block_limit: int
) -> None:
    with SearchIndex.open(tmp_path / "index", store) as ix:
        snap = ix._current()
        weights = {"hopital": 3.5, "retrait": 1.25, "agricol": 2.0, "urgenc": 0.75, "sant": 1.0}
        node = nodes.Or(
            tuple(
                nodes.Term(field, term, weight * field_boost)
                for term, weight in weights.items()
                for field, field_boost in (("analyse", 3.0), ("question", 1.0), ("reponse", 1.0))
            )
        )
        assert like_whoosh(snap.searcher, snap.matcher, node, "questions proches")


def test_one_pass_analysis_gives_both_fields_terms(store: CorpusStore) -> None:
    for batch in store.iter_batches(100):
        for q in batch:
            for text in (q.question_text, q.answer_text, q.analyse, q.author):
                if not text:
                    continue
                result = analysis.analysed(text)
                assert result.positions == analysis.positions(text)
                stems = Counter(analysis.stemmed_terms(text))
                assert result.stems == dict(stems)
                assert result.stem_length == sum(stems.values())


def _page(ix: SearchIndex, query: str) -> list[tuple[str, float | None]]:
    return [(h.uid, h.score) for h in ix.search(SearchRequest(query=query, limit=50)).hits]


def test_parallel_rebuild_gives_the_same_index(
    tmp_path: Path, store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SearchIndex.open(tmp_path / "one", store) as ix:
        expected = {q: _page(ix, q) for q in QUERIES}
        count = ix.document_count
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    monkeypatch.setattr(build, "worker_count", lambda: 2)
    monkeypatch.setattr(index_module, "SEGMENT_DOCS", 10)
    progress: list[int] = []
    with SearchIndex(tmp_path / "two", store) as ix:
        ix.rebuild(progress=lambda done, total, message: progress.append(done))
        assert len(ix._current().searcher.reader().leaf_readers()) > 2
        assert ix.document_count == count
        assert ix.check().ok
        assert progress[-1] == count
        for q in QUERIES:
            got = _page(ix, q)
            assert [uid for uid, _ in got] == [uid for uid, _ in expected[q]], q


def test_cancelled_parallel_rebuild_keeps_the_previous_index(
    tmp_path: Path, store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SearchIndex.open(tmp_path / "index", store) as ix:
        before = _page(ix, "hôpital")
        monkeypatch.setattr(build, "PARALLEL_MIN", 1)
        monkeypatch.setattr(build, "worker_count", lambda: 2)
        with pytest.raises(Cancelled):
            ix.rebuild(cancelled=lambda: True)
        assert _page(ix, "hôpital") == before
        assert [p.name for p in (tmp_path / "index").iterdir() if p.is_dir()] == [ix._generation]


def test_an_empty_index_answers_every_kind_of_query(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "corpus.sqlite") as empty, SearchIndex.open(tmp_path / "index", empty) as ix:
        for text in [*QUERIES, ""]:
            result = ix.search(text)
            assert (result.total, result.hits) == (0, ()), text
