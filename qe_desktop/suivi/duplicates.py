"""Answers given many times: questions whose answer is the same text, word for word or nearly.

Ministries often answer many questions with one text (« allotissement »: the same answer
published for several questions, with the asking deputy's name, the dates and the figures
changed).  Two answers are the same when, once folded (case, accents), their **dates, numbers,
month names, the asking deputy's name and civility words, punctuation and whitespace set aside**
(:func:`normalise`), they are identical — or near-identical: an estimated Jaccard similarity of
their 5-word shingles of at least :data:`THRESHOLD` (MinHash signatures, LSH banding).

The threshold: different real answers of the corpus (539 QG transcripts, the QE records) never
reach 0.5 between them, while a real answer with one sentence rewritten stays above 0.8
(tests/unit/test_suivi_duplicates.py measures both on the real records).

MinHash: datasketch 2.0's ``affine32`` scheme (64 permutations drawn with seed 1, MurmurHash3's
32-bit finalizer, ``a·h + b mod 2³²``), computed for a whole batch of answers at once in numpy:
the signatures are bit for bit those of ``datasketch.MinHash`` (tests/unit/test_suivi_duplicates.py
compares them), without importing datasketch, whose package imports scipy (about 100 MB in the
bundle, for ``scipy.integrate`` in its choice of LSH parameters).  LSH: :data:`BANDS` bands of
:data:`ROWS` values, chosen here (see :data:`BANDS`) rather than by datasketch's optimisation,
which for a threshold of 0.8 and 64 permutations picks 5 × 11 and finds only 36 % of the pairs
at 0.8.  Answers with the same exact key are compared once (one signature per key).

Computed after each import for the questions added or changed, stored in corpus.sqlite (table
``answer_keys``, schema 4: one transaction with the questions it describes, readable with a join
when results are grouped by answer) and read back by :func:`duplicates_of` with one indexed
query: nothing is computed at search time.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
import time
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from qe_desktop.dates import MONTHS_FR
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn, never_cancelled, no_progress
from qe_desktop.search.analysis import fold
from qe_desktop.store import CorpusStore

#: Estimated Jaccard similarity (5-word shingles) from which two answers are near-identical.
THRESHOLD = 0.8
NUM_PERM = 64
SHINGLE = 5
#: datasketch 2.0's 32-bit permutation scheme: stored signatures say which they came from.
SCHEME = "affine32"
#: Normalised answers shorter than this are not compared (« Voir la réponse… » is not an answer).
MIN_CHARS = 40
#: Near-identical needs enough words for shingles to mean anything.
MIN_SHINGLES = 8
#: Changes when normalise(), the shingles or the hashing change: every signature is recomputed.
SIGNATURE_VERSION = "3"
#: LSH banding: 16 bands of 4 signature values (16 × 4 = NUM_PERM).  Two answers become candidates
#: when one band is equal: probability 1 − (1 − s⁴)¹⁶, that is 0.9998 at s = 0.8 (the threshold),
#: 0.64 at 0.5 and 0.0016 at 0.1 (different real answers stay under 0.1: see THRESHOLD).  Every
#: candidate is then checked on its whole signature, so a false candidate costs a comparison,
#: never a wrong group.
BANDS = 16
ROWS = 4
#: Seed of the permutations: datasketch's default, so that signatures equal datasketch's.
SEED = 1
_META_KEY = "answer_keys_version"

_MONTHS = {fold(m) for m in MONTHS_FR}
_CIVILITY = {"m", "mme", "mlle", "monsieur", "madame", "mademoiselle", "le", "la", "depute", "deputee"}
_NON_WORD = re.compile(r"[^a-z]+")
_DROP = {w.encode() for w in _MONTHS | _CIVILITY} | {b"er"}


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's ``affine32`` permutations for NUM_PERM and SEED: odd ``a``, any ``b`` (uint32)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix of each input hash), wrapping uint32."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = h ^ (h >> np.uint32(16))
    return mixed


def _name_words(author: str | None) -> set[str]:
    if not author:
        return set()
    return {w for w in _NON_WORD.split(fold(author)) if len(w) > 1} - _CIVILITY


#: Bytes of a folded text: a–z kept, everything else a separator.
_LETTERS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def _words(answer: str, author: str | None) -> list[bytes]:
    """The answer's folded words (ASCII bytes) without numbers, dates, the asking deputy's name.

    Folding through NFKD and ASCII (accents dropped, ligatures spelled out) then a byte table: C
    calls only, about four times faster than str.translate on a whole answer.
    """
    drop = _DROP | {w.encode() for w in _name_words(author)}
    # str.replace, not str.translate: a translation table is looked up character by character.
    text = unicodedata.normalize(
        "NFKD", answer.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    )
    raw = text.encode("ascii", "ignore").translate(_LETTERS).split()
    return [w for w in raw if w not in drop]


def normalise(answer: str, author: str | None = None) -> str:
    """The answer as compared: folded words, without numbers, dates, the asking deputy's name."""
    return b" ".join(_words(answer, author)).decode("ascii")


