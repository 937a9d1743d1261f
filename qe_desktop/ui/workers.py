"""Everything long runs here, off the GUI thread.

- :class:`WriteJobs` owns the one writer thread: the write connection to the
  corpus and the search index's writer.  Opening the data folder (importing
  the sample into an empty one, checking or rebuilding the index), imports
  and reindexing run there, one at a time, with progress and cancel.
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

import gc
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from qe_desktop.corpus import import_and_index, import_sample
from qe_desktop.folder import DataFolderError, Holder, WriterLock, lost_corpus, open_folder, remember_import
from qe_desktop.jobs import Cancelled
from qe_desktop.model import Changes, ImportReport, SearchRequest, SearchResult
from qe_desktop.paths import DataPaths
from qe_desktop.render import (
    Highlights,
    answer_html,
    citation,
    key_data_html,
    official_url,
    question_html,
)
from qe_desktop.search.highlight import highlight_spans
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.store import CorpusStore, StoreError
from qe_desktop.ui.reader import ShownQuestion
from qe_desktop.ui.results_model import ResultRow

log = logging.getLogger(__name__)

#: Known problems: their message (French) is shown as is; anything else is a bug, logged with its traceback.
KNOWN_ERRORS: tuple[type[Exception], ...] = (StoreError, SearchIndexError, DataFolderError, OSError)


def user_message(exc: BaseException, paths: DataPaths) -> str:
    """The French message for an error; bugs are logged with their traceback."""
    if isinstance(exc, KNOWN_ERRORS):
        log.warning("%s", exc)
        if isinstance(exc, OSError):
            return f"Erreur de fichier : {exc.strerror or exc} ({exc.filename or ''})".replace(" ()", "")
        return str(exc)
    log.error("Erreur inattendue", exc_info=(type(exc), exc, exc.__traceback__))
    return (
        "Une erreur inattendue s'est produite. Le détail technique est enregistré dans le journal : "
        f"{paths.log_file}"
    )


# -- payloads ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Failure:
    """A job that failed: what it was, and a French message for the user."""

    job: str
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
class DataOpened:
    """The data folder is open: the index to search, and the sample import if there was one."""

    index: SearchIndex | None
    status: CorpusStatus
    sample_report: ImportReport | None = None
    index_rebuilt_because: str | None = None


@dataclass(frozen=True, slots=True)
class ImportDone:
    report: ImportReport
    changes: Changes
    status: CorpusStatus


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


# -- the writer ---------------------------------------------------------------------


class Writer(QObject):
    """Lives in the writer thread; owns the write connection and the index writer."""

    job_started = Signal(str)
    progressed = Signal(object)  # Progress
    data_opened = Signal(object)  # DataOpened
    import_finished = Signal(object)  # ImportDone
    index_rebuilt = Signal(object)  # CorpusStatus
    failed = Signal(object)  # Failure
    job_ended = Signal()

    def __init__(self, paths: DataPaths) -> None:
        super().__init__()
        self.paths = paths
        self.store: CorpusStore | None = None
        self.index_store: CorpusStore | None = None
        self.index: SearchIndex | None = None
        self.cancel_event = threading.Event()
        #: Held during each write job only: an import from the command line can run in between.
        self.lock = WriterLock(paths.root, "la fenêtre QE Desktop")
        #: Why nothing can be written in this data folder (French), else None.
        self.readonly_reason: str | None = None

    # -- helpers --

    def _progress(self, done: int, total: int | None, message: str) -> None:
        self.progressed.emit(Progress(done, total, message))

    def _cancelled(self) -> bool:
        return self.cancel_event.is_set()

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

    def _open_index(self) -> str | None:
        assert self.store is not None
        if self.index_store is None:
            self.index_store = CorpusStore(self.paths.corpus_db, readonly=True)
        self.job_started.emit("Vérification de l'index de recherche…")
        if self.index is not None:
            self.index.close()
            self.index = None
        self.index = SearchIndex.open(
            self.paths,
            self.index_store,
            progress=self._progress,
            cancelled=self._cancelled,
            deep_check=False,
            lock=self.lock,
            readonly=self.readonly_reason,
        )
        return self.index.rebuilt_because

    def _wait_for_lock(self) -> None:
        """Take the folder's writer lock, waiting (cancellable, and said) while another program writes."""

        def waiting(holder: Holder) -> None:
            self.job_started.emit(
                f"En attente de la fin de {holder.describe()}, qui écrit dans ce dossier de données…"
            )

        self.lock.acquire(on_wait=waiting, cancelled=self._cancelled)

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

    def _verify_index(self) -> None:
        """The checks left out at start, once the window is usable: the corpus's integrity (bounded),
        the index's checksums (damage means a rebuild)."""
        if self.store is not None:
            try:
                self.store.verify()
            except StoreError as exc:
                self.failed.emit(Failure("open", user_message(exc, self.paths)))
                return
        if self.index is None or self.readonly_reason:
            return
        health = self.index.check(deep=True)
        if health.ok or health.busy or not self.lock.try_acquire():
            return
        log.warning("index damaged, rebuilding: %s", health.reason)
        self.job_started.emit(f"Reconstruction de l'index de recherche ({health.reason})…")
        try:
            self.index.rebuild(self._progress, self._cancelled)
            self.index_rebuilt.emit(self.status())
        except Cancelled:
            self.failed.emit(Failure("index", "Reconstruction de l'index annulée : l'index est endommagé."))
        except Exception as exc:
            self.failed.emit(Failure("index", user_message(exc, self.paths)))
        finally:
            self.lock.release()
            self.job_ended.emit()

    # -- jobs --

    @Slot(bool)
    def open_data(self, sample_if_empty: bool) -> None:
        """Open the corpus (importing the sample into an empty one), then check the index.

        A folder that cannot be written is opened read-only; one that another
        program is writing (an import from the command line) is opened as it
        is, the index used as it stands.
        """
        self.cancel_event.clear()
        sample: ImportReport | None = None
        rebuilt: str | None = None
        holding = False
        try:
            self.job_started.emit("Ouverture du dossier de données…")
            self.readonly_reason = open_folder(self.paths, write=False).readonly_reason
            lost = lost_corpus(self.paths)
            if lost:
                self.failed.emit(Failure("open", lost))
            holding = self.readonly_reason is None and self.lock.try_acquire()
            if holding or (self.readonly_reason is None and self.paths.corpus_db.exists()):
                # Without the lock, another program is writing: read the corpus, never create it.
                self.store = CorpusStore(self.paths.corpus_db, readonly=not holding)
            else:
                self.store = CorpusStore(self.paths.corpus_db, readonly=True)
            if holding and sample_if_empty and not lost and self.store.count() == 0:
                self.job_started.emit("Import du corpus d'exemple…")
                sample = import_sample(self.store, progress=self._progress, cancelled=self._cancelled)
                remember_import(self.paths, [], sample=True)
            rebuilt = self._open_index()
        except Cancelled:
            self.failed.emit(
                Failure("index", "Reconstruction de l'index annulée : la recherche est indisponible.")
            )
        except Exception as exc:
            self.failed.emit(Failure("open", user_message(exc, self.paths)))
        finally:
            if holding:
                self.lock.release()
            self.data_opened.emit(DataOpened(self.index, self.status(), sample, rebuilt))
            self.job_ended.emit()
        if rebuilt is None:
            self._verify_index()

    @Slot()
    def warm_index(self) -> None:
        """Asked by the window once its first question is shown (not to slow the start down)."""
        self._warm_index()

    def _warm_index(self) -> None:
        """Read ahead what the first searches need, then set the long-lived objects apart from
        the garbage collector: a full collection over them (the index's tables, the analysis
        caches) costs some 70 ms at 133,000 questions, in the middle of a search."""
        if self.index is None:
            return
        try:
            self.index.warm()
        except Exception:  # a damaged index: the checksum check rebuilds it
            log.exception("index warm-up failed")
        gc.freeze()

    @Slot(object)
    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files, folders and zips; the index follows batch by batch."""
        self.cancel_event.clear()
        try:
            store = self._writable_store()
            self._wait_for_lock()
            try:
                self.job_started.emit("Import…")
                if self.index is None or self.index.used_as_is:
                    self._open_index()  # opened while another program wrote: brought in step now
                report = import_and_index(
                    store,
                    self.index,
                    list(paths),
                    progress=self._progress,
                    cancelled=self._cancelled,
                    on_phase=self.job_started.emit,
                )
                remember_import(self.paths, [Path(p).resolve() for p in paths])
                if self.index is None:
                    self._open_index()
            finally:
                self.lock.release()
            changes = Changes(questions_added=report.added_uids, questions_updated=report.updated_uids)
            self.import_finished.emit(ImportDone(report, changes, self.status()))
            self._warm_index()
        except Cancelled:
            self.failed.emit(Failure("import", "Import annulé."))
        except Exception as exc:
            self.failed.emit(Failure("import", user_message(exc, self.paths)))
        finally:
            self.job_ended.emit()

    @Slot()
    def rebuild_index(self) -> None:
        self.cancel_event.clear()
        try:
            self._writable_store()
            self._wait_for_lock()
            try:
                self.job_started.emit("Reconstruction de l'index de recherche…")
                reopened = self.index is None or bool(self.index.used_as_is)
                if reopened:
                    self._open_index()  # rebuilds it if it is not in step
                if self.index is not None and not (reopened and self.index.rebuilt_because):
                    self.index.rebuild(self._progress, self._cancelled)
            finally:
                self.lock.release()
            self.index_rebuilt.emit(self.status())
            self._warm_index()
        except Cancelled:
            self.failed.emit(
                Failure("index", "Reconstruction de l'index annulée ; l'index précédent est conservé.")
            )
        except Exception as exc:
            self.failed.emit(Failure("index", user_message(exc, self.paths)))
        finally:
            self.job_ended.emit()

    def close(self) -> None:
        """Called once the thread has stopped."""
        for closable in (self.index, self.store, self.index_store):
            if closable is not None:
                closable.close()
        self.index = self.store = self.index_store = None


class WriteJobs(QObject):
    """The GUI's handle on the writer thread: requests go in as queued signals."""

    open_requested = Signal(bool)
    import_requested = Signal(object)
    rebuild_requested = Signal()
    warm_requested = Signal()

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread_ = QThread()
        self.thread_.setObjectName("qe-writer")
        self.writer = Writer(paths)
        self.writer.moveToThread(self.thread_)
        self.open_requested.connect(self.writer.open_data)
        self.import_requested.connect(self.writer.import_files)
        self.rebuild_requested.connect(self.writer.rebuild_index)
        self.warm_requested.connect(self.writer.warm_index)
        self.writer.job_started.connect(self.on_writer_job_started)
        self.writer.job_ended.connect(self.on_writer_job_ended)
        self.busy = False
        self.thread_.start()

    def on_writer_job_started(self, title: str) -> None:
        self.busy = True

    def on_writer_job_ended(self) -> None:
        self.busy = False

    def open(self, *, sample_if_empty: bool = True) -> None:
        self.busy = True
        self.open_requested.emit(sample_if_empty)

    def import_files(self, paths: Sequence[Path]) -> None:
        self.busy = True
        self.import_requested.emit(list(paths))

    def rebuild_index(self) -> None:
        self.busy = True
        self.rebuild_requested.emit()

    def warm(self) -> None:
        """Read ahead what searches need, in the writer thread (see ``SearchIndex.warm``)."""
        self.warm_requested.emit()

    def cancel(self) -> None:
        """Ask the running job to stop (thread-safe: a flag the job polls)."""
        self.writer.cancel_event.set()

    def shutdown(self) -> None:
        self.cancel()
        self.thread_.quit()
        self.thread_.wait()
        self.writer.close()


