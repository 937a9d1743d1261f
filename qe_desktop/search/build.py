"""Rebuilding the index on every core: one worker process per segment, by uid range.

Analysis (folding, tokenizing, stemming) and posting encoding are pure
Python and hold the GIL, so threads would not help.  Each worker opens the
corpus database read-only, reads its own uid range, writes one ordinary
Whoosh segment into the new index folder and returns the segment object; the
parent only writes the table of contents listing the segments in uid order
(documents keep the order a one-process rebuild gives them).

Linux forks (workers start at once); elsewhere, or when the process already
runs other threads (the GUI), a fresh interpreter is started ("forkserver" or
"spawn").  The frozen app (PyInstaller) always spawns: each worker is the
app's executable started again, which ``multiprocessing.freeze_support()`` at
the entry point (``build/launch.py``) turns into a worker before anything of
the app is imported, so no second window or command ever starts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import sqlite3
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.search import whoosh_adapter as adapter
from qe_desktop.search.schema import document
from qe_desktop.store import QUESTION_COLUMNS, CorpusStore

#: Questions read per query by a worker.
READ_BATCH = 1000
#: Below this many questions one process is faster (starting workers costs a few tenths of a second).
#: ``QE_DESKTOP_PARALLEL_MIN`` overrides it (the kill tests build small indexes in parallel).
PARALLEL_MIN = int(os.environ.get("QE_DESKTOP_PARALLEL_MIN", "6000"))
#: Seconds between two looks of a worker at its parent.
PARENT_POLL = 0.5

_progress_queue: Any = None
_cancel_event: Any = None


def worker_count() -> int:
    """Processes to use for a rebuild (the cores this process may run on)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if getattr(sys, "frozen", False):
        return multiprocessing.get_context("spawn")
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def can_build_in_parallel(count: int, db_path: Path | None, *, minimum: int | None = None) -> bool:
    """Worth it and possible: enough questions (``minimum``, else PARALLEL_MIN), several cores, a
    database file workers can open."""
    return (
        count >= (PARALLEL_MIN if minimum is None else minimum)
        and worker_count() > 1
        and db_path is not None
        and db_path.is_file()
    )


def _init_worker(progress_queue: Any, cancel_event: Any, parent_pid: int) -> None:
    global _progress_queue, _cancel_event
    _progress_queue, _cancel_event = progress_queue, cancel_event
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="qe-parent-watch", daemon=True
    ).start()


def _exit_with_parent(parent_pid: int) -> None:
    """Exit this worker as soon as the app that started it is gone.

    On Windows (spawn) the parent's process handle, which multiprocessing
    keeps, is signalled when it ends.  Elsewhere the parent's pid is watched:
    a worker whose parent died is re-parented (its ppid changes); under
    "forkserver" the worker's parent is the fork server, which itself ends
    when the app does.
    """
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None and sys.platform == "win32" else None
    watched = os.getppid()
    while True:
        if sentinel is not None:
            if multiprocessing.connection.wait([sentinel], timeout=PARENT_POLL):
                os._exit(3)
            continue
        if os.getppid() != watched or (watched != parent_pid and not _alive(parent_pid)):
            os._exit(3)
        time.sleep(PARENT_POLL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _range_batches(store: CorpusStore, after: str, last: str | None) -> Any:
    """Questions with ``after < uid <= last`` (no upper bound when last is None), in uid order."""
    select = store.select_columns
    conn = store.db.conn
    while True:
        if last is None:
            rows = conn.execute(
                f"SELECT {select} FROM questions WHERE uid > ? ORDER BY uid LIMIT ?", (after, READ_BATCH)
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT {select} FROM questions WHERE uid > ? AND uid <= ? ORDER BY uid LIMIT ?",
                (after, last, READ_BATCH),
            ).fetchall()
        if not rows:
            return
        batch = [store._question(r, QUESTION_COLUMNS) for r in rows]
        yield batch
        after = batch[-1].uid


def build_segment(index_dir: str, db_path: str, after: str, last: str | None) -> tuple[Any, int]:
    """Worker: write the segment of the questions ``after < uid <= last``; return (segment, documents)."""
    writer = adapter.worker_writer(index_dir)  # the parent holds the index lock
    store = CorpusStore(Path(db_path), readonly=True)
    try:
        for batch in _range_batches(store, after, last):
            if _cancel_event is not None and _cancel_event.is_set():
                adapter.drop_segment(writer)
                return None, 0
            for q in batch:
                writer.add_document(**document(q))
            if _progress_queue is not None:
                _progress_queue.put(len(batch))
        return adapter.finish_segment(writer), writer.documents
    finally:
        store.close()


def boundaries(store: CorpusStore, lock: Any, total: int, parts: int) -> list[tuple[str, str | None]]:
    """``parts`` uid ranges ``(after, last)`` of about equal size covering every question."""
    size = -(-total // parts)
    cuts: list[str] = []
    with lock:
        for k in range(1, parts):
            row = store.db.conn.execute(
                "SELECT uid FROM questions ORDER BY uid LIMIT 1 OFFSET ?", (k * size - 1,)
            ).fetchone()
            if row is None:
                break
            cuts.append(row[0])
    ranges: list[tuple[str, str | None]] = []
    after = ""
    for cut in cuts:
        ranges.append((after, cut))
        after = cut
    ranges.append((after, None))
    return ranges


def build_parallel(
    ix: Any,
    index_dir: Path,
    store: CorpusStore,
    store_lock: Any,
    total: int,
    segment_docs: int,
    progress: ProgressFn,
    cancelled: CancelFn,
) -> int:
    """Fill the empty index ``ix`` with every question of ``store``, one segment per worker task.

    Returns the number of documents written; raises Cancelled (the caller
    removes the half-written folder).
    """
    workers = worker_count()
    per_round = segment_docs * workers
    parts = workers * max(1, -(-total // per_round))
    ranges = boundaries(store, store_lock, total, parts)
    context = _context()
    progress_queue = context.Queue()
    cancel_event = context.Event()
    writer = adapter.FastSegmentWriter(ix)  # holds the lock; its own segment stays empty
    done = 0
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(ranges)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(progress_queue, cancel_event, os.getpid()),
        ) as pool:
            futures: list[Future[tuple[Any, int]]] = [
                pool.submit(build_segment, str(index_dir), str(store.path), after, last)
                for after, last in ranges
            ]
            try:
                while not all(f.done() for f in futures):
                    with contextlib.suppress(queue.Empty):
                        done += progress_queue.get(timeout=0.1)
                        progress(
                            min(done, total), total, f"Indexation : {min(done, total)} / {total} questions"
                        )
                    if cancelled():
                        raise Cancelled
                try:
                    results = [f.result() for f in futures]
                except sqlite3.Error as exc:  # a worker met a damaged corpus: said as the store says it
                    raise store.store_error(exc, "Lecture") from exc
            except BaseException:
                cancel_event.set()
                for f in futures:
                    f.cancel()
                raise
        segments = [segment for segment, count in results if segment is not None and count]
        documents = sum(count for _, count in results)
        progress(documents, total, "Écriture de l'index…")
        adapter.commit_segments(writer, segments)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return documents
