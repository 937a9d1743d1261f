"""The Suivi view of « Mes députés »: choosing them, their questions and stages, filters, sort,
opening a question, the notice of what changed after an import, the « Tableau de suivi »."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from qe_desktop.ui.main_window import MainWindow
from qe_desktop.ui.settings import MyDeputy
from qe_desktop.ui.suivi_panel import DeputiesDialog, SuiviModel
from qe_desktop.ui.suivi_reads import SuiviLoaded

from ui.helpers import TIMEOUT

#: The real record QANR5L17QE5268 (tests/data/SOURCE.md, from ../shared/corpus/an_json/qe17): answered.
RECORD = Path(__file__).resolve().parent.parent / "data" / "an_json" / "QANR5L17QE5268.json"
GREGOIRE = MyDeputy("PA721764", "Mme Olivia Grégoire")
LE_PEN = MyDeputy("PA720614", "Mme Marine Le Pen")


def reload(qtbot: QtBot, window: MainWindow) -> SuiviLoaded:
    """Read « Mes députés »' questions again and wait for them to be shown."""
    jobs = window.suivi.jobs
    with qtbot.waitSignal(jobs.loaded, timeout=TIMEOUT, check_params_cb=lambda x: x.token == jobs.load_token):
        window.suivi.reload()
    assert window.suivi.last is not None
    return window.suivi.last


def follow(qtbot: QtBot, window: MainWindow, *deputies: MyDeputy) -> SuiviLoaded:
    window.settings.my_deputies = list(deputies)
    return reload(qtbot, window)


def shown(window: MainWindow, column: int) -> list[str]:
    proxy = window.suivi.panel.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def choose(qtbot: QtBot, dialog: DeputiesDialog, text: str) -> list[str]:
    """Type a name in « Mes députés », wait for the deputies found, press Entrée (the first one added).

    Returns the completions offered."""
    dialog.field.setFocus()
    with qtbot.waitSignal(dialog.jobs.found, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.field, text)
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled(), timeout=TIMEOUT)
    offered = dialog.completions.stringList()
    dialog.completer.popup().hide()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    return offered


