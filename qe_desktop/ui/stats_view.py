"""The « Statistiques » dock: answer delays and rates over the current search, table and charts.

Per answering ministry, rubrique or year (a selector): questions, share answered, median and
90th percentile of the days to answer, share answered within two months, still waiting and the
oldest of them, in a sortable table; « Regrouper les ministères » puts a ministry's successive
names on one line (``resources/suivi/ministeres.csv``).  Beside it the three charts of
:mod:`qe_desktop.export.charts`, the very drawings the « Rapport statistique » prints.

Off the GUI thread (:class:`StatsJobs`): the search's uids (``SearchIndex.matching_uids``: no
hits built), the statistics table of the corpus (``load_table``, read once per ``data_version``:
again only after an import changed the corpus), then ``compute``.  The view follows the search
after a pause (debounced) and only while it is shown.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.export.charts import charts, svg_bytes
from qe_desktop.export.report import COLUMNS, StatsReport, covers_text, write_report
from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths, resources_dir
from qe_desktop.search.index import SearchIndex
from qe_desktop.suivi.stats import (
    GROUP_BYS,
    GROUP_TITLES,
    Equivalence,
    GroupBy,
    GroupStats,
    Stats,
    StatsTable,
    cells,
    compute,
    load_equivalences,
    load_table,
    summary,
)
from qe_desktop.ui.workers import Job, ReadConnections, user_message

if TYPE_CHECKING:
    from qe_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: The pause after a change of the search before the statistics follow it.
REFRESH_DELAY_MS = 400
#: The charts' size in points (drawn at this ratio, scaled to the widget).
CHART_SIZE = (430.0, 215.0)


@functools.cache
def register_chart_fonts() -> None:
    """The shipped Noto Sans for the charts' text (the SVG names it by family)."""
    folder = resources_dir() / "fonts"
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        if QFontDatabase.addApplicationFont(str(folder / name)) < 0:
            log.warning("Police des graphiques illisible : %s", folder / name)


# -- the work, off the GUI thread ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatsAsked:
    token: int
    request: SearchRequest | None  # None: the whole corpus
    by: GroupBy
    grouped: bool


@dataclass(frozen=True, slots=True)
class StatsDone:
    """Statistics computed (or why not, in French), with the SVG of their charts."""

    token: int
    asked: StatsAsked
    stats: Stats | None
    covers: str
    charts: tuple[bytes, ...] = ()
    error: str | None = None


class StatsJobs(QObject):
    """Computes statistics on a thread of its own, the corpus' table cached per ``data_version``."""

    computed = Signal(object)  # StatsDone
    report_written = Signal(object)  # Path, or str: why not (French)

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.connections = ReadConnections(paths)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._lock = threading.Lock()
        self._table: StatsTable | None = None
        self._equivalences: dict[str, Equivalence] | None = None
        self._latest = 0
        #: How many times the corpus' table was read (the tests check it is kept).
        self.tables_loaded = 0

    def table(self) -> StatsTable:
        """The corpus' statistics table, read again only when the corpus changed."""
        store = self.connections.store()
        version = store.get_meta("data_version")
        current = int(version) if version else 0
        with self._lock:
            table = self._table
        if table is None or table.data_version != current:
            table = load_table(store)
            with self._lock:
                self._table = table
                self.tables_loaded += 1
        return table

    def compute(self, asked: StatsAsked, index: SearchIndex | None) -> None:
        self._latest = max(self._latest, asked.token)

        def work() -> None:
            if asked.token < self._latest:
                return  # a newer request came before this one started
            covers = (
                covers_text(asked.request.query, asked.request.filters)
                if asked.request is not None
                else "Toutes les questions du corpus"
            )
            try:
                uids: list[str] | None = None
                if asked.request is not None and (asked.request.query.strip() or asked.request.filters):
                    if index is None:
                        raise RuntimeError("L'index de recherche n'est pas prêt.")
                    uids = index.matching_uids(asked.request)
                equivalences = None
                if asked.grouped and asked.by == "ministere":
                    if self._equivalences is None:
                        self._equivalences = load_equivalences()
                    equivalences = self._equivalences
                stats = compute(self.table(), uids, by=asked.by, equivalences=equivalences)
                drawn = tuple(svg_bytes(d) for d in charts(stats, *CHART_SIZE))
                self.computed.emit(StatsDone(asked.token, asked, stats, covers, drawn))
            except ValueError as exc:  # the equivalences file, edited by the user
                self.computed.emit(StatsDone(asked.token, asked, None, covers, error=str(exc)))
            except RuntimeError as exc:
                self.computed.emit(StatsDone(asked.token, asked, None, covers, error=str(exc)))
            except Exception as exc:
                self.computed.emit(
                    StatsDone(asked.token, asked, None, covers, error=user_message(exc, self.paths))
                )

        self.pool.start(Job(work))

    def write_report(self, report: StatsReport, target: Path) -> None:
        """Write the « Rapport statistique » (same thread as the statistics: one at a time)."""

        def work() -> None:
            from qe_desktop.export.content import ExportError

            try:
                self.report_written.emit(write_report(report, target))
            except ExportError as exc:
                self.report_written.emit(str(exc))
            except Exception as exc:
                self.report_written.emit(user_message(exc, self.paths))

        self.pool.start(Job(work))

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        self.connections.close_all()


