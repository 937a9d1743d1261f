"""The panels of the user's own work: annotations, dossiers, saved searches, JSON-LD in the window."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from qe_desktop.annotations.edits import PutAnnotation, PutDossier, new_annotation, new_id, now_iso
from qe_desktop.annotations.store import UserStore
from qe_desktop.model import Annotation, Question, TextAnchor
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore
from qe_desktop.ui.main_window import MainWindow
from qe_desktop.ui.results_model import questions_mime
from qe_desktop.ui.user_panels import UserPanels

from conftest import QE17_RECORD
from ui.helpers import TIMEOUT, open_window, search

# Three answered written questions of the sample corpus (real records).
Q1, Q2, Q3 = "QANR5L13QE101851", "QANR5L17QE5268", "QANR5L14QE47351"


@pytest.fixture
def corpus(data_paths: DataPaths) -> Iterator[CorpusStore]:
    store = CorpusStore(data_paths.corpus_db, readonly=True)
    yield store
    store.close()


@pytest.fixture
def panels(qtbot: QtBot, window: MainWindow) -> UserPanels:
    """The window's panels, once the user's database is open."""
    qtbot.waitUntil(lambda: window.user_state is not None and window.user_state.ready, timeout=TIMEOUT)
    return window.user_panels


def question(corpus: CorpusStore, uid: str) -> Question:
    q = corpus.get(uid)
    assert q is not None, uid
    return q


def edit(qtbot: QtBot, window: MainWindow, action: Callable[[], object]) -> None:
    """Do something that commits an edit; return once it is saved and fanned out."""
    with qtbot.waitSignal(window.user_changed, timeout=TIMEOUT):
        action()


def passage(q: Question, words: str, colour: int, note: str = "", tags: tuple[str, ...] = ()) -> Annotation:
    """An annotation of the first occurrence of ``words`` in the question's text."""
    start = q.question_text.index(words)
    return new_annotation(q, "question", start, start + len(words), colour=colour, note=note, tags=tags)


def annotate(qtbot: QtBot, window: MainWindow, annotations: list[Annotation]) -> None:
    for a in annotations:
        edit(qtbot, window, lambda a=a: window.do_edit(PutAnnotation(a), "Surligner"))


def shown(panels: UserPanels, column: int) -> list[str]:
    model = panels.annotations.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def notes(panels: UserPanels) -> list[str]:
    return shown(panels, panels.annotations.model.COL_NOTE)


def wait_rows(qtbot: QtBot, panels: UserPanels, count: int) -> None:
    qtbot.waitUntil(lambda: panels.annotations.model.rowCount() == count, timeout=TIMEOUT)


def some_annotations(corpus: CorpusStore) -> list[Annotation]:
    q1, q2, q3 = question(corpus, Q1), question(corpus, Q2), question(corpus, Q3)
    words1 = q1.question_text.split()
    words2 = q2.question_text.split()
    words3 = q3.question_text.split()
    return [
        passage(q1, " ".join(words1[3:8]), 1, "Le ministre s'engage", ("engagement",)),
        passage(q1, " ".join(words1[20:26]), 2, "Chiffres des hôpitaux publics", ("budget", "santé")),
        passage(q2, " ".join(words2[5:10]), 3, "À vérifier auprès du cabinet"),
        passage(q2, " ".join(words2[30:34]), 2, "Un autre chiffre", ("Budget",)),
        passage(q3, " ".join(words3[10:15]), 4, "Citation pour le discours"),
    ]


