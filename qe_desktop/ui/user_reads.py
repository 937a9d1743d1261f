"""What the panels of the user's own work read: annotations, dossiers, saved searches, with the corpus's facts.

Two ways in, both read-only (writes go through the user's writer, as edits):

- :class:`UserReads`: connections to ``user.sqlite`` and ``corpus.sqlite`` for one
  thread, opened once the files exist.  The GUI thread uses one for small reads: a
  page of rows of the annotations panel, the dossiers, the saved searches.
- :class:`UserWorkJobs`: a thread of its own for what takes longer, so that typing
  in a filter never waits: finding annotations over the whole corpus (20,000 in
  about 50 ms, up to 130 ms sorted by question) and what is new for each saved
  search (one search of the index each), and exports to JSON-LD.  Every find and news
  request carries a token; one replaced by a newer one before it starts is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from qe_desktop.annotations.edits import new_id, now_iso
from qe_desktop.annotations.store import (
    DEFAULT_COLOURS,
    AnnotationQuery,
    QuestionMarks,
    SearchNews,
    UserStore,
    UserStoreError,
)
from qe_desktop.annotations.webannotation import ExportSummary, export_file
from qe_desktop.model import (
    Annotation,
    ColourMeaning,
    Dossier,
    PlacementState,
    SavedSearch,
    SearchRequest,
    SortOrder,
)
from qe_desktop.paths import DataPaths
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import CorpusStore, QuestionFacts
from qe_desktop.ui.workers import is_on_disk, user_message

log = logging.getLogger(__name__)

#: How many results of a saved search are looked at for what is new (its first ones, in its order).
NEWS_LIMIT = 10_000


# -- payloads ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnotationRow:
    """One row of the annotations panel: the annotation, where it stands, its question's facts."""

    annotation: Annotation
    #: As last recorded by ``UserStore.reanchor`` (``orphan``: its passage cannot be found).
    state: PlacementState
    #: None when the question is not in the corpus (any more).
    facts: QuestionFacts | None


@dataclass(frozen=True, slots=True)
class DossierItemRow:
    """One question of a dossier as the dossier view shows it."""

    uid: str
    facts: QuestionFacts | None
    annotations: int


@dataclass(frozen=True, slots=True)
class PanelChoices:
    """The values the annotations panel's filters offer: those in use."""

    colours: tuple[ColourMeaning, ...] = ()
    tags: tuple[tuple[str, int], ...] = ()
    dossiers: tuple[tuple[str, str], ...] = ()  # (id, name), in the user's order
    legislatures: tuple[int, ...] = ()
    rubriques: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()
    total: int = 0
    orphans: int = 0


@dataclass(frozen=True, slots=True)
class AnnotationsFound:
    """The ids an annotations query keeps, in its order (with the filters' choices when asked)."""

    token: int
    query: AnnotationQuery
    ids: tuple[str, ...] = ()
    choices: PanelChoices | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class NewsFound:
    """What is new for each saved search (by id) since it was last opened."""

    token: int
    news: dict[str, SearchNews] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ExportDone:
    """An export of annotations to a JSON-LD file ended: what was written, or why not (French)."""

    path: Path
    summary: ExportSummary | None
    error: str | None = None


# -- reads for one thread -------------------------------------------------------------------------


