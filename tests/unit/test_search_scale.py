"""At scale: 3,000 synthetic questions, every shape of the query language, against Whoosh's
exhaustive search (every matching document, its exact score), on multi-block posting lists.

The synthetic questions are the benchmarks' generator (official shape, real sentences
recombined) learning from the bundled sample, so the test needs nothing outside the repository.
At 3,000 questions a frequent word's list has some 25 blocks of 128 postings: block skipping,
multi-block reads and block headers run as they do on a whole legislature.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from test_search_matching import like_whoosh

from qe_desktop.corpus import import_paths
from qe_desktop.paths import DataPaths
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.index import SearchIndex
from qe_desktop.search.query import parse_query
from qe_desktop.store import CorpusStore

from conftest import SAMPLE, load_benchmark

QUESTIONS = 3000

#: Every shape the query language compiles to, on words the synthetic questions hold.
QUERIES = [
    # words: stemmed and exact fields, inflections, accents
    "frais",
    "frais bancaires",
    "hopitaux publics",
    "entreprises",
    "le",
    # operators
    "retraite OU pension",
    "santé ET médecins",
    "frais SAUF bancaires",
    "-santé ministre",
    "(retraite OU pension) SAUF agricole",
    "SAUF santé SAUF retraite",
    # phrases: content words only, stop words inside, at either end, stop words only
    '"frais bancaires"',
    '"petites et moyennes entreprises"',
    '"la réglementation applicable"',
    "\"de l'économie, de l'industrie et de l'emploi\"",
    '"ministre de la santé"',
    '"attire l\'attention de"',
    '"de la"',
    '"à la"',
    # proximity, patterns
    '"frais bancaires"~5',
    '"ministre santé"~3',
    "médec*",
    "hôpit*",
    "m?decins",
    "reglementaion~",
    "bancaire~2",
    # fields
    "analyse:retraite",
    "question:médecins",
    "reponse:gouvernement",
    "rubrique:santé",
    "ministere:solidarité",
    "groupe:RN",
    "auteur:Hugues",
    "legislature:13",
    "type:QE",
    "statut:repondue",
    "statut:caduque frais",
    # dates and delays
    "date:2008",
    "date:2008-03",
    "date:01/01/2009..30/06/2010",
    "reponse-le:>2011",
    "delai:>365",
    "delai:30..90 santé",
    "mars 2008",
    # references and everything
    "17",
    "13-17QE frais",
    "*",
]


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    return load_benchmark("synth")


@pytest.fixture(scope="module")
def index(synth: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    work = tmp_path_factory.mktemp("scale")
    dump = synth.write_dump(work / "dump.zip", QUESTIONS, seed=5, legislature=13, corpus=SAMPLE)
    paths = DataPaths(work / "data").ensure()
    with CorpusStore(paths.corpus_db) as store:
        report = import_paths(store, [dump])
        assert report.added == QUESTIONS, report
        with SearchIndex.open(paths, store) as ix:
            # Several segments, and deleted documents in the first one, as after imports.
            ix.update(store.all_uids()[::7])
            yield ix


def test_lists_span_many_blocks(index: SearchIndex) -> None:
    leaf = index._current().matcher.leaves[0]
    postings = leaf.reader.postings("question_exact", "de")
    blocks = list(adapter._blocks(getattr(postings, "child", postings)))  # deleted documents wrap it
    assert len(blocks) > 20
    assert len(index._current().matcher.leaves) > 1


@pytest.mark.parametrize("text", QUERIES)
def test_every_shape_of_query_scores_every_match_as_whoosh(index: SearchIndex, text: str) -> None:
    parsed = parse_query(text)
    assert parsed.query is not None, text
    snap = index._current()
    matched = like_whoosh(snap.searcher, snap.matcher, parsed.query, text)
    if text not in ("reglementaion~", '"ministre santé"~3'):
        assert matched, f"{text} matches nothing: the test would prove nothing"
