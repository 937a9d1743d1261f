"""The saved searches: a side list of the user's searches, each with what is new since last opened.

A click runs the search (the window restores its query, filters and order); each item says
« 3 nouvelles réponses » when questions of its results were answered (or imported) since the
user last opened it, as computed off the GUI thread (``user_reads.UserWorkJobs.news``).
Changes are edits asked for (:attr:`SavedSearchesPanel.edit_requested`), committed by the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.edits import DeleteSavedSearch, PutSavedSearch
from qe_desktop.annotations.store import SearchNews
from qe_desktop.labels import facet_value_label
from qe_desktop.model import SavedSearch

SEARCH_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(search: SavedSearch) -> str:
    """What a saved search looks for, in a line (its tooltip)."""
    parts = [f"« {search.query} »" if search.query else "toutes les questions"]
    parts += [facet_value_label(facet, value) for facet, value in search.filters]
    return " · ".join(parts)


class SavedSearchesPanel(QWidget):
    """The saved searches in the user's order; a click runs one."""

    #: Run this search (SavedSearch).
    run_requested = Signal(object)
    #: Save the current search under a name (the window knows the current search).
    save_requested = Signal()
    #: An edit to commit, undoably (the edit, the words of Ctrl+Z's menu entry).
    edit_requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saved_searches_panel")
        self.searches: list[SavedSearch] = []
        self.news: dict[str, SearchNews] = {}

        self.save_button = QToolButton()
        self.save_button.setObjectName("saved_search_save")
        self.save_button.setText("Enregistrer la recherche…")
        self.save_button.setToolTip("Garder la recherche en cours (texte, filtres, ordre) sous un nom")
        self.save_button.setAutoRaise(True)
        self.save_button.clicked.connect(self.save_requested)
        self.rename_button = QToolButton()
        self.rename_button.setObjectName("saved_search_rename")
        self.rename_button.setText("Renommer…")
        self.rename_button.setAutoRaise(True)
        self.rename_button.clicked.connect(lambda: self.rename_search())
        self.delete_button = QToolButton()
        self.delete_button.setObjectName("saved_search_delete")
        self.delete_button.setText("Supprimer")
        self.delete_button.setToolTip("Supprimer la recherche enregistrée choisie (annulable)")
        self.delete_button.setAutoRaise(True)
        self.delete_button.clicked.connect(lambda: self.delete_search())

        self.list = QListWidget()
        self.list.setObjectName("saved_search_list")
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.itemClicked.connect(self.on_list_item_activated)
        self.list.itemActivated.connect(self.on_list_item_activated)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- showing --

    def show_searches(self, searches: Sequence[SavedSearch]) -> None:
        chosen = self.current()
        self.searches = list(searches)
        self.news = {k: v for k, v in self.news.items() if any(s.id == k for s in searches)}
        self._fill(chosen.id if chosen is not None else None)

    def show_news(self, news: Mapping[str, SearchNews]) -> None:
        self.news = dict(news)
        chosen = self.current()
        self._fill(chosen.id if chosen is not None else None)

    def _fill(self, chosen: str | None) -> None:
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for search in self.searches:
                news = self.news.get(search.id)
                label = news.label() if news is not None else ""
                item = QListWidgetItem(f"{search.name}\n{label}" if label else search.name)
                item.setData(SEARCH_ID_ROLE, search.id)
                item.setToolTip(describe(search))
                if label:
                    font = QFont(self.list.font())
                    font.setBold(True)
                    item.setFont(font)
                self.list.addItem(item)
                if search.id == chosen:
                    self.list.setCurrentItem(item)
        finally:
            self.list.blockSignals(False)
        self._update_buttons()

    def item_texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def current(self) -> SavedSearch | None:
        item = self.list.currentItem()
        if item is None:
            return None
        wanted = item.data(SEARCH_ID_ROLE)
        return next((s for s in self.searches if s.id == wanted), None)

    def search_named(self, name: str) -> SavedSearch | None:
        return next((s for s in self.searches if s.name == name), None)

    def on_list_item_activated(self, item: QListWidgetItem) -> None:
        wanted = item.data(SEARCH_ID_ROLE)
        search = next((s for s in self.searches if s.id == wanted), None)
        if search is not None:
            self.run_requested.emit(search)

    # -- edits asked for --

    def rename_search(self, name: str | None = None) -> None:
        search = self.current()
        if search is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self, "Renommer la recherche", "Nouveau nom :", QLineEdit.EchoMode.Normal, search.name
            )
            if not ok:
                return
        if name.strip() and name.strip() != search.name:
            self.edit_requested.emit(
                PutSavedSearch(replace(search, name=name.strip())), f"Renommer la recherche « {search.name} »"
            )

    def delete_search(self, *, ask: bool = True) -> None:
        search = self.current()
        if search is None:
            return
        if ask:
            answer = QMessageBox.question(
                self,
                "Supprimer la recherche enregistrée",
                f"Supprimer la recherche enregistrée « {search.name} » ?\nCtrl+Z annule la suppression.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.edit_requested.emit(DeleteSavedSearch(search.id), f"Supprimer la recherche « {search.name} »")
