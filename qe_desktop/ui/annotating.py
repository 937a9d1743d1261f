"""Annotating in the reader: what the reader's requests become, and the dialogs they need.

The reader asks (a highlight of a selection, a note, a colour changed, a
highlight deleted); :class:`Annotator` turns each request into an edit of the
user's database (``annotations.edits``) and hands it to the window's
``do_edit``: committed by the user's writer, undoable with Ctrl+Z.  It never
writes itself.  The dialogs: :class:`NoteDialog` (a note of several
paragraphs and tags completed from those already used) and
:class:`ColoursDialog` (the meaning of each of the five colours).

Tags and colours are read from ``user.sqlite`` through a read-only connection
of the GUI thread (:class:`UserReads`; WAL: it sees each commit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.edits import (
    DeleteAnnotation,
    Edit,
    EditAnnotation,
    PutAnnotation,
    RenameColour,
    new_annotation,
)
from qe_desktop.annotations.store import DEFAULT_COLOURS, QuestionMarks, UserStore, UserStoreError
from qe_desktop.model import COLOURS, Annotation, ColourMeaning
from qe_desktop.paths import DataPaths
from qe_desktop.ui.reader import (
    AnnotationAction,
    PassageRequest,
    Reader,
    colour_icon,
    meaning_of,
    short_quote,
)
from qe_desktop.ui.workers import is_on_disk

log = logging.getLogger(__name__)

#: The longest meaning of a colour (it goes into menus).
MAX_MEANING = 60


def split_tags(text: str) -> tuple[str, ...]:
    """Tags typed as ``santé, hôpital ; urgences``: each once, in the order typed."""
    words = (w.strip() for w in text.replace(";", ",").split(","))
    return tuple(dict.fromkeys(w for w in words if w))


class TagCompleter(QCompleter):
    """Completes the tag being typed (the one after the last comma), keeping those before it."""

    def __init__(self, tags: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(list(tags), self))  # parented: kept alive with the completer
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def pathFromIndex(self, index: object) -> str:
        field = self.widget()
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        if not isinstance(field, QLineEdit):
            return chosen
        before = field.text().rsplit(",", 1)[0] if "," in field.text() else ""
        return f"{before}, {chosen}, " if before else f"{chosen}, "

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]


class NoteDialog(QDialog):
    """A note (plain text, several paragraphs) and tags, for a passage or a whole question."""

    def __init__(
        self,
        title: str,
        quote: str,
        colours: Sequence[ColourMeaning],
        tags_in_use: Sequence[str],
        *,
        note: str = "",
        tags: Sequence[str] = (),
        colour: int | None = None,
        with_colour: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if quote:
            label = QLabel(f"«\u00a0{short_quote(quote, 300)}\u00a0»")
            label.setObjectName("note_quote")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet("font-style: italic;")
            layout.addWidget(label)
        self.note = QPlainTextEdit(note)
        self.note.setObjectName("note_text")
        self.note.setPlaceholderText("Votre note (plusieurs paragraphes possibles)")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumSize(420, 160)
        layout.addWidget(self.note, 1)
        form = QFormLayout()
        self.tags = QLineEdit(", ".join(tags))
        self.tags.setObjectName("note_tags")
        self.tags.setPlaceholderText("mots séparés par des virgules")
        self.tags.setCompleter(TagCompleter(tags_in_use, self.tags))
        form.addRow("Étiquettes :", self.tags)
        self.colour = QComboBox()
        self.colour.setObjectName("note_colour")
        self.colour.addItem(colour_icon(None), "Sans couleur", None)
        for number in COLOURS:
            self.colour.addItem(colour_icon(number), meaning_of(colours, number), number)
        self.colour.setCurrentIndex(max(0, self.colour.findData(colour)) if colour is not None else 0)
        if with_colour:
            form.addRow("Couleur :", self.colour)
        else:
            self.colour.hide()
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("note_buttons")
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.note.setFocus()

    def note_text(self) -> str:
        return self.note.toPlainText().strip()

    def tag_list(self) -> tuple[str, ...]:
        return split_tags(self.tags.text())

    def chosen_colour(self) -> int | None:
        data = self.colour.currentData()
        return int(data) if isinstance(data, int) else None


class ColoursDialog(QDialog):
    """The meaning of each highlight colour (« Couleurs des surlignages… »)."""

    def __init__(self, colours: Sequence[ColourMeaning], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("colours_dialog")
        self.setWindowTitle("Couleurs des surlignages")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Ce que signifie chaque couleur de surlignage (touches 1 à 5 dans le texte). "
            "Les surlignages existants gardent leur couleur."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[int, QLineEdit] = {}
        for number in COLOURS:
            field = QLineEdit(meaning_of(colours, number))
            field.setObjectName(f"colour_meaning_{number}")
            field.setMaxLength(MAX_MEANING)
            field.setPlaceholderText(DEFAULT_COLOURS[number - 1])
            label = QLabel(f"{number}")
            label.setPixmap(colour_icon(number, 18).pixmap(18, 18))
            label.setToolTip(f"Couleur {number}")
            form.addRow(label, field)
            self.fields[number] = field
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def meanings(self) -> dict[int, str]:
        """Each colour's meaning as typed (an empty field: the default meaning)."""
        return {
            number: " ".join(field.text().split()) or DEFAULT_COLOURS[number - 1]
            for number, field in self.fields.items()
        }


