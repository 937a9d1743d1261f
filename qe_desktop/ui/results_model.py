"""The results list: a lazy table model of search hits.

The model holds the uids of the hits fetched so far and one small row of key
data per uid; a search brings the first page, and when the view scrolls to
the end Qt calls ``fetchMore``, which asks (``more_requested``) for the next
page — fetched off the GUI thread by the main window — and appends it.
Sorting by a column asks the search for that order (``sort_requested``): the
order of the whole result set is the search's job, not the model's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from qe_desktop.annotations.store import QuestionMarks
from qe_desktop.dates import days_between, format_date_fr
from qe_desktop.labels import STATUS_CHOICES, facet_title, ordinal, status_label
from qe_desktop.model import Hit, SortOrder
from qe_desktop.render import HIGHLIGHT_COLOURS

ModelIndex = QModelIndex | QPersistentModelIndex

#: Colours of the status dots: distinguishable, and readable on light and dark backgrounds.
STATUS_COLOURS: dict[str, str] = {
    "answered": "#2e7d32",
    "pending": "#d98200",
    "withdrawn": "#8a8a8a",
    "lapsed": "#8d6e63",
}

UID_ROLE = Qt.ItemDataRole.UserRole + 1
#: What dragged result rows carry: their uids, one a line (dropped on a dossier).
QUESTIONS_MIME = "application/x-qe-desktop-questions"


def questions_mime(uids: Sequence[str]) -> QMimeData:
    """Dragged questions: their uids, and their references as plain text for other programs."""
    mime = QMimeData()
    mime.setData(QUESTIONS_MIME, "\n".join(uids).encode("utf-8"))
    mime.setText("\n".join(uids))
    return mime


def dropped_questions(mime: QMimeData) -> list[str]:
    """The uids dragged in ``mime`` (none when it holds no questions)."""
    if not mime.hasFormat(QUESTIONS_MIME):
        return []
    raw = bytes(mime.data(QUESTIONS_MIME).data()).decode("utf-8")
    return [uid for uid in raw.split("\n") if uid]


@dataclass(frozen=True, slots=True)
class ResultRow:
    """What one line of the results list shows."""

    uid: str
    legislature: int | None
    type: str
    number: int | None
    question_date: str | None
    answer_date: str | None
    author: str | None
    group_abbrev: str | None
    analyse: str | None
    rubrique: str | None
    status: str
    answer_delay: int | None
    #: The user's work on it: how many annotations, in which colours, in which dossiers (names).
    annotations: int = 0
    colours: tuple[int, ...] = ()
    dossiers: tuple[str, ...] = ()

    def with_marks(self, marks: QuestionMarks | None) -> ResultRow:
        """This row with the user's marks (None: none)."""
        if marks is None:
            return dataclasses.replace(self, annotations=0, colours=(), dossiers=())
        return dataclasses.replace(
            self,
            annotations=marks.annotations,
            colours=marks.colours,
            dossiers=tuple(name for _, name in marks.dossiers),
        )

    @classmethod
    def from_hit(cls, hit: Hit) -> ResultRow:
        return cls(
            uid=hit.uid,
            legislature=hit.legislature,
            type=hit.type,
            number=hit.number,
            question_date=hit.question_date,
            answer_date=hit.answer_date,
            author=hit.author,
            group_abbrev=hit.group_abbrev,
            # Older pages give only a tête d'analyse: it is their title.
            analyse=hit.analyse or hit.tete_analyse,
            rubrique=hit.rubrique,
            status=hit.status,
            answer_delay=hit.answer_delay_days if hit.status == "answered" else None,
        )

    def number_text(self) -> str:
        """``101851 · 13e`` (the type first when it is not a written question)."""
        number = str(self.number) if self.number is not None else self.uid
        if self.type != "QE":
            number = f"{self.type} {number}"
        return f"{number} · {ordinal(self.legislature)}" if self.legislature else number

    def author_text(self) -> str:
        author = self.author or "—"
        return f"{author} ({self.group_abbrev})" if self.group_abbrev else author

    def pending_days(self, today: date) -> int | None:
        if self.status != "pending":
            return None
        return days_between(self.question_date, today.isoformat())


_status_icons: dict[str, QIcon] = {}


