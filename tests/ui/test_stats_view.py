"""The « Statistiques » dock: the figures of the current search, as compute() gives them."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qe_desktop.model import SearchRequest
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.stats import Stats, cells, compute, load_equivalences, load_table
from qe_desktop.ui.main_window import MainWindow
from qe_desktop.ui.stats_view import StatsDone

from ui.helpers import TIMEOUT, search


def _open(qtbot: QtBot, window: MainWindow) -> StatsDone:
    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT) as blocker:
        window.statistics.action.trigger()
    assert window.statistics.dock.isVisible()
    done = blocker.args[0]
    assert isinstance(done, StatsDone)
    return done


def _expected(window: MainWindow, request: SearchRequest | None, **kw: object) -> Stats:
    """compute() over the same search's uids, read independently of the view."""
    index = window.reads.index
    assert index is not None
    with CorpusStore(window.paths.corpus_db, readonly=True) as store:
        table = load_table(store)
    uids = index.matching_uids(request) if request is not None and request.query else None
    return compute(table, uids, **kw)  # type: ignore[arg-type]


def _rows(stats: Stats) -> list[list[str]]:
    return [[g.label, *cells(g)] for g in (*stats.groups, stats.total)]


def test_the_view_equals_compute_over_the_search(qtbot: QtBot, window: MainWindow) -> None:
    done = _open(qtbot, window)
    panel = window.statistics.panel
    assert panel.shown_rows() == _rows(_expected(window, window.statistics.request(), by="ministere"))
    assert done.covers == "Toutes les questions du corpus"
    assert panel.shown_rows()[-1][0] == "Ensemble"
    assert all(chart.svg for chart in (panel.delay_chart, panel.share_chart, panel.month_chart))

    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT) as blocker:
        search(qtbot, window, "agriculteurs")
    done = blocker.args[0]
    assert done.covers == "Recherche « agriculteurs »"
    request = window.statistics.request()
    assert request is not None
    expected = _expected(window, request, by="ministere")
    assert 0 < expected.total.questions < 581
    assert panel.shown_rows() == _rows(expected)
    assert panel.summary.text().startswith(f"{expected.total.questions} question")
    # Two searches, one read of the corpus' table: kept until an import changes the corpus.
    assert window.statistics.jobs.tables_loaded == 1


def test_per_year_and_grouped_ministries(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    panel = window.statistics.panel
    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT):
        panel.by.setCurrentIndex(panel.by.findData("annee"))
    assert not panel.grouped.isEnabled()
    assert panel.model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Année"
    assert panel.shown_rows() == _rows(_expected(window, None, by="annee"))

    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT):
        panel.by.setCurrentIndex(panel.by.findData("ministere"))
    plain = panel.shown_rows()
    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(panel.grouped, Qt.MouseButton.LeftButton)
    assert panel.grouped.isChecked()
    grouped = blocker.args[0].stats
    assert grouped.grouped_names
    expected = _expected(window, None, by="ministere", equivalences=load_equivalences())
    assert panel.shown_rows() == _rows(expected)
    assert len(panel.shown_rows()) < len(plain)  # some ministries' names went on one line
    assert any(len(g.names) > 1 for g in grouped.groups)
    assert "regroupés" in panel.summary.text()


def test_sorting_keeps_the_total_last(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    panel = window.statistics.panel
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # median days, by value not text
    rows = panel.shown_rows()
    assert rows[-1][0] == "Ensemble"
    medians = [panel.proxy.index(r, 3).data(Qt.ItemDataRole.UserRole + 1) for r in range(len(rows) - 1)]
    assert medians == sorted(medians, reverse=True)
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    rows = panel.shown_rows()
    assert rows[-1][0] == "Ensemble"
    counts = [int(r[1].replace("\u202f", "")) for r in rows[:-1]]
    assert counts == sorted(counts)


def test_report_from_the_view(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    _open(qtbot, window)
    with qtbot.waitSignal(window.statistics.refreshed, timeout=TIMEOUT):
        search(qtbot, window, "agriculteurs")
    assert window.statistics.panel.report_button.isEnabled()
    with qtbot.waitSignal(window.statistics.report_written, timeout=TIMEOUT) as blocker:
        window.statistics.save_report(tmp_path / "rapport")
    assert blocker.args[0] == tmp_path / "rapport.pdf"
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(tmp_path / "rapport.pdf").pages).split()
    )
    assert "Rapport statistique" in text
    assert "Recherche « agriculteurs »" in text
    assert "Rapport statistique écrit" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.statistics.report_written, timeout=TIMEOUT) as blocker:
        window.statistics.save_report(tmp_path / "absent" / "r.pdf")
    assert isinstance(blocker.args[0], str)
    assert "n'existe pas" in blocker.args[0]
