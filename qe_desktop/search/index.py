"""The search index: a Whoosh cache of the corpus database, checked at open, rebuilt when wrong.

On disk (see :mod:`qe_desktop.search.state`): ``state.json`` names the current
generation folder, the corpus version it is synced to and its files with
their checksums.  A rebuild writes a new generation folder and switches
``state.json`` to it atomically, so a crash or a cancel during a rebuild leaves
the previous index usable (and, being stale, rebuilt at the next open).  At
open the index is checked (missing, schema changed, stale against the
database, left by a crashed writer, files missing, truncated or corrupt) and
rebuilt with progress when anything is wrong: never a crash, never silently
wrong results.

Writers: only the holder of the data folder's writer lock
(:class:`qe_desktop.folder.WriterLock`) writes the index.  Another process
that finds the index stale or half-written while the lock is held (a search
during an import) uses the index as it is and says it is being updated.

Threads: searches (any thread) read an immutable snapshot (searcher + per-doc
tables) swapped atomically after each commit, so a writer never blocks them;
writes (update, rebuild) take one lock, one writer at a time.
"""

from __future__ import annotations

import contextlib
import heapq
import marshal
import shutil
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from qe_desktop.dates import days_between
from qe_desktop.folder import UNKNOWN_HOLDER, Holder, WriterLock
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn, never_cancelled, no_progress
from qe_desktop.model import Hit, Question, SearchRequest, SearchResult
from qe_desktop.paths import DataPaths
from qe_desktop.search import analysis, build, nodes, state
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.facets import DocTable, SegmentTable, normalize_filters, read_segment
from qe_desktop.search.highlight import snippet
from qe_desktop.search.matching import Matcher
from qe_desktop.search.query import DEFAULT_FIELDS, HighlightTerms, ParsedQuery, parse_query, pin_query
from qe_desktop.search.schema import document, fingerprint, make_schema
from qe_desktop.search.state import STATE_FILE, WRITING_FILE, IndexState, StateError
from qe_desktop.search.whoosh_adapter import IndexDamaged
from qe_desktop.store import CorpusState, CorpusStore

#: Re-exported: tests and tools name the index's files through this module.
__all__ = ["STATE_FILE", "WRITING_FILE", "IndexHealth", "SearchIndex", "SearchIndexError"]
REBUILD_BATCH = 1000
#: Questions per segment in a rebuild (bounds the writer's memory to a few hundred MB).
SEGMENT_DOCS = 25_000
#: warm() reads the posting lists of this many of the most frequent stop words of these fields.
WARM_STOP_WORDS = 8
WARM_STOP_FIELDS = ("analyse_exact", "question_exact", "reponse_exact")
#: update() reports its progress every this many questions.
UPDATE_PROGRESS_EVERY = 100
#: Seconds between two steps of warm(), for the searches waiting for the index.
WARM_PAUSE = 0.01


class AnnotationSource(Protocol):
    """What a search asks of the user's annotations (``qe_desktop.annotations.searching``)."""

    def annotated_uids(self) -> Collection[str]: ...

    def annotated_with(self, words: str) -> Collection[str]: ...


#: Names of the « Annotées » filter (``--filtre annotee=oui``), folded; its values.
ANNOTATED_FILTER = "annotee"
_ANNOTATED_NAMES = frozenset({"annotee", "annotees", "annotation", "annotations", "annotated"})
_ANNOTATED_VALUES = {
    "oui": True,
    "o": True,
    "yes": True,
    "1": True,
    "non": False,
    "n": False,
    "no": False,
    "0": False,
}


class SearchIndexError(Exception):
    """A known problem with the search index, in French (shown to the user, never swallowed)."""


@dataclass(frozen=True, slots=True)
class IndexHealth:
    """The result of :meth:`SearchIndex.check`.

    ``ok`` False means the index must be rebuilt (``reason`` says why, in
    French), unless ``busy``: another live QE Desktop process holds the data
    folder's writer lock and is updating it.
    """

    ok: bool
    reason: str
    documents: int | None = None
    corpus_count: int | None = None
    index_data_version: int | None = None
    corpus_data_version: int | None = None
    busy: bool = False
    #: The files are sound but the index is not in step with the database (it can be searched as is).
    stale: bool = False


@dataclass(slots=True)
class _Snapshot:
    """One searcher and its tables; retired (and its searcher closed) when a commit replaces it."""

    searcher: Any
    table: DocTable
    lock: threading.Lock
    matcher: Matcher
    retired: bool = False


