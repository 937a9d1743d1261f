"""A faster Whoosh segment writer: postings gathered per term in arrays, written block by block.

Whoosh's SegmentWriter sends every posting (about 600 per question here)
through a generic pool as a tuple, sorts them all, then feeds the codec one
posting at a time, looking up each document's field length from disk: about
10 µs per posting, 6 ms per question.  This writer keeps, per field and term,
arrays of document numbers and weights (and the encoded positions), and hands
the codec whole blocks, with the field lengths read once per segment.  The
segments are written with the index's codec (``codec.py``: Whoosh 3's, with
array blocks); merges and deletions work as in Whoosh.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from qe_desktop.search.codec import QECodec

#: field -> term bytes -> [docnums, weights, encoded values or None]
Postings = list[Any]


class TermPool:
    """Postings of one segment being written, grouped by field and term (in document order)."""

    def __init__(self, schema: Any) -> None:
        self.fields: dict[str, dict[bytes, Postings]] = {}
        self.fieldnames: set[str] = set()
        self._with_values: dict[str, bool] = {}
        self.schema = schema

    def terms(self, fieldname: str) -> dict[bytes, Postings]:
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
        kwargs.setdefault("codec", QECodec())
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
