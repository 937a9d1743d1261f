"""The index codec: array posting blocks read back exactly, by Whoosh and by the fast paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from qe_desktop.corpus import import_paths
from qe_desktop.search import analysis
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.codec import Block, encode_block
from qe_desktop.search.schema import MORE_STOPS, RECORD, RunPositions, document, make_schema, position_records
from qe_desktop.search.whoosh_adapter import FastSegmentWriter, QECodec, QELeafMatcher
from qe_desktop.store import CorpusStore

DATA = Path(__file__).resolve().parent.parent / "data"


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[int], list[float], list[bytes] | None]:
    gaps = draw(st.lists(st.integers(1, 200_000), min_size=1, max_size=128))
    first = draw(st.integers(0, 2**31))
    ids = [first]
    for gap in gaps[1:]:
        ids.append(ids[-1] + gap)
    kind = draw(st.sampled_from(["ones", "small", "large", "float"]))
    n = len(ids)
    if kind == "ones":
        weights = [1.0] * n
    elif kind == "small":
        weights = [float(w) for w in draw(st.lists(st.integers(1, 255), min_size=n, max_size=n))]
    elif kind == "large":
        weights = [float(w) for w in draw(st.lists(st.integers(1, 70_000), min_size=n, max_size=n))]
    else:
        weights = draw(st.lists(st.sampled_from([0.5, 1.25, 3.0, 2.5e6]), min_size=n, max_size=n))
    values = None
    if draw(st.booleans()):
        values = draw(st.lists(st.binary(max_size=300), min_size=n, max_size=n))
    return ids, weights, values


@settings(max_examples=200, deadline=None)
@given(blocks())
def test_a_block_reads_back_what_was_written(
    block: tuple[list[int], list[float], list[bytes] | None],
) -> None:
    ids, weights, values = block
    decoded = Block(encode_block(ids, weights, values or [], values is not None), len(ids))
    assert list(decoded.ids) == ids
    assert [float(w) for w in decoded.weights] == pytest.approx(weights, rel=1e-6)
    if values is None:
        assert decoded.values() == (None,) * len(ids)
    else:
        assert list(decoded.values()) == values
        assert [decoded.value(i) for i in range(len(ids))] == values


def test_a_block_with_missing_values_is_refused() -> None:
    with pytest.raises(ValueError, match="2 documents but 1 values"):
        encode_block([1, 2], [1.0, 1.0], [b"\x00\x01"], True)


def _questions(tmp_path: Path) -> list[dict[str, object]]:
    with CorpusStore(tmp_path / "corpus.sqlite") as store:
        import_paths(store, [DATA / "an_json", DATA / "an_xml", DATA / "page_text"])
        return [document(q) for batch in store.iter_batches(500) for q in batch]


def _new_index(folder: Path) -> windex.Index:
    folder.mkdir()
    return windex.create_in(str(folder), make_schema())


def _postings(ix: windex.Index) -> dict[tuple[str, bytes], list[tuple[int, float, object]]]:
    out: dict[tuple[str, bytes], list[tuple[int, float, object]]] = {}
    with ix.reader() as reader:
        for field, text in reader.all_terms():
            m = reader.postings(field, text)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            out[(field, text)] = rows
    return out


def test_whoosh_reads_every_posting_as_with_its_own_codec(tmp_path: Path) -> None:
    docs = _questions(tmp_path)
    assert len(docs) >= 45
    ours = _new_index(tmp_path / "ours")
    theirs = _new_index(tmp_path / "theirs")
    writer = FastSegmentWriter(ours)
    reference = SegmentWriter(theirs, codec=W3Codec())
    for doc in docs:
        writer.add_document(**doc)
        reference.add_document(**doc)
    writer.commit()
    reference.commit()
    with ours.reader() as reader:
        assert isinstance(reader.postings("question_exact", b"de"), QELeafMatcher)
    expected = _postings(theirs)
    assert _postings(ours) == expected
    # Skipping (block by block) and the project's reader agree too.
    with ours.searcher() as searcher:
        reader = searcher.reader()
        (leaf,) = adapter.leaves(searcher)
        for (field, text), rows in expected.items():
            if len(rows) < 3 or field in ("qdate", "adate", "delai"):  # numeric: binary trie terms
                continue
            m = reader.postings(field, text)
            m.skip_to(rows[len(rows) // 2][0])
            assert m.id() == rows[len(rows) // 2][0]
            wanted = [d for d, _, _ in rows[::2]]
            got = adapter.read_postings(leaf, field, text.decode("utf-8"), wanted, with_values=True)
            at = np.searchsorted(got.ids, wanted)
            assert got.ids[at].tolist() == wanted, (field, text)
            assert got.weights[at].tolist() == [w for _, w, _ in rows[::2]]
            if rows[0][2] is not None:
                ends = np.cumsum(got.lengths)
                values = [got.values[e - n : e] for e, n in zip(ends, got.lengths, strict=True)]
                assert [values[i] for i in at] == [v for _, _, v in rows[::2]]


def test_merged_segments_keep_the_codec(tmp_path: Path) -> None:
    docs = _questions(tmp_path)
    ix = _new_index(tmp_path / "ix")
    for part in (docs[::2], docs[1::2]):
        writer = FastSegmentWriter(ix)
        for doc in part:
            writer.add_document(**doc)
        writer.commit()
    writer = FastSegmentWriter(ix)
    writer.commit(optimize=True)
    with ix.reader() as reader:
        assert reader.doc_count() == len(docs)
        assert all(isinstance(s.codec(), QECodec) for s in ix._segments())
        m = reader.postings("question_exact", b"de")
        assert isinstance(m, QELeafMatcher)
        assert len(list(m.all_ids())) == reader.doc_frequency("question_exact", b"de")


def test_positions_record_the_stop_words_around_them() -> None:
    text = "le code de la route, afin que ce qui le concerne"
    sequence = analysis.analysed(text).sequence
    records = list(RECORD.iter_unpack(position_records(sequence)))
    words = [term for term, _ in sequence]
    assert [r[0] for r in records] == list(range(len(words)))
    ids = analysis.STOP_IDS
    at = dict(zip(words, records, strict=False))
    # (first and second stop word after, stop word before)
    assert at["code"][1:] == (ids["de"], ids["la"], ids["le"])  # "le code de la", then a content word
    assert at["route"][1:] == (0, 0, ids["la"])  # a content word follows
    assert at["afin"][1:] == (ids["que"], MORE_STOPS, 0)  # "que ce qui le": more than two
    assert at["concerne"][1:] == (0, 0, ids["le"])  # the end
    assert records[0][1:] == (0, 0, 0)  # "le" at the start: "code" follows, nothing before
    fmt = RunPositions()
    value = position_records(sequence)[RECORD.size : 2 * RECORD.size]
    assert fmt.decode_positions(value) == [1]
    assert fmt.decode_frequency(value) == 1
