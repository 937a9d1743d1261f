"""The reader: key data above, question and answer side by side (or one above the other).

The HTML comes from ``qe_desktop.render`` (built off the GUI thread); this
module only shows it: typography (a serif at a comfortable size, lines no
longer than about 75 characters), the system's light or dark palette, zoom,
moving from one match to the next across both panes, and find in page.

Annotating: each text pane knows how its document maps onto the plain text
of the question or the answer (``annotations.panemap``), so a selection becomes
``text[start:end]`` exactly and each highlight's place in the document is known.
Keys 1 to 5, N, the context menu and a small bar that floats by the selection
ask for a highlight or a note (``highlight_requested``, ``note_requested``);
a click on a highlight says which (``annotation_clicked``), its context menu
asks to change or delete it (``annotation_action_requested``).  The reader
never writes: the window turns these requests into undoable edits.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QHelpEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.annotations.panemap import PaneMap, PaneMismatch
from qe_desktop.dates import format_date_fr
from qe_desktop.model import ColourMeaning, Pane, PlacedAnnotation, Question
from qe_desktop.render import (
    HIGHLIGHT_COLOURS,
    HIT_ANCHOR_PREFIX,
    NO_HIGHLIGHTS,
    NOTE_MARK,
    ORPHANS_ANCHOR,
    Highlights,
    match_pieces,
    stylesheet,
)
from qe_desktop.store import QuestionFacts

log = logging.getLogger(__name__)

SERIF_FAMILIES = [
    "Charter",
    "Iowan Old Style",
    "Source Serif 4",
    "Source Serif Pro",
    "Georgia",
    "Cambria",
    "Noto Serif",
    "DejaVu Serif",
    "Liberation Serif",
    "Times New Roman",
]
BASE_POINT_SIZE = 12.0
#: Longest line, in average characters: long enough for legal French, short enough to read all day.
MEASURE_CHARS = 78
MATCH_COLOUR = QColor("#ff9f1c")  # the current match, stronger than the yellow of the others
FIND_COLOUR = QColor("#9ad0ff")
FLASH_COLOUR = QColor("#ff9f1c")  # a highlight the annotations panel asked to show
FLASH_MS = 1500
#: Longest quote in the words of an undo action or a menu.
SHORT_QUOTE = 40


@dataclass(frozen=True, slots=True)
class SameAnswer:
    """A question that received the same answer as the one shown (suivi/duplicates.py)."""

    uid: str
    reference: str  # « 17-90001QE »
    question_date: str | None
    ministry: str | None
    analyse: str | None

    @classmethod
    def from_facts(cls, f: QuestionFacts) -> SameAnswer:
        return cls(f.uid, f.reference, f.question_date, f.ministry_answering, f.analyse)

    def text(self) -> str:
        parts = [f"n°\u00a0{self.reference}"]
        if self.question_date:
            parts.append(format_date_fr(self.question_date))
        if self.analyse:
            parts.append(self.analyse)
        return " — ".join(parts)


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    """A question ready for the reader: the record and its three HTML parts."""

    question: Question
    key_html: str
    question_html: str
    answer_html: str
    citation: str
    url: str | None
    query: str = ""
    #: The query's matches (spans of the plain texts), as marked in the HTML.
    highlights: Highlights = NO_HIGHLIGHTS
    #: The user's annotations of the question, placed on its current texts.
    annotations: tuple[PlacedAnnotation, ...] = ()
    #: The other questions that received the same answer, oldest first.
    same_answer: tuple[SameAnswer, ...] = ()

    def annotation(self, annotation_id: str) -> PlacedAnnotation | None:
        return next((p for p in self.annotations if p.annotation.id == annotation_id), None)


@dataclass(frozen=True, slots=True)
class PassageRequest:
    """The user asks to highlight (``colour``) or annotate (``note``) a selected passage.

    ``start``/``end``: offsets in the plain text of ``pane`` (``text[start:end]`` is the passage).
    """

    pane: Pane
    start: int
    end: int
    colour: int | None = None
    note: bool = False


AnnotationVerb = Literal["colour", "edit", "delete"]


@dataclass(frozen=True, slots=True)
class AnnotationAction:
    """The user asks to change a highlight: its colour, its note and tags, or to delete it."""

    id: str
    verb: AnnotationVerb
    colour: int | None = None


@dataclass(frozen=True, slots=True)
class DrawnAnnotation:
    """A highlight as a pane draws it: [start, end) positions in the pane's document."""

    start: int
    end: int
    placed: PlacedAnnotation