# -- readers ------------------------------------------------------------------------


class ReadConnections:
    """One read-only corpus connection per pool thread, all closed at the end."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.Lock()
        self._by_thread: dict[int, CorpusStore] = {}

    def store(self) -> CorpusStore:
        ident = threading.get_ident()
        with self._lock:
            store = self._by_thread.get(ident)
        if store is None:
            store = CorpusStore(self.paths.corpus_db, readonly=True)
            with self._lock:
                self._by_thread[ident] = store
        return store

    def close_all(self) -> None:
        with self._lock:
            stores = list(self._by_thread.values())
            self._by_thread.clear()
        for store in stores:
            store.close()


def shown_question(
    store: CorpusStore, uid: str, query: str, today: date | None = None
) -> ShownQuestion | None:
    """Load a question and render it with the query's matches marked (no Qt: any thread)."""
    q = store.get(uid)
    if q is None:
        return None
    highlights = Highlights(
        question=tuple(highlight_spans(q.question_text, query, "question")),
        answer=tuple(highlight_spans(q.answer_text, query, "answer")),
        analyse=tuple(highlight_spans(q.analyse, query, "any")),
    )
    return ShownQuestion(
        question=q,
        key_html=key_data_html(q, highlights, today, columns=2),
        question_html=question_html(q, highlights.question),
        answer_html=answer_html(q, highlights.answer, today),
        citation=citation(q),
        url=official_url(q),
        query=query,
    )


class _Job(QRunnable):
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
                rows = tuple(ResultRow.from_hit(hit) for hit in result.hits)
                self.search_finished.emit(SearchDone(token, request, result, rows))
            except Exception as exc:
                self.search_finished.emit(SearchDone(token, request, None, (), user_message(exc, self.paths)))

        self.pool.start(_Job(work))

    def load(self, token: int, uid: str, query: str) -> None:
        self._load_token = max(self._load_token, token)
        today = self.today

        def work() -> None:
            if token < self._load_token:
                return
            try:
                shown = shown_question(self.connections.store(), uid, query, today)
                error = None if shown is not None else f"Question introuvable dans la base : {uid}"
                self.question_loaded.emit(QuestionLoaded(token, uid, shown, error))
            except Exception as exc:
                self.question_loaded.emit(QuestionLoaded(token, uid, None, user_message(exc, self.paths)))

        self.pool.start(_Job(work))

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

        self.pool.start(_Job(work))

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        self.connections.close_all()
