"""Statistics over a set of questions, checked against a hand count on a small corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.model import Question
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.stats import OTHERS_QUERY, TABLE_QUERY, compute, load_equivalences, load_table


def _q(
    n: int, ministry: str | None, published: str | None, answered: str | None = None, status: str = ""
) -> Question:
    return Question(
        uid=f"QANR5L15QE{n}",
        legislature=15,
        type="QE",
        number=n,
        ministry_answering=ministry,
        rubrique="justice" if ministry and "ustice" in ministry else "emploi",
        question_date=published,
        answer_date=answered,
        status=status or ("answered" if answered else "pending"),  # type: ignore[arg-type]
    )


#: Hand-counted below.
SMALL = [
    _q(1, "Justice", "2020-01-10", "2020-02-09"),  # 30 days, within two months
    _q(2, "Justice", "2020-01-31", "2020-03-31"),  # 60 days, two months end on 31 March: within
    _q(3, "Justice", "2020-03-01", "2020-06-01"),  # 92 days
    _q(4, "Justice", "2020-02-01"),  # waiting
    _q(5, "Justice", "2019-12-01"),  # waiting, the oldest
    _q(6, "justice", "2020-05-05", status="withdrawn"),  # same line, other case
    _q(7, "emploi et solidarité", "1998-06-29", "1998-08-31"),  # 63 days: two months ended 29 August
    _q(8, "Travail, plein emploi et insertion", "2023-01-10", "2023-01-20"),  # 10 days
    _q(9, None, None),  # no ministry, no date
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CorpusStore]:
    with CorpusStore(tmp_path / "corpus.sqlite") as s:
        s.upsert_questions(SMALL)
        yield s


def test_per_ministry_by_hand(store: CorpusStore) -> None:
    stats = compute(load_table(store), by="ministere")
    justice = stats.groups[0]
    assert justice.label == "Justice"
    assert (justice.questions, justice.answered, justice.waiting) == (6, 3, 2)
    assert justice.answered_share == pytest.approx(0.5)
    assert justice.median_days == 60
    assert justice.p90_days == pytest.approx(85.6)  # 60 + 0.8 × (92 − 60)
    assert (justice.within_two_months, justice.within_two_months_share) == (2, pytest.approx(2 / 6))
    assert (justice.oldest_waiting_uid, justice.oldest_waiting_date) == ("QANR5L15QE5", "2019-12-01")
    labels = [g.label for g in stats.groups]
    assert labels[1:] == [
        "Emploi et solidarité",
        "Ministère non indiqué",
        "Travail, plein emploi et insertion",
    ]
    assert stats.total.questions == 9
    assert stats.total.answered == 5
    assert stats.total.within_two_months == 3
    emploi = stats.groups[1]
    assert (emploi.median_days, emploi.within_two_months) == (63, 0)


def test_equivalences_put_successive_names_on_one_line(store: CorpusStore) -> None:
    stats = compute(load_table(store), by="ministere", equivalences=load_equivalences())
    assert stats.grouped_names
    travail = next(g for g in stats.groups if g.label == "Travail et emploi")
    assert travail.questions == 2
    assert travail.names == ("Emploi et solidarité", "Travail, plein emploi et insertion")
    assert travail.median_days == pytest.approx(36.5)
    assert travail.within_two_months == 1
    sources = {e.name: e.source for e in load_equivalences().values()}
    assert "décret du 4 juin 1997" in sources["emploi et solidarité"]


def test_per_year_newest_first_and_unknown(store: CorpusStore) -> None:
    stats = compute(load_table(store), by="annee")
    assert [(g.label, g.questions) for g in stats.groups] == [
        ("Date inconnue", 1),
        ("2023", 1),
        ("2020", 5),
        ("2019", 1),
        ("1998", 1),
    ]


def test_subset_of_uids_and_unknown_uids(store: CorpusStore) -> None:
    table = load_table(store)
    stats = compute(table, ["QANR5L15QE1", "QANR5L15QE4", "QANR5L15QE4", "QANR5L99QE1"], by="rubrique")
    assert stats.not_found == 1
    assert stats.total.questions == 2
    assert [(g.label, g.questions, g.answered) for g in stats.groups] == [("Justice", 2, 1)]


def test_distributions(store: CorpusStore) -> None:
    stats = compute(load_table(store))
    bars = {(lo, hi): n for lo, hi, n in stats.histogram}
    assert bars[(0, 30)] == 1  # 10
    assert bars[(30, 61)] == 2  # 30, 60
    assert bars[(61, 92)] == 1  # 63
    assert bars[(92, 183)] == 1  # 92
    assert sum(bars.values()) == 5
    months = dict(stats.per_month)
    assert stats.per_month[0] == ("1998-06", 1)
    assert stats.per_month[-1] == ("2023-01", 1)
    assert months["2020-01"] == 2
    assert months["2010-05"] == 0
    assert sum(months.values()) == 8


def test_empty_corpus(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "c.sqlite") as empty:
        stats = compute(load_table(empty))
    assert stats.total.questions == 0
    assert stats.groups == ()
    assert stats.per_month == ()


def test_every_real_ministry_name_of_the_table_is_well_formed() -> None:
    table = load_equivalences()
    assert len(table) >= 40
    for eq in table.values():
        assert eq.source.startswith("décret du "), eq
    # One line per successive name: a line never maps back to two different spellings of itself.
    assert table["emploi et solidarite"].line == "Travail et emploi"


def test_a_broken_equivalence_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("nom,ligne,source\n# note\nJustice,Justice,décret\nseul\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ligne 4 : trois colonnes attendues"):
        load_equivalences(path)


def test_questions_au_gouvernement_are_left_out_and_counted(tmp_path: Path) -> None:
    """A QG is answered in session the day it is asked: no delay to measure, so it is left out of
    the figures (it would pull every median to 0) and counted apart."""
    from dataclasses import replace

    qg = replace(_q(100, "Justice", "2020-01-14", "2020-01-14"), uid="QANR5L15QG100", type="QG")
    with CorpusStore(tmp_path / "corpus.sqlite") as s:
        s.upsert_questions([*SMALL, qg])
        table = load_table(s)
    whole = compute(table, by="ministere")
    assert whole.left_out == 1
    assert whole.groups[0].questions == 6
    assert whole.groups[0].median_days == 60
    subset = compute(table, ["QANR5L15QE1", "QANR5L15QG100", "QANR5L99QE1"], by="ministere")
    assert (subset.total.questions, subset.left_out, subset.not_found) == (1, 1, 1)


@pytest.mark.parametrize("query", [TABLE_QUERY, OTHERS_QUERY])
def test_the_statistics_read_only_their_covering_index(store: CorpusStore, query: str) -> None:
    # Without the type in the index, SQLite walked every row, texts included: 1.4 s instead of
    # 0.7 s at 133,000 questions (benchmarks/bench_suivi.py).
    plan = " ".join(row[3] for row in store.db.conn.execute("EXPLAIN QUERY PLAN " + query))
    assert "COVERING INDEX questions_stats" in plan, plan
