"""Whoosh, where the project reaches inside it: the one module that uses Whoosh's private API.

The index is stored in Whoosh's file format (its table of contents, term
dictionary, columns and block headers) with the project's own posting blocks
(:mod:`~qe_desktop.search.codec`), written by the project's segment writer and
read by the project's matching (:mod:`~qe_desktop.search.matching`).  Every
place where that needs Whoosh's internals (a private attribute, a private
method, an overridden internal) is in this module, and :data:`PRIVATE_API`
lists each of them with a digest of its source in the pinned Whoosh release:
``tests/unit/test_whoosh_adapter.py`` fails, naming what moved, when an
upgrade changes any of it.

Reading is also where a damaged index shows: everything this module reads
from the index's files runs under :func:`reading`, which turns what a
damaged file raises (whatever Whoosh or the decoder raises) into
:class:`IndexDamaged`, and the posting blocks are checked as they are read
(sorted ids inside the segment, counts and lengths that add up).  The index
rebuilds on IndexDamaged; anything else is a bug.

Whoosh's query classes are used here only: to expand patterns and numeric
ranges into the index's terms, and to build the reference queries the tests
compare the project's matching with (:func:`to_whoosh`).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import io
import pickle
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pickle import dumps
from typing import Any

import numpy as np
from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError as LockError  # re-exported: the index says a writer holds it
from whoosh.matching import WrappingMatcher
from whoosh.query import spans as wspans
from whoosh.query.compound import DefaultOr
from whoosh.reading import TermNotFound
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from qe_desktop.search import codec, nodes

#: Postings per block (Whoosh's default).  Tests build indexes with 4 to run multi-block reads.
BLOCK_LIMIT = 128
#: zlib level of the blocks' sections (Whoosh's default).
COMPRESSION = 3
#: Index name inside a generation folder.
INDEX_NAME = "MAIN"


class IndexDamaged(Exception):
    """What was read from the index's files cannot be right: the index must be rebuilt (French)."""


@contextlib.contextmanager
def reading(what: str) -> Iterator[None]:
    """Run a read of the index's files: whatever it raises means a damaged file (IndexDamaged).

    Kept around reads and decoding only (Whoosh raises plain ``Exception``,
    ``KeyError``, ``struct.error``… on a damaged file, numpy ``ValueError``).
    """
    try:
        yield
    except IndexDamaged:
        raise
    except Exception as exc:
        raise IndexDamaged(f"{what} : {type(exc).__name__}: {exc}") from exc


# -- the codec: Whoosh 3's, with the project's posting blocks ----------------------------------


class QEPostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    """Writes each block's data with :func:`codec.encode_block`; headers as Whoosh 3 does."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        fixedsize = self._format.fixed_value_size()
        with_values = fixedsize is None or fixedsize != 0
        databytes = codec.encode_block(ids, self._weights, self._values, with_values, self._compression)
        comp = 0  # each section is compressed (or not) inside the data: see codec.encode_block
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class QELeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Whoosh's matcher over the project's blocks (merges and the tests' reference searches
    read through it; the project's matching reads the blocks as arrays, :func:`read_postings`)."""

    _data: codec.Block | None

    def block(self) -> codec.Block:
        """The current block, decoded (once)."""
        if self._data is None:
            self._data = codec.Block(self.raw_block(), self._blocklength)
        return self._data

    def raw_block(self) -> bytes:
        """The current block's data as stored."""
        data: bytes = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        return data

    def _read_data(self) -> None:
        self.block()

    def _read_ids(self) -> None:
        self._ids = self.block().ids

    def _read_weights(self) -> None:
        self._weights = self.block().weights

    def _read_values(self) -> None:
        self._values = self.block().values()


