"""« Grouper les réponses identiques »: the search's results as one row per answer given many times.

When the toggle above the results is on, the results list gives way to a tree: one row per
answer that several questions of the search received (the most shared first: the start of its
text, its ministry and date, how many questions of the search and of the corpus), unfolding to
its questions; a click on a question opens it in the reader.  Questions whose answer is their
own are not repeated there: the line above the tree counts them, and unticking the toggle shows
the usual list again.

The groups are computed at import (suivi/duplicates.py) and only read here, off the GUI thread:
the search's uids (``SearchIndex.matching_uids``), then ``grouped_answers``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeView, QVBoxLayout, QWidget

from qe_desktop.dates import format_date_fr
from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths
from qe_desktop.search.index import SearchIndex
from qe_desktop.store import QuestionFacts
from qe_desktop.suivi.duplicates import AnswerGroup, grouped_answers
from qe_desktop.ui.reader import SameAnswer
from qe_desktop.ui.workers import Job, ReadConnections, user_message

if TYPE_CHECKING:
    from qe_desktop.ui.main_window import MainWindow

#: Groups shown at most (the most shared first); the line above says when there are more.
MAX_GROUPS = 2000
UID_ROLE = Qt.ItemDataRole.UserRole + 1
#: What a column sorts by: the ISO date of « Réponse du », the number of « Questions », else the text.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class GroupsFound:
    token: int
    total: int  # questions of the search
    groups: tuple[AnswerGroup, ...]
    facts: dict[str, QuestionFacts] = dataclasses.field(default_factory=dict)
    error: str | None = None


class GroupJobs(QObject):
    """Reads the answer groups of a search on a thread of its own."""

    found = Signal(object)  # GroupsFound

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.connections = ReadConnections(paths)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._latest = 0

    def find(self, token: int, request: SearchRequest, index: SearchIndex | None) -> None:
        self._latest = max(self._latest, token)

        def work() -> None:
            if token < self._latest:
                return
            try:
                if index is None:
                    self.found.emit(GroupsFound(token, 0, (), error="L'index de recherche n'est pas prêt."))
                    return
                uids = index.matching_uids(request)
                store = self.connections.store()
                groups = tuple(grouped_answers(store, uids)[:MAX_GROUPS])
                facts = store.facts(u for g in groups for u in g.uids)
                self.found.emit(GroupsFound(token, len(uids), groups, facts))
            except Exception as exc:
                self.found.emit(GroupsFound(token, 0, (), error=user_message(exc, self.paths)))

        self.pool.start(Job(work))

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        self.connections.close_all()


def _text_cell(text: str | None) -> QStandardItem:
    item = QStandardItem(text or "")
    item.setData(text or "", SORT_ROLE)
    return item


def _date_cell(iso: str | None) -> QStandardItem:
    """The date in French, sorted by its ISO form (« 1er mars 2024 » after « 12 décembre 2023 »)."""
    item = QStandardItem(format_date_fr(iso) if iso else "")
    item.setData(iso or "", SORT_ROLE)
    return item


def _question_text(f: QuestionFacts) -> str:
    return SameAnswer.from_facts(f).text()


class GroupedResultsView(QWidget):
    """The tree of the answers given many times in the search, with a line counting them."""

    question_requested = Signal(str)  # uid

    COLUMNS = ("Réponse, puis ses questions", "Questions", "Ministère", "Réponse du")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = QLabel()
        self.info.setObjectName("answer_groups_info")
        self.info.setWordWrap(True)
        self.info.setContentsMargins(6, 3, 6, 3)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.model.setSortRole(SORT_ROLE)
        self.tree = QTreeView()
        self.tree.setObjectName("answer_groups_tree")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in ((1, 90), (2, 230), (3, 110)):
            self.tree.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.info)
        layout.addWidget(self.tree, 1)
        self.tree.activated.connect(self.on_tree_activated)
        self.tree.clicked.connect(self.on_tree_activated)

    def show_busy(self) -> None:
        self.info.setText("Regroupement des réponses identiques…")

    def show_found(self, found: GroupsFound) -> None:
        self.model.removeRows(0, self.model.rowCount())
        if found.error:
            self.info.setText(found.error)
            return
        grouped = sum(len(g.uids) for g in found.groups)
        if not found.groups:
            self.info.setText(
                f"Aucune réponse n'est commune à plusieurs des {found.total} questions de la recherche."
                if found.total > 1
                else "Aucune réponse commune à plusieurs questions."
            )
            return
        n = len(found.groups)
        text = (
            f"{n} réponse{'s' if n > 1 else ''} donnée{'s' if n > 1 else ''} à plusieurs questions : "
            f"{grouped} des {found.total} questions de la recherche. Les {found.total - grouped} autres "
            "ont une réponse qui leur est propre (désactivez « Grouper les réponses identiques » pour la liste)."
        )
        if n >= MAX_GROUPS:
            text += f" Les {MAX_GROUPS} réponses les plus partagées sont montrées."
        self.info.setText(text)
        root = self.model.invisibleRootItem()
        for group in found.groups:
            title = QStandardItem(f"« {group.excerpt} »" if group.excerpt else group.group_id)
            title.setData(group.uids[0], UID_ROLE)
            title.setToolTip(group.excerpt)
            count = QStandardItem()
            count.setData(len(group.uids), Qt.ItemDataRole.DisplayRole)
            count.setToolTip(
                f"{len(group.uids)} questions de la recherche, {group.in_corpus} dans tout le corpus"
            )
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            title.setData(title.text(), SORT_ROLE)
            count.setData(len(group.uids), SORT_ROLE)
            for uid in group.uids:
                f = found.facts.get(uid)
                child = QStandardItem(_question_text(f) if f is not None else uid)
                child.setData(uid, UID_ROLE)
                child.setData(child.text(), SORT_ROLE)
                child.setToolTip(child.text())
                cells = [child, QStandardItem(), _text_cell(f.ministry_answering if f else None)]
                title.appendRow([*cells, _date_cell(f.answer_date if f else None)])
            root.appendRow([title, count, _text_cell(group.ministry), _date_cell(group.answer_date)])

    def group_titles(self) -> list[str]:
        return [self.model.item(r, 0).text() for r in range(self.model.rowCount())]

    def on_tree_activated(self, index: QModelIndex) -> None:
        uid = index.siblingAtColumn(0).data(UID_ROLE)
        if isinstance(uid, str):
            self.question_requested.emit(uid)


class GroupedResults(QObject):
    """The toggle's work in the window: follows its search while on, shows the tree in place of the list."""

    shown = Signal(object)  # GroupsFound, once shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = GroupJobs(window.paths, self)
        self.view = GroupedResultsView()
        self.token = 0
        self.jobs.found.connect(self.on_jobs_found)
        self.view.question_requested.connect(self.on_view_question_requested)
        window.ready.connect(self.on_window_ready)

    @property
    def active(self) -> bool:
        return self.window.results_stack.currentWidget() is self.view

    def set_active(self, on: bool) -> None:
        """Show the groups (and read them for the current search) or the usual list."""
        stack = self.window.results_stack
        stack.setCurrentWidget(self.view if on else self.window.table)
        if on:
            self.refresh()

    def on_window_ready(self) -> None:
        if self.active:
            self.refresh()

    def refresh(self) -> None:
        done = self.window.last_done
        if done is None:
            return
        self.token += 1
        self.view.show_busy()
        self.jobs.find(self.token, done.request, self.window.reads.index)

    def on_jobs_found(self, found: GroupsFound) -> None:
        if found.token != self.token:
            return
        self.view.show_found(found)
        self.shown.emit(found)

    def on_view_question_requested(self, uid: str) -> None:
        if uid != self.window.current_uid:
            self.window.open_question(uid)

    def shutdown(self) -> None:
        self.jobs.shutdown()
