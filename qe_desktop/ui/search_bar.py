"""The search bar: query field with history, the "?" help, the interpretation line, the count.

Typing searches after a short pause (debounced); Enter searches at once and
remembers the query.  Up and Down walk through past queries, like a shell.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qe_desktop.labels import STATUS_QUERY_CHOICES, TYPE_QUERY_CHOICES
from qe_desktop.model import SortOrder
from qe_desktop.ui.settings import HISTORY_SIZE

DEBOUNCE_MS = 100

SORT_CHOICES: tuple[tuple[SortOrder, str], ...] = (
    ("pertinence", "Pertinence"),
    ("date", "Date de la question"),
    ("reponse", "Date de réponse"),
    ("delai", "Délai de réponse"),
)

QUERY_HELP = f"""
<h3 style="margin-top:0">Chercher dans les questions</h3>
<table cellspacing="0" cellpadding="3">
<tr><td><a href="q:hôpital urgences">hôpital urgences</a></td>
    <td>tous les mots, classés par pertinence</td></tr>
<tr><td><a href="q:hopital">hopital</a></td>
    <td>accents et pluriels facultatifs : trouve aussi « hôpitaux »</td></tr>
<tr><td><a href="q:&quot;zones blanches&quot;">"zones blanches"</a></td>
    <td>l'expression exacte</td></tr>
