"""The reader: key data above, question and answer side by side (or one above the other).

The HTML comes from ``qe_desktop.render`` (built off the GUI thread); this
module only shows it: typography (a serif at a comfortable size, lines no
longer than about 75 characters), the system's light or dark palette, zoom,
moving from one match to the next across both panes, and find in page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QPalette,
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
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.model import Question
from qe_desktop.render import HIT_ANCHOR_PREFIX, stylesheet

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


class ReadingPane(QTextBrowser):
    """One pane of text, with a limited line length and an optional match marker."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
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
        self.hits = hit_ranges(doc)
        self._found = []
        self._current = None
        self._apply_measure()
        self._update_marks()

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


class Reader(QWidget):
    """Key data, the two panes, the find bar; match navigation and zoom."""

    match_changed = Signal(str)  # "Occurrence 2 sur 7", or '' when there is none
    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: ShownQuestion | None = None
        self.zoom = 0
        self._matches: list[Match] = []
        self._index = -1
        self._finding = False

        self.key_data = ReadingPane("key_data")
        self.key_data.measure_chars = 140
        self.question_pane = ReadingPane("question_pane")
        self.answer_pane = ReadingPane("answer_pane")
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

    def show_question(self, shown: ShownQuestion) -> None:
        self.shown = shown
        css = self.css()
        self.key_data.show_html(shown.key_html, css, self.key_font())
        self.question_pane.show_html(shown.question_html, css, self.reader_font())
        self.answer_pane.show_html(shown.answer_html, css, self.reader_font())
        for pane in (self.key_data, self.question_pane, self.answer_pane):
            pane.verticalScrollBar().setValue(0)
        self.placeholder.hide()
        self.split.show()
        self._collect_matches()

    def clear(self, message: str = "Choisissez une question dans la liste des résultats.") -> None:
        self.shown = None
        for pane in (self.key_data, self.question_pane, self.answer_pane):
            pane.clear()
            pane.hits = []
        self._matches = []
        self._index = -1
        self.placeholder.setText(message)
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
