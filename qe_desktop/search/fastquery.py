"""Matching and ranking a parsed query with sets and whole posting lists, not Whoosh's matcher tree.

Whoosh walks its matchers one document at a time in Python (several
method calls per posting, per query node): for a page that needs every
match (the total and the facets) and then the best twenty, that walk ran
twice and cost most of the time.  Here:

- a term's posting list is read block by block (ids and weights arrays) and
  kept per searcher (a few recent terms), so ``And``/``Or``/``Not`` become
  set operations in C;
- a phrase is checked from its content words alone, over numpy arrays: each
  position records the stop words around it (``schema.RunPositions``), so
  "code de la route" never reads the positions of "de" and "la"; the few
  phrases that cannot be (stop words only, three in a row, two at either end)
  intersect their words' documents
  first, then check positions only in those documents (the blocks holding none
  of them are not even decompressed);
- ranking computes the same BM25F scores as Whoosh (same formula, idf,
  average and byte-rounded field lengths, boosts, sums for ``Or``/``And``/
  phrases) as one numpy array over all documents per query node, and keeps
  the best with ``np.partition``.

Prefixes, wildcards and fuzzy terms are expanded per segment as Whoosh
does and scored as Whoosh scores them.  Numeric ranges are matched from the
posting lists of the trie terms Whoosh compiles them into; proximity
(``SpanNear2`` over terms) from positions, with Whoosh's own span algorithm;
both are cached and scored here; any other node is matched and scored by Whoosh.  Matches and scores
are Whoosh's (``tests/unit/test_search_fast.py`` compares them), only faster.
"""

from __future__ import annotations

import io
import pickle
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import NUMERIC
from whoosh.matching import FilterMatcher
from whoosh.query import spans as wspans
from whoosh.reading import TermNotFound
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length

from qe_desktop.search import analysis
from qe_desktop.search.codec import QELeafMatcher, block_arrays
from qe_desktop.search.schema import RECORD, RECORD_DTYPE, RunPositions

#: Postings (document numbers) kept per searcher, most recently used first: about
#: 12 bytes each in posting lists (arrays), 50 in document sets.
POSTINGS_BUDGET = 4_000_000
DOCS_BUDGET = 2_000_000
#: Postings of stop words kept for scoring phrases (8 bytes each).
STOPS_BUDGET = 4_000_000
#: Match arrays kept per searcher (one byte per document each).
MASKS_KEPT = 96
#: Words a prefix, wildcard or fuzzy word is expanded to in one field, at most: the most
#: frequent are kept.  Each word costs a posting list read and an array of scores (about
#: 0.4 ms at 20,000 questions); "hôpit*" or "agricult*" match tens of words, "co*"
#: thousands in a whole legislature.
MAX_EXPANSION = 500


