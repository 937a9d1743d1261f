"""« Mes députés »: finding a deputy, their questions with stages, per month, the session quota."""

from __future__ import annotations

from datetime import date

from qe_desktop.store import CorpusStore
from qe_desktop.suivi.deputies import (
    DEFAULT_SESSION_CAP,
    Deputy,
    deputy_questions,
    find_deputies,
    per_month,
    quota,
    session_start,
    stage_counts,
)


def test_find_by_amo_reference_and_by_name(corpus: CorpusStore) -> None:
    by_ref = find_deputies(corpus, "pa721764")
    assert by_ref == [Deputy("PA721764", "Mme Olivia Grégoire", 1)]
    by_name = find_deputies(corpus, "gregoire olivia")
    assert by_name[0] == by_ref[0]
    # Partial words, hyphens and accents as typed.
    assert find_deputies(corpus, "Mélanie Thom")[0].ref == "PA793816"


def test_find_an_author_named_only_by_the_record(corpus: CorpusStore) -> None:
    # 11-20643 is a page of the AN site: its author has no AMO reference in the sample.
    found = find_deputies(corpus, "Teissier")
    assert found == [Deputy(None, "M. Guy Teissier", 1)]
    rows = deputy_questions(corpus, found[0], date(2026, 9, 1))
    assert [r.uid for r in rows] == ["QANR5L11QE20643"]
    assert rows[0].stage.code == "answered_after_signal"


def test_unknown_deputy_finds_nothing(corpus: CorpusStore) -> None:
    assert find_deputies(corpus, "Zzyzx") == []
    assert find_deputies(corpus, "PA1") == []
    assert find_deputies(corpus, "  ") == []


def test_questions_newest_first_with_stages(corpus: CorpusStore) -> None:
    thomin = find_deputies(corpus, "Thomin")[0]
    rows = deputy_questions(corpus, thomin, date(2026, 9, 1))
    assert rows
    dates = [r.question_date or "" for r in rows]
    assert dates == sorted(dates, reverse=True)
    # Questions au Gouvernement: answered in the sitting, no written-answer period.
    assert {r.stage.code for r in rows} == {"answered"}
    counts = stage_counts(rows)
    assert counts["answered"] == len(rows)
    assert sum(counts.values()) == len(rows)


def test_quota_counts_written_questions_of_the_session(corpus: CorpusStore) -> None:
    gregoire = find_deputies(corpus, "PA721764")[0]
    rows = deputy_questions(corpus, gregoire, date(2025, 5, 1))
    # QE 5268, published 25 March 2025, was still waiting on 1 May 2025 (two months: 25 May).
    assert rows[0].stage.code == "waiting"
    q = quota(rows, date(2025, 5, 1))
    assert (q.session_start, q.session_end) == (date(2024, 10, 1), date(2025, 9, 30))
    assert (q.asked, q.cap, q.remaining) == (1, DEFAULT_SESSION_CAP, 51)
    # The next session starts with the count at zero.
    assert quota(rows, date(2025, 10, 1)).asked == 0
    assert quota(rows, date(2025, 5, 1), cap=1).remaining == 0


def test_session_start_is_the_first_of_october() -> None:
    assert session_start(date(2025, 9, 30)) == date(2024, 10, 1)
    assert session_start(date(2025, 10, 1)) == date(2025, 10, 1)
    assert session_start(date(2026, 1, 15)) == date(2025, 10, 1)


def test_per_month_fills_the_gaps(corpus: CorpusStore) -> None:
    rows = deputy_questions(corpus, find_deputies(corpus, "Thomin")[0], date(2026, 9, 1))
    months = per_month(rows)
    assert months[0][1] > 0
    assert months[-1][1] > 0
    assert sum(c for _, c in months) == len([r for r in rows if r.question_date])
    keys = [m for m, _ in months]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
