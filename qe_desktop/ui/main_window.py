"""The main window: search bar, filters, results, reader, "questions proches", status bar.

The window wires the panels together and fans out what operations change
(``Changes``); the panels never reach into each other or into a database.
All the work happens in ``workers``: the window only sends requests and shows
results, ignoring those that a newer request has replaced.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.edits import Edit
from qe_desktop.annotations.store import DEFAULT_COLOURS, UserStoreError
from qe_desktop.export.content import Selection
from qe_desktop.labels import facet_title, facet_value_label, ordinal, status_label
from qe_desktop.model import Changes, ColourMeaning, SearchRequest, UserChanges
from qe_desktop.paths import DataPaths
from qe_desktop.search.index import SearchIndex
from qe_desktop.ui.annotating import Annotator
from qe_desktop.ui.answer_groups import GroupedResults
from qe_desktop.ui.dialogs import ImportDialog, ShortcutsDialog, native_keys
from qe_desktop.ui.export_dialog import ExportChoice, ExportDialog
from qe_desktop.ui.filters import FacetPanel, Filter, FilterChips
from qe_desktop.ui.reader import PassageRequest, Reader
from qe_desktop.ui.results_model import ResultsModel
from qe_desktop.ui.search_bar import SearchBar, count_text
from qe_desktop.ui.settings import MAX_ZOOM, MIN_ZOOM, Settings
from qe_desktop.ui.stats_view import StatisticsDock
from qe_desktop.ui.suivi_panel import Suivi
from qe_desktop.ui.user_panels import UserPanels
from qe_desktop.ui.user_reads import UserReads
from qe_desktop.ui.user_writer import EditCommand, UserState, UserWriter
from qe_desktop.ui.workers import (
    CorpusState,
    CorpusStatus,
    CorpusWriter,
    OperationDone,
    Progress,
    QuestionLoaded,
    ReadJobs,
    SearchDone,
    SimilarFound,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 100
SIMILAR_DELAY_MS = 300
#: « Tous les résultats » exports this many questions at most (the first ones, in the search's order).
EXPORT_MAX_RESULTS = 2000
SAMPLE_BANNER = (
    "Le dossier de données était vide : QE Desktop y a importé le <b>corpus d'exemple</b> "
    "({count}, de vraies questions de l'Assemblée nationale) pour que vous puissiez l'essayer."
)


@dataclass
class History:
    """Questions opened, for Précédente / Suivante (Alt+← / Alt+→)."""

    items: list[str] = field(default_factory=list)
    position: int = -1

    @property
    def current(self) -> str | None:
        return self.items[self.position] if 0 <= self.position < len(self.items) else None

    def visit(self, uid: str) -> None:
        if uid == self.current:
            return
        del self.items[self.position + 1 :]
        self.items.append(uid)
        self.position = len(self.items) - 1

    def can_go_back(self) -> bool:
        return self.position > 0

    def can_go_forward(self) -> bool:
        return self.position < len(self.items) - 1

    def back(self) -> str | None:
        if not self.can_go_back():
            return None
        self.position -= 1
        return self.current

    def forward(self) -> str | None:
        if not self.can_go_forward():
            return None
        self.position += 1
        return self.current


class SimilarList(QListWidget):
    """The "Questions proches": items of two or three lines, each as tall as its wrapped text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similar_list")
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_items(self) -> None:
        """Qt sizes wrapped items before it knows the final width: size them ourselves."""
        width = self.viewport().width() - 2 * self.spacing() - 8
        metrics = self.fontMetrics()
        for row in range(self.count()):
            item = self.item(row)
            if item is None:
                continue
            rect = metrics.boundingRect(
                QRect(0, 0, max(40, width), 10_000), Qt.TextFlag.TextWordWrap, item.text()
            )
            item.setSizeHint(QSize(width, rect.height() + 6))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_items()


