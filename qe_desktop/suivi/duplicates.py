"""Answers given many times: questions whose answer is the same text, word for word or nearly.

Ministries often answer many questions with one text (« allotissement »: the same answer
published for several questions, with the asking deputy's name, the dates and the figures
changed).  Two answers are the same when, once folded (case, accents), their **dates, numbers,
month names, the asking deputy's name and civility words, punctuation and whitespace set aside**
(:func:`normalise`), they are identical — or near-identical: an estimated Jaccard similarity of
their 5-word shingles of at least :data:`THRESHOLD` (MinHash and LSH from ``datasketch``).

The threshold: different real answers of the corpus (539 QG transcripts, the QE records) never
reach 0.5 between them, while a real answer with one sentence rewritten stays above 0.8
(tests/unit/test_suivi_duplicates.py measures both on the real records).

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
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
SIGNATURE_VERSION = "2"
_META_KEY = "answer_keys_version"

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch (and the scipy it imports) costs most of a second to import: it is imported inside
# the functions that compute signatures, so that reading the groups (the reader, the CLI) never
# pays it.  PyInstaller still sees those imports (it scans function bodies too).

_MONTHS = {fold(m) for m in MONTHS_FR}
_CIVILITY = {"m", "mme", "mlle", "monsieur", "madame", "mademoiselle", "le", "la", "depute", "deputee"}
_NON_WORD = re.compile(r"[^a-z]+")


def _identity(value: int) -> int:
    # Shingles are hashed before datasketch sees them (see signature): it only permutes them.
    return value


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for NUM_PERM and the default seed, drawn once (not per signature)."""
    from datasketch import MinHash

    perms = MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations
    return perms[0], perms[1]


def _minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM,
        hashfunc=_identity,
        scheme=SCHEME,
        permutations=_permutations(),
        hashvalues=hashvalues,
    )


def _name_words(author: str | None) -> set[str]:
    if not author:
        return set()
    return {w for w in _NON_WORD.split(fold(author)) if len(w) > 1} - _CIVILITY


def normalise(answer: str, author: str | None = None) -> str:
    """The answer as compared: folded words, without numbers, dates, the asking deputy's name."""
    drop = _MONTHS | _CIVILITY | _name_words(author)
    words = [w for w in _NON_WORD.split(fold(answer)) if w and w not in drop and w != "er"]
    return " ".join(words)


def _exact_key(text: str) -> str | None:
    if len(text) < MIN_CHARS:
        return None
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def signature(text: str) -> MinHash | None:
    """The MinHash of a normalised answer's 5-word shingles (None when too short to compare)."""
    words = text.split()
    if len(words) < SHINGLE + MIN_SHINGLES - 1:
        return None
    # Each word hashed once (crc32: stable across processes, as stored signatures need), then
    # each run of SHINGLE words combined in numpy: no string built per shingle.
    codes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    count = len(words) - SHINGLE + 1
    shingles = np.zeros(count, dtype=np.uint64)
    for k in range(SHINGLE):
        shingles = (shingles * np.uint64(1_000_003) + codes[k : k + count]) & np.uint64(0xFFFFFFFF)
    m = _minhash()
    m.update_batch(np.unique(shingles).tolist())
    return m


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two normalised answers (0 when either is too short)."""
    sa, sb = signature(a), signature(b)
    if sa is None or sb is None:
        return 0.0
    return float(sa.jaccard(sb))


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
    for start in range(0, total, batch):
        if cancelled():
            raise Cancelled
        chunk = stale[start : start + batch]
        marks = ",".join("?" * len(chunk))
        rows: list[tuple[object, ...]] = []
        for uid, answer, author, digest in conn.execute(
            f"SELECT uid, answer_text, author, content_hash FROM questions WHERE uid IN ({marks})", chunk
        ):
            key: str | None = None
            blob: bytes | None = None
            if answer:
                text = normalise(answer, author)
                key = _exact_key(text)
                if key is not None:
                    m = signature(text)
                    blob = None if m is None else m.hashvalues.astype(np.uint32).tobytes()
            rows.append((uid, digest, key, blob))
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
    signatures: dict[str, bytes] = {}
    current: dict[str, str | None] = {}
    for uid, key, blob, group in conn.execute("SELECT uid, exact_key, minhash, group_id FROM answer_keys"):
        current[uid] = group
        if key is None:
            continue
        by_key.setdefault(key, []).append(uid)
        if blob is not None and key not in signatures:
            signatures[key] = blob
    # Union-find over exact keys: near-identical keys are joined.
    parent = {key: key for key in by_key}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    if len(signatures) > 1:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        hashes: dict[str, MinHash] = {}
        with lsh.insertion_session() as session:
            for key, blob in signatures.items():
                m = _minhash(np.frombuffer(blob, dtype=np.uint32))
                hashes[key] = m
                session.insert(key, m, check_duplication=False)
        for key, m in hashes.items():
            for other in lsh.query(m):
                if other != key and m.jaccard(hashes[other]) >= THRESHOLD:
                    a, b = find(key), find(other)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
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