def short_quote(text: str, limit: int = SHORT_QUOTE) -> str:
    """A passage in a few words, for a menu or an undo action (« la situation des hôpitaux… »)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def colour_icon(colour: int | None, size: int = 14) -> QIcon:
    """A square of a highlight colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor("#6b6b6b"))
    painter.setBrush(QColor(HIGHLIGHT_COLOURS.get(colour or 0, HIGHLIGHT_COLOURS[0])))
    painter.drawRect(1, 1, size - 3, size - 3)
    painter.end()
    return QIcon(pixmap)


def meaning_of(colours: Sequence[ColourMeaning], number: int | None) -> str:
    if number is None:
        return "Sans couleur"
    return next((c.meaning for c in colours if c.number == number), f"Couleur {number}")


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence in one pane: [start, end) positions in its document."""

    pane: int
    start: int
    end: int


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def serif_font(point_size: float) -> QFont:
    font = QFont()
    font.setFamilies(SERIF_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(point_size)
    return font


def hit_ranges(document: QTextDocument) -> list[tuple[int, int]]:
    """Where the marked matches are: each starts at a ``hit-…`` anchor and runs over the highlight."""
    out: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        current: list[int] | None = None
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            start, end = fragment.position(), fragment.position() + fragment.length()
            if any(name.startswith(HIT_ANCHOR_PREFIX) for name in fmt.anchorNames()):
                if current is not None:
                    out.append((current[0], current[1]))
                current = [start, end]
            elif (
                current is not None
                and start == current[1]
                and fmt.background().style() != Qt.BrushStyle.NoBrush
            ):
                current[1] = end
            elif current is not None:
                out.append((current[0], current[1]))
                current = None
            it += 1
        if current is not None:
            out.append((current[0], current[1]))
        block = block.next()
    return out


def anchor_position(document: QTextDocument, name: str) -> int | None:
    """The document position of the anchor ``name`` (render's ``<a name>``), None when absent."""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if name in fragment.charFormat().anchorNames():
                # The block holding the anchor begins after the separator that ends the text.
                return max(0, block.position() - 1)
            it += 1
        block = block.next()
    return None


def _fold_char(c: str) -> str:
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold_same_length(text: str) -> str:
    """Lower case without accents, one character for one (positions stay valid)."""
    return "".join(_fold_char(c) for c in text)


def find_ranges(document: QTextDocument, needle: str) -> list[tuple[int, int]]:
    """Occurrences of ``needle`` in a document, ignoring case and accents."""
    needle = fold_same_length(needle.strip())
    if not needle:
        return []
    text = fold_same_length(document.toPlainText())
    out: list[tuple[int, int]] = []
    pos = text.find(needle)
    while pos >= 0:
        out.append((pos, pos + len(needle)))
        pos = text.find(needle, pos + len(needle))
    return out


class SelectionBar(QFrame):
    """The small bar that floats by a selection: the five colours and a note."""

    colour_chosen = Signal(int)
    note_chosen = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("selection_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.ArrowCursor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(3, 2, 3, 2)
        layout.setSpacing(1)
        self.colour_buttons: list[QToolButton] = []
        for number in range(1, 6):
            button = QToolButton()
            button.setObjectName(f"selection_colour_{number}")
            button.setIcon(colour_icon(number, 16))
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, n=number: self.colour_chosen.emit(n))
            layout.addWidget(button)
            self.colour_buttons.append(button)
        self.note_button = QToolButton()
        self.note_button.setObjectName("selection_note")
        self.note_button.setText(NOTE_MARK)
        self.note_button.setToolTip("Ajouter une note (N)")
        self.note_button.setAutoRaise(True)
        self.note_button.clicked.connect(self.note_chosen)
        layout.addWidget(self.note_button)
        self.set_colours(())
        self.hide()

    def set_colours(self, colours: Sequence[ColourMeaning]) -> None:
        for number, button in enumerate(self.colour_buttons, start=1):
            button.setToolTip(f"Surligner : {meaning_of(colours, number)} ({number})")


class ReadingPane(QTextBrowser):
    """One pane of text, with a limited line length and an optional match marker.

    A text pane (``pane`` "question" or "answer") also draws the user's
    highlights and turns selections into passages of its plain text.
    """

    highlight_requested = Signal(object)  # PassageRequest (a colour, or a note)
    #: « Exporter la sélection… » (a PassageRequest without colour nor note).
    export_requested = Signal(object)
    annotation_clicked = Signal(str)  # annotation id
    annotation_action_requested = Signal(object)  # AnnotationAction

    def __init__(self, name: str, parent: QWidget | None = None, *, pane: Pane | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self.on_anchor_clicked)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(14)
        self.measure_chars = MEASURE_CHARS
        self.hits: list[tuple[int, int]] = []
        self._css = ""
        self._found: list[tuple[int, int]] = []
        self._current: tuple[int, int] | None = None
        self.pane: Pane | None = pane
        self.has_orphans = False
        #: document <-> plain text of the pane's text (None: no text, or a key-data pane)
        self.pane_map: PaneMap | None = None
        self.drawn: list[DrawnAnnotation] = []
        self.colours: tuple[ColourMeaning, ...] = ()
        self._flash: tuple[int, int] | None = None
        self._press: QPoint | None = None
        self.flash_timer = QTimer(self)
        self.flash_timer.setSingleShot(True)
        self.flash_timer.setInterval(FLASH_MS)
        self.flash_timer.timeout.connect(self.on_flash_timer_timeout)
        self.selection_bar: SelectionBar | None = None
        if pane is not None:
            self.selection_bar = SelectionBar(self.viewport())
            self.selection_bar.colour_chosen.connect(self.request_highlight)
            self.selection_bar.note_chosen.connect(self.request_note)
            self.selectionChanged.connect(self.on_selection_changed)
            self.verticalScrollBar().valueChanged.connect(self.on_scrolled)

    def on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def show_html(self, html: str, css: str, font: QFont) -> None:
        doc = self.document()
        # Each of these lays the old text out again: only when they change.
        if css != self._css:
            doc.setDefaultStyleSheet(css)
            self._css = css
        if font != doc.defaultFont():
            doc.setDefaultFont(font)
        self.setHtml(html)
        # A text pane learns where its matches are from its text (map_text), not from the document.
        self.hits = hit_ranges(doc) if self.pane is None else []
        self.has_orphans = ORPHANS_ANCHOR in html
        self.pane_map = None
        self.drawn = []
        self._found = []
        self._current = None
        self._flash = None
        if self.selection_bar is not None:
            self.selection_bar.hide()
        self._apply_measure()
        self._update_marks()

    # -- the text and its annotations --

    def map_text(
        self, text: str | None, matches: Sequence[tuple[int, int]], placed: Sequence[PlacedAnnotation]
    ) -> None:
        """Learn how the document shows ``text`` (just shown), then where its matches and highlights are."""
        self.pane_map = None
        self.drawn = []
        if not text or not text.strip():
            return
        raw = self.document().toRawText()
        orphans = anchor_position(self.document(), ORPHANS_ANCHOR) if self.has_orphans else None
        if orphans is not None:
            raw = raw[:orphans]  # the lost passages are listed after the text: not part of it
        try:
            # The note marks are the only characters shown that the text has not: taken as spaces,
            # which the alignment knows belong to no character of the text.
            self.pane_map = PaneMap.align(text, raw.replace(NOTE_MARK, " "))
        except PaneMismatch as exc:
            log.warning("Volet %s : le texte affiché ne correspond pas au texte (%s)", self.pane, exc)
            return
        pane_map = self.pane_map
        self.hits = [pane_map.to_document(s, e) for s, e in match_pieces(text, matches)]
        for p in placed:
            where, anchor = p.placement, p.annotation.anchor
            if anchor is None or anchor.pane != self.pane or not where.drawn:
                continue
            if where.start is None or where.end is None:
                continue
            start, end = pane_map.to_document(where.start, where.end)
            while end > start and raw[end - 1] == NOTE_MARK:  # the mark after it is not the passage
                end -= 1
            self.drawn.append(DrawnAnnotation(start, end, p))

    def selected_passage(self) -> tuple[int, int] | None:
        """The selection as [start, end) of the pane's plain text (None: nothing of the text selected)."""
        cursor = self.textCursor()
        if self.pane_map is None or not cursor.hasSelection():
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        raw = self.document().toRawText()
        # A note mark at an edge is not part of the passage.
        while start < end and raw[start] == NOTE_MARK:
            start += 1
        while end > start and raw[end - 1] == NOTE_MARK:
            end -= 1
        return self.pane_map.to_plain(start, end)

    def select_passage(self, start: int, end: int) -> None:
        """Select [start, end) of the plain text (what a test or a user's selection does)."""
        if self.pane_map is None:
            return
        da, db = self.pane_map.to_document(start, end)
        cursor = QTextCursor(self.document())
        cursor.setPosition(da)
        cursor.setPosition(db, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def annotation_at_position(self, position: int) -> DrawnAnnotation | None:
        """The innermost highlight over a document position."""
        best: DrawnAnnotation | None = None
        for drawn in self.drawn:
            if drawn.start <= position < drawn.end and (
                best is None or drawn.end - drawn.start <= best.end - best.start
            ):
                best = drawn
        return best

    def annotation_at(self, point: QPoint) -> DrawnAnnotation | None:
        """The highlight under a point of the viewport, if any."""
        if not self.drawn:
            return None
        at = QPointF(
            point.x() + self.horizontalScrollBar().value(), point.y() + self.verticalScrollBar().value()
        )
        position = self.document().documentLayout().hitTest(at, Qt.HitTestAccuracy.ExactHit)
        if position < 0:
            return None
        found = self.annotation_at_position(position)
        if found is None and position > 0:
            # hitTest gives the nearest cursor position: the character may be the one before it.
            found = self.annotation_at_position(position - 1)
        return found

    def drawn_annotation(self, annotation_id: str) -> DrawnAnnotation | None:
        return next((d for d in self.drawn if d.placed.annotation.id == annotation_id), None)

    def flash(self, span: tuple[int, int]) -> None:
        """Show a highlight for a moment (the annotations panel asked for it), scrolled into view."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[1])
        self.setTextCursor(cursor)
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self._flash = span
        self._update_marks()
        self.flash_timer.start()

    def on_flash_timer_timeout(self) -> None:
        self._flash = None
        self._update_marks()

    # -- asking for highlights --

    def request_highlight(self, colour: int) -> None:
        span = self.selected_passage()
        if span is not None and self.pane is not None:
            self.highlight_requested.emit(PassageRequest(self.pane, span[0], span[1], colour))

    def request_note(self) -> None:
        span = self.selected_passage()
        if span is not None and self.pane is not None:
            self.highlight_requested.emit(PassageRequest(self.pane, span[0], span[1], None, note=True))

    def request_export(self) -> None:
        span = self.selected_passage()
        if span is not None and self.pane is not None:
            self.export_requested.emit(PassageRequest(self.pane, span[0], span[1]))

    def on_selection_changed(self) -> None:
        if self.selection_bar is not None and not self.textCursor().hasSelection():
            self.selection_bar.hide()

    def on_scrolled(self) -> None:
        if self.selection_bar is not None:
            self.selection_bar.hide()

    def show_selection_bar(self) -> None:
        """Float the bar just below the end of the selection (above it near the bottom)."""
        bar = self.selection_bar
        if bar is None or self.selected_passage() is None:
            return
        bar.set_colours(self.colours)
        bar.adjustSize()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.textCursor().selectionEnd())
        rect = self.cursorRect(cursor)
        viewport = self.viewport().rect()
        x = min(max(0, rect.right() - bar.width() // 2), max(0, viewport.width() - bar.width()))
        y = rect.bottom() + 4
        if y + bar.height() > viewport.height():
            y = max(0, rect.top() - bar.height() - 4)
        bar.move(x, y)
        bar.show()
        bar.raise_()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if self.pane is not None and plain:
            key = event.key()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_5 and self.selected_passage() is not None:
                self.request_highlight(int(key) - int(Qt.Key.Key_0))
                return
            if key == Qt.Key.Key_N and self.selected_passage() is not None:
                self.request_note()
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self.pane is None or event.button() != Qt.MouseButton.LeftButton:
            return
        press, self._press = self._press, None
        point = event.position().toPoint()
        if self.textCursor().hasSelection():
            self.show_selection_bar()
        elif press is not None and (point - press).manhattanLength() < 4:
            drawn = self.annotation_at(point)
            if drawn is not None:
                self.annotation_clicked.emit(drawn.placed.annotation.id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        if self.pane is not None:
            first = menu.actions()[0] if menu.actions() else None
            extra = self.annotation_menu_actions(event.pos(), menu)
            if extra:
                for action in extra:
                    menu.insertAction(first, action) if first is not None else menu.addAction(action)
                if first is not None:
                    menu.insertSeparator(first)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def annotation_menu_actions(self, point: QPoint, menu: QMenu) -> list[QAction]:
        """The annotating entries of the context menu at ``point`` (selection, or highlight under it)."""
        actions: list[QAction] = []
        if self.selected_passage() is not None:
            for number in range(1, 6):
                action = QAction(colour_icon(number), f"{meaning_of(self.colours, number)}", menu)
                action.setObjectName(f"highlight_{number}")
                action.setShortcut(str(number))
                action.triggered.connect(lambda _=False, n=number: self.request_highlight(n))
                actions.append(action)
            note = QAction("Ajouter une note…", menu)
            note.setObjectName("highlight_note")
            note.setShortcut("N")
            note.triggered.connect(self.request_note)
            actions.append(note)
            export = QAction("Exporter la sélection…", menu)
            export.setObjectName("export_selection")
            export.triggered.connect(self.request_export)
            actions.append(export)
            return actions
        drawn = self.annotation_at(point)
        if drawn is None:
            return actions
        a = drawn.placed.annotation
        colours = QMenu("Couleur", menu)
        colours.setObjectName("annotation_colours")
        for number in range(1, 6):
            action = colours.addAction(colour_icon(number), meaning_of(self.colours, number))
            action.setCheckable(True)
            action.setChecked(a.colour == number)
            action.triggered.connect(
                lambda _=False, n=number: self.annotation_action_requested.emit(
                    AnnotationAction(a.id, "colour", n)
                )
            )
        colours_action = colours.menuAction()
        actions.append(colours_action)
        edit = QAction("Modifier la note et les étiquettes…", menu)
        edit.setObjectName("annotation_edit")
        edit.triggered.connect(lambda: self.annotation_action_requested.emit(AnnotationAction(a.id, "edit")))
        actions.append(edit)
        delete = QAction("Supprimer le surlignage", menu)
        delete.setObjectName("annotation_delete")
        delete.triggered.connect(
            lambda: self.annotation_action_requested.emit(AnnotationAction(a.id, "delete"))
        )
        actions.append(delete)
        return actions

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.pane is not None:
            assert isinstance(event, QHelpEvent)
            drawn = self.annotation_at(event.pos())
            if drawn is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_of(drawn.placed), self)
            return True
        return super().event(event)

    def tooltip_of(self, placed: PlacedAnnotation) -> str:
        """The note of a highlight, its meaning and tags (plain text)."""
        a = placed.annotation
        lines = [meaning_of(self.colours, a.colour)]
        if placed.placement.state == "fuzzy":
            lines[0] += " (passage retrouvé approximativement)"
        if a.note:
            lines.append(a.note)
        if a.tags:
            lines.append("Étiquettes : " + ", ".join(a.tags))
        return "\n\n".join(lines)

    def set_reader_font(self, font: QFont) -> None:
        self.document().setDefaultFont(font)
        self._apply_measure()

    def set_found(self, ranges: list[tuple[int, int]]) -> None:
        self._found = ranges
        self._update_marks()

    def set_current(self, span: tuple[int, int] | None) -> None:
        self._current = span
        self._update_marks()
        if span is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(span[1])
            self.setTextCursor(cursor)
            cursor.setPosition(span[0])
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def current_text(self) -> str:
        if self._current is None:
            return ""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._current[0])
        cursor.setPosition(self._current[1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    def _selection(self, span: tuple[int, int], colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        fmt.setForeground(QColor("#111111"))
        selection.format = fmt
        return selection

    def _update_marks(self) -> None:
        selections = [self._selection(span, FIND_COLOUR) for span in self._found]
        if self._current is not None:
            selections.append(self._selection(self._current, MATCH_COLOUR))
        if self._flash is not None:
            selections.append(self._selection(self._flash, FLASH_COLOUR))
        self.setExtraSelections(selections)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_measure()

    def _apply_measure(self) -> None:
        """Centre the text in a column of at most ``measure_chars`` characters."""
        doc = self.document()
        metrics = QFontMetricsF(doc.defaultFont())
        column = metrics.averageCharWidth() * self.measure_chars
        available = self.viewport().width() - 2 * doc.documentMargin()
        side = doc.documentMargin() + max(0.0, (available - column) / 2)
        root = doc.rootFrame()
        fmt = root.frameFormat()
        if abs(fmt.leftMargin() - side) > 0.5:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            root.setFrameFormat(fmt)


class FindBar(QFrame):
    """Find in page (Ctrl+F): a field, previous/next, a count, close."""

    changed = Signal(str)
    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(QLabel("Rechercher dans la page :"))
        self.field = QLineEdit()
        self.field.setObjectName("find_field")
        self.field.setPlaceholderText("mot ou expression (accents et majuscules ignorés)")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self.changed)
        self.field.returnPressed.connect(self.next_requested)
        self.field.installEventFilter(self)
        layout.addWidget(self.field, 1)
        for text, tip, signal in (
            ("▲", "Occurrence précédente (Maj+F3)", self.previous_requested),
            ("▼", "Occurrence suivante (F3)", self.next_requested),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            layout.addWidget(button)
        self.count = QLabel()
        self.count.setMinimumWidth(110)
        layout.addWidget(self.count)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Fermer (Échap)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.previous_requested.emit()
                return True
        return super().eventFilter(watched, event)

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    @property
    def needle(self) -> str:
        return self.field.text().strip() if self.isVisible() else ""


class SameAnswerBar(QFrame):
    """« Même réponse que N autres questions »: a button that unfolds their list (click opens one)."""

    question_requested = Signal(str)  # uid

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("same_answer_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.toggle = QToolButton()
        self.toggle.setObjectName("same_answer_toggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip(
            "Le ministère a publié cette réponse, mot pour mot ou presque (dates, nombres et nom "
            "du député mis à part), pour d'autres questions"
        )
        self.list = QListWidget()
        self.list.setObjectName("same_answer_list")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 1, 4, 2)
        layout.setSpacing(1)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.list)
        self.toggle.toggled.connect(self.on_toggle_toggled)
        self.list.itemActivated.connect(self.on_list_item_activated)
        self.list.itemClicked.connect(self.on_list_item_activated)
        self.hide()

    def show_questions(self, same: Sequence[SameAnswer]) -> None:
        self.list.clear()
        if not same:
            self.hide()
            return
        n = len(same)
        self.toggle.setText(
            f"Même réponse que {n} autre{'s' if n > 1 else ''} question{'s' if n > 1 else ''}"
        )
        for other in same:
            item = QListWidgetItem(other.text())
            item.setData(Qt.ItemDataRole.UserRole, other.uid)
            item.setToolTip(f"{other.text()}\n{other.ministry or ''}".strip())
            self.list.addItem(item)
        # As tall as its rows, five at most (then it scrolls).
        rows = min(len(same), 5)
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 1) + 2 * self.list.frameWidth() + 2)
        self.list.setVisible(self.toggle.isChecked())
        self.show()

    def on_toggle_toggled(self, checked: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if checked else Qt.ArrowType.RightArrow)
        self.list.setVisible(checked)

    def on_list_item_activated(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(uid, str):
            self.question_requested.emit(uid)


class Reader(QWidget):
    """Key data, the two panes, the find bar; match navigation and zoom."""

    match_changed = Signal(str)  # "Occurrence 2 sur 7", or '' when there is none
    zoom_changed = Signal(int)
    #: A highlight or a note asked for on a selected passage (PassageRequest).
    highlight_requested = Signal(object)
    #: A highlight was clicked (its annotation id): the annotations panel selects it.
    annotation_clicked = Signal(str)
    #: « Exporter la sélection… » on a passage (PassageRequest).
    export_requested = Signal(object)
    #: Change the colour of a highlight, edit its note and tags, or delete it (AnnotationAction).
    annotation_action_requested = Signal(object)
    #: Open another question (uid): one that received the same answer.
    question_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: ShownQuestion | None = None
        self.zoom = 0
        self._matches: list[Match] = []
        self._index = -1
        self._finding = False

        self.key_data = ReadingPane("key_data")
        self.key_data.measure_chars = 140
        self.question_pane = ReadingPane("question_pane", pane="question")
        self.answer_pane = ReadingPane("answer_pane", pane="answer")
        self.colours: tuple[ColourMeaning, ...] = ()
        for text_pane in (self.question_pane, self.answer_pane):
            text_pane.highlight_requested.connect(self.highlight_requested)
            text_pane.export_requested.connect(self.export_requested)
            text_pane.annotation_clicked.connect(self.annotation_clicked)
            text_pane.annotation_action_requested.connect(self.annotation_action_requested)
        self.panes = QSplitter(Qt.Orientation.Horizontal)
        self.panes.setObjectName("reader_panes")
        self.panes.setChildrenCollapsible(False)
        self.panes.addWidget(self.question_pane)
        self.panes.addWidget(self.answer_pane)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("reader_split")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.key_data)
        self.split.addWidget(self.panes)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([190, 500])

        self.same_answer = SameAnswerBar()
        self.same_answer.question_requested.connect(self.question_requested)

        self.find_bar = FindBar()
        self.find_bar.hide()
        self.find_bar.changed.connect(self.on_find_bar_changed)
        self.find_bar.next_requested.connect(self.next_match)
        self.find_bar.previous_requested.connect(self.previous_match)
        self.find_bar.closed.connect(self.on_find_bar_closed)

        self.placeholder = QLabel("Choisissez une question dans la liste des résultats.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.same_answer)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.find_bar)
        self.split.hide()

        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self.on_palette_changed)

    # -- showing -------------------------------------------------------------

    @property
    def font_size(self) -> float:
        return max(7.0, BASE_POINT_SIZE + self.zoom)

    def reader_font(self) -> QFont:
        return serif_font(self.font_size)

    def key_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() + self.zoom * 0.75))
        return font

    def css(self) -> str:
        return stylesheet(dark=is_dark(self.palette()))

    def show_question(self, shown: ShownQuestion, *, keep_scroll: bool = False) -> None:
        """Show a question; ``keep_scroll``: the same question again (its annotations changed)."""
        panes = (self.key_data, self.question_pane, self.answer_pane)
        scrolls = [pane.verticalScrollBar().value() for pane in panes] if keep_scroll else [0, 0, 0]
        self.shown = shown
        css = self.css()
        q = shown.question
        self.key_data.show_html(shown.key_html, css, self.key_font())
        self.question_pane.show_html(shown.question_html, css, self.reader_font())
        self.question_pane.map_text(q.question_text, shown.highlights.question, shown.annotations)
        self.answer_pane.show_html(shown.answer_html, css, self.reader_font())
        self.answer_pane.map_text(q.answer_text, shown.highlights.answer, shown.annotations)
        for pane, value in zip(panes, scrolls, strict=True):
            pane.verticalScrollBar().setValue(value)
        self.placeholder.hide()
        self.same_answer.show_questions(shown.same_answer)
        self.split.show()
        self._collect_matches()

    def set_colours(self, colours: Sequence[ColourMeaning]) -> None:
        """The meanings of the five colours (menus, tooltips, the selection bar)."""
        self.colours = tuple(colours)
        for pane in self._panes:
            pane.colours = self.colours

    def scroll_to_annotation(self, annotation_id: str) -> bool:
        """Scroll to an annotation of the question shown and make it flash; False when it is not shown.

        A highlight is scrolled to in its pane; a note on the whole question and a passage
        that cannot be placed, to where the question pane lists them.
        """
        shown = self.shown
        placed = shown.annotation(annotation_id) if shown is not None else None
        if placed is None:
            return False
        for pane in self._panes:
            drawn = pane.drawn_annotation(annotation_id)
            if drawn is not None:
                pane.flash((drawn.start, drawn.end))
                return True
        if placed.annotation.anchor is None:
            self.question_pane.verticalScrollBar().setValue(0)
            return True
        self.question_pane.scrollToAnchor(ORPHANS_ANCHOR)
        return True

    def clear(self, message: str = "Choisissez une question dans la liste des résultats.") -> None:
        self.shown = None
        for pane in (self.key_data, self.question_pane, self.answer_pane):
            pane.clear()
            pane.hits = []
        self._matches = []
        self._index = -1
        self.placeholder.setText(message)
        self.same_answer.show_questions(())
        self.split.hide()
        self.placeholder.show()
        self.match_changed.emit("")

    def on_palette_changed(self) -> None:
        if self.shown is not None:
            self.show_question(self.shown)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.shown is not None:
            # Deferred: the palette change reaches the children after this widget.
            QTimer.singleShot(0, self.on_palette_changed)

    # -- layout ------------------------------------------------------------------

    @property
    def vertical(self) -> bool:
        return self.panes.orientation() == Qt.Orientation.Vertical

    def set_vertical(self, vertical: bool) -> None:
        """Answer below the question (True) or beside it (False)."""
        self.panes.setOrientation(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)

    def set_zoom(self, steps: int) -> None:
        self.zoom = steps
        for pane in (self.question_pane, self.answer_pane):
            pane.set_reader_font(self.reader_font())
        self.key_data.set_reader_font(self.key_font())
        self.zoom_changed.emit(steps)

    # -- matches ---------------------------------------------------------------------

    @property
    def _panes(self) -> tuple[ReadingPane, ReadingPane]:
        return (self.question_pane, self.answer_pane)

    def _collect_matches(self) -> None:
        """The search matches, or the find-in-page occurrences when the find bar has text."""
        needle = self.find_bar.needle
        self._finding = bool(needle)
        self._matches = []
        for number, pane in enumerate(self._panes):
            if needle:
                found = find_ranges(pane.document(), needle)
                pane.set_found(found)
            else:
                pane.set_found([])
                found = pane.hits
            self._matches.extend(Match(number, s, e) for s, e in found)
            pane.set_current(None)
        self._index = -1
        if self._finding:
            self.find_bar.count.setText(self._count_text() or "Aucune occurrence")
        self.match_changed.emit(self._count_text())

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def match_index(self) -> int:
        return self._index

    def current_match_text(self) -> str:
        if not 0 <= self._index < len(self._matches):
            return ""
        return self._panes[self._matches[self._index].pane].current_text()

    def current_match_pane(self) -> str:
        if not 0 <= self._index < len(self._matches):
            return ""
        return self._panes[self._matches[self._index].pane].objectName()

    def _count_text(self) -> str:
        total = len(self._matches)
        if not total:
            return ""
        if self._index >= 0:
            return f"{self._index + 1} sur {total}"
        plural = "s" if total > 1 else ""
        return f"{total} occurrence{plural} (F3)"

    def next_match(self) -> None:
        self._go(+1)

    def previous_match(self) -> None:
        self._go(-1)

    def _go(self, step: int) -> None:
        if not self._matches:
            return
        if self._index < 0:
            self._index = 0 if step > 0 else len(self._matches) - 1
        else:
            self._index = (self._index + step) % len(self._matches)
        match = self._matches[self._index]
        for number, pane in enumerate(self._panes):
            pane.set_current((match.start, match.end) if number == match.pane else None)
        text = self._count_text()
        if self._finding:
            self.find_bar.count.setText(text)
        self.match_changed.emit(text)

    # -- find in page -------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.show()
        self.find_bar.field.setFocus()
        self.find_bar.field.selectAll()
        if self.find_bar.needle:
            self._collect_matches()

    def on_find_bar_changed(self, text: str) -> None:
        self._collect_matches()

    def on_find_bar_closed(self) -> None:
        self._collect_matches()
        self.question_pane.setFocus()
