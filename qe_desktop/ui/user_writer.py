"""The writer of the user's own database (``user.sqlite``): annotations, dossiers, saved searches.

A second :class:`~qe_desktop.ui.workers.Writer`, with its own thread: a long
import on the corpus's writer never delays saving a note.  Every change is an
edit (``annotations.edits``) that the store applies in one transaction and
answers with what it changed and the edit that undoes it; the window gets the
changes in ``OperationDone.changes.user`` like any other operation's.

Undo and redo (Ctrl+Z, Ctrl+Maj+Z) are a QUndoStack of :class:`EditCommand`:
the command does not need to know the inverse edit when the user undoes it.
Each command has a key; the writer's thread keeps the inverse of the last
application under that key and, operations being run in order, applies it
when the undo comes (:meth:`UserWork.flip`), keeping in its turn the inverse
of that (the redo).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoCommand

from qe_desktop.annotations import backup
from qe_desktop.annotations.edits import Edit
from qe_desktop.annotations.store import UserStore, UserStoreError
from qe_desktop.annotations.webannotation import import_file
from qe_desktop.folder import open_folder
from qe_desktop.jobs import CancelFn, ProgressFn
from qe_desktop.model import Changes, ColourMeaning, UserChanges
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore, StoreError
from qe_desktop.ui.workers import Writer, WriteRequest

log = logging.getLogger(__name__)

#: How often the writer asks the store whether an hour of work calls for a backup (ms).
BACKUP_CHECK_MS = 5 * 60 * 1000


@dataclass(frozen=True, slots=True)
class UserState:
    """The user's database as the window sees it after each of its writer's operations."""

    #: False until it is open (or when it could not be opened).
    ready: bool
    #: Why nothing can be saved (French): a read-only data folder, a database that cannot open.
    readonly_reason: str | None
    colours: tuple[ColourMeaning, ...]


class UserWork:
    """The user's database as its writer holds it (used from the writer's thread only)."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self.store: UserStore | None = None
        self.readonly_reason: str | None = None
        self._corpus: CorpusStore | None = None
        #: Per undo command: the edit that undoes its last application.
        self._inverses: dict[int, Edit] = {}

    # -- what the window sees --

    def state(self) -> UserState:
        store = self.store
        if store is None:
            return UserState(False, self.readonly_reason, ())
        return UserState(True, self.readonly_reason, store.colours())

    def _store(self) -> UserStore:
        if self.store is None:
            raise UserStoreError(
                "La base de vos annotations n'est pas ouverte : rien n'a été enregistré. "
                f"{self.readonly_reason or ''}".strip()
            )
        return self.store

    def _corpus_store(self) -> CorpusStore | None:
        """A read-only connection to the corpus (for re-anchoring), None while there is no corpus."""
        if self._corpus is None and self.paths.corpus_db.exists():
            try:
                self._corpus = CorpusStore(self.paths.corpus_db, readonly=True)
            except StoreError as exc:
                log.warning("Corpus illisible pour replacer les annotations : %s", exc)
                return None
        return self._corpus

    # -- operations (writer's thread) --

    def open(self, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Open (restore if damaged, back up) the user's database; place its annotations on the corpus."""
        progress(0, None, "Ouverture de vos annotations…")
        access = open_folder(self.paths, write=False)
        self.readonly_reason = access.readonly_reason
        readonly = not access.writable
        if readonly and not self.paths.user_db.exists():
            # Nothing to show, and nothing can be written: said once, no empty database created.
            return Changes()
        self.store = UserStore.open(self.paths, readonly=readonly)
        notices = (self.store.notice,) if self.store.notice else ()
        user = UserChanges() if readonly else self._reanchor(None)
        return Changes(notices=notices, user=user)

    def _reanchor(self, uids: Sequence[str] | None) -> UserChanges:
        corpus = self._corpus_store()
        store = self.store
        if corpus is None or store is None or self.readonly_reason:
            return UserChanges()
        return store.reanchor(corpus, uids)

    def reanchor(self, uids: Sequence[str] | None, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Place again the annotations of ``uids`` (None: all) after the corpus changed."""
        if self._corpus is not None:
            # The corpus may have been replaced (a re-import into a deleted corpus): read it anew.
            self._corpus.close()
            self._corpus = None
        return Changes(user=self._reanchor(uids))

    def apply(self, key: int | None, edit: Edit, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Commit one edit; keep its inverse under ``key`` (an undo command's)."""
        applied = self._store().apply(edit)
        if key is not None:
            self._inverses[key] = applied.inverse
        return Changes(user=applied.changes)

    def flip(self, key: int, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Undo (or redo) command ``key``: apply the inverse kept for it, keep the inverse of that."""
        inverse = self._inverses.get(key)
        if inverse is None:
            # Its first application failed: there is nothing to undo.
            return Changes()
        applied = self._store().apply(inverse)
        self._inverses[key] = applied.inverse
        return Changes(user=applied.changes)

    def merge_file(self, path: Path, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """Import a W3C Web Annotation (JSON-LD) file: all of it in one transaction, or nothing."""
        report = import_file(self._store(), path)
        placed = self._reanchor(None)
        return Changes(notices=tuple(report.lines()), user=report.changes.merged(placed))

    def backup(self, progress: ProgressFn, cancelled: CancelFn) -> Changes:
        """A copy of the database when an hour of work has passed since the last one."""
        store = self.store
        if store is None or self.readonly_reason:
            return Changes()
        try:
            store.backup_if_due(interval=backup.INTERVAL)
        except UserStoreError as exc:
            return Changes(notices=(str(exc),))
        return Changes()

    def close(self) -> None:
        if self.store is not None:
            with contextlib.suppress(UserStoreError):
                self.store.close()
            self.store = None
        if self._corpus is not None:
            self._corpus.close()
            self._corpus = None


class UserWriter(Writer):
    """The writer of ``user.sqlite``: edits committed when made, off the GUI thread, in order."""

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        self.work = UserWork(paths)
        super().__init__("user", paths, self.work, parent)
        self._keys = itertools.count(1)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.backup)

    def new_key(self) -> int:
        return next(self._keys)

    def open(self) -> None:
        self.submit(WriteRequest("user-open", self.work.open, None))
        self.backup_timer.start()

    def apply(self, edit: Edit, key: int | None = None) -> None:
        """Commit ``edit`` (returns at once); undoable when ``key`` is an undo command's."""
        self.submit(WriteRequest("user-edit", lambda p, c: self.work.apply(key, edit, p, c), None))

    def flip(self, key: int) -> None:
        self.submit(WriteRequest("user-edit", lambda p, c: self.work.flip(key, p, c), None))

    def reanchor(self, uids: Sequence[str] | None = None) -> None:
        wanted = None if uids is None else tuple(uids)
        self.submit(WriteRequest("user-reanchor", lambda p, c: self.work.reanchor(wanted, p, c), None))

    def import_annotations(self, path: Path) -> None:
        self.submit(
            WriteRequest(
                "user-import",
                lambda p, c: self.work.merge_file(path, p, c),
                f"Import des annotations de « {path.name} »…",
            )
        )

    def backup(self) -> None:
        self.submit(WriteRequest("user-backup", self.work.backup, None))

    def shutdown(self) -> None:
        self.backup_timer.stop()
        super().shutdown()


class EditCommand(QUndoCommand):
    """One undoable action of the user on their own work (a highlight, a note, a dossier change)."""

    def __init__(self, writer: UserWriter, edit: Edit, text: str) -> None:
        super().__init__(text)
        self.writer = writer
        self.edit = edit
        self.key = writer.new_key()
        self._applied = False

    def redo(self) -> None:
        if self._applied:
            self.writer.flip(self.key)
        else:
            self._applied = True
            self.writer.apply(self.edit, self.key)

    def undo(self) -> None:
        self.writer.flip(self.key)
