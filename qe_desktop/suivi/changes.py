"""What changed for « Mes députés » since the user last looked: new answers, new signalements,
deadlines passed.

The window keeps, for every question of « Mes députés » it has shown, what it was when last
looked at (:class:`Seen`: status, answer and signalement dates, stage).  After an import (or
when the window opens, a day later), :func:`compare` tells what changed since, and the new
look replaces the old one: each change is told once.

Kept in a JSON file of the data folder (``suivi-vu.json``, :attr:`DataPaths.suivi_seen`),
written whole or not at all (a temporary file renamed over it), rather than in ``user.sqlite``:

- it is a memory of what the window has shown, not the user's work: nothing to undo, to back
  up, to merge from a colleague's export or to share;
- a new table would bump ``user.sqlite``'s schema, and an older QE Desktop refuses a database of
  a newer schema: the user's annotations would become unreadable to it for a convenience;
- losing the file costs one notice not shown (the next look is a first look, told nothing).

A question seen for the first time (a deputy just added, a question just imported) is told
nothing: it is not a change to something the user saw.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from qe_desktop.suivi.deputies import SuiviRow
from qe_desktop.suivi.rules import STAGE_LABELS, StageCode

SEEN_VERSION = 1

#: The stages of an unanswered question before a period ran out, and those after.
_BEFORE_DEADLINE: frozenset[StageCode] = frozenset({"waiting", "extension", "signalled"})
_PAST_DEADLINE: frozenset[StageCode] = frozenset({"extension", "overdue", "signalled_overdue"})


class SeenError(Exception):
    """The seen-state file cannot be read or written (French message naming it)."""


@dataclass(frozen=True, slots=True)
class SeenQuestion:
    """A question as the user last saw it."""

    status: str
    answer_date: str | None
    signal_date: str | None
    stage: StageCode


@dataclass(frozen=True, slots=True)
class Seen:
    """What the user last saw of « Mes députés »' questions, and on which day."""

    day: date
    questions: dict[str, SeenQuestion] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SuiviChanges:
    """What changed since the last look (rows as they are now, newest first)."""

    answers: tuple[SuiviRow, ...] = ()
    signals: tuple[SuiviRow, ...] = ()
    deadlines: tuple[SuiviRow, ...] = ()
    since: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.answers or self.signals or self.deadlines)

    @property
    def uids(self) -> frozenset[str]:
        return frozenset(r.uid for r in (*self.answers, *self.signals, *self.deadlines))

    def parts(self) -> list[str]:
        """« 1 nouvelle réponse », « 2 nouveaux signalements », « 1 délai dépassé »."""
        out: list[str] = []
        if n := len(self.answers):
            out.append(f"{n} nouvelle{'s' if n > 1 else ''} réponse{'s' if n > 1 else ''}")
        if n := len(self.signals):
            out.append(f"{n} nouveau{'x' if n > 1 else ''} signalement{'s' if n > 1 else ''}")
        if n := len(self.deadlines):
            out.append(f"{n} délai{'s' if n > 1 else ''} dépassé{'s' if n > 1 else ''}")
        return out

    def summary(self) -> str:
        """One French line: « 1 nouvelle réponse et 2 délais dépassés »."""
        parts = self.parts()
        if not parts:
            return "Rien de nouveau"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]

    def why(self, uid: str) -> str:
        """What changed for one question (French), empty when nothing did."""
        out: list[str] = []
        for rows, text in (
            (self.answers, "nouvelle réponse"),
            (self.signals, "nouveau signalement"),
            (self.deadlines, "délai dépassé"),
        ):
            for row in rows:
                if row.uid == uid:
                    out.append(text if text != "délai dépassé" else f"{text} ({row.stage.label})")
        return ", ".join(out)


def snapshot(rows: Iterable[SuiviRow], day: date) -> Seen:
    """What the user sees now of these rows."""
    return Seen(
        day,
        {
            r.uid: SeenQuestion(
                r.status,
                r.answer_date,
                r.stage.signalled.isoformat() if r.stage.signalled else None,
                r.stage.code,
            )
            for r in rows
        },
    )


def compare(seen: Seen | None, rows: Sequence[SuiviRow]) -> SuiviChanges:
    """What changed in ``rows`` since ``seen`` (nothing on a first look, ``seen`` None)."""
    if seen is None:
        return SuiviChanges()
    answers: list[SuiviRow] = []
    signals: list[SuiviRow] = []
    deadlines: list[SuiviRow] = []
    for row in rows:
        before = seen.questions.get(row.uid)
        if before is None:
            continue
        if row.stage.code.startswith("answered") and not before.stage.startswith("answered"):
            answers.append(row)
            continue
        signalled = row.stage.signalled.isoformat() if row.stage.signalled else None
        if signalled is not None and signalled != before.signal_date:
            signals.append(row)
        elif (
            before.stage in _BEFORE_DEADLINE
            and row.stage.code in _PAST_DEADLINE
            and row.stage.code != before.stage
        ):
            deadlines.append(row)
    return SuiviChanges(tuple(answers), tuple(signals), tuple(deadlines), seen.day)


def merge(seen: Seen | None, now: Seen) -> Seen:
    """The new memory: ``now`` over ``seen`` (questions no longer listed, a deputy removed, kept)."""
    if seen is None:
        return now
    return Seen(now.day, {**seen.questions, **now.questions})


# -- the file --------------------------------------------------------------------------------


def load_seen(path: Path) -> Seen | None:
    """The memory kept in ``path`` (None: never written).  SeenError (French) when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SeenError(f"Lecture de « {path} » impossible ({exc.strerror or exc}).") from exc
    try:
        data: Any = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != SEEN_VERSION:
            raise ValueError("version inconnue")
        questions = {
            uid: SeenQuestion(q["status"], q.get("answer"), q.get("signal"), q["stage"])
            for uid, q in data["questions"].items()
            if q.get("stage") in STAGE_LABELS
        }
        return Seen(date.fromisoformat(data["day"]), questions)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SeenError(
            f"« {path} » est illisible ({exc}) : le suivi repart de ce que vous voyez maintenant."
        ) from exc


def save_seen(path: Path, seen: Seen) -> None:
    """Write the memory to ``path``, whole or not at all.  SeenError (French) when it cannot be."""
    data = {
        "version": SEEN_VERSION,
        "day": seen.day.isoformat(),
        "questions": {
            uid: {"status": q.status, "answer": q.answer_date, "signal": q.signal_date, "stage": q.stage}
            for uid, q in sorted(seen.questions.items())
        },
    }
    name: str | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=".suivi-vu-", suffix=".json.partiel", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(name, path)
    except OSError as exc:
        if name is not None:
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise SeenError(f"Écriture de « {path} » impossible ({exc.strerror or exc}).") from exc
