"""The search index: search results, facets and filters, snippets, similar questions, lifecycle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qe_desktop.jobs import Cancelled
from qe_desktop.model import Question, SearchRequest
from qe_desktop.paths import DataPaths
from qe_desktop.search.highlight import highlight_spans, snippet
from qe_desktop.search.index import STATE_FILE, WRITING_FILE, SearchIndex, SearchIndexError
from qe_desktop.search.whoosh_adapter import IndexDamaged
from qe_desktop.store import CorpusStore


def question(number: int, **kw: object) -> Question:
    base: dict[str, object] = {
        "uid": f"QANR5L{kw.get('legislature', 13)}QE{number}",
        "legislature": 13,
        "type": "QE",
        "number": number,
        "status": "answered",
        "question_date": "2011-03-08",
        "answer_date": "2011-06-14",
    }
    base.update(kw)
    return Question(**base)  # type: ignore[arg-type]


QUESTIONS = [
    question(
        1,
        analyse="Fermeture de l'hôpital de proximité",
        rubrique="santé",
        author="Mme Anne Dupont",
        group_abbrev="SRC",
        ministry_answering="Santé et sports",
        question_text="Mme Anne Dupont attire l'attention sur la fermeture des hôpitaux de proximité en zone rurale.",
        answer_text="Les hôpitaux de proximité sont maintenus. Le service public hospitalier demeure.",
    ),
    question(
        2,
        analyse="Exonérations de charges sociales",
        rubrique="impôts et taxes",
        author="M. Paul Martin",
        group_abbrev="UMP",
        ministry_answering="Budget",
        question_date="2012-05-02",
        answer_date="2013-06-01",
        question_text="M. Paul Martin interroge le ministre sur les exonérations prévues à l'article L. 241-13 "
        "du code de la sécurité sociale et la loi n° 2021-1234.",
        answer_text="L'exonération est maintenue (question n° 12345).",
    ),
    question(
        3,
        legislature=14,
        uid="QANR5L14QE3",
        analyse="Œuvres d'art et d'airain",
        rubrique="culture",
        author="M. Jean Durand",
        group_abbrev="SER",
        ministry_answering="Culture et communication",
        question_date="2013-01-15",
        answer_date=None,
        status="pending",
        question_text="M. Jean Durand interroge la ministre sur la restauration des oeuvres d'airain pendant l'été.",
    ),
    question(
        4,
        analyse="Hopitaux ruraux",
        rubrique="Sante publique",
        author="M. Luc Petit",
        group_abbrev="UMP",
        ministry_answering="Santé et sports",
        question_date="1994-02-01",
        answer_date="1994-05-01",
        legislature=10,
        uid="QANR5L10QE4",
        question_text="M. Luc Petit appelle l'attention sur les hopitaux ruraux et la securite des patients, "
        "non sans inquietude.",
        answer_text="Le gouvernement est attentif a la securite des hopitaux.",
    ),
    question(
        5,
        analyse="Retraite des agriculteurs",
        rubrique="retraites : régime agricole",
        author="M. Paul Martin",
        group_abbrev="UMP",
        ministry_answering="Agriculture et pêche",
        question_date="2011-09-20",
        answer_date=None,
        status="withdrawn",
        question_text="M. Paul Martin interroge le ministre sur la retraite des agriculteurs et la pension "
        "de réversion.",
    ),
]


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data").ensure()


@pytest.fixture
def store(paths: DataPaths) -> Iterator[CorpusStore]:
    with CorpusStore(paths.corpus_db) as s:
        s.upsert_questions(QUESTIONS)
        yield s


@pytest.fixture
def index(paths: DataPaths, store: CorpusStore) -> Iterator[SearchIndex]:
    with SearchIndex.open(paths, store) as ix:
        yield ix


def uids(index: SearchIndex, query: str, **kw: object) -> list[str]:
    return [h.uid for h in index.search(SearchRequest(query=query, **kw)).hits]  # type: ignore[arg-type]


# -- searching -------------------------------------------------------------------


def test_plain_words_find_inflections_accents_and_old_unaccented_texts(index: SearchIndex) -> None:
    assert set(uids(index, "hôpital")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert set(uids(index, "hopitaux")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert uids(index, "sécurité hôpital") == ["QANR5L10QE4"]
    assert uids(index, "exonération") == ["QANR5L13QE2"]
    assert uids(index, "oeuvre") == ["QANR5L14QE3"]
    assert uids(index, "airain") == ["QANR5L14QE3"]
    assert uids(index, "été") == ["QANR5L14QE3"]
    assert uids(index, "non sans inquiétude") == ["QANR5L10QE4"]


def test_analyse_is_ranked_first(index: SearchIndex) -> None:
    # Both mention hospitals; question 4 has them in its analyse only once, as does 1.
    result = index.search("retraite")
    assert result.hits[0].uid == "QANR5L13QE5"


def test_references_and_legal_numbers(index: SearchIndex) -> None:
    assert uids(index, '"L. 241-13"') == ["QANR5L13QE2"]
    assert uids(index, "2021-1234") == ["QANR5L13QE2"]
    assert uids(index, "n° 12345") == ["QANR5L13QE2"]


def test_phrase_is_exact_wording(index: SearchIndex) -> None:
    assert uids(index, '"service public"') == ["QANR5L13QE1"]
    assert uids(index, '"services publics"') == []
    assert uids(index, '"hôpitaux de proximité"') == ["QANR5L13QE1"]


def test_boolean_operators(index: SearchIndex) -> None:
    assert set(uids(index, "retraite OU exonérations")) == {"QANR5L13QE5", "QANR5L13QE2"}
    assert uids(index, "hôpital SAUF patients") == ["QANR5L13QE1"]
    assert uids(index, "hôpital -patients") == ["QANR5L13QE1"]
    assert uids(index, "hôpital NOT patients") == ["QANR5L13QE1"]


def test_prefix_fuzzy_and_fields(index: SearchIndex) -> None:
    assert set(uids(index, "exon*")) == {"QANR5L13QE2"}
    assert set(uids(index, "hopitl~")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert set(uids(index, "auteur:martin")) == {"QANR5L13QE2", "QANR5L13QE5"}
    assert set(uids(index, "rubrique:sante")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert set(uids(index, "rubrique:(santé OU culture)")) == {"QANR5L13QE1", "QANR5L10QE4", "QANR5L14QE3"}
    assert uids(index, "reponse:maintenue") == ["QANR5L13QE2"]
    assert uids(index, "question:exonération") == ["QANR5L13QE2"]
    assert set(uids(index, "ministere:santé")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert set(uids(index, "groupe:ump")) == {"QANR5L13QE2", "QANR5L10QE4", "QANR5L13QE5"}


def test_status_type_legislature_and_dates(index: SearchIndex) -> None:
    assert uids(index, "statut:en-attente") == ["QANR5L14QE3"]
    assert uids(index, "statut:retiree") == ["QANR5L13QE5"]
    assert uids(index, "legislature:10") == ["QANR5L10QE4"]
    assert set(uids(index, "date:2011")) == {"QANR5L13QE1", "QANR5L13QE5"}
    assert uids(index, "mars 2011") == ["QANR5L13QE1"]
    assert uids(index, "date:01/01/2012..31/12/2013 exonérations") == ["QANR5L13QE2"]
    assert uids(index, "reponse-le:>2012") == ["QANR5L13QE2"]
    assert uids(index, "delai:>365") == ["QANR5L13QE2"]


def test_number_lookup_puts_the_question_first(index: SearchIndex) -> None:
    result = index.search("13-2QE")
    assert [h.uid for h in result.hits] == ["QANR5L13QE2"]
    assert result.hits[0].score is None
    # A bare number: the question(s) with that number first, then texts citing it.
    result = index.search("12345")
    assert result.total == 1
    assert result.hits[0].uid == "QANR5L13QE2"
    assert index.search("3").hits[0].uid == "QANR5L14QE3"


def test_warm_reads_every_text_fields_lengths_ahead(index: SearchIndex) -> None:
    matcher = index._current().matcher
    before = uids(index, '"retraite des agriculteurs"')
    matcher._lengths.clear()
    index.warm()
    scorable = {name for name, field in index._current().searcher.schema.items() if field.scorable}
    assert "question_exact" in scorable
    assert set(matcher._lengths) == scorable
    assert uids(index, '"retraite des agriculteurs"') == before


def test_facets_of_every_question_counted_whole_as_by_groups(index: SearchIndex) -> None:
    table = index._current().table
    every = list(range(len(table.uids)))
    assert table._count_unfiltered(every) == table._count_grouped(every)
    assert sum(n for _, n in table._count_unfiltered(every)["type"]) == len(every)


def test_total_counts_every_match_not_the_page(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="date:1990..2020", limit=2))
    assert result.total == 5
    assert len(result.hits) == 2
    page2 = index.search(SearchRequest(query="date:1990..2020", limit=2, offset=2))
    assert len(page2.hits) == 2
    assert not {h.uid for h in result.hits} & {h.uid for h in page2.hits}


def test_sort_orders(index: SearchIndex) -> None:
    by_date = uids(index, "", sort="date")
    assert by_date == ["QANR5L14QE3", "QANR5L13QE2", "QANR5L13QE5", "QANR5L13QE1", "QANR5L10QE4"]
    by_delay = uids(index, "", sort="delai")
    assert by_delay[0] == "QANR5L13QE2"  # 395 days
    assert set(by_delay[-2:]) == {"QANR5L14QE3", "QANR5L13QE5"}  # no answer: last
    by_answer = uids(index, "", sort="reponse")
    assert by_answer[:3] == ["QANR5L13QE2", "QANR5L13QE1", "QANR5L10QE4"]
    assert set(by_answer[3:]) == {"QANR5L14QE3", "QANR5L13QE5"}  # no answer: last


def test_hit_fields(index: SearchIndex) -> None:
    hit = index.search("exonérations").hits[0]
    assert (hit.legislature, hit.type, hit.number, hit.status) == (13, "QE", 2, "answered")
    assert hit.analyse == "Exonérations de charges sociales"
    assert hit.author == "M. Paul Martin"
    assert hit.group_abbrev == "UMP"
    assert hit.question_date == "2012-05-02"
    assert hit.answer_date == "2013-06-01"
    assert hit.answer_delay_days == 395
    assert "<b>exonérations</b>" in hit.question_snippet
    assert "<b>exonération</b>" in hit.answer_snippet.lower()


def test_json_record_has_the_documented_keys(index: SearchIndex) -> None:
    record = index.search("hôpital").record()
    assert list(record)[:5] == ["query", "interpretation", "total", "hits", "facets"]
    assert list(record["hits"][0])[:14] == [
        "uid",
        "score",
        "legislature",
        "type",
        "number",
        "analyse",
        "rubrique",
        "author",
        "group_abbrev",
        "question_date",
        "answer_date",
        "status",
        "question_snippet",
        "answer_snippet",
    ]
    json.dumps(record, ensure_ascii=False)


# -- facets and filters ---------------------------------------------------------


def test_facets_count_the_whole_result_set(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="", limit=1))
    facets = result.facets
    assert facets["legislature"] == [("14", 1), ("13", 3), ("10", 1)]
    assert dict(facets["group_abbrev"]) == {"UMP": 3, "SRC": 1, "SER": 1}
    assert dict(facets["status"]) == {"answered": 3, "pending": 1, "withdrawn": 1}
    assert dict(facets["year"])["2011"] == 2
    assert dict(facets["ministry_answering"])["Santé et sports"] == 2
    assert set(facets) == {
        "legislature",
        "type",
        "rubrique",
        "ministry_answering",
        "group_abbrev",
        "status",
        "year",
    }


def test_filters_combine_with_the_query_and_compare_folded(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="hôpital", filters=(("rubrique", "sante"),)))
    assert [h.uid for h in result.hits] == ["QANR5L13QE1"]
    assert result.total == 1
    result = index.search(SearchRequest(query="", filters=(("groupe", "ump"), ("statut", "repondue"))))
    assert {h.uid for h in result.hits} == {"QANR5L13QE2", "QANR5L10QE4"}
    result = index.search(SearchRequest(query="", filters=(("legislature", "13"), ("legislature", "10"))))
    assert result.total == 4


def test_a_filtered_facet_still_counts_its_other_values(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="", filters=(("legislature", "13"),)))
    assert dict(result.facets["legislature"]) == {"14": 1, "13": 3, "10": 1}
    assert dict(result.facets["group_abbrev"]) == {"UMP": 2, "SRC": 1}


def test_unknown_filter_is_a_warning(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="hôpital", filters=(("couleur", "bleu"),)))
    assert result.total == 2
    assert any("filtre inconnu" in w for w in result.warnings)


# -- snippets and highlighting --------------------------------------------------


def test_highlight_uses_the_same_analysis() -> None:
    text = "Les hôpitaux et l’Hôpital public ; HOPITAL."
    spans = highlight_spans(text, "hopital")
    assert [text[s:e] for s, e in spans] == ["hôpitaux", "Hôpital", "HOPITAL"]


def test_highlight_phrases_prefixes_and_fuzzy() -> None:
    text = "Le service public et les services publics de l'hôpital."
    assert [text[s:e] for s, e in highlight_spans(text, '"service public"')] == ["service public"]
    assert [text[s:e] for s, e in highlight_spans(text, "serv*")] == ["service", "services"]
    assert [text[s:e] for s, e in highlight_spans(text, "hopitl~")] == ["hôpital"]
    assert highlight_spans("les hopitaux", "hopitl~") == [(4, 12)]


def test_highlight_respects_panes_and_negation() -> None:
    text = "urgences et hôpitaux"
    assert highlight_spans(text, "question:urgences", pane="answer") == []
    assert highlight_spans(text, "question:urgences", pane="question") == [(0, 8)]
    assert highlight_spans(text, "urgences -hôpital") == [(0, 8)]


def test_snippet_is_html_safe_and_centred_on_matches() -> None:
    text = "<script> " + "mot " * 100 + "les hôpitaux & les cliniques " + "fin " * 100
    html = snippet(text, "hopital")
    assert "<b>hôpitaux</b>" in html
    assert "&amp;" in html
    assert "<script>" not in html
    assert html.startswith("… ")
    assert html.endswith(" …")
    assert len(html) < 320


def test_snippet_without_match_is_the_beginning() -> None:
    assert snippet("Début du texte. " * 30, "absent").startswith("Début du texte.")
    assert snippet(None, "x") == ""


# -- similar questions ------------------------------------------------------------


def test_similar_finds_the_closest_questions(index: SearchIndex) -> None:
    result = index.similar("13-1QE")
    assert result.hits[0].uid == "QANR5L10QE4"
    assert "QANR5L13QE1" not in [h.uid for h in result.hits]
    assert "Questions proches de la question 13-1QE" in result.interpretation


def test_similar_unknown_question(index: SearchIndex) -> None:
    with pytest.raises(SearchIndexError, match="introuvable"):
        index.similar("99-1QE")


# -- lifecycle -------------------------------------------------------------------


def test_first_open_builds_and_second_open_reuses(paths: DataPaths, store: CorpusStore) -> None:
    messages: list[str] = []
    with SearchIndex.open(paths, store, progress=lambda d, t, m: messages.append(m)) as ix:
        assert ix.rebuilt_because == "index absent"
        assert ix.document_count == 5
    assert messages
    with SearchIndex.open(paths, store) as ix:
        assert ix.rebuilt_because is None
        assert ix.check().ok


def test_update_follows_the_database(paths: DataPaths, store: CorpusStore, index: SearchIndex) -> None:
    store.upsert_questions([question(6, analyse="Vaccination des enfants", question_text="Vaccins.")])
    index.update(["QANR5L13QE6"])
    assert uids(index, "vaccination") == ["QANR5L13QE6"]
    changed = replace(QUESTIONS[0], analyse="Maternité de proximité")
    store.upsert_questions([changed])
    index.update([changed.uid])
    assert uids(index, "maternité") == ["QANR5L13QE1"]
    assert index.check().ok
    with SearchIndex.open(paths, store) as again:
        assert again.rebuilt_because is None


def test_import_indexes_batch_by_batch(paths: DataPaths, store: CorpusStore, index: SearchIndex) -> None:
    from qe_desktop.corpus import import_paths

    data = Path(__file__).resolve().parent.parent / "data" / "an_json"
    report = import_paths(store, [data], on_changed=index.update)
    assert report.added >= 1
    assert index.check().ok
    assert "QANR5L17QE5268" in uids(index, "diamants synthétiques")


@pytest.mark.parametrize(
    "damage",
    [
        "delete",
        "truncate",
        "corrupt",
        "garbage_state",
        "wrong_types_state",
        "schema",
        "stale_lock",
        "marker_of_a_live_unrelated_process",
    ],
)
def test_damaged_index_is_rebuilt_at_open(paths: DataPaths, store: CorpusStore, damage: str) -> None:
    with SearchIndex.open(paths, store):
        pass
    index_dir = paths.index_dir
    state = json.loads((index_dir / STATE_FILE).read_text())
    gdir = index_dir / state["generation"]
    segment = max((p for p in gdir.iterdir() if p.suffix == ".seg"), key=lambda p: p.stat().st_size)
    if damage == "delete":
        for p in gdir.iterdir():
            p.unlink()
    elif damage == "truncate":
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    elif damage == "corrupt":
        data = bytearray(segment.read_bytes())
        for i in range(len(data) // 3, len(data) // 3 + 64):
            data[i] ^= 0xFF
        segment.write_bytes(bytes(data))
    elif damage == "garbage_state":
        (index_dir / STATE_FILE).write_text("{not json")
    elif damage == "wrong_types_state":
        state["files"] = {"x": 5}
        (index_dir / STATE_FILE).write_text(json.dumps(state))
    elif damage == "marker_of_a_live_unrelated_process":
        # pid reuse: the marker of a writer that died names a process alive today (init).
        (index_dir / WRITING_FILE).write_text("1")
    elif damage == "schema":
        state["fingerprint"] = "0" * 32  # another format
        (index_dir / STATE_FILE).write_text(json.dumps(state))
    elif damage == "stale_lock":
        # A writer that died mid-way: its marker names a process that no longer exists,
        # and Whoosh's lock file is left behind.
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        (index_dir / WRITING_FILE).write_text(str(dead.pid))
        (gdir / "MAIN_WRITELOCK").write_text("")
    with SearchIndex.open(paths, store) as ix:
        assert ix.rebuilt_because
        assert set(uids(ix, "hôpital")) == {"QANR5L13QE1", "QANR5L10QE4"}
        assert ix.check().ok
        ix.update([QUESTIONS[0].uid])  # the lock is not in the way


def test_stale_index_is_rebuilt(paths: DataPaths, store: CorpusStore) -> None:
    with SearchIndex.open(paths, store):
        pass
    # The database changes while the index is closed (a crash between the two commits).
    store.upsert_questions([question(7, analyse="Déserts médicaux")])
    with SearchIndex.open(paths, store) as ix:
        assert "pas à jour" in (ix.rebuilt_because or "")
        assert uids(ix, "déserts") == ["QANR5L13QE7"]


def test_changes_the_index_did_not_see_make_it_stale(store: CorpusStore, index: SearchIndex) -> None:
    store.upsert_questions([question(8, analyse="Gendarmerie")])
    store.upsert_questions([question(9, analyse="Police")])
    index.update(["QANR5L13QE9"])  # batch 8 was never reported
    health = index.check()
    assert not health.ok
    assert "pas à jour" in health.reason
    assert any("reconstruisez" in w for w in index.search("police").warnings)


def test_open_without_rebuild_raises_a_clear_error(paths: DataPaths, store: CorpusStore) -> None:
    with pytest.raises(SearchIndexError, match="reconstruit : index absent"):
        SearchIndex.open(paths, store, rebuild=False)


def test_cancelled_rebuild_keeps_the_previous_index(
    paths: DataPaths, store: CorpusStore, index: SearchIndex
) -> None:
    with pytest.raises(Cancelled):
        index.rebuild(cancelled=lambda: True)
    assert set(uids(index, "hôpital")) == {"QANR5L13QE1", "QANR5L10QE4"}
    assert index.check().ok
    assert [p.name for p in paths.index_dir.iterdir() if p.is_dir()] == [
        json.loads((paths.index_dir / STATE_FILE).read_text())["generation"]
    ]


def test_corruption_inside_a_segment_is_found_by_the_deep_check(paths: DataPaths, store: CorpusStore) -> None:
    SearchIndex.open(paths, store).close()
    state = json.loads((paths.index_dir / STATE_FILE).read_text())
    for p in (paths.index_dir / state["generation"]).iterdir():
        if p.suffix == ".seg":
            data = bytearray(p.read_bytes())
            data[len(data) // 4 : len(data) // 4 + 200] = os.urandom(200)
            p.write_bytes(bytes(data))
    ix = SearchIndex(paths.index_dir, store)
    assert ix.check(deep=False).ok  # same size: only the checksum tells
    health = ix.check()
    assert not health.ok
    assert "corrompu" in health.reason


def test_damage_found_while_searching_is_raised_not_swallowed(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = index._snapshot
    assert snap is not None

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("segment illisible")

    # A damaged segment file surfaces when its postings are read.
    for reader, _ in snap.searcher.reader().leaf_readers():
        monkeypatch.setattr(reader, "postings", broken)
    with pytest.raises(SearchIndexError, match=r"endommagé.*segment illisible") as info:
        index.search("hôpital")
    assert isinstance(info.value.__cause__, IndexDamaged)
    assert isinstance(info.value.__cause__.__cause__, OSError)
    assert not index.check().ok  # and the next open rebuilds it


def test_a_bug_is_not_taken_for_damage(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # A programming error in the matching (not in a read of the index's files) is a bug:
    # raised as it is, never "healed" by a rebuild that would hide it.
    def buggy(*args: object, **kwargs: object) -> object:
        raise TypeError("a bug")

    monkeypatch.setattr(index._current().matcher, "docs", buggy)
    with pytest.raises(TypeError, match="a bug"):
        index.search("hôpital")
    assert index.check().ok


def test_searches_go_on_while_a_writer_updates(store: CorpusStore, index: SearchIndex) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def searching() -> None:
        try:
            while not stop.is_set():
                result = index.search("hôpital OU vaccination")
                assert result.total >= 2
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    reader = threading.Thread(target=searching)
    reader.start()
    try:
        for n in range(10, 30):
            store.upsert_questions([question(n, analyse="Vaccination obligatoire")])
            index.update([f"QANR5L13QE{n}"])
    finally:
        stop.set()
        reader.join()
    assert not errors
    assert index.search("vaccination").total == 20
    assert index.check().ok


def test_facet_values_are_cached_beside_the_segments_and_a_bad_cache_is_ignored(
    paths: DataPaths, store: CorpusStore
) -> None:
    with SearchIndex.open(paths, store) as first:
        expected = first.search("").facets
    caches = list(paths.index_dir.glob("g*/facets-*.marshal"))
    assert caches
    for cache in caches:
        cache.write_bytes(b"\x00garbage")
    with SearchIndex.open(paths, store) as reopened:
        assert reopened.rebuilt_because is None
        assert reopened.search("").facets == expected
    with SearchIndex.open(paths, store) as again:  # the cache was written anew
        assert again.search("").facets == expected


def test_state_file_with_wrong_types_never_breaks_a_search(paths: DataPaths, store: CorpusStore) -> None:
    with SearchIndex.open(paths, store):
        pass
    state_path = paths.index_dir / STATE_FILE
    good = json.loads(state_path.read_text())
    for bad in (
        {**good, "files": {"x": 5}},
        {**good, "files": {"../../etc/passwd": [1, 2]}},
        {**good, "generation": 7},
        {**good, "count": "5"},
        {**good, "data_version": True},
        [good],
    ):
        state_path.write_text(json.dumps(bad))
        with SearchIndex.open(paths, store) as ix:
            assert ix.rebuilt_because, bad
            assert set(uids(ix, "hôpital")) == {"QANR5L13QE1", "QANR5L10QE4"}


def test_an_altered_facet_cache_of_the_same_size_is_not_trusted(paths: DataPaths, store: CorpusStore) -> None:
    with SearchIndex.open(paths, store) as first:
        assert uids(first, "QANR5L13QE1")[0] == "QANR5L13QE1"
    (cache,) = paths.index_dir.glob("g*/facets-*.marshal")
    blob = cache.read_bytes()
    assert b"QANR5L13QE1" in blob
    cache.write_bytes(blob.replace(b"QANR5L13QE1", b"QANR5L13QE9"))  # same size, another uid
    with SearchIndex.open(paths, store) as reopened:
        hits = reopened.search("QANR5L13QE1").hits
        assert hits[0].uid == "QANR5L13QE1"
        assert {h.uid for h in reopened.search("").hits} == {q.uid for q in QUESTIONS}


def _hold_writer_lock(root: Path) -> subprocess.Popen[str]:
    """Another process holding the data folder's writer lock, as an import does."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from qe_desktop.folder import WriterLock\n"
        "lock = WriterLock(Path(sys.argv[1]), 'un import')\n"
        "lock.acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_stale_index_being_written_by_another_process_is_searched_as_it_is(
    paths: DataPaths, store: CorpusStore
) -> None:
    with SearchIndex.open(paths, store):
        pass
    store.upsert_questions([question(7, analyse="Déserts médicaux")])  # an import under way
    holder = _hold_writer_lock(paths.root)
    try:
        generations = sorted(p.name for p in paths.index_dir.glob("g*"))
        with SearchIndex.open(paths, store) as ix:
            assert ix.rebuilt_because is None
            assert ix.used_as_is
            result = ix.search("hôpital")
            assert {h.uid for h in result.hits} == {"QANR5L13QE1", "QANR5L10QE4"}
            assert any(f"processus {holder.pid}" in w and "un import" in w for w in result.warnings)
            with pytest.raises(SearchIndexError, match="en cours d'écriture par un import"):
                ix.update(["QANR5L13QE7"])
        assert sorted(p.name for p in paths.index_dir.glob("g*")) == generations  # nothing rebuilt
        # A half-written index (its writer's marker) is also the other process's business.
        (paths.index_dir / WRITING_FILE).write_text(str(holder.pid))
        with SearchIndex.open(paths, store) as ix:
            assert ix.rebuilt_because is None
            assert ix.check().busy
    finally:
        holder.kill()
        holder.wait()
    # Its writer gone (killed: the system released its lock), the index is rebuilt.
    with SearchIndex.open(paths, store) as ix:
        assert ix.rebuilt_because
        assert uids(ix, "déserts") == ["QANR5L13QE7"]


def test_update_reports_its_progress(paths: DataPaths, store: CorpusStore, index: SearchIndex) -> None:
    more = [question(100 + n, analyse=f"Question {n}") for n in range(250)]
    store.upsert_questions(more)
    seen: list[tuple[int, int | None, str]] = []
    index.update([q.uid for q in more], progress=lambda d, t, m: seen.append((d, t, m)))
    assert (100, 250, "Indexation : 100 / 250 questions") in seen
    assert seen[-1][2] == "Écriture de l'index…"
    assert index.check().ok
