"""Facet filters: the panel of counts (click to filter) and the chips of active filters."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from qe_desktop.labels import facet_title, facet_value_label
from qe_desktop.search.facets import FACETS
from qe_desktop.search.index import ANNOTATED_FILTER

#: A filter: (facet, value), as the search takes it.
Filter = tuple[str, str]

#: Values shown per facet before "Voir les N autres…".
SHOWN_VALUES = 12

FILTER_ROLE = Qt.ItemDataRole.UserRole + 1
MORE_ROLE = Qt.ItemDataRole.UserRole + 2


def chip_label(facet: str, value: str) -> str:
    return f"{facet_title(facet)} : {facet_value_label(facet, value)}"


class FacetPanel(QTreeWidget):
    """The facets of the current results with their counts; a click adds (or removes) a filter."""

    filter_toggled = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facet_panel")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setIndentation(12)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.itemClicked.connect(self.on_item_clicked)
        self.itemActivated.connect(self.on_item_clicked)
        self._expanded: set[str] = set()
        self._collapsed: set[str] = set()
        self._active: set[Filter] = set()
        self._last: tuple[dict[str, list[tuple[str, int]]], tuple[Filter, ...]] = ({}, ())

    def show_facets(self, facets: dict[str, list[tuple[str, int]]], active: Sequence[Filter]) -> None:
        """Replace the panel's content with these counts; active filters are checked."""
        for item in self._tops():
            facet = item.data(0, FILTER_ROLE)
            if not item.isExpanded():
                self._collapsed.add(facet)
            else:
                self._collapsed.discard(facet)
        self._active = set(active)
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for facet in (ANNOTATED_FILTER, *FACETS):
            values = facets.get(facet) or []
            if not values:
                continue
            top = QTreeWidgetItem([facet_title(facet), ""])
            top.setData(0, FILTER_ROLE, facet)
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(top)
            shown = values if facet in self._expanded else values[:SHOWN_VALUES]
            for value, count in shown:
                self._add_value(top, facet, value, count)
            if len(shown) < len(values):
                more = QTreeWidgetItem([f"Voir les {len(values) - len(shown)} autres…", ""])
                more.setData(0, MORE_ROLE, facet)
                italic = QFont(self.font())
                italic.setItalic(True)
                more.setFont(0, italic)
                more.setToolTip(0, "Afficher toutes les valeurs")
                top.addChild(more)
            top.setExpanded(facet not in self._collapsed)
        self._last = (facets, tuple(active))

    def _add_value(self, top: QTreeWidgetItem, facet: str, value: str, count: int) -> None:
        item = QTreeWidgetItem([facet_value_label(facet, value), f"{count:,}".replace(",", "\u202f")])
        item.setData(0, FILTER_ROLE, (facet, value))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip(0, f"{facet_value_label(facet, value)} : {count} question{'s' if count > 1 else ''}")
        if (facet, value) in self._active:
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(0, font)
            item.setText(0, "✓ " + item.text(0))
        top.addChild(item)

    def value_items(self) -> list[QTreeWidgetItem]:
        """Every clickable value (tests and keyboard users)."""
        out: list[QTreeWidgetItem] = []
        for top in self._tops():
            for j in range(top.childCount()):
                child = top.child(j)
                if child is not None and isinstance(child.data(0, FILTER_ROLE), tuple):
                    out.append(child)
        return out

    def _tops(self) -> list[QTreeWidgetItem]:
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [item for item in items if item is not None]

    def find_value(self, facet: str, value: str) -> QTreeWidgetItem | None:
        for item in self.value_items():
            if item.data(0, FILTER_ROLE) == (facet, value):
                return item
        return None

    def on_item_clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        data = item.data(0, FILTER_ROLE)
        if isinstance(data, tuple):
            self.filter_toggled.emit(data[0], data[1])
            return
        more = item.data(0, MORE_ROLE)
        if isinstance(more, str):
            self._expanded.add(more)
            facets, active = self._last
            self.show_facets(facets, active)


class FilterChips(QWidget):
    """Active filters as removable chips, and "Tout effacer"."""

    filter_removed = Signal(str, str)
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_chips")
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(6, 3, 6, 3)
        self.layout_.setSpacing(6)
        self.label = QLabel("Filtres :")
        self.clear_button = QPushButton("Tout effacer")
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.setToolTip("Retirer tous les filtres")
        self.clear_button.clicked.connect(self.cleared)
        self.chips: list[QToolButton] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.show_filters([])

    def show_filters(self, filters: Sequence[Filter]) -> None:
        while self.layout_.count():
            self.layout_.takeAt(0)
        for chip in self.chips:
            chip.deleteLater()
        self.chips = []
        self.layout_.addWidget(self.label)
        for facet, value in filters:
            chip = QToolButton()
            chip.setText(f"{chip_label(facet, value)}  ✕")
            chip.setToolTip("Retirer ce filtre")
            chip.setAutoRaise(False)
            chip.setProperty("filter", (facet, value))
            chip.clicked.connect(lambda _=False, f=facet, v=value: self.filter_removed.emit(f, v))
            self.layout_.addWidget(chip)
            self.chips.append(chip)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.clear_button)
        self.setVisible(bool(filters))

    def chip_texts(self) -> list[str]:
        return [chip.text().removesuffix("  ✕") for chip in self.chips]
