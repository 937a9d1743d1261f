"""The annotations panel: every highlight and note of the user over the whole corpus, filtered and sorted.

The panel only shows: it says what the user asks for (:attr:`AnnotationsPanel.query_changed`
with an :class:`~qe_desktop.annotations.store.AnnotationQuery`), the window finds the ids off
the GUI thread (``user_reads.UserWorkJobs``) and gives them back (:meth:`AnnotationsPanel.show_found`).
The model holds those ids; the rows themselves are read a page at a time when the view
scrolls to them (``canFetchMore``/``fetchMore``), through a read-only connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.store import AnnotationQuery, AnnotationSort
from qe_desktop.dates import format_date_fr
from qe_desktop.labels import ordinal
from qe_desktop.model import COLOURS, ColourMeaning
from qe_desktop.store import QuestionFacts
from qe_desktop.ui.reader import colour_icon
from qe_desktop.ui.user_reads import AnnotationRow, AnnotationsFound, PanelChoices

ModelIndex = QModelIndex | QPersistentModelIndex

#: Rows read at a time when the view scrolls.
PAGE_SIZE = 200
#: Typing in the words field searches after this pause (ms).
WORDS_DELAY_MS = 250
#: Characters of a quote or a note shown in the list (the whole text is in the tooltip).
SHOWN_CHARS = 160

ANNOTATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
QUESTION_UID_ROLE = Qt.ItemDataRole.UserRole + 2


def question_reference(facts: QuestionFacts | None, uid: str) -> str:
    """« QE n° 101851 · 13e », or the uid when the question is not in the corpus."""
    if facts is None or facts.number is None:
        return uid
    text = f"{facts.type} n° {facts.number}"
    return f"{text} · {ordinal(facts.legislature)}" if facts.legislature else text


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1].rstrip() + "…"


class AnnotationsModel(QAbstractTableModel):
    """The annotations a query keeps, in its order: ids held, rows read a page at a time."""

    COL_COLOUR, COL_QUOTE, COL_NOTE, COL_TAGS, COL_QUESTION, COL_DATE = range(6)
    HEADERS: ClassVar[tuple[str, ...]] = ("Couleur", "Passage", "Note", "Étiquettes", "Question", "Date")

    def __init__(self, fetch: Callable[[Sequence[str]], dict[str, AnnotationRow]]) -> None:
        super().__init__()
        #: Reads the rows of these ids (those that still exist).
        self.fetch = fetch
        self.meanings: dict[int, str] = {}
        self._ids: list[str] = []
        self._shown = 0  # rows made visible so far (fetchMore)
        self._rows: dict[str, AnnotationRow] = {}

    # -- feeding --

    def set_ids(self, ids: Sequence[str]) -> None:
        """Show these annotations (in this order), the first page read now."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {}
        self._shown = 0
        self._read(0, min(PAGE_SIZE, len(self._ids)))
        self._shown = min(PAGE_SIZE, len(self._ids))
        self.endResetModel()

    def set_meanings(self, colours: Sequence[ColourMeaning]) -> None:
        self.meanings = {c.number: c.meaning for c in colours}
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, 0))

    def _read(self, first: int, last: int) -> None:
        wanted = [i for i in self._ids[first:last] if i not in self._rows]
        if wanted:
            self._rows.update(self.fetch(wanted))

    # -- reading --

    @property
    def total(self) -> int:
        """How many annotations the query keeps (rows not yet shown included)."""
        return len(self._ids)

    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < self._shown else None

    def row_of(self, annotation_id: str) -> int | None:
        """The row of an annotation, its page read first if needed; None when the query leaves it out."""
        try:
            row = self._ids.index(annotation_id)
        except ValueError:
            return None
        while row >= self._shown:
            self.fetchMore(QModelIndex())
        return row

    def annotation_row(self, row: int) -> AnnotationRow | None:
        aid = self.id_at(row)
        return None if aid is None else self._rows.get(aid)

    # -- QAbstractItemModel --

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: ModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        first = self._shown
        last = min(first + PAGE_SIZE, len(self._ids))
        self._read(first, last)
        self.beginInsertRows(QModelIndex(), first, last - 1)
        self._shown = last
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        aid = self.id_at(index.row())
        if aid is None:
            return None
        if role == ANNOTATION_ID_ROLE:
            return aid
        row = self._rows.get(aid)
        if row is None:
            # Deleted since the query ran: the refresh that follows the deletion removes it.
            return "(supprimée)" if role == Qt.ItemDataRole.DisplayRole and index.column() == 1 else None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_COLOUR and row.annotation.colour:
            return colour_icon(row.annotation.colour)
        if role == Qt.ItemDataRole.FontRole and column == self.COL_QUOTE and row.state == "orphan":
            font = QFont()
            font.setItalic(True)
            return font
        if role == QUESTION_UID_ROLE:
            return row.annotation.question_uid
        return None

    def _display(self, row: AnnotationRow, column: int) -> str:
        a = row.annotation
        if column == self.COL_COLOUR:
            return self.meanings.get(a.colour, f"Couleur {a.colour}") if a.colour else "—"
        if column == self.COL_QUOTE:
            if a.anchor is None:
                return "(note sur la question)"
            quote = f"« {_one_line(a.anchor.exact)} »"
            return f"{quote} — passage introuvable" if row.state == "orphan" else quote
        if column == self.COL_NOTE:
            return _one_line(a.note)
        if column == self.COL_TAGS:
            return ", ".join(a.tags)
        if column == self.COL_QUESTION:
            return question_reference(row.facts, a.question_uid)
        if column == self.COL_DATE:
            return format_date_fr(a.modified[:10])
        return ""

    def _tooltip(self, row: AnnotationRow, column: int) -> str | None:
        a = row.annotation
        if column == self.COL_QUOTE:
            if a.anchor is None:
                return "Note sur l'ensemble de la question"
            where = "la réponse" if a.anchor.pane == "answer" else "la question"
            orphan = (
                "\nPassage introuvable dans le texte actuel de la question." if row.state == "orphan" else ""
            )
            return f"Dans {where} : « {a.anchor.exact} »{orphan}"
        if column == self.COL_NOTE:
            return a.note or None
        if column == self.COL_QUESTION:
            if row.facts is None:
                return "Cette question n'est plus dans le corpus."
            return row.facts.analyse or row.facts.rubrique
        if column == self.COL_COLOUR and a.colour:
            return self.meanings.get(a.colour)
        return None


