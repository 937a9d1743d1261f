"""The words for statuses, types and facets come from one module, whoever shows them.

The command line, the window's results list and filter panel, and the rendered
page (reader and exports) all read :mod:`qe_desktop.labels`: changing a word
there changes it everywhere, and the query language takes what the help says.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from qe_desktop import labels
from qe_desktop.cli import format_hit, format_question, format_result
from qe_desktop.model import Hit, Question, SearchResult
from qe_desktop.render import key_data, title
from qe_desktop.search.query import parse_query
from qe_desktop.ui.filters import chip_label
from qe_desktop.ui.results_model import ResultRow, ResultsModel

pytestmark = pytest.mark.usefixtures("qapp")  # the results model draws status icons

TODAY = date(2026, 11, 28)


def question(status: str, qtype: str = "QE") -> Question:
    answered = status == "answered"
    return Question(
        uid=f"QANR5L13{qtype}101851",
        legislature=13,
        type=qtype,  # type: ignore[arg-type]
        number=101851,
        rubrique="Politique extérieure",
        analyse="Kazakhstan. droits de l'homme",
        question_text="Texte.",
        question_date="2011-03-08",
        answer_date="2011-06-14" if answered else None,
        answer_text="Réponse." if answered else None,
        status=status,  # type: ignore[arg-type]
    )


def hit(q: Question) -> Hit:
    return Hit(
        uid=q.uid,
        score=1.0,
        legislature=q.legislature,
        type=q.type,
        number=q.number,
        analyse=q.analyse,
        tete_analyse=None,
        rubrique=q.rubrique,
        author=None,
        group_abbrev=None,
        question_date=q.question_date,
        answer_date=q.answer_date,
        status=q.status,
    )


def shown_by_the_model(q: Question) -> str:
    model = ResultsModel(TODAY)
    model.reset_results(1, 1, [ResultRow.from_hit(hit(q))])
    return str(model.index(0, ResultsModel.COL_STATUS).data())


def statut_in_key_data(q: Question) -> str:
    return next(d.value for d in key_data(q, TODAY) if d.label == "Statut")


@pytest.mark.parametrize("status", [s.code for s in labels.STATUSES])
def test_every_status_reads_the_same_in_the_cli_the_results_list_and_the_page(status: str) -> None:
    q = question(status)
    word = labels.status_label(status)
    assert f"Statut : {word}" in format_question(q)
    assert f" — {word}" in "".join(str(p) for p in format_hit(1, hit(q)))
    assert shown_by_the_model(q) == labels.status_label(status, capital=True)
    assert statut_in_key_data(q).startswith(labels.status_label(status, capital=True))
    assert chip_label("status", status) == f"Statut : {labels.status_label(status, capital=True)}"
    # What the help gives to type finds that status, and is said with the same word.
    typed = next(s.query_word for s in labels.STATUSES if s.code == status)
    assert f"statut « {word} »" in parse_query(f"statut:{typed}").interpretation


@pytest.mark.parametrize("kind", labels.QUESTION_TYPES)
def test_every_type_reads_the_same_in_the_cli_the_filters_and_the_page(kind: labels.QuestionKind) -> None:
    q = question("answered", kind.code)
    assert title(q) == f"{kind.singular} n° 101851 — 13e législature"
    assert format_question(q).startswith(f"{kind.singular} n° 101851 — 13e législature (")
    assert chip_label("type", kind.code) == f"Type : {kind.plural}"
    assert labels.uncapitalised(kind.plural) in parse_query(f"type:{kind.code.lower()}").interpretation


def test_facet_titles_and_values_of_the_cli_are_those_of_the_filter_panel() -> None:
    result = SearchResult(
        query="",
        interpretation="Toutes les questions",
        total=3,
        hits=(),
        facets={
            "legislature": [("13", 2), ("1", 1)],
            "type": [("QG", 3)],
            "status": [("pending", 3)],
            "rubrique": [("politique extérieure", 3)],
        },
    )
    text = "".join(str(p) for p in format_result(result))
    assert "  Législature : 13e législature (2), 1re législature (1)" in text
    assert "  Type : Questions au Gouvernement (3)" in text
    assert "  Statut : En attente (3)" in text
    assert "  Rubrique : Politique extérieure (3)" in text
    # The chip of a filter on a value says what the command line's breakdown says.
    for facet, value, count in (("legislature", "13", 2), ("type", "QG", 3), ("status", "pending", 3)):
        assert f"  {chip_label(facet, value)} ({count})" in text


def test_a_word_changed_in_the_labels_module_changes_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    # Provenance: nothing keeps a copy of its own.
    answered = dataclasses.replace(labels._STATUS_BY_CODE["answered"], label="exaucée")
    monkeypatch.setitem(labels._STATUS_BY_CODE, "answered", answered)
    written = dataclasses.replace(
        labels._TYPE_BY_CODE["QE"], singular="Question libre", plural="Questions libres"
    )
    monkeypatch.setitem(labels._TYPE_BY_CODE, "QE", written)
    monkeypatch.setitem(labels.FACET_TITLES, "status", "État")
    q = question("answered")
    assert "Statut : exaucée" in format_question(q)
    assert format_question(q).startswith("Question libre n° 101851")
    assert shown_by_the_model(q) == "Exaucée"
    assert statut_in_key_data(q) == "Exaucée"
    assert title(q).startswith("Question libre n° 101851")
    assert chip_label("status", "answered") == "État : Exaucée"
    assert chip_label("type", "QE") == "Type : Questions libres"
    assert "statut « exaucée »" in parse_query("statut:repondue").interpretation
