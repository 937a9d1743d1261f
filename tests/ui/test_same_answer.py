"""Answers given many times, in the window: the reader's « Même réponse que N autres questions »."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qe_desktop.suivi.duplicates import AnswerGroup
from qe_desktop.ui.answer_groups import GroupedResultsView, GroupsFound
from qe_desktop.ui.main_window import MainWindow

from conftest import write_official_questions
from ui.helpers import TIMEOUT

REAL = "QANR5L17QE5268"


def _import_copies(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    """Two more questions that received the real answer of QE 5268 (17th legislature)."""
    write_official_questions(folder, 2, start_number=90001)
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        window.import_paths([folder])


def _show(qtbot: QtBot, window: MainWindow, uid: str) -> None:
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT, check_params_cb=lambda u: u == uid):
        window.open_question(uid)


def test_reader_lists_the_questions_with_the_same_answer(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _show(qtbot, window, REAL)
    bar = window.reader.same_answer
    assert not bar.isVisible()  # alone with its answer before the import

    _import_copies(qtbot, window, tmp_path / "copies")
    _show(qtbot, window, REAL)
    assert bar.isVisible()
    assert bar.toggle.text() == "Même réponse que 2 autres questions"
    assert not bar.list.isVisible()
    qtbot.mouseClick(bar.toggle, Qt.MouseButton.LeftButton)
    assert bar.list.isVisible()
    items = [bar.list.item(i) for i in range(bar.list.count())]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in items] == ["QANR5L17QE90001", "QANR5L17QE90002"]
    assert items[0].text().startswith("n°\u00a017-90001QE — ")

    # A click opens that question, which lists the two others (the real one first: oldest).
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT) as blocker:
        rect = bar.list.visualItemRect(items[1])
        qtbot.mouseClick(bar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["QANR5L17QE90002"]
    assert window.current_uid == "QANR5L17QE90002"
    others = [bar.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(bar.list.count())]
    assert set(others) == {REAL, "QANR5L17QE90001"}
    assert bar.list.isVisible()  # the list stays unfolded from one question to the next


def test_a_question_alone_with_its_answer_shows_no_bar(qtbot: QtBot, window: MainWindow) -> None:
    _show(qtbot, window, "QANR5L13QE101851")
    assert window.reader.shown is not None
    assert window.reader.shown.same_answer == ()
    assert not window.reader.same_answer.isVisible()


def test_results_grouped_by_identical_answer(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    grouped = window.grouped_results
    with qtbot.waitSignal(grouped.shown, timeout=TIMEOUT) as blocker:
        window.act_group_answers.trigger()
    assert window.results_stack.currentWidget() is grouped.view
    assert blocker.args[0].groups == ()
    assert "Aucune réponse n'est commune à plusieurs des 581 questions" in grouped.view.info.text()

    # The import runs the search again: the groups follow it.
    with qtbot.waitSignal(grouped.shown, timeout=TIMEOUT) as blocker:
        _import_copies(qtbot, window, tmp_path / "copies")
    found = blocker.args[0]
    assert [g.uids for g in found.groups] == [(REAL, "QANR5L17QE90001", "QANR5L17QE90002")]
    view = grouped.view
    assert view.info.text().startswith("1 réponse donnée à plusieurs questions : 3 des 583 questions")
    model = view.model
    assert model.rowCount() == 1
    group = model.index(0, 0)
    assert view.group_titles()[0].startswith("« ")
    assert model.index(0, 1).data() == 3
    assert model.rowCount(group) == 3
    assert model.index(1, 0, group).data().startswith("n°\u00a017-90001QE")

    view.tree.expand(group)
    child = model.index(2, 0, group)
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT) as shown:
        qtbot.mouseClick(
            view.tree.viewport(), Qt.MouseButton.LeftButton, pos=view.tree.visualRect(child).center()
        )
    assert shown.args == ["QANR5L17QE90002"]

    window.act_group_answers.trigger()
    assert window.results_stack.currentWidget() is window.table


def test_grouped_answers_sort_by_date_and_count_not_by_their_text(qtbot: QtBot) -> None:
    view = GroupedResultsView()
    qtbot.addWidget(view)
    dates = ("2023-12-12", "2024-03-01", "2024-02-05")  # « 12 décembre », « 1er mars », « 5 février »
    groups = tuple(
        AnswerGroup(
            f"g{i}", tuple(f"QANR5L16QE{i}{j}" for j in range(n)), n, f"réponse {i}", "Intérieur", day
        )
        for i, (day, n) in enumerate(zip(dates, (2, 10, 3), strict=True))
    )
    view.show_found(GroupsFound(token=1, total=15, groups=groups))
    view.tree.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert [view.model.item(r, 3).text() for r in range(3)] == [
        "12 décembre 2023",
        "5 février 2024",
        "1er mars 2024",
    ]
    view.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [view.model.item(r, 1).data(Qt.ItemDataRole.DisplayRole) for r in range(3)] == [10, 3, 2]
