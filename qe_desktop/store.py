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
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils

from qe_desktop.folder import reimport_advice
from qe_desktop.model import QUESTION_FIELDS, RECORD_KEYS, Actor, Organe, Question
from qe_desktop.paths import DataPaths
from qe_desktop.references import parse_reference

SCHEMA_VERSION = 1

#: Columns of the questions table, in order (the Question fields but the raw source).
QUESTION_COLUMNS: tuple[str, ...] = tuple(f for f in QUESTION_FIELDS if f != "source_raw")
_TUPLE_FIELDS = frozenset({"renewal_dates", "errata"})
_INT_FIELDS = frozenset({"legislature", "number", "question_page", "answer_page"})

# Resolved columns (author, constituency, group) are overwritten from AMO data;
# the values the source itself gave are kept beside them so that a new AMO
# import, or its absence, can always be recomputed.
_SOURCE_COPIES = ("author", "constituency", "group", "group_abbrev")


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
                raise self._failed(exc, doing) from exc

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
    """Which uids one upsert batch added, updated or left unchanged."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


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
    # The same payload as question.record(), built without dataclasses.asdict():
    # its recursive deep copy was the largest cost of an import (digests unchanged).
    payload: dict[str, Any] = {}
    for key in RECORD_KEYS:
        value = getattr(question, key)
        payload[key] = list(value) if isinstance(value, tuple) else value
    payload["mandate_ref"] = question.mandate_ref
    payload["group_ref"] = question.group_ref
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


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


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migrate_1,)


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

    def _failed(self, exc: sqlite3.Error, doing: str) -> StoreError:
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
        """Store a batch in one transaction: insert new uids, replace changed ones."""
        if not questions:
            return BatchResult((), (), ())
        conn = self.db.conn
        # The last occurrence of a uid in a batch wins, as it would across batches.
        latest: dict[str, Question] = {}
        for q in questions:
            latest[q.uid] = q
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
            sources.append(
                (uid, q.source_format, q.source_name, zlib.compress(q.source_raw.encode("utf-8"), 1))
            )
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
        values: list[Any] = []
        for name in QUESTION_COLUMNS:
            value = getattr(q, name)
            if name in _TUPLE_FIELDS:
                # Mostly empty: skip json.dumps for those ("[]" is what it gives).
                value = json.dumps(list(value), ensure_ascii=False) if value else "[]"
            values.append(value)
        values.extend(getattr(q, n) for n in _SOURCE_COPIES)
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
        conn = self.db.conn
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('data_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('last_change', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (repr(now),),
        )

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
        if values.get("source_format") is None:
            values["source_format"] = ""
        if values.get("source_name") is None:
            values["source_name"] = ""
        return Question(**values)

    def _select(self) -> str:
        return ", ".join(f"[{c}]" for c in QUESTION_COLUMNS)

    @_guarded("Lecture")
    def get(self, uid: str, *, with_source: bool = False) -> Question | None:
        """One question by uid, or None."""
        row = self.db.conn.execute(f"SELECT {self._select()} FROM questions WHERE uid = ?", (uid,)).fetchone()
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
                f"SELECT {self._select()} FROM questions WHERE uid IN ({marks})", chunk
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
        select = self._select()
        while True:
            try:
                rows = self.db.conn.execute(
                    f"SELECT {select} FROM questions WHERE uid > ? ORDER BY uid LIMIT ?", (last, batch_size)
                ).fetchall()
            except sqlite3.Error as exc:
                raise self._failed(exc, "Lecture") from exc
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
