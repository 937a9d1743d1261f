"""Matching and ranking a query tree (:mod:`~qe_desktop.search.nodes`) over whole posting lists.

Whoosh walks its matchers one document at a time in Python, several method
calls per posting and per query node; a results page needs every match (the
total, the facets) and then the best twenty.  Here every node becomes an
array over all the documents of a searcher:

- :meth:`Matcher.mask`: a boolean array of the documents a node matches
  (``ET``, ``OU``, ``SAUF`` are ``&``, ``|``, ``~``);
- :meth:`Matcher.scores`: Whoosh's BM25F score of each document (0 where the
  node does not match), combined as Whoosh combines them: sums for ``OU`` and
  ``ET``, 1.0 for each ``SAUF`` inside an ``ET``, 1.0 for a range;
- :meth:`Matcher.top`: the best documents, picked with ``np.partition``.

Posting lists are read by one reader (:func:`whoosh_adapter.read_postings`,
blocks as arrays), scored by one function (:func:`bm25`), and phrases matched
by one path (:meth:`Matcher.phrase`): each position of the index records the
stop words around it (``schema.RunPositions``), so a phrase is checked from
its content words, and the stop words the records cannot vouch for (a phrase
of stop words only, three in a row, two at either end) are read like any
other word.  ``tests/unit/test_search_matching.py`` checks matches and scores
against Whoosh's exhaustive search, with one-block and multi-block lists.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qe_desktop.search import analysis, nodes
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.schema import MORE_STOPS, RECORD, RECORD_DTYPE

#: Postings kept per searcher (about 12 bytes each), most recently used first.
POSTINGS_BUDGET = 4_000_000
#: Postings of stop words kept for scoring phrases (about 12 bytes each).
STOPS_BUDGET = 4_000_000
#: Arrays kept per searcher (a match array is one byte per document, a score array eight).
ARRAYS_KEPT = 96
#: Words a prefix, wildcard or fuzzy word is expanded to in one field, at most: the most
#: frequent are kept.  Each word costs a posting list read and an array of scores (about
#: 0.4 ms at 20,000 questions); "hôpit*" or "agricult*" match tens of words, "co*"
#: thousands in a whole legislature.
MAX_EXPANSION = 500

#: The highest number of a stop word in the position records.
_LAST_STOP = max(analysis.STOP_IDS.values())

# BM25F's parameters, Whoosh's defaults.
K1 = 1.2
B = 0.75


def bm25(idf: float, tf: Any, length: Any, average: float) -> Any:
    """Whoosh's ``scoring.bm25()``, operation for operation (the same floats), over arrays."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))


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


@dataclass(frozen=True, slots=True)
class _Step:
    """One word of a phrase to read: where it stands in the phrase, and the stop words its
    position records must show after it (``a``, ``b``) and before it (``c``); None: no check."""

    word: str
    at: int
    a: int | None = None
    b: int | None = None
    c: int | None = None


def phrase_plan(words: tuple[str, ...]) -> list[_Step]:
    """The words of a phrase to read, and what their records must show.

    Every content word is read.  A stop word is vouched for by the records of
    its neighbours when it is one of the (at most two) between two content
    words, the first after the last content word, or the one just before the
    first content word; any other (a phrase of stop words only, three in a
    row, two at either end) is read itself.
    """
    stop_ids = analysis.STOP_IDS
    content = [i for i, w in enumerate(words) if w not in stop_ids]
    if not content:
        return [_Step(w, i) for i, w in enumerate(words)]
    steps = [_Step(words[i], i) for i in range(content[0] - 1)]
    for k, i in enumerate(content):
        last = k + 1 == len(content)
        end = len(words) if last else content[k + 1]
        run = [stop_ids[w] for w in words[i + 1 : end]]
        steps.append(
            _Step(
                words[i],
                i,
                a=run[0] if run else None,
                b=run[1] if len(run) == 2 and not last else None,
                c=stop_ids[words[i - 1]] if k == 0 and i else None,
            )
        )
        if last or len(run) > 2:
            steps.extend(_Step(words[j], j) for j in range(i + 2, end))
    return steps


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """A phrase's matched documents (global numbers, sorted) and each word's frequency in them."""

    matched: Any
    frequencies: dict[str, Any]