def _exact_key(text: str) -> str | None:
    if len(text) < MIN_CHARS:
        return None
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _Vocabulary(dict[bytes, int]):
    """Each word's crc32 (stable across processes, as stored signatures need), computed once."""

    def __missing__(self, word: bytes) -> int:
        code = self[word] = zlib.crc32(word)
        return code


#: Shingles per chunk of the batch computation (× NUM_PERM × 4 bytes: 50 MB at most).
_CHUNK_SHINGLES = 200_000


def signatures(texts: Sequence[str], vocabulary: dict[bytes, int] | None = None) -> list[np.ndarray | None]:
    """The MinHash signature (NUM_PERM uint32) of each normalised answer's 5-word shingles, or None
    when it is too short to compare — computed for all the texts at once.

    Each word hashed once (crc32, through ``vocabulary``), the shingles combined in numpy over all
    the texts, then datasketch's affine32 permutations applied chunk by chunk and the minimum
    taken per text (``np.minimum.reduceat``).
    """
    vocab = _Vocabulary() if vocabulary is None else vocabulary
    out: list[np.ndarray | None] = [None] * len(texts)
    kept: list[int] = []
    codes_parts: list[np.ndarray] = []
    for i, text in enumerate(texts):
        words = text.encode("ascii", "ignore").split()
        if len(words) < SHINGLE + MIN_SHINGLES - 1:
            continue
        kept.append(i)
        codes_parts.append(np.fromiter(map(vocab.__getitem__, words), dtype=np.uint64, count=len(words)))
    if not kept:
        return out
    a, b = _permutations()
    # Shingles of every text, end to end: position p starts a shingle when its SHINGLE words are
    # all in the same text.
    lengths = np.array([len(c) for c in codes_parts], dtype=np.int64)
    codes = np.concatenate(codes_parts)
    count = len(codes) - SHINGLE + 1
    shingles = np.zeros(count, dtype=np.uint64)
    for k in range(SHINGLE):
        shingles = (shingles * np.uint64(1_000_003) + codes[k : k + count]) & np.uint64(0xFFFFFFFF)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    per_text = lengths - SHINGLE + 1
    valid = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, per_text, strict=True)])
    hashed = _fmix32(shingles[valid].astype(np.uint32))
    bounds = np.concatenate(([0], np.cumsum(per_text)))
    # Whole texts per chunk, so that each text's minimum is taken in one reduceat.
    first = 0
    while first < len(kept):
        last = first + 1
        while last < len(kept) and bounds[last + 1] - bounds[first] <= _CHUNK_SHINGLES:
            last += 1
        block = hashed[bounds[first] : bounds[last]]
        # One row per permutation (reduceat runs along contiguous rows); uint32 wraps, as in datasketch.
        permuted = a[:, None] * block[None, :] + b[:, None]
        mins = np.minimum.reduceat(permuted, bounds[first:last] - bounds[first], axis=1)
        for j in range(last - first):
            out[kept[first + j]] = np.ascontiguousarray(mins[:, j])
        first = last
    return out


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of one normalised answer (None when too short to compare)."""
    return signatures([text])[0]


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two normalised answers (0 when either is too short)."""
    sa, sb = signatures([a, b])
    if sa is None or sb is None:
        return 0.0
    return float(np.mean(sa == sb))


@dataclass(frozen=True, slots=True)
class DuplicatesReport:
    """What an update did: answers (re)computed, groups found, questions in them, seconds."""

    computed: int
    groups: int
    grouped_questions: int
    seconds: float


def _has_table(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'answer_keys'").fetchone()
        is not None
    )


def update_duplicates(
    store: CorpusStore,
    *,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
    batch: int = 2000,
) -> DuplicatesReport:
    """Compute the answer keys of the questions added or changed since the last update, then regroup.

    Incremental: a question whose stored content digest is unchanged is not read again.  Raises
    Cancelled when ``cancelled()`` turns True (what was committed stays; the next update goes on).
    """
    try:
        return _update(store, progress, cancelled, batch)
    except sqlite3.Error as exc:
        raise store.store_error(exc, "Écriture") from exc