def test_panel_filters_by_colour_tag_words_and_orphans(
    qtbot: QtBot, qtmodeltester, window: MainWindow, panels: UserPanels, corpus: CorpusStore
) -> None:
    window.user_panels.act_annotations.trigger()
    assert panels.annotations_dock.isVisible()
    annotate(qtbot, window, some_annotations(corpus))
    wait_rows(qtbot, panels, 5)
    assert panels.annotations.count.text() == "5 annotations"
    # Newest first, each with its question's reference.
    assert notes(panels)[0] == "Citation pour le discours"
    assert shown(panels, panels.annotations.model.COL_QUESTION)[0] == "QE n° 47351 · 14e"
    qtmodeltester.check(panels.annotations.model)

    panels.annotations.colour_buttons[2].click()
    wait_rows(qtbot, panels, 2)
    assert sorted(notes(panels)) == ["Chiffres des hôpitaux publics", "Un autre chiffre"]
    assert set(shown(panels, 0)) == {"Chiffre / donnée"}
    panels.annotations.colour_buttons[2].click()
    wait_rows(qtbot, panels, 5)

    # Tags compare folded: « budget » and « Budget » are one tag.
    assert panels.annotations.set_choice(panels.annotations.tag, "Budget")
    wait_rows(qtbot, panels, 2)
    assert "Budget (2)" in [panels.annotations.tag.itemText(i) for i in range(panels.annotations.tag.count())]
    panels.annotations.tag.setCurrentIndex(0)
    wait_rows(qtbot, panels, 5)

    # Words, folded and stemmed: « hopital » finds the note that says « hôpitaux ».
    qtbot.keyClicks(panels.annotations.words, "hopital")
    wait_rows(qtbot, panels, 1)
    assert notes(panels) == ["Chiffres des hôpitaux publics"]
    panels.annotations.words.clear()
    panels.annotations.on_filter_changed()
    wait_rows(qtbot, panels, 5)

    # An annotation whose passage is no longer in the text: an orphan once placed again.
    q = question(corpus, Q3)
    lost = Annotation(
        new_id(),
        Q3,
        TextAnchor("question", "un passage qui n'a jamais été dans ce texte", "", "", 0, 43, "x"),
        5,
        "Passage disparu",
        (),
        now_iso(),
        now_iso(),
    )
    assert lost.anchor is not None
    assert lost.anchor.exact not in q.question_text
    annotate(qtbot, window, [lost])
    edit(qtbot, window, lambda: window.user_writes.reanchor([Q3]))
    panels.annotations.orphans.setChecked(True)
    wait_rows(qtbot, panels, 1)
    assert notes(panels) == ["Passage disparu"]
    assert "passage introuvable" in shown(panels, panels.annotations.model.COL_QUOTE)[0]
    assert "1 orpheline" in panels.annotations.count.text()


def test_panel_sorts_by_date_or_by_question(
    qtbot: QtBot, window: MainWindow, panels: UserPanels, corpus: CorpusStore
) -> None:
    annotate(qtbot, window, some_annotations(corpus))
    wait_rows(qtbot, panels, 5)
    by_date = shown(panels, panels.annotations.model.COL_QUESTION)
    assert by_date == ["QE n° 47351 · 14e", *["QE n° 5268 · 17e"] * 2, *["QE n° 101851 · 13e"] * 2]
    panels.annotations.sort.setCurrentIndex(panels.annotations.sort.findData("question"))
    qtbot.waitUntil(
        lambda: shown(panels, panels.annotations.model.COL_QUESTION)[0] == "QE n° 101851 · 13e",
        timeout=TIMEOUT,
    )
    assert shown(panels, panels.annotations.model.COL_QUESTION) == [
        *["QE n° 101851 · 13e"] * 2,
        "QE n° 47351 · 14e",
        *["QE n° 5268 · 17e"] * 2,
    ]
    # Within a question, in the order of the text.
    assert notes(panels)[:2] == ["Le ministre s'engage", "Chiffres des hôpitaux publics"]