def status_icon(status: str) -> QIcon:
    """A coloured dot for a status (drawn, so it looks the same on every platform)."""
    icon = _status_icons.get(status)
    if icon is None:
        icon = QIcon()
        for size in (12, 16, 24):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STATUS_COLOURS.get(status, "#8a8a8a")))
            margin = size / 5
            painter.drawEllipse(int(margin), int(margin), int(size - 2 * margin), int(size - 2 * margin))
            painter.end()
            icon.addPixmap(pixmap)
        _status_icons[status] = icon
    return icon


_marks_icons: dict[tuple[int, ...], QIcon] = {}


def marks_icon(colours: tuple[int, ...]) -> QIcon:
    """A dot shared out between an annotated question's highlight colours (grey: notes only)."""
    key = colours or (0,)
    icon = _marks_icons.get(key)
    if icon is None:
        icon = QIcon()
        for size in (12, 16, 24):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor("#6b6b6b"))
            margin = size / 8
            rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
            step = 360 * 16 // len(key)
            for i, colour in enumerate(key):
                painter.setBrush(QColor(HIGHLIGHT_COLOURS.get(colour, HIGHLIGHT_COLOURS[0])))
                if len(key) == 1:
                    painter.drawEllipse(rect)
                else:
                    painter.drawPie(rect, 90 * 16 - i * step, -step)
            painter.end()
            icon.addPixmap(pixmap)
        _marks_icons[key] = icon
    return icon