class QECodec(W3Codec):  # type: ignore[misc]
    """Whoosh 3's codec with :class:`QEPostingsWriter` blocks for the inverted index."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors (not used by this schema): Whoosh's own blocks
            return super().postings_writer(dbfile, byteids=True)
        return QEPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=False,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return QELeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def make_codec() -> QECodec:
    # inlinelimit=1 inlines no posting list ("fewer than 1 posting"): every list is in blocks,
    # read by one reader.
    return QECodec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION, inlinelimit=1)


def codec_options() -> dict[str, Any]:
    """What the index's format depends on here (part of its fingerprint)."""
    return {"block_limit": BLOCK_LIMIT, "compression": COMPRESSION, "codec": "QECodec/whoosh3"}


# -- writing: postings gathered per term in arrays, handed to the codec block by block ----------

#: field -> term bytes -> [docnums, weights, encoded values or None]
_TermPostings = list[Any]


class TermPool:
    """Postings of one segment being written, grouped by field and term (in document order).

    Whoosh's SegmentWriter sends every posting (about 600 per question here)
    through a generic pool as a tuple, sorts them all, then feeds the codec one
    posting at a time: about 6 ms per question.  This pool keeps arrays per
    term, and :func:`_write_postings` hands the codec whole blocks.
    """

    def __init__(self, schema: Any) -> None:
        self.fields: dict[str, dict[bytes, _TermPostings]] = {}
        self.fieldnames: set[str] = set()
        self._with_values: dict[str, bool] = {}
        self.schema = schema

    def terms(self, fieldname: str) -> dict[bytes, _TermPostings]:
        """The term table of a field, for field types that add postings themselves."""
        table = self.fields.get(fieldname)
        if table is None:
            table = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return table

    def with_values(self, fieldname: str) -> bool:
        flag = self._with_values.get(fieldname)
        if flag is None:
            size = self.schema[fieldname].format.fixed_value_size()
            flag = self._with_values[fieldname] = size is None or size > 0
        return flag

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Whoosh's pool interface: one ``(field, term, docnum, weight, value)`` posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum < 0:
            return  # spelling words: not used by this schema
        table = self.terms(fieldname)
        postings = table.get(tbytes)
        if postings is None:
            postings = table[tbytes] = [array("I"), array("f"), [] if self.with_values(fieldname) else None]
        postings[0].append(docnum)
        postings[1].append(weight)
        if postings[2] is not None:
            postings[2].append(vbytes or b"")

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname in sorted(self.fields):
            table = self.fields[fieldname]
            for tbytes in sorted(table):
                ids, weights, values = table[tbytes]
                for i, docnum in enumerate(ids):
                    yield fieldname, tbytes, docnum, weights[i], values[i] if values is not None else b""

    def cleanup(self) -> None:
        self.fields = {}


class FastSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """A SegmentWriter whose fields may add their postings straight into the term pool.

    A field type with an ``index_postings(value, docnum, terms, with_values)``
    method (see ``schema.py``) adds its postings itself and returns the field
    length; other fields go through ``field.index`` as in Whoosh.
    """

    pool: TermPool

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", make_codec())
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = TermPool(self.schema)

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fast = getattr(field, "index_postings", None)
                    if fast is not None:
                        length = fast(value, docnum, pool.terms(fieldname), pool.with_values(fieldname))
                    else:
                        scorable = field.scorable
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            pool.add((fieldname, tbytes, docnum, weight, vbytes))
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            _write_postings(self.fieldwriter, self.schema, pdr, self.pool, self.docnum)
        finally:
            pdr.close()
        self.fieldwriter.close()

    @property
    def documents(self) -> int:
        """Documents added to this writer's segment."""
        return int(self.docnum)


def _lengths(pdr: Any, fieldname: str, doccount: int) -> list[int]:
    lenfield = _lenfield(fieldname)
    if not pdr.has_column(lenfield):
        return [0] * doccount
    column = pdr.column_reader(lenfield, LENGTHS_COLUMN)
    cache: dict[int, int] = {}
    out: list[int] = []
    for i in range(doccount):
        b = column[i]
        value = cache.get(b)
        if value is None:
            value = cache[b] = byte_to_length(b) if b else 0
        out.append(value)
    return out