class Banner(QFrame):
    """A message above the search bar, with an action and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        # Palette roles, not colours: the banner follows the light or dark system theme.
        self.setStyleSheet(
            "QFrame#banner { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(22, 22)
        )
        layout.addWidget(icon)
        self.label = QLabel()
        self.label.setObjectName("banner_text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton("Importer des données réelles…")
        self.action_button.setObjectName("banner_import")
        layout.addWidget(self.action_button)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Masquer ce message")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self.hide()

    def show_message(self, html: str, *, with_import: bool = True) -> None:
        """Show a message; ``with_import`` False hides the import button (nothing can be imported)."""
        self.label.setText(html)
        self.action_button.setVisible(with_import)
        self.show()


class MainWindow(QMainWindow):
    """QE Desktop's window."""

    ready = Signal()  # a search's results are shown (the first one: the data folder is open)
    question_shown = Signal(str)  # uid
    job_progressed = Signal(object)  # workers.Progress of the writer's job
    job_finished = Signal()  # the writer's job ended (done, failed or cancelled)
    import_reported = Signal(object)  # ImportReport, once the dialog shows it
    error_shown = Signal(str)  # a French message shown to the user
    #: The user's own work changed (model.UserChanges): an edit saved, undone, annotations re-anchored.
    user_changed = Signal(object)
    #: The user's database is open (workers' UserState): panels may read it.
    user_ready = Signal(object)
    #: A highlight was clicked in the reader (annotation id): the annotations panel selects it.
    annotation_selected = Signal(str)
    #: An import of annotations ended (workers' OperationDone: its report in ``changes.notices``, or ``error``).
    user_imported = Signal(object)

    def __init__(self, paths: DataPaths, *, today: date | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.today = today
        self.settings = Settings(paths)
        self.setWindowTitle("QE Desktop — questions écrites du Parlement")
        self.setObjectName("main_window")
        self.setAcceptDrops(True)

        self.writes = CorpusWriter(paths, self)
        #: The writer of the user's own work (annotations, dossiers, saved searches): its own thread.
        self.user_writes = UserWriter(paths, self)
        self.user_state: UserState | None = None
        #: Every action on the user's own work in this session (Ctrl+Z, Ctrl+Maj+Z).
        self.undo_stack = QUndoStack(self)
        self.reads = ReadJobs(paths, self)
        self.reads.today = today
        self.index_ready = False
        self.search_token = 0
        self.load_token = 0
        self.filters: list[Filter] = []
        self.history = History()
        self.current_uid: str | None = None
        self.last_done: SearchDone | None = None
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.error_box: QMessageBox | None = None
        self._open_first_hit = True
        self._remember_next = True
        self._warm_asked = False  # SearchIndex.warm() asked for once the first question is shown
        self._selecting = False
        self._keep_scroll_next = False  # the next question shown is the same one, reloaded
        self._shutdown_done = False
        self._job_shown = False  # the progress bar and cancel button show a write operation

        self.similar_timer = QTimer(self)
        self.similar_timer.setSingleShot(True)
        self.similar_timer.setInterval(SIMILAR_DELAY_MS)
        self.similar_timer.timeout.connect(self.on_similar_timer_timeout)

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._connect()
        self._build_user_panels()
        #: The Suivi view of « Mes députés » (its dock, actions and notice).
        self.suivi = Suivi(self)
        self._restore_settings()

    # -- construction -------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.banner = Banner()
        #: What changed for « Mes députés » since the last look (the Suivi view's notice).
        self.suivi_banner = Banner()
        self.suivi_banner.setObjectName("suivi_banner")
        self.suivi_banner.setStyleSheet(self.suivi_banner.styleSheet().replace("#banner", "#suivi_banner"))
        self.search_bar = SearchBar()

        self.facets = FacetPanel()
        self.facets.setMinimumWidth(170)
        self.chips = FilterChips()

        self.model = ResultsModel(self.today)
        self.table = QTableView()
        self.table.setObjectName("results_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows at once: to add them to a dossier (context menu, or dragged onto one).
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for column, width in enumerate((110, 135, 220, 360, 170, 115, 70, 62, 160)):
            self.table.setColumnWidth(column, width)
        # The user's annotations right after the number, where the eye starts reading a row.
        header.moveSection(ResultsModel.COL_MARKS, 1)
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)

        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(0)
        # The results' bar: the filters' chips, then « Grouper les réponses identiques ».
        self.results_bar = QHBoxLayout()
        self.results_bar.setContentsMargins(0, 0, 4, 0)
        self.results_bar.addWidget(self.chips, 1)
        self.results_bar.addStretch(0)  # the toggle on the right, with or without chips
        results_layout.addLayout(self.results_bar)
        #: The results list, or in its place the answers given many times (GroupedResults).
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.table)
        results_layout.addWidget(self.results_stack, 1)

        self.reader = Reader()
        #: The GUI thread's read-only view of the user's database (tags, the results' marks).
        self.user_reads = UserReads(self.paths)
        self.annotator = Annotator(self.reader, self.do_edit, self.user_reads, self)
        self.reader_bar = QToolBar("Lecture")
        self.reader_bar.setObjectName("reader_toolbar")
        self.reader_bar.setIconSize(QSize(16, 16))
        self.reader_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.match_label = QLabel()
        self.match_label.setObjectName("match_label")
        reader_box = QWidget()
        reader_layout = QVBoxLayout(reader_box)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.setSpacing(0)
        reader_layout.addWidget(self.reader_bar)
        reader_layout.addWidget(self.reader, 1)

        self.similar = SimilarList()
        similar_box = QWidget()
        similar_layout = QVBoxLayout(similar_box)
        similar_layout.setContentsMargins(4, 4, 0, 0)
        similar_title = QLabel("<b>Questions proches</b>")
        similar_title.setToolTip(
            "Les questions les plus proches par l'analyse et le texte : déjà posée ? déjà répondue ?"
        )
        similar_layout.addWidget(similar_title)
        similar_layout.addWidget(self.similar, 1)

        self.reader_split = QSplitter(Qt.Orientation.Horizontal)
        self.reader_split.setObjectName("reader_similar_split")
        self.reader_split.addWidget(reader_box)
        self.reader_split.addWidget(similar_box)
        self.reader_split.setStretchFactor(0, 1)
        self.reader_split.setSizes([1000, 230])

        self.content_split = QSplitter(Qt.Orientation.Vertical)
        self.content_split.setObjectName("content_split")
        self.content_split.addWidget(results)
        self.content_split.addWidget(self.reader_split)
        self.content_split.setStretchFactor(1, 1)
        self.content_split.setSizes([250, 600])

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.setObjectName("main_split")
        self.main_split.addWidget(self.facets)
        self.main_split.addWidget(self.content_split)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([230, 1170])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.suivi_banner)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.main_split, 1)
        self.setCentralWidget(central)

        status = self.statusBar()
        self.corpus_label = QLabel("Ouverture…")
        self.corpus_label.setObjectName("corpus_label")
        self.index_label = QLabel()
        self.index_label.setObjectName("index_label")
        self.progress = QProgressBar()
        self.progress.setObjectName("job_progress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancel_job")
        self.cancel_button.setText("Annuler")
        self.cancel_button.setToolTip("Interrompre la tâche en cours")
        self.cancel_button.hide()
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        status.addPermanentWidget(self.corpus_label)
        status.addPermanentWidget(self.index_label)
        self.resize(1400, 900)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | list[QKeySequence] | None = None,
        *,
        tip: str | None = None,
        icon: QStyle.StandardPixmap | None = None,
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, list | QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_import = self._action(
            "&Importer des fichiers…",
            self.choose_files_to_import,
            QKeySequence.StandardKey.Open,
            name="import",
        )
        self.act_import_folder = self._action(
            "Importer un &dossier…", self.choose_folder_to_import, "Ctrl+Shift+O", name="import_folder"
        )
        self.act_reindex = self._action(
            "&Reconstruire l'index de recherche", self.rebuild_index, name="reindex"
        )
        self.act_export = self._action(
            "E&xporter…",
            self.open_export_dialog,
            "Ctrl+P",
            name="export",
            tip="La question, la sélection, les résultats ou un dossier en PDF, Markdown, ODT ou CSV",
        )
        self.act_quit = self._action("&Quitter", self.close, QKeySequence.StandardKey.Quit, name="quit")
        self.act_focus_search = self._action(
            "Aller à la recherche", self.focus_search, "Ctrl+L", name="focus_search"
        )
        self.act_find = self._action(
            "Rechercher dans la &page…", self.reader.open_find, QKeySequence.StandardKey.Find, name="find"
        )
        self.act_next_match = self._action(
            "Occurrence suivante",
            self.reader.next_match,
            "F3",
            tip="Mot trouvé suivant, dans la question puis la réponse (F3)",
            icon=sp.SP_ArrowDown,
            name="next_match",
        )
        self.act_previous_match = self._action(
            "Occurrence précédente",
            self.reader.previous_match,
            "Shift+F3",
            tip="Mot trouvé précédent (Maj+F3)",
            icon=sp.SP_ArrowUp,
            name="previous_match",
        )
        self.act_copy_reference = self._action(
            "Copier la référence",
            self.copy_reference,
            "Ctrl+Shift+C",
            tip="Copier la référence de la question pour une note (Ctrl+Maj+C)",
            icon=sp.SP_DialogSaveButton,
            name="copy_reference",
        )
        self.act_official_page = self._action(
            "Page officielle",
            self.open_official_page,
            tip="Ouvrir la page de la question sur le site de l'Assemblée",
            icon=sp.SP_DirLinkIcon,
            name="official_page",
        )
        self.act_back = self._action(
            "Précédente",
            self.go_back,
            "Alt+Left",
            tip="Question précédemment ouverte (Alt+←)",
            icon=sp.SP_ArrowBack,
            name="back",
        )
        self.act_forward = self._action(
            "Suivante",
            self.go_forward,
            "Alt+Right",
            tip="Question suivante dans l'historique (Alt+→)",
            icon=sp.SP_ArrowForward,
            name="forward",
        )
        self.act_zoom_in = self._action(
            "Agrandir le texte",
            self.zoom_in,
            [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")],
            name="zoom_in",
        )
        self.act_zoom_out = self._action(
            "Réduire le texte", self.zoom_out, QKeySequence.StandardKey.ZoomOut, name="zoom_out"
        )
        self.act_zoom_reset = self._action("Taille normale", self.zoom_reset, "Ctrl+0", name="zoom_reset")
        self.act_vertical = self._action(
            "Réponse dessous",
            self.toggle_vertical,
            "Ctrl+Shift+D",
            tip="Question et réponse côte à côte, ou l'une sous l'autre",
            name="vertical",
        )
        self.act_vertical.setCheckable(True)
        self.act_show_filters = self._action(
            "Panneau des filtres", self.toggle_filters, "Ctrl+Shift+F", name="filters"
        )
        self.act_show_filters.setCheckable(True)
        self.act_show_filters.setChecked(True)
        self.act_results = self._action(
            "Aller aux résultats", self.focus_results, "Ctrl+R", name="focus_results"
        )
        self.act_shortcuts = self._action(
            "&Raccourcis clavier",
            self.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
            name="shortcuts",
        )
        self.act_query_help = self._action(
            "Le &langage de recherche", self.search_bar.show_help, "Ctrl+Shift+?", name="query_help"
        )
        self.act_about = self._action("À &propos de QE Desktop", self.show_about, name="about")
        self.act_question_note = self._action(
            "Note sur la question…",
            self.annotator.note_on_question,
            tip="Une note sur toute la question, en tête du lecteur",
            name="question_note",
        )
        self.act_colours = self._action(
            "Couleurs des surlignages…", self.annotator.edit_colours, name="highlight_colours"
        )
        for action in (
            self.act_back,
            self.act_forward,
            self.act_copy_reference,
            self.act_official_page,
            self.act_question_note,
        ):
            action.setEnabled(False)

        bar = self.reader_bar
        bar.addAction(self.act_back)
        bar.addAction(self.act_forward)
        bar.addSeparator()
        bar.addAction(self.act_copy_reference)
        bar.addAction(self.act_official_page)
        bar.addAction(self.act_question_note)
        bar.addSeparator()
        bar.addAction(self.act_previous_match)
        bar.addAction(self.act_next_match)
        bar.addWidget(self.match_label)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.act_vertical)
        bar.addAction(self.act_zoom_out)
        bar.addAction(self.act_zoom_in)
        for action, text in ((self.act_zoom_out, "A−"), (self.act_zoom_in, "A+")):
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setText(text)
                button.setToolTip(f"{action.text()} ({native_keys(action.shortcut())})")
        for action in (self.act_previous_match, self.act_next_match):
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _build_undo_actions(self) -> None:
        self.act_undo = self.undo_stack.createUndoAction(self, "&Annuler")
        self.act_undo.setObjectName("undo")
        self.act_undo.setShortcuts(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Rétablir")
        self.act_redo.setObjectName("redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.act_undo, self.act_redo])

    def do_edit(self, edit: Edit, text: str) -> None:
        """Commit an action on the user's own work, undoably (``text``: what Ctrl+Z undoes, French)."""
        if self.user_state is not None and self.user_state.readonly_reason:
            self.show_error(
                f"Rien ne peut être enregistré : dossier de données en lecture seule "
                f"({self.user_state.readonly_reason})."
            )
            return
        self.undo_stack.push(EditCommand(self.user_writes, edit, text))

    def _build_menus(self) -> None:
        self._build_undo_actions()
        menu = self.menuBar()
        files = self.menu_file = menu.addMenu("&Fichier")
        files.addActions([self.act_import, self.act_import_folder])
        files.addSeparator()
        files.addAction(self.act_export)
        files.addSeparator()
        files.addAction(self.act_reindex)
        files.addSeparator()
        files.addAction(self.act_quit)
        edit = self.menu_edit = menu.addMenu("&Édition")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_copy_reference, self.act_find, self.act_focus_search, self.act_results])
        edit.addSeparator()
        edit.addActions([self.act_question_note, self.act_colours])
        view = self.menu_view = menu.addMenu("&Affichage")
        view.addActions([self.act_next_match, self.act_previous_match])
        view.addSeparator()
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset])
        view.addSeparator()
        view.addActions([self.act_vertical, self.act_show_filters])
        go = menu.addMenu("A&ller")
        go.addActions([self.act_back, self.act_forward, self.act_official_page])
        help_menu = menu.addMenu("Ai&de")
        help_menu.addActions([self.act_shortcuts, self.act_query_help])
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

    def _build_user_panels(self) -> None:
        """The docks of the user's own work (annotations, dossiers, saved searches) and their actions."""
        self.user_panels = UserPanels(self)
        #: « Statistiques » over the current search (Affichage menu).
        self.statistics = StatisticsDock(self)
        self._build_grouped_results()

    def _build_grouped_results(self) -> None:
        """« Grouper les réponses identiques »: a toggle above the results and in Affichage."""
        self.grouped_results = GroupedResults(self)
        self.results_stack.addWidget(self.grouped_results.view)
        self.act_group_answers = QAction("Grouper les réponses identiques", self)
        self.act_group_answers.setObjectName("group_answers")
        self.act_group_answers.setCheckable(True)
        self.act_group_answers.setToolTip(
            "Une ligne par réponse donnée à plusieurs questions de la recherche, avec ses questions"
        )
        self.act_group_answers.toggled.connect(self.grouped_results.set_active)
        button = QToolButton()
        button.setObjectName("group_answers_button")
        button.setDefaultAction(self.act_group_answers)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.results_bar.addWidget(button)
        self.menu_view.addAction(self.act_group_answers)

    def _connect(self) -> None:
        self.search_bar.search_requested.connect(self.on_search_bar_search_requested)
        self.search_bar.query_committed.connect(self.on_search_bar_query_committed)
        self.search_bar.sort_changed.connect(self.on_search_bar_sort_changed)
        self.facets.filter_toggled.connect(self.on_facets_filter_toggled)
        self.chips.filter_removed.connect(self.on_chips_filter_removed)
        self.chips.cleared.connect(self.on_chips_cleared)
        self.model.more_requested.connect(self.on_model_more_requested)
        self.model.sort_requested.connect(self.on_model_sort_requested)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self.on_table_current_row_changed)
        self.table.activated.connect(self.on_table_activated)
        self.similar.itemActivated.connect(self.on_similar_item_activated)
        self.similar.itemClicked.connect(self.on_similar_item_activated)
        self.reader.match_changed.connect(self.match_label.setText)
        self.banner.action_button.clicked.connect(self.choose_files_to_import)
        self.cancel_button.clicked.connect(self.on_cancel_button_clicked)

        self.writes.operation_started.connect(self.on_writes_operation_started)
        self.writes.progressed.connect(self.on_writes_progressed)
        self.writes.operation_finished.connect(self.on_writes_operation_finished)
        self.user_writes.operation_finished.connect(self.on_user_writes_operation_finished)
        # Only long operations have a title (an import of annotations): said while it runs.
        self.user_writes.operation_started.connect(self.statusBar().showMessage)
        self.user_ready.connect(self.on_user_ready)
        self.user_changed.connect(self.on_user_changed)
        self.reader.annotation_clicked.connect(self.annotation_selected)
        self.reader.export_requested.connect(self.on_reader_export_requested)
        self.reader.question_requested.connect(self.open_question)
        self.reads.search_finished.connect(self.on_reads_search_finished)
        self.reads.question_loaded.connect(self.on_reads_question_loaded)
        self.reads.similar_found.connect(self.on_reads_similar_found)

    # -- settings ---------------------------------------------------------------------

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main_split": self.main_split,
            "content_split": self.content_split,
            "reader_similar_split": self.reader_split,
            "reader_split": self.reader.split,
            "reader_panes": self.reader.panes,
        }

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            state = s.state(name)
            if state is not None:
                splitter.restoreState(state)
        docks = s.state("window_state")
        if docks is not None:
            self.restoreState(docks)
        header = s.state("results_header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.reader.set_vertical(s.vertical_reader)
        self.act_vertical.setChecked(s.vertical_reader)
        self.reader.set_zoom(s.zoom)
        self.search_bar.field.set_history(s.history)
        if s.sort:
            self.search_bar.set_sort_key(s.sort)
        self.search_bar.set_text(s.last_query)

    def save_settings(self) -> None:
        s = self.settings
        s.set_state("geometry", self.saveGeometry())
        for name, splitter in self._splitters().items():
            s.set_state(name, splitter.saveState())
        s.set_state("results_header", self.table.horizontalHeader().saveState())
        s.set_state("window_state", self.saveState())
        s.vertical_reader = self.reader.vertical
        s.zoom = self.reader.zoom
        s.last_query = self.search_bar.text()
        s.history = self.search_bar.field.history
        s.sort = self.search_bar.sort_key()
        s.sync()

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        """Open the data folder (off the GUI thread): sample import if empty, index check."""
        self.statusBar().showMessage("Ouverture du dossier de données…")
        self.writes.open(sample_if_empty=True)
        self.user_writes.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the workers: cancel what runs, wait, close the connections."""
        if self._shutdown_done:
            return
        self._shutdown_done = True
        self.search_bar.timer.stop()
        self.similar_timer.stop()
        self.writes.cancel()
        # Readers first: they search the index that the writer closes.
        self.reads.shutdown()
        self.statistics.shutdown()
        self.grouped_results.shutdown()
        self.writes.shutdown()
        self.user_panels.shutdown()
        self.suivi.shutdown()
        self.user_writes.shutdown()
        self.user_reads.close()

    # -- the data folder ----------------------------------------------------------------

    def on_writes_operation_finished(self, done: OperationDone) -> None:
        """Every write operation ends here: its progress put away, what it changed fanned out,
        why it failed said."""
        if isinstance(done.state, CorpusState):
            self.reads.index = done.state.index
            self.index_ready = done.state.index is not None
            self.show_status(done.state.status)
        ended = self._job_shown
        if ended:
            self._job_shown = False
            self.progress.hide()
            self.cancel_button.hide()
            self.act_reindex.setEnabled(True)
            self.statusBar().clearMessage()
        if done.name == "open":
            self.on_data_opened(done)
        elif done.name == "import":
            self.on_import_done(done)
        else:
            if done.error:
                self.show_error(done.error)
            self.apply_changes(done.changes)
        for notice in done.changes.notices:
            self.show_error(notice)
        if ended:
            self.job_finished.emit()

    def on_data_opened(self, done: OperationDone) -> None:
        """The data folder is open (the sample imported into an empty one): banners, first search."""
        if done.error:
            self.show_error(done.error)
        report = done.changes.import_report
        if report is not None and not report.cancelled:
            self.settings.sample_only = True
        status = done.state.status if isinstance(done.state, CorpusState) else None
        if status is not None and status.readonly_reason:
            self.banner.show_message(
                "Dossier de données en lecture seule "
                f"({html.escape(status.readonly_reason)}) : vous pouvez chercher et lire, "
                "rien ne peut y être importé ni mis à jour.",
                with_import=False,
            )
        elif self.settings.sample_only and status is not None:
            self.banner.show_message(SAMPLE_BANNER.format(count=count_text(status.count)))
        self.say_index_rebuilt(done.changes)
        self.run_search()
        if done.error is None and not done.changes.index_rebuilt:
            # Usable now: the checks left out to open fast run in the background.
            self.writes.verify()

    def show_status(self, status: CorpusStatus) -> None:
        self.corpus_label.setText(f"Corpus : {count_text(status.count)}")
        self.index_label.setText(status.index_text)
        self.index_label.setToolTip(f"Dossier de données : {self.paths.root}")
        self.act_reindex.setEnabled(not self._job_shown)

    def on_writes_operation_started(self, title: str) -> None:
        self.statusBar().showMessage(title)
        self.progress.setRange(0, 0)
        self.show_job()

    def show_job(self) -> None:
        """Show the progress bar and the cancel button of a write operation that runs."""
        if self._job_shown:
            return
        self._job_shown = True
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.act_reindex.setEnabled(False)

    def on_writes_progressed(self, progress: Progress) -> None:
        # An operation without a title (a background check) is shown once it reports progress.
        self.show_job()
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        else:
            self.progress.setRange(0, 0)
        self.statusBar().showMessage(progress.message)
        if self.import_dialog is not None and self.import_dialog.running:
            self.import_dialog.show_progress(progress.done, progress.total, progress.message)
        self.job_progressed.emit(progress)

    def on_cancel_button_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.statusBar().showMessage("Annulation…")
        self.writes.cancel()

    def show_error(self, message: str) -> None:
        """A French message in a box (non-blocking); details are in the log, never here."""
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "QE Desktop", message, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("error_box")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.error_box = box
        box.open()
        self.error_shown.emit(message)

    # -- import --------------------------------------------------------------------------

    def choose_files_to_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "Importer des questions",
            str(Path.home()),
            "Questions (*.json *.zip *.xml *.txt *.htm *.html);;Tous les fichiers (*)",
        )
        if names:
            self.import_paths([Path(n) for n in names])

    def choose_folder_to_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Importer un dossier de questions", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> None:
        """Import with a dialog: progress, Annuler, then the report."""
        if self.writes.busy:
            self.show_error(
                "Une tâche est déjà en cours (import ou indexation) : attendez sa fin ou annulez-la."
            )
            return
        dialog = ImportDialog(self)
        dialog.cancel_requested.connect(self.writes.cancel)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.import_dialog = dialog
        dialog.show()
        log.info("Import de %s", ", ".join(str(p) for p in paths))
        self.writes.import_files(paths)

    def on_import_done(self, done: OperationDone) -> None:
        """The import's report (or why it failed) in its dialog, then what it changed."""
        dialog = self.import_dialog if self.import_dialog is not None and self.import_dialog.running else None
        report = done.changes.import_report
        if done.error:
            if dialog is not None:
                dialog.show_failure(done.error)
            else:
                self.show_error(done.error)
        elif dialog is not None and report is not None:
            dialog.show_report(report)
        if report is not None and (report.added or report.updated):
            self.settings.sample_only = False
            self.banner.hide()
        self.apply_changes(done.changes)
        shown = dialog.report if dialog is not None else report
        if shown is not None:
            self.import_reported.emit(shown)

    # -- export ---------------------------------------------------------------------------

    def _reference_and_heading(self, uid: str) -> tuple[str, str]:
        """« n° 101851 · 13e » and the analyse of a question of the results (else its uid)."""
        at = self.model.row_of(uid)
        row = self.model.result_row(at) if at is not None else None
        reference = f"n° {row.number_text()}" if row is not None else uid
        return reference, row.analyse if row is not None and row.analyse else f"Question {reference}"

    def export_choices(self) -> list[ExportChoice]:
        """What can be exported now: the question shown, the results selected, all the results."""
        choices: list[ExportChoice] = []
        if self.current_uid is not None:
            reference, heading = self._reference_and_heading(self.current_uid)
            choices.append(
                ExportChoice(
                    f"La question affichée ({reference})",
                    (self.current_uid,),
                    heading,
                    f"Question {reference}",
                )
            )
        selected = [
            uid
            for index in sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
            if (uid := self.model.uid_at(index.row())) is not None
        ]
        if len(selected) > 1:
            choices.append(
                ExportChoice(
                    f"Les {len(selected)} questions sélectionnées",
                    tuple(selected),
                    "Sélection de questions écrites",
                    "Sélection dans les résultats",
                )
            )
        done = self.last_done
        index = self.reads.index
        if done is not None and done.result is not None and done.result.total and index is not None:
            total = min(done.result.total, EXPORT_MAX_RESULTS)
            request = dataclasses.replace(done.request, limit=total, offset=0, snippets=False)
            query = done.request.query.strip()
            label = f"Tous les résultats ({total} question{'s' if total > 1 else ''})"
            if done.result.total > total:
                label += f", les {EXPORT_MAX_RESULTS} premiers"
            filters = ", ".join(
                f"{facet_title(k)} : {facet_value_label(k, v)}" for k, v in done.request.filters
            )

            def all_results(index: SearchIndex = index, request: SearchRequest = request) -> list[str]:
                return [hit.uid for hit in index.search(request).hits]

            choices.append(
                ExportChoice(
                    label,
                    all_results,
                    f"Recherche « {query} »" if query else "Questions écrites",
                    (f"Recherche : {query}" if query else "Toutes les questions")
                    + (f" ({filters})" if filters else ""),
                )
            )
        return choices

    def on_reader_export_requested(self, request: PassageRequest) -> None:
        """« Exporter la sélection… »: that passage, with its citation and the sentence around it."""
        uid = self.current_uid
        if uid is None:
            return
        reference, heading = self._reference_and_heading(uid)
        pane = "de la question" if request.pane == "question" else "de la réponse"
        choice = ExportChoice(
            f"Le passage choisi {pane} ({reference})",
            (uid,),
            heading,
            f"Extrait {pane} {reference}",
            selection=Selection(uid, request.pane, request.start, request.end),
        )
        self.open_export_dialog([choice, *self.export_choices()])

    def open_export_dialog(self, choices: Sequence[ExportChoice] | None = None) -> ExportDialog | None:
        """The export dialog on ``choices`` (default: what :meth:`export_choices` offers)."""
        offered = list(choices) if choices is not None else self.export_choices()
        if not offered:
            self.show_error("Rien à exporter : ouvrez une question ou lancez une recherche.")
            return None
        colours = (
            self.user_state.colours
            if self.user_state is not None and self.user_state.colours
            else tuple(ColourMeaning(n, m) for n, m in enumerate(DEFAULT_COLOURS, start=1))
        )
        dialog = ExportDialog(self.paths, self.settings, offered, colours, parent=self)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def on_user_writes_operation_finished(self, done: OperationDone) -> None:
        """Every operation on the user's own work ends here: what it changed fanned out, errors said."""
        if isinstance(done.state, UserState):
            opened = self.user_state is None or not self.user_state.ready
            self.user_state = done.state
            if opened and done.state.ready:
                self.user_ready.emit(done.state)
        if done.name == "user-import":
            # Its report (or why the file was refused) in a dialog of its own.
            self.user_imported.emit(done)
        elif done.error:
            if done.name == "user-edit":
                # The undo history no longer matches the database: start it anew.
                self.undo_stack.clear()
            self.show_error(done.error)
        if done.name != "user-import":
            for notice in done.changes.notices:
                self.show_error(notice)
        if not done.changes.user.empty:
            self.user_changed.emit(done.changes.user)

    def on_user_ready(self, state: UserState) -> None:
        self.show_colours(state)

    def show_colours(self, state: UserState) -> None:
        """The meanings of the highlight colours, where they are shown."""
        self.reader.set_colours(state.colours)
        self.model.set_meanings({c.number: c.meaning for c in state.colours})

    def on_user_changed(self, changes: UserChanges) -> None:
        """The user's work changed: the question shown redrawn, the results' marks read again."""
        if changes.colours_changed and self.user_state is not None:
            self.show_colours(self.user_state)
        shown = self.reader.shown
        if (
            shown is not None
            and shown.question.uid in changes.questions
            and self.current_uid == shown.question.uid
        ):
            self.open_question(shown.question.uid, remember=False, keep_scroll=True)
        if changes.dossiers_changed or changes.dossiers_removed:
            uids = [uid for row in range(self.model.loaded) if (uid := self.model.uid_at(row)) is not None]
        else:
            uids = [uid for uid in changes.questions if self.model.row_of(uid) is not None]
        if uids:
            try:
                self.model.update_marks(self.user_reads.marks(uids))
            except UserStoreError as exc:
                log.warning("Marques des résultats illisibles : %s", exc)

    def apply_changes(self, changes: Changes) -> None:
        """Fan out what an operation changed: the results, the question shown."""
        self.say_index_rebuilt(changes)
        changed = changes.questions_added + changes.questions_updated + changes.questions_removed
        if changed:
            # Texts changed: annotations are placed again on them (their own writer's thread).
            self.user_writes.reanchor(changed)
        if changes.empty:
            return
        self._open_first_hit = self.current_uid is None
        self.run_search()
        if self.current_uid is not None and self.current_uid in changes.questions_updated:
            self.open_question(self.current_uid, remember=False)

    def say_index_rebuilt(self, changes: Changes) -> None:
        if changes.index_rebuilt:
            because = f" ({changes.index_rebuilt_because})" if changes.index_rebuilt_because else ""
            self.statusBar().showMessage(f"Index de recherche reconstruit{because}.", 8000)

    def rebuild_index(self) -> None:
        if self.writes.busy:
            self.show_error("Une tâche est déjà en cours : attendez sa fin ou annulez-la.")
            return
        self.writes.rebuild_index()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
            self.statusBar().showMessage("Déposez les fichiers, dossiers ou archives zip pour les importer.")
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- searching ---------------------------------------------------------------------------

    def request(self, offset: int = 0) -> SearchRequest:
        return SearchRequest(
            query=self.search_bar.text(),
            filters=tuple(self.filters),
            sort=self.search_bar.sort_key(),
            limit=PAGE_SIZE,
            offset=offset,
            snippets=False,
        )

    def run_search(self) -> None:
        """Search now with the bar's text, the filters and the order (off the GUI thread)."""
        if not self.index_ready:
            return  # searched when the data folder is open
        self.search_token += 1
        self.reads.search(self.search_token, self.request())

    def on_search_bar_search_requested(self, text: str) -> None:
        self._open_first_hit = True
        self.run_search()

    def on_search_bar_query_committed(self, text: str) -> None:
        self.settings.last_query = text

    def on_search_bar_sort_changed(self, key: str) -> None:
        self._open_first_hit = False
        self.run_search()

    def on_model_sort_requested(self, key: str) -> None:
        self.search_bar.set_sort_key(key)

    def on_model_more_requested(self, offset: int) -> None:
        if self.last_done is None:
            return
        request = self.last_done.request
        self.reads.search(self.model.token, dataclasses.replace(request, offset=offset))

    def on_reads_search_finished(self, done: SearchDone) -> None:
        if done.token != self.search_token:
            return  # a newer search has been asked for
        if done.request.offset > 0:
            if done.result is None:
                self.model.page_failed(done.token)
            else:
                self.model.append_rows(done.token, done.request.offset, done.rows)
            return
        if done.result is None:
            self.show_error(done.error or "La recherche a échoué.")
            return
        self.last_done = done
        result = done.result
        self.model.reset_results(done.token, result.total, done.rows)
        self.search_bar.show_outcome(result.total, result.interpretation, result.warnings)
        self.facets.show_facets(result.facets, self.filters)
        self.chips.show_filters(self.filters)
        header = self.table.horizontalHeader()
        column = {"date": ResultsModel.COL_DATE, "delai": ResultsModel.COL_DELAY}.get(done.request.sort, -1)
        header.setSortIndicatorShown(column >= 0)
        header.blockSignals(True)
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        if not done.rows:
            self.reader.clear("Aucune question ne correspond à cette recherche.")
            self.similar.clear()
            self.current_uid = None
            self.ready.emit()
            return
        query = done.request.query
        if self._open_first_hit or self.current_uid is None:
            self._select_row(0)
            first = self.model.uid_at(0)
            assert first is not None
            self.open_question(first)  # even if shown already: the marks follow the new query
            self.table.scrollToTop()
        else:
            row = self.model.row_of(self.current_uid)
            if row is not None:
                self._select_row(row)
            shown = self.reader.shown
            if shown is not None and shown.query != query:
                self.open_question(shown.question.uid, remember=False)
        self._open_first_hit = True
        self.ready.emit()

    # -- filters ---------------------------------------------------------------------------------

    def on_facets_filter_toggled(self, facet: str, value: str) -> None:
        item = (facet, value)
        if item in self.filters:
            self.filters.remove(item)
        else:
            self.filters.append(item)
        self.run_search()

    def on_chips_filter_removed(self, facet: str, value: str) -> None:
        if (facet, value) in self.filters:
            self.filters.remove((facet, value))
        self.run_search()

    def on_chips_cleared(self) -> None:
        self.filters.clear()
        self.run_search()

    # -- opening questions ------------------------------------------------------------------------

    def _select_row(self, row: int) -> None:
        """Make a row current without opening it (the caller decides what to open)."""
        self._selecting = True
        try:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._selecting = False

    def on_table_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        uid = self.model.uid_at(current.row()) if current.isValid() else None
        if uid is not None and uid != self.current_uid:
            self.open_question(uid)

    def on_table_activated(self, index: QModelIndex) -> None:
        uid = self.model.uid_at(index.row())
        if uid is not None:
            if uid != self.current_uid:
                self.open_question(uid)
            self.reader.question_pane.setFocus()
            if self.search_bar.text():
                self.search_bar.field.remember(self.search_bar.text())

    def on_similar_item_activated(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(uid, str) and uid != self.current_uid:
            self.open_question(uid)

    def open_question(self, uid: str, *, remember: bool = True, keep_scroll: bool = False) -> None:
        """Load and show a question (off the GUI thread), matches of the current query marked.

        ``keep_scroll``: the question shown, read again (its annotations changed).
        """
        self.load_token += 1
        self._remember_next = remember
        self._keep_scroll_next = keep_scroll
        self.current_uid = uid
        self.reads.load(self.load_token, uid, self.search_bar.text())

    def on_reads_question_loaded(self, loaded: QuestionLoaded) -> None:
        if loaded.token != self.load_token:
            return
        if loaded.shown is None:
            self.show_error(loaded.error or f"Question introuvable : {loaded.uid}")
            return
        if (
            self._keep_scroll_next
            and self.reader.shown is not None
            and self.reader.shown.question.uid == loaded.uid
        ):
            # The same question, its annotations redrawn: nothing else changes.
            self.reader.show_question(loaded.shown, keep_scroll=True)
            self.question_shown.emit(loaded.uid)
            return
        self.reader.show_question(loaded.shown)
        self.act_question_note.setEnabled(True)
        if self._remember_next:
            self.history.visit(loaded.uid)
        self.act_back.setEnabled(self.history.can_go_back())
        self.act_forward.setEnabled(self.history.can_go_forward())
        self.act_copy_reference.setEnabled(True)
        self.act_official_page.setEnabled(bool(loaded.shown.url))
        self.similar.clear()
        placeholder = QListWidgetItem("Recherche des questions proches…")
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.similar.addItem(placeholder)
        # Asked for after a pause: going down the results with the arrow keys stays fluid.
        self.similar_timer.start()
        if not self._warm_asked:
            # The window is usable: now read ahead what the next searches need (writer thread).
            self._warm_asked = True
            self.writes.warm()
        self.question_shown.emit(loaded.uid)

    def on_similar_timer_timeout(self) -> None:
        if self.current_uid is not None:
            self.reads.similar(self.current_uid)

    def on_reads_similar_found(self, found: SimilarFound) -> None:
        if found.uid != self.current_uid:
            return
        self.similar.clear()
        if found.error:
            item = QListWidgetItem(found.error)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.similar.addItem(item)
            return
        for row in found.rows:
            leg = f", {ordinal(row.legislature)} lég." if row.legislature else ""
            status = status_label(row.status)
            title = row.analyse or row.rubrique or row.uid
            if len(title) > 70:
                title = title[:69].rstrip() + "…"
            text = f"{title}\nn° {row.number}{leg} — {status}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.uid)
            item.setToolTip(f"{row.author_text()}\n{row.analyse or ''}")
            self.similar.addItem(item)
        if not found.rows:
            item = QListWidgetItem("Aucune question proche.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.similar.addItem(item)
        self.similar.fit_items()

    def go_back(self) -> None:
        uid = self.history.back()
        if uid is not None:
            self.open_question(uid, remember=False)

    def go_forward(self) -> None:
        uid = self.history.forward()
        if uid is not None:
            self.open_question(uid, remember=False)

    # -- reader actions ------------------------------------------------------------------------------

    def copy_reference(self) -> None:
        shown = self.reader.shown
        if shown is None:
            return
        QGuiApplication.clipboard().setText(shown.citation)
        self.statusBar().showMessage(f"Référence copiée : {shown.citation}", 6000)

    def open_official_page(self) -> None:
        shown = self.reader.shown
        if shown is not None and shown.url:
            QDesktopServices.openUrl(QUrl(shown.url))

    def zoom_in(self) -> None:
        self._set_zoom(self.reader.zoom + 1)

    def zoom_out(self) -> None:
        self._set_zoom(self.reader.zoom - 1)

    def zoom_reset(self) -> None:
        self._set_zoom(0)

    def _set_zoom(self, steps: int) -> None:
        steps = max(MIN_ZOOM, min(MAX_ZOOM, steps))
        self.reader.set_zoom(steps)
        self.settings.zoom = steps
        self.statusBar().showMessage(f"Taille du texte : {self.reader.font_size:g} pt", 2000)

    def toggle_vertical(self) -> None:
        self.reader.set_vertical(self.act_vertical.isChecked())
        self.settings.vertical_reader = self.reader.vertical

    def toggle_filters(self) -> None:
        self.facets.setVisible(self.act_show_filters.isChecked())

    def focus_search(self) -> None:
        self.search_bar.field.setFocus()
        self.search_bar.field.selectAll()

    def focus_results(self) -> None:
        self.table.setFocus()

    # -- help ---------------------------------------------------------------------------------------

    def shortcut_list(self) -> list[tuple[str, str]]:
        """Every action with a shortcut, and the keys that only the search field knows."""
        rows: list[tuple[str, str]] = []
        for action in self.actions():
            keys = [native_keys(k) for k in action.shortcuts() if not k.isEmpty()]
            if keys:
                rows.append((action.text().replace("&", "").removesuffix("…"), " ou ".join(keys)))
        rows += [
            ("Lancer la recherche tout de suite", "Entrée (dans la recherche)"),
            ("Recherches précédentes", "↑ / ↓ (dans la recherche)"),
            ("Aide sur le langage de recherche", "F1 (dans la recherche)"),
            ("Parcourir les résultats", "↑ / ↓ (dans la liste)"),
            ("Lire la question choisie", "Entrée (dans la liste)"),
            ("Fermer la recherche dans la page", "Échap"),
        ]
        return rows

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.shortcut_list(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        from qe_desktop import __version__
        from qe_desktop.logfile import build_description, log_path

        QMessageBox.about(
            self,
            "À propos de QE Desktop",
            f"<b>QE Desktop {__version__}</b><br>Recherche hors ligne dans les questions écrites du Parlement."
            f"<br><br>Version {__version__} ({build_description()})"
            f"<br>Dossier de données : {self.paths.root}<br>Journal : {log_path() or self.paths.log_file}",
        )
