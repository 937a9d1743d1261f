"""Screenshots of the window's main states, offscreen, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshots.py [--dark]

1. first start on an empty data folder: the sample is imported, the banner says so;
2. a search with its facets and a filter chip;
3. a question open with its matches highlighted (F3 on the second match);
4. the import report of a folder holding good and bad files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from qe_desktop.paths import DataPaths, sample_dir
from qe_desktop.ui.app import application
from qe_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def wait_until(predicate: Callable[[], bool], timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("l'état attendu n'est pas venu")
        QCoreApplication.processEvents()
        time.sleep(0.01)
    for _ in range(20):  # let layouts and repaints settle
        QCoreApplication.processEvents()


def similar_listed(window: MainWindow) -> bool:
    item = window.similar.item(0)
    return item is not None and bool(item.data(Qt.ItemDataRole.UserRole))


def save(widget: QWidget, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))
    return path


def dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#e6e6e6"),
        (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2a2a2a"),
        (roles.Text, "#e6e6e6"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#e6e6e6"),
        (roles.Highlight, "#3d6fb4"),
        (roles.HighlightedText, "#ffffff"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Link, "#7fb2ff"),
        (roles.Mid, "#444444"),
        (roles.ToolTipBase, "#333333"),
        (roles.ToolTipText, "#e6e6e6"),
    ):
        p.setColor(role, QColor(colour))
    return p


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dark", action="store_true", help="aussi une capture en thème sombre")
    args = parser.parse_args()
    app: QApplication = application()
    app.setStyle("Fusion")
    work = Path(tempfile.mkdtemp(prefix="qe-shots-"))
    try:
        paths = DataPaths(work / "data").ensure()
        window = MainWindow(paths)
        window.resize(1440, 900)
        window.show()
        shown: list[str] = []
        window.question_shown.connect(shown.append)
        window.start()
        wait_until(lambda: bool(shown) and window.model.rowCount() > 0 and similar_listed(window), 300)
        save(window, "01-premier-demarrage-corpus-exemple.png")

        # 2. a search with facets and a filter
        shown.clear()
        window.search_bar.set_text("santé hôpital")
        window.search_bar.on_field_return_pressed()
        wait_until(lambda: bool(shown) and window.search_bar.count.text() != "")
        item = window.facets.find_value("legislature", "16")
        if item is not None:
            shown.clear()
            window.facets.on_item_clicked(item)
            wait_until(lambda: bool(shown) and bool(window.chips.chips))
        wait_until(lambda: similar_listed(window))
        save(window, "02-recherche-et-filtres.png")

        # 3. a question with its matches highlighted, second match current (F3 twice)
        window.on_chips_cleared()
        shown.clear()
        window.search_bar.set_text("torture OU hopital")
        window.search_bar.on_field_return_pressed()
        wait_until(lambda: bool(shown))
        shown.clear()
        window.open_question("QANR5L13QE101851")
        wait_until(lambda: "QANR5L13QE101851" in shown)
        window.reader.next_match()
        window.reader.next_match()
        wait_until(lambda: similar_listed(window))
        save(window, "03-question-et-reponse-surlignees.png")

        # 4. the import report of good and bad files
        drop = work / "a-importer"
        drop.mkdir()
        shutil.copy(sample_dir() / "page_text" / "13-101851QE.txt", drop)
        (drop / "notes-de-reunion.txt").write_text(
            "Ordre du jour de la réunion de mardi.\n", encoding="utf-8"
        )
        (drop / "vide.json").write_bytes(b"")
        (drop / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200))
        (drop / "QANR5L17QE1.json").write_text('{"question": {"uid": "QANR5L17QE1"', encoding="utf-8")
        window.import_paths([drop])
        dialog = window.import_dialog
        assert dialog is not None
        wait_until(lambda: not dialog.running)
        dialog.resize(900, 440)
        wait_until(lambda: True)
        save(dialog, "04-rapport-d-import.png")
        dialog.accept()

        if args.dark:
            app.setPalette(dark_palette())
            wait_until(lambda: True)
            shown.clear()
            window.open_question("QANR5L13QE101851")
            wait_until(lambda: "QANR5L13QE101851" in shown)
            window.reader.next_match()
            wait_until(lambda: similar_listed(window))
            save(window, "05-theme-sombre.png")

        window.close()
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
