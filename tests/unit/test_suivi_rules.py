"""The stages of a written question under article 139/135 of the Règlement (qe_desktop.suivi.rules).

Real records (tests/data, copied from ../shared/corpus) for each kind of history, then written-out
dates around each boundary: the end of the answer period, of the extension, of the ten days after
a signalement, the 2019 reform, the end of a legislature.
"""

from __future__ import annotations

from datetime import date

import pytest

from qe_desktop.model import Question
from qe_desktop.suivi.rules import (
    AN_RULES,
    REFORM_2019,
    add_months,
    rules_for,
    stage_at,
    stage_of,
)

from conftest import DATA, questions_in


@pytest.fixture(scope="module")
def real() -> dict[str, Question]:
    found = questions_in(DATA / "page_text", DATA / "an_json", DATA / "an_xml")
    return {q.uid: q for q in found}


TODAY = date(2026, 9, 1)


# -- real records ------------------------------------------------------------------------


def test_answered_within_the_month_before_2019(real: dict[str, Question]) -> None:
    # 10-7050: published 25 October 1993, answered 15 November 1993 (21 days, period: 25 November).
    stage = stage_of(real["QANR5L10QE7050"], TODAY)
    assert stage.code == "answered_in_time"
    assert stage.days == 21
    assert stage.deadlines is not None
    assert stage.deadlines.answer == date(1993, 11, 25)
    assert stage.deadlines.extension == date(1993, 12, 25)


def test_answered_within_the_extension_counts_in_time(real: dict[str, Question]) -> None:
    # 11-10174: published 16 February 1998, answered 6 April 1998 (49 days: past the month of
    # 16 March, within the extension to 16 April).
    stage = stage_of(real["QANR5L11QE10174"], TODAY)
    assert stage.code == "answered_in_time"
    assert stage.days == 49


def test_answered_late_before_2019(real: dict[str, Question]) -> None:
    # 13-101851: published 8 March 2011, answered 14 June 2011 (98 days; last day 8 May).
    stage = stage_of(real["QANR5L13QE101851"], TODAY)
    assert stage.code == "answered_late"
    assert stage.in_time is False
    assert stage.days == 98


def test_answered_after_a_signalement(real: dict[str, Question]) -> None:
    # 11-20643: published 26 October 1998, signalée 3 May 1999, answered 3 May 1999.
    q = real["QANR5L11QE20643"]
    assert q.signal_date == "1999-05-03"
    stage = stage_of(q, TODAY)
    assert stage.code == "answered_after_signal"
    assert stage.in_time is True
    assert stage.deadlines is not None
    assert stage.deadlines.signal == date(1999, 5, 13)
    # The day before: past its month and its extension, not yet signalée.
    assert stage_of(q, date(1999, 5, 2)).code == "overdue"


def test_after_2019_two_months_and_no_extension(real: dict[str, Question]) -> None:
    # 17-5268: published 25 March 2025, answered 3 June 2025 (70 days; period ended 25 May).
    q = real["QANR5L17QE5268"]
    stage = stage_of(q, TODAY)
    assert stage.code == "answered_late"
    assert stage.deadlines is not None
    assert stage.deadlines.answer == date(2025, 5, 25)
    assert stage.deadlines.extension is None
    assert stage.deadlines.rules.answer_months == 2
    # Seen on 1 May 2025: within its two months.
    assert stage_of(q, date(2025, 5, 1)).code == "waiting"
    assert stage_of(q, date(2025, 5, 26)).code == "overdue"


def test_lapsed_at_the_end_of_the_legislature(real: dict[str, Question]) -> None:
    # 13-119907: published 18 October 2011, closed « Fin de mandat » on 19 June 2012.
    q = real["QANR5L13QE119907"]
    stage = stage_of(q, TODAY)
    assert stage.code == "lapsed"
    assert stage.since == date(2012, 6, 19)
    assert stage.days == (date(2012, 6, 19) - date(2011, 10, 18)).days
    # Before the end of the legislature it was waiting, past its periods.
    assert stage_of(q, date(2012, 1, 10)).code == "overdue"


def test_renewed_then_lapsed(real: dict[str, Question]) -> None:
    # 14-95281: published 26 April 2016, renewed 30 August 2016, withdrawn (fin de mandat) 20 June 2017.
    q = real["QANR5L14QE95281"]
    assert stage_of(q, TODAY).code == "lapsed"
    on = stage_of(q, date(2016, 9, 15))
    assert on.code == "renewed"
    assert on.since == date(2016, 8, 30)
    assert stage_of(q, date(2016, 6, 1)).code == "extension"


def test_old_lapsed_record_without_closure_date_uses_the_legislature_end(
    real: dict[str, Question],
) -> None:
    # 9-57824: published 18 May 1992, « caduque »; the page gives no date: end of the 9th legislature.
    stage = stage_of(real["QANR5L9QE57824"], TODAY)
    assert stage.code == "lapsed"
    assert stage.since == date(1993, 4, 1)