def _write_postings(fw: Any, schema: Any, pdr: Any, pool: TermPool, doccount: int) -> None:
    """Hand the codec whole blocks of postings, term by term, fields and terms in order."""
    for fieldname in sorted(pool.fields):
        if fieldname not in schema:
            continue
        table = pool.fields[fieldname]
        if not table:
            continue
        fieldobj = schema[fieldname]
        lengths = _lengths(pdr, fieldname, doccount) if fieldobj.scorable else None
        fw.start_field(fieldname, fieldobj)
        for tbytes in sorted(table):
            ids, weights, values = table[tbytes]
            fw.start_term(tbytes)
            pw = fw._postwriter
            limit = pw._blocklimit
            n = len(ids)
            for start in range(0, n, limit):
                end = min(start + limit, n)
                block_ids = ids[start:end]
                block_weights = weights[start:end]
                pw._ids = block_ids
                pw._weights = block_weights
                pw._values = values[start:end] if values is not None else []
                pw._maxweight = max(block_weights)
                if lengths is not None:
                    block_lengths = [x for x in map(lengths.__getitem__, block_ids) if x]
                    pw._minlength = min(block_lengths) if block_lengths else None
                    pw._maxlength = max(block_lengths) if block_lengths else 0
                else:
                    pw._minlength, pw._maxlength = None, 0
                if end < n:
                    pw._write_block()
            fw.finish_term()
        fw.finish_field()


# -- segments written apart (the parallel rebuild) -----------------------------------------------


def worker_writer(gdir: str) -> FastSegmentWriter:
    """A writer of one segment of the index in ``gdir``, for a worker process: the parent holds
    the index's lock and commits the segments itself (:func:`commit_segments`)."""
    ix = windex.open_dir(gdir, indexname=INDEX_NAME)
    return FastSegmentWriter(ix, _lk=False)


def finish_segment(writer: FastSegmentWriter) -> Any:
    """Write a worker's segment and return it (None if empty) for the parent to commit."""
    if not writer.docnum:
        writer._close_segment()
        return None
    # Not writer._finish(): it would delete the temporary folder the other writers share
    # (the parent's writer removes it at the end).
    return writer._finalize_segment()


def drop_segment(writer: FastSegmentWriter) -> None:
    """A cancelled worker: its segment is not written."""
    writer._close_segment()


def commit_segments(writer: FastSegmentWriter, segments: Sequence[Any]) -> None:
    """The parent: the table of contents lists the workers' segments, in order; its own is empty."""
    writer._close_segment()
    writer._commit_toc(list(segments))
    writer._finish()


# -- opening ----------------------------------------------------------------------------------


def create_index(gdir: str, schema: Any) -> Any:
    return windex.create_in(gdir, schema, indexname=INDEX_NAME)


def open_index(gdir: str) -> Any:
    """The index of a generation folder (files read, not memory-mapped: a reader never keeps a
    map of a folder that a rebuild removes)."""
    with reading("ouverture de l'index"):
        return FileStorage(gdir, supports_mmap=False).open_index(INDEX_NAME)


def toc_document_count(gdir: str) -> int:
    """Documents of an index, from its table of contents alone (opening every segment would be
    done again at once by the searcher: half a second at 133,000 questions)."""
    with reading("table des matières de l'index"):
        ix = windex.open_dir(gdir, indexname=INDEX_NAME)
        return sum(segment.doc_count() for segment in ix._read_toc().segments)


def segment_files(ix: Any, names: Sequence[str]) -> set[str]:
    """The files of ``names`` (a generation folder's) that make up the index now: its table of
    contents and its segments' files."""
    wanted = {f"_{INDEX_NAME}_{ix.latest_generation()}.toc"}
    segids = [seg.segment_id() for seg in ix._segments()]
    wanted.update(n for n in names if any(n.startswith(segid) for segid in segids))
    return wanted


def searcher(ix: Any) -> Any:
    with reading("lecture des segments de l'index"):
        return ix.searcher()


# -- reading postings: one reader, arrays --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leaf:
    """One segment of a searcher: its reader, its first global document number, its size, and its
    deleted documents (sorted local numbers, or None)."""

    reader: Any
    offset: int
    size: int
    deleted: Any
    segment_id: str | None