class _Lru(OrderedDict[Any, Any]):
    """Least recently used entries dropped beyond a budget of total entry sizes."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.total = 0
        self.sizes: dict[Any, int] = {}

    def get_recent(self, key: Any) -> Any:
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found

    def put(self, key: Any, value: Any, size: int) -> None:
        if key in self:
            self.total -= self.sizes[key]
        self[key] = value
        self.sizes[key] = size
        self.total += size
        while self.total > self.budget and len(self) > 1:
            old, _ = self.popitem(last=False)
            self.total -= self.sizes.pop(old)


_B = 0.75
_K1 = 1.2


def _read_postings(
    reader: Any,
    offset: int,
    field: str,
    text: str,
    wanted: list[int] | None = None,
    values_too: bool = False,
) -> tuple[list[int], list[float], list[Any]]:
    """Global ids and weights of one term in one segment; values too when ``wanted`` (local ids,
    sorted) or ``values_too``.

    With ``wanted``, only blocks that may hold one of those documents are read,
    and only their postings are returned.
    """
    try:
        m = reader.postings(field, text)
    except TermNotFound:
        return [], [], []
    deleted: frozenset[int] = frozenset()
    if isinstance(m, FilterMatcher):
        # The segment's deleted documents, which Whoosh's reader filters out this way.
        if m._exclude:
            deleted = frozenset(m._ids)
        m = m.child
    ids: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    if not isinstance(m, W3LeafMatcher):
        wanted_set = None if wanted is None else set(wanted)
        while m.is_active():
            d = m.id()
            if d not in deleted and (wanted_set is None or d in wanted_set):
                ids.append(d + offset)
                weights.append(m.weight())
                if wanted is not None or values_too:
                    values.append(m.value())
            m.next()
        return ids, weights, values
    if wanted is not None:
        k, n = 0, len(wanted)
        while m.is_active() and k < n:
            if wanted[k] > m._maxid:
                # No wanted document in this block: skip it without decompressing it.
                _next_block(m)
                continue
            block_ids = _block_ids(m)
            m._read_weights()
            block_weights = m._weights
            value_at = _value_reader(m)
            stop = bisect_left(wanted, m._maxid + 1, k)
            for d in wanted[k:stop]:
                i = bisect_left(block_ids, d)
                if i < len(block_ids) and block_ids[i] == d and d not in deleted:
                    ids.append(d + offset)
                    weights.append(block_weights[i])
                    values.append(value_at(i))
            k = stop
            _next_block(m)
        return ids, weights, values
    while m.is_active():
        block_ids = _block_ids(m)
        m._read_weights()
        if values_too:
            m._read_values()
        if deleted:
            keep = [i for i, d in enumerate(block_ids) if d not in deleted]
            ids.extend(block_ids[i] + offset for i in keep)
            block_weights = m._weights
            weights.extend(block_weights[i] for i in keep)
            if values_too:
                block_values = m._values
                values.extend(block_values[i] for i in keep)
        else:
            ids.extend(map(offset.__add__, block_ids) if offset else block_ids)
            weights.extend(m._weights)
            if values_too:
                values.extend(m._values)
        _next_block(m)
    return ids, weights, values


#: Bytes read at once for a block's header (its length, then its pickled info tuple: ~40 bytes).
_HEADER_BYTES = 256


def _next_block(m: Any) -> None:
    """``W3LeafMatcher._next_block``, the next block's header read in one piece.

    Whoosh unpickles the header from the file object itself, a dozen small reads
    per block: for the long posting lists of frequent words ("de", "la") read in a
    phrase, those reads cost as much as the blocks themselves.  Falls back to
    Whoosh's own method for anything unexpected.
    """
    if m._atend or m._lastblock:
        m._next_block()
        return
    position = m._nextoffset
    try:
        head = m._postfile.get(position, _HEADER_BYTES)
        length = unpack_int(head[:4])[0]
        stream = io.BytesIO(head)
        stream.seek(4)
        info = pickle.load(stream)
        dataoffset = position + stream.tell()
        blocklength, maxid, maxweight, compression, mnlen, mxlen = info
    except Exception:
        m._goto(position)
        return
    if length < 0:
        m._lastblock = True
        length = -length
    m._data = None
    m._ids = None
    m._weights = None
    m._values = None
    m._i = 0
    m._nextoffset = position + 4 + length
    m._dataoffset = dataoffset
    m._blocklength = blocklength
    m._maxid = maxid
    m._maxweight = maxweight
    m._compression = compression
    m._minlength = byte_to_length(mnlen)
    m._maxlength = byte_to_length(mxlen)


def _block_ids(m: Any) -> Any:
    """The document numbers of a posting block."""
    if m._ids is None:
        m._read_ids()
    return m._ids


def _value_reader(m: Any) -> Callable[[int], Any]:
    """The value of the current block's i-th posting, without slicing every other one."""
    if isinstance(m, QELeafMatcher):
        return m.block().value
    m._read_values()
    return m._values.__getitem__  # type: ignore[no-any-return]


class _PhraseMatch:
    """A phrase's matched documents (global, sorted), per segment (reader, offset, local ids),
    and each word's weights in them, filled as needed."""

    __slots__ = ("matched", "segments", "weights")

    def __init__(self, matched: Any, segments: list[tuple[Any, int, Any]], weights: dict[str, Any]) -> None:
        self.matched = matched
        self.segments = segments
        self.weights = weights


def _sorted_unique(values: Any) -> Any:
    """The distinct values of a sorted array (np.unique hashes them, and imports numpy.ma)."""
    import numpy as np

    if values.size < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _sorted_intersection(a: Any, b: Any) -> Any:
    """The values of two sorted arrays of distinct values found in both, sorted."""
    import numpy as np

    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return a
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return a[b[at] == a]


def _run_plan(words: list[str]) -> list[tuple[str, int, int | None, int | None, int | None]] | None:
    """The checks of a phrase on RunPositions: (content word, its index, number of the first and
    of the second stop word that must follow it, and of the one that must precede it; None for
    no check); None if the phrase cannot be checked that way."""
    stop_ids = analysis.STOP_IDS
    content = [i for i, w in enumerate(words) if w not in stop_ids]
    # Before the first content word, only the stop word just before it is recorded.
    if not content or content[0] > 1:
        return None
    before = stop_ids[words[0]] if content[0] == 1 else None
    plan: list[tuple[str, int, int | None, int | None, int | None]] = []
    for k, i in enumerate(content):
        last = k + 1 == len(content)
        run = [stop_ids[w] for w in words[i + 1 : content[k + 1] if not last else len(words)]]
        # Between two content words the run is recorded whole (up to two); at the end, only
        # its first stop word is certain (a second one may stand for "two or more").
        if len(run) > (1 if last else 2):
            return None
        plan.append(
            (
                words[i],
                i,
                run[0] if run else None,
                run[1] if len(run) == 2 else None,
                before if k == 0 else None,
            )
        )
    return plan