# -- the table ------------------------------------------------------------------------------------


SORT_ROLE = Qt.ItemDataRole.UserRole + 1
UID_ROLE = Qt.ItemDataRole.UserRole + 2
IS_TOTAL_ROLE = Qt.ItemDataRole.UserRole + 3


class StatsModel(QAbstractTableModel):
    """One row per line of the statistics, then « Ensemble »; the figures as :func:`cells` writes them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stats: Stats | None = None
        self.rows: tuple[GroupStats, ...] = ()

    def set_stats(self, stats: Stats | None) -> None:
        self.beginResetModel()
        self.stats = stats
        self.rows = (*stats.groups, stats.total) if stats is not None else ()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            title = GROUP_TITLES[self.stats.by] if self.stats is not None else "Ligne"
            tip = "Cliquez un en-tête pour trier"
        elif 0 < section <= len(COLUMNS):
            title, tip = COLUMNS[section - 1]
        else:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        group = self.rows[index.row()]
        column = index.column()
        is_total = self.stats is not None and group is self.stats.total
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return group.label
            return cells(group)[column - 1]
        if role == SORT_ROLE:
            return _sort_value(group, column)
        if role == IS_TOTAL_ROLE:
            return is_total
        if role == UID_ROLE:
            return group.oldest_waiting_uid
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and is_total:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and len(group.names) > 1:
                return "Noms regroupés :\n" + "\n".join(group.names)
            if column == len(COLUMNS) and group.oldest_waiting_uid:
                return f"{group.oldest_waiting_uid} — double-cliquez pour l'ouvrir"
        return None


def _sort_value(group: GroupStats, column: int) -> object:
    values: tuple[object, ...] = (
        group.label.casefold(),
        group.questions,
        group.answered_share,
        -1.0 if group.median_days is None else group.median_days,
        -1.0 if group.p90_days is None else group.p90_days,
        group.within_two_months_share,
        group.waiting,
        group.oldest_waiting_date or "",
    )
    return values[column]


class StatsSortModel(QSortFilterProxyModel):
    """Sorts the lines by their value (not their text), « Ensemble » always last."""

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        left_total = bool(left.data(IS_TOTAL_ROLE))
        right_total = bool(right.data(IS_TOTAL_ROLE))
        if left_total or right_total:
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return left_total if descending else right_total
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return bool(a < b)


# -- the charts -------------------------------------------------------------------------------------


class ChartView(QWidget):
    """One chart (SVG drawn by reportlab), scaled to the widget with its proportions kept."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.renderer = QSvgRenderer(self)
        self.renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.svg = b""
        # Three charts in view beside the table: each as tall as the text needs, no taller.
        self.setMinimumSize(280, 150)
        self.setMaximumHeight(250)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_svg(self, data: bytes) -> None:
        self.svg = data
        self.renderer.load(QByteArray(data))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(CHART_SIZE[0] * 1.1), int(CHART_SIZE[1] * 1.1))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return int(width * CHART_SIZE[1] / CHART_SIZE[0])

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if self.svg:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.renderer.render(painter, QRectF(self.rect().adjusted(4, 4, -4, -4)))
        painter.end()


