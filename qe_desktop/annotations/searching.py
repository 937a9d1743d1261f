"""What the corpus search asks of the user's database: which questions are annotated, and which
carry a note or a passage with given words (the « Annotées » facet and the ``note:`` field).

Searches run on a pool of threads while the user's writer saves notes: each thread reads
through a read-only connection of its own, and the set of annotated questions is read again
only when the database's revision moved (one small query per search otherwise).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from qe_desktop.annotations.store import AnnotationQuery, UserStore
from qe_desktop.paths import DataPaths


class SearchAnnotations:
    """The ``annotations`` source of :class:`qe_desktop.search.index.SearchIndex` for a data folder."""

    def __init__(self, paths: DataPaths) -> None:
        self.path = paths.user_db
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stores: list[UserStore] = []
        self._annotated: tuple[int, frozenset[str]] | None = None

    def _store(self) -> UserStore | None:
        store: UserStore | None = getattr(self._local, "store", None)
        if store is None:
            if not self.path.exists():
                return None  # nothing annotated yet (and no empty file created by reading)
            store = UserStore(self.path, readonly=True)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def annotated_uids(self) -> frozenset[str]:
        """Every question that carries at least one annotation."""
        store = self._store()
        if store is None:
            return frozenset()
        revision = store.revision()
        cached = self._annotated
        if cached is not None and cached[0] == revision:
            return cached[1]
        found = frozenset(store.annotated_uids())
        self._annotated = (revision, found)
        return found

    def annotated_with(self, words: str) -> frozenset[str]:
        """The questions with an annotation whose note or quoted passage holds every word (the
        corpus search's folding and stemming)."""
        store = self._store()
        if store is None:
            return frozenset()
        ids: Sequence[str] = store.find(AnnotationQuery(words=words))
        return frozenset(a.question_uid for a in store.get_annotations(list(ids)).values())

    def close(self) -> None:
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()
