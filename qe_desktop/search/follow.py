"""Keep the search index in step with an import, in large batches.

Updating the index after every 500-question database batch writes a small
segment each time and merges them over and over: a whole-legislature import
then spends most of its time indexing.  ImportIndexer gathers the changed uids
and writes them every few thousand questions; an import that brings more
questions than the index already holds is indexed once, at the end, by a
(parallel) rebuild.  Whatever happens, ``finish()`` leaves the index in step
with what the database committed; a crash in between leaves it marked stale,
and the next start rebuilds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from qe_desktop.jobs import CancelFn, ProgressFn, never_cancelled, no_progress
from qe_desktop.search.index import SearchIndex

#: Changed questions gathered before the index is written.
FLUSH_EVERY = 5_000
#: Past this many changed questions (and more than the index holds), rebuild at the end instead:
#: a (parallel) rebuild indexes about ten times faster than segment updates.
REBUILD_FROM = 5_000


class ImportIndexer:
    """The ``on_changed`` callback of ``import_paths`` for a SearchIndex; call ``finish()`` after."""

    def __init__(
        self,
        index: SearchIndex,
        *,
        flush_every: int = FLUSH_EVERY,
        rebuild_from: int = REBUILD_FROM,
        progress: ProgressFn = no_progress,
    ):
        self.index = index
        self.progress = progress
        self.flush_every = flush_every
        self.rebuild_from = rebuild_from
        self._start_documents = index.document_count
        self._pending: list[str] = []
        self._versions = 0
        self._seen = 0
        self.rebuild_needed = False

    def __call__(self, uids: Sequence[str]) -> None:
        self._pending.extend(uids)
        self._versions += 1
        self._seen += len(uids)
        if not self.rebuild_needed and self._seen >= self.rebuild_from and self._seen > self._start_documents:
            # Too many to follow incrementally: index them all at once when the import ends.
            self.rebuild_needed = True
        if self.rebuild_needed:
            self._pending.clear()
        elif len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write what was gathered."""
        if self._pending:
            self.index.update(self._pending, versions=self._versions, progress=self.progress)
        self._pending = []
        self._versions = 0

    def finish(self, progress: ProgressFn = no_progress, cancelled: CancelFn = never_cancelled) -> None:
        """After the import (finished, cancelled or failed): bring the index in step."""
        if self.rebuild_needed:
            self._pending = []
            self.index.rebuild(progress, cancelled)
        else:
            self.progress = progress
            self.flush()
