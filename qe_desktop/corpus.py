"""Import orchestration: sources -> sniff -> parse -> clean -> store (batch by batch) -> index.

Every problem with the input becomes a Rejection naming the file (and the zip
member, and the record); the rest of the import goes on.  Every record passes
through :func:`qe_desktop.importers.clean.clean` before the store: what it
had to change is listed in the report (``cleaned``).  Each batch is one
transaction, so a cancelled or failed import keeps every batch committed
before it and nothing half-written.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from qe_desktop import importers
from qe_desktop.importers.clean import clean, clean_rejection, cleaned_record
from qe_desktop.importers.sources import Source, expand_paths
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn, never_cancelled, no_progress
from qe_desktop.model import Actor, CleanedRecord, ImportReport, Organe, Question, Rejection
from qe_desktop.paths import sample_folders
from qe_desktop.search.follow import ImportIndexer
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.duplicates import update_duplicates

#: Called after each committed batch with the uids whose stored record changed,
#: so that the search index follows the database batch by batch.
ChangedFn = Callable[[Sequence[str]], None]

BATCH_SIZE = 500
_REFERENCE_BATCH = 2000


#: Zip members up to this size are read once, whole, and then sniffed and
#: parsed from memory (a question document is a few KB).
_READ_WHOLE = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _ArchiveMember(Source):
    """A zip member read through an archive that stays open (see _OpenArchives)."""

    archive: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)
    data: bytes | None = field(default=None, repr=False, compare=False)

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.archive is None or self.member is None:
            return Source.open(self)
        return self.archive.open(self.member)


class _OpenArchives:
    """Keeps the zip being read open from one member to the next.

    Opening a ZipFile parses its whole central directory: opened again for
    every member (to sniff, then to parse), a 133,000-member dump took
    quadratic time (~0.6 s per open).  Members come grouped by archive, so
    one open archive at a time is enough.  Small members are also read once
    and handed over in memory, rather than inflated twice (sniff, then parse).
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.archive: zipfile.ZipFile | None = None

    def wrap(self, source: Source) -> Source:
        if source.member is None:
            return source
        if source.path != self.path:
            self.close()
            self.path = source.path
            try:
                self.archive = zipfile.ZipFile(source.path)
            except (zipfile.BadZipFile, OSError):
                # Read the members the ordinary way: their importer reports the problem.
                self.archive = None
        if self.archive is None:
            return source
        data = None
        if source.size <= _READ_WHOLE:
            try:
                data = self.archive.read(source.member)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
                # Unreadable member (CRC, truncated, encrypted): read it lazily, so that
                # the sniff or the importer reports it exactly as for any other file.
                data = None
        return _ArchiveMember(source.path, source.member, source.size, self.archive, data)

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        self.path = self.archive = None


@dataclass
class _Tally:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    reference_records: int = 0
    cleaned: list[CleanedRecord] = field(default_factory=list)

    def report(self, cancelled: bool) -> ImportReport:
        return ImportReport(
            added=len(self.added),
            updated=len(self.updated),
            unchanged=self.unchanged,
            rejected=tuple(self.rejected),
            cancelled=cancelled,
            added_uids=tuple(self.added),
            updated_uids=tuple(self.updated),
            reference_records=self.reference_records,
            cleaned=tuple(self.cleaned),
        )


class _Importer:
    def __init__(self, store: CorpusStore, on_changed: ChangedFn | None) -> None:
        self.store = store
        self.on_changed = on_changed
        self.tally = _Tally()
        self.questions: list[Question] = []
        self.actors: list[Actor] = []
        self.organes: list[Organe] = []
        # Cleaned records wait for their batch: listed once stored, dropped with it on cancel.
        self.cleaned_questions: list[CleanedRecord] = []
        self.cleaned_reference: list[CleanedRecord] = []

    def reject(self, rejection: Rejection) -> None:
        self.tally.rejected.append(clean_rejection(rejection))

    def take(self, item: Question | Actor | Organe | Rejection, source: str) -> None:
        """One parsed item of ``source`` (the file, or zip member, it was read from)."""
        if isinstance(item, Rejection):
            self.reject(item)
            return
        ready, notes = clean(item, source)
        if isinstance(ready, Rejection):
            self.reject(ready)
            return
        if notes:
            entry = cleaned_record(source, ready.uid, notes)
            (self.cleaned_questions if isinstance(ready, Question) else self.cleaned_reference).append(entry)
        if isinstance(ready, Question):
            self.questions.append(ready)
            if len(self.questions) >= BATCH_SIZE:
                self.flush_questions()
        elif isinstance(ready, Actor):
            self.actors.append(ready)
        else:
            self.organes.append(ready)
        if len(self.actors) + len(self.organes) >= _REFERENCE_BATCH:
            self.flush_reference()

    def drop_pending(self) -> None:
        """Forget what was read but not committed (on cancel)."""
        self.questions, self.actors, self.organes = [], [], []
        self.cleaned_questions, self.cleaned_reference = [], []

    def flush_questions(self) -> None:
        if not self.questions:
            return
        result = self.store.upsert_questions(self.questions)
        self.questions = []
        self.tally.added.extend(result.added)
        self.tally.updated.extend(result.updated)
        self.tally.unchanged += len(result.unchanged)
        for rejection in result.rejected:
            self.reject(rejection)
        refused = {r.record for r in result.rejected}
        self.tally.cleaned.extend(c for c in self.cleaned_questions if c.record not in refused)
        self.cleaned_questions = []
        changed = [*result.added, *result.updated]
        if changed and self.on_changed is not None:
            self.on_changed(changed)

    def flush_reference(self) -> None:
        if not self.actors and not self.organes:
            return
        changed = self.store.upsert_reference(self.actors, self.organes)
        self.tally.reference_records += len(self.actors) + len(self.organes)
        self.tally.cleaned.extend(self.cleaned_reference)
        self.actors, self.organes, self.cleaned_reference = [], [], []
        if changed and self.on_changed is not None:
            self.on_changed(changed)

    def flush(self) -> None:
        self.flush_reference()
        self.flush_questions()


