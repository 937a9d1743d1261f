"""Qt-free progress and cancellation protocol for long jobs.

Core functions take ``progress(done, total, message)`` and ``cancelled()``
callables; only ``ui/workers.py`` turns them into Qt signals.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[int, int | None, str], None]
CancelFn = Callable[[], bool]


class Cancelled(Exception):
    """Raised inside a job when its ``cancelled()`` callable returned True."""


def no_progress(done: int, total: int | None, message: str) -> None:
    """A ProgressFn that ignores everything."""


def never_cancelled() -> bool:
    """A CancelFn for jobs that cannot be cancelled."""
    return False
