"""Helpers of the annotation tests (their fixtures are in conftest.py: paths, corpus, user)."""

from __future__ import annotations

from dataclasses import replace

from qe_desktop.annotations.edits import PutAnnotation, new_annotation
from qe_desktop.annotations.store import UserStore
from qe_desktop.model import Annotation, Pane, Question

#: A real answered written question of the sample (13th legislature, with its answer text).
QUESTION_UID = "QANR5L13QE101851"
QE17_UID = "QANR5L17QE5268"


def passage(q: Question, pane: Pane, words: str, **fields: object) -> Annotation:
    """A new annotation of the first occurrence of ``words`` in a pane of ``q``."""
    text = q.question_text if pane == "question" else q.answer_text
    assert text is not None
    start = text.index(words)
    annotation = new_annotation(q, pane, start, start + len(words))
    return replace(annotation, **fields)  # type: ignore[arg-type]


def add(user: UserStore, annotation: Annotation) -> Annotation:
    user.apply(PutAnnotation(annotation))
    return annotation