class UserReads:
    """Read-only connections to the user's database and the corpus, for one thread.

    Each is opened when first needed and its file exists (a new data folder has no
    ``user.sqlite`` until the first edit's writer creates it): until then the reads
    find nothing.  Raises UserStoreError or StoreError (French) when a read fails.
    """

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._user: UserStore | None = None
        self._corpus: CorpusStore | None = None

    def user(self) -> UserStore | None:
        if self._user is None and self.paths.user_db.exists():
            store = UserStore(self.paths.user_db, readonly=True)
            if not is_on_disk(store):
                # The writer is creating the file: it read as empty; look again next time.
                store.close()
                return None
            self._user = store
        return self._user

    def corpus(self) -> CorpusStore | None:
        if self._corpus is None and self.paths.corpus_db.exists():
            self._corpus = CorpusStore(self.paths.corpus_db, readonly=True)
        return self._corpus

    def close(self) -> None:
        for store in (self._user, self._corpus):
            if store is not None:
                store.close()
        self._user = self._corpus = None

    def tags(self) -> list[str]:
        """The tags already used, most used first (none when they cannot be read: said in the log)."""
        try:
            user = self.user()
            return [] if user is None else [tag for tag, _ in user.tags()]
        except UserStoreError as exc:
            log.warning("Étiquettes illisibles : %s", exc)
            return []

    def marks(self, uids: Sequence[str]) -> dict[str, QuestionMarks | None]:
        """Each uid's marks (annotations, dossiers), None for those without any (raises UserStoreError)."""
        user = self.user()
        found = {} if user is None else user.marks(list(uids))
        return {uid: found.get(uid) for uid in uids}

    # -- annotations --

    def find(self, query: AnnotationQuery) -> list[str]:
        user = self.user()
        return [] if user is None else user.find(query, self.corpus())

    def facts(self, uids: Iterable[str]) -> dict[str, QuestionFacts]:
        corpus = self.corpus()
        return {} if corpus is None else corpus.facts(uids)

    def annotation_rows(self, ids: Sequence[str]) -> dict[str, AnnotationRow]:
        """The rows of these annotations (those that still exist)."""
        user = self.user()
        if user is None or not ids:
            return {}
        annotations = user.get_annotations(ids)
        states = user.placement_states(list(annotations))
        facts = self.facts(a.question_uid for a in annotations.values())
        return {
            aid: AnnotationRow(a, states.get(aid, "exact"), facts.get(a.question_uid))
            for aid, a in annotations.items()
        }

    def colours(self) -> tuple[ColourMeaning, ...]:
        user = self.user()
        if user is None:
            return tuple(ColourMeaning(n, m) for n, m in enumerate(DEFAULT_COLOURS, start=1))
        return user.colours()

    def choices(self) -> PanelChoices:
        """What the annotations panel's filters offer: the tags, dossiers and corpus values in use."""
        user = self.user()
        if user is None:
            return PanelChoices(colours=self.colours())
        facts = self.facts(user.annotated_uids()).values()
        rubriques = {f.rubrique for f in facts if f.rubrique}
        ministries = {m for f in facts for m in (f.ministry_asked, f.ministry_answering) if m}
        counts = user.placement_counts()
        return PanelChoices(
            colours=user.colours(),
            tags=tuple(user.tags()),
            dossiers=tuple((d.id, d.name) for d in user.dossiers()),
            legislatures=tuple(sorted({f.legislature for f in facts if f.legislature}, reverse=True)),
            rubriques=tuple(sorted(rubriques, key=str.casefold)),
            ministries=tuple(sorted(ministries, key=str.casefold)),
            total=sum(counts.values()),
            orphans=counts.get("orphan", 0),
        )

    # -- dossiers and saved searches --

    def dossiers(self) -> list[Dossier]:
        user = self.user()
        return [] if user is None else user.dossiers()

    def dossier_rows(self, uids: Sequence[str]) -> dict[str, DossierItemRow]:
        """The rows of a dossier's questions: their facts and how many annotations each carries."""
        user = self.user()
        marks = user.marks(uids) if user is not None else {}
        facts = self.facts(uids)
        return {
            uid: DossierItemRow(uid, facts.get(uid), marks[uid].annotations if uid in marks else 0)
            for uid in uids
        }

    def saved_searches(self) -> list[SavedSearch]:
        user = self.user()
        return [] if user is None else user.saved_searches()

    def new_dossier(self, name: str, description: str = "") -> Dossier:
        """A dossier to create (a new id, after the others); not stored."""
        user = self.user()
        if user is None:
            now = now_iso()
            return Dossier(new_id(), " ".join(name.split()), description.strip(), (), 0, now, now)
        return user.new_dossier(name, description)

    def new_saved_search(
        self, name: str, query: str, filters: tuple[tuple[str, str], ...], sort: SortOrder
    ) -> SavedSearch:
        """A saved search to create (a new id, after the others, opened now); not stored."""
        user = self.user()
        if user is None:
            return SavedSearch(new_id(), " ".join(name.split()), query, filters, sort, 0, now_iso(), None)
        return user.new_saved_search(name, query, filters, sort)


# -- the thread for longer reads ---------------------------------------------------------------------