class SearchIndex:
    """The Whoosh index of one data folder, kept in step with its corpus database.

    Open with :meth:`open`; search from any thread; call :meth:`update` with
    the uids of each committed import batch (``import_paths(on_changed=…)``).
    """

    def __init__(
        self,
        index_dir: Path,
        store: CorpusStore,
        *,
        lock: WriterLock | None = None,
        readonly: str | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.store = store
        #: The data folder's writer lock: held (reentrantly) by every write of the index.
        self.lock = lock or WriterLock(self.index_dir.parent)
        self.rebuilt_because: str | None = None
        #: Why the index was opened as it is although it is not in step (French), else None.
        self.used_as_is: str | None = None
        self._write_lock = threading.RLock()
        self._store_lock = threading.RLock()
        self._ix: Any = None
        self._generation: str | None = None
        self._state: IndexState | None = None
        self._snapshot: _Snapshot | None = None
        self._segment_tables: dict[str, SegmentTable] = {}
        self._crc_cache: dict[tuple[str, int], int] = {}
        self._readonly_reason = readonly
        self._busy: Holder | None = None
        self._damaged: str | None = None
        self._stale: str | None = None
        self._writing_now = False
        #: The user's annotations, for the « Annotées » facet and the ``note:`` field (set by the app).
        self.annotations: AnnotationSource | None = None

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: DataPaths | Path,
        store: CorpusStore,
        *,
        progress: ProgressFn = no_progress,
        cancelled: CancelFn = never_cancelled,
        rebuild: bool = True,
        deep_check: bool = True,
        readonly: str | None = None,
        lock: WriterLock | None = None,
    ) -> SearchIndex:
        """Open the index of a data folder (or an index folder), rebuilding it if it is not right.

        ``rebuilt_because`` then says why it was rebuilt (French), None if it was fine.
        ``deep_check=False`` checks file sizes but not their checksums (reading
        every file costs about a second at 133,000 questions): the window opens
        that way and runs ``check()`` in the background.
        An index that cannot be rebuilt now is used as it is when it can be read
        (``used_as_is`` says why, searches warn): another process is writing
        it (an import under way), or ``readonly`` says why the folder cannot be
        written.
        Raises Cancelled if a needed rebuild is cancelled, SearchIndexError if the
        index cannot be used and ``rebuild`` is False or impossible.
        """
        index_dir = location.index_dir if isinstance(location, DataPaths) else Path(location)
        self = cls(index_dir, store, lock=lock, readonly=readonly)
        health = self.check(deep=deep_check)
        if health.ok:
            try:
                self._open_current()
                return self
            except SearchIndexError:
                if not rebuild:
                    raise
            reason = self._damaged or "index illisible"
            self._damaged = None
        else:
            reason = health.reason
        if health.busy or (readonly and health.stale):
            # Someone else is writing it, or nobody may: search what is there, write nothing.
            self._busy = self.lock.busy() if health.busy else None
            self.used_as_is = reason
            try:
                self._open_current()
            except SearchIndexError as exc:
                if health.busy:
                    raise SearchIndexError(
                        f"L'index de recherche est en cours de construction par "
                        f"{(self._busy or UNKNOWN_HOLDER).describe()} : réessayez quand il aura fini."
                    ) from exc
                raise
            return self
        if readonly:
            raise SearchIndexError(
                f"L'index de recherche « {index_dir} » ne peut pas être utilisé ({reason}) ni reconstruit : "
                f"{readonly}. Copiez le dossier de données dans un dossier où vous pouvez écrire."
            )
        if not rebuild:
            raise SearchIndexError(f"L'index de recherche doit être reconstruit : {reason}")
        self.rebuilt_because = reason
        self.rebuild(progress, cancelled)
        return self

    def check(self, *, deep: bool = True) -> IndexHealth:
        """Is the index usable and in step with the database?  Never raises for a damaged index.

        ``deep`` also verifies the CRC32 of every file (segments are immutable,
        so a mismatch is corruption); otherwise names and sizes only.  An index
        left half-written or stale while another process holds the writer lock
        is ``busy``: that process is updating it.
        """
        with self._store_lock:
            corpus = self.store.state()

        def bad(reason: str, **kw: Any) -> IndexHealth:
            return IndexHealth(
                False, reason, corpus_count=corpus.count, corpus_data_version=corpus.data_version, **kw
            )

        def busy_or(reason: str, **kw: Any) -> IndexHealth:
            holder = None if self._writing_now else self.lock.busy()
            if holder is not None:
                return bad(f"l'index est en cours de mise à jour par {holder.describe()}", busy=True, **kw)
            return bad(reason, **kw)

        if self._damaged:
            return bad(self._damaged)
        if (self.index_dir / WRITING_FILE).exists() and not self._writing_now:
            return busy_or("une écriture de l'index a été interrompue (programme arrêté en cours de route)")
        try:
            current = state.read_state(self.index_dir)
        except StateError as exc:
            return busy_or(str(exc))
        if current.fingerprint != fingerprint():
            return bad(
                "index d'un autre format (version de QE Desktop, analyse du français ou codage changés)"
            )
        gdir = self.index_dir / current.generation
        problem = state.check_files(gdir, current.files, deep=deep, crc_cache=self._crc_cache)
        if problem:
            return bad(problem)
        try:
            documents = adapter.toc_document_count(str(gdir))
        except IndexDamaged as exc:
            return bad(f"index illisible ({exc})")
        index_version = current.data_version
        if documents != corpus.count or current.count != corpus.count:
            return busy_or(
                f"index pas à jour : {documents} questions indexées, {corpus.count} dans la base",
                documents=documents,
                index_data_version=index_version,
                stale=True,
            )
        if index_version != corpus.data_version:
            return busy_or(
                f"index pas à jour : la base a changé depuis la dernière indexation "
                f"(version {index_version}, base {corpus.data_version})",
                documents=documents,
                index_data_version=index_version,
                stale=True,
            )
        if self._stale:
            return bad(self._stale, documents=documents, index_data_version=index_version, stale=True)
        return IndexHealth(
            True,
            "index à jour",
            documents=documents,
            corpus_count=corpus.count,
            index_data_version=index_version,
            corpus_data_version=corpus.data_version,
        )

    def _open_current(self) -> None:
        try:
            current = state.read_state(self.index_dir)
        except StateError as exc:
            raise SearchIndexError(f"L'index de recherche est illisible ({exc}).") from exc
        try:
            ix = adapter.open_index(str(self.index_dir / current.generation))
            self._ix, self._generation, self._state = ix, current.generation, current
            self._refresh()
        except (IndexDamaged, OSError) as exc:
            self._damaged = f"index illisible ({exc})"
            raise SearchIndexError(f"L'index de recherche est endommagé : {self._damaged}") from exc

    # -- snapshots -------------------------------------------------------------

    def _refresh(self) -> None:
        old = self._snapshot
        # A new searcher each time: Searcher.refresh() can keep readers of segments that a
        # merge has just replaced (duplicated hits), and cannot refresh an empty index.
        searcher = adapter.searcher(self._ix)
        if old is not None:
            # Searches in flight on the old searcher finish first.
            with old.lock:
                old.retired = True
                old.searcher.close()
        matcher = Matcher(searcher)
        tables: list[tuple[SegmentTable, int]] = []
        keep: dict[str, SegmentTable] = {}
        for leaf in matcher.leaves:
            segid = leaf.segment_id
            if segid is None:
                continue  # an empty index has one empty reader
            table = self._segment_tables.get(segid)
            if table is None:
                with adapter.reading("valeurs des filtres"):
                    table = self._segment_table(leaf.reader, segid)
            keep[segid] = table
            tables.append((table, leaf.offset))
        self._segment_tables = keep
        self._forget_facet_caches(keep)
        self._snapshot = _Snapshot(searcher, DocTable(tables), threading.Lock(), matcher)

    def _facet_cache(self, segid: str) -> Path:
        return self.index_dir / (self._generation or "") / f"facets-{segid}.marshal"

    def _segment_table(self, reader: Any, segid: str) -> SegmentTable:
        """A segment's facet values: decoded once, then kept beside it (segments never change)."""
        count = reader.doc_count_all()
        cache = self._facet_cache(segid)
        payload = state.read_checked(cache)
        if payload is not None:
            # One read, then loads: marshal.load(file) reads object by object (0.1 s a segment).
            with contextlib.suppress(EOFError, ValueError, TypeError):
                table = SegmentTable(*marshal.loads(payload))
                if len(table.uids) == count:
                    return table
        # Absent, or altered (its checksum says so): decode the segment's column again.
        if reader.has_column("meta"):
            table = read_segment(reader.column_reader("meta"))
        else:
            table = read_segment([b""] * count)
        with contextlib.suppress(OSError):  # a read-only index folder still works, just slower to open
            state.write_checked(
                cache, marshal.dumps((table.uids, table.values, table.qdate, table.delay, table.adate))
            )
        return table

    def _forget_facet_caches(self, keep: dict[str, SegmentTable]) -> None:
        """Remove the caches of segments merged away."""
        if not self._generation:
            return
        for path in (self.index_dir / self._generation).glob("facets-*.marshal"):
            if path.name[len("facets-") : -len(".marshal")] not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _current(self) -> _Snapshot:
        snap = self._snapshot
        if snap is None:
            raise SearchIndexError("L'index de recherche n'est pas ouvert.")
        return snap

    @property
    def document_count(self) -> int:
        snap = self._current()
        return int(snap.searcher.doc_count())

    def close(self) -> None:
        snap, self._snapshot = self._snapshot, None
        if snap is not None:
            with snap.lock:
                snap.searcher.close()
        self._ix = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Any:
        """Hold what a write needs: the folder may be written, this process holds its writer lock,
        and ``writing.pid`` marks the write until it ends (left behind by a crash: rebuilt at next open)."""
        if self._readonly_reason:
            raise SearchIndexError(
                f"L'index de recherche ne peut pas être modifié : {self._readonly_reason}."
            )
        try:
            acquired = self.lock.try_acquire()
        except OSError as exc:
            raise SearchIndexError(
                f"L'index de recherche ne peut pas être modifié : « {exc.filename or self.lock.root} » "
                f"n'est pas modifiable ({exc.strerror or exc})."
            ) from exc
        if not acquired:
            holder = self.lock.busy() or UNKNOWN_HOLDER
            raise SearchIndexError(
                f"L'index de recherche ne peut pas être modifié : il est en cours d'écriture par "
                f"{holder.describe()}."
            )
        try:
            with state.writing_marker(self.index_dir):
                self._writing_now = True
                try:
                    yield
                finally:
                    self._writing_now = False
        finally:
            self.lock.release()

    def _write_state(self, generation: str, ix: Any, corpus: CorpusState, documents: int) -> None:
        gdir = self.index_dir / generation
        # The table of contents and the segments' files; the facet caches carry their own checksum.
        names = adapter.segment_files(ix, [p.name for p in gdir.iterdir()])
        current = IndexState(
            fingerprint=fingerprint(),
            generation=generation,
            data_version=corpus.data_version,
            count=documents,
            last_change=corpus.last_change,
            files=state.file_sums(gdir, names, self._crc_cache),
        )
        state.write_state(self.index_dir, current)
        self._state = current

    def rebuild(
        self,
        progress: ProgressFn = no_progress,
        cancelled: CancelFn = never_cancelled,
        *,
        parallel_min: int | None = None,
    ) -> None:
        """Rebuild the whole index from the database, with progress; Cancelled leaves the old one in place.

        In worker processes from ``parallel_min`` questions (default ``build.PARALLEL_MIN``; the
        smoke test gives 1, to check the bundle's workers on the sample corpus).
        """
        with self._write_lock, self._writing():
            generation = state.next_generation(self.index_dir)
            gdir = self.index_dir / generation
            gdir.mkdir()
            try:
                with self._store_lock:
                    corpus = self.store.state()
                ix = adapter.create_index(str(gdir), make_schema())
                documents = self._fill(ix, gdir, corpus.count, progress, cancelled, parallel_min)
                self._write_state(generation, ix, corpus, documents)
            except BaseException:
                shutil.rmtree(gdir, ignore_errors=True)
                raise
            old = self._snapshot
            self._ix, self._generation = ix, generation
            self._snapshot = None
            self._segment_tables = {}
            self._damaged = None
            self._stale = None
            self._busy = None
            self.used_as_is = None
            self._refresh()
            if old is not None:
                # Searches already running on the old snapshot finish first.
                with old.lock:
                    old.retired = True
                    old.searcher.close()
            state.remove_other_generations(self.index_dir, keep=generation)
            progress(documents, documents, f"Index reconstruit : {documents} questions.")

    def _fill(
        self,
        ix: Any,
        gdir: Path,
        total: int,
        progress: ProgressFn,
        cancelled: CancelFn,
        parallel_min: int | None = None,
    ) -> int:
        progress(0, total, "Indexation des questions…")
        if build.can_build_in_parallel(total, getattr(self.store, "path", None), minimum=parallel_min):
            # Both cores: one worker process per segment (see build.py).
            return build.build_parallel(
                ix,
                gdir,
                self.store,
                self._store_lock,
                total,
                SEGMENT_DOCS,
                progress,
                cancelled,
            )
        writer = adapter.FastSegmentWriter(ix)
        done = in_segment = 0
        try:
            batches = self.store.iter_batches(REBUILD_BATCH)
            while True:
                with self._store_lock:
                    batch = next(batches, None)
                if batch is None:
                    break
                for q in batch:
                    writer.add_document(**document(q))
                done += len(batch)
                in_segment += len(batch)
                progress(done, total, f"Indexation : {done} / {total} questions")
                if cancelled():
                    raise Cancelled
                if in_segment >= SEGMENT_DOCS:
                    # Bounded memory: one segment every SEGMENT_DOCS questions, not merged.
                    writer.commit(merge=False)
                    writer = adapter.FastSegmentWriter(ix)
                    in_segment = 0
            progress(done, total, "Écriture de l'index…")
            writer.commit(merge=False)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        return done

    def update(self, uids: Sequence[str], *, versions: int = 1, progress: ProgressFn = no_progress) -> None:
        """Index (or remove) these questions as they now are in the database.

        Call it after committed import batches: ``versions`` says how many
        database changes (batches) these uids cover (ImportIndexer gathers
        several).  If the database changed in between in a way this index did
        not see, the index is marked stale (``check()`` says so) rather than
        claiming to be in step.
        """
        if not uids:
            return
        with self._write_lock, self._writing():
            if self._ix is None:
                raise SearchIndexError("L'index de recherche n'est pas ouvert.")
            with self._store_lock:
                questions = self.store.get_many(list(uids))
                corpus = self.store.state()
            try:
                writer = adapter.FastSegmentWriter(self._ix)
            except adapter.LockError as exc:
                raise SearchIndexError(
                    "L'index de recherche est verrouillé par un autre programme QE Desktop."
                ) from exc
            unique = list(dict.fromkeys(uids))
            total = len(unique)
            try:
                for done, uid in enumerate(unique, start=1):
                    q = questions.get(uid)
                    if q is None:
                        writer.delete_by_term("uid", uid)
                    else:
                        writer.update_document(**document(q))
                    if done % UPDATE_PROGRESS_EVERY == 0 or done == total:
                        progress(done, total, f"Indexation : {done} / {total} questions")
                progress(total, total, "Écriture de l'index…")
                writer.commit()
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.cancel()
                raise
            previous = self._state.data_version if self._state is not None else None
            if previous is not None and not 0 <= corpus.data_version - previous <= versions:
                self._stale = (
                    "index pas à jour : la base a reçu des modifications que l'index n'a pas suivies "
                    f"(version {previous} indexée, base {corpus.data_version})"
                )
                corpus = CorpusState(corpus.count, previous, corpus.last_change)
            documents = self._ix.doc_count()
            self._write_state(self._generation or "", self._ix, corpus, documents)
            self._refresh()

    # -- searching -------------------------------------------------------------

    def _live_snapshot(self) -> _Snapshot:
        """The current snapshot, locked (the caller releases it)."""
        while True:
            snap = self._current()
            snap.lock.acquire()
            if not snap.retired:
                return snap
            snap.lock.release()

    def _guarded(self, work: Any) -> Any:
        """Run ``work(snapshot)`` on a live snapshot; a damaged index becomes SearchIndexError."""
        snap = self._live_snapshot()
        try:
            try:
                return work(snap)
            except (IndexDamaged, OSError) as exc:
                self._damaged = f"index endommagé ({exc})"
                raise SearchIndexError(
                    f"L'index de recherche est endommagé ({exc}) : il doit être reconstruit."
                ) from exc
        finally:
            snap.lock.release()

    def warm(self) -> None:
        """Read ahead what a first search would: the facet codes, every text field's document
        lengths (BM25), as arrays too (numpy is imported then), and the posting lists of the
        most frequent stop words of the texts (a phrase's score counts its stop words).

        About 0.6 s and 40 MB at 133,000 questions.  The window calls it in the
        background once the index is open (and after an import), so that no first
        search pays for it.
        """

        # Step by step, the snapshot released in between (and a pause, as the lock is not
        # fair): a search started meanwhile waits for one step, not for all of them.
        def step(work: Any) -> Any:
            done = self._guarded(work)
            time.sleep(WARM_PAUSE)
            return done

        step(lambda snap: snap.table.warm())
        kinds = self._current().matcher.kinds
        for name, (scorable, _) in kinds.items():
            if scorable:
                step(lambda snap, name=name: snap.matcher.lengths(name))
        for name in WARM_STOP_FIELDS:
            if name not in kinds:
                continue

            def frequent(snap: _Snapshot, name: str = name) -> list[str]:
                frequency = {w: adapter.doc_frequency(snap.searcher, name, w) for w in analysis.STOP_WORDS}
                return sorted(frequency, key=frequency.__getitem__, reverse=True)[:WARM_STOP_WORDS]

            for word in step(frequent):
                step(lambda snap, name=name, word=word: snap.matcher.stop_postings(name, word))

    def search(self, request: SearchRequest | str) -> SearchResult:
        """Search: every match counted, facet counts, one page of hits with both snippets.

        A query that cannot be read gives warnings and a best-effort search, never an
        exception; a damaged index raises SearchIndexError.
        """
        if isinstance(request, str):
            request = SearchRequest(query=request)
        parsed = parse_query(request.query)
        warnings = list(parsed.warnings)
        wanted_annotated, other_filters = self._annotated_filter(request.filters, warnings)
        try:
            filters = normalize_filters(other_filters)
        except ValueError as exc:
            warnings.append(f"{exc} : filtre ignoré.")
            filters = {}
        annotated = self._annotated_uids(parsed.query, wanted_annotated, warnings)
        if self._busy is not None:
            warnings.append(
                f"L'index est en cours de mise à jour par {self._busy.describe()} : "
                "les résultats peuvent être incomplets."
            )
        elif self.used_as_is:
            warnings.append(
                f"L'index n'est pas à jour et ne peut pas l'être ici ({self.used_as_is}) : "
                "les résultats peuvent être incomplets."
            )
        elif self._stale:
            warnings.append("L'index n'est pas à jour : reconstruisez-le (qe-desktop reindex).")
        limit = max(0, request.limit)
        offset = max(0, request.offset)

        def work(snap: _Snapshot) -> tuple[_Snapshot, list[tuple[int, float | None]], int, dict[str, Any]]:
            table = snap.table
            matcher = snap.matcher
            query, pinned, docset = self._found(snap, parsed, warnings)
            annotated_docs = None if annotated is None else _docnums(table, annotated)
            if annotated_docs is not None and wanted_annotated is not None:
                # The other facets count what the « Annotées » filter keeps; it counts what they keep.
                unfiltered = table.filter_docs(docset, filters) if filters else docset
                docset = _annotated_only(docset, annotated_docs, wanted_annotated)
                final, facets = table.filter_and_count(docset, filters)
                facets[ANNOTATED_FILTER] = _annotated_counts(unfiltered, annotated_docs)
            else:
                final, facets = table.filter_and_count(docset, filters)
                if annotated_docs:
                    facets[ANNOTATED_FILTER] = _annotated_counts(final, annotated_docs)
            final_set = set(final) if (filters or pinned or wanted_annotated is not None) else docset
            first = [d for d in pinned if d in final_set]
            wanted = offset + limit
            rest_needed = max(0, wanted - len(first))
            ranked: list[tuple[int, float | None]] = [(d, None) for d in first]
            first_set = set(first)
            if rest_needed:
                if request.sort == "pertinence" and query is not None:
                    candidates = final_set - first_set if first_set else final_set
                    for docnum, score in matcher.top(query, candidates, rest_needed):
                        ranked.append((docnum, float(score)))
                else:
                    key = {"delai": table.delay, "reponse": table.adate}.get(request.sort, table.qdate)
                    pool = (d for d in final if d not in first_set)
                    ranked.extend((d, None) for d in heapq.nlargest(rest_needed, pool, key=key.__getitem__))
            return snap, ranked[offset:wanted], len(final), facets

        snap, page, total, facets = self._guarded(work)
        hits = self._hits(snap, page, parsed, request.snippets)
        if len(hits) < len(page):
            warnings.append("Des résultats manquent dans la base : l'index n'est pas à jour.")
        warnings = list(dict.fromkeys(warnings))
        return SearchResult(
            query=parsed.text,
            interpretation=parsed.interpretation,
            total=total,
            hits=tuple(hits),
            facets=facets,
            warnings=tuple(warnings),
            sort=request.sort,
            offset=offset,
        )

    def matching_uids(self, request: SearchRequest | str) -> list[str]:
        """Every question the search finds (its query and filters; order and page ignored).

        What :meth:`search` counts in ``total``, without ranking, facet counts, hits or snippets:
        for views over the whole result (the statistics).  Warnings are not returned.
        """
        if isinstance(request, str):
            request = SearchRequest(query=request)
        parsed = parse_query(request.query)
        warnings: list[str] = []
        wanted_annotated, other_filters = self._annotated_filter(request.filters, warnings)
        try:
            filters = normalize_filters(other_filters)
        except ValueError:
            filters = {}
        annotated = self._annotated_uids(parsed.query, wanted_annotated, warnings)

        def work(snap: _Snapshot) -> list[str]:
            table = snap.table
            _, _, docset = self._found(snap, parsed, warnings)
            if annotated is not None and wanted_annotated is not None:
                docset = _annotated_only(docset, _docnums(table, annotated), wanted_annotated)
            final = table.filter_docs(docset, filters) if filters else docset
            uids = table.uids
            return [uids[d] for d in final]

        result: list[str] = self._guarded(work)
        return result

    def _annotated_filter(
        self, filters: Sequence[tuple[str, str]], warnings: list[str]
    ) -> tuple[bool | None, tuple[tuple[str, str], ...]]:
        """The « Annotées » filter taken out of the others: True (annotated), False (not), None."""
        wanted: bool | None = None
        others: list[tuple[str, str]] = []
        for item in filters:
            key, value = (
                item if not isinstance(item, str) else (item.partition("=")[0], item.partition("=")[2])
            )
            if analysis.fold(key).replace("-", "_").strip() not in _ANNOTATED_NAMES:
                others.append(item)
                continue
            choice = _ANNOTATED_VALUES.get(analysis.fold(value).strip())
            if choice is None:
                warnings.append(
                    f"Valeur « {value} » du filtre « Annotées » : oui ou non attendu ; filtre ignoré."
                )
            else:
                wanted = choice
        return wanted, tuple(others)

    def _annotated_uids(
        self, query: nodes.Node | None, wanted: bool | None, warnings: list[str]
    ) -> Collection[str] | None:
        """The annotated questions, when the search needs them (its facet, filter or ``note:``)."""
        if self.annotations is None:
            if wanted is not None or (query is not None and _has_annotated(query)):
                warnings.append("Les annotations ne sont pas consultables ici : critère ignoré.")
            return None
        return self.annotations.annotated_uids()

    def _with_annotations(
        self, query: nodes.Node | None, table: DocTable, warnings: list[str]
    ) -> nodes.Node | None:
        """The query with each ``note:`` criterion replaced by the documents it names."""
        if query is None or not _has_annotated(query):
            return query
        source = self.annotations

        def resolve(node: nodes.Node) -> nodes.Node | None:
            if not isinstance(node, nodes.Annotated):
                return None
            if source is None:
                return nodes.Docs(frozenset())
            uids = source.annotated_with(node.words) if node.words else source.annotated_uids()
            return nodes.Docs(frozenset(_docnums(table, uids)))

        return nodes.replaced(query, resolve)

    def _found(
        self, snap: _Snapshot, parsed: ParsedQuery, warnings: list[str]
    ) -> tuple[nodes.Node | None, list[int], frozenset[int]]:
        """What a search and :meth:`matching_uids` both find: the query as matched (its ``note:``
        criteria resolved), the documents a typed reference pins first, and every document found."""
        query = self._with_annotations(parsed.query, snap.table, warnings)
        pinned = self._pinned_docs(snap.matcher, snap.table, parsed)
        matched = snap.matcher.all_docs() if query is None else snap.matcher.docs(query)
        warnings.extend(_capped_patterns(snap.matcher, query))
        return query, pinned, (matched.union(pinned) if pinned else matched)

    def _pinned_docs(self, matcher: Matcher, table: DocTable, parsed: ParsedQuery) -> list[int]:
        pinned: list[int] = []
        for ref in parsed.references:
            docs = sorted(matcher.docs(pin_query(ref)), key=lambda d: -_leg(table, d))
            for d in docs:
                if d not in pinned:
                    pinned.append(d)
        return pinned

    def _hits(
        self,
        snap: _Snapshot,
        page: list[tuple[int, float | None]],
        marks: ParsedQuery | HighlightTerms,
        snippets: bool = True,
    ) -> list[Hit]:
        uids = [snap.table.uids[d] for d, _ in page]
        with self._store_lock:
            questions = self.store.get_many(uids)
        hits: list[Hit] = []
        q_marks = marks if isinstance(marks, HighlightTerms) else marks.marks("question")
        a_marks = marks if isinstance(marks, HighlightTerms) else marks.marks("answer")
        for (_, score), uid in zip(page, uids, strict=True):
            q = questions.get(uid)
            if q is None:
                continue
            hits.append(
                _hit(
                    q,
                    score,
                    snippet(q.question_text, q_marks) if snippets else "",
                    snippet(q.answer_text, a_marks) if snippets else "",
                )
            )
        return hits

    # -- similar questions -----------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The uid of a question given by uid or reference (``13-101851QE``, ``101851``), or None."""
        ref = ref.strip()
        with self._store_lock:
            if self.store.get(ref) is not None:
                return ref
            uids = self.store.find_uids(ref)
        return uids[0] if uids else None

    def similar(self, ref: str, limit: int = 10) -> SearchResult:
        """The questions closest to one question (its analyse and text), best first.

        Raises SearchIndexError (French) when the question is unknown.
        """
        uid = self.resolve(ref)
        if uid is None:
            raise SearchIndexError(f"Question introuvable : « {ref} ».")
        with self._store_lock:
            source = self.store.get(uid)
        assert source is not None
        author_words = set(analysis.stemmed_terms(source.author or ""))
        # Oral questions have no question text: their answer (the session transcript) stands in.
        body = source.question_text or source.answer_text or ""
        analyse = "\n".join(t for t in (source.tete_analyse, source.analyse) if t)

        def work(snap: _Snapshot) -> tuple[_Snapshot, list[tuple[int, float | None]], set[str]]:
            searcher = snap.searcher
            weights: dict[str, float] = {}
            body_field = "question" if source.question_text else "reponse"
            for field_name, text, count, boost in (("analyse", analyse, 8, 2.0), (body_field, body, 25, 1.0)):
                if not text.strip():
                    continue
                taken = 0
                terms = adapter.key_terms(searcher, field_name, text, count + len(author_words) + 5)
                for term, weight in terms:
                    if term in author_words or len(term) < 3 or taken >= count:
                        continue
                    taken += 1
                    weights[term] = weights.get(term, 0.0) + boost * float(weight)
            if not weights:
                return snap, [], set()
            query = nodes.Or(
                tuple(
                    nodes.Term(field_name, term, weight * field_boost)
                    for term, weight in weights.items()
                    for field_name, field_boost in DEFAULT_FIELDS
                )
            )
            own = snap.table.docnum_of(uid)
            # Ranked as Whoosh ranks it, over arrays (its own matchers took seconds at 133,000).
            best = snap.matcher.top(query, snap.matcher.docs(query), limit + 1)
            ranked: list[tuple[int, float | None]] = []
            ranked.extend((d, float(v)) for d, v in best if d != own)
            del ranked[limit:]
            return snap, ranked, set(weights)

        snap, page, keys = self._guarded(work)
        marks = HighlightTerms(stems=frozenset(keys))
        hits = self._hits(snap, page, marks)
        label = source.reference if source.number is not None else uid
        return SearchResult(
            query=ref,
            interpretation=f"Questions proches de la question {label} (analyse et texte de la question)",
            total=len(hits),
            hits=tuple(hits),
        )