class _Table(QTableView):
    """The list of annotations: Suppr. asks for the selected ones to be deleted."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectionModel().hasSelection():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class AnnotationsPanel(QWidget):
    """Filters above, the annotations below; a click opens the question at the passage."""

    #: The filters or the order changed: find again (AnnotationQuery).
    query_changed = Signal(object)
    #: An annotation was clicked: (annotation id, question uid).
    annotation_opened = Signal(str, str)
    #: Delete these annotations (tuple of ids).
    delete_requested = Signal(object)

    ALL = ""

    def __init__(
        self, fetch: Callable[[Sequence[str]], dict[str, AnnotationRow]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotations_panel")
        self.choices = PanelChoices()
        self._filling = False  # the combos are being refilled: not a user's choice

        self.words = QLineEdit()
        self.words.setObjectName("annotation_words")
        self.words.setPlaceholderText("Mots de la note ou du passage…")
        self.words.setClearButtonEnabled(True)
        self.words.setToolTip("« hopital » trouve aussi « hôpitaux » ; mot* pour un début de mot")
        self.sort = QComboBox()
        self.sort.setObjectName("annotation_sort")
        self.sort.addItem("Les plus récentes", "date")
        self.sort.addItem("Par question", "question")
        self.orphans = QCheckBox("Orphelines")
        self.orphans.setObjectName("annotation_orphans")
        self.orphans.setToolTip(
            "Seulement les annotations dont le passage est introuvable dans le texte actuel"
        )

        self.colour_buttons: dict[int, QToolButton] = {}
        colours = QHBoxLayout()
        colours.setSpacing(2)
        for number in COLOURS:
            button = QToolButton()
            button.setObjectName(f"annotation_colour_{number}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setIcon(colour_icon(number))
            button.toggled.connect(self.on_filter_changed)
            self.colour_buttons[number] = button
            colours.addWidget(button)
        colours.addStretch(1)

        self.tag = self._combo("annotation_tag", "Toutes les étiquettes")
        self.dossier = self._combo("annotation_dossier", "Tous les dossiers")
        self.legislature = self._combo("annotation_legislature", "Toutes législatures")
        self.rubrique = self._combo("annotation_rubrique", "Toutes les rubriques")
        self.ministry = self._combo("annotation_ministry", "Tous les ministères")

        self.count = QLabel()
        self.count.setObjectName("annotation_count")
        self.delete_button = QToolButton()
        self.delete_button.setObjectName("annotation_delete")
        self.delete_button.setText("Supprimer")
        self.delete_button.setToolTip("Supprimer les annotations choisies (Suppr., annulable par Ctrl+Z)")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.request_delete)

        self.model = AnnotationsModel(fetch)
        self.table = _Table()
        self.table.setObjectName("annotations_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for column, width in enumerate((175, 300, 240, 130, 130, 115)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(AnnotationsModel.COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self.on_table_clicked)
        self.table.activated.connect(self.on_table_clicked)
        self.table.delete_pressed.connect(self.request_delete)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(WORDS_DELAY_MS)
        self.timer.timeout.connect(self.on_filter_changed)
        self.words.textEdited.connect(self.timer.start)
        self.words.returnPressed.connect(self.on_filter_changed)
        self.sort.currentIndexChanged.connect(self.on_filter_changed)
        self.orphans.toggled.connect(self.on_filter_changed)

        top = QHBoxLayout()
        top.addWidget(self.words, 1)
        top.addWidget(self.sort)
        top.addWidget(self.orphans)
        middle = QHBoxLayout()
        middle.addLayout(colours)
        for combo in (self.tag, self.dossier, self.legislature, self.rubrique, self.ministry):
            middle.addWidget(combo, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(middle)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.set_colours(tuple(ColourMeaning(n, f"Couleur {n}") for n in COLOURS))

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, self.ALL)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.currentIndexChanged.connect(self.on_filter_changed)
        return combo

    # -- what the user asks for --

    def query(self) -> AnnotationQuery:
        """The filters as they are set, as a query of the user's database."""

        def chosen(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return (value,) if isinstance(value, str) and value else ()

        legislatures = tuple(int(v) for v in chosen(self.legislature))
        sort: AnnotationSort = "question" if self.sort.currentData() == "question" else "date"
        return AnnotationQuery(
            colours=tuple(n for n, b in self.colour_buttons.items() if b.isChecked()),
            tags=chosen(self.tag),
            dossiers=chosen(self.dossier),
            legislatures=legislatures,
            rubriques=chosen(self.rubrique),
            ministries=chosen(self.ministry),
            words=self.words.text().strip(),
            states=("orphan",) if self.orphans.isChecked() else (),
            sort=sort,
        )

    def on_filter_changed(self) -> None:
        if self._filling:
            return
        self.timer.stop()
        self.query_changed.emit(self.query())

    # -- what the window gives back --

    def set_colours(self, colours: Sequence[ColourMeaning]) -> None:
        for c in colours:
            button = self.colour_buttons.get(c.number)
            if button is not None:
                button.setToolTip(
                    f"{c.meaning} (cliquer pour ne garder que cette couleur ; plusieurs possibles)"
                )
        self.model.set_meanings(colours)

    def show_found(self, found: AnnotationsFound) -> None:
        """Show what a find kept (and refill the filters' choices when it brings them)."""
        if found.choices is not None:
            self.show_choices(found.choices)
        selected = set(self.selected_ids())
        current = self.table.currentIndex()
        current_id = self.model.id_at(current.row()) if current.isValid() else None
        self.model.set_ids(found.ids)
        self._reselect(selected, current_id)
        self.show_count()

    def _reselect(self, selected: set[str], current_id: str | None) -> None:
        """Keep the selection across a refresh (the annotations still shown)."""
        if not selected and current_id is None:
            return
        selection = self.table.selectionModel()
        for row in range(self.model.rowCount()):
            aid = self.model.id_at(row)
            if aid in selected:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
            if aid == current_id:
                selection.setCurrentIndex(self.model.index(row, 0), selection.SelectionFlag.NoUpdate)

    def show_count(self) -> None:
        total = self.model.total
        text = "Aucune annotation" if total == 0 else f"{total} annotation{'s' if total > 1 else ''}"
        if self.choices.total and total != self.choices.total:
            text += f" sur {self.choices.total}"
        if self.choices.orphans:
            n = self.choices.orphans
            text += f" · {n} orpheline{'s' if n > 1 else ''}"
        self.count.setText(text)

    def show_choices(self, choices: PanelChoices) -> None:
        """Refill the filters with the values in use, keeping what the user chose."""
        self.choices = choices
        self._filling = True
        try:
            self.set_colours(choices.colours)
            self._fill(self.tag, [(f"{t} ({n})", t) for t, n in choices.tags])
            self._fill(self.dossier, [(name, did) for did, name in choices.dossiers])
            self._fill(
                self.legislature, [(f"{ordinal(n)} législature", str(n)) for n in choices.legislatures]
            )
            self._fill(self.rubrique, [(r, r) for r in choices.rubriques])
            self._fill(self.ministry, [(m, m) for m in choices.ministries])
        finally:
            self._filling = False

    @staticmethod
    def _fill(combo: QComboBox, items: Sequence[tuple[str, str]]) -> None:
        kept = combo.currentData()
        everything = combo.itemText(0)
        combo.clear()
        combo.addItem(everything, AnnotationsPanel.ALL)
        for label, value in items:
            combo.addItem(label, value)
            combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(kept)
        combo.setCurrentIndex(max(0, index))

    def set_choice(self, combo: QComboBox, value: str) -> bool:
        """Choose a value of one of the filters (as a click would); False when it is not offered."""
        index = combo.findData(value)
        if index < 0:
            return False
        combo.setCurrentIndex(index)
        return True

    # -- selection --

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [aid for aid in (self.model.id_at(r) for r in rows) if aid is not None]

    def select_annotation(self, annotation_id: str) -> bool:
        """Select and show an annotation's row (a highlight clicked in the reader); False when hidden."""
        row = self.model.row_of(annotation_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        selection.setCurrentIndex(
            index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def on_selection_changed(self) -> None:
        self.delete_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def on_table_clicked(self, index: QModelIndex) -> None:
        row = self.model.annotation_row(index.row())
        if row is not None:
            self.annotation_opened.emit(row.annotation.id, row.annotation.question_uid)

    def request_delete(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(tuple(ids))