class Matcher:
    """Matches and scores of the query trees of one searcher (one snapshot: it never changes).

    Not thread-safe: the index runs one search at a time per snapshot.
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.leaves = adapter.leaves(searcher)
        self.size = self.leaves[-1].offset + self.leaves[-1].size if self.leaves else 0
        self.kinds = adapter.field_kinds(searcher)
        self._postings = _Lru(POSTINGS_BUDGET)
        self._stops = _Lru(STOPS_BUDGET)
        self._arrays: OrderedDict[Any, Any] = OrderedDict()
        self._lengths: dict[str, Any] = {}
        #: Per pattern: the words searched, and how many it matched.
        self._expansions: dict[nodes.Pattern, tuple[list[str], int]] = {}
        self._live: Any = None
        self._all: frozenset[int] | None = None

    # -- building blocks ------------------------------------------------------------------

    def live(self) -> Any:
        """True at every document not deleted."""
        if self._live is None:
            live = np.ones(self.size, dtype=bool)
            for leaf in self.leaves:
                if leaf.deleted is not None:
                    live[leaf.deleted + leaf.offset] = False
            self._live = live
        return self._live

    def all_docs(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(np.flatnonzero(self.live()).tolist())
        return self._all

    def postings(self, field: str, text: str | bytes) -> tuple[Any, Any]:
        """(global document numbers, frequencies) of a term, in document order (kept)."""
        key = (field, text)
        found: tuple[Any, Any] | None = self._postings.get_recent(key)
        if found is None:
            parts = [(adapter.read_postings(leaf, field, text), leaf.offset) for leaf in self.leaves]
            ids = np.concatenate([p.ids + offset for p, offset in parts]) if parts else np.empty(0, np.int64)
            weights = np.concatenate([p.weights for p, _ in parts]) if parts else np.empty(0)
            found = (ids, weights)
            self._postings.put(key, found, len(ids))
        return found

    def stop_postings(self, field: str, word: str) -> tuple[Any, Any]:
        """:meth:`postings` of a stop word, kept apart (``STOPS_BUDGET``): phrases share a few stop
        words, whose lists are the longest, and score them in every document they match."""
        key = (field, word)
        found: tuple[Any, Any] | None = self._stops.get_recent(key)
        if found is None:
            found = self.postings(field, word)
            self._stops.put(key, found, len(found[0]))
        return found

    def lengths(self, field: str) -> Any:
        """Every document's length of a field (byte-rounded, as Whoosh scores with them)."""
        found = self._lengths.get(field)
        if found is None:
            raw = b"".join(adapter.length_bytes(leaf, field) for leaf in self.leaves)
            found = self._lengths[field] = adapter.LENGTH_OF_BYTE[np.frombuffer(raw, dtype=np.uint8)]
        return found

    def _term_scores(self, field: str, text: str) -> tuple[Any, Any]:
        """(document numbers, unboosted BM25F) of a term (kept)."""
        key = ("bm25", field, text)
        found: tuple[Any, Any] | None = self._postings.get_recent(key)
        if found is None:
            ids, weights = self.postings(field, text)
            if ids.size and self.kinds.get(field, (False, False))[0]:
                scores = bm25(
                    adapter.idf(self.searcher, field, text),
                    weights,
                    self.lengths(field)[ids],
                    adapter.average_length(self.searcher, field),
                )
            else:
                scores = weights
            found = (ids, scores)
            self._postings.put(key, found, len(ids))
        return found

    def words(self, pattern: nodes.Pattern) -> list[str]:
        """The words a pattern searches: those it matches in the index (as Whoosh expands it),
        the ``MAX_EXPANSION`` most frequent when it matches more."""
        return self._expanded(pattern)[0]

    def expansion(self, pattern: nodes.Pattern) -> tuple[int, int]:
        """(words searched, words matched) of a pattern: the first is smaller when it matched
        more than ``MAX_EXPANSION`` words."""
        searched, matched = self._expanded(pattern)
        return len(searched), matched

    def _expanded(self, pattern: nodes.Pattern) -> tuple[list[str], int]:
        found = self._expansions.get(pattern)
        if found is None:
            words = list(dict.fromkeys(w for leaf in self.leaves for w in adapter.expand(leaf, pattern)))
            matched = len(words)
            if matched > MAX_EXPANSION:
                field = pattern.field
                frequency = {w: adapter.doc_frequency(self.searcher, field, w) for w in words}
                words = sorted(words, key=lambda w: (-frequency[w], w))[:MAX_EXPANSION]
            found = (words, matched)
            if len(self._expansions) >= 256:
                self._expansions.clear()
            self._expansions[pattern] = found
        return found

    def _kept(self, key: Any, compute: Callable[[], Any]) -> Any:
        found = self._arrays.get(key)
        if found is None:
            found = compute()
            self._arrays[key] = found
            if len(self._arrays) > ARRAYS_KEPT:
                self._arrays.popitem(last=False)
        else:
            self._arrays.move_to_end(key)
        return found

    # -- matching ---------------------------------------------------------------------------

    def docs(self, node: nodes.Node) -> frozenset[int]:
        """Every document the node matches."""
        return frozenset(np.flatnonzero(self.mask(node)).tolist())

    def mask(self, node: nodes.Node) -> Any:
        """True at every document the node matches.  Do not modify it (kept)."""
        return self._kept(("mask", node), lambda: self._mask(node))

    def _mask(self, node: nodes.Node) -> Any:
        out = np.zeros(self.size, dtype=bool)
        if isinstance(node, nodes.Term):
            out[self.postings(node.field, node.text)[0]] = True
        elif isinstance(node, nodes.Or):
            for part in node.parts:
                out |= self.mask(part)
        elif isinstance(node, nodes.And):
            positive = [p for p in node.parts if not isinstance(p, nodes.Not)]
            out = self.live().copy() if not positive else np.ones(self.size, dtype=bool)
            for part in node.parts:
                if isinstance(part, nodes.Not):
                    out &= ~self.mask(part.part)
                else:
                    out &= self.mask(part)
        elif isinstance(node, nodes.Not):
            out = self.live() & ~self.mask(node.part)
        elif isinstance(node, nodes.Pattern):
            for word in self.words(node):
                out |= self.mask(nodes.Term(node.field, word))
        elif isinstance(node, nodes.Range):
            for word in self._range_words(node):
                out[self.postings(node.field, word)[0]] = True
        elif isinstance(node, nodes.Phrase):
            out[self.phrase(node).matched] = True
        elif isinstance(node, nodes.Near):
            out[self._near(node)] = True
        elif isinstance(node, nodes.Every):
            out = self.live().copy()
        elif isinstance(node, nodes.Docs):
            if node.docs:
                out[np.fromiter(node.docs, dtype=np.int64, count=len(node.docs))] = True
            out &= self.live()
        return out

    def _range_words(self, node: nodes.Range) -> list[Any]:
        """The trie terms (bytes) of a numeric range, over every segment's dictionary."""
        return list(dict.fromkeys(w for leaf in self.leaves for w in adapter.range_terms(leaf, node)))

    # -- phrases and proximity ----------------------------------------------------------------

    def _rarest_first(self, field: str, words: list[str]) -> tuple[list[str], dict[str, int]]:
        frequency = {w: adapter.doc_frequency(self.searcher, field, w) for w in dict.fromkeys(words)}
        return sorted(frequency, key=frequency.__getitem__), frequency

    def phrase(self, node: nodes.Phrase) -> PhraseMatch:
        """The documents where the phrase's words follow each other, and the words' frequencies
        there (kept).

        Segment by segment, the rarest word's positions give candidates (document,
        start of the phrase); each next word, rarer first, is read only in the blocks
        holding candidates still possible, and the candidates it does not confirm
        are dropped, as sorted arrays of ``document << 32 | start``.
        """
        key = ("phrase", node.field, node.words)
        found: PhraseMatch | None = self._postings.get_recent(key)
        if found is not None:
            return found
        field = node.field
        steps = phrase_plan(node.words)
        order, frequency = self._rarest_first(field, [s.word for s in steps])
        rank = {w: i for i, w in enumerate(order)}
        steps.sort(key=lambda s: (rank[s.word], s.at))
        matched_parts: list[Any] = []
        read_frequencies: dict[str, list[Any]] = {}
        for leaf in self.leaves if all(frequency.values()) else ():
            keys: Any = None
            wanted: list[int] | None = None
            read: dict[str, Any] = {}
            for step in steps:
                p = adapter.read_postings(leaf, field, step.word, wanted, with_values=True)
                read.setdefault(step.word, p)
                keys = _phrase_keys(p, step) if keys is None else _intersect(keys, _phrase_keys(p, step))
                if not keys.size:
                    break
                wanted = _distinct(keys >> 32).tolist()
            if keys is None or not keys.size:
                continue
            local = _distinct(keys >> 32)
            matched_parts.append(local + leaf.offset)
            for word, p in read.items():
                read_frequencies.setdefault(word, []).append(p.weights[np.searchsorted(p.ids, local)])
        matched = np.concatenate(matched_parts) if matched_parts else np.empty(0, dtype=np.int64)
        frequencies = {w: np.concatenate(parts) for w, parts in read_frequencies.items()}
        found = PhraseMatch(matched, frequencies)
        self._postings.put(key, found, len(matched) * len(node.words))
        return found

    def _frequencies(self, node: nodes.Phrase, found: PhraseMatch) -> list[Any]:
        """Each word's frequency in every matched document, the words the phrase did not read
        (stop words vouched for by their neighbours) included."""
        for word in dict.fromkeys(node.words):
            if word not in found.frequencies:
                ids, weights = self.stop_postings(node.field, word)
                found.frequencies[word] = weights[np.searchsorted(ids, found.matched)]
        return [found.frequencies[w] for w in node.words]

    def _near(self, node: nodes.Near) -> Any:
        """Documents where the words stand within ``slop`` of each other (Whoosh's ``SpanNear2``,
        unordered), from positions read rarest word first."""
        field = node.field
        order, frequency = self._rarest_first(field, list(node.words))
        found: list[int] = []
        for leaf in self.leaves if all(frequency.values()) else ():
            local: Any = None
            positions: dict[str, dict[int, list[int]]] = {}
            for word in order:
                p = adapter.read_postings(leaf, field, word, None if local is None else local.tolist(), True)
                records = _records(p)
                docs = np.repeat(p.ids, p.lengths // RECORD.size)
                keep = np.isin(p.ids, local) if local is not None else np.ones(p.ids.size, dtype=bool)
                local = p.ids[keep]
                by_doc: dict[int, list[int]] = {}
                for d, at in zip(docs.tolist(), records["p"].tolist(), strict=True):
                    by_doc.setdefault(d, []).append(at)
                positions[word] = by_doc
                if not local.size:
                    break
            else:
                for d in local.tolist():
                    spans = [[(at, at) for at in positions[w][d]] for w in node.words]
                    if _near_spans(spans, node.slop):
                        found.append(d + leaf.offset)
        return np.asarray(found, dtype=np.int64)

    # -- ranking ----------------------------------------------------------------------------

    def scores(self, node: nodes.Node) -> Any:
        """Whoosh's BM25F score of every document for the node (0 where it does not match).
        Do not modify it (kept)."""
        return self._kept(("scores", node), lambda: self._scores(node))

    def _scores(self, node: nodes.Node) -> Any:
        out = np.zeros(self.size)
        if isinstance(node, nodes.Term):
            ids, scores = self._term_scores(node.field, node.text)
            out[ids] = scores * node.boost if node.boost != 1.0 else scores
        elif isinstance(node, nodes.Or):
            for part in node.parts:
                out += self.scores(part)
        elif isinstance(node, nodes.And):
            for part in node.parts:
                # Whoosh intersects a SAUF part with an inverse matcher, whose score is 1.0.
                out += 1.0 if isinstance(part, nodes.Not) else self.scores(part)
            out *= self.mask(node)
        elif isinstance(node, nodes.Pattern):
            # The sum of its words' scores, times its boost (see nodes.Pattern).
            for word in self.words(node):
                out += self.scores(nodes.Term(node.field, word))
            if node.boost != 1.0:
                out *= node.boost
        elif isinstance(node, nodes.Phrase):
            found = self.phrase(node)
            if found.matched.size:
                out[found.matched] = self._phrase_scores(node, found)
        elif isinstance(node, nodes.Near):
            for word in node.words:
                out += self.scores(nodes.Term(node.field, word))
            out *= self.mask(node)
        elif isinstance(node, (nodes.Not, nodes.Range, nodes.Every, nodes.Docs)):
            # An inverse matcher, a constant-score range, every document, a set of documents.
            out[self.mask(node)] = 1.0
        return out

    def _phrase_scores(self, node: nodes.Phrase, found: PhraseMatch) -> Any:
        """Whoosh's score of a phrase: the sum of its words' BM25F (a repeated word counts twice)."""
        field = node.field
        columns = self._frequencies(node, found)
        total = np.zeros(found.matched.size)
        if not self.kinds.get(field, (False, False))[0]:
            for tf in columns:
                total += tf
        else:
            length = self.lengths(field)[found.matched]
            average = adapter.average_length(self.searcher, field)
            for word, tf in zip(node.words, columns, strict=True):
                total += bm25(adapter.idf(self.searcher, field, word), tf, length, average)
        return total * node.boost if node.boost != 1.0 else total

    def top(self, node: nodes.Node, docs: frozenset[int] | set[int], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best documents of ``docs`` that the node matches (best score first, then
        document order)."""
        if limit <= 0 or not docs:
            return []
        candidates = np.fromiter(docs, dtype=np.int64, count=len(docs))
        candidates = candidates[self.mask(node)[candidates]]
        if not candidates.size:
            return []
        values = self.scores(node)[candidates]
        if len(candidates) > limit:
            # The limit-th best score, then only the few documents at or above it are sorted.
            threshold = np.partition(values, len(values) - limit)[len(values) - limit]
            keep = values >= threshold
            candidates, values = candidates[keep], values[keep]
        best = list(zip(candidates.tolist(), values.tolist(), strict=True))
        best.sort(key=lambda item: (-item[1], item[0]))
        return best[:limit]


def _records(p: adapter.PostingArrays) -> Any:
    """The position records of a posting list, checked: whole records, one per occurrence (the
    frequency), positions increasing within each document, stop words the list knows.

    (About 1 ms for the 300,000 records of "de" in a segment of 25,000 questions: compared
    in place, no copy of the positions.)
    """
    if len(p.values) % RECORD.size or int(p.lengths.sum()) != len(p.values):
        raise adapter.IndexDamaged("positions illisibles (taille des enregistrements)")
    records = np.frombuffer(p.values, dtype=RECORD_DTYPE)
    if records.size:
        counts = p.lengths // RECORD.size
        positions = records["p"]
        backwards = positions[1:] <= positions[:-1]
        starts = np.cumsum(counts)[:-1]
        backwards[starts[(starts > 0) & (starts < records.size)] - 1] = False  # a new document
        after = records["b"]
        if (
            not np.array_equal(counts, p.weights.astype(np.int64))
            or bool(backwards.any())
            or int(records["a"].max()) > _LAST_STOP
            or int(records["c"].max()) > _LAST_STOP
            or bool(np.any((after > _LAST_STOP) & (after != MORE_STOPS)))
        ):
            raise adapter.IndexDamaged("positions illisibles (enregistrements incohérents)")
    return records


def _phrase_keys(p: adapter.PostingArrays, step: _Step) -> Any:
    """``document << 32 | start`` of each phrase start this word's positions allow (sorted)."""
    records = _records(p)
    docs = np.repeat(p.ids, p.lengths // RECORD.size)
    starts = records["p"].astype(np.int64) - step.at
    keep = starts >= 0
    if step.a is not None:
        keep &= records["a"] == step.a
    if step.b is not None:
        keep &= records["b"] == step.b
    if step.c is not None:
        keep &= records["c"] == step.c
    return (docs[keep] << 32) | starts[keep]


def _distinct(values: Any) -> Any:
    """The distinct values of a sorted array (np.unique sorts again)."""
    if values.size < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _intersect(a: Any, b: Any) -> Any:
    """The values of two sorted arrays of distinct values found in both, sorted."""
    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return a
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return a[b[at] == a]


def _near_spans(spans: list[list[tuple[int, int]]], slop: int, mindist: int = 1) -> bool:
    """Whoosh's ``SpanNear2Matcher._get_spans`` (unordered), over (start, end) pairs: True when
    the words' spans chain within ``slop`` of each other."""
    current = spans[0]
    for following in spans[1:]:
        if not current:
            return False
        joined: set[tuple[int, int]] = set()
        starts = [s for s, _ in following]
        for a_start, a_end in current:
            j = bisect_left(starts, max(0, a_start - slop))
            while j < len(following):
                b_start, b_end = following[j]
                j += 1
                if b_end < a_start - slop:
                    continue
                if b_start > a_end + slop:
                    break
                if mindist <= _distance(a_start, a_end, b_start, b_end) <= slop:
                    joined.add((min(a_start, b_start), max(a_end, b_end)))
        current = sorted(joined, key=lambda span: span[0])
    return bool(current)


def _distance(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Whoosh's ``Span.distance_to``."""
    overlaps = (
        b_start <= a_start <= b_end
        or b_start <= a_end <= b_end
        or a_start <= b_start <= a_end
        or a_start <= b_end <= a_end
    )
    if overlaps:
        return 0
    if a_end < b_start:
        return b_start - a_end
    return a_start - b_end