def leaves(s: Any) -> list[Leaf]:
    """The segments of a searcher, in document order."""
    out: list[Leaf] = []
    with reading("lecture des segments de l'index"):
        for reader, offset in s.reader().leaf_readers():
            size = reader.doc_count_all()
            segment = reader.segment() if hasattr(reader, "segment") else None
            deleted = None
            if segment is not None and segment.has_deletions():
                deleted = np.fromiter(sorted(segment.deleted_docs()), dtype=np.int64)
            out.append(Leaf(reader, offset, size, deleted, segment.segment_id() if segment else None))
    return out


@dataclass(frozen=True, slots=True)
class PostingArrays:
    """A term's postings in one segment: local ids (int64), weights (float64), value lengths
    (int64) and the values end to end (positions records, empty without)."""

    ids: Any
    weights: Any
    lengths: Any
    values: bytes


_EMPTY_IDS = np.empty(0, dtype=np.int64)
EMPTY = PostingArrays(_EMPTY_IDS, np.empty(0), _EMPTY_IDS, b"")

#: Bytes read at once for a block's header (its length, then its pickled info tuple: ~40 bytes).
_HEADER_BYTES = 256


def _blocks(m: QELeafMatcher) -> Iterator[tuple[int, int, int, int]]:
    """(max id, count, data offset, data length) of each block of a posting list.

    Whoosh unpickles each header from the file object itself, a dozen small
    reads per block; here the header is read in one piece (the long lists of
    "de" or "la" have thousands of blocks).
    """
    if m._atend:
        return
    postfile = m._postfile
    maxid, count, dataoffset, nextoffset, last = (
        m._maxid,
        m._blocklength,
        m._dataoffset,
        m._nextoffset,
        m._lastblock,
    )
    while True:
        yield maxid, count, dataoffset, nextoffset - dataoffset
        if last:
            return
        position = nextoffset
        head = postfile.get(position, _HEADER_BYTES)
        length = unpack_int(head[:4])[0]
        stream = io.BytesIO(head)
        stream.seek(4)
        count, maxid, _maxweight, _compression, _mnlen, _mxlen = pickle.load(stream)
        dataoffset = position + stream.tell()
        if length < 0:
            last = True
            length = -length
        nextoffset = position + 4 + length


def read_postings(
    leaf: Leaf, field: str, text: str | bytes, wanted: Sequence[int] | None = None, with_values: bool = False
) -> PostingArrays:
    """A term's postings in one segment, as arrays, deleted documents left out.

    With ``wanted`` (sorted local ids), only the blocks that may hold one of
    them are read (and returned whole).  Raises IndexDamaged when what is read
    cannot be right.
    """
    shown = text if isinstance(text, str) else text.hex()
    with reading(f"liste du mot « {shown} » (champ {field})"):
        try:
            m = leaf.reader.postings(field, text)
        except TermNotFound:
            return EMPTY
        if isinstance(m, WrappingMatcher):  # Whoosh filters out deleted documents this way
            m = m.child
        if not isinstance(m, QELeafMatcher):
            raise IndexDamaged(f"liste du mot « {shown} » (champ {field}) : format de bloc inconnu")
        postfile = m._postfile
        id_parts: list[Any] = []
        weight_parts: list[Any] = []
        length_parts: list[Any] = []
        blobs: list[bytes] = []
        counts: list[int] = []
        maxids: list[int] = []
        k, n = 0, len(wanted) if wanted is not None else 0
        for maxid, count, dataoffset, datalength in _blocks(m):
            if wanted is not None:
                if k >= n:
                    break
                if wanted[k] > maxid:
                    continue
                k = _bisect(wanted, maxid + 1, k)
            ids, weights, lengths, blob = codec.block_arrays(
                postfile.get(dataoffset, datalength), count, with_values
            )
            counts.append(count)
            maxids.append(maxid)
            id_parts.append(ids)
            weight_parts.append(weights)
            if lengths is not None:
                length_parts.append(lengths)
            if blob is not None:
                blobs.append(blob)
        if not id_parts:
            return EMPTY
        ids = np.concatenate(id_parts)
        weights = np.concatenate(weight_parts).astype(np.float64)
        lengths = (
            np.concatenate(length_parts).astype(np.int64)
            if length_parts
            else np.zeros(len(ids), dtype=np.int64)
        )
        values = b"".join(blobs)
        _check_blocks(ids, counts, maxids, leaf.size, lengths if with_values else None, values)
    if leaf.deleted is not None and leaf.deleted.size:
        keep = ~np.isin(ids, leaf.deleted)
        if with_values and values:
            values = np.frombuffer(values, dtype=np.uint8)[np.repeat(keep, lengths)].tobytes()
        ids, weights, lengths = ids[keep], weights[keep], lengths[keep]
    return PostingArrays(ids, weights, lengths, values)


