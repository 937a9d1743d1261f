"""The user's database, ``user.sqlite``: annotations, tags, dossiers, saved searches, colours.

Apart from the corpus: imports, re-imports, a deleted ``corpus.sqlite`` or a
rebuilt index never touch it.  WAL with ``synchronous = FULL``: every edit is
committed when it is made and survives a power cut once acknowledged.  The
schema is migrated by ``PRAGMA user_version``; a database written by a newer
version is refused, never overwritten.

:meth:`UserStore.open` checks the database (``PRAGMA integrity_check``) before
use.  A damaged one is set aside (renamed, never deleted) and the latest good
copy of ``sauvegardes/`` restored, with a French :attr:`UserStore.notice`
saying so and what was restored.  A copy is made at each opening (when the
database changed since the last one) and by :meth:`UserStore.backup_if_due`
after an hour of work; the last five are kept.

Every edit goes through :meth:`UserStore.apply` (see ``edits.py``); reads are
plain methods.  One writer per process (the window's writer thread); readers
open their own UserStore.  The corpus is read, never written: the filters that
need it (legislature, rubrique, ministry) and the sort by question read its
:class:`~qe_desktop.store.QuestionFacts`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

from qe_desktop.annotations import backup
from qe_desktop.annotations.anchoring import place_all
from qe_desktop.annotations.edits import (
    AddToDossier,
    Applied,
    DeleteAnnotation,
    DeleteDossier,
    DeleteSavedSearch,
    Edit,
    EditAnnotation,
    MarkSearchOpened,
    MoveInDossier,
    PutAnnotation,
    PutDossier,
    PutSavedSearch,
    RemoveFromDossier,
    RenameColour,
    SetDossierOrder,
    SetSavedSearchOrder,
    new_id,
    now_iso,
)
from qe_desktop.model import (
    COLOURS,
    SORT_ORDERS,
    Annotation,
    ColourMeaning,
    Dossier,
    PlacedAnnotation,
    PlacementState,
    Question,
    SavedSearch,
    SortOrder,
    TextAnchor,
    UserChanges,
)
from qe_desktop.paths import DataPaths
from qe_desktop.search.analysis import fold, stemmed_terms
from qe_desktop.store import CorpusStore, QuestionFacts

SCHEMA_VERSION = 1

DEFAULT_COLOURS: tuple[str, ...] = (
    "Engagement du ministre",
    "Chiffre / donnée",
    "À vérifier",
    "Citation utile",
    "Contexte",
)


class UserStoreError(Exception):
    """A known problem with the user's database (French message naming the file and what to do)."""


def _migrate_1(conn: sqlite3.Connection) -> None:
    # One statement at a time: executescript() would commit the migration's transaction first.
    script = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- seq: the rowid, shared with the tags and the word index, id: the stable id.
        -- placed_*: where the annotation landed when last checked against its question's
        -- text (corpus content_hash placed_version), for the orphans filter.
        CREATE TABLE annotations (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            question_uid TEXT NOT NULL,
            pane TEXT CHECK (pane IN ('question', 'answer')),
            exact TEXT,
            prefix TEXT,
            suffix TEXT,
            start INTEGER,
            "end" INTEGER,
            text_hash TEXT,
            colour INTEGER CHECK (colour BETWEEN 1 AND 5),
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            modified TEXT NOT NULL,
            placed_state TEXT NOT NULL DEFAULT 'exact',
            placed_start INTEGER,
            placed_end INTEGER,
            placed_version TEXT,
            CHECK ((pane IS NULL) = (exact IS NULL))
        );
        CREATE INDEX annotations_question ON annotations(question_uid, pane, start);
        CREATE INDEX annotations_modified ON annotations(modified);
        CREATE TABLE annotation_tags (
            annotation_seq INTEGER NOT NULL REFERENCES annotations(seq) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            tag TEXT NOT NULL,
            folded TEXT NOT NULL,
            PRIMARY KEY (annotation_seq, position)
        ) WITHOUT ROWID;
        CREATE INDEX annotation_tags_folded ON annotation_tags(folded);
        -- The stemmed words of each note and quote (rowid = annotations.seq), searched
        -- with the corpus search's French folding and stemming.
        CREATE VIRTUAL TABLE annotation_terms USING fts5(terms);
        CREATE TABLE colours (
            number INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 5),
            meaning TEXT NOT NULL
        );
        CREATE TABLE dossiers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            folded_name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE TABLE dossier_items (
            dossier_id TEXT NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
            question_uid TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (dossier_id, question_uid)
        );
        CREATE INDEX dossier_items_question ON dossier_items(question_uid);
        CREATE TABLE saved_searches (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            folded_name TEXT NOT NULL UNIQUE,
            query TEXT NOT NULL,
            filters TEXT NOT NULL DEFAULT '[]',
            sort TEXT NOT NULL DEFAULT 'pertinence',
            position INTEGER NOT NULL,
            created TEXT NOT NULL,
            last_opened REAL
        );
        """
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany(
        "INSERT INTO colours(number, meaning) VALUES (?, ?)", list(enumerate(DEFAULT_COLOURS, start=1))
    )
    conn.execute("INSERT INTO meta(key, value) VALUES ('revision', '0')")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_1,)


# -- what readers get -------------------------------------------------------------------

AnnotationSort = Literal["date", "question"]


@dataclass(frozen=True, slots=True)
class AnnotationQuery:
    """A filter of the annotations panel: OR within a field, AND across fields.

    ``tags``, ``rubriques`` and ``ministries`` compare folded (``sante`` = ``Santé``);
    a ministry matches the ministry asked or the one that answered.  ``words``: every
    word must be in the note or the quote, with the corpus search's folding and
    stemming (« hopital » finds « hôpitaux »; ``mot*`` for a prefix).  ``states``:
    e.g. ``("orphan",)`` for the orphans.  ``sort``: ``date`` (last modified first) or
    ``question`` (legislature, type, number, then place in the text).
    """

    colours: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    dossiers: tuple[str, ...] = ()
    legislatures: tuple[int, ...] = ()
    rubriques: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()
    words: str = ""
    states: tuple[PlacementState, ...] = ()
    questions: tuple[str, ...] = ()
    sort: AnnotationSort = "date"


@dataclass(frozen=True, slots=True)
class QuestionMarks:
    """What the results list shows of one question: its annotations and its dossiers."""

    uid: str
    annotations: int
    colours: tuple[int, ...]
    dossiers: tuple[tuple[str, str], ...]  # (id, name), in the dossiers' order


@dataclass(frozen=True, slots=True)
class SearchNews:
    """What is new for a saved search since it was last opened."""

    since: float | None
    new: tuple[str, ...]
    newly_answered: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.new) + len(self.newly_answered)

    def label(self) -> str:
        """« 3 nouvelles réponses, 1 nouvelle question », or '' when nothing is new."""
        parts = []
        if self.newly_answered:
            n = len(self.newly_answered)
            parts.append("1 nouvelle réponse" if n == 1 else f"{n} nouvelles réponses")
        if self.new:
            n = len(self.new)
            parts.append("1 nouvelle question" if n == 1 else f"{n} nouvelles questions")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Conflict:
    """One item both here and in an imported file, different: the most recent was kept."""

    kind: Literal["annotation", "dossier"]
    id: str
    kept: Literal["fichier", "local"]
    local_modified: str
    file_modified: str


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What an import of annotations and dossiers did (see :meth:`UserStore.merge`)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: int = 0
    dossiers_added: tuple[str, ...] = ()
    dossiers_updated: tuple[str, ...] = ()
    dossiers_unchanged: int = 0
    renamed: tuple[tuple[str, str], ...] = ()  # (name in the file, name given here)
    conflicts: tuple[Conflict, ...] = ()
    changes: UserChanges = field(default_factory=UserChanges)

    def lines(self) -> list[str]:
        """The report in French."""
        out = [
            f"Annotations : {len(self.added)} ajoutées, {len(self.updated)} mises à jour, "
            f"{self.unchanged} déjà présentes",
            f"Dossiers : {len(self.dossiers_added)} ajoutés, {len(self.dossiers_updated)} mis à jour, "
            f"{self.dossiers_unchanged} déjà présents",
        ]
        for before, after in self.renamed:
            out.append(f"  dossier « {before} » importé sous le nom « {after} » (ce nom était déjà pris)")
        if self.conflicts:
            out.append(f"Conflits : {len(self.conflicts)} (la version la plus récente est gardée)")
            for c in self.conflicts:
                what = "annotation" if c.kind == "annotation" else "dossier"
                if c.kept == "fichier":
                    kept = f"version du fichier gardée (modifiée le {c.file_modified}, ici le {c.local_modified})"
                else:
                    kept = f"version d'ici gardée (modifiée le {c.local_modified}, dans le fichier le {c.file_modified})"
                out.append(f"  {what} {c.id} : {kept}")
        return out


# -- errors ------------------------------------------------------------------------------


def _error(path: Path, exc: sqlite3.Error, doing: str) -> UserStoreError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return UserStoreError(
            f"{doing} impossible : le disque est plein ({path}). Libérez de la place : "
            "la dernière modification n'a pas été enregistrée."
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return UserStoreError(
            f"{doing} impossible : vos annotations (« {path} ») sont en lecture seule. "
            "Rendez le dossier de données modifiable, ou copiez-le ailleurs (--data-dir)."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return UserStoreError(
            f"{doing} impossible : la base de vos annotations « {path} » est occupée par un autre "
            "programme. Réessayez dans un instant."
        )
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text or "not a database" in text:
        return UserStoreError(
            f"La base de vos annotations « {path} » est endommagée ({text}). Fermez QE Desktop et "
            "rouvrez-le : elle sera mise de côté et la dernière sauvegarde restaurée."
        )
    return UserStoreError(f"{doing} impossible dans la base de vos annotations « {path} » : {text}")


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reading(
    method: Callable[Concatenate[UserStore, _P], _R],
) -> Callable[Concatenate[UserStore, _P], _R]:
    """What SQLite raises while reading, as a UserStoreError."""

    @functools.wraps(method)
    def guarded(self: UserStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise _error(self.path, exc, "Lecture") from exc

    return guarded


# -- the store --------------------------------------------------------------------------

_ANNOTATION_COLUMNS = (
    'a.seq, a.id, a.question_uid, a.pane, a.exact, a.prefix, a.suffix, a.start, a."end", a.text_hash, '
    "a.colour, a.note, a.created, a.modified"
)


def _writable(path: Path) -> bool:
    """Whether a writer can work on ``path`` (its folder and the file itself can be written)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, inner spaces collapsed, empty ones and repeats (folded) dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        tag = " ".join(tag.split())
        key = fold(tag)
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return tuple(out)