def _np_postings(
    reader: Any, field: str, text: str, wanted: list[int] | None, with_values: bool
) -> tuple[Any, Any, Any, bytes] | None:
    """A term's postings in one segment as arrays: local ids, weights, value lengths and the
    values end to end.  With ``wanted`` (sorted local ids), only the blocks that may hold one
    of them are read (they are returned whole).  None when the postings are not in
    :class:`QELeafMatcher` blocks."""
    import numpy as np

    empty = np.empty(0, dtype=np.int64)
    try:
        m = reader.postings(field, text)
    except TermNotFound:
        return empty, np.empty(0), empty, b""
    deleted: Any = None
    if isinstance(m, FilterMatcher):
        if not m._exclude:
            return None
        deleted = np.fromiter(m._ids, dtype=np.int64)
        m = m.child
    if not isinstance(m, QELeafMatcher):
        return None
    ids_parts: list[Any] = []
    weight_parts: list[Any] = []
    length_parts: list[Any] = []
    blobs: list[bytes] = []
    k, n = 0, len(wanted) if wanted is not None else 0
    while m.is_active():
        if wanted is not None:
            if k >= n:
                break
            if wanted[k] > m._maxid:
                _next_block(m)
                continue
            k = bisect_left(wanted, m._maxid + 1, k)
        ids, weights, lengths, blob = block_arrays(m.raw_block(), m._blocklength, with_values)
        ids_parts.append(ids)
        weight_parts.append(weights)
        if lengths is not None:
            length_parts.append(lengths)
        if blob is not None:
            blobs.append(blob)
        _next_block(m)
    if not ids_parts:
        return empty, np.empty(0), empty, b""
    ids = np.concatenate(ids_parts)
    weights = np.concatenate(weight_parts).astype(np.float64)
    lengths = (
        np.concatenate(length_parts).astype(np.int64) if length_parts else np.zeros(len(ids), dtype=np.int64)
    )
    blob = b"".join(blobs)
    if deleted is not None and deleted.size:
        keep = ~np.isin(ids, deleted)
        if with_values:
            records = np.frombuffer(blob, dtype=RECORD_DTYPE)
            blob = records[np.repeat(keep, lengths // RECORD.size)].tobytes()
        ids, weights, lengths = ids[keep], weights[keep], lengths[keep]
    return ids, weights, lengths, blob


class FastSearch:
    """Sets and scores for the queries of one searcher (one snapshot: never changes).

    Not thread-safe: the index runs one search at a time per snapshot.
    """

    def __init__(self, searcher: Any, lengths: dict[str, list[int]] | None = None) -> None:
        self.searcher = searcher
        self.leaves: list[tuple[Any, int]] = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self.leaf_searchers: list[tuple[Any, int]] = list(searcher.leaf_searchers())
        self._postings = _Lru(POSTINGS_BUDGET)
        self._docs = _Lru(DOCS_BUDGET)
        self._lengths: dict[str, list[int]] = lengths if lengths is not None else {}
        self._np_lengths: dict[str, Any] = {}
        self._stops = _Lru(STOPS_BUDGET)
        # Per pattern: its words in each segment, and how many words it matched before the cap.
        self._expansions: dict[Any, tuple[list[list[Any]], int]] = {}
        self._masks: dict[Any, Any] = {}
        self._all: frozenset[int] | None = None

    # -- building blocks -------------------------------------------------------------

    def postings(self, field: str, text: str) -> tuple[Sequence[int], Sequence[float]]:
        """(global document numbers, weights) of a term, in document order."""
        key = (field, text)
        found: tuple[Sequence[int], Sequence[float]] | None = self._postings.get_recent(key)
        if found is not None:
            return found
        import numpy as np

        ids = array("I")
        weights = array("d")
        for reader, offset in self.leaves:
            got = _np_postings(reader, field, text, None, False)
            if got is not None:
                ids.frombytes((got[0] + offset).astype(np.uint32).tobytes())
                weights.frombytes(got[1].tobytes())
                continue
            i, w, _ = _read_postings(reader, offset, field, text)
            ids.extend(i)
            weights.extend(w)
        found = (ids, weights)
        self._postings.put(key, found, len(ids))
        return found

    def all_docs(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(self.searcher.reader().all_doc_ids())
        return self._all

    def lengths(self, field: str) -> list[int]:
        """Field length of every document (byte-rounded, as Whoosh scores with them)."""
        found = self._lengths.get(field)
        if found is None:
            found = []
            # Lengths are stored as one byte each: decoded through a table, in C.
            table = [byte_to_length(b) if b else 0 for b in range(256)]
            for reader, offset in self.leaves:
                if len(found) < offset:
                    found.extend([0] * (offset - len(found)))
                column = _length_column(reader, field)
                try:
                    found.extend(list(map(table.__getitem__, column)))
                except (IndexError, TypeError):
                    found.extend(byte_to_length(b) if b else 0 for b in column)
            self._lengths[field] = found
        return found

    # -- matching --------------------------------------------------------------------

    def docs(self, q: Any) -> frozenset[int]:
        """Every document the query matches."""
        if isinstance(q, wq.Term):
            return self._cached(q, lambda: frozenset(self.postings(q.fieldname, q.text)[0]))
        if isinstance(q, (wq.Or, wq.And, wq.Not)):
            return self._cached(q, lambda: self._from_mask(q))
        if isinstance(q, wq.Every) and not q.fieldname:
            return self.all_docs()
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return frozenset()
        if isinstance(q, wq.Phrase) and q.slop == 1:
            return self._cached(q, lambda: self._phrase_docs(q))
        if isinstance(q, wq.MultiTerm) and q.field():
            return self._cached(q, lambda: self._from_mask(q))
        if (
            isinstance(q, wq.NumericRange)
            and q.fieldname in self.searcher.schema
            and isinstance(self.searcher.schema[q.fieldname], NUMERIC)
        ):
            # Whoosh compiles it into ranges of its trie terms and walks their matchers one
            # posting at a time: the same terms' posting lists are read here instead.
            return self._cached(q, lambda: self._numeric_docs(q))
        if isinstance(q, wspans.SpanNear2) and self._near_supported(q):
            return self._cached(q, lambda: frozenset(self._near(q)))
        return self._whoosh_docs(q)

    def _from_mask(self, q: Any) -> frozenset[int]:
        import numpy as np

        return frozenset(np.flatnonzero(self.mask(q)).tolist())

    def mask(self, q: Any) -> Any:
        """:meth:`docs` as a boolean array over all documents: ``ET``, ``OU``, ``SAUF`` and
        prefixes combined as arrays, without a set per part.  Do not modify it (cached)."""
        found = self._masks.get(q)
        if found is not None:
            return found
        import numpy as np

        size = self.searcher.reader().doc_count_all()
        if isinstance(q, wq.Term):
            out = np.zeros(size, dtype=bool)
            ids = self.postings(q.fieldname, q.text)[0]
            if len(ids):
                out[np.frombuffer(ids, dtype=np.uint32)] = True  # type: ignore[call-overload]
        elif isinstance(q, wq.Or):
            out = np.zeros(size, dtype=bool)
            for sub in q.subqueries:
                out |= self.mask(sub)
        elif isinstance(q, wq.And):
            # Only "SAUF" parts: every live document but theirs (Whoosh's matcher tree for it was
            # as deep as the parts were many: 96 s for 500 at 20,000 questions, a RecursionError
            # at 1,000).
            if all(isinstance(sub, wq.Not) for sub in q.subqueries):
                out = self._mask(self.all_docs(), size)
            else:
                out = np.ones(size, dtype=bool)
            for sub in q.subqueries:
                if isinstance(sub, wq.Not):
                    out &= ~self.mask(sub.query)
                else:
                    out &= self.mask(sub)
        elif isinstance(q, wq.Not):
            out = self._mask(self.all_docs(), size) & ~self.mask(q.query)
        elif isinstance(q, wq.MultiTerm) and q.field():
            out = np.zeros(size, dtype=bool)
            for term in self._expanded(q):
                out |= self.mask(term)
        else:
            out = self._mask(self.docs(q), size)
        if len(self._masks) >= MASKS_KEPT:
            self._masks.pop(next(iter(self._masks)))
        self._masks[q] = out
        return out

    def _words(self, q: Any) -> list[list[Any]]:
        """The words of a prefix, wildcard or fuzzy term in each segment (as Whoosh expands them),
        at most ``MAX_EXPANSION`` of them: the most frequent (see :meth:`expansion`)."""
        found = self._expansions.get(q)
        if found is None:
            per_leaf = [[w for w in q._btexts(reader) if w] for reader, _ in self.leaves]
            words = dict.fromkeys(w for leaf in per_leaf for w in leaf)
            if len(words) > MAX_EXPANSION:
                field = q.field()
                frequency = {w: self.searcher.doc_frequency(field, w) for w in words}
                kept = set(sorted(words, key=lambda w: (-frequency[w], w))[:MAX_EXPANSION])
                per_leaf = [[w for w in leaf if w in kept] for leaf in per_leaf]
            found = (per_leaf, len(words))
            if len(self._expansions) >= 256:
                self._expansions.clear()
            self._expansions[q] = found
        return found[0]

    def expansion(self, q: Any) -> tuple[int, int]:
        """(words searched, words matched) of a prefix, wildcard or fuzzy term: the first is
        smaller when the pattern matched more than ``MAX_EXPANSION`` words."""
        searched = len(dict.fromkeys(w for leaf in self._words(q) for w in leaf))
        return searched, self._expansions[q][1]

    def _expanded(self, q: Any) -> list[Any]:
        field = q.field()
        words = dict.fromkeys(w for leaf in self._words(q) for w in leaf)
        return [wq.Term(field, w) for w in words]

    def _cached(self, key: Any, compute: Callable[[], frozenset[int]]) -> frozenset[int]:
        found: frozenset[int] | None = self._docs.get_recent(key)
        if found is None:
            found = compute()
            self._docs.put(key, found, len(found))
        return found

    def _whoosh_docs(self, q: Any) -> frozenset[int]:
        return self._cached(q, lambda: frozenset(self.searcher.docs_for_query(q)))

    def _phrase(self, q: Any, within: frozenset[int] | None) -> set[int]:
        """Documents where the phrase's words follow each other (Whoosh ``Phrase``, slop 1).

        Segment by segment, the rarest word's postings (positions included) give the
        candidates; each next word (rarest first; stop words such as "de", "la" last)
        is read only in the blocks holding candidates still possible.  The weights
        read on the way are kept: the phrase is scored with them.
        """
        words: list[Any] = list(q.words)
        if not words:
            return set()
        field = q.fieldname
        searcher = self.searcher
        distinct, frequency = self._rarest_first(field, words)
        decode = searcher.schema[field].format.decode_positions
        found: set[int] = set()
        weights: dict[int, tuple[float, ...]] = {}
        for reader, offset in self.leaves if frequency[distinct[0]] else ():
            local: list[int] | None = None
            if within is not None:
                size = reader.doc_count_all()
                local = sorted(d - offset for d in within if offset <= d < offset + size)
                if not local:
                    continue
            by_word: dict[Any, dict[int, tuple[float, Any]]] = {}
            # Rarest words first: later words are read only where the phrase is still possible,
            # that is where the words read so far already stand at the right distances (the
            # frequent words' blocks, "de", "la", are then decompressed for far fewer documents).
            for k, w in enumerate(distinct):
                if local is None:
                    ids, ws, values = _read_postings(reader, 0, field, w, None, values_too=True)
                    local = list(ids)
                else:
                    ids, ws, values = _read_postings(reader, 0, field, w, local)
                postings = by_word[w] = dict(zip(ids, zip(ws, values, strict=True), strict=True))
                local = [d for d in local if d in postings]
                if local and (k or len(words) > len(distinct)):
                    local = _aligned(local, words, distinct[: k + 1], by_word, decode)
                if not local:
                    break
            else:
                local = local or []
                columns = [[postings[d][0] for d in local] for postings in (by_word[w] for w in words)]
                ids = [d + offset for d in local]
                found.update(ids)
                weights.update(zip(ids, zip(*columns, strict=True), strict=True))
        if within is None:
            self._postings.put(("phrase", q), weights, len(weights) * len(words))
        return found

    def _rarest_first(self, field: str, words: Sequence[str]) -> tuple[list[str], dict[str, int]]:
        """The distinct words, rarest first, and each one's document frequency."""
        frequency = {w: self.searcher.doc_frequency(field, w) for w in dict.fromkeys(words)}
        return sorted(frequency, key=frequency.__getitem__), frequency

    def _numeric_docs(self, q: Any) -> frozenset[int]:
        compiled = q._compile_query(self.searcher.reader())
        if isinstance(compiled, wq.ConstantScoreQuery):
            compiled = compiled.child
        return self.docs(compiled)

    def _near_supported(self, q: Any) -> bool:
        """Whether a proximity query is over terms of one field with positions only (as Whoosh reads them)."""
        terms = list(q.qs)
        if not terms or not all(isinstance(t, wq.Term) for t in terms):
            return False
        field = terms[0].fieldname
        if any(t.fieldname != field for t in terms) or field not in self.searcher.schema:
            return False
        fmt = self.searcher.schema[field].format
        return bool(fmt.supports("positions")) and not fmt.supports("characters")

    def _near(self, q: Any) -> set[int]:
        """Documents matching a proximity query (Whoosh ``SpanNear2`` over terms), from positions.

        The terms' postings are read rarest first, each only in the blocks holding
        documents that have all the terms read so far; the spans are then matched
        exactly as Whoosh's ``SpanNear2Matcher`` does (:func:`_near_spans`).
        """
        texts = [t.text for t in q.qs]
        field = q.qs[0].fieldname
        distinct, frequency = self._rarest_first(field, texts)
        decode = self.searcher.schema[field].format.decode_positions
        found: set[int] = set()
        for reader, offset in self.leaves if frequency[distinct[0]] else ():
            local: list[int] | None = None
            by_word: dict[Any, dict[int, Any]] = {}
            for w in distinct:
                if local is None:
                    ids, _, values = _read_postings(reader, 0, field, w, None, values_too=True)
                    local = list(ids)
                else:
                    ids, _, values = _read_postings(reader, 0, field, w, local)
                postings = by_word[w] = dict(zip(ids, values, strict=True))
                local = [d for d in local if d in postings]
                if not local:
                    break
            else:
                for d in local or ():
                    spans = [[wspans.Span(p) for p in decode(by_word[w][d])] for w in texts]
                    if _near_spans(spans, q.slop, q.ordered, q.mindist):
                        found.add(d + offset)
        return found

    def _phrase_docs(self, q: Any) -> frozenset[int]:
        found = self._runs_phrase(q)
        if found is not None:
            return frozenset(found.matched.tolist())
        return frozenset(self._phrase(q, None))

    def _runs_phrase(self, q: Any) -> _PhraseMatch | None:
        """A phrase matched from its content words and the stop words recorded around them
        (:class:`~qe_desktop.search.schema.RunPositions`), over arrays.

        None when the phrase cannot be checked that way: a field without such
        positions, a phrase of stop words only, more than two stop words in a row,
        or two at the start or at the end, or postings not in this codec's blocks.
        :meth:`_phrase` then reads every word's positions.
        """
        key = ("phrase-runs", q)
        found: _PhraseMatch | None = self._postings.get_recent(key)
        if found is not None:
            return found
        searcher = self.searcher
        field = q.fieldname
        words: list[str] = list(q.words)
        if (
            not words
            or field not in searcher.schema
            or not isinstance(searcher.schema[field].format, RunPositions)
        ):
            return None
        plan = _run_plan(words)
        if plan is None:
            return None
        import numpy as np

        _, frequency = self._rarest_first(field, [w for w, *_ in plan])
        plan.sort(key=lambda item: frequency[item[0]])
        matched_parts: list[Any] = []
        segments: list[tuple[Any, int, Any]] = []
        weights: dict[str, list[Any]] = {w: [] for w, *_ in plan}
        for reader, offset in self.leaves if all(frequency.values()) else ():
            keys: Any = None
            wanted: list[int] | None = None
            read: dict[str, tuple[Any, Any]] = {}
            for word, at, first, second, before in plan:
                got = _np_postings(reader, field, word, wanted, True)
                if got is None:
                    return None
                ids, ws, lengths, blob = got
                read[word] = (ids, ws)
                records = np.frombuffer(blob, dtype=RECORD_DTYPE)
                docs = np.repeat(ids, lengths // RECORD.size)
                places = records["p"].astype(np.int64) - at
                keep = places >= 0
                if first is not None:
                    keep &= records["a"] == first
                if second is not None:
                    keep &= records["b"] == second
                if before is not None:
                    keep &= records["c"] == before
                mine = (docs[keep] << 32) | places[keep]
                keys = mine if keys is None else _sorted_intersection(keys, mine)
                if not keys.size:
                    break
                wanted = _sorted_unique(keys >> 32).tolist()
            if keys is None or not keys.size:
                continue
            local = _sorted_unique(keys >> 32)
            segments.append((reader, offset, local))
            matched_parts.append(local + offset)
            for word, (ids, ws) in read.items():
                weights[word].append(ws[np.searchsorted(ids, local)])
        matched = np.concatenate(matched_parts) if matched_parts else np.empty(0, dtype=np.int64)
        joined = {w: np.concatenate(parts) for w, parts in weights.items() if parts}
        found = _PhraseMatch(matched, segments, joined)
        self._postings.put(key, found, len(matched) * len(words))
        return found

    def _runs_phrase_weights(self, q: Any, found: _PhraseMatch) -> list[Any]:
        """Each word's weight (term frequency) in every matched document, stop words included
        (read here, documents and weights only, in the blocks of the matched documents)."""
        import numpy as np

        field = q.fieldname
        for word in dict.fromkeys(q.words):
            if word in found.weights:
                continue
            ids, ws = self.stop_postings(field, word)
            found.weights[word] = ws[np.searchsorted(ids, found.matched)].astype(np.float64)
        return [found.weights[w] for w in q.words]

    def stop_postings(self, field: str, word: str) -> tuple[Any, Any]:
        """A stop word's whole posting list: global ids (uint32) and weights (float32), kept
        (``STOPS_BUDGET``): phrases share a few stop words, whose lists are the longest."""
        import numpy as np

        key = (field, word)
        found: tuple[Any, Any] | None = self._stops.get_recent(key)
        if found is not None:
            return found
        ids_parts, weight_parts = [], []
        for reader, offset in self.leaves:
            got = _np_postings(reader, field, word, None, False)
            if got is None:  # not this codec's blocks
                i, w, _ = _read_postings(reader, offset, field, word)
                ids_parts.append(np.asarray(i, dtype=np.uint32))
                weight_parts.append(np.asarray(w, dtype=np.float32))
                continue
            ids_parts.append((got[0] + offset).astype(np.uint32))
            weight_parts.append(got[1].astype(np.float32))
        found = (
            np.concatenate(ids_parts) if ids_parts else np.empty(0, dtype=np.uint32),
            np.concatenate(weight_parts) if weight_parts else np.empty(0, dtype=np.float32),
        )
        self._stops.put(key, found, len(found[0]))
        return found

    def np_lengths(self, field: str) -> Any:
        """:meth:`lengths` as a float array."""
        found = self._np_lengths.get(field)
        if found is None:
            import numpy as np

            found = self._np_lengths[field] = np.asarray(self.lengths(field), dtype=np.float64)
        return found

    def _phrase_scores(self, q: Any, docs: frozenset[int] | set[int]) -> dict[int, float]:
        """Whoosh's score of a phrase matched by :meth:`_phrase`: the sum of its words' BM25
        (a repeated word counts twice)."""
        weights: dict[int, tuple[float, ...]] | None = self._postings.get_recent(("phrase", q))
        if weights is None:
            self._phrase(q, None)
            weights = self._postings.get_recent(("phrase", q))
            assert weights is not None
        searcher = self.searcher
        field = q.fieldname
        within = [d for d in weights if d in docs]
        total: dict[int, float] = {}
        if not within:
            return total
        if not searcher.schema[field].scorable:
            for d in within:
                total[d] = sum(weights[d])
        else:
            avgfl = searcher.avg_field_length(field) or 1
            lengths = self.lengths(field)
            k1, b = _K1, _B
            idfs = [searcher.idf(field, w) for w in q.words]
            for d in within:
                fl = lengths[d]
                value = 0.0
                for idf, w in zip(idfs, weights[d], strict=True):
                    # Whoosh's scoring.bm25(), operation for operation.
                    value += idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avgfl)))
                total[d] = value
        if q.boost != 1.0:
            return {d: v * q.boost for d, v in total.items()}
        return total

    def _runs_phrase_scores(self, q: Any, found: _PhraseMatch) -> Any:
        """:meth:`_phrase_scores` over arrays, for ``found.matched``: the same operations,
        document by document."""
        import numpy as np

        matched = found.matched
        if not matched.size:
            return np.empty(0)
        searcher = self.searcher
        field = q.fieldname
        columns = self._runs_phrase_weights(q, found)
        if not searcher.schema[field].scorable:
            total = np.zeros(matched.size)
            for w in columns:
                total += w
        else:
            avgfl = searcher.avg_field_length(field) or 1
            fl = self.np_lengths(field)[matched]
            k1, b = _K1, _B
            norm = k1 * ((1 - b) + b * fl / avgfl)
            total = np.zeros(matched.size)
            for word, w in zip(q.words, columns, strict=True):
                # Whoosh's scoring.bm25(), operation for operation.
                total += searcher.idf(field, word) * ((w * (k1 + 1)) / (w + norm))
        if q.boost != 1.0:
            total = total * q.boost
        return total

    # -- ranking ---------------------------------------------------------------------

    def _term_bm25(self, field: str, text: str) -> tuple[Sequence[int], Sequence[float]]:
        """(document numbers, unboosted score) of a term, computed once per searcher (cached)."""
        key = ("bm25", field, text)
        found: tuple[Sequence[int], Sequence[float]] | None = self._postings.get_recent(key)
        if found is not None:
            return found
        ids, weights = self.postings(field, text)
        searcher = self.searcher
        if not ids:
            scores: Sequence[float] = array("d")
        elif not searcher.schema[field].scorable:
            scores = weights
        else:
            import numpy as np

            idf = searcher.idf(field, text)
            avgfl = searcher.avg_field_length(field) or 1
            # postings() gives arrays ("I" and "d"): viewed as numpy arrays without a copy.
            fl = self.np_lengths(field)[np.frombuffer(ids, dtype=np.uint32)]  # type: ignore[call-overload]
            w = np.frombuffer(weights, dtype=np.float64)  # type: ignore[call-overload]
            k1, b = _K1, _B
            # Whoosh's scoring.bm25(), operation for operation (same floats), over arrays.
            scores = array("d")
            scores.frombytes((idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avgfl)))).tobytes())
        found = (ids, scores)
        self._postings.put(key, found, len(ids))
        return found

    def _whoosh_scores(self, q: Any, docs: frozenset[int] | set[int]) -> dict[int, float]:
        """Scores of a query node this module does not compute itself, from Whoosh's matcher."""
        out: dict[int, float] = {}
        for s, offset in self.leaf_searchers:
            m = q.matcher(s, s.context())
            while m.is_active():
                d = m.id() + offset
                if d in docs:
                    out[d] = m.score()
                m.next()
        return out

    def top(self, q: Any, docs: frozenset[int] | set[int], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best documents of ``docs`` (best score first, then document order)."""
        if limit <= 0 or not docs:
            return []
        import numpy as np

        matched = self.docs(q)
        if not docs <= matched:
            docs = docs & matched
            if not docs:
                return []
        dense = self.dense_scores(q)
        candidates = np.fromiter(docs, dtype=np.int64, count=len(docs))
        values = dense[candidates]
        if len(candidates) > limit:
            # The limit-th best score, then only the few documents at or above it are sorted.
            threshold = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= threshold
            candidates, values = candidates[keep], values[keep]
        best = list(zip(candidates.tolist(), values.tolist(), strict=True))
        best.sort(key=_best_first)
        return best[:limit]

    def dense_scores(self, q: Any) -> Any:
        """Whoosh's BM25F score of every document the query matches, as one array over all
        documents (0 elsewhere): query nodes combined as sums and masks of arrays."""
        import numpy as np

        size = self.searcher.reader().doc_count_all()
        if isinstance(q, wq.Term):
            out = np.zeros(size)
            ids, scores = self._term_bm25(q.fieldname, q.text)
            if len(ids):
                where = np.frombuffer(ids, dtype=np.uint32)  # type: ignore[call-overload]
                out[where] = np.frombuffer(scores, dtype=np.float64)  # type: ignore[call-overload]
            return out * q.boost if q.boost != 1.0 else out
        if isinstance(q, wq.Or) and q.boost == 1.0:
            out = np.zeros(size)
            for sub in q.subqueries:
                out += self.dense_scores(sub)
            return out
        if isinstance(q, wq.And) and q.boost == 1.0:
            out = np.zeros(size)
            for sub in q.subqueries:
                if not isinstance(sub, wq.Not):
                    out += self.dense_scores(sub)
            nots = sum(1 for s in q.subqueries if isinstance(s, wq.Not))
            if nots:
                # Whoosh intersects with an InverseMatcher, whose score is 1.0 everywhere.
                out += 1.0 * nots
            return out * self.mask(q)
        if isinstance(q, wq.MultiTerm) and q.field():
            # As Whoosh scores a prefix (wildcard, fuzzy term) segment by segment: the sum of its
            # words' BM25 times its boost, or the BM25 of its only word, unboosted, where a
            # segment has one.
            per_leaf = self._words(q)
            out = np.zeros(size)
            for word in dict.fromkeys(w for leaf in per_leaf for w in leaf):
                out += self.dense_scores(wq.Term(q.field(), word))
            boost = float(q.boost)
            for (reader, offset), leaf in zip(self.leaves, per_leaf, strict=True):
                if len(leaf) != 1 and boost != 1.0:
                    out[offset : offset + reader.doc_count_all()] *= boost
            return out
        if isinstance(q, wq.Phrase) and q.slop == 1:
            runs = self._runs_phrase(q)
            if runs is not None:
                out = np.zeros(size)
                out[runs.matched] = self._runs_phrase_scores(q, runs)
                return out
            return _scattered(self._phrase_scores(q, self.docs(q)), size)
        if isinstance(q, wq.Not) or (isinstance(q, wq.NumericRange) and q.constantscore):
            # Whoosh: an InverseMatcher scores 1.0; a range compiles to a ConstantScoreQuery.
            value = 1.0 if isinstance(q, wq.Not) else float(q.boost)
            return self.mask(q) * value
        if isinstance(q, wspans.SpanNear2) and all(isinstance(t, wq.Term) for t in q.qs):
            # Matched here or by Whoosh (cached); scored like Whoosh: the sum of its terms' scores.
            out = np.zeros(size)
            for term in q.qs:
                out += self.dense_scores(term)
            return out * self.mask(q)
        return _scattered(self._whoosh_scores(q, self.docs(q)), size)

    @staticmethod
    def _mask(docs: frozenset[int] | set[int], size: int) -> Any:
        """True at every document of ``docs``."""
        import numpy as np

        mask = np.zeros(size, dtype=bool)
        if docs:
            mask[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
        return mask


def _aligned(
    local: list[int],
    words: list[Any],
    read: list[Any],
    by_word: dict[Any, dict[int, tuple[float, Any]]],
    decode: Callable[[Any], list[int]],
) -> list[int]:
    """The documents of ``local`` where the phrase's words of ``read`` (rarest first) all stand
    where one occurrence of the phrase would put them (each document dropped at its first failure)."""
    slots = [(i, w) for w in read for i, x in enumerate(words) if x == w]
    (i0, w0), rest = slots[0], slots[1:]
    first = by_word[w0]
    if not rest:
        return local
    # Positions of the first word p, each other word wanted at p + (its index - i0).
    middle = [(i - i0, by_word[w]) for i, w in rest[:-1]]
    last_shift, last = rest[-1][0] - i0, by_word[rest[-1][1]]
    kept: list[int] = []
    for d in local:
        starts = decode(first[d][1])
        for shift, postings in middle:
            places = set(decode(postings[d][1]))
            starts = [p for p in starts if p + shift in places]
            if not starts:
                break
        else:
            if not set(decode(last[d][1])).isdisjoint(map(last_shift.__add__, starts)):
                kept.append(d)
    return kept


def _near_spans(ms: list[list[Any]], slop: int, ordered: bool, mindist: int) -> list[Any]:
    """``SpanNear2Matcher._get_spans`` of whoosh.query.spans, line for line, over span lists."""
    aspans = ms[0]
    i = 1
    while i < len(ms) and aspans:
        bspans = ms[i]
        spans = set()
        for aspan in aspans:
            start = aspan.start if ordered else max(0, aspan.start - slop)
            j = wspans.bisect_spans(bspans, start)
            while j < len(bspans):
                bspan = bspans[j]
                j += 1
                if bspan.end < aspan.start - slop or (ordered and aspan.start > bspan.start):
                    continue
                if bspan.start > aspan.end + slop:
                    break
                dist = aspan.distance_to(bspan)
                if mindist <= dist <= slop:
                    spans.add(aspan.to(bspan))
        aspans = sorted(spans)
        i += 1
    return aspans if i == len(ms) else []


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _scattered(scores: dict[int, float], size: int) -> Any:
    """A dictionary of scores as an array over all documents (0 elsewhere)."""
    import numpy as np

    out = np.zeros(size)
    if scores:
        where = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        out[where] = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    return out


def _length_column(reader: Any, field: str) -> Iterable[int]:
    """The length bytes of one field in one segment (0 for documents without it)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    size = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    name = _lenfield(field)
    if perdoc is None or not perdoc.has_column(name):
        return [0] * size
    column = perdoc.column_reader(name, LENGTHS_COLUMN)
    if getattr(column, "_typecode", None) == "B" and not getattr(column, "_reverse", True):
        # One byte per document: read the whole column at once (documents past its end have none).
        count = min(column._count, size)
        raw = column._dbfile.get(column._basepos, count)
        return [*raw, *([column._default] * (size - count))]
    return [column[i] for i in range(size)]
