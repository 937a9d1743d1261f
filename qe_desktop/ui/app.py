"""Start the window: the QApplication, the log file, the last-resort error handler."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from qe_desktop import __version__
from qe_desktop.logfile import configure_logging, log_path, log_unexpected
from qe_desktop.paths import APP_NAME, DataPaths, resources_dir
from qe_desktop.ui.main_window import MainWindow

__all__ = ["application", "configure_logging", "install_excepthook", "run"]

log = logging.getLogger("qe_desktop")


def install_excepthook(window: MainWindow) -> None:
    """An unexpected error: the traceback to the log, a French message to the user."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("Erreur inattendue\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        window.show_error(
            "Une erreur inattendue s'est produite ; vous pouvez continuer à travailler. "
            f"Le détail technique est enregistré dans le journal : {log_path() or window.paths.log_file}"
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
    app.setDesktopFileName("qe-desktop")  # resources/linux/qe-desktop.desktop: the taskbar's icon and name
    icon = resources_dir() / "icons" / "qe-desktop.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run(paths: DataPaths) -> int:
    """Open the window on a data folder; returns the exit code.

    An error before the event loop runs (the window cannot be built) is said in
    a French message box, its traceback in the log; inside the event loop the
    excepthook does the same and the window stays open.
    """
    configure_logging(paths)
    app = application()
    try:
        window = MainWindow(paths)
    except Exception as exc:
        QMessageBox.critical(None, APP_NAME, f"QE Desktop ne peut pas s'ouvrir. {log_unexpected(exc, paths)}")
        return 1
    install_excepthook(window)
    started = time.monotonic()

    def usable(uid: str) -> None:
        window.question_shown.disconnect(usable)
        # benchmarks/bench_bundle.py times the start (source and bundle) up to this line.
        log.info("Fenêtre utilisable en %.2f s (question %s affichée)", time.monotonic() - started, uid)

    window.question_shown.connect(usable)
    window.show()
    window.start()
    return app.exec()
