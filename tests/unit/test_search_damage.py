"""A damaged index, file by file: found (by its checksums at open, or by what a search reads) and
rebuilt; never a crash, never a bug's traceback taken for damage or damage for a bug.

Posting lists are written in blocks of 4 postings here, so that the blocks a search reads are
many and small: a flipped byte falls into block headers, block heads and positions alike.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.corpus import import_paths
from qe_desktop.model import SearchResult
from qe_desktop.paths import DataPaths
from qe_desktop.search import schema
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.index import STATE_FILE, SearchIndex, SearchIndexError
from qe_desktop.store import CorpusStore

from conftest import DATA

QUERIES = [
    "hôpital",
    "sécurité sociale retraite",
    '"projet de loi"',
    '"ministre de la"',
    '"garanties torture"~5',
    "télécom*",
    "hopitl~",
    "rubrique:sante",
    "date:2000..2020",
    "statut:repondue SAUF Carhaix",
]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(adapter, "BLOCK_LIMIT", 4)
    schema.fingerprint.cache_clear()
    yield
    schema.fingerprint.cache_clear()


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    paths = DataPaths(tmp_path / "data").ensure()
    with CorpusStore(paths.corpus_db) as store:
        import_paths(store, [DATA / "an_json", DATA / "an_xml", DATA / "page_text"])
    return paths


def results(ix: SearchIndex) -> dict[str, list[tuple[str, float | None]]]:
    out: dict[str, list[tuple[str, float | None]]] = {}
    for text in QUERIES:
        found: SearchResult = ix.search(text)
        out[text] = [(h.uid, h.score) for h in found.hits]
    return out


def _generation(paths: DataPaths) -> Path:
    state = json.loads((paths.index_dir / STATE_FILE).read_text())
    return paths.index_dir / state["generation"]


def _files(paths: DataPaths) -> dict[str, Path]:
    gdir = _generation(paths)
    return {
        "segment": next(gdir.glob("*.seg")),
        "toc": next(gdir.glob("*.toc")),
        "facets": next(gdir.glob("facets-*.marshal")),
        "state": paths.index_dir / STATE_FILE,
    }


def _flip(path: Path, at: int, count: int = 16) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, min(at + count, len(data))):
        data[i] ^= 0xA5
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["segment", "toc", "facets", "state"])
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_each_kind_of_index_file_damaged_is_rebuilt_at_open(paths: DataPaths, kind: str, damage: str) -> None:
    with CorpusStore(paths.corpus_db) as store:
        with SearchIndex.open(paths, store) as ix:
            expected = results(ix)
        target = _files(paths)[kind]
        if damage == "truncate":
            target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
        else:
            _flip(target, target.stat().st_size // 3, 64)
        with SearchIndex.open(paths, store) as ix:
            if kind == "facets":
                # Its own checksum: decoded again from the segment, no rebuild needed.
                assert ix.rebuilt_because is None
            else:
                assert ix.rebuilt_because, (kind, damage)
            assert results(ix) == expected
            assert ix.check().ok


def _block_places(paths: DataPaths, store: CorpusStore, words: list[str]) -> list[tuple[int, int]]:
    """(offset in the segment file, length) of the posting blocks of these words (question_exact)."""
    with SearchIndex.open(paths, store) as ix:
        leaf = ix._current().matcher.leaves[0]
        data = _files(paths)["segment"].read_bytes()
        places = []
        for word in words:
            matcher = leaf.reader.postings("question_exact", word)
            for _, _, offset, length in adapter._blocks(matcher):
                at = data.find(matcher._postfile.get(offset, length))
                assert at > 0
                places.append((at, length))
    return places


def test_bytes_flipped_in_the_blocks_a_search_reads_are_found_by_that_search(
    paths: DataPaths, tmp_path: Path
) -> None:
    """As the window opens the index (sizes checked, checksums later): the blocks a search reads
    are checked as they are read; damage is a SearchIndexError (then a rebuild), never another
    exception, and what a check cannot see (a frequency changed) the checksums find."""
    with CorpusStore(paths.corpus_db) as store:
        with SearchIndex.open(paths, store) as ix:
            expected = results(ix)
        places = _block_places(paths, store, ["ministre", "de", "la", "projet", "loi"])
        pristine = tmp_path / "pristine-index"
        shutil.copytree(paths.index_dir, pristine)
        found = quiet = 0
        changed: list[bool] = []
        for at, length in places[:: max(1, len(places) // 24)]:
            shutil.rmtree(paths.index_dir)
            shutil.copytree(pristine, paths.index_dir)
            _flip(_files(paths)["segment"], at + length // 2, 2)
            try:
                with SearchIndex.open(paths, store, deep_check=False, rebuild=False) as ix:
                    got = results(ix)
                quiet += 1
                changed.append(got != expected)
            except SearchIndexError:
                found += 1
            with SearchIndex.open(paths, store) as ix:
                assert "fichier d'index corrompu" in (ix.rebuilt_because or ""), at
                assert results(ix) == expected
        # Half the flips are found by the search that reads them (18 of 35 here); the others fell where
        # nothing shown changes (a block header's statistics, a frequency), and every one is healed
        # by the checksum check.
        assert found * 3 >= found + quiet, (found, quiet)
        assert not any(changed), changed


def test_a_damaged_posting_block_is_found_where_it_is_read(paths: DataPaths) -> None:
    with CorpusStore(paths.corpus_db) as store:
        with SearchIndex.open(paths, store) as ix:
            leaf = ix._current().matcher.leaves[0]
            matcher = leaf.reader.postings("question_exact", "de")
            blocks = list(adapter._blocks(matcher))
            assert len(blocks) > 5
            _, _, offset, length = blocks[len(blocks) // 2]
            raw = matcher._postfile.get(offset, length)
        segment = _files(paths)["segment"]
        data = segment.read_bytes()
        at = data.find(raw)
        assert at > 0
        _flip(segment, at + 5, 3)  # inside the block's head (document numbers)
        with SearchIndex.open(paths, store, deep_check=False) as ix:
            assert ix.rebuilt_because is None  # sizes are right: the window opens it
            with pytest.raises(SearchIndexError, match="endommagé") as info:
                ix.search('"ministre de la"')
            assert isinstance(info.value.__cause__, adapter.IndexDamaged)
            assert not ix.check(deep=False).ok
        with SearchIndex.open(paths, store) as ix:
            assert "corrompu" in (ix.rebuilt_because or "")
