"""What the Suivi view reads, in a thread of its own: « Mes députés »' questions, what changed
since the last look, the deputies found while typing, the « Tableau de suivi » written.

One read-only connection to ``corpus.sqlite`` (WAL: it sees each import's commits), opened once
the file exists.  The memory of what was last seen (``suivi-vu.json``) is read and written here
only: one writer.  Every list and find request carries a token; one replaced by a newer one
before it starts is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from qe_desktop.export.content import ExportError
from qe_desktop.export.suivi import DeputyQuota, SuiviLine, SuiviTable, write_suivi
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.changes import SeenError, SuiviChanges, compare, load_seen, merge, save_seen, snapshot
from qe_desktop.suivi.deputies import Deputy, SuiviRow, deputy_questions, find_deputies, quota
from qe_desktop.ui.settings import MyDeputy
from qe_desktop.ui.workers import user_message

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SuiviLoaded:
    """« Mes députés »' questions on ``today`` (newest first), their quotas, what changed."""

    token: int
    today: date
    lines: tuple[SuiviLine, ...] = ()
    quotas: tuple[DeputyQuota, ...] = ()
    changes: SuiviChanges = field(default_factory=SuiviChanges)
    #: Said once to the user (French): the memory of what was seen could not be read or written.
    notice: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DeputiesFound:
    token: int
    text: str
    deputies: tuple[Deputy, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SuiviExported:
    path: Path
    error: str | None = None


class _Runner(QObject):
    loaded = Signal(object)  # SuiviLoaded
    found = Signal(object)  # DeputiesFound
    exported = Signal(object)  # SuiviExported

    def __init__(self, paths: DataPaths, jobs: SuiviJobs) -> None:
        super().__init__()
        self.paths = paths
        self.jobs = jobs
        self._corpus: CorpusStore | None = None

    def corpus(self) -> CorpusStore | None:
        if self._corpus is None and self.paths.corpus_db.exists():
            self._corpus = CorpusStore(self.paths.corpus_db, readonly=True)
        return self._corpus

    @Slot(int, object, object, int)
    def load(self, token: int, deputies: tuple[MyDeputy, ...], today: date, cap: int) -> None:
        if token < self.jobs.load_token:
            return
        try:
            corpus = self.corpus()
            lines: list[SuiviLine] = []
            quotas: list[DeputyQuota] = []
            if corpus is not None:
                for d in deputies:
                    rows = deputy_questions(corpus, Deputy(d.ref, d.name, 0), today)
                    lines += [SuiviLine(d.name, r) for r in rows]
                    quotas.append(DeputyQuota(d.name, quota(rows, today, cap)))
            lines.sort(key=lambda line: (line.row.question_date or "", line.row.number or 0), reverse=True)
            changes, notice = self._compare([line.row for line in lines], today)
            self.loaded.emit(SuiviLoaded(token, today, tuple(lines), tuple(quotas), changes, notice))
        except Exception as exc:
            self.loaded.emit(SuiviLoaded(token, today, error=user_message(exc, self.paths)))

    def _compare(self, suivi_rows: Sequence[SuiviRow], today: date) -> tuple[SuiviChanges, str | None]:
        """What changed since the last look, and the new look remembered."""
        if not suivi_rows:
            return SuiviChanges(), None
        notice: str | None = None
        try:
            seen = load_seen(self.paths.suivi_seen)
        except SeenError as exc:
            log.warning("%s", exc)
            seen, notice = None, str(exc)
        changes = compare(seen, suivi_rows)
        try:
            save_seen(self.paths.suivi_seen, merge(seen, snapshot(suivi_rows, today)))
        except SeenError as exc:
            log.warning("%s", exc)
            notice = f"{exc} Les changements du suivi vous seront signalés à nouveau."
        return changes, notice

    @Slot(int, str)
    def find(self, token: int, text: str) -> None:
        if token < self.jobs.find_token:
            return
        try:
            corpus = self.corpus()
            found = find_deputies(corpus, text) if corpus is not None else []
            self.found.emit(DeputiesFound(token, text, tuple(found[:50])))
        except Exception as exc:
            self.found.emit(DeputiesFound(token, text, error=user_message(exc, self.paths)))

    @Slot(object, str, object)
    def export(self, table: SuiviTable, fmt: str, path: Path) -> None:
        try:
            self.exported.emit(SuiviExported(write_suivi(table, fmt, path)))
        except ExportError as exc:
            log.warning("%s", exc)
            self.exported.emit(SuiviExported(path, str(exc)))
        except Exception as exc:
            self.exported.emit(SuiviExported(path, user_message(exc, self.paths)))

    @Slot()
    def close(self) -> None:
        if self._corpus is not None:
            self._corpus.close()
            self._corpus = None


class SuiviJobs(QObject):
    """The Suivi view's reads and exports, in a thread of their own."""

    loaded = Signal(object)  # SuiviLoaded
    found = Signal(object)  # DeputiesFound
    exported = Signal(object)  # SuiviExported
    _load = Signal(int, object, object, int)
    _find = Signal(int, str)
    _export = Signal(object, str, object)
    _close = Signal()

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.load_token = 0
        self.find_token = 0
        self.thread_ = QThread()
        self.thread_.setObjectName("qe-suivi-reads")
        self.runner = _Runner(paths, self)
        self.runner.moveToThread(self.thread_)
        self._load.connect(self.runner.load)
        self._find.connect(self.runner.find)
        self._export.connect(self.runner.export)
        self._close.connect(self.runner.close)
        self.runner.loaded.connect(self.loaded)
        self.runner.found.connect(self.found)
        self.runner.exported.connect(self.exported)
        self.thread_.start()
        self._stopped = False

    def load(self, deputies: Sequence[MyDeputy], today: date, cap: int) -> int:
        """List « Mes députés »' questions (returns at once): the token of the answer to wait for."""
        self.load_token += 1
        self._load.emit(self.load_token, tuple(deputies), today, cap)
        return self.load_token

    def find(self, text: str) -> int:
        """Find deputies by name or AMO reference (returns at once)."""
        self.find_token += 1
        self._find.emit(self.find_token, text)
        return self.find_token

    def export(self, table: SuiviTable, fmt: str, path: Path) -> None:
        """Write the « Tableau de suivi » (returns at once)."""
        self._export.emit(table, fmt, path)

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.load_token += 1
        self.find_token += 1
        self._close.emit()
        self.thread_.quit()
        self.thread_.wait()