def _bisect(values: Sequence[int], x: int, lo: int) -> int:
    from bisect import bisect_left

    return bisect_left(values, x, lo)


def _check_blocks(
    ids: Any, counts: list[int], maxids: list[int], size: int, lengths: Any, values: bytes
) -> None:
    """What the blocks read must be, checked on the joined arrays (one pass, not one per block):
    each block its header's count of ids, ending at its header's last id, ids increasing within
    the segment; value lengths that add up to the values read."""
    ends = np.cumsum(counts) - 1
    if (
        ids.size != int(ends[-1]) + 1
        or int(ids[0]) < 0
        or int(ids[-1]) >= size
        or not np.array_equal(ids[ends], maxids)
        or (ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])))
    ):
        raise IndexDamaged("bloc de la liste incohérent (numéros de documents)")
    if lengths is not None and int(lengths.sum()) != len(values):
        raise IndexDamaged("bloc de la liste incohérent (longueur des positions)")


def length_bytes(leaf: Leaf, field: str) -> bytes:
    """The length byte of one field for every document of a segment (0 where it has none)."""
    with reading(f"longueurs du champ {field}"):
        perdoc = leaf.reader._perdoc
        name = _lenfield(field)
        if not perdoc.has_column(name):
            return bytes(leaf.size)
        column = perdoc.column_reader(name, LENGTHS_COLUMN)
        if getattr(column, "_typecode", None) == "B" and not getattr(column, "_reverse", True):
            # One byte per document: the whole column at once (documents past its end have none).
            count = min(int(column._count), leaf.size)
            raw = bytes(column._dbfile.get(column._basepos, count))
            padding = bytes([int(column._default)]) * (leaf.size - count)
            return raw + padding
        return bytes([int(column[i]) for i in range(leaf.size)])


#: Field length stored as one byte, as a length (Whoosh's rounding): BM25F uses these.
LENGTH_OF_BYTE = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float64)


def doc_frequency(s: Any, field: str, text: str) -> int:
    with reading(f"dictionnaire des mots (champ {field})"):
        return int(s.doc_frequency(field, text))


def idf(s: Any, field: str, text: str) -> float:
    with reading(f"dictionnaire des mots (champ {field})"):
        return float(s.idf(field, text))


def average_length(s: Any, field: str) -> float:
    with reading(f"longueurs du champ {field}"):
        return float(s.avg_field_length(field) or 1)


def expand(leaf: Leaf, pattern: nodes.Pattern) -> list[str]:
    """The words of one segment that a prefix, wildcard or fuzzy word matches (as Whoosh does)."""
    with reading(f"dictionnaire des mots (champ {pattern.field})"):
        return [text for _, text in _whoosh_pattern(pattern).expanded_terms(leaf.reader) if text]


def range_terms(leaf: Leaf, rng: nodes.Range) -> list[Any]:
    """The trie terms Whoosh compiles a numeric range into (over one segment's dictionary)."""
    with reading(f"dictionnaire des mots (champ {rng.field})"):
        compiled = wq.NumericRange(rng.field, rng.start, rng.end).simplify(leaf.reader)
        # Terms of the ranges' precisions, each a term or a range of terms of the dictionary.
        return [
            text
            for part in (compiled.leaves() if compiled.is_leaf() is False else [compiled])
            for _, text in part.expanded_terms(leaf.reader)
            if text
        ]