def test_click_opens_the_question_and_a_highlight_click_selects_the_row(
    qtbot: QtBot, window: MainWindow, panels: UserPanels, corpus: CorpusStore
) -> None:
    annotations = some_annotations(corpus)
    annotate(qtbot, window, annotations)
    wait_rows(qtbot, panels, 5)
    panels.act_annotations.trigger()
    model = panels.annotations.model
    assert window.current_uid == Q2  # the first result is shown; the annotation is on another question
    row = model.row_of(annotations[0].id)
    assert row is not None
    table = panels.annotations.table
    table.scrollTo(model.index(row, 1))
    rect = table.visualRect(model.index(row, 1))
    with qtbot.waitSignal(window.question_shown, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(panels.annotations.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [Q1]
    assert window.reader.shown is not None
    assert window.reader.shown.question.uid == Q1

    window.annotation_selected.emit(annotations[4].id)
    assert panels.annotations.selected_ids() == [annotations[4].id]


def test_delete_from_the_panel_is_undoable(
    qtbot: QtBot, window: MainWindow, panels: UserPanels, corpus: CorpusStore
) -> None:
    annotations = some_annotations(corpus)
    annotate(qtbot, window, annotations)
    wait_rows(qtbot, panels, 5)
    table = panels.annotations.table
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(panels.annotations.model.index(0, 0), flags)
    selection.select(panels.annotations.model.index(1, 0), flags)
    assert panels.annotations.delete_button.isEnabled()
    panels.annotations.delete_button.click()
    wait_rows(qtbot, panels, 3)
    assert window.act_undo.text() == "&Annuler Supprimer 2 annotations"
    window.undo_stack.undo()
    wait_rows(qtbot, panels, 5)
    with UserStore(window.paths.user_db, readonly=True) as store:
        assert store.count() == 5


def dossier_named(window: MainWindow, name: str):  # type: ignore[no-untyped-def]
    with UserStore(window.paths.user_db, readonly=True) as store:
        return store.dossier_named(name)


def test_dossier_created_and_filled_from_two_selected_results(
    qtbot: QtBot, window: MainWindow, panels: UserPanels
) -> None:
    panels.act_dossiers.trigger()
    edit(qtbot, window, lambda: panels.dossiers.create_dossier("Santé publique", "Pour la circonscription"))
    assert panels.dossiers.list_model.rowCount() == 1
    assert panels.dossiers.current_id() == dossier_named(window, "Santé publique").id

    search(qtbot, window, "hopital")
    assert window.model.rowCount() >= 2
    table = window.table
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().select(window.model.index(0, 0), flags)
    table.selectionModel().select(window.model.index(1, 0), flags)
    wanted = [window.model.uid_at(0), window.model.uid_at(1)]

    menu = panels.results_menu()
    sub = menu.findChild(QMenu, "add_to_dossier_menu")
    assert sub is not None
    texts = [a.text() for a in sub.actions()]
    assert texts == ["Santé publique", "", "Nouveau dossier…"]
    edit(qtbot, window, sub.actions()[0].trigger)

    dossier = dossier_named(window, "Santé publique")
    assert list(dossier.items) == wanted
    items = panels.dossiers.items_model
    assert items.rowCount() == 2
    assert list(items.uids) == wanted
    for row, uid in enumerate(wanted):
        number = uid[uid.rindex("Q") + 2 :]  # QANR5L16QG441: 441
        assert f" n° {number} · " in items.index(row, items.COL_REFERENCE).data()
    assert panels.dossiers.title.text().startswith("Santé publique — 2 questions")
    # The results already in it: the menu says so.
    sub = panels.results_menu().findChild(QMenu, "add_to_dossier_menu")
    assert sub is not None
    assert not sub.actions()[0].isEnabled()


def test_dossier_reorder_remove_drop_and_undo(
    qtbot: QtBot, qtmodeltester, window: MainWindow, panels: UserPanels
) -> None:
    panels.act_dossiers.trigger()
    energy = replace(panels.reads.new_dossier("Énergie"), items=(Q1, Q2, Q3))
    edit(qtbot, window, lambda: window.do_edit(PutDossier(energy), "Créer le dossier"))
    farming = panels.reads.new_dossier("Agriculture")
    edit(qtbot, window, lambda: window.do_edit(PutDossier(farming), "Créer le dossier"))
    dossiers = panels.dossiers
    assert [d.name for d in dossiers.list_model.dossiers] == ["Énergie", "Agriculture"]
    assert dossiers.select_dossier(energy.id)
    items = dossiers.items_model
    qtmodeltester.check(items)
    qtmodeltester.check(dossiers.list_model)
    assert [items.index(r, items.COL_REFERENCE).data() for r in range(3)] == [
        "QE n° 101851 · 13e",
        "QE n° 5268 · 17e",
        "QE n° 47351 · 14e",
    ]
    assert items.index(0, items.COL_STATUS).data() == "Répondue"

    # The last question dragged to the top, then dropped back at the end.
    edit(qtbot, window, lambda: items.moveRows(QModelIndex(), 2, 1, QModelIndex(), 0))
    assert items.uids == (Q3, Q1, Q2)
    copy = Qt.DropAction.CopyAction
    edit(qtbot, window, lambda: items.dropMimeData(questions_mime([Q3]), copy, 3, 0, QModelIndex()))
    assert items.uids == (Q1, Q2, Q3)

    # Removed, then put back by Ctrl+Z.
    dossiers.items.selectRow(1)
    edit(qtbot, window, dossiers.remove_button.click)
    assert items.uids == (Q1, Q3)
    assert window.act_undo.text() == "&Annuler Retirer une question de « Énergie »"
    edit(qtbot, window, window.undo_stack.undo)
    assert items.uids == (Q1, Q2, Q3)

    # Result rows dropped onto a dossier of the list.
    dossier_list = dossiers.list_model
    target = dossier_list.index(1, 0)
    edit(qtbot, window, lambda: dossier_list.dropMimeData(questions_mime([Q2, Q3]), copy, -1, 0, target))
    assert dossier_named(window, "Agriculture").items == (Q2, Q3)
    assert dossier_list.index(1, 0).data() == "Agriculture (2)"

    # The dossiers themselves reordered.
    edit(qtbot, window, lambda: dossier_list.moveRows(QModelIndex(), 1, 1, QModelIndex(), 0))
    assert [d.name for d in dossier_list.dossiers] == ["Agriculture", "Énergie"]

    # Deleted (the panel asks first), and back with its questions by Ctrl+Z.
    assert dossiers.select_dossier(energy.id)
    edit(qtbot, window, lambda: dossiers.delete_dossier(ask=False))
    assert dossier_named(window, "Énergie") is None
    edit(qtbot, window, window.undo_stack.undo)
    assert dossier_named(window, "Énergie").items == (Q1, Q2, Q3)


def test_saved_search_runs_and_counts_new_answers_after_an_import(
    qtbot: QtBot, window: MainWindow, panels: UserPanels, tmp_path: Path
) -> None:
    # The real record, first without its answer (as it was before the answer was published).
    record = json.loads(QE17_RECORD.read_text(encoding="utf-8"))
    pending = json.loads(json.dumps(record))
    pending["question"]["textesReponse"] = None
    pending["question"]["cloture"] = None
    before = tmp_path / "avant" / "QANR5L17QE5268.json"
    before.parent.mkdir()
    before.write_text(json.dumps(pending, ensure_ascii=False), encoding="utf-8")
    with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
        window.import_paths([before])
    window.import_dialog.close()  # type: ignore[union-attr]

    search(qtbot, window, "diamants")
    assert Q2 in [window.model.uid_at(r) for r in range(window.model.rowCount())]
    window.filters[:] = [("type", "QE")]
    edit(qtbot, window, lambda: panels.save_search("Diamants de synthèse"))
    assert panels.searches.item_texts() == ["Diamants de synthèse"]
    saved = panels.searches.search_named("Diamants de synthèse")
    assert saved is not None
    assert (saved.query, saved.filters, saved.sort) == ("diamants", (("type", "QE"),), "pertinence")

    # Another search, then the saved one runs again: query, filters and order restored.
    window.filters.clear()
    window.search_bar.set_sort_key("date")
    search(qtbot, window, "agriculture")
    with qtbot.waitSignal(window.ready, timeout=TIMEOUT):
        panels.searches.list.setCurrentRow(0)
        panels.searches.on_list_item_activated(panels.searches.list.item(0))
    assert window.search_bar.text() == "diamants"
    assert window.filters == [("type", "QE")]
    assert window.search_bar.sort_key() == "pertinence"
    assert [window.model.uid_at(r) for r in range(window.model.rowCount())] == [Q2]

    # The answer is published: importing the real record says so in the list.
    after = tmp_path / "apres" / "QANR5L17QE5268.json"
    after.parent.mkdir()
    shutil.copy(QE17_RECORD, after)
    with qtbot.waitSignal(window.import_reported, timeout=TIMEOUT):
        window.import_paths([after])
    qtbot.waitUntil(
        lambda: panels.searches.item_texts() == ["Diamants de synthèse\n1 nouvelle réponse"], timeout=TIMEOUT
    )

    # Opened again: nothing new any more.
    with qtbot.waitSignal(window.user_changed, timeout=TIMEOUT):
        panels.searches.on_list_item_activated(panels.searches.list.item(0))
    qtbot.waitUntil(lambda: panels.searches.item_texts() == ["Diamants de synthèse"], timeout=TIMEOUT)


def test_jsonld_round_trip_through_a_second_data_folder(
    qtbot: QtBot,
    window: MainWindow,
    panels: UserPanels,
    corpus: CorpusStore,
    prepared_data: Path,
    tmp_path: Path,
) -> None:
    annotations = some_annotations(corpus)
    annotate(qtbot, window, annotations)
    edit(qtbot, window, lambda: panels.dossiers.create_dossier("À suivre"))
    dossier = dossier_named(window, "À suivre")
    edit(qtbot, window, lambda: panels.dossiers.add_questions(dossier.id, [Q1, Q3]))
    target = tmp_path / "partage.jsonld"
    with qtbot.waitSignal(panels.jobs.exported, timeout=TIMEOUT) as exported:
        panels.export_annotations(target, ask=False)
    assert exported.args[0].error is None
    assert (exported.args[0].summary.annotations, exported.args[0].summary.dossiers) == (5, 1)

    other_root = tmp_path / "autre"
    shutil.copytree(prepared_data, other_root)
    other = open_window(qtbot, DataPaths(other_root))
    try:
        qtbot.waitUntil(lambda: other.user_state is not None and other.user_state.ready, timeout=TIMEOUT)
        with qtbot.waitSignal(other.user_imported, timeout=TIMEOUT) as imported:
            other.user_panels.import_annotations(target)
        report = other.user_panels.import_report
        assert report is not None
        assert "Annotations : 5 ajoutées, 0 mises à jour, 0 déjà présentes" in report.text()
        assert "Dossiers : 1 ajoutés" in report.text()
        assert imported.args[0].error is None
        qtbot.waitUntil(lambda: other.user_panels.annotations.model.total == 5, timeout=TIMEOUT)
        with UserStore(other.paths.user_db, readonly=True) as store:
            assert store.count() == 5
            assert [d.items for d in store.dossiers()] == [(Q1, Q3)]
            assert {a.id for a in store.get_annotations(store.annotation_ids()).values()} == {
                a.id for a in annotations
            }

        # Twice: nothing added.
        with qtbot.waitSignal(other.user_imported, timeout=TIMEOUT):
            other.user_panels.import_annotations(target)
        assert (
            "Annotations : 0 ajoutées, 0 mises à jour, 5 déjà présentes"
            in other.user_panels.import_report.text()
        )  # type: ignore[union-attr]
        with UserStore(other.paths.user_db, readonly=True) as store:
            assert store.count() == 5

        # A malformed file: refused, named, in French.
        broken = tmp_path / "abîmé.jsonld"
        broken.write_text('{"type": "AnnotationCollection", "first": ', encoding="utf-8")
        with qtbot.waitSignal(other.user_imported, timeout=TIMEOUT) as refused:
            other.user_panels.import_annotations(broken)
        assert refused.args[0].error is not None
        assert "abîmé.jsonld" in refused.args[0].error
        assert "n'a pas été importé" in refused.args[0].error
        assert other.user_panels.import_report is not None
        assert other.user_panels.import_report.icon() == QMessageBox.Icon.Warning
    finally:
        other.close()
