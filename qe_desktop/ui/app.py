"""Start the window: the QApplication, the log file, the last-resort error handler, the smoke test."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
from logging.handlers import RotatingFileHandler
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from qe_desktop import __version__
from qe_desktop.paths import APP_NAME, DataPaths
from qe_desktop.ui.main_window import MainWindow

log = logging.getLogger("qe_desktop")

SMOKE_QUERY = "ministre"
SMOKE_TIMEOUT_MS = 180_000


def configure_logging(paths: DataPaths) -> None:
    """Log to ``qe-desktop.log`` in the data folder (rotated); tracebacks go there, not to the user."""
    target = str(paths.log_file)
    for handler in log.handlers:
        if isinstance(handler, RotatingFileHandler) and handler.baseFilename == os.path.abspath(target):
            return
    try:
        handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        # A read-only data folder: the log goes to the temporary folder instead.
        target = os.path.join(tempfile.gettempdir(), paths.log_file.name)
        handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=2, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def install_excepthook(window: MainWindow) -> None:
    """An unexpected error: the traceback to the log, a French message to the user."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("Erreur inattendue\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        window.show_error(
            "Une erreur inattendue s'est produite ; vous pouvez continuer à travailler. "
            f"Le détail technique est enregistré dans le journal : {window.paths.log_file}"
        )

    sys.excepthook = hook


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app


class SmokeTest:
    """Open the data folder (importing the sample if empty), search, show a question, quit: 0 when all went well."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self.app = app
        self.window = window
        self.code = 1
        self.searched = False
        self.results: int | None = None
        window.ready.connect(self.on_window_ready)
        window.question_shown.connect(self.on_window_question_shown)
        window.error_shown.connect(self.on_window_error_shown)

    def run(self) -> int:
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: self.finish(1, "délai dépassé"))
        self.window.show()
        self.window.start()
        self.app.exec()
        self.window.shutdown()
        return self.code

    def finish(self, code: int, message: str) -> None:
        self.code = code
        print(f"smoke test : {message}", file=sys.stdout if code == 0 else sys.stderr, flush=True)
        self.app.exit(code)

    def on_window_ready(self) -> None:
        if not self.searched:
            self.searched = True
            self.window.search_bar.set_text(SMOKE_QUERY)
            self.window.run_search()
        elif self.results is None:
            self.results = self.window.model.total

    def on_window_question_shown(self, uid: str) -> None:
        if self.results is None:
            return
        text = self.window.reader.question_pane.toPlainText()
        if self.window.model.total > 0 and text.strip():
            self.finish(
                0,
                f"{self.window.corpus_label.text()}, {self.window.model.total} résultats pour "
                f"« {SMOKE_QUERY} », question {uid} affichée",
            )
        else:
            self.finish(1, f"question {uid} vide")

    def on_window_error_shown(self, message: str) -> None:
        self.finish(1, message)


def run(paths: DataPaths, *, smoke_test: bool = False) -> int:
    """Open the window on a data folder; returns the exit code."""
    if (
        smoke_test
        and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless machines (CI, frozen build check)
    configure_logging(paths)
    log.info("QE Desktop %s, dossier de données %s", __version__, paths.root)
    app = application()
    window = MainWindow(paths)
    install_excepthook(window)
    if smoke_test:
        return SmokeTest(app, window).run()
    window.show()
    window.start()
    try:
        return app.exec()
    except Exception:  # pragma: no cover - the excepthook handles errors inside the event loop
        log.exception("Erreur fatale")
        QMessageBox.critical(None, APP_NAME, "QE Desktop doit s'arrêter après une erreur inattendue.")
        return 1