def _read_source(source: Source, importer: _Importer, cancelled: CancelFn) -> bool:
    """Parse one source into the importer; False when cancelled."""
    if source.size == 0:
        importer.reject(Rejection(source.name, "fichier vide"))
        return True
    try:
        head = source.head()
    except OSError as exc:
        importer.reject(Rejection(source.name, f"fichier illisible ({exc})"))
        return True
    module = importers.sniff(source, head)
    if module is None:
        if b"\x00" in head:
            reason = "fichier binaire : ce n'est pas une question (JSON, XML ou texte de page attendu)"
        else:
            reason = "format non reconnu : ni JSON ni XML de l'Assemblée nationale, ni page de question"
        importer.reject(Rejection(source.name, reason))
        return True
    name = source.name
    try:
        for item in module.parse(source):
            importer.take(item, name)
            if cancelled():
                return False
    except OSError as exc:
        importer.reject(Rejection(source.name, f"lecture interrompue ({exc})"))
    return True


def import_paths(
    store: CorpusStore,
    paths: Sequence[Path],
    *,
    on_changed: ChangedFn | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> ImportReport:
    """Import files, folders and zip dumps into the store; report what happened.

    Upsert by uid: a question seen again is ``unchanged`` or ``updated``,
    never duplicated.  On cancel, the batch being read is dropped and the
    report says ``cancelled``; everything committed before stays.
    """
    importer = _Importer(store, on_changed)
    items = list(expand_paths(list(paths)))
    sources = [s for s in items if isinstance(s, Source)]
    for item in items:
        if isinstance(item, Rejection):
            importer.reject(item)
    total = len(sources)
    progress(0, total, "Lecture des fichiers…")
    archives = _OpenArchives()
    try:
        for done, source in enumerate(sources, start=1):
            if cancelled() or not _read_source(archives.wrap(source), importer, cancelled):
                # What is pending was read but not committed: drop it, keep the rest.
                importer.drop_pending()
                return importer.tally.report(cancelled=True)
            tally = importer.tally
            progress(
                done,
                total,
                f"{done}/{total} fichiers — {len(tally.added)} ajoutées, {len(tally.updated)} mises à jour, "
                f"{tally.unchanged} inchangées, {len(tally.rejected)} rejetées",
            )
    finally:
        archives.close()
    importer.flush()
    return importer.tally.report(cancelled=False)


def import_sample(
    store: CorpusStore,
    *,
    on_changed: ChangedFn | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> ImportReport:
    """Import the bundled sample corpus (real records, Licence Ouverte)."""
    return import_paths(
        store, sample_folders(), on_changed=on_changed, progress=progress, cancelled=cancelled
    )


def import_and_index(
    store: CorpusStore,
    index: SearchIndex | None,
    paths: Sequence[Path],
    *,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
    on_phase: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import files into the store and keep the search index in step: the one import of the
    command line and of the window.

    The index follows in large batches during the import, or is rebuilt once
    at the end when the import outgrows it (see ImportIndexer); whatever
    happens (finished, cancelled, failed) it ends in step with what the
    database committed, with progress.  The caller holds the data folder's
    writer lock.
    """
    if index is None:
        report = import_paths(store, paths, progress=progress, cancelled=cancelled)
    else:
        indexer = ImportIndexer(index, progress=progress)
        try:
            report = import_paths(store, paths, on_changed=indexer, progress=progress, cancelled=cancelled)
        finally:
            if indexer.rebuild_needed and on_phase is not None:
                on_phase("Indexation des questions importées…")
            indexer.finish(progress, never_cancelled)
    # Answers given many times: the questions added or changed (or never compared, in a corpus
    # made before schema 4) are compared with the others now, so that the reader and the results
    # read the groups at no cost.  Nothing to compute costs one query; a cancel leaves the rest
    # for the next import (the update is incremental).
    if not cancelled():
        with contextlib.suppress(Cancelled):
            update_duplicates(store, progress=progress, cancelled=cancelled)
    return report