class ResultsModel(QAbstractTableModel):
    """Hits of the current search, a page at a time."""

    more_requested = Signal(int)  # offset of the next page wanted
    sort_requested = Signal(str)  # a SortOrder

    COL_NUMBER, COL_DATE, COL_AUTHOR, COL_ANALYSE, COL_RUBRIQUE, COL_STATUS, COL_DELAY = range(7)
    #: The user's work: annotations (coloured dots and a count), dossiers (names).
    COL_MARKS, COL_DOSSIERS = 7, 8
    HEADERS: ClassVar[tuple[str, ...]] = (
        "N° · légis.",
        "Date",
        "Auteur (groupe)",
        "Analyse",
        facet_title("rubrique"),
        facet_title("status"),
        "Délai",
        "✎",
        "Dossiers",
    )
    HEADER_TIPS: ClassVar[tuple[str, ...]] = (
        "Numéro de la question et législature",
        "Date de publication de la question au JO (cliquer pour trier)",
        "Auteur de la question et son groupe",
        "Objet de la question",
        "Rubrique de l'Assemblée nationale",
        STATUS_CHOICES,
        "Jours entre la question et la réponse (cliquer pour trier)",
        "Vos annotations : leurs couleurs et leur nombre",
        "Les dossiers où vous avez mis la question",
    )
    #: Columns whose header click asks the search for an order.
    SORT_COLUMNS: ClassVar[dict[int, SortOrder]] = {COL_DATE: "date", COL_DELAY: "delai"}

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self.today = today or date.today()
        self.token = 0  # which search the rows belong to
        self.total = 0
        self._uids: list[str] = []
        self._rows: dict[str, ResultRow] = {}
        self._waiting = False  # a page was asked for and has not come yet
        self._exhausted = False
        #: The meaning of each highlight colour (the user's names), for the tooltips.
        self.meanings: dict[int, str] = {}

    # -- feeding --------------------------------------------------------------

    def reset_results(self, token: int, total: int, rows: Sequence[ResultRow]) -> None:
        """Replace everything with the first page of a new search."""
        self.beginResetModel()
        self.token = token
        self.total = total
        self._uids = []
        self._rows = {}
        self._add(rows)
        self._waiting = False
        self._exhausted = not rows and total > 0
        self.endResetModel()

    def append_rows(self, token: int, offset: int, rows: Sequence[ResultRow]) -> bool:
        """Add a page fetched for ``fetchMore``; False (ignored) if it belongs to an older search."""
        if token != self.token or offset != len(self._uids):
            return False
        self._waiting = False
        fresh = [r for r in rows if r.uid not in self._rows]
        if not fresh:
            # The index promised more than the database holds: stop asking.
            self._exhausted = True
            return True
        first = len(self._uids)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._add(fresh)
        self.endInsertRows()
        return True

    def update_marks(self, marks: Mapping[str, QuestionMarks | None]) -> None:
        """New marks for the rows of these uids (the user's work changed; the search is not run again)."""
        changed = []
        for uid, mark in marks.items():
            row = self._rows.get(uid)
            if row is None:
                continue
            fresh = row.with_marks(mark)
            if fresh != row:
                self._rows[uid] = fresh
                changed.append(self._uids.index(uid))
        for number in changed:
            self.dataChanged.emit(self.index(number, self.COL_MARKS), self.index(number, self.COL_DOSSIERS))

    def set_meanings(self, meanings: Mapping[int, str]) -> None:
        self.meanings = dict(meanings)

    def page_failed(self, token: int) -> None:
        """The next page could not be fetched: stop asking for it."""
        if token == self.token:
            self._waiting = False
            self._exhausted = True

    def _add(self, rows: Sequence[ResultRow]) -> None:
        for row in rows:
            if row.uid not in self._rows:
                self._uids.append(row.uid)
                self._rows[row.uid] = row

    # -- reading ------------------------------------------------------------------

    def uid_at(self, row: int) -> str | None:
        return self._uids[row] if 0 <= row < len(self._uids) else None

    def row_of(self, uid: str) -> int | None:
        try:
            return self._uids.index(uid)
        except ValueError:
            return None

    def result_row(self, row: int) -> ResultRow | None:
        uid = self.uid_at(row)
        return None if uid is None else self._rows[uid]

    @property
    def loaded(self) -> int:
        return len(self._uids)

    # -- QAbstractItemModel ---------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._uids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        if parent.isValid():
            return False
        return not self._waiting and not self._exhausted and len(self._uids) < self.total

    def fetchMore(self, parent: ModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        self._waiting = True
        self.more_requested.emit(len(self._uids))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        return [QUESTIONS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged rows' uids (onto a dossier), in the list's order."""
        rows = sorted({i.row() for i in indexes})
        return questions_mime([uid for uid in (self.uid_at(r) for r in rows) if uid is not None])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self.result_row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_STATUS:
            return status_icon(row.status)
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_MARKS and row.annotations:
            return marks_icon(row.colours)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_DELAY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == self.COL_DELAY and row.status == "pending":
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_DELAY and row.status == "pending":
            return QBrush(QColor(STATUS_COLOURS["pending"]))
        if role == UID_ROLE:
            return row.uid
        return None

    def _display(self, row: ResultRow, column: int) -> str:
        if column == self.COL_NUMBER:
            return row.number_text()
        if column == self.COL_DATE:
            return format_date_fr(row.question_date)
        if column == self.COL_AUTHOR:
            return row.author_text()
        if column == self.COL_ANALYSE:
            return row.analyse or ""
        if column == self.COL_RUBRIQUE:
            return row.rubrique or ""
        if column == self.COL_STATUS:
            return status_label(row.status, capital=True)
        if column == self.COL_DELAY:
            if row.answer_delay is not None:
                return f"{row.answer_delay} j"
            waiting = row.pending_days(self.today)
            return f"{waiting} j…" if waiting is not None else ""
        if column == self.COL_MARKS:
            return str(row.annotations) if row.annotations else ""
        if column == self.COL_DOSSIERS:
            return ", ".join(row.dossiers)
        return ""

    def _tooltip(self, row: ResultRow, column: int) -> str | None:
        if column == self.COL_ANALYSE:
            return row.analyse
        if column == self.COL_STATUS:
            if row.status == "answered" and row.answer_date:
                return f"Réponse publiée le {format_date_fr(row.answer_date)}"
            return status_label(row.status, capital=True)
        if column == self.COL_DELAY:
            waiting = row.pending_days(self.today)
            if waiting is not None:
                return f"En attente de réponse depuis {waiting} jours"
            if row.answer_delay is not None:
                return f"Réponse {row.answer_delay} jours après la question"
        if column == self.COL_AUTHOR:
            return row.author_text()
        if column == self.COL_MARKS and row.annotations:
            count = "1 annotation" if row.annotations == 1 else f"{row.annotations} annotations"
            meanings = [self.meanings.get(c, f"Couleur {c}") for c in row.colours]
            return f"{count} : {', '.join(meanings)}" if meanings else count
        if column == self.COL_DOSSIERS and row.dossiers:
            return "Dans les dossiers : " + ", ".join(f"« {d} »" for d in row.dossiers)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_COLUMNS.get(column)
        if key is not None:
            self.sort_requested.emit(key)
