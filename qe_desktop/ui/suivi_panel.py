"""The « Suivi » view: « Mes députés »' questions, their stage under art. 135, their deadlines.

- :class:`SuiviModel` (the questions, newest first) and :class:`SuiviFilter` (stage, ministry,
  rubrique, year, deputy; sort on any column by its own key);
- :class:`SuiviPanel`: the count per stage (a click filters on it), the filters, the table, each
  deputy's quota, the questions per month as a row of bars, the export of the list;
- :class:`DeputiesDialog`: « Mes députés… », chosen from the AMO deputies as the name is typed;
- :class:`Suivi`: the dock, its actions (Affichage › Suivi, Édition › Mes députés…), the notice of
  what changed since the last look, and the wiring to the window (a reload after each import).

Rows are held whole (not fetched on demand): a deputy asks at most a few hundred written questions
in a legislature, and the counts and filters need them all.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.dates import format_date_fr
from qe_desktop.export.suivi import (
    DeputyQuota,
    SuiviLine,
    SuiviTable,
    days_text,
    next_deadline,
    quota_text,
    stage_title,
)
from qe_desktop.suivi.changes import SuiviChanges
from qe_desktop.suivi.deputies import DEFAULT_SESSION_CAP, Deputy, per_month
from qe_desktop.suivi.rules import STAGE_LABELS, STAGES, StageCode
from qe_desktop.ui.settings import MyDeputy
from qe_desktop.ui.suivi_reads import DeputiesFound, SuiviExported, SuiviJobs, SuiviLoaded
from qe_desktop.ui.workers import CorpusState, OperationDone

if TYPE_CHECKING:
    from qe_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
UID_ROLE = Qt.ItemDataRole.UserRole + 2
_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
#: The months the bars show at most (the latest ones).
BAR_MONTHS = 36


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def month_label(month: str) -> str:
    """« mars 2025 » for ``2025-03``."""
    return f"{_MONTHS[int(month[5:]) - 1]} {month[:4]}"


# -- model ---------------------------------------------------------------------------------------


class SuiviModel(QAbstractTableModel):
    """« Mes députés »' questions, one row each, with their stage on the day of the list."""

    COL_REFERENCE, COL_DEPUTY, COL_DATE, COL_MINISTRY, COL_RUBRIQUE = range(5)
    COL_STAGE, COL_DAYS, COL_DEADLINE, COL_ANALYSE = range(5, 9)
    HEADERS = (
        "Référence",
        "Député",
        "Publiée le",
        "Ministère attributaire",
        "Rubrique",
        "Étape",
        "Jours",
        "Prochaine échéance",
        "Analyse",
    )
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        COL_DAYS: "Jours d'attente pour une question sans réponse, jours pour répondre sinon",
        COL_DEADLINE: "Fin du délai de réponse, du délai supplémentaire, des dix jours après un "
        "signalement, ou de la législature",
        COL_STAGE: "L'étape de la question selon l'article 135 du Règlement en vigueur à sa date",
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[SuiviLine] = []
        self.today = date.today()
        #: What changed for a question since the last look (uid -> French), marked in the view.
        self.marks: dict[str, str] = {}

    def set_lines(self, lines: Sequence[SuiviLine], today: date, marks: dict[str, str]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.today = today
        self.marks = dict(marks)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS.get(section)
        return None

    def line(self, row: int) -> SuiviLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        line = self.line(index.row())
        if line is None:
            return None
        r, col = line.row, index.column()
        stage = r.stage
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_REFERENCE:
                return r.reference
            if col == self.COL_DEPUTY:
                return line.deputy
            if col == self.COL_DATE:
                return format_date_fr(r.question_date) if r.question_date else ""
            if col == self.COL_MINISTRY:
                return r.ministry or ""
            if col == self.COL_RUBRIQUE:
                return r.rubrique or ""
            if col == self.COL_STAGE:
                mark = "● " if r.uid in self.marks else ""
                return mark + stage_title(stage)
            if col == self.COL_DAYS:
                return days_text(stage)
            if col == self.COL_DEADLINE:
                deadline = next_deadline(r, self.today)
                return format_date_fr(deadline.isoformat()) if deadline else ""
            if col == self.COL_ANALYSE:
                return r.analyse or ""
            return None
        if role == SORT_ROLE:
            if col == self.COL_REFERENCE:
                return f"{r.legislature or 0:03d}{r.type}{r.number or 0:09d}"
            if col == self.COL_DATE:
                return r.question_date or ""
            if col == self.COL_STAGE:
                return STAGES.index(stage.code)
            if col == self.COL_DAYS:
                return stage.days if stage.days is not None else -1
            if col == self.COL_DEADLINE:
                deadline = next_deadline(r, self.today)
                return deadline.isoformat() if deadline else "9999"
            return str(self.data(index, Qt.ItemDataRole.DisplayRole)).casefold()
        if role == UID_ROLE:
            return r.uid
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _cap(stage.explanation()) + "."
            if stage.deadlines is not None and col == self.COL_STAGE:
                tip += f"\n\n{stage.deadlines.rules.source}"
            if r.uid in self.marks:
                tip = f"Nouveau depuis votre dernière consultation : {self.marks[r.uid]}.\n\n{tip}"
            if col == self.COL_ANALYSE and r.analyse:
                tip = f"{r.analyse}\n\n{tip}"
            return tip
        if role == Qt.ItemDataRole.FontRole and r.uid in self.marks:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STAGE:
            if stage.code in ("overdue", "signalled_overdue", "answered_late"):
                return QBrush(QColor("#b3261e"))
            if stage.code in ("signalled", "extension"):
                return QBrush(QColor("#a15c00"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SuiviFilter(QSortFilterProxyModel):
    """The filters of the Suivi view (stage, ministry, rubrique, year, deputy), sort on any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.stage: StageCode | None = None
        self.ministry: str | None = None
        self.rubrique: str | None = None
        self.year: str | None = None
        self.deputy: str | None = None

    def set_filter(self, name: str, value: str | None) -> None:
        if getattr(self, name) == value:
            return
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _line(self, source_row: int) -> SuiviLine | None:
        model = self.sourceModel()
        return model.line(source_row) if isinstance(model, SuiviModel) else None

    def accepts(self, line: SuiviLine, *, stage: bool = True) -> bool:
        r = line.row
        return (
            (not stage or self.stage is None or r.stage.code == self.stage)
            and (self.ministry is None or r.ministry == self.ministry)
            and (self.rubrique is None or r.rubrique == self.rubrique)
            and (self.year is None or (r.question_date or "").startswith(self.year))
            and (self.deputy is None or line.deputy == self.deputy)
        )

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        line = self._line(source_row)
        return line is not None and self.accepts(line)

    def lines(self, *, stage: bool = True) -> list[SuiviLine]:
        """The lines the filters keep (``stage`` False: whatever their stage), in the model's order."""
        model = self.sourceModel()
        if not isinstance(model, SuiviModel):
            return []
        return [line for line in model.lines if self.accepts(line, stage=stage)]

    def shown_lines(self) -> list[SuiviLine]:
        """The lines as the view shows them: filtered and in its order."""
        model = self.sourceModel()
        out: list[SuiviLine] = []
        if isinstance(model, SuiviModel):
            for row in range(self.rowCount()):
                line = model.line(self.mapToSource(self.index(row, 0)).row())
                if line is not None:
                    out.append(line)
        return out


# -- questions per month -------------------------------------------------------------------------


class MonthBars(QWidget):
    """Questions published per month, as a row of bars (the latest :data:`BAR_MONTHS` months)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suivi_months")
        self.months: list[tuple[str, int]] = []
        self.setMinimumHeight(64)
        self.setMouseTracking(True)

    def set_months(self, months: list[tuple[str, int]]) -> None:
        self.months = months[-BAR_MONTHS:]
        self.setToolTip("" if self.months else "Aucune question")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 72)

    def _bar_rect(self, i: int) -> QRect:
        width = self.width() / max(len(self.months), 1)
        return QRect(int(i * width) + 1, 0, max(int(width) - 2, 1), self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        label_h = self.fontMetrics().height()
        chart_h = self.height() - label_h - 14
        top = max((n for _, n in self.months), default=0)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.8, 6))
        painter.setFont(small)
        for i, (month, n) in enumerate(self.months):
            rect = self._bar_rect(i)
            h = int(chart_h * n / top) if top else 0
            bar = QRect(rect.left(), 12 + chart_h - h, rect.width(), h)
            painter.fillRect(bar, palette.color(QPalette.ColorRole.Highlight))
            if n and rect.width() >= 12:
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(
                    QRect(rect.left() - 4, bar.top() - 12, rect.width() + 8, 12),
                    Qt.AlignmentFlag.AlignCenter,
                    str(n),
                )
            if month.endswith("-01") or i == 0:
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(rect.left(), self.height() - 2, month_label(month) if i == 0 else month[:4])
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        for i, (month, n) in enumerate(self.months):
            if self._bar_rect(i).contains(event.position().toPoint()):
                QToolTip.showText(
                    event.globalPosition().toPoint(),
                    f"{month_label(month)} : {n} question{'s' if n > 1 else ''}",
                    self,
                )
                return
        super().mouseMoveEvent(event)


# -- the view --------------------------------------------------------------------------------------


class SuiviPanel(QWidget):
    """The Suivi view: counts per stage, filters, the table, quotas, questions per month."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suivi_panel")
        self.model = SuiviModel(self)
        self.proxy = SuiviFilter(self)
        self.proxy.setSourceModel(self.model)
        self.quotas: list[DeputyQuota] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)

        self.intro = QLabel()
        self.intro.setObjectName("suivi_intro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)

        self.counts_row = QHBoxLayout()
        self.counts_row.setSpacing(4)
        self.count_buttons: dict[str, QToolButton] = {}
        self.count_group = QButtonGroup(self)
        self.count_group.setExclusive(True)
        layout.addLayout(self.counts_row)

        filters = QHBoxLayout()
        self.stage_box = self._combo("suivi_stage", "Toutes les étapes")
        self.ministry_box = self._combo("suivi_ministry", "Tous les ministères")
        self.rubrique_box = self._combo("suivi_rubrique", "Toutes les rubriques")
        self.year_box = self._combo("suivi_year", "Toutes les années")
        self.deputy_box = self._combo("suivi_deputy", "Tous mes députés")
        for label, box in (
            ("Étape", self.stage_box),
            ("Ministère", self.ministry_box),
            ("Rubrique", self.rubrique_box),
            ("Année", self.year_box),
            ("Député", self.deputy_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(box)
            filters.addWidget(caption)
            filters.addWidget(box, 1)
        self.export_button = QPushButton("Exporter le tableau…")
        self.export_button.setObjectName("suivi_export")
        self.export_button.setToolTip("La liste affichée (filtres et ordre compris) en PDF ou en CSV")
        filters.addWidget(self.export_button)
        self.deputies_button = QPushButton("Mes députés…")
        self.deputies_button.setObjectName("suivi_deputies")
        filters.addWidget(self.deputies_button)
        layout.addLayout(filters)

        self.table = QTableView()
        self.table.setObjectName("suivi_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((95, 150, 105, 210, 150, 230, 95, 120)):
            self.table.setColumnWidth(column, width)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SuiviModel.COL_DATE, Qt.SortOrder.DescendingOrder)

        bottom = QHBoxLayout()
        self.quota_label = QLabel()
        self.quota_label.setObjectName("suivi_quota")
        self.quota_label.setTextFormat(Qt.TextFormat.RichText)
        self.quota_label.setWordWrap(True)
        self.quota_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.months = MonthBars()
        months_box = QVBoxLayout()
        self.months_title = QLabel("<b>Questions par mois</b>")
        months_box.addWidget(self.months_title)
        months_box.addWidget(self.months, 1)
        bottom.addWidget(self.quota_label, 1)
        bottom.addLayout(months_box, 1)

        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.stage_box.currentIndexChanged.connect(self.on_filters_changed)
        for box in (self.ministry_box, self.rubrique_box, self.year_box, self.deputy_box):
            box.currentIndexChanged.connect(self.on_filters_changed)
        self.count_group.idClicked.connect(self.on_count_clicked)
        self.show_lines([], date.today(), [], {})

    @staticmethod
    def _combo(name: str, everything: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItem(everything, None)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(10)
        return box

    @staticmethod
    def _fill(box: QComboBox, values: Sequence[tuple[str, str]]) -> None:
        """Offer ``values`` (label, value), keeping the current choice when it is still offered."""
        current = box.currentData()
        box.blockSignals(True)
        try:
            while box.count() > 1:
                box.removeItem(1)
            for label, value in values:
                box.addItem(label, value)
            at = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(at, 0))
        finally:
            box.blockSignals(False)

    def show_lines(
        self, lines: Sequence[SuiviLine], today: date, quotas: Sequence[DeputyQuota], marks: dict[str, str]
    ) -> None:
        """Show « Mes députés »' questions (filters kept when their value is still there)."""
        self.model.set_lines(lines, today, marks)
        self.quotas = list(quotas)
        rows = [line.row for line in lines]
        codes = {r.stage.code for r in rows}
        self._fill(self.stage_box, [(_cap(STAGE_LABELS[c]), c) for c in STAGES if c in codes])
        ministries = sorted({r.ministry for r in rows if r.ministry}, key=str.casefold)
        self._fill(self.ministry_box, [(m, m) for m in ministries])
        rubriques = sorted({r.rubrique for r in rows if r.rubrique}, key=str.casefold)
        self._fill(self.rubrique_box, [(m, m) for m in rubriques])
        years = sorted({r.question_date[:4] for r in rows if r.question_date}, reverse=True)
        self._fill(self.year_box, [(y, y) for y in years])
        deputies = list(dict.fromkeys(line.deputy for line in lines))
        self._fill(self.deputy_box, [(d, d) for d in deputies])
        self.deputy_box.setVisible(len(deputies) > 1)
        self.on_filters_changed()

    def on_filters_changed(self) -> None:
        p = self.proxy
        p.set_filter("stage", self.stage_box.currentData())
        p.set_filter("ministry", self.ministry_box.currentData())
        p.set_filter("rubrique", self.rubrique_box.currentData())
        p.set_filter("year", self.year_box.currentData())
        p.set_filter("deputy", self.deputy_box.currentData())
        self.show_counts()
        self.show_quotas()
        self.months.set_months(per_month([line.row for line in p.lines()]))

    def show_counts(self) -> None:
        """One button per stage with questions (the other filters applied): a click filters on it."""
        lines = self.proxy.lines(stage=False)
        counts = {code: 0 for code in STAGES}
        for line in lines:
            counts[line.row.stage.code] += 1
        for button in self.count_buttons.values():
            self.count_group.removeButton(button)
            self.counts_row.removeWidget(button)
            button.deleteLater()
        self.count_buttons.clear()
        while self.counts_row.count():
            self.counts_row.takeAt(0)
        entries: list[tuple[StageCode | None, str, int]] = [(None, "Toutes", len(lines))]
        entries += [(c, _cap(STAGE_LABELS[c]), n) for c, n in counts.items() if n]
        for number, (code, label, n) in enumerate(entries):
            button = QToolButton()
            button.setObjectName(f"suivi_count_{code or 'all'}")
            button.setText(f"{label} : {n}")
            button.setCheckable(True)
            button.setChecked(code == self.proxy.stage)
            button.setAutoRaise(True)
            button.setProperty("stage", code)
            if code is not None:
                button.setToolTip(f"Ne montrer que les questions « {STAGE_LABELS[code]} »")
            self.count_group.addButton(button, number)
            self.counts_row.addWidget(button)
            self.count_buttons[code or "all"] = button
        self.counts_row.addStretch(1)

    def on_count_clicked(self, number: int) -> None:
        button = self.count_group.button(number)
        if button is None:
            return
        code = button.property("stage")
        at = self.stage_box.findData(code) if code else 0
        self.stage_box.setCurrentIndex(max(at, 0))

    def show_quotas(self) -> None:
        shown = [q for q in self.quotas if self.proxy.deputy is None or q.deputy == self.proxy.deputy]
        if not shown:
            self.quota_label.setText("")
            return
        start = format_date_fr(shown[0].quota.session_start.isoformat())
        lines = [f"<b>Questions écrites de la session</b> (ouverte le {html.escape(start)})"]
        for q in shown:
            text = html.escape(quota_text(q))
            if q.quota.remaining == 0:
                text = f'<span style="color:#b3261e">{text}</span>'
            lines.append(text)
        self.quota_label.setText("<br>".join(lines))

    def show_intro(self, deputies: Sequence[MyDeputy], count: int, today: date) -> None:
        if not deputies:
            self.intro.setText(
                "Choisissez les députés pour lesquels vous travaillez (<b>Mes députés…</b>) : leurs "
                "questions, leur étape et leurs délais s'afficheront ici."
            )
            return
        names = ", ".join(html.escape(d.name) for d in deputies)
        self.intro.setText(
            f"<b>Mes députés</b> : {names} — {count} question{'s' if count > 1 else ''}, "
            f"étapes au {html.escape(format_date_fr(today.isoformat()))}."
        )

    def filters_text(self) -> str:
        """The filters applied, for the exported table (French; empty: none)."""
        out = []
        for label, box in (
            ("étape", self.stage_box),
            ("ministère", self.ministry_box),
            ("rubrique", self.rubrique_box),
            ("année", self.year_box),
            ("député", self.deputy_box),
        ):
            if box.currentData() is not None:
                out.append(f"{label} : {box.currentText()}")
        return ", ".join(out)

    def uid_at(self, index: QModelIndex) -> str | None:
        value = self.proxy.data(index, UID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None


# -- « Mes députés… » ------------------------------------------------------------------------------


class DeputiesDialog(QDialog):
    """Choose « Mes députés » among the deputies of the corpus (AMO), found as the name is typed."""

    FIND_DELAY_MS = 200

    def __init__(
        self, jobs: SuiviJobs, chosen: Sequence[MyDeputy], cap: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deputies_dialog")
        self.setWindowTitle("Mes députés")
        self.jobs = jobs
        self.found: list[Deputy] = []
        self.token = 0

        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Les députés pour lesquels vous travaillez : la vue « Suivi » montre leurs questions.")
        )
        self.field = QLineEdit()
        self.field.setObjectName("deputy_field")
        self.field.setPlaceholderText("Nom ou référence AMO (PA…) d'un député")
        self.field.setClearButtonEnabled(True)
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field.setCompleter(self.completer)
        add_row = QHBoxLayout()
        add_row.addWidget(self.field, 1)
        self.add_button = QPushButton("Ajouter")
        self.add_button.setObjectName("deputy_add")
        self.add_button.setEnabled(False)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        self.hint = QLabel()
        self.hint.setObjectName("deputy_hint")
        layout.addWidget(self.hint)

        layout.addWidget(QLabel("<b>Mes députés</b>"))
        self.chosen = QListWidget()
        self.chosen.setObjectName("deputies_chosen")
        for d in chosen:
            self._add_item(d)
        layout.addWidget(self.chosen, 1)
        self.remove_button = QPushButton("Retirer")
        self.remove_button.setObjectName("deputy_remove")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

        form = QFormLayout()
        self.cap = QSpinBox()
        self.cap.setObjectName("session_cap")
        self.cap.setRange(1, 999)
        self.cap.setValue(cap)
        self.cap.setToolTip(
            "Fixé par la Conférence des présidents (article 135, alinéa 2, du Règlement) : "
            f"{DEFAULT_SESSION_CAP} depuis 2015."
        )
        form.addRow("Questions écrites par session et par député :", self.cap)
        layout.addLayout(form)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        # Entrée in the name field adds the deputy found, it does not close the dialog.
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        self.add_button.setAutoDefault(True)
        self.add_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 420)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.FIND_DELAY_MS)
        self.timer.timeout.connect(self.find_now)
        self.field.textEdited.connect(lambda _: self.timer.start())
        self.completer.activated.connect(self.on_completer_activated)
        self.add_button.clicked.connect(self.add_first)
        self.remove_button.clicked.connect(self.remove_selected)
        jobs.found.connect(self.on_jobs_found)

    @staticmethod
    def _label(d: MyDeputy | Deputy) -> str:
        return f"{d.name} ({d.ref})" if d.ref else f"{d.name} (sans référence AMO)"

    def _add_item(self, d: MyDeputy) -> None:
        item = QListWidgetItem(self._label(d))
        item.setData(Qt.ItemDataRole.UserRole, d)
        self.chosen.addItem(item)

    def deputies(self) -> list[MyDeputy]:
        out: list[MyDeputy] = []
        for row in range(self.chosen.count()):
            item = self.chosen.item(row)
            value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(value, MyDeputy):
                out.append(value)
        return out

    def find_now(self) -> None:
        text = self.field.text().strip()
        if len(text) < 2:
            self.found = []
            self.add_button.setEnabled(False)
            self.hint.setText("")
            return
        self.token = self.jobs.find(text)

    def on_jobs_found(self, found: DeputiesFound) -> None:
        if found.token != self.token:
            return
        if found.error:
            self.hint.setText(found.error)
            return
        self.found = list(found.deputies)
        self.add_button.setEnabled(bool(self.found))
        labels = [
            f"{self._label(d)} — {d.questions} question{'s' if d.questions > 1 else ''}" for d in self.found
        ]
        self.completions.setStringList(labels)
        if self.found:
            self.hint.setText(
                f"{len(self.found)} député{'s' if len(self.found) > 1 else ''} trouvé{'s' if len(self.found) > 1 else ''}"
            )
            if self.field.hasFocus():
                self.completer.complete()
        else:
            self.hint.setText(f"Aucun député ne correspond à « {found.text} ».")

    def add(self, deputy: Deputy) -> None:
        chosen = MyDeputy(deputy.ref, deputy.name)
        if any(
            (d.ref, d.name) == (chosen.ref, chosen.name) or (d.ref and d.ref == chosen.ref)
            for d in self.deputies()
        ):
            self.hint.setText(f"{chosen.name} est déjà parmi vos députés.")
            return
        self._add_item(chosen)
        self.field.clear()
        self.found = []
        self.add_button.setEnabled(False)
        self.hint.setText(f"{chosen.name} ajouté{'e' if chosen.name.startswith('Mme') else ''}.")

    def add_first(self) -> None:
        if self.found:
            self.add(self.found[0])

    def on_completer_activated(self, text: str) -> None:
        for d in self.found:
            if text.startswith(self._label(d)):
                self.add(d)
                return

    def remove_selected(self) -> None:
        for item in self.chosen.selectedItems():
            self.chosen.takeItem(self.chosen.row(item))


# -- the wiring ----------------------------------------------------------------------------------------


class Suivi(QObject):
    """The Suivi dock of a window, its actions, the « what changed » notice, and their wiring."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = SuiviJobs(window.paths, self)
        self.panel = SuiviPanel()
        #: What changed since the last look, for the questions marked in the view (this session).
        self.marks: dict[str, str] = {}
        self.last: SuiviLoaded | None = None
        self._notices: set[str] = set()

        self.dock = QDockWidget("Suivi", window)
        self.dock.setObjectName("suivi_dock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()

        self.act_show = self.dock.toggleViewAction()
        self.act_show.setText("&Suivi de mes députés")
        self.act_show.setShortcut("Ctrl+Shift+U")
        self.act_show.setObjectName("show_suivi")
        self.act_deputies = QAction("Mes &députés…", window)
        self.act_deputies.setObjectName("my_deputies")
        self.act_deputies.setToolTip("Les députés dont la vue « Suivi » montre les questions")
        self.act_deputies.triggered.connect(self.open_deputies_dialog)
        window.addActions([self.act_show])
        window.menu_view.addSeparator()
        window.menu_view.addAction(self.act_show)
        window.menu_edit.addSeparator()
        window.menu_edit.addAction(self.act_deputies)

        banner = window.suivi_banner
        banner.action_button.setText("Voir le suivi")
        banner.action_button.setObjectName("suivi_banner_show")
        banner.action_button.clicked.connect(self.show_dock)

        self.jobs.loaded.connect(self.on_jobs_loaded)
        self.jobs.exported.connect(self.on_jobs_exported)
        window.writes.operation_finished.connect(self.on_writes_operation_finished)
        self.panel.table.doubleClicked.connect(self.on_table_activated)
        self.panel.table.activated.connect(self.on_table_activated)
        self.panel.export_button.clicked.connect(lambda: self.export_table())
        self.panel.deputies_button.clicked.connect(self.open_deputies_dialog)
        self.panel.show_intro(window.settings.my_deputies, 0, self.today())

    def today(self) -> date:
        return self.window.today or date.today()

    def shutdown(self) -> None:
        self.jobs.shutdown()

    def show_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.window.suivi_banner.hide()

    # -- reading --

    def reload(self) -> None:
        """Read « Mes députés »' questions again (off the GUI thread), and what changed since."""
        s = self.window.settings
        self.jobs.load(s.my_deputies, self.today(), s.session_cap)

    def on_writes_operation_finished(self, done: OperationDone) -> None:
        if not isinstance(done.state, CorpusState) or (done.error and done.name == "open"):
            return
        c = done.changes
        if done.name == "open" or c.questions_added or c.questions_updated or c.questions_removed:
            self.reload()

    def on_jobs_loaded(self, loaded: SuiviLoaded) -> None:
        if loaded.token != self.jobs.load_token:
            return
        if loaded.error:
            self.window.show_error(loaded.error)
            return
        if loaded.notice and loaded.notice not in self._notices:
            self._notices.add(loaded.notice)
            self.window.show_error(loaded.notice)
        self.last = loaded
        changes = loaded.changes
        if not changes.empty:
            for uid in changes.uids:
                self.marks[uid] = changes.why(uid)
            self.show_changes(changes)
        self.panel.show_lines(loaded.lines, loaded.today, loaded.quotas, self.marks)
        self.panel.show_intro(self.window.settings.my_deputies, len(loaded.lines), loaded.today)

    def show_changes(self, changes: SuiviChanges) -> None:
        """The banner: what changed for « Mes députés » since the last look."""
        since = (
            f" depuis votre dernière consultation ({format_date_fr(changes.since.isoformat())})"
            if changes.since
            else ""
        )
        refs = [r.reference for r in (*changes.answers, *changes.signals, *changes.deadlines)]
        listed = ", ".join(dict.fromkeys(refs[:6])) + ("…" if len(refs) > 6 else "")
        self.window.suivi_banner.show_message(
            f"<b>Mes députés</b> : {html.escape(changes.summary())}{html.escape(since)} "
            f"({html.escape(listed)}).",
        )
        self.window.suivi_banner.action_button.show()

    def on_table_activated(self, index: QModelIndex) -> None:
        uid = self.panel.uid_at(index)
        if uid is not None:
            self.window.open_question(uid)

    # -- « Mes députés… » --

    def open_deputies_dialog(self) -> DeputiesDialog:
        s = self.window.settings
        dialog = DeputiesDialog(self.jobs, s.my_deputies, s.session_cap, self.window)
        dialog.accepted.connect(lambda: self.on_dialog_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def on_dialog_accepted(self, dialog: DeputiesDialog) -> None:
        s = self.window.settings
        s.my_deputies = dialog.deputies()
        s.session_cap = dialog.cap.value()
        s.sync()
        self.reload()
        if s.my_deputies:
            self.show_dock()

    # -- export --

    def table(self) -> SuiviTable:
        """The list as the view shows it, with the quotas of the deputies shown."""
        today = self.last.today if self.last is not None else self.today()
        shown = self.panel.proxy.shown_lines()
        deputies = {line.deputy for line in shown}
        quotas = tuple(q for q in self.panel.quotas if q.deputy in deputies)
        return SuiviTable(today, tuple(shown), quotas, self.panel.filters_text())

    def export_table(self, path: Path | None = None) -> None:
        """Write the « Tableau de suivi » (PDF or CSV, by the name's extension) off the GUI thread."""
        if not self.panel.proxy.rowCount():
            self.window.show_error("Rien à exporter : la vue « Suivi » ne montre aucune question.")
            return
        if path is None:
            name, chosen = QFileDialog.getSaveFileName(
                self.window,
                "Exporter le tableau de suivi",
                str(Path.home() / f"Tableau de suivi {self.today().isoformat()}.pdf"),
                "PDF (*.pdf);;Tableur CSV (*.csv)",
            )
            if not name:
                return
            path = Path(name)
            if path.suffix.lower() not in (".pdf", ".csv"):
                path = path.with_suffix(".csv" if "csv" in chosen.lower() else ".pdf")
        fmt = "csv" if path.suffix.lower() == ".csv" else "pdf"
        self.panel.export_button.setEnabled(False)
        self.window.statusBar().showMessage(f"Export du tableau de suivi : {path.name}…")
        self.jobs.export(self.table(), fmt, path)

    def on_jobs_exported(self, done: SuiviExported) -> None:
        self.panel.export_button.setEnabled(True)
        if done.error:
            self.window.show_error(done.error)
            return
        self.window.statusBar().showMessage(f"Tableau de suivi écrit : {done.path}", 10000)