def _update(store: CorpusStore, progress: ProgressFn, cancelled: CancelFn, batch: int) -> DuplicatesReport:
    started = time.monotonic()
    conn = store.db.conn
    version = conn.execute("SELECT value FROM meta WHERE key = ?", (_META_KEY,)).fetchone()
    with conn:
        if version is None or version[0] != SIGNATURE_VERSION:
            conn.execute("DELETE FROM answer_keys")
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (_META_KEY, SIGNATURE_VERSION)
            )
        conn.execute("DELETE FROM answer_keys WHERE uid NOT IN (SELECT uid FROM questions)")
    stale = [
        r[0]
        for r in conn.execute(
            "SELECT q.uid FROM questions q LEFT JOIN answer_keys k ON k.uid = q.uid "
            "WHERE k.uid IS NULL OR k.content_hash IS NOT q.content_hash"
        )
    ]
    total = len(stale)
    blobs: dict[str, bytes | None] = {}
    vocabulary = _Vocabulary()
    for start in range(0, total, batch):
        if cancelled():
            raise Cancelled
        chunk = stale[start : start + batch]
        marks = ",".join("?" * len(chunk))
        read = conn.execute(
            f"SELECT uid, answer_text, author, content_hash FROM questions WHERE uid IN ({marks})", chunk
        ).fetchall()
        texts: list[str | None] = []
        for _, answer, author, _ in read:
            texts.append(normalise(answer, author) if answer else None)
        keys = [_exact_key(t) if t is not None else None for t in texts]
        # One signature per exact key: the answers published word for word many times (the most
        # common case) are hashed once.
        todo = {
            k: t
            for k, t in zip(keys, texts, strict=True)
            if k is not None and t is not None and k not in blobs
        }
        for k, m in zip(todo, signatures(list(todo.values()), vocabulary), strict=True):
            blobs[k] = None if m is None else m.astype(np.uint32).tobytes()
        rows = [
            (uid, digest, key, blobs[key] if key is not None else None)
            for (uid, _, _, digest), key in zip(read, keys, strict=True)
        ]
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO answer_keys(uid, content_hash, exact_key, minhash, group_id) "
                "VALUES (?, ?, ?, ?, NULL)",
                rows,
            )
        progress(
            min(start + batch, total), total, f"Réponses identiques : {min(start + batch, total)} / {total}"
        )
    groups, grouped = _regroup(conn) if total else _counts(conn)
    return DuplicatesReport(total, groups, grouped, time.monotonic() - started)


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    row = conn.execute(
        "SELECT count(DISTINCT group_id), count(group_id) FROM answer_keys WHERE group_id IS NOT NULL"
    ).fetchone()
    return int(row[0]), int(row[1])


def _regroup(conn: sqlite3.Connection) -> tuple[int, int]:
    """Group every answer: same exact key, or near-identical signatures.  Writes group_id (the
    smallest uid of the group) where it changed; returns (groups, questions in groups)."""
    by_key: dict[str, list[str]] = {}
    stored: dict[str, bytes] = {}  # one signature per exact key
    current: dict[str, str | None] = {}
    for uid, key, blob, group in conn.execute("SELECT uid, exact_key, minhash, group_id FROM answer_keys"):
        current[uid] = group
        if key is None:
            continue
        by_key.setdefault(key, []).append(uid)
        if blob is not None and len(blob) == NUM_PERM * 4 and key not in stored:
            stored[key] = blob
    # Union-find over exact keys: near-identical keys are joined.
    parent = {key: key for key in by_key}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    if len(stored) > 1:
        names = list(stored)
        matrix = np.frombuffer(b"".join(stored[k] for k in names), dtype=np.uint32).reshape(
            len(names), NUM_PERM
        )
        for i, j in _near_pairs(matrix):
            x, y = find(names[i]), find(names[j])
            if x != y:
                parent[max(x, y)] = min(x, y)
    members: dict[str, list[str]] = {}
    for key, uids in by_key.items():
        members.setdefault(find(key), []).extend(uids)
    wanted: dict[str, str | None] = dict.fromkeys(current)
    groups = grouped = 0
    for uids in members.values():
        if len(uids) < 2:
            continue
        groups += 1
        grouped += len(uids)
        first = min(uids)
        for uid in uids:
            wanted[uid] = first
    changes = [(group, uid) for uid, group in wanted.items() if current[uid] != group]
    with conn:
        conn.executemany("UPDATE answer_keys SET group_id = ? WHERE uid = ?", changes)
    return groups, grouped