def _terms(note: str, exact: str | None) -> str:
    return " ".join(stemmed_terms(note) + (stemmed_terms(exact) if exact else []))


def _match_expression(words: str) -> str | None:
    """The FTS5 expression for words typed in the panel (None: no word to look for)."""
    parts: list[str] = []
    for raw in words.split():
        prefix = raw.endswith("*")
        raw = raw.rstrip("*")
        if prefix:
            folded = fold(raw).replace("'", " ").split()
            parts.extend(f'"{w.replace(chr(34), "")}"*' for w in folded[-1:] if w)
            continue
        parts.extend(f'"{t.replace(chr(34), "")}"' for t in stemmed_terms(raw))
    parts = [p for p in parts if p.strip('"*')]
    return " ".join(parts) if parts else None


class UserStore:
    """One connection to ``user.sqlite`` (:meth:`open` is the way in; it checks and backs up)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open ``path`` (created and migrated unless ``readonly``); no check, no copy.

        A ``readonly`` store whose file does not exist reads as empty.
        """
        self.path = path
        self.readonly = readonly
        #: What the user must be told about this database (a restored copy), French, or None.
        self.notice: str | None = None
        self.backups_dir = path.parent / "sauvegardes"
        self._last_copy_at = time.monotonic()
        self._copied_revision: int | None = None
        try:
            if readonly:
                self.conn = self._connect_readonly(path)
            else:
                self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                self.conn.execute("PRAGMA busy_timeout = 10000")
                self._refuse_newer()  # before WAL mode, which writes into the file's header
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise _error(path, exc, "Ouverture") from exc

    @staticmethod
    def _connect_readonly(path: Path) -> sqlite3.Connection:
        if not path.exists():
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            return conn  # migrated to an empty schema below: reads find nothing
        conn = sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
        )
        # The writer may hold its lock a moment (creating the file, switching it to WAL).
        conn.execute("PRAGMA busy_timeout = 2000")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if _writable(path):
                # Not a read-only medium: a lock held longer than the wait; never read the file
                # raw (immutable) under a writer, it may be half-checkpointed.
                raise
            # WAL on a read-only medium: its -shm cannot be created; nothing can write there.
            return sqlite3.connect(
                f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False, isolation_level=None
            )

    @classmethod
    def open(cls, paths: DataPaths, *, readonly: bool = False, make_copy: bool = True) -> UserStore:
        """Open the user's database of a data folder: checked, restored if damaged, backed up.

        ``readonly`` (a read-only data folder): opened read-only; a damaged one is an
        error (it cannot be set aside there).  Raises UserStoreError.
        """
        path = paths.user_db
        if readonly:
            if path.exists():
                problem = cls._problem(path)
                if problem:
                    raise UserStoreError(
                        f"La base de vos annotations « {path} » est endommagée ({problem}) et le dossier "
                        "de données est en lecture seule : rien n'a été changé. Copiez le dossier ailleurs "
                        "(--data-dir) pour que la dernière sauvegarde soit restaurée."
                    )
            return cls(path, readonly=True)
        notice = cls._recover(paths)
        store = cls(path)
        store.backups_dir = paths.backups_dir
        store.notice = notice
        if make_copy:
            with contextlib.suppress(UserStoreError):
                # A failed copy must not stop the work; backup_if_due says it next time.
                store.backup_now()
        return store

    @staticmethod
    def _recover(paths: DataPaths) -> str | None:
        """Set a damaged (or vanished) database aside and restore the latest good copy; what to say."""
        path = paths.user_db
        folder = paths.backups_dir
        if path.exists():
            problem = UserStore._problem(path)
            if problem is None:
                return None
            try:
                aside = backup.set_aside(path, "endommagee")
            except OSError as exc:
                raise UserStoreError(
                    f"La base de vos annotations « {path} » est endommagée ({problem}) et ne peut pas être "
                    f"mise de côté ({exc.strerror or exc}). Rien n'a été changé."
                ) from exc
            head = (
                f"La base de vos annotations était endommagée ({problem}) : elle a été mise de côté sous "
                f"« {aside.name} » (rien n'a été supprimé). "
            )
        else:
            existing = backup.copies(folder)
            if not existing:
                return None  # a new data folder
            head = (
                f"La base de vos annotations « {path.name} » a disparu du dossier de données alors que des "
                "sauvegardes existent. "
            )
        good = backup.latest_good(folder)
        if good is None:
            return head + (
                f"Aucune sauvegarde utilisable dans « {folder} » : une base vide a été créée à sa place."
            )
        try:
            backup.restore(good.path, path)
        except (OSError, sqlite3.Error) as exc:
            raise UserStoreError(
                f"{head}La sauvegarde « {good.path} » n'a pas pu être restaurée ({exc})."
            ) from exc
        counts = UserStore._counts(path)
        return head + (
            f"La sauvegarde {good.describe()} a été restaurée ({counts}) ; "
            "ce qui avait été fait après elle n'y est pas."
        )

    @staticmethod
    def _problem(path: Path) -> str | None:
        try:
            return backup.integrity_problem(path)
        except sqlite3.Error as exc:
            raise _error(path, exc, "Ouverture") from exc

    @staticmethod
    def _counts(path: Path) -> str:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            a, d, s = (
                int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("annotations", "dossiers", "saved_searches")
            )
        except sqlite3.Error:
            return "contenu illisible"
        finally:
            conn.close()
        return (
            f"{a} annotation{'s' if a > 1 else ''}, {d} dossier{'s' if d > 1 else ''}, "
            f"{s} recherche{'s' if s > 1 else ''} enregistrée{'s' if s > 1 else ''}"
        )

    def _refuse_newer(self) -> int:
        """The schema version; a newer one than this version knows is refused, the file untouched."""
        conn = self.conn
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserStoreError(
                f"La base de vos annotations « {self.path} » a été écrite par une version plus récente de "
                f"QE Desktop (schéma {version}, cette version connaît le schéma {SCHEMA_VERSION}) : elle "
                "n'a pas été modifiée. Utilisez la version plus récente."
            )
        return version

    def _migrate(self, *, in_memory: bool = False) -> None:
        conn = self.conn
        version = self._refuse_newer()
        if version == SCHEMA_VERSION:
            return
        if self.readonly and not in_memory and self.path.exists():
            empty = version == 0 and not conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
            if not empty and self._refuse_newer() == SCHEMA_VERSION:
                # The writer created it between the two reads above (each its own snapshot).
                return
            if empty or _writable(self.path):
                # An empty file in a read-only folder, or one that the window's writer is creating
                # or migrating right now: read as empty (a reader looks again next time).
                conn.close()
                self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
                self._migrate(in_memory=True)
                return
            raise UserStoreError(
                f"La base de vos annotations « {self.path} » doit être mise à jour, mais le dossier de "
                "données est en lecture seule."
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[number - 1](conn)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self, doing: str, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction (IMMEDIATE: the write lock is taken before anything is read)."""
        if self.readonly:
            raise UserStoreError(
                f"{doing} impossible : le dossier de données est en lecture seule. Vos annotations, "
                "dossiers et recherches enregistrées peuvent être consultés, pas modifiés."
            )
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _error(self.path, exc, doing) from exc
        try:
            yield conn
            if bump:
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise _error(self.path, exc, doing) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    # -- backups ------------------------------------------------------------------------

    @_reading
    def revision(self) -> int:
        """A number that grows with every change (what a backup copy is of)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def backup_now(self, *, force: bool = False) -> Path | None:
        """Copy the database into ``sauvegardes/`` unless the newest copy is of this same revision.

        Returns the copy made, or None.  Raises UserStoreError (French) when it cannot be made.
        """
        if self.readonly:
            return None
        revision = self.revision()
        newest = backup.copies(self.backups_dir)
        if not force and newest and newest[-1].revision == revision:
            self._copied_revision = revision
            self._last_copy_at = time.monotonic()
            return None
        try:
            copy = backup.make_copy(self.conn, self.backups_dir, revision)
        except (OSError, sqlite3.Error) as exc:
            raise UserStoreError(
                f"La sauvegarde de vos annotations dans « {self.backups_dir} » a échoué ({exc}). "
                "Vos annotations sont toujours enregistrées ; libérez de la place ou vérifiez les droits "
                "du dossier."
            ) from exc
        self._copied_revision = revision
        self._last_copy_at = time.monotonic()
        return copy.path

    def backup_if_due(self, *, interval: float = backup.INTERVAL, now: float | None = None) -> Path | None:
        """A copy when ``interval`` seconds have passed since the last one and something changed.

        The window calls it from its writer now and then (e.g. every few minutes).
        """
        if self.readonly:
            return None
        moment = time.monotonic() if now is None else now
        if moment - self._last_copy_at < interval:
            return None
        if self.revision() == self._copied_revision:
            self._last_copy_at = moment
            return None
        path = self.backup_now()
        self._last_copy_at = moment
        return path

    # -- reads: annotations ------------------------------------------------------------

    def _tags_of(self, seqs: Sequence[int]) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for start in range(0, len(seqs), 900):
            chunk = list(seqs[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for seq, tag in self.conn.execute(
                f"SELECT annotation_seq, tag FROM annotation_tags WHERE annotation_seq IN ({marks}) "
                "ORDER BY annotation_seq, position",
                chunk,
            ):
                out.setdefault(seq, []).append(tag)
        return {seq: tuple(tags) for seq, tags in out.items()}

    def _annotations(self, where: str, args: Sequence[Any], order: str = "") -> list[Annotation]:
        rows = self.conn.execute(
            f"SELECT {_ANNOTATION_COLUMNS} FROM annotations a {where} {order}", args
        ).fetchall()
        tags = self._tags_of([r[0] for r in rows])
        return [self._annotation(r, tags.get(r[0], ())) for r in rows]

    @staticmethod
    def _annotation(row: Sequence[Any], tags: tuple[str, ...]) -> Annotation:
        _, aid, uid, pane, exact, prefix, suffix, start, end, digest, colour, note, created, modified = row
        anchor = None
        if pane is not None:
            anchor = TextAnchor(pane, exact, prefix or "", suffix or "", start, end, digest or "")
        return Annotation(aid, uid, anchor, colour, note, tags, created, modified)

    @_reading
    def annotation(self, annotation_id: str) -> Annotation | None:
        found = self._annotations("WHERE a.id = ?", (annotation_id,))
        return found[0] if found else None

    @_reading
    def get_annotations(self, ids: Sequence[str]) -> dict[str, Annotation]:
        """Annotations by id (those that exist): what the panel's model fetches for the rows it shows."""
        out: dict[str, Annotation] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for a in self._annotations(f"WHERE a.id IN ({marks})", chunk):
                out[a.id] = a
        return out

    @_reading
    def annotations_for(self, question_uid: str) -> list[Annotation]:
        """The annotations of one question: notes on the whole question first, then in text order."""
        return self._annotations(
            "WHERE a.question_uid = ?",
            (question_uid,),
            "ORDER BY a.pane IS NOT NULL, a.pane = 'answer', a.start, a.created",
        )

    def placed_for(self, question_uid: str, question: Question | None) -> list[PlacedAnnotation]:
        """The annotations of one question placed on its current text (``question`` None: not in the
        corpus).  Computed, not stored: what the reader draws when it opens a question."""
        return place_all(self.annotations_for(question_uid), question)

    @_reading
    def annotation_ids(self) -> list[str]:
        """Every annotation id, in the order they were first stored."""
        return [r[0] for r in self.conn.execute("SELECT id FROM annotations ORDER BY seq")]

    @_reading
    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM annotations").fetchone()[0])

    @_reading
    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use with its number of annotations, most used first (for completion)."""
        rows = self.conn.execute(
            "SELECT min(tag), count(*) FROM annotation_tags GROUP BY folded ORDER BY count(*) DESC, folded"
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    @_reading
    def colours(self) -> tuple[ColourMeaning, ...]:
        rows = self.conn.execute("SELECT number, meaning FROM colours ORDER BY number")
        return tuple(ColourMeaning(int(n), str(m)) for n, m in rows)

    @_reading
    def annotated_uids(self) -> set[str]:
        """The questions that carry at least one annotation (the search's « Annotées » filter)."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT question_uid FROM annotations")}

    @_reading
    def marks(self, uids: Sequence[str]) -> dict[str, QuestionMarks]:
        """For the results list: each of ``uids`` that has annotations or is in a dossier."""
        counts: dict[str, tuple[int, set[int]]] = {}
        dossiers: dict[str, list[tuple[str, str]]] = {}
        for start in range(0, len(uids), 900):
            chunk = list(uids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for uid, colour, n in self.conn.execute(
                f"SELECT question_uid, colour, count(*) FROM annotations WHERE question_uid IN ({marks}) "
                "GROUP BY question_uid, colour",
                chunk,
            ):
                total, colours = counts.get(uid, (0, set()))
                if colour is not None:
                    colours.add(int(colour))
                counts[uid] = (total + int(n), colours)
            for uid, did, name in self.conn.execute(
                f"SELECT i.question_uid, d.id, d.name FROM dossier_items i JOIN dossiers d ON d.id = i.dossier_id "
                f"WHERE i.question_uid IN ({marks}) ORDER BY d.position, d.name",
                chunk,
            ):
                dossiers.setdefault(uid, []).append((did, name))
        out: dict[str, QuestionMarks] = {}
        for uid in dict.fromkeys(uids):
            if uid in counts or uid in dossiers:
                total, colours = counts.get(uid, (0, set()))
                out[uid] = QuestionMarks(uid, total, tuple(sorted(colours)), tuple(dossiers.get(uid, ())))
        return out

    @_reading
    def find(self, query: AnnotationQuery, corpus: CorpusStore | None = None) -> list[str]:
        """The ids of the annotations ``query`` keeps, in its order.

        ``corpus`` is read (never written) for the legislature, rubrique and ministry
        filters and the sort by question; without it, those filters keep nothing.
        """
        clauses: list[str] = []
        args: list[Any] = []

        def within(column: str, values: Sequence[Any]) -> None:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            args.extend(values)

        if query.colours:
            within("a.colour", query.colours)
        if query.states:
            within("a.placed_state", query.states)
        if query.questions:
            within("a.question_uid", query.questions)
        if query.tags:
            folded = [fold(" ".join(t.split())) for t in query.tags]
            clauses.append(
                f"a.seq IN (SELECT annotation_seq FROM annotation_tags WHERE folded IN ({','.join('?' * len(folded))}))"
            )
            args.extend(folded)
        if query.dossiers:
            clauses.append(
                "a.question_uid IN (SELECT question_uid FROM dossier_items WHERE dossier_id IN "
                f"({','.join('?' * len(query.dossiers))}))"
            )
            args.extend(query.dossiers)
        expression = _match_expression(query.words) if query.words.strip() else None
        if expression:
            clauses.append("a.seq IN (SELECT rowid FROM annotation_terms WHERE annotation_terms MATCH ?)")
            args.append(expression)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        order = "ORDER BY a.modified DESC, a.seq DESC" if query.sort == "date" else ""
        rows = self.conn.execute(
            f"SELECT a.id, a.question_uid, a.modified, a.pane, a.start FROM annotations a {where} {order}",
            args,
        ).fetchall()
        needs_corpus = (
            bool(query.legislatures or query.rubriques or query.ministries) or query.sort == "question"
        )
        if not needs_corpus:
            return [r[0] for r in rows]
        uids = list(dict.fromkeys(r[1] for r in rows))
        facts = corpus.facts(uids) if corpus is not None else {}
        if query.legislatures or query.rubriques or query.ministries:
            # Decided once per question, not once per annotation.
            keep = _FactsFilter(query)
            kept = {uid for uid in uids if keep(facts.get(uid))}
            rows = [r for r in rows if r[1] in kept]
        if query.sort == "question":
            # One integer key per annotation: question rank, then pane, then place in the text
            # (tuples of strings compared 20,000 times cost more than the query itself).
            ranked = sorted(uids, key=lambda uid: _question_key(facts.get(uid), uid))
            rank = {uid: i for i, uid in enumerate(ranked)}
            pane_rank = {None: 0, "question": 1, "answer": 2}
            rows.sort(key=lambda r: ((rank[r[1]] * 4 + pane_rank.get(r[3], 3)) << 32) + max(0, r[4] or 0))
        return [r[0] for r in rows]

    # -- reads: dossiers and saved searches --------------------------------------------

    @_reading
    def dossiers(self) -> list[Dossier]:
        """Every dossier, in the user's order, with its items."""
        items: dict[str, list[str]] = {}
        for did, uid in self.conn.execute(
            "SELECT dossier_id, question_uid FROM dossier_items ORDER BY dossier_id, position"
        ):
            items.setdefault(did, []).append(uid)
        rows = self.conn.execute(
            "SELECT id, name, description, position, created, modified FROM dossiers ORDER BY position, folded_name"
        )
        return [Dossier(r[0], r[1], r[2], tuple(items.get(r[0], ())), int(r[3]), r[4], r[5]) for r in rows]

    @_reading
    def dossier(self, dossier_id: str) -> Dossier | None:
        row = self.conn.execute(
            "SELECT id, name, description, position, created, modified FROM dossiers WHERE id = ?",
            (dossier_id,),
        ).fetchone()
        if row is None:
            return None
        items = tuple(
            r[0]
            for r in self.conn.execute(
                "SELECT question_uid FROM dossier_items WHERE dossier_id = ? ORDER BY position", (dossier_id,)
            )
        )
        return Dossier(row[0], row[1], row[2], items, int(row[3]), row[4], row[5])

    @_reading
    def dossier_named(self, name: str) -> Dossier | None:
        """The dossier of that name (capitals and accents ignored), or None."""
        row = self.conn.execute(
            "SELECT id FROM dossiers WHERE folded_name = ?", (_folded_name(name),)
        ).fetchone()
        return None if row is None else self.dossier(row[0])

    def new_dossier(self, name: str, description: str = "") -> Dossier:
        """A dossier to create with :class:`PutDossier` (a new id, after the others); not stored yet."""
        position = self._next_position("dossiers")
        now = now_iso()
        return Dossier(new_id(), " ".join(name.split()), description.strip(), (), position, now, now)

    @_reading
    def _next_position(self, table: str) -> int:
        row = self.conn.execute(f"SELECT coalesce(max(position), -1) + 1 FROM {table}").fetchone()
        return int(row[0])

    @_reading
    def saved_searches(self) -> list[SavedSearch]:
        rows = self.conn.execute(
            "SELECT id, name, query, filters, sort, position, created, last_opened FROM saved_searches "
            "ORDER BY position, folded_name"
        )
        return [self._saved(r) for r in rows]

    @_reading
    def saved_search(self, search_id: str) -> SavedSearch | None:
        row = self.conn.execute(
            "SELECT id, name, query, filters, sort, position, created, last_opened FROM saved_searches WHERE id = ?",
            (search_id,),
        ).fetchone()
        return None if row is None else self._saved(row)

    @staticmethod
    def _saved(row: Sequence[Any]) -> SavedSearch:
        filters = tuple((str(k), str(v)) for k, v in json.loads(row[3]))
        sort: SortOrder = next((o for o in SORT_ORDERS if o == row[4]), "pertinence")
        return SavedSearch(row[0], row[1], row[2], filters, sort, int(row[5]), row[6], row[7])

    def new_saved_search(
        self, name: str, query: str, filters: tuple[tuple[str, str], ...] = (), sort: SortOrder = "pertinence"
    ) -> SavedSearch:
        """A saved search to store with :class:`PutSavedSearch` (new id, last in the list)."""
        return SavedSearch(
            new_id(),
            " ".join(name.split()),
            query,
            filters,
            sort,
            self._next_position("saved_searches"),
            now_iso(),
            time.time(),
        )

    def search_news(self, search: SavedSearch, uids: Sequence[str], corpus: CorpusStore) -> SearchNews:
        """What is new among ``uids`` (the search's current results) since it was last opened.

        New: imported into the corpus after that; newly answered: in the corpus
        before, updated since and now answered.  (An answered question updated for
        another reason, e.g. an erratum, also counts as newly answered.)
        """
        since = search.last_opened
        if since is None:
            return SearchNews(None, (), ())
        new: list[str] = []
        answered: list[str] = []
        for uid, facts in corpus.facts(uids).items():
            if facts.imported_at > since:
                new.append(uid)
            elif facts.updated_at > since and facts.status == "answered":
                answered.append(uid)
        order = {uid: i for i, uid in enumerate(uids)}
        new.sort(key=order.__getitem__)
        answered.sort(key=order.__getitem__)
        return SearchNews(since, tuple(new), tuple(answered))

    # -- edits --------------------------------------------------------------------------

    def apply(self, edit: Edit) -> Applied:
        """Carry out one edit in one transaction: what changed, and the edit that undoes it.

        Raises UserStoreError (French) for an edit that cannot be made (an unknown id,
        a dossier name already taken, a read-only folder); nothing is changed then.
        """
        handler = _HANDLERS.get(type(edit))
        if handler is None:  # pragma: no cover - every Edit type has a handler
            raise TypeError(f"unknown edit {edit!r}")
        with self._transaction("Enregistrement") as conn:
            return handler(self, conn, edit)

    # annotations

    def _write_annotation(self, conn: sqlite3.Connection, a: Annotation) -> None:
        anchor = a.anchor
        if a.colour is not None and a.colour not in COLOURS:
            raise UserStoreError(f"Couleur inconnue : {a.colour} (de 1 à 5).")
        values = (
            a.id,
            a.question_uid,
            anchor.pane if anchor else None,
            anchor.exact if anchor else None,
            anchor.prefix if anchor else None,
            anchor.suffix if anchor else None,
            anchor.start if anchor else None,
            anchor.end if anchor else None,
            anchor.text_hash if anchor else None,
            a.colour,
            a.note,
            a.created or now_iso(),
            a.modified or a.created or now_iso(),
            "exact" if anchor else "question",
            anchor.start if anchor else None,
            anchor.end if anchor else None,
        )
        conn.execute(
            'INSERT INTO annotations (id, question_uid, pane, exact, prefix, suffix, start, "end", text_hash, '
            "colour, note, created, modified, placed_state, placed_start, placed_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET question_uid = excluded.question_uid, pane = excluded.pane, "
            "exact = excluded.exact, prefix = excluded.prefix, suffix = excluded.suffix, start = excluded.start, "
            '"end" = excluded."end", text_hash = excluded.text_hash, colour = excluded.colour, '
            "note = excluded.note, created = excluded.created, modified = excluded.modified, "
            "placed_state = excluded.placed_state, placed_start = excluded.placed_start, "
            "placed_end = excluded.placed_end, "
            "placed_version = NULL",
            values,
        )
        seq = int(conn.execute("SELECT seq FROM annotations WHERE id = ?", (a.id,)).fetchone()[0])
        conn.execute("DELETE FROM annotation_tags WHERE annotation_seq = ?", (seq,))
        conn.executemany(
            "INSERT INTO annotation_tags (annotation_seq, position, tag, folded) VALUES (?, ?, ?, ?)",
            [(seq, i, tag, fold(tag)) for i, tag in enumerate(_clean_tags(a.tags))],
        )
        conn.execute("DELETE FROM annotation_terms WHERE rowid = ?", (seq,))
        conn.execute(
            "INSERT INTO annotation_terms (rowid, terms) VALUES (?, ?)",
            (seq, _terms(a.note, anchor.exact if anchor else None)),
        )

    def _existing(self, annotation_id: str) -> Annotation:
        found = self._annotations("WHERE a.id = ?", (annotation_id,))
        if not found:
            raise UserStoreError(f"Annotation introuvable : {annotation_id} (supprimée entre-temps ?).")
        return found[0]

    def _put_annotation(self, conn: sqlite3.Connection, edit: PutAnnotation) -> Applied:
        a = edit.annotation
        previous = self._annotations("WHERE a.id = ?", (a.id,))
        a = replace(a, tags=_clean_tags(a.tags))
        self._write_annotation(conn, a)
        if previous:
            changes = UserChanges(
                annotations_updated=(a.id,), questions=_uids(previous[0].question_uid, a.question_uid)
            )
            return Applied(changes, PutAnnotation(previous[0]))
        return Applied(
            UserChanges(annotations_added=(a.id,), questions=(a.question_uid,)), DeleteAnnotation(a.id)
        )

    def _edit_annotation(self, conn: sqlite3.Connection, edit: EditAnnotation) -> Applied:
        previous = self._existing(edit.id)
        updated = replace(
            previous, colour=edit.colour, note=edit.note, tags=_clean_tags(edit.tags), modified=now_iso()
        )
        self._write_annotation(conn, updated)
        changes = UserChanges(annotations_updated=(edit.id,), questions=(previous.question_uid,))
        return Applied(changes, PutAnnotation(previous))

    def _delete_annotation(self, conn: sqlite3.Connection, edit: DeleteAnnotation) -> Applied:
        previous = self._existing(edit.id)
        seq = conn.execute("SELECT seq FROM annotations WHERE id = ?", (edit.id,)).fetchone()[0]
        conn.execute("DELETE FROM annotation_terms WHERE rowid = ?", (seq,))
        conn.execute("DELETE FROM annotations WHERE seq = ?", (seq,))
        changes = UserChanges(annotations_removed=(edit.id,), questions=(previous.question_uid,))
        return Applied(changes, PutAnnotation(previous))

    # dossiers

    def _existing_dossier(self, dossier_id: str) -> Dossier:
        found = self.dossier(dossier_id)
        if found is None:
            raise UserStoreError(f"Dossier introuvable : {dossier_id} (supprimé entre-temps ?).")
        return found

    def _write_dossier(self, conn: sqlite3.Connection, d: Dossier) -> None:
        name = " ".join(d.name.split())
        if not name:
            raise UserStoreError("Un dossier doit avoir un nom.")
        taken = conn.execute(
            "SELECT name FROM dossiers WHERE folded_name = ? AND id != ?", (_folded_name(name), d.id)
        ).fetchone()
        if taken:
            raise UserStoreError(f"Un dossier s'appelle déjà « {taken[0]} » : choisissez un autre nom.")
        now = now_iso()
        conn.execute(
            "INSERT INTO dossiers (id, name, folded_name, description, position, created, modified) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
            "folded_name = excluded.folded_name, description = excluded.description, "
            "position = excluded.position, created = excluded.created, modified = excluded.modified",
            (d.id, name, _folded_name(name), d.description, d.position, d.created or now, d.modified or now),
        )
        conn.execute("DELETE FROM dossier_items WHERE dossier_id = ?", (d.id,))
        conn.executemany(
            "INSERT INTO dossier_items (dossier_id, question_uid, position) VALUES (?, ?, ?)",
            [(d.id, uid, i) for i, uid in enumerate(dict.fromkeys(d.items))],
        )

    def _put_dossier(self, conn: sqlite3.Connection, edit: PutDossier) -> Applied:
        previous = self.dossier(edit.dossier.id)
        self._write_dossier(conn, edit.dossier)
        touched = _uids(*(previous.items if previous else ()), *edit.dossier.items)
        changes = UserChanges(dossiers_changed=(edit.dossier.id,), questions=touched)
        inverse: Edit = PutDossier(previous) if previous else DeleteDossier(edit.dossier.id)
        return Applied(changes, inverse)

    def _delete_dossier(self, conn: sqlite3.Connection, edit: DeleteDossier) -> Applied:
        previous = self._existing_dossier(edit.id)
        conn.execute("DELETE FROM dossiers WHERE id = ?", (edit.id,))
        changes = UserChanges(dossiers_removed=(edit.id,), questions=previous.items)
        return Applied(changes, PutDossier(previous))

    def _set_items(self, conn: sqlite3.Connection, previous: Dossier, items: list[str]) -> Applied:
        updated = replace(previous, items=tuple(items), modified=now_iso())
        self._write_dossier(conn, updated)
        touched = tuple(sorted(set(previous.items).symmetric_difference(items))) or tuple(items)
        changes = UserChanges(dossiers_changed=(previous.id,), questions=touched)
        return Applied(changes, PutDossier(previous))

    def _add_to_dossier(self, conn: sqlite3.Connection, edit: AddToDossier) -> Applied:
        previous = self._existing_dossier(edit.dossier_id)
        items = list(previous.items)
        new = [uid for uid in dict.fromkeys(edit.uids) if uid not in previous.items]
        at = len(items) if edit.position is None else max(0, min(edit.position, len(items)))
        items[at:at] = new
        return self._set_items(conn, previous, items)

    def _remove_from_dossier(self, conn: sqlite3.Connection, edit: RemoveFromDossier) -> Applied:
        previous = self._existing_dossier(edit.dossier_id)
        gone = set(edit.uids)
        return self._set_items(conn, previous, [u for u in previous.items if u not in gone])

    def _move_in_dossier(self, conn: sqlite3.Connection, edit: MoveInDossier) -> Applied:
        previous = self._existing_dossier(edit.dossier_id)
        moving = [u for u in dict.fromkeys(edit.uids) if u in previous.items]
        rest = [u for u in previous.items if u not in set(moving)]
        at = max(0, min(edit.position, len(rest)))
        items = rest[:at] + moving + rest[at:]
        applied = self._set_items(conn, previous, items)
        return Applied(replace(applied.changes, questions=tuple(moving)), applied.inverse)

    def _set_dossier_order(self, conn: sqlite3.Connection, edit: SetDossierOrder) -> Applied:
        previous = [d.id for d in self.dossiers()]
        order = [i for i in dict.fromkeys(edit.ids) if i in previous]
        order += [i for i in previous if i not in set(order)]
        conn.executemany(
            "UPDATE dossiers SET position = ? WHERE id = ?", [(p, i) for p, i in enumerate(order)]
        )
        return Applied(UserChanges(dossiers_changed=tuple(order)), SetDossierOrder(tuple(previous)))

    # saved searches and colours

    def _put_saved_search(self, conn: sqlite3.Connection, edit: PutSavedSearch) -> Applied:
        s = edit.search
        name = " ".join(s.name.split())
        if not name:
            raise UserStoreError("Une recherche enregistrée doit avoir un nom.")
        taken = conn.execute(
            "SELECT name FROM saved_searches WHERE folded_name = ? AND id != ?", (_folded_name(name), s.id)
        ).fetchone()
        if taken:
            raise UserStoreError(
                f"Une recherche enregistrée s'appelle déjà « {taken[0]} » : choisissez un autre nom."
            )
        previous = self.saved_search(s.id)
        conn.execute(
            "INSERT OR REPLACE INTO saved_searches (id, name, folded_name, query, filters, sort, position, created, "
            "last_opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.id,
                name,
                _folded_name(name),
                s.query,
                json.dumps([list(f) for f in s.filters], ensure_ascii=False),
                s.sort,
                s.position,
                s.created or now_iso(),
                time.time() if s.last_opened is None else s.last_opened,
            ),
        )
        inverse: Edit = PutSavedSearch(previous) if previous else DeleteSavedSearch(s.id)
        return Applied(UserChanges(saved_searches_changed=(s.id,)), inverse)

    def _delete_saved_search(self, conn: sqlite3.Connection, edit: DeleteSavedSearch) -> Applied:
        previous = self.saved_search(edit.id)
        if previous is None:
            raise UserStoreError(f"Recherche enregistrée introuvable : {edit.id}.")
        conn.execute("DELETE FROM saved_searches WHERE id = ?", (edit.id,))
        return Applied(UserChanges(saved_searches_removed=(edit.id,)), PutSavedSearch(previous))

    def _set_saved_search_order(self, conn: sqlite3.Connection, edit: SetSavedSearchOrder) -> Applied:
        previous = [s.id for s in self.saved_searches()]
        order = [i for i in dict.fromkeys(edit.ids) if i in previous]
        order += [i for i in previous if i not in set(order)]
        conn.executemany(
            "UPDATE saved_searches SET position = ? WHERE id = ?", [(p, i) for p, i in enumerate(order)]
        )
        return Applied(UserChanges(saved_searches_changed=tuple(order)), SetSavedSearchOrder(tuple(previous)))

    def _mark_opened(self, conn: sqlite3.Connection, edit: MarkSearchOpened) -> Applied:
        previous = self.saved_search(edit.id)
        if previous is None:
            raise UserStoreError(f"Recherche enregistrée introuvable : {edit.id}.")
        when = time.time() if edit.when is None else edit.when
        conn.execute("UPDATE saved_searches SET last_opened = ? WHERE id = ?", (when, edit.id))
        return Applied(
            UserChanges(saved_searches_changed=(edit.id,)), MarkSearchOpened(edit.id, previous.last_opened)
        )

    def _rename_colour(self, conn: sqlite3.Connection, edit: RenameColour) -> Applied:
        if edit.number not in COLOURS:
            raise UserStoreError(f"Couleur inconnue : {edit.number} (de 1 à 5).")
        meaning = " ".join(edit.meaning.split())
        if not meaning:
            raise UserStoreError("Donnez un sens à la couleur (par exemple « Chiffre / donnée »).")
        previous = conn.execute("SELECT meaning FROM colours WHERE number = ?", (edit.number,)).fetchone()[0]
        conn.execute("UPDATE colours SET meaning = ? WHERE number = ?", (meaning, edit.number))
        return Applied(UserChanges(colours_changed=True), RenameColour(edit.number, previous))

    # -- placement (derived data, not an edit) -------------------------------------------

    def reanchor(self, corpus: CorpusStore, uids: Iterable[str] | None = None) -> UserChanges:
        """Check where the annotations of ``uids`` (None: all) land on the corpus's current texts and
        record it (for the orphans filter and the lists); only questions changed since the last check
        are read.  The window calls it after an import (with the questions it changed) and at start.

        Not an edit: nothing the user did changes, no undo.  Returns the annotations whose
        placement changed.
        """
        wanted = None if uids is None else list(dict.fromkeys(uids))
        try:
            if wanted is None:
                rows = self.conn.execute(
                    "SELECT id, question_uid, placed_state, placed_start, placed_end, placed_version FROM annotations"
                ).fetchall()
            else:
                rows = []
                for start in range(0, len(wanted), 900):
                    chunk = wanted[start : start + 900]
                    rows += self.conn.execute(
                        "SELECT id, question_uid, placed_state, placed_start, placed_end, placed_version "
                        f"FROM annotations WHERE question_uid IN ({','.join('?' * len(chunk))})",
                        chunk,
                    ).fetchall()
        except sqlite3.Error as exc:
            raise _error(self.path, exc, "Lecture") from exc
        facts = corpus.facts([r[1] for r in rows])
        stale: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            fact = facts.get(row[1])
            version = fact.content_hash if fact else None
            if row[5] != version or (fact is None and row[2] != "absent"):
                stale.setdefault(row[1], []).append(row)
        if not stale:
            return UserChanges()
        questions = corpus.get_many(list(stale))
        updates: list[tuple[Any, ...]] = []
        changed: list[str] = []
        touched: list[str] = []
        for uid, group in stale.items():
            question = questions.get(uid)
            placed = {p.annotation.id: p.placement for p in self.placed_for(uid, question)}
            version = facts[uid].content_hash if uid in facts else None
            for aid, _, state, start, end, _version in group:
                where = placed.get(aid)
                if where is None:
                    continue
                updates.append((where.state, where.start, where.end, version, aid))
                if (where.state, where.start, where.end) != (state, start, end):
                    changed.append(aid)
                    touched.append(uid)
        with self._transaction("Enregistrement", bump=False) as conn:
            conn.executemany(
                "UPDATE annotations SET placed_state = ?, placed_start = ?, placed_end = ?, placed_version = ? "
                "WHERE id = ?",
                updates,
            )
        return UserChanges(annotations_updated=tuple(changed), questions=tuple(dict.fromkeys(touched)))

    @_reading
    def placement_states(self, ids: Sequence[str]) -> dict[str, PlacementState]:
        """Each annotation's placement state as last recorded by :meth:`reanchor`."""
        out: dict[str, PlacementState] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            marks = ",".join("?" * len(chunk))
            for aid, state in self.conn.execute(
                f"SELECT id, placed_state FROM annotations WHERE id IN ({marks})", chunk
            ):
                out[aid] = state
        return out

    @_reading
    def placement_counts(self) -> dict[str, int]:
        """How many annotations are in each placement state (as last recorded by :meth:`reanchor`)."""
        return {
            str(s): int(n)
            for s, n in self.conn.execute(
                "SELECT placed_state, count(*) FROM annotations GROUP BY placed_state"
            )
        }

    # -- merging an imported file ----------------------------------------------------------

    def merge(self, annotations: Sequence[Annotation], dossiers: Sequence[Dossier]) -> MergeReport:
        """Add what a file brings, in one transaction: all of it or nothing.

        By stable id: the same item again adds nothing; a different version keeps the
        most recent (``modified``), and the report says which.  A dossier whose name
        is taken by another dossier here is imported under « nom (2) ».
        """
        added: list[str] = []
        updated: list[str] = []
        unchanged = 0
        d_added: list[str] = []
        d_updated: list[str] = []
        d_unchanged = 0
        renamed: list[tuple[str, str]] = []
        conflicts: list[Conflict] = []
        questions: list[str] = []
        with self._transaction("Import") as conn:
            for incoming in annotations:
                incoming = replace(incoming, tags=_clean_tags(incoming.tags))
                local = self._annotations("WHERE a.id = ?", (incoming.id,))
                if not local:
                    self._write_annotation(conn, incoming)
                    added.append(incoming.id)
                    questions.append(incoming.question_uid)
                    continue
                here = local[0]
                if here == incoming:
                    unchanged += 1
                    continue
                newer = incoming.modified > here.modified
                conflicts.append(
                    Conflict(
                        "annotation",
                        incoming.id,
                        "fichier" if newer else "local",
                        here.modified,
                        incoming.modified,
                    )
                )
                if newer:
                    self._write_annotation(conn, incoming)
                    updated.append(incoming.id)
                    questions.extend((here.question_uid, incoming.question_uid))
            for d in dossiers:
                here_d = self.dossier(d.id)
                if here_d is None:
                    name = self._free_name(conn, d.name, d.id)
                    if name != d.name:
                        renamed.append((d.name, name))
                    self._write_dossier(conn, replace(d, name=name, position=self._next_position("dossiers")))
                    d_added.append(d.id)
                    questions.extend(d.items)
                    continue
                if replace(d, position=here_d.position) == here_d:
                    d_unchanged += 1
                    continue
                newer = d.modified > here_d.modified
                conflicts.append(
                    Conflict("dossier", d.id, "fichier" if newer else "local", here_d.modified, d.modified)
                )
                if newer:
                    name = self._free_name(conn, d.name, d.id)
                    if name != d.name:
                        renamed.append((d.name, name))
                    self._write_dossier(conn, replace(d, name=name, position=here_d.position))
                    d_updated.append(d.id)
                    questions.extend((*here_d.items, *d.items))
        changes = UserChanges(
            annotations_added=tuple(added),
            annotations_updated=tuple(updated),
            questions=tuple(dict.fromkeys(questions)),
            dossiers_changed=tuple(d_added + d_updated),
        )
        return MergeReport(
            tuple(added),
            tuple(updated),
            unchanged,
            tuple(d_added),
            tuple(d_updated),
            d_unchanged,
            tuple(renamed),
            tuple(conflicts),
            changes,
        )

    @staticmethod
    def _free_name(conn: sqlite3.Connection, name: str, dossier_id: str) -> str:
        candidate = name
        n = 1
        while conn.execute(
            "SELECT 1 FROM dossiers WHERE folded_name = ? AND id != ?", (_folded_name(candidate), dossier_id)
        ).fetchone():
            n += 1
            candidate = f"{name} ({n})"
        return candidate


def _folded_name(name: str) -> str:
    return fold(" ".join(name.split()))


def _uids(*uids: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(uids))


class _FactsFilter:
    """The corpus side of an AnnotationQuery: legislature, rubrique, ministry (folded once)."""

    def __init__(self, query: AnnotationQuery) -> None:
        self.legislatures = set(query.legislatures)
        self.rubriques = {fold(r) for r in query.rubriques}
        self.ministries = {fold(m) for m in query.ministries}

    def __call__(self, facts: QuestionFacts | None) -> bool:
        if facts is None:
            return False
        if self.legislatures and facts.legislature not in self.legislatures:
            return False
        if self.rubriques and fold(facts.rubrique or "") not in self.rubriques:
            return False
        if self.ministries:
            asked, answering = fold(facts.ministry_asked or ""), fold(facts.ministry_answering or "")
            if asked not in self.ministries and answering not in self.ministries:
                return False
        return True


def _question_key(facts: QuestionFacts | None, uid: str) -> tuple[Any, ...]:
    # Absent questions last, by uid.
    if facts is None:
        return (1, 0, "", 0, uid)
    return (0, facts.legislature or 0, facts.type, facts.number or 0, uid)


_Handler = Callable[[UserStore, sqlite3.Connection, Any], Applied]
_HANDLERS: dict[type, _Handler] = {
    PutAnnotation: UserStore._put_annotation,
    EditAnnotation: UserStore._edit_annotation,
    DeleteAnnotation: UserStore._delete_annotation,
    PutDossier: UserStore._put_dossier,
    DeleteDossier: UserStore._delete_dossier,
    AddToDossier: UserStore._add_to_dossier,
    RemoveFromDossier: UserStore._remove_from_dossier,
    MoveInDossier: UserStore._move_in_dossier,
    SetDossierOrder: UserStore._set_dossier_order,
    PutSavedSearch: UserStore._put_saved_search,
    DeleteSavedSearch: UserStore._delete_saved_search,
    SetSavedSearchOrder: UserStore._set_saved_search_order,
    MarkSearchOpened: UserStore._mark_opened,
    RenameColour: UserStore._rename_colour,
}
