"""The corpus database (SQLite through sqlite-utils): schema, migrations, upserts, reads.

SQLite is the source of truth; the search index is a cache rebuilt from it.
Writes happen in one transaction per batch, so an interrupted import leaves
every batch either fully stored or not at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils

from qe_desktop.folder import reimport_advice
from qe_desktop.labels import rubrique_label
from qe_desktop.model import FIELD_LABELS, QUESTION_FIELDS, RECORD_KEYS, Actor, Organe, Question, Rejection
from qe_desktop.paths import DataPaths
from qe_desktop.references import parse_reference

SCHEMA_VERSION = 5

#: Columns of the questions table, in order (the Question fields but the raw source).
QUESTION_COLUMNS: tuple[str, ...] = tuple(f for f in QUESTION_FIELDS if f != "source_raw")
_TUPLE_FIELDS = frozenset({"renewal_dates", "errata", "source_notes"})
#: Columns added by a migration after the first: the first one must not create them.
_LATER_COLUMNS = frozenset({"source_notes"})
#: What the content digest covers.  It leaves the notes out while they are empty, so that
#: adding them changed no digest (see content_hash).
_HASHED_NAMES = (*(k for k in RECORD_KEYS if k != "source_notes"), "mandate_ref", "group_ref")
_hashed_values = attrgetter(*_HASHED_NAMES)
_HASH_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False)
_INT_FIELDS = frozenset({"legislature", "number", "question_page", "answer_page"})

# Resolved columns (author, constituency, group) are overwritten from AMO data;
# the values the source itself gave are kept beside them so that a new AMO
# import, or its absence, can always be recomputed.
_SOURCE_COPIES = ("author", "constituency", "group", "group_abbrev")
#: A row of the questions table, the stored columns first (see CorpusStore._row).
_row_values = attrgetter(*QUESTION_COLUMNS, *_SOURCE_COPIES)
_TUPLE_POSITIONS = tuple(i for i, name in enumerate(QUESTION_COLUMNS) if name in _TUPLE_FIELDS)
_RUBRIQUE_POSITION = QUESTION_COLUMNS.index("rubrique")


#: What the database (or the encoding for it) raises for a value of one record: a value too
#: large for 64 bits (OverflowError), text UTF-8 cannot hold (UnicodeEncodeError, a
#: ValueError), a value it cannot bind or hold (InterfaceError, DataError).  Full disk,
#: locks and read-only files are OperationalError: those stop the import (StoreError).
_RECORD_ERRORS: tuple[type[Exception], ...] = (
    OverflowError,
    ValueError,
    sqlite3.InterfaceError,
    sqlite3.DataError,
)


class StoreError(Exception):
    """A known problem with the corpus database (locked, corrupt, full disk)."""


class CorpusDamaged(StoreError):
    """The corpus database is damaged: nothing more is written into it (French message, what to do)."""


#: SQLite result codes that mean the file itself is damaged, not the moment (lock, full disk).
_DAMAGE_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
#: Seconds of ``PRAGMA quick_check`` at open, at most (a whole-legislature corpus takes longer:
#: the first pages, where damage of the schema and of recent writes shows, are checked).
QUICK_CHECK_SECONDS = 0.5


def _damage_message(path: Path, detail: str) -> str:
    return (
        f"La base du corpus « {path} » est endommagée ({detail}) : QE Desktop n'y écrit plus rien. "
        "Renommez-la ou supprimez-la. " + reimport_advice(DataPaths(path.parent))
    )


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(
    doing: str,
) -> Callable[[Callable[Concatenate[CorpusStore, _P], _R]], Callable[Concatenate[CorpusStore, _P], _R]]:
    """Turn what SQLite raises into a StoreError; a damaged file is remembered and never written again."""

    def decorate(
        method: Callable[Concatenate[CorpusStore, _P], _R],
    ) -> Callable[Concatenate[CorpusStore, _P], _R]:
        @functools.wraps(method)
        def guarded(self: CorpusStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            if self.damaged and doing == "Écriture":
                raise CorpusDamaged(self.damaged)
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise self.store_error(exc, doing) from exc

        return guarded

    return decorate


def _error(path: Path, exc: sqlite3.Error, doing: str) -> StoreError:
    """The StoreError (French) for what SQLite said while ``doing`` something with ``path``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name in _DAMAGE_CODES or "malformed" in text or "not a database" in text:
        return CorpusDamaged(_damage_message(path, text))
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(
            f"{doing} impossible : le disque est plein ({path}). Libérez de la place et recommencez."
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError(
            f"{doing} impossible : la base du corpus « {path} » est en lecture seule. "
            "Rendez le dossier de données modifiable, ou copiez-le ailleurs (--data-dir)."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(
            f"{doing} impossible : la base du corpus « {path} » est occupée par un autre programme. "
            "Réessayez quand il aura fini."
        )
    return StoreError(f"{doing} impossible dans la base du corpus « {path} » : {text}")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Which uids one upsert batch added, updated or left unchanged, and the records it refused."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    rejected: tuple[Rejection, ...] = ()


@dataclass(frozen=True, slots=True)
class CorpusState:
    """What the index checks itself against: count and last change."""

    count: int
    data_version: int
    last_change: float


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    """What the user's work needs to know of a question without its texts (filters, sorting, news)."""

    uid: str
    legislature: int | None
    type: str
    number: int | None
    rubrique: str | None
    ministry_asked: str | None
    ministry_answering: str | None
    analyse: str | None
    status: str
    question_date: str | None
    answer_date: str | None
    url: str | None
    content_hash: str
    imported_at: float
    updated_at: float

    @property
    def reference(self) -> str:
        """``13-101851QE``, as :attr:`Question.reference` (the uid when the number is unknown)."""
        return f"{self.legislature}-{self.number}{self.type}" if self.number is not None else self.uid


_FACT_COLUMNS = (
    "uid",
    "legislature",
    "type",
    "number",
    "rubrique",
    "ministry_asked",
    "ministry_answering",
    "analyse",
    "status",
    "question_date",
    "answer_date",
    "url",
    "content_hash",
    "imported_at",
    "updated_at",
)


def content_hash(question: Question) -> str:
    """A digest of everything the source says about a question (not where it came from)."""
    # The same payload as question.record(), built without dataclasses.asdict() (its recursive
    # deep copy was the largest cost of an import): one attrgetter call, tuples as they are
    # (JSON writes them as lists), no circularity check (digests unchanged).
    payload = dict(zip(_HASHED_NAMES, _hashed_values(question), strict=True))
    if question.source_notes:
        payload["source_notes"] = question.source_notes
    blob = _HASH_ENCODER.encode(payload).encode("utf-8")
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _refusal(q: Question, exc: Exception) -> str:
    """Why the database refused a question (French), naming the field when it can be found."""
    for name in QUESTION_FIELDS:
        if name == "source_raw":
            continue  # always encodable (see _upsert)
        value = getattr(q, name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError as error:
                    code = ord(item[error.start])
                    return f"enregistrement refusé par la base : caractère invalide (U+{code:04X}) dans {FIELD_LABELS[name]}"
            elif isinstance(item, int) and not -(2**63) <= item < 2**63:
                return f"enregistrement refusé par la base : nombre trop grand dans {FIELD_LABELS[name]}"
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"enregistrement refusé par la base ({type(exc).__name__} : {detail})"


def _ordinal_circo(num: int) -> str:
    return f"{num}re" if num == 1 else f"{num}e"


def constituency_label(departement: str | None, num_circo: int | None) -> str | None:
    """``Côtes-d'Armor (1re circonscription)`` from AMO election data."""
    if not departement:
        return None
    if num_circo is None:
        return departement
    return f"{departement} ({_ordinal_circo(num_circo)} circonscription)"


def _migrate_1(db: sqlite_utils.Database) -> None:
    columns: dict[str, Any] = {}
    for name in QUESTION_COLUMNS:
        if name not in _LATER_COLUMNS:
            columns[name] = int if name in _INT_FIELDS else str
    for name in _SOURCE_COPIES:
        columns[f"source_{name}"] = str
    columns["content_hash"] = str
    columns["imported_at"] = float
    columns["updated_at"] = float
    db.table("questions").create(columns, pk="uid")
    for cols in (["legislature", "type", "number"], ["author_ref"], ["question_date"], ["status"]):
        db.table("questions").create_index(cols)
    db.table("sources").create({"uid": str, "format": str, "name": str, "raw": bytes}, pk="uid")
    db.table("actors").create({"uid": str, "civility": str, "first_name": str, "last_name": str}, pk="uid")
    db.table("mandates").create(
        {
            "uid": str,
            "actor_ref": str,
            "type_organe": str,
            "legislature": int,
            "organe_ref": str,
            "departement": str,
            "num_departement": str,
            "num_circo": int,
            "start_date": str,
            "end_date": str,
        },
        pk="uid",
    )
    db.table("mandates").create_index(["actor_ref"])
    db.table("organes").create(
        {
            "uid": str,
            "code_type": str,
            "label": str,
            "short_label": str,
            "abbrev": str,
            "start_date": str,
            "end_date": str,
            "legislature": int,
        },
        pk="uid",
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")


def _migrate_2(db: sqlite_utils.Database) -> None:
    # What the import cleaned to store the record (a JSON list of French sentences, like errata);
    # NULL for the records stored before, which needed no cleaning or were not cleaned.
    db.table("questions").add_column("source_notes", str)


def _migrate_3(db: sqlite_utils.Database) -> None:
    # Rubriques are stored in their display form (labels.rubrique_label): « politique extérieure »
    # of the open data and « Politique extérieure » of the question pages are one rubrique.  The
    # source's form stays in the sources table, and the content digests, computed from what the
    # source gave, are unchanged: a re-import of the same dump still finds every record unchanged.
    # Only the first letter changes, to a capital of the same size in UTF-8: SQLite overwrites
    # each row in place and leaves the overflow pages of its texts alone (measured on 20,000
    # rows of 12 KB: 0.8 s and a third of the writes of an update that changes the row's size).
    conn = db.conn
    conn.create_function("qe_rubrique_label", 1, rubrique_label, deterministic=True)
    changed = conn.execute(
        "UPDATE questions SET rubrique = qe_rubrique_label(rubrique) "
        "WHERE rubrique IS NOT NULL AND rubrique != qe_rubrique_label(rubrique)"
    ).rowcount
    if changed:
        # Stored values changed: an index built before is behind the corpus, and is rebuilt.
        _bump_version(conn, time.time())


def _migrate_4(db: sqlite_utils.Database) -> None:
    # Answers given many times (suivi/duplicates.py): per question, the digest of the content its
    # key was computed from, the key of its normalised answer, its MinHash signature, and the
    # group of questions sharing that answer.  Derived data, filled after each import; stored
    # here so that it commits with the questions and joins with them.
    db.execute(
        "CREATE TABLE answer_keys (uid TEXT PRIMARY KEY, content_hash TEXT, exact_key TEXT, "
        "minhash BLOB, group_id TEXT)"
    )
    db.execute("CREATE INDEX answer_keys_group ON answer_keys(group_id)")
    # The columns of the statistics (suivi/stats.py) in one covering index: read without walking
    # the rows, whose texts come before the dates (half the time of the read at 20,000 questions).
    db.execute(
        "CREATE INDEX questions_stats ON questions(uid, ministry_answering, rubrique, question_date, "
        "answer_date, status)"
    )


def _migrate_5(db: sqlite_utils.Database) -> None:
    # The statistics read written questions only (WHERE type = 'QE', and the uids of the others):
    # an index without the type made SQLite walk every row, texts included (1.4 s instead of
    # about 0.3 s at 133,000 questions).  The type first, then the columns read, all covered.
    db.execute("DROP INDEX IF EXISTS questions_stats")
    db.execute(
        "CREATE INDEX questions_stats ON questions(type, uid, ministry_answering, rubrique, "
        "question_date, answer_date, status)"
    )


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
    _migrate_5,
)


def _bump_version(conn: sqlite3.Connection, now: float) -> None:
    """Note a change of the stored questions (inside the caller's transaction): the index follows it."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('data_version', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('last_change', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (repr(now),),
    )


class CorpusStore:
    """One connection to ``corpus.sqlite``.

    The writer (one per process, owned by the import worker) and every reader
    open their own CorpusStore; WAL mode lets readers go on during an import.
    """

    def __init__(self, path: Path, *, readonly: bool = False, check: float | None = None) -> None:
        """Open ``path`` (created and migrated unless ``readonly``).

        ``check``: seconds of ``PRAGMA quick_check`` at most, for callers about
        to write (an import) or that can afford it (the command line); a
        damaged database is then a CorpusDamaged error.
        """
        self.path = path
        self.readonly = readonly
        self.damaged: str | None = None
        try:
            if readonly:
                if not path.exists():
                    raise StoreError(f"Base du corpus introuvable : {path}")
                conn = self._connect_readonly(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            self.db = sqlite_utils.Database(conn)
            if check is not None:
                try:
                    self.verify(check)
                except CorpusDamaged:
                    conn.close()
                    raise
            if not readonly:
                self._migrate()
            # A read-only connection cannot migrate: columns a later schema added read as NULL
            # (a shared corpus on a read-only medium, written by an older version).
            present = {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
            self.select_columns = ", ".join(
                f"[{c}]" if c in present or not present else f"NULL AS [{c}]" for c in QUESTION_COLUMNS
            )
        except sqlite3.Error as exc:
            raise _error(path, exc, "Ouverture") from exc

    @staticmethod
    def _connect_readonly(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            # A WAL database on a read-only medium: its -shm file cannot be created.  Nothing
            # writes there (nobody can), so it is read as an immutable file.
            conn.close()
            return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    def verify(self, seconds: float = QUICK_CHECK_SECONDS) -> None:
        """Raise CorpusDamaged (and write nothing more) when ``quick_check`` finds damage within ``seconds``."""
        problem = self.integrity_problem(seconds)
        if problem:
            self.damaged = _damage_message(self.path, problem)
            raise CorpusDamaged(self.damaged)

    def integrity_problem(self, seconds: float = QUICK_CHECK_SECONDS) -> str | None:
        """What ``PRAGMA quick_check`` finds in at most ``seconds`` (French), or None.

        Stopped at the bound, the check says nothing: a problem further on is
        found when it is read (every DatabaseError of the damage kind is one).
        """
        conn = self.db.conn
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            conn.set_progress_handler(None, 0)
        found = [str(r[0]) for r in rows if r and r[0] != "ok"]
        return "; ".join(found)[:300] if found else None

    def store_error(self, exc: sqlite3.Error, doing: str) -> StoreError:
        """The StoreError (French) for what SQLite raised while ``doing`` something; a damaged file
        is remembered, and never written again."""
        error = _error(self.path, exc, doing)
        if isinstance(error, CorpusDamaged):
            self.damaged = str(error)
        return error

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        conn = self.db.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"La base {self.path} a été créée par une version plus récente de QE Desktop "
                f"(schéma {version}, cette version connaît le schéma {SCHEMA_VERSION})."
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with conn:
                MIGRATIONS[number - 1](self.db)
                conn.execute(f"PRAGMA user_version = {number}")

    # -- writes --------------------------------------------------------------

    @_guarded("Écriture")
    def upsert_questions(self, questions: Sequence[Question]) -> BatchResult:
        """Store a batch in one transaction: insert new uids, replace changed ones.

        A record the database refuses (a value the import's cleaning should have
        caught) does not cost the batch: the batch is stored again record by
        record, and that record comes back in ``rejected``.
        """
        if not questions:
            return BatchResult((), (), ())
        # The last occurrence of a uid in a batch wins, as it would across batches.
        latest: dict[str, Question] = {}
        for q in questions:
            latest[q.uid] = q
        try:
            return self._upsert(latest)
        except _RECORD_ERRORS:
            # The transaction was rolled back: nothing of the batch is stored yet.
            return self._upsert_one_by_one(list(latest.values()))

    def _upsert_one_by_one(self, questions: list[Question]) -> BatchResult:
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        rejected: list[Rejection] = []
        for q in questions:
            try:
                result = self._upsert({q.uid: q})
            except _RECORD_ERRORS as exc:
                rejected.append(Rejection(q.source_name, _refusal(q, exc), q.uid))
                continue
            added.extend(result.added)
            updated.extend(result.updated)
            unchanged.extend(result.unchanged)
        return BatchResult(tuple(added), tuple(updated), tuple(unchanged), tuple(rejected))

    def _upsert(self, latest: dict[str, Question]) -> BatchResult:
        conn = self.db.conn
        uids = list(latest)
        existing: dict[str, str] = {}
        for chunk_start in range(0, len(uids), 900):
            chunk = uids[chunk_start : chunk_start + 900]
            marks = ",".join("?" * len(chunk))
            existing.update(
                conn.execute(f"SELECT uid, content_hash FROM questions WHERE uid IN ({marks})", chunk)
            )
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        rows: list[tuple[Any, ...]] = []
        sources: list[tuple[Any, ...]] = []
        now = time.time()
        for uid, q in latest.items():
            digest = content_hash(q)
            old = existing.get(uid)
            if old == digest:
                unchanged.append(uid)
                continue
            (added if old is None else updated).append(uid)
            rows.append(self._row(q, digest, now))
            # The original as given.  Only a JSON escape ("\ud800") can put a lone surrogate
            # there: written back as that very escape, the stored JSON still says the same.
            raw = q.source_raw.encode("utf-8", "backslashreplace")
            sources.append((uid, q.source_format, q.source_name, zlib.compress(raw, 1)))
        columns = (
            *QUESTION_COLUMNS,
            *(f"source_{n}" for n in _SOURCE_COPIES),
            "content_hash",
            "imported_at",
            "updated_at",
        )
        try:
            with conn:
                if rows:
                    marks = ",".join("?" * len(columns))
                    # imported_at survives an update: it says when the question first arrived.
                    conn.executemany(
                        f"INSERT INTO questions ({', '.join(f'[{c}]' for c in columns)}) VALUES ({marks}) "
                        "ON CONFLICT(uid) DO UPDATE SET "
                        + ", ".join(
                            f"[{c}] = excluded.[{c}]" for c in columns if c not in ("uid", "imported_at")
                        ),
                        rows,
                    )
                    conn.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", sources)
                    self._resolve(added + updated)
                    self._bump_version(now)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"Écriture impossible dans {self.path} : {exc}") from exc
        return BatchResult(tuple(added), tuple(updated), tuple(unchanged))

    @staticmethod
    def _row(q: Question, digest: str, now: float) -> tuple[Any, ...]:
        values: list[Any] = list(_row_values(q))  # one C call for every column
        if q.rubrique:
            # Its display form: one rubrique reads the same from every source (the digest, made
            # from what the source gave, and the sources table keep the source's form).
            values[_RUBRIQUE_POSITION] = rubrique_label(q.rubrique)
        for i in _TUPLE_POSITIONS:
            value = values[i]
            # Mostly empty: skip json.dumps for those ("[]" is what it gives).
            values[i] = json.dumps(list(value), ensure_ascii=False) if value else "[]"
        values.extend((digest, now, now))
        return tuple(values)

    @_guarded("Écriture")
    def upsert_reference(self, actors: Sequence[Actor], organes: Sequence[Organe]) -> list[str]:
        """Store AMO deputies and bodies, then re-resolve the questions they name.

        Returns the uids of the questions whose author, constituency or group changed.
        """
        conn = self.db.conn
        now = time.time()
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO actors VALUES (?, ?, ?, ?)",
                    [(a.uid, a.civility, a.first_name, a.last_name) for a in actors],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO mandates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            m.uid,
                            m.actor_ref,
                            m.type_organe,
                            m.legislature,
                            m.organe_ref,
                            m.departement,
                            m.num_departement,
                            m.num_circo,
                            m.start_date,
                            m.end_date,
                        )
                        for a in actors
                        for m in a.mandates
                    ],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO organes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            o.uid,
                            o.code_type,
                            o.label,
                            o.short_label,
                            o.abbrev,
                            o.start_date,
                            o.end_date,
                            o.legislature,
                        )
                        for o in organes
                    ],
                )
                affected = self._questions_referencing([a.uid for a in actors], [o.uid for o in organes])
                changed = self._resolve(affected)
                if changed:
                    self._bump_version(now)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"Écriture impossible dans {self.path} : {exc}") from exc
        return changed

    def _questions_referencing(self, actor_uids: list[str], organe_uids: list[str]) -> list[str]:
        conn = self.db.conn
        found: set[str] = set()
        for column, refs in (("author_ref", actor_uids), ("group_ref", organe_uids)):
            for start in range(0, len(refs), 900):
                chunk = refs[start : start + 900]
                marks = ",".join("?" * len(chunk))
                found.update(
                    r[0]
                    for r in conn.execute(f"SELECT uid FROM questions WHERE {column} IN ({marks})", chunk)
                )
        return sorted(found)

    def _resolve(self, uids: Iterable[str]) -> list[str]:
        """Recompute author, constituency and group from AMO data (or the source's own values).

        Runs inside the caller's transaction.  Returns the uids whose values changed.
        """
        conn = self.db.conn
        uid_list = list(uids)
        if not uid_list:
            return []
        changed: list[str] = []
        for start in range(0, len(uid_list), 900):
            chunk = uid_list[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"""
                SELECT q.uid, q.author, q.constituency, q."group", q.group_abbrev,
                       q.source_author, q.source_constituency, q.source_group, q.source_group_abbrev,
                       a.civility, a.first_name, a.last_name,
                       m.departement, m.num_circo,
                       (SELECT m2.departement || char(31) || coalesce(m2.num_circo, '')
                          FROM mandates m2
                         WHERE m2.actor_ref = q.author_ref AND m2.type_organe = 'ASSEMBLEE'
                           AND m2.legislature = q.legislature
                         ORDER BY m2.start_date DESC LIMIT 1),
                       o.label, o.abbrev
                  FROM questions q
                  LEFT JOIN actors a ON a.uid = q.author_ref
                  LEFT JOIN mandates m ON m.uid = q.mandate_ref
                  LEFT JOIN organes o ON o.uid = q.group_ref
                 WHERE q.uid IN ({marks})
                """,
                chunk,
            ).fetchall()
            updates: list[tuple[Any, ...]] = []
            for row in rows:
                (uid, author, constituency, group, group_abbrev, s_author, s_const, s_group, s_abbrev) = row[
                    :9
                ]
                civ, first, last, dep, circo, fallback, o_label, o_abbrev = row[9:]
                new_author = " ".join(p for p in (civ, first, last) if p) or s_author
                new_const = constituency_label(dep, circo)
                if new_const is None and fallback:
                    fdep, _, fcirco = fallback.partition("\x1f")
                    new_const = constituency_label(fdep, int(fcirco) if fcirco else None)
                new_const = new_const or s_const
                new_group = s_group or o_label
                new_abbrev = s_abbrev or o_abbrev
                if (new_author, new_const, new_group, new_abbrev) != (
                    author,
                    constituency,
                    group,
                    group_abbrev,
                ):
                    updates.append((new_author, new_const, new_group, new_abbrev, uid))
                    changed.append(uid)
            conn.executemany(
                'UPDATE questions SET author = ?, constituency = ?, "group" = ?, group_abbrev = ? WHERE uid = ?',
                updates,
            )
        return changed

    def _bump_version(self, now: float) -> None:
        _bump_version(self.db.conn, now)

    @_guarded("Lecture")
    def get_meta(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- reads ---------------------------------------------------------------

    @_guarded("Lecture")
    def state(self) -> CorpusState:
        """Count and last change, for the index to check itself against."""
        count = self.count()
        version = self.get_meta("data_version")
        last = self.get_meta("last_change")
        return CorpusState(count, int(version) if version else 0, float(last) if last else 0.0)

    @_guarded("Lecture")
    def count(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM questions").fetchone()[0])

    def _question(self, row: sqlite3.Row | tuple[Any, ...], names: Sequence[str], raw: str = "") -> Question:
        values: dict[str, Any] = {}
        for name, value in zip(names, row, strict=True):
            if name in _TUPLE_FIELDS:
                value = tuple(json.loads(value)) if value else ()
            values[name] = value
        values["source_raw"] = raw
        if values["rubrique"]:
            # Stored so since schema 3; a corpus on a read-only medium may be older.
            values["rubrique"] = rubrique_label(values["rubrique"])
        if values.get("source_format") is None:
            values["source_format"] = ""
        if values.get("source_name") is None:
            values["source_name"] = ""
        return Question(**values)

    @_guarded("Lecture")
    def get(self, uid: str, *, with_source: bool = False) -> Question | None:
        """One question by uid, or None."""
        row = self.db.conn.execute(
            f"SELECT {self.select_columns} FROM questions WHERE uid = ?", (uid,)
        ).fetchone()
        if row is None:
            return None
        raw = self.get_source(uid)[2] if with_source else ""
        return self._question(row, QUESTION_COLUMNS, raw)

    @_guarded("Lecture")
    def get_many(self, uids: Sequence[str]) -> dict[str, Question]:
        """Questions by uid (those that exist), without their raw source."""
        out: dict[str, Question] = {}
        for start in range(0, len(uids), 900):
            chunk = list(uids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for row in self.db.conn.execute(
                f"SELECT {self.select_columns} FROM questions WHERE uid IN ({marks})", chunk
            ):
                q = self._question(row, QUESTION_COLUMNS)
                out[q.uid] = q
        return out

    @_guarded("Lecture")
    def facts(self, uids: Iterable[str]) -> dict[str, QuestionFacts]:
        """The facts of the questions that exist among ``uids`` (no texts: fast for thousands)."""
        wanted = list(dict.fromkeys(uids))
        out: dict[str, QuestionFacts] = {}
        select = ", ".join(f"[{c}]" for c in _FACT_COLUMNS)
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.db.conn.execute(f"SELECT {select} FROM questions WHERE uid IN ({marks})", chunk):
                out[row[0]] = QuestionFacts(*row)
        return out

    @_guarded("Lecture")
    def get_source(self, uid: str) -> tuple[str, str, str]:
        """(format, source name, original text) of a stored question."""
        row = self.db.conn.execute("SELECT format, name, raw FROM sources WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            raise KeyError(uid)
        return row[0], row[1], zlib.decompress(row[2]).decode("utf-8")

    def iter_batches(
        self, batch_size: int = 1000, columns: Sequence[str] | None = None
    ) -> Iterator[list[Question]]:
        """Every question, in uid order, a batch at a time (for reindexing)."""
        last = ""
        select = self.select_columns
        while True:
            try:
                rows = self.db.conn.execute(
                    f"SELECT {select} FROM questions WHERE uid > ? ORDER BY uid LIMIT ?", (last, batch_size)
                ).fetchall()
            except sqlite3.Error as exc:
                raise self.store_error(exc, "Lecture") from exc
            if not rows:
                return
            batch = [self._question(r, QUESTION_COLUMNS) for r in rows]
            yield batch
            last = batch[-1].uid

    @_guarded("Lecture")
    def all_uids(self) -> list[str]:
        return [r[0] for r in self.db.conn.execute("SELECT uid FROM questions ORDER BY uid")]

    @_guarded("Lecture")
    def find_uids(self, ref: str) -> list[str]:
        """Uids matching a reference: a uid, ``13-101851QE``, ``13-101851`` or a bare number."""
        parsed = parse_reference(ref)
        if parsed is None:
            return []
        sql = "SELECT uid FROM questions WHERE number = ?"
        args: list[Any] = [parsed.number]
        if parsed.legislature is not None:
            sql += " AND legislature = ?"
            args.append(parsed.legislature)
        if parsed.type is not None:
            sql += " AND type = ?"
            args.append(parsed.type)
        sql += " ORDER BY legislature DESC, type"
        return [r[0] for r in self.db.conn.execute(sql, args)]

    @_guarded("Lecture")
    def status_counts(self) -> list[dict[str, Any]]:
        """Counts by legislature, type and status."""
        rows = self.db.conn.execute(
            "SELECT legislature, type, status, count(*) FROM questions "
            "GROUP BY legislature, type, status ORDER BY legislature, type, status"
        )
        return [{"legislature": r[0], "type": r[1], "status": r[2], "count": r[3]} for r in rows]

    @_guarded("Lecture")
    def reference_counts(self) -> dict[str, int]:
        conn = self.db.conn
        return {
            "acteurs": int(conn.execute("SELECT count(*) FROM actors").fetchone()[0]),
            "organes": int(conn.execute("SELECT count(*) FROM organes").fetchone()[0]),
        }
