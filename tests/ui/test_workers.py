"""The writers: any operation runs through one error path and ends with one signal.

An operation is a plain ``(progress, cancelled) -> Changes`` function; these
tests give a writer operations of their own, over a database of their own, as
the annotations' writer will.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qe_desktop.annotations.store import UserStore
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.model import Changes
from qe_desktop.paths import DataPaths
from qe_desktop.store import StoreError
from qe_desktop.ui.app import configure_logging
from qe_desktop.ui.results_model import ResultRow
from qe_desktop.ui.workers import (
    OperationDone,
    Progress,
    ReadConnections,
    Writer,
    WriteRequest,
    with_marks,
)

TIMEOUT = 10_000


class Notes:
    """A database of its own (what a writer owns): one table of notes."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)")

    def state(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM notes").fetchone()[0])

    def close(self) -> None:
        self.db.close()


class NotesWriter(Writer):
    """A second writer, for another database: what it owns, and a method per operation."""

    def __init__(self, paths: DataPaths) -> None:
        self.notes = Notes(paths.root / "notes.sqlite")
        super().__init__("notes", paths, self.notes)

    def add(self, text: str) -> None:
        def add(progress: ProgressFn, cancelled: CancelFn) -> Changes:
            with self.notes.db:
                self.notes.db.execute("INSERT INTO notes VALUES (?)", (text,))
            return Changes(notices=(f"Note enregistrée : {text}",))

        self.submit(WriteRequest("note", add, None))


@pytest.fixture
def paths(data_dir: Path) -> DataPaths:
    return DataPaths(data_dir).ensure()


@pytest.fixture
def notes(paths: DataPaths) -> Iterator[NotesWriter]:
    writer = NotesWriter(paths)
    yield writer
    writer.shutdown()


def run(qtbot: QtBot, writer: Writer, request: WriteRequest) -> OperationDone:
    with qtbot.waitSignal(writer.operation_finished, timeout=TIMEOUT) as blocker:
        writer.submit(request)
    done = blocker.args[0]
    assert isinstance(done, OperationDone)
    return done


def test_an_operation_returns_what_it_changed_with_the_state_of_the_database(
    qtbot: QtBot, notes: NotesWriter
) -> None:
    with qtbot.waitSignal(notes.operation_finished, timeout=TIMEOUT) as blocker:
        notes.add("à relire")
    done = blocker.args[0]
    assert done == OperationDone("note", Changes(notices=("Note enregistrée : à relire",)), None, 1, False)
    assert not notes.busy


def test_progress_and_title_reach_the_window_and_busy_lasts_as_long_as_the_operation(
    qtbot: QtBot, notes: NotesWriter
) -> None:
    seen: list[object] = []
    notes.operation_started.connect(seen.append)
    notes.progressed.connect(seen.append)

    def count(progress: ProgressFn, cancelled: CancelFn) -> Changes:
        for i in range(3):
            progress(i + 1, 3, f"{i + 1}/3")
        return Changes()

    with qtbot.waitSignal(notes.operation_finished, timeout=TIMEOUT):
        notes.submit(WriteRequest("count", count, "Comptage…"))
        assert notes.busy
    assert not notes.busy
    assert seen == ["Comptage…", Progress(1, 3, "1/3"), Progress(2, 3, "2/3"), Progress(3, 3, "3/3")]


def test_a_cancelled_operation_ends_with_its_french_message(qtbot: QtBot, notes: NotesWriter) -> None:
    started = threading.Event()

    def wait_for_cancel(progress: ProgressFn, cancelled: CancelFn) -> Changes:
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        raise Cancelled

    with qtbot.waitSignal(notes.operation_finished, timeout=TIMEOUT) as blocker:
        notes.submit(WriteRequest("long", wait_for_cancel, "Long…", "Opération longue annulée."))
        assert started.wait(5)
        notes.cancel()
    assert blocker.args[0].error == "Opération longue annulée."
    assert blocker.args[0].changes == Changes()
    # The next operation is not cancelled by the previous one's cancel.
    assert run(qtbot, notes, WriteRequest("quick", lambda p, c: Changes(), "Vite")).error is None


def test_a_known_problem_is_its_french_message(qtbot: QtBot, notes: NotesWriter) -> None:
    def full_disk(progress: ProgressFn, cancelled: CancelFn) -> Changes:
        raise StoreError("Écriture impossible : le disque est plein.")

    done = run(qtbot, notes, WriteRequest("full", full_disk, "Écriture…"))
    assert done.error == "Écriture impossible : le disque est plein."
    assert done.state == 0  # the state comes back after a failure too


def test_a_bug_is_a_french_message_and_a_logged_traceback(
    qtbot: QtBot, notes: NotesWriter, paths: DataPaths
) -> None:
    configure_logging(paths)

    def bug(progress: ProgressFn, cancelled: CancelFn) -> Changes:
        raise ZeroDivisionError("boom")

    done = run(qtbot, notes, WriteRequest("bug", bug, "Calcul…"))
    assert done.error is not None
    assert done.error.startswith("Une erreur inattendue s'est produite.")
    assert str(paths.log_file) in done.error
    for handler in logging.getLogger("qe_desktop").handlers:
        handler.flush()
    log = paths.log_file.read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "ZeroDivisionError: boom" in log


def test_two_writers_do_not_wait_for_each_other(qtbot: QtBot, notes: NotesWriter, paths: DataPaths) -> None:
    """A long operation of one database never delays the other's (an import, a note)."""

    class Nothing:
        def state(self) -> None:
            return None

        def close(self) -> None:
            pass

    other = Writer("other", paths, Nothing())
    release = threading.Event()

    def long_import(progress: ProgressFn, cancelled: CancelFn) -> Changes:
        release.wait(5)
        return Changes()

    try:
        with qtbot.waitSignal(other.operation_finished, timeout=TIMEOUT) as long_one:
            other.submit(WriteRequest("long", long_import, "Long…"))
            with qtbot.waitSignal(notes.operation_finished, timeout=TIMEOUT):
                notes.add("pendant l'import")
            assert not long_one.signal_triggered  # the note was saved while the other one still ran
            release.set()
    finally:
        release.set()
        other.shutdown()
    assert notes.notes.state() == 1


def test_operations_of_one_writer_run_one_at_a_time_in_order(qtbot: QtBot, notes: NotesWriter) -> None:
    finished: list[tuple[str, str | None]] = []
    notes.operation_finished.connect(lambda done: finished.append((done.name, done.error)))
    running = threading.Lock()

    def step(name: str) -> WriteRequest:
        def work(progress: ProgressFn, cancelled: CancelFn) -> Changes:
            assert running.acquire(blocking=False), "two operations at once"
            threading.Event().wait(0.02)
            running.release()
            return Changes()

        return WriteRequest(name, work, name)

    for name in ("a", "b", "c"):
        notes.submit(step(name))
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=TIMEOUT)
    assert finished == [("a", None), ("b", None), ("c", None)]


def test_an_unreadable_user_database_leaves_searches_and_questions_without_marks(paths: DataPaths) -> None:
    connections = ReadConnections(paths)
    assert connections.user() is None  # none yet
    UserStore.open(paths).close()
    conn = sqlite3.connect(paths.user_db)
    conn.execute("PRAGMA user_version = 999")  # written by a later version
    conn.close()
    assert connections.user() is None
    rows = (
        ResultRow("QANR5L13QE1", 13, "QE", 1, "2011-03-08", None, None, None, "x", None, "pending", None),
    )
    assert with_marks(rows, connections.user()) == rows
    connections.close_all()