def _near_pairs(matrix: np.ndarray) -> Iterable[tuple[int, int]]:
    """Pairs of rows whose signatures agree on at least THRESHOLD of their values, found by LSH
    banding (BANDS × ROWS): rows equal on a band are candidates, each checked on its whole row.

    In a band's bucket each row is checked against one pivot at a time (those that match it are
    joined with it; the others take the next pivot): a bucket of k near-identical answers costs
    k comparisons, not k².
    """
    rng = np.random.RandomState(SEED)
    mix = rng.randint(1, 1 << 62, size=ROWS, dtype=np.int64).astype(np.uint64) | np.uint64(1)
    joined: set[tuple[int, int]] = set()
    for band in range(BANDS):
        values = matrix[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        # One 64-bit key per row and band (a collision only makes a candidate, checked below).
        key = (values * mix[None, :]).sum(axis=1, dtype=np.uint64)
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        sizes = np.diff(np.append(starts, len(order)))
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            rest = order[start : start + size]
            while len(rest) > 1:
                pivot, others = rest[0], rest[1:]
                close = (matrix[others] == matrix[pivot]).mean(axis=1) >= THRESHOLD
                for other in others[close]:
                    pair = (int(min(pivot, other)), int(max(pivot, other)))
                    if pair not in joined:
                        joined.add(pair)
                        yield pair
                rest = others[~close]
    return


def duplicates_of(store: CorpusStore, uid: str) -> list[str]:
    """The other questions with the same answer as ``uid`` (oldest first); [] when none or not computed."""
    conn = store.db.conn
    if not _has_table(conn):
        return []
    rows = conn.execute(
        "SELECT k.uid FROM answer_keys k JOIN questions q ON q.uid = k.uid "
        "WHERE k.group_id = (SELECT group_id FROM answer_keys WHERE uid = ?) AND k.uid != ? "
        "ORDER BY q.question_date, k.uid",
        (uid, uid),
    )
    return [r[0] for r in rows]


def answer_groups(store: CorpusStore, uids: Iterable[str]) -> dict[str, str]:
    """The group of each of ``uids`` that shares its answer with others (uid -> group id)."""
    conn = store.db.conn
    if not _has_table(conn):
        return {}
    wanted = list(dict.fromkeys(uids))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        out.update(
            conn.execute(
                f"SELECT uid, group_id FROM answer_keys WHERE uid IN ({marks}) AND group_id IS NOT NULL",
                chunk,
            ).fetchall()
        )
    return out


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    """One answer given to several questions of a set: its questions there, and its text's start.

    ``uids``: the questions of the set with this answer, oldest first; ``in_corpus``: how many
    questions of the whole corpus received it; ``excerpt``, ``ministry``, ``answer_date``: those
    of its oldest question.
    """

    group_id: str
    uids: tuple[str, ...]
    in_corpus: int
    excerpt: str
    ministry: str | None
    answer_date: str | None


#: Characters of an answer shown as the group's title.
EXCERPT_CHARS = 160


def grouped_answers(store: CorpusStore, uids: Iterable[str], *, min_size: int = 2) -> list[AnswerGroup]:
    """The answers shared by at least ``min_size`` of ``uids``, the most shared first.

    Reads the stored groups (computed at import): one indexed query per 900 uids, then the
    members' dates and the first question's answer start; nothing is compared here.
    """
    conn = store.db.conn
    if not _has_table(conn):
        return []
    groups = answer_groups(store, uids)
    members: dict[str, list[str]] = {}
    for uid, group in groups.items():
        members.setdefault(group, []).append(uid)
    kept = {g: us for g, us in members.items() if len(us) >= min_size}
    if not kept:
        return []
    wanted = [u for us in kept.values() for u in us]
    facts: dict[str, tuple[str | None, str | None, str | None]] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for uid, qdate, adate, ministry in conn.execute(
            f"SELECT uid, question_date, answer_date, ministry_answering FROM questions WHERE uid IN ({marks})",
            chunk,
        ):
            facts[uid] = (qdate, adate, ministry)
    sizes: dict[str, int] = {}
    ids = list(kept)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        sizes.update(
            conn.execute(
                f"SELECT group_id, count(*) FROM answer_keys WHERE group_id IN ({marks}) GROUP BY group_id",
                chunk,
            ).fetchall()
        )
    out: list[AnswerGroup] = []
    firsts: dict[str, str] = {}
    for group, us in kept.items():
        ordered = sorted(us, key=lambda u: (facts.get(u, (None,))[0] or "", u))
        firsts[group] = ordered[0]
        kept[group] = ordered
    texts: dict[str, str] = {}
    first_uids = list(firsts.values())
    for start in range(0, len(first_uids), 900):
        chunk = first_uids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        texts.update(
            conn.execute(
                f"SELECT uid, substr(answer_text, 1, {EXCERPT_CHARS + 40}) FROM questions WHERE uid IN ({marks})",
                chunk,
            ).fetchall()
        )
    for group, ordered in kept.items():
        first = firsts[group]
        _, adate, ministry = facts.get(first, (None, None, None))
        excerpt = " ".join((texts.get(first) or "").split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
        out.append(
            AnswerGroup(group, tuple(ordered), int(sizes.get(group, len(ordered))), excerpt, ministry, adate)
        )
    out.sort(key=lambda g: (-len(g.uids), -g.in_corpus, g.group_id))
    return out