def test_two_deputies_chosen_with_completion_list_their_questions(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.suivi.open_deputies_dialog()
    assert choose(qtbot, dialog, "gregoire oli") == ["Mme Olivia Grégoire (PA721764) — 1 question"]
    assert choose(qtbot, dialog, "PA720614") == ["Mme Marine Le Pen (PA720614) — 6 questions"]
    assert dialog.deputies() == [GREGOIRE, LE_PEN]
    assert dialog.hint.text() == "Mme Marine Le Pen ajoutée."
    jobs = window.suivi.jobs
    with qtbot.waitSignal(jobs.loaded, timeout=TIMEOUT):
        dialog.accept()
    # Stored by AMO reference with the name, in the data folder's settings.
    assert window.settings.my_deputies == [GREGOIRE, LE_PEN]
    assert window.suivi.dock.isVisible()
    assert shown(window, SuiviModel.COL_REFERENCE) == [
        "17-5268QE",
        "16-504QG",
        "16-421QG",
        "16-364QG",
        "16-173QG",
        "16-110QG",
        "16-1QG",
    ]
    stages = dict(zip(shown(window, 0), shown(window, SuiviModel.COL_STAGE), strict=True))
    assert stages["17-5268QE"] == "Répondue hors délai"
    assert stages["16-504QG"] == "Répondue"
    assert shown(window, SuiviModel.COL_DAYS)[0] == "70"
    panel = window.suivi.panel
    counts = {name: b.text() for name, b in panel.count_buttons.items()}
    assert counts == {
        "all": "Toutes : 7",
        "answered": "Répondue : 6",
        "answered_late": "Répondue hors délai : 1",
    }
    tip = panel.proxy.index(0, SuiviModel.COL_STAGE).data(Qt.ItemDataRole.ToolTipRole)
    assert "délai de réponse : 25 mai 2025" in tip
    assert "article 135" in tip
    quota = panel.quota_label.text()
    assert "Mme Olivia Grégoire : 0 question écrite sur 52 depuis le 1er octobre 2026, reste 52" in quota
    assert "Mme Marine Le Pen : 0 question écrite sur 52" in quota
    assert sum(n for _, n in panel.months.months) == 7


def test_a_count_filters_on_its_stage_and_filters_combine(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    follow(qtbot, window, GREGOIRE, LE_PEN)
    panel = window.suivi.panel
    qtmodeltester.check(panel.model)
    qtmodeltester.check(panel.proxy)
    qtbot.mouseClick(panel.count_buttons["answered_late"], Qt.MouseButton.LeftButton)
    assert shown(window, 0) == ["17-5268QE"]
    assert panel.stage_box.currentText() == "Répondue hors délai"
    qtbot.mouseClick(panel.count_buttons["all"], Qt.MouseButton.LeftButton)
    assert len(shown(window, 0)) == 7
    panel.ministry_box.setCurrentIndex(panel.ministry_box.findData("Première ministre"))
    assert len(shown(window, 0)) == 6
    panel.year_box.setCurrentIndex(panel.year_box.findData("2023"))
    assert shown(window, 0) == ["16-504QG", "16-421QG"]
    # The counts follow the other filters.
    assert panel.count_buttons["all"].text() == "Toutes : 2"
    panel.year_box.setCurrentIndex(0)
    panel.ministry_box.setCurrentIndex(0)
    panel.rubrique_box.setCurrentIndex(panel.rubrique_box.findData("Commerce et artisanat"))
    assert shown(window, 0) == ["17-5268QE"]
    qtmodeltester.check(panel.proxy)


def test_sort_by_any_column(qtbot: QtBot, window: MainWindow) -> None:
    follow(qtbot, window, GREGOIRE, LE_PEN)
    table = window.suivi.panel.table
    table.sortByColumn(SuiviModel.COL_DAYS, Qt.SortOrder.DescendingOrder)
    assert shown(window, 0)[0] == "17-5268QE"
    table.sortByColumn(SuiviModel.COL_REFERENCE, Qt.SortOrder.AscendingOrder)
    assert shown(window, 0) == [
        "16-1QG",
        "16-110QG",
        "16-173QG",
        "16-364QG",
        "16-421QG",
        "16-504QG",
        "17-5268QE",
    ]
    table.sortByColumn(SuiviModel.COL_DATE, Qt.SortOrder.AscendingOrder)
    assert shown(window, 0)[0] == "16-1QG"
    table.sortByColumn(SuiviModel.COL_DEPUTY, Qt.SortOrder.AscendingOrder)
    assert shown(window, SuiviModel.COL_DEPUTY)[-1] == "Mme Olivia Grégoire"
    table.sortByColumn(SuiviModel.COL_STAGE, Qt.SortOrder.DescendingOrder)
    assert shown(window, SuiviModel.COL_STAGE)[0] == "Répondue hors délai"


def test_double_click_opens_the_question_in_the_reader(qtbot: QtBot, window: MainWindow) -> None:
    follow(qtbot, window, GREGOIRE, LE_PEN)
    window.suivi.show_dock()
    table = window.suivi.panel.table
    index = window.suivi.panel.proxy.index(1, SuiviModel.COL_STAGE)
    rect = table.visualRect(index)
    with qtbot.waitSignal(
        window.question_shown, timeout=TIMEOUT, check_params_cb=lambda uid: uid == "QANR5L16QG504"
    ):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == "QANR5L16QG504"


def test_enter_in_the_name_field_adds_without_closing(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.suivi.open_deputies_dialog()
    dialog.field.setFocus()
    with qtbot.waitSignal(dialog.jobs.found, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.field, "Teissier")
    dialog.completer.popup().hide()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.deputies() == [MyDeputy(None, "M. Guy Teissier")]  # named only by the record
    with qtbot.waitSignal(dialog.jobs.found, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.field, "Zzyzx")
    assert dialog.hint.text() == "Aucun député ne correspond à « Zzyzx »."
    dialog.reject()
    assert window.settings.my_deputies == []


def test_no_deputy_yet_says_what_to_do(window: MainWindow) -> None:
    panel = window.suivi.panel
    assert "Mes députés…" in panel.intro.text()
    assert panel.proxy.rowCount() == 0
    assert not window.suivi_banner.isVisible()


def import_file(qtbot: QtBot, window: MainWindow, path: Path) -> SuiviLoaded:
    jobs = window.suivi.jobs
    with qtbot.waitSignal(jobs.loaded, timeout=TIMEOUT):
        window.import_paths([path])
    assert window.suivi.last is not None
    return window.suivi.last


def test_what_changed_after_an_import_is_shown_once(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    # The question as it stood before its answer: the real record without the answer.
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    record["question"]["textesReponse"] = None
    record["question"]["cloture"] = None
    before = tmp_path / "avant" / "QANR5L17QE5268.json"
    before.parent.mkdir()
    before.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    follow(qtbot, window, GREGOIRE)  # the first look: the sample's record, answered
    loaded = import_file(qtbot, window, before)
    assert loaded.changes.empty  # an answer gone is not news
    assert shown(window, SuiviModel.COL_STAGE) == ["Délai de réponse dépassé"]
    assert not window.suivi_banner.isVisible()

    # The real record, answer added: « 1 nouvelle réponse », in a banner and marked in the view.
    loaded = import_file(qtbot, window, RECORD)
    assert loaded.changes.summary() == "1 nouvelle réponse"
    assert window.suivi_banner.isVisible()
    text = window.suivi_banner.label.text()
    assert "1 nouvelle réponse" in text
    assert "17-5268QE" in text
    assert shown(window, SuiviModel.COL_STAGE) == ["● Répondue hors délai"]
    tip = window.suivi.panel.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Nouveau depuis votre dernière consultation : nouvelle réponse")
    qtbot.mouseClick(window.suivi_banner.action_button, Qt.MouseButton.LeftButton)
    assert window.suivi.dock.isVisible()
    assert not window.suivi_banner.isVisible()

    # Remembered as seen: looking again (or after a restart) tells nothing more.
    assert reload(qtbot, window).changes.empty
    assert not window.suivi_banner.isVisible()
    seen = json.loads(window.paths.suivi_seen.read_text(encoding="utf-8"))
    assert seen["questions"]["QANR5L17QE5268"]["stage"] == "answered_late"


def test_a_damaged_memory_is_said_and_replaced(qtbot: QtBot, window: MainWindow) -> None:
    window.paths.suivi_seen.write_text("{abîmé", encoding="utf-8")
    with qtbot.waitSignal(window.error_shown, timeout=TIMEOUT) as shown_error:
        follow(qtbot, window, GREGOIRE)
    assert "suivi-vu.json" in shown_error.args[0]
    assert json.loads(window.paths.suivi_seen.read_text(encoding="utf-8"))["version"] == 1


def test_export_the_list_as_shown(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    follow(qtbot, window, GREGOIRE, LE_PEN)
    panel = window.suivi.panel
    panel.ministry_box.setCurrentIndex(panel.ministry_box.findData("Première ministre"))
    target = tmp_path / "suivi.csv"
    with qtbot.waitSignal(window.suivi.jobs.exported, timeout=TIMEOUT) as done:
        window.suivi.export_table(target)
    assert done.args[0].error is None
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert [r[0] for r in rows[1:]] == shown(window, 0)
    assert len(rows) == 7
    pdf = tmp_path / "suivi.pdf"
    with qtbot.waitSignal(window.suivi.jobs.exported, timeout=TIMEOUT):
        window.suivi.export_table(pdf)
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert "Tableau de suivi" in text
    assert "ministère : Première ministre" in text
    assert "Mme Marine Le Pen : 0 question écrite sur 52" in text
    assert "Olivia" not in text  # her question is filtered out, and her quota with it


def test_export_to_a_missing_folder_is_a_french_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    follow(qtbot, window, GREGOIRE)
    with qtbot.waitSignal(window.error_shown, timeout=TIMEOUT) as error:
        window.suivi.export_table(tmp_path / "absent" / "suivi.pdf")
    assert "n'existe pas" in error.args[0]


@pytest.mark.parametrize("shortcut", ["Ctrl+Shift+U"])
def test_the_view_has_its_menu_entry_and_shortcut(window: MainWindow, shortcut: str) -> None:
    assert window.suivi.act_show in window.menu_view.actions()
    assert window.suivi.act_show.shortcut().toString() == shortcut
    assert window.suivi.act_deputies in window.menu_edit.actions()
