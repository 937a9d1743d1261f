"""What changed for « Mes députés » since the last look, and the file that remembers it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from qe_desktop.suivi.changes import (
    Seen,
    SeenError,
    SuiviChanges,
    compare,
    load_seen,
    merge,
    save_seen,
    snapshot,
)
from qe_desktop.suivi.deputies import SuiviRow
from qe_desktop.suivi.rules import stage_at


def row(
    uid: str,
    today: date,
    *,
    published: str = "2025-03-25",
    answered: str | None = None,
    signalled: str | None = None,
) -> SuiviRow:
    """A 17th-legislature written question as the Suivi view lists it on ``today``."""
    status = "answered" if answered and answered <= today.isoformat() else "pending"
    stage = stage_at(
        today,
        legislature=17,
        status=status,
        question_date=published,
        answer_date=answered,
        signal_date=signalled,
    )
    return SuiviRow(
        uid, 17, "QE", 5268, "Analyse", "Commerce", "Économie", "Mme X", published, answered, status, stage
    )


def test_first_look_tells_nothing() -> None:
    today = date(2025, 6, 10)
    assert compare(None, [row("a", today, answered="2025-06-03")]).empty


def test_a_new_answer_is_told_once() -> None:
    before, after = date(2025, 5, 1), date(2025, 6, 10)
    seen = snapshot([row("a", before, answered="2025-06-03")], before)
    assert seen.questions["a"].stage == "waiting"
    now = [row("a", after, answered="2025-06-03")]
    changes = compare(seen, now)
    assert [r.uid for r in changes.answers] == ["a"]
    assert changes.summary() == "1 nouvelle réponse"
    assert changes.why("a") == "nouvelle réponse"
    assert changes.since == before
    # Remembered: the next look tells nothing more.
    assert compare(merge(seen, snapshot(now, after)), now).empty


def test_a_new_signalement() -> None:
    before, after = date(2025, 6, 1), date(2025, 6, 20)
    seen = snapshot([row("a", before, signalled="2025-06-16")], before)
    assert seen.questions["a"].stage == "overdue"  # two months passed on 25 May
    changes = compare(seen, [row("a", after, signalled="2025-06-16")])
    assert [r.uid for r in changes.signals] == ["a"]
    assert changes.summary() == "1 nouveau signalement"


def test_deadlines_passed_since_the_last_look() -> None:
    # Two months end on 25 May 2025; ten days after a signalement on 2 June end on 12 June.
    before = date(2025, 5, 25)
    waiting = row("w", before)
    signalled = row("s", before, published="2025-01-10", signalled="2025-05-20")
    assert (waiting.stage.code, signalled.stage.code) == ("waiting", "signalled")
    seen = snapshot([waiting, signalled], before)
    after = date(2025, 6, 1)
    changes = compare(
        seen, [row("w", after), row("s", after, published="2025-01-10", signalled="2025-05-20")]
    )
    assert sorted(r.uid for r in changes.deadlines) == ["s", "w"]
    assert changes.summary() == "2 délais dépassés"
    assert "délai de réponse dépassé" in changes.why("w")
    # The same day again: nothing new.
    assert compare(snapshot([row("w", after)], after), [row("w", after)]).empty


def test_the_boundary_day_is_still_in_time() -> None:
    seen = snapshot([row("w", date(2025, 5, 24))], date(2025, 5, 24))
    assert compare(seen, [row("w", date(2025, 5, 25))]).empty  # the last day of the period
    assert len(compare(seen, [row("w", date(2025, 5, 26))]).deadlines) == 1


def test_questions_never_seen_are_not_changes() -> None:
    today = date(2025, 6, 10)
    seen = Seen(date(2025, 5, 1), {})
    assert compare(seen, [row("new", today, answered="2025-06-03")]).empty


def test_summary_of_several_kinds() -> None:
    today = date(2025, 6, 10)
    a, b = row("a", today, answered="2025-06-03"), row("b", today, answered="2025-06-04")
    s = row("s", today, signalled="2025-06-05")
    changes = SuiviChanges(answers=(a, b), signals=(s,), deadlines=(row("w", today),))
    assert changes.summary() == "2 nouvelles réponses, 1 nouveau signalement et 1 délai dépassé"
    assert changes.uids == {"a", "b", "s", "w"}


def test_merge_keeps_questions_of_others() -> None:
    day = date(2025, 6, 10)
    old = snapshot([row("a", day)], date(2025, 6, 1))
    new = merge(old, snapshot([row("b", day)], day))
    assert set(new.questions) == {"a", "b"}
    assert new.day == day


def test_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "suivi-vu.json"
    assert load_seen(path) is None
    day = date(2025, 6, 10)
    seen = snapshot([row("a", day, answered="2025-06-03"), row("b", day, signalled="2025-06-05")], day)
    save_seen(path, seen)
    assert load_seen(path) == seen
    assert not list(tmp_path.glob("*.partiel"))  # no temporary file left


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "suivi-vu.json"
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(SeenError, match=r"suivi-vu\.json"):
        load_seen(path)
    path.write_text(json.dumps({"version": 99}), encoding="utf-8")
    with pytest.raises(SeenError, match="illisible"):
        load_seen(path)


def test_unwritable_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "suivi-vu.json"
    with pytest.raises(SeenError, match="Écriture de"):
        save_seen(path, Seen(date(2025, 6, 10)))