def _capped_patterns(matcher: Matcher, query: nodes.Node | None) -> list[str]:
    """A French warning for each prefix, wildcard or fuzzy word that matched more words than
    are searched (``matching.MAX_EXPANSION``)."""
    if query is None:
        return []
    out: list[str] = []
    for leaf in dict.fromkeys(nodes.leaves(query)):
        if not isinstance(leaf, nodes.Pattern):
            continue
        searched, matched = matcher.expansion(leaf)
        if searched >= matched:
            continue
        shown = {"prefix": f"{leaf.text}*", "fuzzy": f"{leaf.text}~{leaf.maxdist}"}.get(leaf.kind, leaf.text)
        count = f"{searched:,}".replace(",", "\u202f")
        out.append(
            f"Le motif « {shown} » correspond à plus de {count} mots : "
            f"seuls les {count} plus fréquents sont cherchés."
        )
    return list(dict.fromkeys(out))


def _has_annotated(query: nodes.Node) -> bool:
    return any(isinstance(leaf, nodes.Annotated) for leaf in nodes.leaves(query))


def _docnums(table: DocTable, uids: Collection[str]) -> set[int]:
    """The documents of these questions (those the index holds)."""
    found = (table.docnum_of(uid) for uid in uids)
    return {d for d in found if d is not None}