class UserReads:
    """A read-only connection to ``user.sqlite`` for the GUI thread (tags, marks): opened when needed."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._store: UserStore | None = None

    def store(self) -> UserStore:
        if self._store is None:
            store = UserStore(self.paths.user_db, readonly=True)
            if not is_on_disk(store):
                return store  # nothing written yet: read as empty, look again next time
            self._store = store
        return self._store

    def tags(self) -> list[str]:
        try:
            return [tag for tag, _ in self.store().tags()]
        except UserStoreError as exc:
            log.warning("Étiquettes illisibles : %s", exc)
            return []

    def marks(self, uids: Sequence[str]) -> dict[str, QuestionMarks | None]:
        """Each uid's marks, None for those without any (raises UserStoreError)."""
        found = self.store().marks(list(uids))
        return {uid: found.get(uid) for uid in uids}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class Annotator(QObject):
    """Turns the reader's requests into undoable edits of the user's work (through ``do_edit``)."""

    #: A dialog was opened (tests fill it in; it is also ``self.dialog``).
    dialog_opened = Signal(object)

    def __init__(
        self,
        reader: Reader,
        do_edit: Callable[[Edit, str], None],
        reads: UserReads,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.do_edit = do_edit
        self.reads = reads
        self.window = parent
        self.dialog: QDialog | None = None
        reader.highlight_requested.connect(self.on_reader_highlight_requested)
        reader.annotation_action_requested.connect(self.on_reader_annotation_action_requested)

    @property
    def colours(self) -> tuple[ColourMeaning, ...]:
        return self.reader.colours

    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(on_accepted)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # -- passages --

    def on_reader_highlight_requested(self, request: PassageRequest) -> None:
        shown = self.reader.shown
        if shown is None:
            return
        q = shown.question
        try:
            annotation = new_annotation(q, request.pane, request.start, request.end, colour=request.colour)
        except ValueError as exc:
            log.warning("Sélection refusée (%s %s-%s) : %s", request.pane, request.start, request.end, exc)
            return
        quote = annotation.anchor.exact if annotation.anchor is not None else ""
        if not request.note:
            self.do_edit(PutAnnotation(annotation), f"Surligner « {short_quote(quote)} »")
            return
        dialog = NoteDialog("Ajouter une note", quote, self.colours, self.reads.tags(), parent=self.window)

        def save() -> None:
            note, tags = dialog.note_text(), dialog.tag_list()
            put = Annotation(
                annotation.id,
                annotation.question_uid,
                annotation.anchor,
                dialog.chosen_colour(),
                note,
                tags,
                annotation.created,
                annotation.modified,
            )
            self.do_edit(PutAnnotation(put), f"Annoter « {short_quote(quote)} »")

        self._open(dialog, save)

    def on_reader_annotation_action_requested(self, action: AnnotationAction) -> None:
        shown = self.reader.shown
        placed = shown.annotation(action.id) if shown is not None else None
        if placed is None:
            return
        a = placed.annotation
        quote = short_quote(a.anchor.exact) if a.anchor is not None else "la question"
        if action.verb == "colour":
            if action.colour != a.colour:
                self.do_edit(
                    EditAnnotation(a.id, action.colour, a.note, a.tags),
                    f"Couleur « {meaning_of(self.colours, action.colour)} » pour « {quote} »",
                )
        elif action.verb == "delete":
            self.do_edit(DeleteAnnotation(a.id), f"Supprimer le surlignage « {quote} »")
        else:
            self.edit_note(a)

    def edit_note(self, a: Annotation) -> None:
        """The note dialog on an existing annotation (passage or whole question)."""
        quote = a.anchor.exact if a.anchor is not None else ""
        dialog = NoteDialog(
            "Modifier la note" if a.anchor is not None else "Note sur la question",
            quote,
            self.colours,
            self.reads.tags(),
            note=a.note,
            tags=a.tags,
            colour=a.colour,
            with_colour=a.anchor is not None,
            parent=self.window,
        )

        def save() -> None:
            note, tags = dialog.note_text(), dialog.tag_list()
            colour = dialog.chosen_colour() if a.anchor is not None else a.colour
            if a.anchor is None and not note and not tags:
                self.do_edit(DeleteAnnotation(a.id), "Supprimer la note sur la question")
            elif (note, tags, colour) != (a.note, a.tags, a.colour):
                what = f"« {short_quote(quote)} »" if quote else "la question"
                self.do_edit(EditAnnotation(a.id, colour, note, tags), f"Modifier la note de {what}")

        self._open(dialog, save)

    # -- the whole question --

    def note_on_question(self) -> None:
        """« Note sur la question… »: the question's note (the first one, when there are several)."""
        shown = self.reader.shown
        if shown is None:
            return
        existing = next((p.annotation for p in shown.annotations if p.annotation.anchor is None), None)
        if existing is not None:
            self.edit_note(existing)
            return
        q = shown.question
        dialog = NoteDialog(
            "Note sur la question", "", self.colours, self.reads.tags(), with_colour=False, parent=self.window
        )

        def save() -> None:
            note, tags = dialog.note_text(), dialog.tag_list()
            if note or tags:
                self.do_edit(
                    PutAnnotation(new_annotation(q, None, note=note, tags=tags)), "Note sur la question"
                )

        self._open(dialog, save)

    # -- colours --

    def edit_colours(self) -> None:
        """« Couleurs des surlignages… »: rename the meanings (one undoable edit per colour renamed)."""
        dialog = ColoursDialog(self.colours, self.window)

        def save() -> None:
            for number, meaning in dialog.meanings().items():
                if meaning != meaning_of(self.colours, number):
                    self.do_edit(RenameColour(number, meaning), f"Renommer la couleur {number} « {meaning} »")

        self._open(dialog, save)