def key_terms(s: Any, field: str, text: str, count: int) -> list[tuple[str, float]]:
    """The terms of a text most characteristic against the index (Whoosh's key terms)."""
    with reading(f"dictionnaire des mots (champ {field})"):
        return [(str(t), float(w)) for t, w in s.key_terms_from_text(field, text, numterms=count)]


def field_kinds(s: Any) -> dict[str, tuple[bool, bool]]:
    """Each field of the schema: (scorable, has positions)."""
    schema = s.schema
    return {
        name: (bool(f.scorable), bool(f.format is not None and f.format.supports("positions")))
        for name, f in schema.items()
    }


# -- the reference: the same tree as a Whoosh query --------------------------------------------


def _whoosh_pattern(p: nodes.Pattern) -> Any:
    if p.kind == "prefix":
        return wq.Prefix(p.field, p.text, boost=p.boost)
    if p.kind == "wildcard":
        return wq.Wildcard(p.field, p.text, boost=p.boost)
    return wq.FuzzyTerm(p.field, p.text, boost=p.boost, maxdist=p.maxdist, prefixlength=p.prefixlength)


def to_whoosh(node: nodes.Node, reader: Any) -> Any:
    """The Whoosh query with the same meaning and scores (the tests' reference).

    A pattern becomes the Or of the words it expands to in ``reader``, summed (Whoosh's
    ``DefaultOr``): see :class:`nodes.Pattern` for why not Whoosh's own pattern scores.
    """
    if isinstance(node, nodes.Term):
        return wq.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, nodes.Phrase):
        return wq.Phrase(node.field, list(node.words), boost=node.boost)
    if isinstance(node, nodes.Near):
        return wspans.SpanNear2([wq.Term(node.field, w) for w in node.words], slop=node.slop, ordered=False)
    if isinstance(node, nodes.Pattern):
        words = [text for _, text in _whoosh_pattern(node).expanded_terms(reader) if text]
        if not words:
            return wq.NullQuery
        if len(words) == 1:  # Whoosh's Or of one query drops the Or's boost
            return wq.Term(node.field, words[0], boost=node.boost)
        return DefaultOr([wq.Term(node.field, w) for w in words], boost=node.boost)
    if isinstance(node, nodes.Range):
        return wq.NumericRange(node.field, node.start, node.end)
    if isinstance(node, nodes.And):
        return wq.And([to_whoosh(p, reader) for p in node.parts])
    if isinstance(node, nodes.Or):
        return wq.Or([to_whoosh(p, reader) for p in node.parts])
    if isinstance(node, nodes.Not):
        return wq.Not(to_whoosh(node.part, reader))
    if isinstance(node, nodes.Every):
        return wq.Every()
    return wq.NullQuery


# -- the canary ---------------------------------------------------------------------------------