def _annotated_only(docs: frozenset[int], annotated: set[int], wanted: bool) -> frozenset[int]:
    """The « Annotées » filter: the annotated documents of ``docs`` (``wanted``), or the others."""
    return docs & annotated if wanted else docs - annotated


def _annotated_counts(docs: Sequence[int] | frozenset[int], annotated: set[int]) -> list[tuple[str, int]]:
    """The « Annotées » facet: how many of ``docs`` are annotated, and how many are not."""
    yes = len(annotated.intersection(docs))
    return [("oui", yes), ("non", len(docs) - yes)]


def _leg(table: DocTable, docnum: int) -> int:
    value = table.values["legislature"][docnum]
    return int(value) if value.isdigit() else 0


def _hit(q: Question, score: float | None, question_snippet: str, answer_snippet: str) -> Hit:
    return Hit(
        uid=q.uid,
        score=score,
        legislature=q.legislature,
        type=q.type,
        number=q.number,
        analyse=q.analyse,
        tete_analyse=q.tete_analyse,
        rubrique=q.rubrique,
        author=q.author,
        group_abbrev=q.group_abbrev or q.group,
        question_date=q.question_date,
        answer_date=q.answer_date,
        status=q.status,
        question_snippet=question_snippet,
        answer_snippet=answer_snippet,
        answer_delay_days=days_between(q.question_date, q.answer_date),
    )
