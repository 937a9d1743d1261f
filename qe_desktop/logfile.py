"""The technical log, ``qe-desktop.log`` in the data folder: tracebacks go there, never to the user.

The window, the smoke test and an unexpected error of the command line write
it; the first line of each run names the version (what a crash report needs
first), the platform and whether the app runs from source or from the bundle.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from qe_desktop import __version__
from qe_desktop.paths import DataPaths

log = logging.getLogger("qe_desktop")

#: Said to the user after an unexpected error, followed by the log's path.
UNEXPECTED = "Une erreur inattendue s'est produite. Le détail technique est enregistré dans le journal : "


def configure_logging(paths: DataPaths) -> Path:
    """Log to ``qe-desktop.log`` in the data folder (rotated); returns the file written.

    A data folder that cannot be written (read-only share) logs to the
    temporary folder instead.  Calling it again for the same file adds nothing.
    """
    target = str(paths.log_file)
    try:
        handler = _handler(target)
    except OSError:
        target = os.path.join(tempfile.gettempdir(), paths.log_file.name)
        handler = _handler(target)
    if handler is None:
        return Path(target)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.info("QE Desktop %s (%s), dossier de données %s", __version__, build_description(), paths.root)
    return Path(target)


def _handler(target: str) -> RotatingFileHandler | None:
    for handler in log.handlers:
        if isinstance(handler, RotatingFileHandler) and handler.baseFilename == os.path.abspath(target):
            return None
    return RotatingFileHandler(target, maxBytes=2_000_000, backupCount=2, encoding="utf-8")


def log_path() -> Path | None:
    """The file the log goes to (the one configured last), None before :func:`configure_logging`."""
    for handler in reversed(log.handlers):
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def build_description() -> str:
    """« application autonome » (PyInstaller) or « depuis les sources », Python and platform."""
    kind = "application autonome" if getattr(sys, "frozen", False) else "depuis les sources"
    return f"{kind}, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def log_unexpected(exc: BaseException, paths: DataPaths) -> str:
    """Write an unexpected error's traceback to the log; return the French message for the user."""
    target = configure_logging(paths)
    log.critical(
        "Erreur inattendue\n%s", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    return f"{UNEXPECTED}{target}"
