"""Qt-free progress and cancellation protocol for long jobs.

Core functions take ``progress(done, total, message)`` and ``cancelled()``
callables; only ``ui/workers.py`` turns them into Qt signals.  A write
operation is such a function that returns the ``Changes`` it made.
"""

from __future__ import annotations

from collections.abc import Callable

from qe_desktop.model import Changes

ProgressFn = Callable[[int, int | None, str], None]
CancelFn = Callable[[], bool]

#: A write operation: long work on one database that reports progress, stops when
#: ``cancelled()`` says so (raising :class:`Cancelled`), and returns what it changed.
#: A window runs it on the thread of that database's writer (``ui/workers.py``); a
#: known problem is raised as an exception with a French message, never returned.
Operation = Callable[[ProgressFn, CancelFn], Changes]


class Cancelled(Exception):
    """Raised inside a job when its ``cancelled()`` callable returned True."""


def no_progress(done: int, total: int | None, message: str) -> None:
    """A ProgressFn that ignores everything."""


def never_cancelled() -> bool:
    """A CancelFn for jobs that cannot be cancelled."""
    return False
