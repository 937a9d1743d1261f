"""The user's writer: edits committed off the GUI thread, undo and redo through a QUndoStack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from qe_desktop.annotations.edits import EditAnnotation, PutAnnotation, new_annotation
from qe_desktop.annotations.store import UserStore
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore
from qe_desktop.ui.user_writer import EditCommand, UserState, UserWriter
from qe_desktop.ui.workers import OperationDone


@pytest.fixture
def writer(qtbot: QtBot, data_paths: DataPaths) -> Iterator[UserWriter]:
    w = UserWriter(data_paths)
    with qtbot.waitSignal(w.operation_finished, timeout=10_000) as opened:
        w.open()
    done: OperationDone = opened.args[0]
    assert done.error is None
    assert isinstance(done.state, UserState)
    assert done.state.ready
    yield w
    w.shutdown()


def _finish(qtbot: QtBot, writer: UserWriter, action) -> OperationDone:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(writer.operation_finished, timeout=10_000) as blocker:
        action()
    done: OperationDone = blocker.args[0]
    assert done.error is None, done.error
    return done


def test_edits_undo_and_redo(qtbot: QtBot, data_paths: DataPaths, writer: UserWriter) -> None:
    corpus = CorpusStore(data_paths.corpus_db, readonly=True)
    question = next(q for q in map(corpus.get, corpus.all_uids()) if q is not None and q.answer_text)
    text = question.question_text
    annotation = new_annotation(question, "question", 0, min(40, len(text)), colour=2, note="Première note")
    stack = QUndoStack()

    done = _finish(
        qtbot, writer, lambda: stack.push(EditCommand(writer, PutAnnotation(annotation), "Surligner"))
    )
    assert done.changes.user.annotations_added == (annotation.id,)
    assert question.uid in done.changes.user.questions

    changed = EditAnnotation(annotation.id, colour=2, note="Note corrigée", tags=())
    _finish(qtbot, writer, lambda: stack.push(EditCommand(writer, changed, "Modifier la note")))

    def note() -> str | None:
        with UserStore(data_paths.user_db, readonly=True) as store:
            found = store.annotation(annotation.id)
            return None if found is None else found.note

    assert note() == "Note corrigée"
    _finish(qtbot, writer, stack.undo)
    assert note() == "Première note"
    _finish(qtbot, writer, stack.undo)
    assert note() is None  # the highlight itself is undone
    _finish(qtbot, writer, stack.redo)
    assert note() == "Première note"
    _finish(qtbot, writer, stack.redo)
    assert note() == "Note corrigée"
    corpus.close()


def test_undo_queued_before_the_edit_is_saved(
    qtbot: QtBot, data_paths: DataPaths, writer: UserWriter
) -> None:
    """Ctrl+Z pressed at once: the undo runs after the save, in order, with the inverse it left."""
    corpus = CorpusStore(data_paths.corpus_db, readonly=True)
    question = corpus.get(corpus.all_uids()[0])
    assert question is not None
    annotation = new_annotation(question, "question", 0, 10, colour=1)
    stack = QUndoStack()
    with qtbot.waitSignals([writer.operation_finished, writer.operation_finished], timeout=10_000):
        stack.push(EditCommand(writer, PutAnnotation(annotation), "Surligner"))
        stack.undo()
    with UserStore(data_paths.user_db, readonly=True) as store:
        assert store.annotation(annotation.id) is None
    corpus.close()
