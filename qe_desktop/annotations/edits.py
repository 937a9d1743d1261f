"""The edits of the user's work, as data: what the window's undo stack holds.

Each edit is a frozen dataclass; :meth:`UserStore.apply` carries it out in one
transaction and returns an :class:`Applied`: what changed, and the edit that
undoes it.  Undoing is applying that inverse; redoing is applying the inverse
of the inverse (which :meth:`UserStore.apply` returns in turn).  Ids are chosen
by the caller (:func:`new_id`), so an annotation deleted then restored keeps
its id, and an undo stack never needs to ask the store which id it got.

Inverses restore the exact previous state (dates included): an annotation
put back by an undo is the annotation that was there, not a new copy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from qe_desktop.annotations.anchoring import make_anchor, pane_text
from qe_desktop.model import Annotation, Dossier, Pane, Question, SavedSearch, UserChanges


def new_id() -> str:
    """A fresh stable id (a UUID, written ``urn:uuid:…`` in exports)."""
    return str(uuid.uuid4())


def now_iso() -> str:
    """Now, as the dates of the user's database are written: ``2025-03-08T10:21:05.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_annotation(
    question: Question,
    pane: Pane | None,
    start: int = 0,
    end: int = 0,
    *,
    colour: int | None = None,
    note: str = "",
    tags: tuple[str, ...] = (),
) -> Annotation:
    """A new annotation of ``question`` (to store with :class:`PutAnnotation`).

    ``pane`` and ``[start, end)`` (offsets in that pane's plain text, e.g. from
    :meth:`PaneMap.to_plain`): a passage; ``pane`` None: a note on the whole question.
    Raises ValueError for a span that is not a passage of the text.
    """
    anchor = None
    if pane is not None:
        text = pane_text(question, pane)
        if not text:
            raise ValueError("ce volet n'a pas de texte")
        anchor = make_anchor(text, pane, start, end)
    now = now_iso()
    return Annotation(new_id(), question.uid, anchor, colour, note, tags, now, now)


@dataclass(frozen=True, slots=True)
class PutAnnotation:
    """Store an annotation as it is: a new one, or one restored by an undo (same id)."""

    annotation: Annotation


@dataclass(frozen=True, slots=True)
class EditAnnotation:
    """Give an annotation new colour, note and tags (``modified`` becomes now)."""

    id: str
    colour: int | None
    note: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeleteAnnotation:
    id: str


@dataclass(frozen=True, slots=True)
class PutDossier:
    """Store a dossier as it is, its items included: a new one, or one restored by an undo."""

    dossier: Dossier


@dataclass(frozen=True, slots=True)
class DeleteDossier:
    """Delete a dossier (the questions stay in the corpus, their annotations stay)."""

    id: str


@dataclass(frozen=True, slots=True)
class AddToDossier:
    """Add questions to a dossier at ``position`` (None: at the end); those already in it stay where they are."""

    dossier_id: str
    uids: tuple[str, ...]
    position: int | None = None


@dataclass(frozen=True, slots=True)
class RemoveFromDossier:
    dossier_id: str
    uids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MoveInDossier:
    """Move questions of a dossier to ``position`` in the list without them (drag and drop)."""

    dossier_id: str
    uids: tuple[str, ...]
    position: int


@dataclass(frozen=True, slots=True)
class SetDossierOrder:
    """Put the dossiers in this order (ids not listed keep their order, after these)."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PutSavedSearch:
    """Store a saved search as it is (``last_opened`` None on a new one: now)."""

    search: SavedSearch


@dataclass(frozen=True, slots=True)
class DeleteSavedSearch:
    id: str


@dataclass(frozen=True, slots=True)
class SetSavedSearchOrder:
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarkSearchOpened:
    """Remember when a saved search was last opened (``when`` a Unix time; None: now).

    Not an undoable action for the user: the window does not put it on its undo stack.
    """

    id: str
    when: float | None = None


@dataclass(frozen=True, slots=True)
class RenameColour:
    """Give a colour (1 to 5) a new meaning."""

    number: int
    meaning: str


Edit = (
    PutAnnotation
    | EditAnnotation
    | DeleteAnnotation
    | PutDossier
    | DeleteDossier
    | AddToDossier
    | RemoveFromDossier
    | MoveInDossier
    | SetDossierOrder
    | PutSavedSearch
    | DeleteSavedSearch
    | SetSavedSearchOrder
    | MarkSearchOpened
    | RenameColour
)


@dataclass(frozen=True, slots=True)
class Applied:
    """What an edit changed, and the edit that undoes it."""

    changes: UserChanges
    inverse: Edit