<tr><td><a href="q:&quot;vaccination obligatoire&quot;~5">"vaccination obligatoire"~5</a></td>
    <td>des mots proches (5 mots d'écart au plus)</td></tr>
<tr><td><a href="q:loup OU ours">loup OU ours</a></td>
    <td>l'un ou l'autre (aussi ET, SAUF, parenthèses)</td></tr>
<tr><td><a href="q:retraite SAUF agricole">retraite SAUF agricole</a>, <code>-agricole</code></td>
    <td>sans ce mot</td></tr>
<tr><td><a href="q:agricult*">agricult*</a>, <a href="q:kazakstan~">kazakstan~</a></td>
    <td>début de mot ; faute de frappe tolérée</td></tr>
<tr><td><a href="q:rubrique:santé">rubrique:santé</a></td>
    <td>champs : <code>auteur:</code> <code>groupe:</code> <code>rubrique:</code> <code>analyse:</code>
    <code>ministere:</code> <code>question:</code> <code>reponse:</code> <code>legislature:</code>
    <code>type:</code> ({TYPE_QUERY_CHOICES})</td></tr>
<tr><td><a href="q:statut:en-attente">statut:en-attente</a></td>
    <td>{STATUS_QUERY_CHOICES}</td></tr>
<tr><td><a href="q:date:2011-03">date:2011-03</a>, <a href="q:mars 2011">mars 2011</a></td>
    <td>date de la question ; aussi <code>date:01/03/2011..30/06/2011</code></td></tr>
<tr><td><a href="q:reponse-le:&gt;2012">reponse-le:&gt;2012</a>, <a href="q:delai:&gt;365">delai:&gt;365</a></td>
    <td>date de la réponse ; délai de réponse en jours</td></tr>
<tr><td><a href="q:note:*">note:*</a>, <a href="q:note:vérifier">note:vérifier</a></td>
    <td>les questions que vous avez annotées ; celles dont une note ou un passage surligné contient ces mots</td></tr>
<tr><td><a href="q:101851">101851</a>, <a href="q:13-101851QE">13-101851QE</a></td>
    <td>un numéro ou une référence place la question en tête</td></tr>
</table>
<p>Cliquez un exemple pour l'essayer. Entrée lance la recherche ; ↑ et ↓ rappellent les recherches précédentes.</p>
"""


class QueryField(QLineEdit):
    """A line edit that remembers past queries (↑/↓)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: list[str] = []
        self._position = 0  # == len(history): the draft being typed
        self._draft = ""

    def set_history(self, history: list[str]) -> None:
        self.history = list(history)[-HISTORY_SIZE:]
        self._position = len(self.history)

    def remember(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if text in self.history:
            self.history.remove(text)
        self.history.append(text)
        del self.history[:-HISTORY_SIZE]
        self._position = len(self.history)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Up and self.history:
            if self._position == len(self.history):
                self._draft = self.text()
            self._position = max(0, self._position - 1)
            self.setText(self.history[self._position])
            return
        if event.key() == Qt.Key.Key_Down and self.history:
            if self._position < len(self.history):
                self._position += 1
                text = self._draft if self._position == len(self.history) else self.history[self._position]
                self.setText(text)
            return
        super().keyPressEvent(event)


class QueryHelp(QFrame):
    """The "?" popover: the query language in examples."""

    example_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("query_help")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.label = QLabel(QUERY_HELP)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(560)
        self.label.linkActivated.connect(self.on_label_link_activated)
        layout.addWidget(self.label)

    def on_label_link_activated(self, link: str) -> None:
        if link.startswith("q:"):
            self.example_chosen.emit(link[2:])
            self.hide()


def count_text(total: int) -> str:
    """``1 234 questions`` (French digit grouping)."""
    number = f"{total:,}".replace(",", "\u202f")
    return f"{number} question{'s' if total > 1 else ''}"


class SearchBar(QWidget):
    """Query field, help, sort order, interpretation line and result count."""

    search_requested = Signal(str)  # the query, after a pause or at Enter
    query_committed = Signal(str)  # Enter: remember it
    sort_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QueryField()
        self.field.setObjectName("query_field")
        self.field.setPlaceholderText(
            'Rechercher : mots, "expression exacte", rubrique:santé, 101851…  (Ctrl+L)'
        )
        self.field.setClearButtonEnabled(True)
        font = self.field.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.field.setFont(font)
        self.field.textEdited.connect(self.on_field_text_edited)
        self.field.returnPressed.connect(self.on_field_return_pressed)
        self.field.installEventFilter(self)

        self.help_button = QToolButton()
        self.help_button.setObjectName("query_help_button")
        self.help_button.setText("?")
        self.help_button.setToolTip("Le langage de recherche, avec des exemples")
        self.help_button.clicked.connect(self.show_help)
        self.help = QueryHelp(self)
        self.help.example_chosen.connect(self.on_help_example_chosen)

        self.sort = QComboBox()
        self.sort.setObjectName("sort_combo")
        for key, label in SORT_CHOICES:
            self.sort.addItem(label, key)
        self.sort.setToolTip("Ordre des résultats")
        self.sort.currentIndexChanged.connect(self.on_sort_index_changed)

        self.interpretation = QLabel()
        self.interpretation.setObjectName("interpretation")
        self.interpretation.setTextFormat(Qt.TextFormat.PlainText)
        self.interpretation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.interpretation.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.count = QLabel()
        self.count.setObjectName("result_count")
        count_font = self.count.font()
        count_font.setBold(True)
        self.count.setFont(count_font)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.field, 1)
        top.addWidget(self.help_button)
        top.addSpacing(12)
        top.addWidget(QLabel("Trier par :"))
        top.addWidget(self.sort)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(2, 0, 2, 0)
        bottom.addWidget(self.interpretation, 1)
        bottom.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.on_timer_timeout)

    # -- state -----------------------------------------------------------------

    def text(self) -> str:
        return self.field.text().strip()

    def set_text(self, text: str) -> None:
        self.field.setText(text)

    def sort_key(self) -> SortOrder:
        key: SortOrder = self.sort.currentData()
        return key

    def set_sort_key(self, key: str) -> None:
        index = self.sort.findData(key)
        if index >= 0 and index != self.sort.currentIndex():
            self.sort.setCurrentIndex(index)

    def show_outcome(self, total: int, interpretation: str, warnings: tuple[str, ...]) -> None:
        text = interpretation
        if text and not text.startswith("Interprétation"):
            text = f"Interprétation : {text}"
        if warnings:
            text = " ".join([*warnings, text]).strip()
        self.interpretation.setText(text)
        self.interpretation.setToolTip(text)
        self.interpretation.setForegroundRole(
            QPalette.ColorRole.WindowText if warnings else QPalette.ColorRole.PlaceholderText
        )
        self.count.setText(count_text(total))

    # -- events ------------------------------------------------------------------

    def on_field_text_edited(self, text: str) -> None:
        self.timer.start()

    def on_timer_timeout(self) -> None:
        self.search_requested.emit(self.text())

    def on_field_return_pressed(self) -> None:
        self.timer.stop()
        self.field.remember(self.text())
        self.query_committed.emit(self.text())
        self.search_requested.emit(self.text())

    def on_sort_index_changed(self, index: int) -> None:
        self.sort_changed.emit(self.sort_key())

    def on_help_example_chosen(self, query: str) -> None:
        self.field.setText(query)
        self.field.setFocus()
        self.on_field_return_pressed()

    def show_help(self) -> None:
        self.help.adjustSize()
        anchor = self.help_button.mapToGlobal(QPoint(self.help_button.width(), self.help_button.height()))
        self.help.move(anchor.x() - self.help.width(), anchor.y() + 2)
        self.help.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_F1:
                self.show_help()
                return True
        return super().eventFilter(watched, event)
