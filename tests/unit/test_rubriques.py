"""One rubrique reads the same whichever source gave it, and is one facet value.

The bundled sample holds real records of the same rubrique in both forms: the open
data writes « politique extérieure » (30 questions au Gouvernement of the 16th
legislature), the question page 13-101851QE « Politique extérieure »; and forms that
differ by accents in old pages (« Handicapes », « Handicapés »).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop import store as store_module
from qe_desktop.cli import format_result
from qe_desktop.corpus import import_paths, import_sample
from qe_desktop.labels import rubrique_label
from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths, sample_dir
from qe_desktop.search import schema
from qe_desktop.search.index import SearchIndex
from qe_desktop.search.schema import value_key
from qe_desktop.store import SCHEMA_VERSION, CorpusStore

PAGE = "QANR5L13QE101851"  # page text: « Politique extérieure »
OPEN_DATA = "QANR5L16QG120"  # open data: « politique extérieure »


@pytest.fixture
def sample(sample_data_folder: Path) -> DataPaths:
    return DataPaths(sample_data_folder)


@pytest.fixture
def index(sample: DataPaths) -> Iterator[SearchIndex]:
    with CorpusStore(sample.corpus_db, readonly=True) as store, SearchIndex.open(sample, store) as ix:
        yield ix


def rubriques(index: SearchIndex, query: str = "") -> dict[str, int]:
    return dict(index.search(SearchRequest(query=query, limit=0)).facets["rubrique"])


def test_the_display_form_is_a_capital_then_the_source_s_letters() -> None:
    assert rubrique_label("politique extérieure") == "Politique extérieure"
    assert rubrique_label("Politique extérieure") == "Politique extérieure"
    assert rubrique_label("élevage") == "Élevage"
    assert rubrique_label("ministères et secrétariats d'État") == "Ministères et secrétariats d'État"
    assert rubrique_label("") == ""


def test_both_sources_store_the_display_form_and_keep_their_own(sample: DataPaths) -> None:
    with CorpusStore(sample.corpus_db, readonly=True) as store:
        page, open_data = store.get(PAGE), store.get(OPEN_DATA)
        assert page is not None
        assert open_data is not None
        assert page.rubrique == open_data.rubrique == "Politique extérieure"
        assert '"politique extérieure"' in store.get_source(OPEN_DATA)[2]
        stored = {r[0] for r in store.db.conn.execute("SELECT DISTINCT rubrique FROM questions")}
    assert not {r for r in stored if r and not r[0].isupper()}


def test_a_second_import_of_the_same_files_changes_nothing(sample: DataPaths, tmp_path: Path) -> None:
    # The digest is made from what the source gave: storing the display form changed none.
    copy = tmp_path / "data"
    shutil.copytree(sample.root, copy)
    with CorpusStore(DataPaths(copy).corpus_db) as store:
        report = import_sample(store)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 581)


def test_a_rubrique_is_one_facet_value_with_the_count_of_all_its_forms(index: SearchIndex) -> None:
    counts = rubriques(index)
    assert counts["Politique extérieure"] == 31
    assert counts["Handicapés"] == 3  # « Handicapes » (2 pages) and « Handicapés » (1)
    assert counts["Élevage"] == 4  # « Elevage », « Élevage », « élevage » ×2
    keys = [value_key(v) for v in counts]
    assert len(keys) == len(set(keys))
    # Filtering on the value shown selects every form of it.
    for typed in ("Politique extérieure", "politique exterieure"):
        result = index.search(SearchRequest(query="", filters=(("rubrique", typed),), limit=100))
        assert result.total == 31
        assert {h.rubrique for h in result.hits} == {"Politique extérieure"}
    text = "".join(str(p) for p in format_result(index.search(SearchRequest(query="kazakhstan"))))
    assert "Rubrique : Politique extérieure (" in text


def some_records(folder: Path) -> list[Path]:
    """Real records of both forms, few enough to index in a moment: the old pages (« Politique
    extérieure », « Handicapes », « Handicapés », « Elevage », « Élevage ») and three open data ones."""
    folder.mkdir()
    for name in ("QANR5L16QG120.json", "QANR5L16QG124.json", "QANR5L16QG410.json"):
        shutil.copy(sample_dir() / "an_json" / "qg16" / name, folder / name)
    return [sample_dir() / "page_text", folder]


def write_as_schema_2(monkeypatch: pytest.MonkeyPatch, paths: DataPaths, records: list[Path]) -> None:
    """Records stored and indexed as the previous version did: rubriques as each source wrote them."""
    with monkeypatch.context() as before:
        before.setattr(store_module, "rubrique_label", lambda value: value)
        before.setattr(schema, "rubrique_label", lambda value: value)
        before.setattr(store_module, "SCHEMA_VERSION", 2)
        before.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
        with CorpusStore(paths.corpus_db) as store:
            import_paths(store, records)
            with SearchIndex.open(paths, store) as old:
                # What the index holds (not what the facets show): both forms, as before.
                stored = old._current().table.distinct("rubrique")
                assert {"politique extérieure", "Politique extérieure", "élevage", "Élevage"} <= stored
    conn = sqlite3.connect(paths.corpus_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()


def test_an_older_corpus_is_migrated_and_its_index_rebuilt(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path
) -> None:
    paths = DataPaths(data_dir).ensure()
    records = some_records(tmp_path / "qg16")
    write_as_schema_2(monkeypatch, paths, records)
    # On a read-only medium nothing is migrated: the old index's facets are merged all the same,
    # and the questions read show the display form.
    with (
        CorpusStore(paths.corpus_db, readonly=True) as old,
        SearchIndex.open(paths, old, readonly="test") as ix,
    ):
        counts = rubriques(ix)
        assert counts["Politique extérieure"] == 3
        assert counts["Élevage"] == 3
        question = old.get(OPEN_DATA)
        assert question is not None
        assert question.rubrique == "Politique extérieure"
    # Opened to be written (the window, an import): migrated.
    with CorpusStore(paths.corpus_db) as store:
        assert store.db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        forms = {
            r[0]
            for r in store.db.conn.execute(
                "SELECT rubrique FROM questions WHERE uid IN (?, ?, ?)", (PAGE, OPEN_DATA, "QANR5L16QG124")
            )
        }
        assert forms == {"Politique extérieure"}
        assert '"politique extérieure"' in store.get_source(OPEN_DATA)[2]
        with SearchIndex.open(paths, store) as ix:
            assert ix.rebuilt_because is not None
            assert "la base a changé" in ix.rebuilt_because
            assert {"Politique extérieure", "Élevage"} <= ix._current().table.distinct("rubrique")
            assert not {"politique extérieure", "élevage"} & ix._current().table.distinct("rubrique")
            counts = rubriques(ix)
            assert (counts["Politique extérieure"], counts["Élevage"], counts["Handicapés"]) == (3, 3, 3)
        # Nothing to re-import: the same files find every record unchanged.
        report = import_paths(store, records)
        assert (report.added, report.updated) == (0, 0)
        assert report.unchanged == store.count()
