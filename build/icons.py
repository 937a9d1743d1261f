"""The app's icon in each platform's format, drawn from ``resources/icons/qe-desktop.svg`` by Qt.

Run by ``qe_desktop.spec`` at build time (nothing binary is committed): PNG for
Linux, ICO for Windows, ICNS for macOS, with Qt's own image writers.

    python build/icons.py OUT_FOLDER
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def make_icons(svg: Path, out: Path) -> dict[str, Path]:
    """Render ``svg`` into ``out``: {"png": 256 px PNG, "ico": ICO, "icns": ICNS}."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - painting needs one
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"Icône illisible : {svg}")
    out.mkdir(parents=True, exist_ok=True)

    def image(size: int) -> QImage:
        picture = QImage(size, size, QImage.Format.Format_ARGB32)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        renderer.render(painter)
        painter.end()
        return picture

    made = {"png": out / "qe-desktop.png", "ico": out / "qe-desktop.ico", "icns": out / "qe-desktop.icns"}
    image(256).save(str(made["png"]), "PNG")
    for kind in ("ico", "icns"):
        writer = QImageWriter(str(made[kind]), kind.encode())
        # Qt's ICO and ICNS writers take one image per call; the largest is what the system scales.
        if not writer.write(image(256)):
            raise SystemExit(f"Écriture de {made[kind]} impossible : {writer.errorString()}")
    return made


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for kind, path in make_icons(root / "resources" / "icons" / "qe-desktop.svg", Path(sys.argv[1])).items():
        print(f"{kind}: {path} ({path.stat().st_size} octets)")
