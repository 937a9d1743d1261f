"""The data folder as the app meets it: usable or not, writable or not, being written by whom.

- :func:`open_folder` looks at the folder before anything reads or writes it
  and turns what the system says (a file in the way, no permission, a
  read-only medium) into a French :class:`DataFolderError` that names the path
  and says what to do.  A folder that can be read but not written (a shared
  corpus on a read-only network share or USB stick) is not an error: it is
  opened read-only and :attr:`FolderAccess.readonly_reason` says why.
- :class:`WriterLock`: one writer per data folder across processes (an import,
  a reindex, the window's writer).  It is an operating-system lock (the
  ``filelock`` library: ``fcntl`` on Linux and macOS, ``msvcrt`` on Windows),
  released by the system when its holder dies, so a crashed or killed writer
  never leaves the folder locked.  ``writer.json`` beside it says who holds
  it, for the messages only: it is never trusted to decide anything.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock

from qe_desktop.jobs import CancelFn, Cancelled, never_cancelled
from qe_desktop.paths import DataPaths
from qe_desktop.search.state import StateError, read_state

LOCK_FILE = "writer.lock"
HOLDER_FILE = "writer.json"
#: Seconds between two tries while waiting for another writer.
WAIT_POLL = 0.25


class DataFolderError(Exception):
    """The data folder cannot be used: a French message naming the path and what to do."""


@dataclass(frozen=True, slots=True)
class FolderAccess:
    """What can be done with a data folder: always read; write unless ``readonly_reason``."""

    paths: DataPaths
    readonly_reason: str | None = None

    @property
    def writable(self) -> bool:
        return self.readonly_reason is None


def _why(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "le support est en lecture seule"
    if isinstance(exc, PermissionError):
        return "vous n'avez pas le droit d'y écrire"
    if exc.errno == errno.ENOSPC:
        return "le disque est plein"
    return exc.strerror or str(exc)


def _file_in_the_way(path: Path) -> Path | None:
    """The first existing ancestor of ``path`` (itself included) that is not a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def _create(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = _file_in_the_way(root)
        if blocker is not None:
            raise DataFolderError(
                f"Le dossier de données « {root} » ne peut pas être créé : « {blocker} » est un fichier, "
                "pas un dossier. Indiquez un autre dossier avec --data-dir."
            ) from exc
        raise DataFolderError(
            f"Le dossier de données « {root} » ne peut pas être créé ({_why(exc)}). "
            "Indiquez avec --data-dir un dossier où vous pouvez écrire."
        ) from exc


def _probe_writable(folder: Path) -> OSError | None:
    """Try to create and remove a file in ``folder``: the one test every system answers truly."""
    probe = folder / f".qe-desktop-test-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        return exc
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()
    return None


def _probe_file_writable(path: Path) -> OSError | None:
    if not path.exists():
        return None
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        return exc
    return None


def open_folder(paths: DataPaths, *, write: bool) -> FolderAccess:
    """Check a data folder before use (creating it if needed and possible).

    ``write`` True: the caller must write (import, reindex): anything that
    prevents it is a DataFolderError.  False: a read-only folder is opened
    read-only.  A folder that cannot be used at all is always a DataFolderError.
    """
    root = paths.root
    if root.exists() and not root.is_dir():
        raise DataFolderError(
            f"Le dossier de données « {root} » est un fichier, pas un dossier. "
            "Indiquez un dossier avec --data-dir (ou renommez ce fichier)."
        )
    if not root.exists():
        _create(root)
    for path, what in ((paths.index_dir, "L'index de recherche"), (paths.corpus_db, "La base du corpus")):
        expected_dir = path == paths.index_dir
        if path.exists() and path.is_dir() != expected_dir:
            kind = "un fichier, pas un dossier" if expected_dir else "un dossier, pas un fichier"
            advice = (
                "Renommez-le ou supprimez-le : l'index sera reconstruit depuis la base."
                if expected_dir
                else "Renommez-le : ce n'est pas une base de QE Desktop."
            )
            raise DataFolderError(f"{what} « {path} » est {kind}. {advice}")
    problems = [
        (root, _probe_writable(root)),
        (paths.corpus_db, _probe_file_writable(paths.corpus_db)),
    ]
    if paths.index_dir.is_dir():
        problems.append((paths.index_dir, _probe_writable(paths.index_dir)))
    for path, error in problems:
        if error is None:
            continue
        reason = f"« {path} » ne peut pas être modifié : {_why(error)}"
        if write:
            raise DataFolderError(
                f"Écriture impossible dans le dossier de données : {reason}. "
                "Rendez-le modifiable, ou copiez le dossier ailleurs et indiquez la copie avec --data-dir."
            )
        return FolderAccess(paths, reason)
    return FolderAccess(paths)


# -- one writer per data folder ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a data folder's writer lock (as that process said, for messages)."""

    pid: int | None
    task: str
    since: str | None

    def describe(self) -> str:
        """« un import (processus 1234, depuis 10:21:05) »."""
        details = []
        if self.pid:
            details.append(f"processus {self.pid}")
        if self.since:
            details.append(f"depuis {self.since}")
        return f"{self.task} ({', '.join(details)})" if details else self.task


UNKNOWN_HOLDER = Holder(None, "un autre programme QE Desktop", None)


class WriterLock:
    """The writer lock of one data folder; reentrant within a process.

    One instance per folder in a process (filelock's singleton): the window's
    writer thread, an import and the index it updates share it.  It excludes
    other processes only; writes inside one process are serialised by its
    one writer.
    """

    def __init__(self, root: Path, task: str = "un import") -> None:
        self.root = Path(root)
        self.task = task
        self._lock = filelock.FileLock(
            str(self.root / LOCK_FILE), thread_local=False, is_singleton=True, fallback_to_soft=False
        )

    @property
    def held(self) -> bool:
        """Held by this process."""
        return bool(self._lock.is_locked)

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process now holds it."""
        if not self._take():
            return False
        if self._lock.lock_counter == 1:
            self._write_holder()
        return True

    def _take(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def acquire(
        self,
        *,
        on_wait: Callable[[Holder], None] | None = None,
        cancelled: CancelFn = never_cancelled,
    ) -> None:
        """Take the lock, waiting for another writer to finish (``on_wait`` is told once who it is).

        Raises Cancelled when ``cancelled()`` turns True while waiting.
        """
        if self.try_acquire():
            return
        if on_wait is not None:
            on_wait(self.holder() or UNKNOWN_HOLDER)
        while not self.try_acquire():
            if cancelled():
                raise Cancelled
            time.sleep(WAIT_POLL)

    def release(self) -> None:
        if not self.held:
            return
        if self._lock.lock_counter == 1:
            with contextlib.suppress(OSError):
                (self.root / HOLDER_FILE).unlink()
        self._lock.release()

    def busy(self) -> Holder | None:
        """Who holds the lock in another process, or None (free, or held by this process)."""
        if self.held:
            return None
        try:
            if not self._take():
                return self.holder() or UNKNOWN_HOLDER
        except OSError:
            return None  # cannot even create the lock file: a read-only folder has no writer
        self._lock.release()
        return None

    def holder(self) -> Holder | None:
        """What the holder wrote about itself, if readable."""
        try:
            data: Any = json.loads((self.root / HOLDER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        pid, task, since = data.get("pid"), data.get("task"), data.get("since")
        return Holder(
            pid if isinstance(pid, int) else None,
            task if isinstance(task, str) and task else UNKNOWN_HOLDER.task,
            since if isinstance(since, str) else None,
        )

    def _write_holder(self) -> None:
        data = {"pid": os.getpid(), "task": self.task, "since": datetime.now().strftime("%H:%M:%S")}
        with contextlib.suppress(OSError):
            (self.root / HOLDER_FILE).write_text(json.dumps(data), encoding="utf-8")

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- what was imported, to say what to re-import ---------------------------------------

#: Entries kept in the import history (the oldest go first).
HISTORY_LIMIT = 200


def remember_import(paths: DataPaths, targets: list[Path], *, sample: bool = False) -> None:
    """Add the files and folders of one import to ``imports.json`` (best effort: never fails an import)."""
    entries = _history(paths)
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    for target in targets:
        entries.append({"path": str(target), "date": when})
    if sample:
        entries.append({"path": "corpus d'exemple (qe-desktop import --sample)", "date": when})
    with contextlib.suppress(OSError):
        tmp = paths.import_history.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(entries[-HISTORY_LIMIT:], ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, paths.import_history)


def imported_paths(paths: DataPaths) -> list[str]:
    """The distinct paths imported into this folder, most recent last."""
    seen: dict[str, None] = {}
    for entry in _history(paths):
        seen.pop(entry["path"], None)
        seen[entry["path"]] = None
    return list(seen)


def _history(paths: DataPaths) -> list[dict[str, str]]:
    try:
        data: Any = json.loads(paths.import_history.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [
        e
        for e in data
        if isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("date"), str)
    ]


def reimport_advice(paths: DataPaths) -> str:
    """What to re-import to rebuild a lost corpus, in French (from ``imports.json``)."""
    imported = imported_paths(paths)
    if not imported:
        files = "les fichiers que vous aviez importés"
    else:
        shown = ", ".join(f"« {p} »" for p in imported[-8:])
        more = (
            f" (et {len(imported) - 8} autres, listés dans {paths.import_history})"
            if len(imported) > 8
            else ""
        )
        files = f"vos fichiers d'origine : {shown}{more}"
    return (
        f"Elle se reconstruit en réimportant {files} (qe-desktop import …). "
        f"Vos annotations, dossiers et recherches enregistrées sont dans {paths.user_db.name}, "
        "à part : ils ne sont pas touchés."
    )


def lost_corpus(paths: DataPaths, count: int | None = None) -> str | None:
    """Why the corpus looks lost (French), or None: it is missing, empty or has ``count`` 0 questions
    while the search index says it held some.  An empty corpus must never pass for a new one then."""
    if count is None:
        try:
            size = paths.corpus_db.stat().st_size
        except FileNotFoundError:
            size = 0
        except OSError:
            return None
        if size > 0:
            return None
    elif count > 0:
        return None
    try:
        indexed = read_state(paths.index_dir).count
    except StateError:
        return None
    if indexed == 0:
        return None
    state = "absente" if not paths.corpus_db.exists() else "vide"
    return (
        f"La base du corpus « {paths.corpus_db} » est {state} alors que l'index de recherche contenait "
        f"{indexed} questions : elle a été supprimée, déplacée ou remplacée. "
        + reimport_advice(paths).replace("Elle se reconstruit", "Le corpus se reconstruit")
    )
