"""Everything long runs here, off the GUI thread.

- A :class:`Writer` owns one database and runs its write operations in a thread
  of its own, one at a time, with progress and cancel.  An operation is a plain
  function ``(progress, cancelled) -> Changes`` (``jobs.Operation``); the writer
  runs it through one error path and sends one signal with what it changed or
  why it failed (:class:`OperationDone`), as Anki's collection operations do.
  :class:`CorpusWriter` is the corpus's: it owns the write connection to the
  corpus, the search index's writer and the data folder's writer lock
  (:class:`Corpus`); opening the data folder, imports and rebuilds of the index
  are its operations.  A writer for another database is a subclass that gives
  :class:`Writer` what it owns and a method per operation.
- :class:`ReadJobs` runs searches, question loads and "questions proches" on
  a thread pool.  Each pool thread reads the corpus through its own read-only
  connection; searches share the index (its searches are thread-safe and see
  each commit of the writer).  Every job carries a token: the window ignores
  what belongs to a search or a load that has since been replaced, and jobs
  still queued for a replaced search are skipped before they start.

Core functions report through ``progress``/``cancelled`` callables; this is
the only module that turns them into Qt signals.  Results are dataclasses.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from qe_desktop.annotations.searching import SearchAnnotations
from qe_desktop.annotations.store import UserStore, UserStoreError
from qe_desktop.corpus import import_and_index, import_sample
from qe_desktop.folder import DataFolderError, Holder, WriterLock, lost_corpus, open_folder, remember_import
from qe_desktop.jobs import CancelFn, Cancelled, Operation, ProgressFn
from qe_desktop.logfile import UNEXPECTED, log_path
from qe_desktop.model import Changes, PlacedAnnotation, Question, SearchRequest, SearchResult
from qe_desktop.paths import DataPaths
from qe_desktop.render import (
    AnnotationSpan,
    Highlights,
    NoteBlock,
    answer_html,
    citation,
    key_data_html,
    official_url,
    question_html,
)
from qe_desktop.search.highlight import highlight_spans
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.store import CorpusStore, StoreError
from qe_desktop.suivi.duplicates import duplicates_of
from qe_desktop.ui.reader import SameAnswer, ShownQuestion
from qe_desktop.ui.results_model import ResultRow

log = logging.getLogger(__name__)

#: Known problems: their message (French) is shown as is; anything else is a bug, logged with its traceback.
KNOWN_ERRORS: tuple[type[Exception], ...] = (
    StoreError,
    SearchIndexError,
    DataFolderError,
    UserStoreError,
    OSError,
)


def user_message(exc: BaseException, paths: DataPaths) -> str:
    """The French message for an error; bugs are logged with their traceback."""
    if isinstance(exc, KNOWN_ERRORS):
        log.warning("%s", exc)
        if isinstance(exc, OSError):
            return f"Erreur de fichier : {exc.strerror or exc} ({exc.filename or ''})".replace(" ()", "")
        return str(exc)
    log.error("Erreur inattendue", exc_info=(type(exc), exc, exc.__traceback__))
    # The log the traceback went to (in the temporary folder when the data folder is read-only).
    return f"{UNEXPECTED}{log_path() or paths.log_file}"


# -- payloads ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None
    message: str


@dataclass(frozen=True, slots=True)
class CorpusStatus:
    """What the status bar says about the data folder."""

    count: int
    index_ok: bool
    index_text: str
    #: Why the data folder cannot be written (French), else None.
    readonly_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CorpusState:
    """The corpus as the window sees it after each of its writer's operations."""

    #: The index to search (None when it could not be opened).
    index: SearchIndex | None
    status: CorpusStatus


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """An operation for a writer to run, and the words the window shows about it."""

    #: Which operation it is ("open", "import", "index"…): the window tells results apart by it.
    name: str
    operation: Operation
    #: Shown while it runs (French); None: it runs unseen, unless it reports progress.
    title: str | None
    #: What the user is told when it is cancelled (French).
    cancelled: str = "Opération annulée."


@dataclass(frozen=True, slots=True)
class OperationDone:
    """An operation ended: what it changed, or why it stopped (French), and its database's state."""

    name: str
    changes: Changes
    #: Why it did not finish (French: cancelled, a known problem, or a bug logged); None when it did.
    error: str | None
    #: What the writer's database looks like now (:meth:`Owned.state`), failed or not.
    state: object
    #: It had a title: the window showed it running.
    shown: bool = True