#: Every private name of Whoosh this module uses or overrides, with the first 16 hex digits of the
#: SHA-256 of its source in whoosh-reloaded 2.7.5 (attributes are set by the ``__init__`` or the
#: method listed for them).  :func:`moved` compares them with the installed Whoosh.
PRIVATE_API: dict[str, str] = {
    # The block header format _blocks() reads, and the attributes it starts from.
    "whoosh.codec.whoosh3.W3LeafMatcher._goto": "cf5edba3e9484d57",
    "whoosh.codec.whoosh3.W3LeafMatcher._next_block": "2fb1dc5070ec4a68",
    "whoosh.codec.whoosh3.W3LeafMatcher.__init__": "a1cbbb01622f17ec",
    "whoosh.codec.whoosh3.W3LeafMatcher.reset": "8ece4baab8cf2c5d",
    "whoosh.codec.whoosh3.W3LeafMatcher._read_ids": "f8024a90ec60697e",
    "whoosh.codec.whoosh3.W3LeafMatcher._read_weights": "124012c8d21aa1a7",
    "whoosh.codec.whoosh3.W3LeafMatcher._read_values": "7c8930f74988e0c5",
    "whoosh.codec.whoosh3.W3LeafMatcher._read_data": "150a9642f8b55013",
    # The block writer QEPostingsWriter overrides, and the state _write_postings sets.
    "whoosh.codec.whoosh3.W3PostingsWriter._write_block": "19e3c784208a0cdd",
    "whoosh.codec.whoosh3.W3PostingsWriter._new_block": "af610818c72fef4e",
    "whoosh.codec.whoosh3.W3PostingsWriter.__init__": "5d56b3bc183246d3",
    "whoosh.codec.whoosh3.W3PostingsWriter.add_posting": "09bb36fe5125764d",
    # _write_postings fills the writer's block state (_ids, _weights, _values, _maxweight,
    # _minlength, _maxlength) that these start and finish, and reads the field writer's _postwriter.
    "whoosh.codec.whoosh3.W3PostingsWriter.start_postings": "6ea6584b08d8b3c6",
    "whoosh.codec.whoosh3.W3PostingsWriter.finish_postings": "d73a95bf811a6541",
    "whoosh.codec.whoosh3.W3FieldWriter.start_field": "14b57944c4aeaee6",
    "whoosh.codec.whoosh3.W3FieldWriter.start_term": "ec3f34231ac58f19",
    "whoosh.codec.whoosh3.W3FieldWriter.finish_term": "ead26346d81433a0",
    "whoosh.codec.whoosh3.W3TermInfo.add_block": "e483f804944ee312",
    "whoosh.codec.whoosh3.W3Codec.postings_reader": "339e62c08607b880",
    "whoosh.codec.whoosh3.W3Codec.__init__": "c09a6a74aac96575",
    "whoosh.codec.whoosh3._lenfield": "efa07a8a57fa9ce9",
    # The column of field lengths read in one piece.
    "whoosh.columns.NumericColumn.Reader.__init__": "d6775fae99775693",
    # The segment writer FastSegmentWriter subclasses, and what the parallel rebuild calls.
    "whoosh.writing.SegmentWriter.__init__": "6f5e4c4237ba887e",
    "whoosh.writing.SegmentWriter.add_document": "399433d1cb30d9d0",
    "whoosh.writing.SegmentWriter._check_state": "e799d64f05401a88",
    "whoosh.writing.SegmentWriter._check_fields": "8ff83b1db3b1cf5a",
    "whoosh.writing.SegmentWriter._flush_segment": "a4b79c8a3687febd",
    "whoosh.writing.SegmentWriter._close_segment": "f6f69d46aca1a701",
    "whoosh.writing.SegmentWriter._finalize_segment": "6a50f86829f60280",
    "whoosh.writing.SegmentWriter._commit_toc": "05a77e1839a61845",
    "whoosh.writing.SegmentWriter._finish": "9efc16e8afa7029d",
    # The table of contents and the segments of an index.
    "whoosh.index.FileIndex._read_toc": "5775e33661b0e359",
    "whoosh.index.FileIndex._segments": "fac0ae95497b3344",
    # Deleted documents wrapped around a posting list; the per-document reader of a segment.
    "whoosh.reading.SegmentReader.postings": "797181de34ee383e",
    "whoosh.reading.SegmentReader.__init__": "960bfd925f5f8794",
}


def _resolve(name: str) -> Any:
    import importlib

    module_name, _, rest = name.partition(".")
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(module_name + rest)


def digest(name: str) -> str:
    """The first 16 hex digits of the SHA-256 of a Whoosh object's source (what the canary keeps)."""
    source = inspect.getsource(_resolve(name))
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def moved() -> list[str]:
    """The private names of :data:`PRIVATE_API` that are gone or whose source changed."""
    out: list[str] = []
    for name, expected in PRIVATE_API.items():
        try:
            found = digest(name)
        except (ImportError, AttributeError, OSError, TypeError) as exc:
            out.append(f"{name} : introuvable ({type(exc).__name__})")
            continue
        if found != expected:
            out.append(f"{name} : source changée ({expected} → {found})")
    return out
