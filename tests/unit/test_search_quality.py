"""Search quality on the real records of tests/data: what French queries must (and must not) return.

Every bullet of the search issue has a line here: folding and old unaccented
texts, elisions, stemming, the stop list, references kept whole, operators,
phrases, proximity, wildcards, fuzzy, fields, statuses, dates, number lookup,
facets, filters, snippets and similar questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.corpus import import_paths
from qe_desktop.model import SearchRequest
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    folder = tmp_path_factory.mktemp("quality")
    with CorpusStore(folder / "corpus.sqlite") as store:
        report = import_paths(store, [DATA / "an_json", DATA / "an_xml", DATA / "page_text", DATA / "amo"])
        assert report.added >= 45, report
        with SearchIndex.open(folder / "index", store) as ix:
            yield ix


# (query, must return, must not return)
CASES: list[tuple[str, set[str], set[str]]] = [
    # accents and case folded both ways; old legislatures written without accents
    ("télécommunications", {"QANR5L9QE4355", "QANR5L10QE5491"}, set()),
    ("TELECOMMUNICATIONS", {"QANR5L9QE4355", "QANR5L10QE5491"}, set()),
    ("sécurité sociale", {"QANR5L11QE16392"}, {"QANR5L17QE5268"}),
    # œ and oe
    ("œuvre", {"QANR5L13QE101851", "QANR5L11QE63006"}, set()),
    ("main-d’œuvre", {"QANR5L11QE63006"}, set()),
    # stemming: singular/plural, unaccented
    ("diamant synthetique", {"QANR5L17QE5268"}, set()),
    ("hôpitaux", {"QANR5L16QG6", "QANR5L16QG9"}, {"QANR5L17QE5268"}),
    ("abeille", {"QANR5L11QE8177"}, set()),
    # "été" is a content word (l'été), not a stop word
    ("été abeilles", {"QANR5L11QE8177"}, set()),
    # references and numbers kept whole
    ('"L. 133-4"', {"QANR5L12QE121124"}, set()),
    ("96-1220", {"QANR5L11QE24919"}, set()),
    ("Kazakhstan", {"QANR5L13QE101851"}, set()),
    # operators
    ("urgences hôpital SAUF Carhaix", {"QANR5L16QG9"}, {"QANR5L16QG6"}),
    ("urgences hôpital -Carhaix", {"QANR5L16QG9"}, {"QANR5L16QG6"}),
    ("Gaucho OU Linky", {"QANR5L11QE8177", "QANR5L14QE95281"}, set()),
    ("(Gaucho OR Linky) NOT compteurs", {"QANR5L11QE8177"}, {"QANR5L14QE95281"}),
    # phrases, proximity, wildcards, fuzzy
    ('"mise en oeuvre"', {"QANR5L13QE101851"}, set()),
    ('"garanties torture"~5', {"QANR5L13QE101851"}, set()),
    ("rapatri*", {"QANR5L11QE20643", "QANR5L11QE20779"}, set()),
    ("telecomunications~", {"QANR5L9QE4355"}, set()),
    ("Kazakstan~", {"QANR5L13QE101851"}, set()),
    # fields
    ("rubrique:sante", {"QANR5L16QG6", "QANR5L9QE6823"}, {"QANR5L16QG165"}),
    ("rubrique:rapatriés", {"QANR5L11QE20643", "QANR5L11QE20779"}, set()),
    ("auteur:kucheida", {"QANR5L10QE43864", "QANR5L9QE17069"}, {"QANR5L9QE4355"}),
    ("groupe:LR", {"QANR5L16QG165"}, {"QANR5L16QG6"}),
    ("analyse:urgences", {"QANR5L16QG6", "QANR5L16QG9"}, set()),
    ("ministere:défense", {"QANR5L11QE10174", "QANR5L14QE47351"}, set()),
    ("legislature:9 anciens combattants", {"QANR5L9QE11029", "QANR5L9QE57824"}, set()),
    ("type:QG hôpital", {"QANR5L16QG6"}, set()),
    ("statut:repondue urgences", {"QANR5L16QG6", "QANR5L16QG9"}, set()),
    ("statut:caduque kucheida", {"QANR5L10QE43864"}, set()),
    # dates
    ("date:2011", {"QANR5L13QE101851", "QANR5L13QE119907"}, {"QANR5L13QE88076"}),
    ("mars 2011", {"QANR5L13QE101851"}, {"QANR5L13QE119907"}),
    ("date:01/10/2011..31/10/2011", {"QANR5L13QE119907"}, {"QANR5L13QE101851"}),
    ("reponse-le:>2020", {"QANR5L17QE5268", "QANR5L16QG6"}, {"QANR5L13QE101851"}),
]


@pytest.mark.parametrize(("query", "must", "must_not"), CASES, ids=[c[0] for c in CASES])
def test_query(index: SearchIndex, query: str, must: set[str], must_not: set[str]) -> None:
    result = index.search(SearchRequest(query=query, limit=100))
    found = {h.uid for h in result.hits}
    assert must <= found, (result.interpretation, sorted(found))
    assert not (must_not & found), (result.interpretation, sorted(must_not & found))
    assert result.total == len(found)
    assert not result.warnings


@pytest.mark.parametrize("query", ["101851", "13-101851QE", "13-101851", "QANR5L13QE101851", "n° 101851"])
def test_number_or_reference_puts_the_question_first(index: SearchIndex, query: str) -> None:
    assert index.search(query).hits[0].uid == "QANR5L13QE101851"


def test_ranking_prefers_the_analyse(index: SearchIndex) -> None:
    hits = index.search("urgences hôpital").hits
    assert {hits[0].uid, hits[1].uid} == {"QANR5L16QG6", "QANR5L16QG9"}


def test_snippets_mark_inflected_words_in_both_panes(index: SearchIndex) -> None:
    hit = next(h for h in index.search("hopital").hits if h.uid == "QANR5L16QG6")
    assert "<b>hôpital</b>" in hit.answer_snippet or "<b>hôpitaux</b>" in hit.answer_snippet
    hit = index.search("kazakhstan").hits[0]
    assert "<b>Kazakhstan</b>" in hit.question_snippet
    assert "<b>Kazakhstan</b>" in hit.answer_snippet


def test_facets_and_filters_on_real_records(index: SearchIndex) -> None:
    result = index.search("handicapés")
    assert {"9", "10", "11"} <= {v for v, _ in result.facets["legislature"]}
    filtered = index.search(SearchRequest(query="handicapés", filters=(("legislature", "10"),)))
    assert {h.uid for h in filtered.hits} == {"QANR5L10QE4633"}
    by_rubrique = index.search(SearchRequest(query="", filters=(("rubrique", "etablissements de sante"),)))
    assert {h.uid for h in by_rubrique.hits} == {"QANR5L16QG6", "QANR5L16QG9"}


def test_unparseable_query_warns_and_still_searches(index: SearchIndex) -> None:
    result = index.search('(Kazakhstan "torture')
    assert result.warnings
    assert result.hits[0].uid == "QANR5L13QE101851"


def test_similar_questions(index: SearchIndex) -> None:
    result = index.similar("11-20643QE")
    assert result.hits[0].uid == "QANR5L11QE20779"  # the other "Rapatriés" question
    assert len(result.hits) == 10
    assert "QANR5L11QE20643" not in {h.uid for h in result.hits}
    result = index.similar("16-6QG")
    assert result.hits[0].uid == "QANR5L16QG9"  # same subject, same day