# -- the dock's widget -------------------------------------------------------------------------------


class StatsPanel(QWidget):
    """The statistics view: its choices, the figures, the table and the charts."""

    choices_changed = Signal()
    report_requested = Signal()
    question_requested = Signal(str)  # uid (the oldest waiting question of a line)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        register_chart_fonts()
        self.covers = QLabel("Statistiques de la recherche en cours")
        self.covers.setObjectName("stats_covers")
        self.covers.setTextFormat(Qt.TextFormat.PlainText)
        self.by = QComboBox()
        self.by.setObjectName("stats_by")
        for key in GROUP_BYS:
            self.by.addItem(f"Par {GROUP_TITLES[key].lower()}", key)
        self.grouped = QCheckBox("Regrouper les ministères")
        self.grouped.setObjectName("stats_grouped")
        self.grouped.setToolTip(
            "Les noms successifs d'un ministère (renommé à chaque gouvernement) sur une seule ligne, "
            "selon la table resources/suivi/ministeres.csv"
        )
        self.report_button = QPushButton("Rapport statistique…")
        self.report_button.setObjectName("stats_report")
        self.report_button.setToolTip("Ces tableaux et graphiques en PDF")
        self.report_button.setEnabled(False)
        self.summary = QLabel()
        self.summary.setObjectName("stats_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.model = StatsModel(self)
        self.proxy = StatsSortModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("stats_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.table.setColumnWidth(0, 240)
        for column in range(1, len(COLUMNS) + 1):
            self.table.setColumnWidth(column, 74)
        self.table.setColumnWidth(len(COLUMNS), 140)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

        self.delay_chart = ChartView("stats_delay_chart")
        self.share_chart = ChartView("stats_share_chart")
        self.month_chart = ChartView("stats_month_chart")
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        for chart in (self.delay_chart, self.share_chart, self.month_chart):
            chart_layout.addWidget(chart)
        chart_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(chart_box)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("stats_split")
        self.split.addWidget(self.table)
        self.split.addWidget(scroll)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([760, 540])

        bar = QHBoxLayout()
        bar.addWidget(self.covers, 1)
        bar.addWidget(self.by)
        bar.addWidget(self.grouped)
        bar.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)

        self.by.currentIndexChanged.connect(self.on_by_current_index_changed)
        self.grouped.toggled.connect(lambda _checked: self.choices_changed.emit())
        self.report_button.clicked.connect(self.report_requested)
        self.table.doubleClicked.connect(self.on_table_double_clicked)

    def group_by(self) -> GroupBy:
        key = self.by.currentData()
        assert key in GROUP_BYS
        return key  # type: ignore[no-any-return]

    def on_by_current_index_changed(self, _index: int) -> None:
        self.grouped.setEnabled(self.group_by() == "ministere")
        self.choices_changed.emit()

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        uid = index.data(UID_ROLE)
        if isinstance(uid, str):
            self.question_requested.emit(uid)

    def show_busy(self) -> None:
        self.summary.setText("Calcul des statistiques…")

    def show_done(self, done: StatsDone) -> None:
        self.covers.setText(done.covers)
        if done.stats is None:
            self.summary.setText(done.error or "Les statistiques n'ont pas pu être calculées.")
            self.model.set_stats(None)
            self.report_button.setEnabled(False)
            return
        stats = done.stats
        text = summary(stats)
        if stats.grouped_names:
            text += " Noms successifs des ministères regroupés."
        self.summary.setText(text)
        self.model.set_stats(stats)
        for chart, data in zip(
            (self.delay_chart, self.share_chart, self.month_chart), done.charts, strict=True
        ):
            chart.set_svg(data)
        self.report_button.setEnabled(True)

    def shown_rows(self) -> list[list[str]]:
        """The table as it is shown (sorted), cell texts."""
        return [
            [str(self.proxy.index(r, c).data() or "") for c in range(self.proxy.columnCount())]
            for r in range(self.proxy.rowCount())
        ]


# -- wiring in the window ---------------------------------------------------------------------------


class StatisticsDock(QObject):
    """The « Statistiques » dock of a window: follows its search, computes off the GUI thread."""

    refreshed = Signal(object)  # StatsDone, once shown
    report_written = Signal(object)  # Path, or str: why not

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = StatsJobs(window.paths, self)
        self.panel = StatsPanel()
        self.dock = QDockWidget("Statistiques", window)
        self.dock.setObjectName("statistics_dock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.action = self.dock.toggleViewAction()
        self.action.setText("&Statistiques")
        self.action.setObjectName("show_statistics")
        self.action.setShortcut("Ctrl+Shift+T")
        self.action.setToolTip(
            "Délais et taux de réponse sur la recherche en cours, par ministère, rubrique, année"
        )
        window.addAction(self.action)
        window.menu_view.addSeparator()
        window.menu_view.addAction(self.action)
        self.token = 0
        self.last: StatsDone | None = None
        self._due = True  # the search changed while the dock was hidden
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)

        window.ready.connect(self.on_window_ready)
        self.dock.visibilityChanged.connect(self.on_dock_visibility_changed)
        self.panel.choices_changed.connect(self.refresh)
        self.panel.report_requested.connect(self.choose_report_file)
        self.panel.question_requested.connect(window.open_question)
        self.jobs.computed.connect(self.on_jobs_computed)
        self.jobs.report_written.connect(self.on_jobs_report_written)

    def request(self) -> SearchRequest | None:
        """The window's current search (its query and filters), None before the first one."""
        done = self.window.last_done
        return done.request if done is not None else None

    def on_window_ready(self) -> None:
        """A search's results are shown: the statistics follow, after a pause (only if shown)."""
        self._due = True
        if self.dock.isVisible():
            self.timer.start()

    def on_dock_visibility_changed(self, visible: bool) -> None:
        if visible and self._due:
            self.timer.start(0)

    def refresh(self) -> None:
        """Compute now for the current search and the panel's choices."""
        self.timer.stop()
        self._due = False
        self.token += 1
        asked = StatsAsked(self.token, self.request(), self.panel.group_by(), self.panel.grouped.isChecked())
        self.panel.show_busy()
        self.jobs.compute(asked, self.window.reads.index)

    def on_jobs_computed(self, done: StatsDone) -> None:
        if done.token != self.token:
            return
        self.last = done
        self.panel.show_done(done)
        self.refreshed.emit(done)

    def choose_report_file(self) -> None:
        if self.last is None or self.last.stats is None:
            return
        # The folder of the last export (export dialog), remembered as it does.
        qsettings = self.window.settings.qsettings
        folder = qsettings.value("export/folder", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Rapport statistique",
            str(Path(str(folder or Path.home())) / "rapport-statistique.pdf"),
            "PDF (*.pdf)",
        )
        if path:
            qsettings.setValue("export/folder", str(Path(path).parent))
            self.save_report(Path(path))

    def save_report(self, target: Path) -> None:
        """Write the « Rapport statistique » of what the view shows (off the GUI thread)."""
        if self.last is None or self.last.stats is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        report = StatsReport(self.last.stats, self.last.covers, self.window.today or date.today())
        self.window.statusBar().showMessage("Rapport statistique en cours…")
        self.jobs.write_report(report, target)

    def on_jobs_report_written(self, outcome: object) -> None:
        if isinstance(outcome, Path):
            self.window.statusBar().showMessage(f"Rapport statistique écrit : {outcome}", 8000)
        else:
            self.window.statusBar().clearMessage()
            self.window.show_error(str(outcome))
        self.report_written.emit(outcome)

    def shutdown(self) -> None:
        self.timer.stop()
        self.jobs.shutdown()