class _Runner(QObject):
    """Lives in the jobs' thread: one UserReads, each request run unless a newer one replaced it."""

    annotations_found = Signal(object)  # AnnotationsFound
    news_found = Signal(object)  # NewsFound
    exported = Signal(object)  # ExportDone

    def __init__(self, paths: DataPaths, jobs: UserWorkJobs) -> None:
        super().__init__()
        self.paths = paths
        self.jobs = jobs
        self.reads = UserReads(paths)

    def _error(self, exc: Exception) -> str:
        if isinstance(exc, UserStoreError):
            log.warning("%s", exc)
            return str(exc)
        return user_message(exc, self.paths)

    @Slot(int, object, bool)
    def find(self, token: int, query: AnnotationQuery, with_choices: bool) -> None:
        if token < self.jobs.find_token:
            return  # replaced before it started
        try:
            ids = tuple(self.reads.find(query))
            choices = self.reads.choices() if with_choices else None
            self.annotations_found.emit(AnnotationsFound(token, query, ids, choices))
        except Exception as exc:
            self.annotations_found.emit(AnnotationsFound(token, query, error=self._error(exc)))

    @Slot(int, object, object)
    def news(self, token: int, searches: tuple[SavedSearch, ...], index: SearchIndex | None) -> None:
        if token < self.jobs.news_token:
            return
        try:
            user, corpus = self.reads.user(), self.reads.corpus()
            out: dict[str, SearchNews] = {}
            if index is not None and user is not None and corpus is not None:
                for search in searches:
                    if search.last_opened is None:
                        continue
                    result = index.search(
                        SearchRequest(
                            search.query, search.filters, search.sort, NEWS_LIMIT, 0, snippets=False
                        )
                    )
                    uids = [hit.uid for hit in result.hits]
                    out[search.id] = user.search_news(search, uids, corpus)
            self.news_found.emit(NewsFound(token, out))
        except Exception as exc:
            self.news_found.emit(NewsFound(token, error=self._error(exc)))

    @Slot(object, object)
    def export(self, path: Path, dossier_id: str | None) -> None:
        try:
            user = self.reads.user()
            if user is None:
                raise UserStoreError("Vous n'avez encore ni annotation ni dossier : rien à exporter.")
            summary = export_file(user, path, corpus=self.reads.corpus(), dossier_id=dossier_id)
            self.exported.emit(ExportDone(path, summary))
        except Exception as exc:
            self.exported.emit(ExportDone(path, None, self._error(exc)))

    @Slot()
    def close(self) -> None:
        self.reads.close()


class UserWorkJobs(QObject):
    """Finding annotations and the saved searches' news, in a thread of their own."""

    annotations_found = Signal(object)  # AnnotationsFound
    news_found = Signal(object)  # NewsFound
    exported = Signal(object)  # ExportDone
    _find = Signal(int, object, bool)
    _news = Signal(int, object, object)
    _export = Signal(object, object)
    _close = Signal()

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: The index that saved searches run on (the window sets it once the data folder is open).
        self.index: SearchIndex | None = None
        self.find_token = 0
        self.news_token = 0
        self.thread_ = QThread()
        self.thread_.setObjectName("qe-user-reads")
        self.runner = _Runner(paths, self)
        self.runner.moveToThread(self.thread_)
        self._find.connect(self.runner.find)
        self._news.connect(self.runner.news)
        self._export.connect(self.runner.export)
        self._close.connect(self.runner.close)
        self.runner.annotations_found.connect(self.annotations_found)
        self.runner.news_found.connect(self.news_found)
        self.runner.exported.connect(self.exported)
        self.thread_.start()
        self._stopped = False

    def find(self, query: AnnotationQuery, *, with_choices: bool = False) -> int:
        """Find the annotations ``query`` keeps (returns at once): the token of the answer to wait for."""
        self.find_token += 1
        self._find.emit(self.find_token, query, with_choices)
        return self.find_token

    def news(self, searches: Sequence[SavedSearch]) -> int:
        """What is new for each of ``searches`` (returns at once): the token of the answer to wait for."""
        self.news_token += 1
        self._news.emit(self.news_token, tuple(searches), self.index)
        return self.news_token

    def export(self, path: Path, dossier_id: str | None = None) -> None:
        """Write the annotations and dossiers (or one dossier) to a JSON-LD file (returns at once)."""
        self._export.emit(path, dossier_id)

    def shutdown(self) -> None:
        """Let the running read end, close the connections, stop the thread."""
        if self._stopped:
            return
        self._stopped = True
        self.find_token += 1  # what is still queued is skipped
        self.news_token += 1
        self._close.emit()
        self.thread_.quit()
        self.thread_.wait()
