"""The index follows an import in large batches, or rebuilds once after a large one."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qe_desktop import corpus
from qe_desktop.paths import DataPaths
from qe_desktop.search.follow import ImportIndexer
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore

from conftest import SAMPLE


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "qg.zip"
    with zipfile.ZipFile(path, "w") as z:
        for file in sorted((SAMPLE / "an_json" / "qg16").glob("*.json"))[:25]:
            z.write(file, f"json/{file.name}")
    return path


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data").ensure()


def _import(paths: DataPaths, dump: Path, **indexer_options: int) -> tuple[ImportIndexer, list[int]]:
    store = CorpusStore(paths.corpus_db)
    index = SearchIndex.open(paths, store)
    indexer = ImportIndexer(index, **indexer_options)
    writes: list[int] = []
    update = index.update
    index.update = lambda uids, versions=1, **kw: (
        writes.append(len(uids)),
        update(uids, versions=versions, **kw),
    )[1]  # type: ignore[method-assign]
    corpus.import_paths(store, [dump], on_changed=indexer)
    indexer.finish()
    return indexer, writes


def test_updates_are_gathered_and_the_index_ends_in_step(
    paths: DataPaths, dump: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "BATCH_SIZE", 5)
    indexer, writes = _import(paths, dump, flush_every=12, rebuild_from=1000)
    assert not indexer.rebuild_needed
    assert writes == [15, 10]  # five database batches of 5, written as 15 then the last 10
    health = indexer.index.check()
    assert health.ok, health.reason
    assert indexer.index.search("hôpital").total > 0
    assert indexer.index.document_count == 25


def test_a_large_import_is_indexed_once_at_the_end(
    paths: DataPaths, dump: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "BATCH_SIZE", 5)
    indexer, writes = _import(paths, dump, flush_every=12, rebuild_from=10)
    assert indexer.rebuild_needed
    assert writes == []
    assert indexer.index.check().ok
    assert indexer.index.document_count == 25


def test_an_import_that_dies_before_finish_leaves_a_stale_index_that_is_rebuilt(
    paths: DataPaths, dump: Path
) -> None:
    store = CorpusStore(paths.corpus_db)
    index = SearchIndex.open(paths, store)
    indexer = ImportIndexer(index)
    corpus.import_paths(store, [dump], on_changed=indexer)  # no finish(): as if the app had died
    assert not index.check().ok
    index.close()
    reopened = SearchIndex.open(paths, CorpusStore(paths.corpus_db))
    assert reopened.rebuilt_because
    assert reopened.document_count == 25