@dataclass(frozen=True, slots=True)
class SearchDone:
    token: int
    request: SearchRequest
    result: SearchResult | None
    rows: tuple[ResultRow, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionLoaded:
    token: int
    uid: str
    shown: ShownQuestion | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SimilarFound:
    uid: str
    rows: tuple[ResultRow, ...]
    error: str | None = None


# -- writers ---------------------------------------------------------------------------


class Owned(Protocol):
    """What a writer owns: one database and what goes with it, used from the writer's thread only."""

    def state(self) -> object:
        """What the window needs to know of it after each operation (sent with OperationDone)."""
        ...

    def close(self) -> None:
        """Close it, once the writer's thread has stopped."""
        ...


class _Runner(QObject):
    """Lives in a writer's thread: runs each operation through the one error path."""

    started = Signal(str)  # the operation's title
    progressed = Signal(object)  # Progress
    finished = Signal(object)  # OperationDone

    def __init__(self, owned: Owned, paths: DataPaths, cancel_event: threading.Event) -> None:
        super().__init__()
        self.owned = owned
        self.paths = paths
        self.cancel_event = cancel_event

    def _progress(self, done: int, total: int | None, message: str) -> None:
        self.progressed.emit(Progress(done, total, message))

    def _cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @Slot(object)
    def run(self, request: WriteRequest) -> None:
        self.cancel_event.clear()
        if request.title is not None:
            self.started.emit(request.title)
        changes = Changes()
        error: str | None = None
        try:
            changes = request.operation(self._progress, self._cancelled)
        except Cancelled:
            error = request.cancelled
        except Exception as exc:
            # Known problems become their French message; anything else is a bug: its
            # traceback goes to the log, and the user gets a French message saying so.
            error = user_message(exc, self.paths)
        try:
            state = self.owned.state()
        except Exception as exc:
            state = None
            error = error or user_message(exc, self.paths)
        self.finished.emit(OperationDone(request.name, changes, error, state, request.title is not None))


class Writer(QObject):
    """The one writer of one database: its operations run in a thread of its own, one at a time.

    This object lives in the GUI thread: :meth:`submit` queues an operation, the
    signals come back here.  ``busy`` is True while an operation with a title is
    queued or running (the window refuses to start another then); operations
    without a title (a read-ahead, a background check) never make it busy.
    """

    operation_started = Signal(str)  # title of the operation that starts
    progressed = Signal(object)  # Progress
    operation_finished = Signal(object)  # OperationDone
    _submitted = Signal(object)  # WriteRequest, to the runner's thread

    def __init__(self, name: str, paths: DataPaths, owned: Owned, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.owned = owned
        self.cancel_event = threading.Event()
        self.thread_ = QThread()
        self.thread_.setObjectName(f"qe-{name}-writer")
        self.runner = _Runner(owned, paths, self.cancel_event)
        self.runner.moveToThread(self.thread_)
        self._submitted.connect(self.runner.run)
        self.runner.started.connect(self.operation_started)
        self.runner.progressed.connect(self.progressed)
        self.runner.finished.connect(self.on_runner_finished)
        self._shown_pending = 0
        self.thread_.start()

    @property
    def busy(self) -> bool:
        return self._shown_pending > 0

    def submit(self, request: WriteRequest) -> None:
        """Run ``request`` after the operations already queued (returns at once)."""
        if request.title is not None:
            self._shown_pending += 1
        self._submitted.emit(request)

    def on_runner_finished(self, done: OperationDone) -> None:
        if done.shown:
            self._shown_pending -= 1
        self.operation_finished.emit(done)

    def cancel(self) -> None:
        """Ask the running operation to stop (thread-safe: a flag the operation polls)."""
        self.cancel_event.set()

    def shutdown(self) -> None:
        """Stop the running operation, end the thread, close what it owns."""
        self.cancel()
        self.thread_.quit()
        self.thread_.wait()
        self.owned.close()


# -- the corpus's writer ----------------------------------------------------------------


class Corpus:
    """The corpus as its writer holds it: the write connection, the search index, the folder's lock.

    Its operations (``open``, ``import_files``, ``rebuild_index``, ``verify``,
    ``warm``) run in the writer's thread only; each takes ``(progress,
    cancelled)`` last and returns what it changed.
    """

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self.store: CorpusStore | None = None
        self.index_store: CorpusStore | None = None
        self.index: SearchIndex | None = None
        #: Held during each write operation only: an import from the command line can run in between.
        self.lock = WriterLock(paths.root, "la fenêtre QE Desktop")
        #: Why nothing can be written in this data folder (French), else None.
        self.readonly_reason: str | None = None
        #: The user's annotations as searches see them (« Annotations » facet, ``note:``).
        self.annotations = SearchAnnotations(paths)

    # -- what the window sees --

    def state(self) -> CorpusState:
        return CorpusState(self.index, self.status())

    def status(self) -> CorpusStatus:
        readonly = self.readonly_reason
        try:
            count = self.store.count() if self.store is not None else 0
            if self.index is None:
                return CorpusStatus(count, False, "Index indisponible", readonly)
            health = self.index.check(deep=False)
        except (StoreError, SearchIndexError) as exc:
            return CorpusStatus(0, False, str(exc), readonly)
        if health.ok:
            return CorpusStatus(count, True, "Index à jour", readonly)
        if health.busy:
            return CorpusStatus(count, True, "Index en cours de mise à jour par un autre programme", readonly)
        if readonly and health.stale:
            return CorpusStatus(count, True, "Index pas à jour (dossier en lecture seule)", readonly)
        return CorpusStatus(count, False, f"Index à reconstruire : {health.reason}", readonly)

    # -- helpers --

    def _open_index(self, progress: ProgressFn, cancelled: CancelFn) -> str | None:
        """(Re)open the index, rebuilding it when it is not in step: why it was rebuilt, or None."""
        assert self.store is not None
        if self.index_store is None:
            self.index_store = CorpusStore(self.paths.corpus_db, readonly=True)
        progress(0, None, "Vérification de l'index de recherche…")
        if self.index is not None:
            self.index.close()
            self.index = None
        self.index = SearchIndex.open(
            self.paths,
            self.index_store,
            progress=progress,
            cancelled=cancelled,
            deep_check=False,
            lock=self.lock,
            readonly=self.readonly_reason,
        )
        self.index.annotations = self.annotations
        return self.index.rebuilt_because

    def _wait_for_lock(self, progress: ProgressFn, cancelled: CancelFn) -> None:
        """Take the folder's writer lock, waiting (cancellable, and said) while another program writes."""

        def waiting(holder: Holder) -> None:
            progress(
                0, None, f"En attente de la fin de {holder.describe()}, qui écrit dans ce dossier de données…"
            )

        self.lock.acquire(on_wait=waiting, cancelled=cancelled)

    def _writable_store(self) -> CorpusStore:
        if self.readonly_reason:
            raise DataFolderError(
                f"Dossier de données en lecture seule : {self.readonly_reason}. "
                "Rien ne peut y être importé ni mis à jour ; copiez-le dans un dossier où vous pouvez écrire."
            )
        if self.store is None or self.store.readonly:
            if self.store is not None:
                self.store.close()
            self.store = CorpusStore(self.paths.corpus_db)
        return self.store

    # -- operations --

    def open(self, sample_if_empty: bool, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Open the corpus (importing the sample into an empty one), then check the index.

        A folder that cannot be written is opened read-only; one that another
        program is writing (an import from the command line) is opened as it
        is, the index used as it stands.  A corpus found missing is a notice.
        """
        progress(0, None, "Ouverture du dossier de données…")
        self.readonly_reason = open_folder(self.paths, write=False).readonly_reason
        lost = lost_corpus(self.paths)
        holding = self.readonly_reason is None and self.lock.try_acquire()
        try:
            if holding or (self.readonly_reason is None and self.paths.corpus_db.exists()):
                # Without the lock, another program is writing: read the corpus, never create it.
                self.store = CorpusStore(self.paths.corpus_db, readonly=not holding)
            else:
                self.store = CorpusStore(self.paths.corpus_db, readonly=True)
            sample = None
            if holding and sample_if_empty and not lost and self.store.count() == 0:
                progress(0, None, "Import du corpus d'exemple…")
                sample = import_sample(self.store, progress=progress, cancelled=cancelled)
                remember_import(self.paths, [], sample=True)
            rebuilt = self._open_index(progress, cancelled)
        finally:
            if holding:
                self.lock.release()
        opened = Changes.of_import(sample) if sample is not None else Changes()
        return dataclasses.replace(
            opened,
            index_rebuilt=rebuilt is not None,
            index_rebuilt_because=rebuilt,
            notices=(lost,) if lost else (),
        )

    def verify(self, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """The checks left out at start, once the window is usable: the corpus's integrity
        (bounded), the index's checksums (damage means a rebuild, said)."""
        if self.store is not None:
            self.store.verify()
        if self.index is None or self.readonly_reason:
            return Changes()
        health = self.index.check(deep=True)
        if health.ok or health.busy or not self.lock.try_acquire():
            return Changes()
        try:
            log.warning("index damaged, rebuilding: %s", health.reason)
            progress(0, None, f"Reconstruction de l'index de recherche ({health.reason})…")
            self.index.rebuild(progress, cancelled)
        finally:
            self.lock.release()
        self.warm(progress, cancelled)
        return Changes(index_rebuilt=True, index_rebuilt_because=health.reason)

    def warm(self, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Read ahead what the first searches need, then set the long-lived objects apart from
        the garbage collector: a full collection over them (the index's tables, the analysis
        caches) costs some 70 ms at 133,000 questions, in the middle of a search."""
        if self.index is None:
            return Changes()
        try:
            self.index.warm()
        except Exception:  # a damaged index: the checksum check rebuilds it
            log.exception("index warm-up failed")
        gc.freeze()
        return Changes()

    def import_files(self, paths: Sequence[Path], progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Import files, folders and zips; the index follows batch by batch."""
        store = self._writable_store()
        self._wait_for_lock(progress, cancelled)
        try:
            progress(0, None, "Import…")
            if self.index is None or self.index.used_as_is:
                self._open_index(progress, cancelled)  # opened while another program wrote: in step now
            report = import_and_index(
                store,
                self.index,
                list(paths),
                progress=progress,
                cancelled=cancelled,
                on_phase=lambda phase: progress(0, None, phase),
            )
            remember_import(self.paths, [Path(p).resolve() for p in paths])
            if self.index is None:
                self._open_index(progress, cancelled)
        finally:
            self.lock.release()
        self.warm(progress, cancelled)
        return Changes.of_import(report)

    def rebuild_index(self, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Rebuild the search index from the corpus (the user asked for it)."""
        self._writable_store()
        self._wait_for_lock(progress, cancelled)
        try:
            progress(0, None, "Reconstruction de l'index de recherche…")
            reopened = self.index is None or bool(self.index.used_as_is)
            if reopened:
                self._open_index(progress, cancelled)  # rebuilds it if it is not in step
            if self.index is not None and not (reopened and self.index.rebuilt_because):
                self.index.rebuild(progress, cancelled)
        finally:
            self.lock.release()
        self.warm(progress, cancelled)
        return Changes(index_rebuilt=True)

    def close(self) -> None:
        for closable in (self.index, self.store, self.index_store):
            if closable is not None:
                closable.close()
        self.index = self.store = self.index_store = None
        self.annotations.close()


class CorpusWriter(Writer):
    """The corpus's writer: opening the data folder, imports, rebuilds of the search index."""

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        self.corpus = Corpus(paths)
        super().__init__("corpus", paths, self.corpus, parent)

    def open(self, *, sample_if_empty: bool = True) -> None:
        self.submit(
            WriteRequest(
                "open",
                functools.partial(self.corpus.open, sample_if_empty),
                "Ouverture du dossier de données…",
                "Reconstruction de l'index annulée : la recherche est indisponible.",
            )
        )

    def verify(self) -> None:
        """Check the corpus and the index's checksums in the background; rebuild a damaged index."""
        self.submit(
            WriteRequest(
                "verify",
                self.corpus.verify,
                None,
                "Reconstruction de l'index annulée : l'index est endommagé.",
            )
        )

    def import_files(self, paths: Sequence[Path]) -> None:
        self.submit(
            WriteRequest(
                "import",
                functools.partial(self.corpus.import_files, list(paths)),
                "Import…",
                "Import annulé.",
            )
        )

    def rebuild_index(self) -> None:
        self.submit(
            WriteRequest(
                "index",
                self.corpus.rebuild_index,
                "Reconstruction de l'index de recherche…",
                "Reconstruction de l'index annulée ; l'index précédent est conservé.",
            )
        )

    def warm(self) -> None:
        """Read ahead what searches need, unseen (see ``SearchIndex.warm``)."""
        self.submit(WriteRequest("warm", self.corpus.warm, None))


# -- readers ------------------------------------------------------------------------


class ReadConnections:
    """One read-only corpus connection per pool thread, all closed at the end."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.Lock()
        self._by_thread: dict[int, CorpusStore] = {}
        self._users: dict[int, UserStore] = {}

    def store(self) -> CorpusStore:
        ident = threading.get_ident()
        with self._lock:
            store = self._by_thread.get(ident)
        if store is None:
            store = CorpusStore(self.paths.corpus_db, readonly=True)
            with self._lock:
                self._by_thread[ident] = store
        return store

    def user(self) -> UserStore | None:
        """This thread's read-only connection to the user's database (sees each commit: WAL).

        None when there is none yet (or it is being created: looked for again next time), or
        when it cannot be read (logged; the user's writer says what is wrong with it): the
        searches and the questions are shown without the user's work, never refused for it.
        """
        ident = threading.get_ident()
        with self._lock:
            store = self._users.get(ident)
        if store is None:
            if not self.paths.user_db.exists():
                return None
            try:
                store = UserStore(self.paths.user_db, readonly=True)
            except UserStoreError as exc:
                log.warning("Base des annotations illisible : %s", exc)
                return None
            if not is_on_disk(store):
                store.close()
                return None
            with self._lock:
                self._users[ident] = store
        return store

    def close_all(self) -> None:
        with self._lock:
            stores = list(self._by_thread.values())
            users = list(self._users.values())
            self._by_thread.clear()
            self._users.clear()
        for store in stores:
            store.close()
        for user in users:
            user.close()


def is_on_disk(store: UserStore) -> bool:
    """False for a read-only UserStore that reads an empty in-memory stand-in (no file yet)."""
    rows = store.conn.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and row[2] for row in rows)


def annotation_parts(
    placed: Sequence[PlacedAnnotation], meanings: dict[int, str]
) -> tuple[tuple[AnnotationSpan, ...], tuple[NoteBlock, ...], tuple[NoteBlock, ...]]:
    """What the reader draws of a question's annotations: highlights on the words, notes on the
    whole question, passages that cannot be placed (never drawn on the words)."""
    spans: list[AnnotationSpan] = []
    notes: list[NoteBlock] = []
    orphans: list[NoteBlock] = []
    for p in placed:
        a, where = p.annotation, p.placement
        meaning = meanings.get(a.colour or 0, "")
        if a.anchor is None:
            notes.append(NoteBlock(a.id, a.note, "", None, a.colour, a.tags, meaning))
        elif where.drawn and where.start is not None and where.end is not None:
            spans.append(AnnotationSpan(a.anchor.pane, where.start, where.end, a.colour, a.id, bool(a.note)))
        else:
            orphans.append(NoteBlock(a.id, a.note, a.anchor.exact, a.anchor.pane, a.colour, a.tags, meaning))
    return tuple(spans), tuple(notes), tuple(orphans)


def shown_question(
    store: CorpusStore, uid: str, query: str, today: date | None = None, user: UserStore | None = None
) -> ShownQuestion | None:
    """Load a question and render it with the query's matches and the user's annotations
    (read from ``user``) marked, and the questions that received the same answer (no Qt: any thread)."""
    q = store.get(uid)
    if q is None:
        return None
    highlights = Highlights(
        question=tuple(highlight_spans(q.question_text, query, "question")),
        answer=tuple(highlight_spans(q.answer_text, query, "answer")),
        analyse=tuple(highlight_spans(q.analyse, query, "any")),
    )
    placed: tuple[PlacedAnnotation, ...] = ()
    meanings: dict[int, str] = {}
    if user is not None:
        try:
            placed = tuple(user.placed_for(uid, q))
            if placed:
                meanings = {c.number: c.meaning for c in user.colours()}
        except UserStoreError as exc:
            # The question is shown all the same; its annotations come with the next load.
            log.warning("Annotations de %s illisibles : %s", uid, exc)
            placed, meanings = (), {}
    shown = render_shown(q, query, highlights, placed, meanings, today)
    same = same_answer(store, uid)
    return dataclasses.replace(shown, same_answer=same) if same else shown


def same_answer(store: CorpusStore, uid: str) -> tuple[SameAnswer, ...]:
    """The other questions with the answer of ``uid``, oldest first (one indexed query, computed at import)."""
    others = duplicates_of(store, uid)
    if not others:
        return ()
    facts = store.facts(others)
    return tuple(SameAnswer.from_facts(f) for u in others if (f := facts.get(u)) is not None)


def render_shown(
    q: Question,
    query: str,
    highlights: Highlights,
    placed: tuple[PlacedAnnotation, ...],
    meanings: dict[int, str],
    today: date | None = None,
) -> ShownQuestion:
    spans, notes, orphans = annotation_parts(placed, meanings)
    return ShownQuestion(
        question=q,
        key_html=key_data_html(q, highlights, today, columns=2),
        question_html=question_html(q, highlights.question, spans, notes, orphans),
        answer_html=answer_html(q, highlights.answer, today, spans),
        citation=citation(q),
        url=official_url(q),
        query=query,
        highlights=highlights,
        annotations=placed,
    )


def with_marks(rows: tuple[ResultRow, ...], user: UserStore | None) -> tuple[ResultRow, ...]:
    """The rows with their annotations and dossiers (what the results list shows of the user's work)."""
    if not rows or user is None:
        return rows
    try:
        marks = user.marks([r.uid for r in rows])
    except UserStoreError as exc:
        # The results stay usable; the user's writer says what is wrong with the database.
        log.warning("Marques des résultats illisibles : %s", exc)
        return rows
    if not marks:
        return rows
    return tuple(r.with_marks(marks.get(r.uid)) for r in rows)


class Job(QRunnable):
    """A function to run on a thread pool (the readers' jobs: searches, loads, exports, statistics)."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self.work = work

    def run(self) -> None:
        self.work()


class ReadJobs(QObject):
    """Searches, loads and similar questions on a thread pool; results come back as signals."""

    search_finished = Signal(object)  # SearchDone
    question_loaded = Signal(object)  # QuestionLoaded
    similar_found = Signal(object)  # SimilarFound

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.index: SearchIndex | None = None
        self.connections = ReadConnections(paths)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.today: date | None = None
        # The newest tokens asked for: older jobs still queued are skipped.
        self._search_token = 0
        self._load_token = 0
        self._similar_uid = ""

    def search(self, token: int, request: SearchRequest) -> None:
        if request.offset == 0:
            self._search_token = max(self._search_token, token)
        index = self.index

        def work() -> None:
            if token < self._search_token:
                return  # replaced by a newer search before it started
            if index is None:
                self.search_finished.emit(
                    SearchDone(token, request, None, (), "L'index de recherche n'est pas prêt.")
                )
                return
            try:
                result = index.search(request)
                rows = with_marks(
                    tuple(ResultRow.from_hit(hit) for hit in result.hits), self.connections.user()
                )
                self.search_finished.emit(SearchDone(token, request, result, rows))
            except Exception as exc:
                self.search_finished.emit(SearchDone(token, request, None, (), user_message(exc, self.paths)))

        self.pool.start(Job(work))

    def load(self, token: int, uid: str, query: str) -> None:
        self._load_token = max(self._load_token, token)
        today = self.today

        def work() -> None:
            if token < self._load_token:
                return
            try:
                connections = self.connections
                shown = shown_question(connections.store(), uid, query, today, connections.user())
                error = None if shown is not None else f"Question introuvable dans la base : {uid}"
                self.question_loaded.emit(QuestionLoaded(token, uid, shown, error))
            except Exception as exc:
                self.question_loaded.emit(QuestionLoaded(token, uid, None, user_message(exc, self.paths)))

        self.pool.start(Job(work))

    def similar(self, uid: str, limit: int = 10) -> None:
        index = self.index
        self._similar_uid = uid

        def work() -> None:
            if index is None or uid != self._similar_uid:
                return
            try:
                result = index.similar(uid, limit=limit)
                rows = tuple(ResultRow.from_hit(hit) for hit in result.hits)
                self.similar_found.emit(SimilarFound(uid, rows))
            except Exception as exc:
                self.similar_found.emit(SimilarFound(uid, (), user_message(exc, self.paths)))

        self.pool.start(Job(work))

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        self.connections.close_all()
