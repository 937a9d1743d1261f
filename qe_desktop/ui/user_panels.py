"""The window's side panels of the user's own work, and how they are wired to the window.

Three docks: « Annotations » (every annotation, filtered), « Dossiers » (the dossiers and the
questions of the one chosen) and « Recherches enregistrées ».  This module builds them, their
actions (Affichage, Fichier > export and import of JSON-LD, Édition > « Enregistrer la
recherche… », the results' context menu and the reader's « Ajouter au dossier » button), and
connects them to the window:

- what the panels ask for is an edit, committed by ``MainWindow.do_edit`` (undoable);
- what changed comes back as ``MainWindow.user_changed``: the panels read again what it touched;
- long reads (finding annotations, the saved searches' news, exports) run in the thread of
  ``user_reads.UserWorkJobs``; short ones (a page of rows, the dossiers) through a read-only
  connection of the GUI thread.

Part of the window (it holds it), kept apart to keep ``main_window.py`` readable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMenu, QMessageBox, QToolButton, QWidget

from qe_desktop.annotations.edits import DeleteAnnotation, Edit, MarkSearchOpened, PutDossier, PutSavedSearch
from qe_desktop.model import Dossier, SavedSearch, UserChanges
from qe_desktop.ui.annotations_panel import AnnotationsPanel
from qe_desktop.ui.dossiers_panel import DossiersPanel
from qe_desktop.ui.export_dialog import ExportChoice
from qe_desktop.ui.saved_searches import SavedSearchesPanel
from qe_desktop.ui.user_reads import AnnotationsFound, ExportDone, NewsFound, UserWorkJobs
from qe_desktop.ui.user_writer import UserState
from qe_desktop.ui.workers import CorpusState, OperationDone

if TYPE_CHECKING:
    from qe_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class UserPanels(QObject):
    """The annotations, dossiers and saved-searches docks of a window, and their actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reads = window.user_reads  # the GUI thread's one view of user.sqlite and corpus.sqlite
        self.jobs = UserWorkJobs(window.paths, self)
        self.jobs.annotations_found.connect(self.on_jobs_annotations_found)
        self.jobs.news_found.connect(self.on_jobs_news_found)
        self.jobs.exported.connect(self.on_jobs_exported)
        #: The annotation to scroll to once its question is shown (a click in the panel).
        self.pending_scroll: str | None = None
        self.import_report: QMessageBox | None = None
        self._choices_due = False  # the filters' choices must be read again (tags, dossiers…)
        self._build_docks()
        self._build_actions()
        self._connect()

    # -- construction --

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.window.addDockWidget(area, dock)
        dock.hide()
        return dock

    def _build_docks(self) -> None:
        self.annotations = AnnotationsPanel(self.reads.annotation_rows)
        self.dossiers = DossiersPanel(self.reads)
        self.searches = SavedSearchesPanel()
        self.annotations_dock = self._dock(
            "Annotations", "annotations_dock", self.annotations, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.dossiers_dock = self._dock(
            "Dossiers", "dossiers_dock", self.dossiers, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.searches_dock = self._dock(
            "Recherches enregistrées",
            "saved_searches_dock",
            self.searches,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )

    def _build_actions(self) -> None:
        w = self.window
        self.act_annotations = self.annotations_dock.toggleViewAction()
        self.act_annotations.setText("Panneau des &annotations")
        self.act_annotations.setShortcut("Ctrl+Shift+A")
        self.act_annotations.setObjectName("show_annotations")
        self.act_dossiers = self.dossiers_dock.toggleViewAction()
        self.act_dossiers.setText("Panneau des &dossiers")
        self.act_dossiers.setShortcut("Ctrl+Shift+K")
        self.act_dossiers.setObjectName("show_dossiers")
        self.act_searches = self.searches_dock.toggleViewAction()
        self.act_searches.setText("&Recherches enregistrées")
        self.act_searches.setObjectName("show_saved_searches")
        w.addActions([self.act_annotations, self.act_dossiers])

        self.act_save_search = QAction("Enregistrer la &recherche…", w)
        self.act_save_search.setObjectName("save_search")
        self.act_save_search.setShortcut("Ctrl+Shift+S")
        self.act_save_search.triggered.connect(lambda: self.save_search())
        self.act_export = QAction("E&xporter les annotations…", w)
        self.act_export.setObjectName("export_annotations")
        self.act_export.setToolTip(
            "Vos annotations et dossiers en JSON-LD (W3C Web Annotation), pour les partager"
        )
        self.act_export.triggered.connect(lambda: self.export_annotations())
        self.act_import = QAction("Importer des a&nnotations…", w)
        self.act_import.setObjectName("import_annotations")
        self.act_import.setToolTip(
            "Ajouter les annotations et dossiers d'un fichier JSON-LD reçu d'un collègue"
        )
        self.act_import.triggered.connect(lambda: self.import_annotations())
        w.addActions([self.act_save_search])

        w.menu_file.insertActions(w.act_reindex, [self.act_export, self.act_import])
        w.menu_file.insertSeparator(w.act_reindex)
        w.menu_edit.addSeparator()
        w.menu_edit.addAction(self.act_save_search)
        w.menu_view.addSeparator()
        w.menu_view.addActions([self.act_annotations, self.act_dossiers, self.act_searches])

        # The reader's « Ajouter au dossier » button: the same menu as the results'.
        self.reader_menu = QMenu("Ajouter au dossier", w)
        self.reader_menu.aboutToShow.connect(self.on_reader_menu_about_to_show)
        self.act_add_to_dossier = QAction("Ajouter au dossier", w)
        self.act_add_to_dossier.setObjectName("add_to_dossier")
        self.act_add_to_dossier.setToolTip("Ajouter la question lue à un dossier")
        self.act_add_to_dossier.setMenu(self.reader_menu)
        self.act_add_to_dossier.setEnabled(False)
        w.reader_bar.insertAction(w.act_previous_match, self.act_add_to_dossier)
        w.reader_bar.insertSeparator(w.act_previous_match)
        button = w.reader_bar.widgetForAction(self.act_add_to_dossier)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        w.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        w.table.customContextMenuRequested.connect(self.on_table_context_menu_requested)

    def _connect(self) -> None:
        w = self.window
        w.user_ready.connect(self.on_window_user_ready)
        w.user_changed.connect(self.on_window_user_changed)
        w.user_imported.connect(self.on_window_user_imported)
        w.annotation_selected.connect(self.on_window_annotation_selected)
        w.question_shown.connect(self.on_window_question_shown)
        w.writes.operation_finished.connect(self.on_writes_operation_finished)
        self.annotations.query_changed.connect(self.on_annotations_query_changed)
        self.annotations.annotation_opened.connect(self.on_annotations_annotation_opened)
        self.annotations.delete_requested.connect(self.on_annotations_delete_requested)
        self.dossiers.edit_requested.connect(self.on_panel_edit_requested)
        self.dossiers.question_opened.connect(self.on_dossiers_question_opened)
        self.dossiers.export_requested.connect(self.export_dossier)
        self.searches.edit_requested.connect(self.on_panel_edit_requested)
        self.searches.run_requested.connect(self.run_search)
        self.searches.save_requested.connect(lambda: self.save_search())

    def shutdown(self) -> None:
        self.jobs.shutdown()  # the window closes its user_reads

    # -- reading again --

    @property
    def user_ready(self) -> bool:
        state = self.window.user_state
        return state is not None and state.ready

    def refresh_annotations(self, *, with_choices: bool = True) -> None:
        """Find the annotations again with the panel's filters (off the GUI thread)."""
        # Choices asked for by a find that a newer one replaced are asked for by the newer one.
        self._choices_due = self._choices_due or with_choices
        if self.user_ready:
            self.jobs.find(self.annotations.query(), with_choices=self._choices_due)

    def refresh_news(self) -> None:
        """What is new for each saved search (off the GUI thread)."""
        if self.user_ready and self.searches.searches:
            self.jobs.news(self.searches.searches)

    def on_window_user_ready(self, state: UserState) -> None:
        self.annotations.set_colours(state.colours)
        self.refresh_annotations()
        self.dossiers.reload()
        self.searches.show_searches(self.reads.saved_searches())
        self.refresh_news()

    def on_window_user_changed(self, changes: UserChanges) -> None:
        if changes.colours_changed and self.window.user_state is not None:
            self.annotations.set_colours(self.window.user_state.colours)
        if (
            changes.annotations_added
            or changes.annotations_updated
            or changes.annotations_removed
            or changes.dossiers_changed
            or changes.dossiers_removed
            or changes.colours_changed
        ):
            self.refresh_annotations()
        if changes.dossiers_changed or changes.dossiers_removed or changes.questions:
            self.dossiers.reload()
        if changes.saved_searches_changed or changes.saved_searches_removed:
            self.searches.show_searches(self.reads.saved_searches())
            self.refresh_news()

    def on_writes_operation_finished(self, done: OperationDone) -> None:
        """The corpus changed or its index opened: the saved searches' news, the questions' facts."""
        if not isinstance(done.state, CorpusState):
            return
        opened = self.jobs.index is None and done.state.index is not None
        self.jobs.index = done.state.index
        changes = done.changes
        changed = changes.questions_added or changes.questions_updated or changes.questions_removed
        if opened or changed:
            self.refresh_news()
        if changed and self.user_ready:
            self.refresh_annotations()
            self.dossiers.reload()

    def on_jobs_annotations_found(self, found: AnnotationsFound) -> None:
        if found.token != self.jobs.find_token:
            return  # a newer find was asked for
        if found.error:
            self.window.show_error(found.error)
            return
        if found.choices is not None:
            self._choices_due = False
        self.annotations.show_found(found)

    def on_jobs_news_found(self, found: NewsFound) -> None:
        if found.token != self.jobs.news_token:
            return
        if found.error:
            self.window.show_error(found.error)
            return
        self.searches.show_news(found.news)

    # -- annotations --

    def on_annotations_query_changed(self) -> None:
        self.refresh_annotations(with_choices=False)

    def on_annotations_annotation_opened(self, annotation_id: str, uid: str) -> None:
        """Open the annotation's question and show its passage (once the question is shown)."""
        self.pending_scroll = annotation_id
        if self.window.current_uid == uid and self.window.reader.shown is not None:
            self.on_window_question_shown(uid)
        else:
            self.window.open_question(uid)

    def on_window_question_shown(self, uid: str) -> None:
        self.act_add_to_dossier.setEnabled(True)
        aid, self.pending_scroll = self.pending_scroll, None
        if aid is None:
            return
        self.window.reader.scroll_to_annotation(aid)

    def on_window_annotation_selected(self, annotation_id: str) -> None:
        """A highlight clicked in the reader: its row in the panel (the panel shown)."""
        if not self.annotations.select_annotation(annotation_id) and self.annotations_dock.isVisible():
            self.window.statusBar().showMessage(
                "Cette annotation n'est pas dans la liste : les filtres du panneau l'écartent.", 5000
            )

    def on_annotations_delete_requested(self, ids: tuple[str, ...]) -> None:
        w = self.window
        if len(ids) == 1:
            w.do_edit(DeleteAnnotation(ids[0]), "Supprimer l'annotation")
            return
        w.undo_stack.beginMacro(f"Supprimer {len(ids)} annotations")
        try:
            for aid in ids:
                w.do_edit(DeleteAnnotation(aid), "Supprimer l'annotation")
        finally:
            w.undo_stack.endMacro()

    # -- dossiers --

    def on_panel_edit_requested(self, edit: Edit, text: str) -> None:
        self.window.do_edit(edit, text)

    def on_dossiers_question_opened(self, uid: str) -> None:
        self.window.open_question(uid)

    def selected_result_uids(self) -> list[str]:
        table = self.window.table
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        model = self.window.model
        return [uid for uid in (model.uid_at(r) for r in rows) if uid is not None]

    def add_to_dossier_menu(self, menu: QMenu, uids: Sequence[str]) -> None:
        """Fill ``menu`` with the dossiers (and « Nouveau dossier… ») to add ``uids`` to."""
        menu.clear()
        chosen = tuple(uids)
        for dossier in self.dossiers.list_model.dossiers:  # as last read (after every edit)
            action = menu.addAction(dossier.name)
            action.setData(dossier.id)
            already = all(uid in dossier.items for uid in chosen)
            action.setEnabled(bool(chosen) and not already)
            if already:
                action.setToolTip("Déjà dans ce dossier")
            action.triggered.connect(
                lambda _checked=False, d=dossier.id: self.dossiers.add_questions(d, chosen)
            )
        if menu.actions():
            menu.addSeparator()
        new = menu.addAction("Nouveau dossier…")
        new.setEnabled(bool(chosen))
        new.triggered.connect(lambda _checked=False: self.add_to_new_dossier(chosen))

    def add_to_new_dossier(self, uids: Sequence[str], name: str | None = None) -> None:
        """Create a dossier with these questions in it (``name`` None: ask for it)."""
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Nouveau dossier", "Nom du dossier :")
            if not ok or not name.strip():
                return
        dossier = self.reads.new_dossier(name)
        self.dossiers.choose_when_saved(dossier.id)
        self.window.do_edit(
            PutDossier(replace(dossier, items=tuple(dict.fromkeys(uids)))),
            f"Créer le dossier « {dossier.name} »",
        )

    def results_menu(self) -> QMenu:
        """The results list's context menu for the selected rows."""
        menu = QMenu(self.window.table)
        menu.setObjectName("results_menu")
        uids = self.selected_result_uids()
        sub = menu.addMenu("Ajouter au dossier")
        sub.setObjectName("add_to_dossier_menu")
        self.add_to_dossier_menu(sub, uids)
        menu.addSeparator()
        export = menu.addAction("Exporter…")
        export.setObjectName("results_export")
        export.triggered.connect(self.export_results)
        return menu

    def export_results(self) -> None:
        """The export dialog, the selected results first when several are."""
        choices = self.window.export_choices()
        several = [c for c in choices if c.label.endswith("sélectionnées")]
        self.window.open_export_dialog(several + [c for c in choices if c not in several])

    def export_dossier(self, dossier: Dossier) -> None:
        n = len(dossier.items)
        if not n:
            self.window.show_error(f"Le dossier « {dossier.name} » est vide : rien à exporter.")
            return
        choice = ExportChoice(
            f"Le dossier « {dossier.name} » ({n} question{'s' if n > 1 else ''})",
            tuple(dossier.items),
            dossier.name,
            f"Dossier « {dossier.name} »",
            dossier.description,
            skip_missing=True,
        )
        self.window.open_export_dialog([choice, *self.window.export_choices()])

    def on_table_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.results_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.window.table.viewport().mapToGlobal(pos))

    def on_reader_menu_about_to_show(self) -> None:
        uid = self.window.current_uid
        self.add_to_dossier_menu(self.reader_menu, [uid] if uid else [])

    # -- saved searches --

    def save_search(self, name: str | None = None) -> SavedSearch | None:
        """Save the current search (query, filters, order) under a name (None: ask for it)."""
        w = self.window
        if name is None:
            suggestion = w.search_bar.text()[:60]
            name, ok = QInputDialog.getText(
                w, "Enregistrer la recherche", "Nom de la recherche :", text=suggestion
            )
            if not ok:
                return None
        if not name.strip():
            return None
        search = self.reads.new_saved_search(
            name, w.search_bar.text(), tuple(w.filters), w.search_bar.sort_key()
        )
        w.do_edit(PutSavedSearch(search), f"Enregistrer la recherche « {search.name} »")
        return search

    def run_search(self, search: SavedSearch) -> None:
        """Restore a saved search's query, filters and order, run it, and remember it was opened."""
        w = self.window
        w.search_bar.set_text(search.query)
        w.filters[:] = list(search.filters)
        w.search_bar.sort.blockSignals(True)
        try:
            w.search_bar.set_sort_key(search.sort)
        finally:
            w.search_bar.sort.blockSignals(False)
        w._open_first_hit = True
        w.run_search()
        if w.user_state is not None and w.user_state.ready and not w.user_state.readonly_reason:
            # Not an action to undo: remembered, off the undo stack.
            w.user_writes.apply(MarkSearchOpened(search.id))

    # -- JSON-LD --

    def export_annotations(
        self, path: Path | None = None, *, dossier_id: str | None = None, ask: bool = True
    ) -> None:
        """Export every annotation and dossier, or the chosen dossier, to a JSON-LD file."""
        w = self.window
        if ask:
            chosen = self.dossiers.current() if self.dossiers_dock.isVisible() else None
            if chosen is not None:
                box = QMessageBox(
                    QMessageBox.Icon.Question,
                    "Exporter les annotations",
                    "Exporter toutes vos annotations et tous vos dossiers, ou seulement le dossier "
                    f"« {chosen.name} » et les annotations de ses questions ?",
                    parent=w,
                )
                everything = box.addButton("Tout exporter", QMessageBox.ButtonRole.AcceptRole)
                one = box.addButton(f"Le dossier « {chosen.name} »", QMessageBox.ButtonRole.AcceptRole)
                box.addButton(QMessageBox.StandardButton.Cancel)
                box.exec()
                if box.clickedButton() not in (everything, one):
                    return
                dossier_id = chosen.id if box.clickedButton() is one else None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                w,
                "Exporter les annotations",
                str(Path.home() / "annotations-qe.jsonld"),
                "Annotations W3C JSON-LD (*.jsonld *.json)",
            )
            if not name:
                return
            path = Path(name)
        w.statusBar().showMessage(f"Export des annotations dans « {path.name} »…")
        self.jobs.export(path, dossier_id)

    def on_jobs_exported(self, done: ExportDone) -> None:
        if done.error or done.summary is None:
            self.window.show_error(done.error or f"L'export dans « {done.path} » a échoué.")
            return
        s = done.summary
        self.window.statusBar().showMessage(
            f"{s.annotations} annotation{'s' if s.annotations > 1 else ''} et {s.dossiers} "
            f"dossier{'s' if s.dossiers > 1 else ''} exportés dans « {s.path} ».",
            10000,
        )

    def import_annotations(self, path: Path | None = None) -> None:
        """Import a JSON-LD file of annotations and dossiers (all of it or nothing); the report follows."""
        w = self.window
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                w,
                "Importer des annotations",
                str(Path.home()),
                "Annotations W3C JSON-LD (*.jsonld *.json);;Tous les fichiers (*)",
            )
            if not name:
                return
            path = Path(name)
        if w.user_state is not None and w.user_state.readonly_reason:
            w.show_error(
                f"Rien ne peut être importé : dossier de données en lecture seule ({w.user_state.readonly_reason})."
            )
            return
        w.user_writes.import_annotations(path)

    def on_window_user_imported(self, done: OperationDone) -> None:
        """The report of an import of annotations (or why it was refused) in a dialog."""
        w = self.window
        w.statusBar().clearMessage()  # « Import des annotations de … » said while it ran
        if done.error:
            box = QMessageBox(QMessageBox.Icon.Warning, "Import des annotations", done.error, parent=w)
        else:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Import des annotations",
                "\n".join(done.changes.notices) or "Rien à importer.",
                parent=w,
            )
        box.setObjectName("annotations_import_report")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.import_report = box
        box.open()
