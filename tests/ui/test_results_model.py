from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from qe_desktop.model import Hit
from qe_desktop.ui.results_model import ResultRow, ResultsModel

TODAY = date(2026, 11, 28)
pytestmark = pytest.mark.usefixtures("qapp")  # the status icons are pixmaps


def row(n: int, **changes: object) -> ResultRow:
    values: dict[str, object] = {
        "uid": f"QANR5L13QE{n}",
        "legislature": 13,
        "type": "QE",
        "number": n,
        "question_date": "2011-03-08",
        "answer_date": "2011-06-14",
        "author": "Mme Danielle Bousquet",
        "group_abbrev": "SRC",
        "analyse": f"Analyse {n}",
        "rubrique": "politique extérieure",
        "status": "answered",
        "answer_delay": 98,
    }
    values.update(changes)
    return ResultRow(**values)  # type: ignore[arg-type]


def page(start: int, count: int) -> list[ResultRow]:
    return [row(n) for n in range(start, start + count)]


def texts(model: ResultsModel, r: int) -> list[str]:
    return [model.index(r, c).data() for c in range(model.columnCount())]


def test_model_passes_the_model_tester_while_fed_page_by_page(qtmodeltester: ModelTester) -> None:
    model = ResultsModel(TODAY)
    requested: list[int] = []
    model.more_requested.connect(requested.append)
    qtmodeltester.check(model)
    model.reset_results(1, 250, page(0, 100))
    qtmodeltester.check(model)
    assert requested == [100]  # the tester's fetchMore asked for the next page
    assert model.append_rows(1, 100, page(100, 100))
    model.fetchMore(QModelIndex())
    assert model.append_rows(1, 200, page(200, 50))
    qtmodeltester.check(model)
    assert model.rowCount() == 250
    assert not model.canFetchMore(QModelIndex())


def test_a_row_shows_what_the_user_reads() -> None:
    model = ResultsModel(TODAY)
    model.reset_results(1, 1, [row(101851)])
    assert texts(model, 0) == [
        "101851 · 13e",
        "8 mars 2011",
        "Mme Danielle Bousquet (SRC)",
        "Analyse 101851",
        "politique extérieure",
        "Répondue",
        "98 j",
        "",  # no annotation
        "",  # in no dossier
    ]
    assert not model.index(0, ResultsModel.COL_STATUS).data(Qt.ItemDataRole.DecorationRole).isNull()
    tip = model.index(0, ResultsModel.COL_STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Réponse publiée le 14 juin 2011"


def test_a_pending_question_shows_how_long_it_has_waited() -> None:
    model = ResultsModel(TODAY)
    model.reset_results(
        1, 1, [row(7, status="pending", answer_date=None, answer_delay=None, question_date="2026-10-29")]
    )
    assert model.index(0, ResultsModel.COL_STATUS).data() == "En attente"
    assert model.index(0, ResultsModel.COL_DELAY).data() == "30 j…"
    tip = model.index(0, ResultsModel.COL_DELAY).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "En attente de réponse depuis 30 jours"


def test_other_question_types_show_their_type() -> None:
    model = ResultsModel(TODAY)
    model.reset_results(1, 1, [row(6, type="QG", legislature=16, uid="QANR5L16QG6")])
    assert model.index(0, 0).data() == "QG 6 · 16e"


def test_a_page_of_an_older_search_is_ignored() -> None:
    model = ResultsModel(TODAY)
    model.reset_results(1, 300, page(0, 100))
    model.reset_results(2, 300, page(500, 100))
    assert not model.append_rows(1, 100, page(100, 100))
    assert model.rowCount() == 100
    assert model.uid_at(0) == "QANR5L13QE500"


def test_fetching_stops_when_the_index_promised_more_than_it_gives() -> None:
    model = ResultsModel(TODAY)
    model.reset_results(1, 300, page(0, 100))
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # one request at a time
    model.append_rows(1, 100, [])
    assert not model.canFetchMore(QModelIndex())


def test_clicking_a_sortable_header_asks_the_search_for_that_order(qtbot: QtBot) -> None:
    model = ResultsModel(TODAY)
    model.reset_results(1, 3, page(0, 3))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
    view.setSortingEnabled(True)
    with qtbot.waitSignal(model.sort_requested) as blocker:
        view.sortByColumn(ResultsModel.COL_DELAY, Qt.SortOrder.DescendingOrder)
    assert blocker.args == ["delai"]
    with qtbot.assertNotEmitted(model.sort_requested):
        view.sortByColumn(ResultsModel.COL_AUTHOR, Qt.SortOrder.AscendingOrder)


def test_rows_come_from_search_hits() -> None:
    hit = Hit(
        uid="QANR5L13QE101851",
        score=3.2,
        legislature=13,
        type="QE",
        number=101851,
        analyse=None,
        rubrique="Politique extérieure",
        author="Mme Danielle Bousquet",
        group_abbrev="SRC",
        question_date="2011-03-08",
        answer_date="2011-06-14",
        status="answered",
        answer_delay_days=98,
    )
    r = ResultRow.from_hit(hit)
    assert (r.number_text(), r.author_text(), r.answer_delay) == (
        "101851 · 13e",
        "Mme Danielle Bousquet (SRC)",
        98,
    )


def test_an_older_question_is_titled_by_its_tete_d_analyse() -> None:
    hit = Hit(
        uid="QANR5L13QE101851",
        score=1.0,
        legislature=13,
        type="QE",
        number=101851,
        analyse=None,
        tete_analyse="Kazakhstan",
        rubrique="Politique extérieure",
        author="Mme Danielle Bousquet",
        group_abbrev=None,
        question_date="2011-03-08",
        answer_date="2011-06-14",
        status="answered",
    )
    model = ResultsModel(TODAY)
    model.reset_results(1, 1, [ResultRow.from_hit(hit)])
    assert "Kazakhstan" in texts(model, 0)
