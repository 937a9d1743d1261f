"""The dossiers: the list of the user's dossiers, and the questions of the one chosen.

Every change the user makes here is an edit (``annotations.edits``) the panel asks for
(:attr:`DossiersPanel.edit_requested`, with the words Ctrl+Z will show); the window commits it,
undoably, and the panel shows the result when the window hands back what changed
(:meth:`DossiersPanel.reload`).  Drag and drop asks for edits too: a model's ``moveRows`` or
``dropMimeData`` never changes its rows itself, the saved state does, a moment later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.edits import (
    AddToDossier,
    DeleteDossier,
    MoveInDossier,
    PutDossier,
    RemoveFromDossier,
    SetDossierOrder,
    now_iso,
)
from qe_desktop.labels import status_label
from qe_desktop.model import Dossier
from qe_desktop.ui.annotations_panel import question_reference
from qe_desktop.ui.results_model import QUESTIONS_MIME, dropped_questions, questions_mime, status_icon
from qe_desktop.ui.user_reads import DossierItemRow, UserReads

ModelIndex = QModelIndex | QPersistentModelIndex

#: What dragged dossiers carry (to reorder the list): their ids, one a line.
DOSSIERS_MIME = "application/x-qe-desktop-dossiers"
DOSSIER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
QUESTION_UID_ROLE = Qt.ItemDataRole.UserRole + 2


def moved_order(order: Sequence[str], moving: Sequence[str], row: int) -> tuple[list[str], int]:
    """``order`` with ``moving`` put before what is at ``row`` now; and that place in the list
    without them (what MoveInDossier takes)."""
    gone = set(moving)
    position = sum(1 for item in order[: max(0, row)] if item not in gone)
    rest = [item for item in order if item not in gone]
    kept = [item for item in order if item in gone]
    return rest[:position] + kept + rest[position:], position


class DossierListModel(QAbstractListModel):
    """The dossiers in the user's order: dragged to reorder, questions dropped on one to add them."""

    #: Put the dossiers in this order (tuple of ids).
    order_requested = Signal(object)
    #: Add these questions to this dossier (dossier id, tuple of uids).
    questions_dropped = Signal(str, object)

    def __init__(self) -> None:
        super().__init__()
        self.dossiers: list[Dossier] = []

    def set_dossiers(self, dossiers: Sequence[Dossier]) -> None:
        self.beginResetModel()
        self.dossiers = list(dossiers)
        self.endResetModel()

    def ids(self) -> list[str]:
        return [d.id for d in self.dossiers]

    def row_of(self, dossier_id: str) -> int | None:
        return next((i for i, d in enumerate(self.dossiers) if d.id == dossier_id), None)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.dossiers)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.dossiers):
            return None
        d = self.dossiers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{d.name} ({len(d.items)})"
        if role == Qt.ItemDataRole.ToolTipRole:
            n = len(d.items)
            count = f"{n} question{'s' if n > 1 else ''}"
            return f"{d.name} — {count}\n{d.description}".strip()
        if role == DOSSIER_ID_ROLE:
            return d.id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    def mimeTypes(self) -> list[str]:
        return [DOSSIERS_MIME, QUESTIONS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(DOSSIERS_MIME, "\n".join(self.dossiers[r].id for r in rows).encode("utf-8"))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy: the view must not remove the dragged rows; the saved order moves them.
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        if data.hasFormat(QUESTIONS_MIME):
            return self._target(row, parent) is not None
        return data.hasFormat(DOSSIERS_MIME)

    def _target(self, row: int, parent: ModelIndex) -> str | None:
        """The dossier questions are dropped on: the item under the mouse."""
        if parent.isValid() and 0 <= parent.row() < len(self.dossiers):
            return self.dossiers[parent.row()].id
        return None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        uids = dropped_questions(data)
        if uids:
            target = self._target(row, parent)
            if target is None:
                return False
            self.questions_dropped.emit(target, tuple(uids))
            return True
        if data.hasFormat(DOSSIERS_MIME):
            moving = [i for i in bytes(data.data(DOSSIERS_MIME).data()).decode("utf-8").split("\n") if i]
            if row < 0:
                row = parent.row() if parent.isValid() else len(self.dossiers)
            return self._ask_order(moving, row)
        return False

    def moveRows(
        self,
        source_parent: ModelIndex,
        source_row: int,
        count: int,
        destination_parent: ModelIndex,
        destination: int,
    ) -> bool:
        """Ask for the dossiers of rows ``[source_row, source_row + count)`` to go before row ``destination``."""
        if source_parent.isValid() or destination_parent.isValid() or count <= 0:
            return False
        if source_row < 0 or source_row + count > len(self.dossiers):
            return False
        return self._ask_order([d.id for d in self.dossiers[source_row : source_row + count]], destination)

    def _ask_order(self, moving: Sequence[str], row: int) -> bool:
        ids = self.ids()
        moving = [i for i in moving if i in ids]
        if not moving:
            return False
        order, _ = moved_order(ids, moving, row)
        if order != ids:
            self.order_requested.emit(tuple(order))
        return True


class DossierItemsModel(QAbstractTableModel):
    """The questions of one dossier, in its order: dragged to reorder, results dropped to add."""

    #: Move these questions (dossier id, tuple of uids, place in the list without them).
    move_requested = Signal(str, object, int)
    #: Add these questions (dossier id, tuple of uids, place).
    add_requested = Signal(str, object, int)

    COL_REFERENCE, COL_TITLE, COL_MINISTRY, COL_STATUS, COL_ANNOTATIONS = range(5)
    HEADERS: ClassVar[tuple[str, ...]] = ("Référence", "Titre", "Ministère", "Statut", "Annotations")

    def __init__(self) -> None:
        super().__init__()
        self.dossier: Dossier | None = None
        self.rows: dict[str, DossierItemRow] = {}

    def set_dossier(self, dossier: Dossier | None, rows: dict[str, DossierItemRow]) -> None:
        self.beginResetModel()
        self.dossier = dossier
        self.rows = rows
        self.endResetModel()

    @property
    def uids(self) -> tuple[str, ...]:
        return self.dossier.items if self.dossier is not None else ()

    def uid_at(self, row: int) -> str | None:
        uids = self.uids
        return uids[row] if 0 <= row < len(uids) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.uids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        uid = self.uid_at(index.row())
        if uid is None:
            return None
        if role == QUESTION_UID_ROLE:
            return uid
        row = self.rows.get(uid)
        facts = row.facts if row is not None else None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_REFERENCE:
                return question_reference(facts, uid)
            if column == self.COL_TITLE:
                if facts is None:
                    return "(question absente du corpus)"
                return facts.analyse or facts.rubrique or ""
            if column == self.COL_MINISTRY:
                return (facts.ministry_answering or facts.ministry_asked or "") if facts else ""
            if column == self.COL_STATUS:
                return status_label(facts.status, capital=True) if facts else ""
            if column == self.COL_ANNOTATIONS:
                n = row.annotations if row is not None else 0
                return str(n) if n else ""
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_STATUS and facts is not None:
            return status_icon(facts.status)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TITLE and facts is not None:
            return facts.analyse
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_ANNOTATIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.dossier is not None else Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        return [QUESTIONS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return questions_mime([u for u in (self.uid_at(r) for r in rows) if u is not None])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        """Questions dropped between rows: moved when they are this dossier's, else added there."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        if self.dossier is None:
            return False
        uids = dropped_questions(data)
        if not uids:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.uids)
        return self._ask(uids, row)

    def moveRows(
        self,
        source_parent: ModelIndex,
        source_row: int,
        count: int,
        destination_parent: ModelIndex,
        destination: int,
    ) -> bool:
        """Ask for the questions of rows ``[source_row, source_row + count)`` to go before row ``destination``."""
        if self.dossier is None or source_parent.isValid() or destination_parent.isValid() or count <= 0:
            return False
        if source_row < 0 or source_row + count > len(self.uids):
            return False
        return self._ask(list(self.uids[source_row : source_row + count]), destination)

    def _ask(self, uids: Sequence[str], row: int) -> bool:
        assert self.dossier is not None
        inside = [u for u in uids if u in self.uids]
        outside = [u for u in dict.fromkeys(uids) if u not in self.uids]
        if outside:
            self.add_requested.emit(self.dossier.id, tuple(outside), max(0, min(row, len(self.uids))))
        elif inside:
            order, position = moved_order(self.uids, inside, row)
            if tuple(order) != self.uids:
                self.move_requested.emit(self.dossier.id, tuple(inside), position)
        return bool(inside or outside)


class _ItemsTable(QTableView):
    remove_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectionModel().hasSelection():
            self.remove_pressed.emit()
            return
        super().keyPressEvent(event)


def _button(text: str, tip: str, name: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setObjectName(name)
    button.setAutoRaise(True)
    return button


class DossiersPanel(QWidget):
    """The dossiers' list above, the chosen dossier's questions below."""

    #: An edit to commit, undoably (the edit, the words of Ctrl+Z's menu entry).
    edit_requested = Signal(object, str)
    #: Open this question in the reader (uid).
    question_opened = Signal(str)
    #: Export this dossier (the Dossier).
    export_requested = Signal(object)

    def __init__(self, reads: UserReads, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossiers_panel")
        self.reads = reads
        #: A dossier just asked for: chosen once it is saved.
        self._pending_choice: str | None = None
        self._reloading = False

        self.new_button = _button("Nouveau…", "Créer un dossier", "dossier_new")
        self.rename_button = _button("Renommer…", "Renommer le dossier choisi", "dossier_rename")
        self.describe_button = _button("Description…", "Décrire le dossier choisi", "dossier_describe")
        self.delete_button = _button("Supprimer", "Supprimer le dossier choisi (annulable)", "dossier_delete")
        self.new_button.clicked.connect(lambda: self.create_dossier())
        self.rename_button.clicked.connect(lambda: self.rename_dossier())
        self.describe_button.clicked.connect(lambda: self.describe_dossier())
        self.delete_button.clicked.connect(lambda: self.delete_dossier())

        self.list_model = DossierListModel()
        self.list_model.order_requested.connect(self.on_list_model_order_requested)
        self.list_model.questions_dropped.connect(self.on_list_model_questions_dropped)
        self.list = QListView()
        self.list.setObjectName("dossier_list")
        self.list.setModel(self.list_model)
        self.list.setDragEnabled(True)
        self.list.setAcceptDrops(True)
        self.list.setDropIndicatorShown(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.list.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.list.selectionModel().currentRowChanged.connect(self.on_list_current_row_changed)

        self.title = QLabel()
        self.title.setObjectName("dossier_title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.items_model = DossierItemsModel()
        self.items_model.move_requested.connect(self.on_items_model_move_requested)
        self.items_model.add_requested.connect(self.on_items_model_add_requested)
        self.items = _ItemsTable()
        self.items.setObjectName("dossier_items")
        self.items.setModel(self.items_model)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setDragEnabled(True)
        self.items.setAcceptDrops(True)
        self.items.setDropIndicatorShown(True)
        self.items.setDragDropOverwriteMode(False)
        self.items.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.items.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.items.setAlternatingRowColors(True)
        self.items.setWordWrap(False)
        self.items.verticalHeader().hide()
        self.items.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.items.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 250, 170, 100, 85)):
            self.items.setColumnWidth(column, width)
        header.setSectionResizeMode(DossierItemsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.items.activated.connect(self.on_items_activated)
        self.items.doubleClicked.connect(self.on_items_activated)
        self.items.remove_pressed.connect(self.remove_selected)
        self.remove_button = _button(
            "Retirer du dossier",
            "Retirer les questions choisies du dossier (Suppr., annulable)",
            "dossier_remove",
        )
        self.remove_button.clicked.connect(self.remove_selected)
        self.export_button = _button(
            "Exporter…", "Exporter le dossier choisi en PDF, Markdown, ODT ou CSV", "dossier_export"
        )
        self.export_button.clicked.connect(self.on_export_button_clicked)

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for b in (self.new_button, self.rename_button, self.describe_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.list, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.remove_button)
        title_row.addWidget(self.export_button)
        bottom_layout.addLayout(title_row)
        bottom_layout.addWidget(self.items, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("dossiers_split")
        self.split.addWidget(top)
        self.split.addWidget(bottom)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([140, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.split)
        self._update_buttons()

    # -- showing --

    def reload(self) -> None:
        """Read the dossiers again (after an edit saved, undone or imported), the one chosen kept."""
        chosen = self.current_id()
        self.list_model.set_dossiers(self.reads.dossiers())
        row = self.list_model.row_of(self._pending_choice) if self._pending_choice else None
        if row is not None:
            self._pending_choice = None
        elif chosen:
            row = self.list_model.row_of(chosen)
        if row is None and self.list_model.dossiers:
            row = 0
        if row is not None:
            # Shown once, below (the row's change would show it too: its items read twice).
            self._reloading = True
            try:
                self.list.selectionModel().setCurrentIndex(
                    self.list_model.index(row, 0), self.list.selectionModel().SelectionFlag.ClearAndSelect
                )
            finally:
                self._reloading = False
        self.show_dossier(self.list_model.dossiers[row] if row is not None else None)

    def show_dossier(self, dossier: Dossier | None) -> None:
        selected = set(self.selected_uids())
        rows = self.reads.dossier_rows(dossier.items) if dossier is not None else {}
        self.items_model.set_dossier(dossier, rows)
        if dossier is None:
            self.title.setText("Choisissez un dossier, ou créez-en un.")
        else:
            n = len(dossier.items)
            head = f"{dossier.name} — {n} question{'s' if n > 1 else ''}"
            self.title.setText(f"{head}\n{dossier.description}" if dossier.description else head)
        selection = self.items.selectionModel()
        for row, uid in enumerate(self.items_model.uids):
            if uid in selected:
                selection.select(
                    self.items_model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current_id() is not None
        for b in (self.rename_button, self.describe_button, self.delete_button, self.remove_button):
            b.setEnabled(chosen)

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        value = index.data(DOSSIER_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None

    def current(self) -> Dossier | None:
        chosen = self.current_id()
        return next((d for d in self.list_model.dossiers if d.id == chosen), None)

    def choose_when_saved(self, dossier_id: str) -> None:
        """Choose this dossier once it appears (a dossier just created)."""
        self._pending_choice = dossier_id

    def select_dossier(self, dossier_id: str) -> bool:
        row = self.list_model.row_of(dossier_id)
        if row is None:
            return False
        self.list.setCurrentIndex(self.list_model.index(row, 0))
        return True

    def selected_uids(self) -> list[str]:
        rows = sorted({i.row() for i in self.items.selectionModel().selectedRows()})
        return [u for u in (self.items_model.uid_at(r) for r in rows) if u is not None]

    def on_export_button_clicked(self) -> None:
        dossier = self.current()
        if dossier is not None:
            self.export_requested.emit(dossier)

    def on_list_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._reloading:
            return
        dossier = self.list_model.dossiers[current.row()] if current.isValid() else None
        if (
            dossier is not None
            and self.items_model.dossier is not None
            and dossier.id != self.items_model.dossier.id
        ):
            self.items.clearSelection()
        self.show_dossier(dossier)

    def on_items_activated(self, index: QModelIndex) -> None:
        uid = self.items_model.uid_at(index.row())
        if uid is not None:
            self.question_opened.emit(uid)

    # -- edits asked for --

    def create_dossier(self, name: str | None = None, description: str = "") -> Dossier | None:
        """Create a dossier (``name`` None: ask for it); the dossier asked for, or None."""
        if name is None:
            name, ok = QInputDialog.getText(self, "Nouveau dossier", "Nom du dossier :")
            if not ok:
                return None
        if not name.strip():
            return None
        dossier = self.reads.new_dossier(name, description)
        self.choose_when_saved(dossier.id)
        self.edit_requested.emit(PutDossier(dossier), f"Créer le dossier « {dossier.name} »")
        return dossier

    def rename_dossier(self, name: str | None = None) -> None:
        dossier = self.current()
        if dossier is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self, "Renommer le dossier", "Nouveau nom :", QLineEdit.EchoMode.Normal, dossier.name
            )
            if not ok:
                return
        if name.strip() and name.strip() != dossier.name:
            renamed = replace(dossier, name=name.strip(), modified=now_iso())
            self.edit_requested.emit(PutDossier(renamed), f"Renommer le dossier « {dossier.name} »")

    def describe_dossier(self, description: str | None = None) -> None:
        dossier = self.current()
        if dossier is None:
            return
        if description is None:
            description, ok = QInputDialog.getMultiLineText(
                self, "Description du dossier", f"Description de « {dossier.name} » :", dossier.description
            )
            if not ok:
                return
        if description.strip() != dossier.description:
            described = replace(dossier, description=description.strip(), modified=now_iso())
            self.edit_requested.emit(PutDossier(described), f"Décrire le dossier « {dossier.name} »")

    def delete_dossier(self, *, ask: bool = True) -> None:
        dossier = self.current()
        if dossier is None:
            return
        if ask:
            n = len(dossier.items)
            answer = QMessageBox.question(
                self,
                "Supprimer le dossier",
                f"Supprimer le dossier « {dossier.name} » ({n} question{'s' if n > 1 else ''}) ?\n"
                "Les questions et leurs annotations restent ; Ctrl+Z annule la suppression.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.edit_requested.emit(DeleteDossier(dossier.id), f"Supprimer le dossier « {dossier.name} »")

    def remove_selected(self) -> None:
        dossier = self.current()
        uids = self.selected_uids()
        if dossier is None or not uids:
            return
        n = len(uids)
        what = "une question" if n == 1 else f"{n} questions"
        self.edit_requested.emit(
            RemoveFromDossier(dossier.id, tuple(uids)), f"Retirer {what} de « {dossier.name} »"
        )

    def add_questions(self, dossier_id: str, uids: Sequence[str], position: int | None = None) -> None:
        """Ask for questions to be added to a dossier (the results' menu, the reader's button, a drop)."""
        dossier = next((d for d in self.list_model.dossiers if d.id == dossier_id), None)
        name = dossier.name if dossier is not None else "le dossier"
        n = len(uids)
        what = "une question" if n == 1 else f"{n} questions"
        self.edit_requested.emit(
            AddToDossier(dossier_id, tuple(uids), position), f"Ajouter {what} à « {name} »"
        )

    def on_list_model_order_requested(self, ids: tuple[str, ...]) -> None:
        self.edit_requested.emit(SetDossierOrder(ids), "Réordonner les dossiers")

    def on_list_model_questions_dropped(self, dossier_id: str, uids: tuple[str, ...]) -> None:
        self.add_questions(dossier_id, uids)

    def on_items_model_move_requested(self, dossier_id: str, uids: tuple[str, ...], position: int) -> None:
        self.edit_requested.emit(MoveInDossier(dossier_id, uids, position), "Déplacer dans le dossier")

    def on_items_model_add_requested(self, dossier_id: str, uids: tuple[str, ...], position: int) -> None:
        self.add_questions(dossier_id, uids, position)