def test_questions_au_gouvernement_have_no_deadline(real: dict[str, Question]) -> None:
    stage = stage_of(real["QANR5L16QG6"], TODAY)
    assert stage.code == "answered"
    assert stage.deadlines is None


# -- written-out dates around each boundary -----------------------------------------------


def _pending(published: str, today: date, **kw: object) -> str:
    return stage_at(today, legislature=17, question_date=published, **kw).code  # type: ignore[arg-type]


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month() -> None:
    assert add_months(date(2025, 3, 25), 2) == date(2025, 5, 25)
    assert add_months(date(2024, 12, 31), 2) == date(2025, 2, 28)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)
    assert add_months(date(2011, 11, 30), 3) == date(2012, 2, 29)


def test_the_reform_applies_from_its_date() -> None:
    assert rules_for(date(2019, 8, 31)).answer_months == 1
    assert rules_for(REFORM_2019).answer_months == 2
    assert [r.since for r in AN_RULES] == sorted(r.since for r in AN_RULES)


def test_pending_stages_after_2019_around_the_two_months() -> None:
    assert _pending("2025-01-10", date(2025, 3, 10)) == "waiting"
    assert _pending("2025-01-10", date(2025, 3, 11)) == "overdue"


def test_pending_stages_before_2019_around_the_month_and_the_extension() -> None:
    kw = {"legislature": 13, "question_date": "2010-01-15"}
    assert stage_at(date(2010, 2, 15), **kw).code == "waiting"  # type: ignore[arg-type]
    assert stage_at(date(2010, 2, 16), **kw).code == "extension"  # type: ignore[arg-type]
    assert stage_at(date(2010, 3, 15), **kw).code == "extension"  # type: ignore[arg-type]
    assert stage_at(date(2010, 3, 16), **kw).code == "overdue"  # type: ignore[arg-type]


def test_a_question_published_on_either_side_of_the_reform() -> None:
    # Same day of the year, one side each: 31 August 2019 has one month (+1), 1 September two.
    before = stage_at(date(2019, 10, 15), legislature=15, question_date="2019-08-31")
    after = stage_at(date(2019, 10, 15), legislature=15, question_date="2019-09-01")
    assert before.code == "extension"
    assert after.code == "waiting"


def test_answered_on_the_last_day_is_in_time_the_next_day_late() -> None:
    on = stage_at(
        TODAY, legislature=17, status="answered", question_date="2025-01-10", answer_date="2025-03-10"
    )
    day_after = stage_at(
        TODAY, legislature=17, status="answered", question_date="2025-01-10", answer_date="2025-03-11"
    )
    assert on.code == "answered_in_time"
    assert day_after.code == "answered_late"


def test_signalement_gives_ten_days() -> None:
    kw = {"legislature": 17, "question_date": "2025-01-10", "signal_date": "2025-04-01"}
    assert stage_at(date(2025, 4, 1), **kw).code == "signalled"  # type: ignore[arg-type]
    assert stage_at(date(2025, 4, 11), **kw).code == "signalled"  # type: ignore[arg-type]
    assert stage_at(date(2025, 4, 12), **kw).code == "signalled_overdue"  # type: ignore[arg-type]
    answered = stage_at(TODAY, status="answered", answer_date="2025-04-11", **kw)  # type: ignore[arg-type]
    late = stage_at(TODAY, status="answered", answer_date="2025-04-12", **kw)  # type: ignore[arg-type]
    assert answered.code == "answered_after_signal"
    assert late.code == "answered_late"


def test_pending_at_the_end_of_a_legislature_lapses_with_it() -> None:
    # A 15th-legislature question still pending in the record: lapsed on 21 June 2022.
    kw = {"legislature": 15, "question_date": "2022-03-01"}
    assert stage_at(date(2022, 6, 21), **kw).code == "overdue"  # type: ignore[arg-type]
    lapsed = stage_at(date(2022, 6, 22), **kw)  # type: ignore[arg-type]
    assert lapsed.code == "lapsed"
    assert lapsed.since == date(2022, 6, 21)
    assert lapsed.days == (date(2022, 6, 21) - date(2022, 3, 1)).days


def test_withdrawn_and_senat_and_unknown_dates() -> None:
    withdrawn = stage_at(
        TODAY, legislature=17, status="withdrawn", question_date="2025-01-10", closure_date="2025-02-01"
    )
    assert withdrawn.code == "withdrawn"
    assert withdrawn.days == 22
    senat = stage_at(TODAY, chamber="SENAT", question_date="2025-01-10")
    assert senat.code == "no_deadline"
    assert senat.days == (TODAY - date(2025, 1, 10)).days
    assert stage_at(TODAY, legislature=17).code == "no_deadline"
    assert stage_at(TODAY, legislature=17, status="answered").code == "answered"


def test_explanation_names_the_dates() -> None:
    stage = stage_at(date(2025, 4, 5), legislature=17, question_date="2025-01-10", signal_date="2025-04-01")
    text = stage.explanation()
    assert text.startswith("signalée, dans les dix jours")
    assert "signalée le 1er avril 2025, réponse attendue le 11 avril 2025 au plus tard" in text
    assert "85 jours d'attente" in text
