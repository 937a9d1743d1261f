"""The window steps of ``qe-desktop --smoke-test`` (:mod:`qe_desktop.smoke`): the real MainWindow.

Each method runs the event loop until the window says it is done (a signal),
shows an error (``error_shown``: the step fails with that message), or the
time is up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer

from qe_desktop.annotations.edits import PutAnnotation
from qe_desktop.model import Annotation, UserChanges
from qe_desktop.paths import DataPaths
from qe_desktop.smoke import SmokeFailure
from qe_desktop.ui.app import application, install_excepthook
from qe_desktop.ui.main_window import MainWindow


class SmokeWindow:
    """The app's window on a data folder, driven step by step."""

    def __init__(self, paths: DataPaths, *, timeout: float) -> None:
        self.app = application()
        self.timeout = timeout
        self.window = MainWindow(paths)
        install_excepthook(self.window)
        self.errors: list[str] = []
        self.shown: list[str] = []
        self.changes: list[UserChanges] = []
        self.ready = False
        self.window.error_shown.connect(self.errors.append)
        self.window.question_shown.connect(self.shown.append)
        self.window.user_changed.connect(self.changes.append)
        self.window.ready.connect(self._on_window_ready)

    def _on_window_ready(self) -> None:
        self.ready = True

    def _wait(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + self.timeout
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(loop.quit)
        timer.start()
        try:
            while not done():
                if self.errors:
                    raise SmokeFailure(self.errors[-1])
                if time.monotonic() > deadline:
                    raise SmokeFailure(f"{what} : rien après {self.timeout:.0f} s")
                loop.exec()
        finally:
            timer.stop()
        if self.errors:
            raise SmokeFailure(self.errors[-1])

    def show_question(self, uid: str) -> str:
        self.window.show()
        self.window.start()
        self._wait(lambda: self.ready, "ouverture du dossier de données")
        self.shown.clear()
        self.window.open_question(uid)
        self._wait(lambda: uid in self.shown, f"affichage de la question {uid}")
        return self.window.reader.question_pane.toPlainText()

    def annotate(self, annotation: Annotation) -> None:
        self._wait(lambda: self.window.user_state is not None, "ouverture de user.sqlite")
        self.changes.clear()
        self.window.do_edit(PutAnnotation(annotation), "Surligner")
        self._wait(lambda: bool(self.changes), "enregistrement de l'annotation")
        if not self.window.undo_stack.canUndo():
            raise SmokeFailure("l'annotation n'est pas annulable (Ctrl+Z)")

    def close(self) -> None:
        """Stop the workers and hide the window; its layout is not saved (a check is no user's session)."""
        self.window.shutdown()
        self.window.hide()
        self.app.processEvents()
