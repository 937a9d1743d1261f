"""W3C Web Annotation JSON-LD: what is written, the round trip, stable ids, conflicts, refusals."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from annotation_helpers import QE17_UID, QUESTION_UID, add, passage

from qe_desktop.annotations.edits import AddToDossier, EditAnnotation, PutDossier, new_annotation
from qe_desktop.annotations.store import UserStore
from qe_desktop.annotations.webannotation import AnnotationFileError, export_file, import_file
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore


@pytest.fixture
def other(tmp_path: Path, sample_corpus_file: Path) -> DataPaths:
    """A second data folder (a colleague's), with the same corpus."""
    root = tmp_path / "collegue"
    root.mkdir()
    shutil.copy(sample_corpus_file, root / "corpus.sqlite")
    return DataPaths(root)


def work(user: UserStore, corpus: CorpusStore) -> tuple[str, str, str]:
    q = corpus.get(QUESTION_UID)
    assert q is not None
    highlight = add(
        user,
        passage(
            q,
            "answer",
            "la lutte contre la torture",
            colour=1,
            note="Engagement\n\nà suivre",
            tags=("torture", "Kazakhstan"),
        ),
    )
    note = add(user, new_annotation(q, None, note="Relancer en 2012", tags=("relance",)))
    d = user.new_dossier("Droits humains", "Pour le groupe d'amitié")
    user.apply(PutDossier(replace(d, items=(QUESTION_UID, QE17_UID))))
    return highlight.id, note.id, d.id


def test_the_export_is_a_web_annotation_collection(
    user: UserStore, corpus: CorpusStore, tmp_path: Path
) -> None:
    highlight_id, note_id, dossier_id = work(user, corpus)
    out = tmp_path / "annotations.jsonld"
    summary = export_file(user, out, corpus=corpus)
    assert (summary.annotations, summary.dossiers) == (2, 1)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert doc["total"] == len(items) == 3
    by_id = {i["id"]: i for i in items}
    h = by_id[f"urn:uuid:{highlight_id}"]
    assert h["type"] == "Annotation"
    assert h["motivation"] == ["highlighting", "commenting"]
    assert h["target"]["source"] == "https://questions.assemblee-nationale.fr/q13/13-101851QE.htm"
    assert h["target"]["question"] == QUESTION_UID
    assert h["target"]["pane"] == "answer"
    assert h["target"]["textHash"].startswith("sha256:")
    quote, position = h["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "la lutte contre la torture",
        "prefix": quote["prefix"],
        "suffix": quote["suffix"],
    }
    q = corpus.get(QUESTION_UID)
    assert q is not None
    assert q.answer_text is not None
    assert q.answer_text[position["start"] : position["end"]] == "la lutte contre la torture"
    bodies = {(b.get("purpose"), b["value"]) for b in h["body"]}
    assert ("commenting", "Engagement\n\nà suivre") in bodies
    assert ("tagging", "torture") in bodies
    assert ("classifying", "Engagement du ministre") in bodies
    assert [b["colour"] for b in h["body"] if b.get("purpose") == "classifying"] == [1]
    n = by_id[f"urn:uuid:{note_id}"]
    assert n["motivation"] == "commenting"
    assert "selector" not in n["target"]
    d = by_id[f"urn:uuid:{dossier_id}"]
    assert d["motivation"] == "bookmarking"
    assert d["target"]["type"] == "List"
    assert [i["question"] for i in d["target"]["items"]] == [QUESTION_UID, QE17_UID]
    assert {(b["purpose"], b["value"]) for b in d["body"]} == {
        ("identifying", "Droits humains"),
        ("describing", "Pour le groupe d'amitié"),
    }


def test_round_trip_through_a_second_data_folder_and_importing_twice_adds_nothing(
    user: UserStore, corpus: CorpusStore, other: DataPaths, tmp_path: Path
) -> None:
    work(user, corpus)
    out = tmp_path / "a.jsonld"
    export_file(user, out, corpus=corpus)
    with UserStore.open(other) as colleague:
        report = import_file(colleague, out)
        assert (len(report.added), len(report.dossiers_added)) == (2, 1)
        assert report.changes.annotations_added == report.added
        again = import_file(colleague, out)
        assert (len(again.added), len(again.updated), again.unchanged) == (0, 0, 2)
        assert (again.dossiers_unchanged, again.conflicts) == (1, ())
        assert again.changes.empty
        for a in user.get_annotations(user.annotation_ids()).values():
            assert colleague.annotation(a.id) == a
        assert [(d.id, d.name, d.items, d.description) for d in colleague.dossiers()] == [
            (d.id, d.name, d.items, d.description) for d in user.dossiers()
        ]
        # Back again: the colleague's copy exported and imported here changes nothing.
        back = tmp_path / "b.jsonld"
        export_file(colleague, back)
    assert import_file(user, back).changes.empty


def test_a_conflicting_edit_keeps_the_most_recent_and_says_so(
    user: UserStore, corpus: CorpusStore, other: DataPaths, tmp_path: Path
) -> None:
    highlight_id, _, dossier_id = work(user, corpus)
    out = tmp_path / "a.jsonld"
    export_file(user, out)
    with UserStore.open(other) as colleague:
        import_file(colleague, out)
        colleague.apply(EditAnnotation(highlight_id, 3, "Vérifier les chiffres", ("torture",)))
        colleague.apply(AddToDossier(dossier_id, ("QANR5L16QG6",)))
        newer = tmp_path / "newer.jsonld"
        export_file(colleague, newer)
    report = import_file(user, newer)
    assert report.updated == (highlight_id,)
    assert report.dossiers_updated == (dossier_id,)
    assert {(c.kind, c.kept) for c in report.conflicts} == {("annotation", "fichier"), ("dossier", "fichier")}
    assert any("version du fichier gardée" in line for line in report.lines())
    stored = user.annotation(highlight_id)
    assert stored is not None
    assert (stored.colour, stored.note) == (3, "Vérifier les chiffres")
    # The older file now loses: the local version, more recent, is kept and the report says it.
    report = import_file(user, out)
    assert report.updated == ()
    assert {c.kept for c in report.conflicts} == {"local"}
    assert any("version d'ici gardée" in line for line in report.lines())
    stored = user.annotation(highlight_id)
    assert stored is not None
    assert stored.note == "Vérifier les chiffres"


def test_a_dossier_name_taken_here_is_imported_under_another_name(
    user: UserStore, corpus: CorpusStore, other: DataPaths, tmp_path: Path
) -> None:
    work(user, corpus)
    out = tmp_path / "a.jsonld"
    export_file(user, out)
    with UserStore.open(other) as colleague:
        colleague.apply(PutDossier(colleague.new_dossier("droits HUMAINS")))
        report = import_file(colleague, out)
        assert report.renamed == (("Droits humains", "Droits humains (2)"),)
        assert sorted(d.name for d in colleague.dossiers()) == ["Droits humains (2)", "droits HUMAINS"]


def _document(items: list[Any]) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": items},
    }


GOOD = {
    "type": "Annotation",
    "id": "urn:uuid:5b0f7c52-6a07-4a4e-9c39-3d3c3e1d4d01",
    "created": "2025-03-08T10:21:05Z",
    "modified": "2025-03-08T10:21:05Z",
    "body": [{"type": "TextualBody", "value": "Une note", "purpose": "commenting"}],
    "target": {"source": "https://questions.assemblee-nationale.fr/q13/13-101851QE.htm"},
}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xff\xfe pas du texte", "UTF-8"),
        (b'{"type": "AnnotationCollection", ', "JSON valide (ligne 1"),
        (json.dumps({"type": "Book"}).encode(), "ni annotation ni collection"),
        (json.dumps(_document([{**GOOD, "id": None}])).encode(), "élément 1 : identifiant"),
        (
            json.dumps(_document([GOOD, {**GOOD, "target": {"source": "https://exemple.fr/"}}])).encode(),
            "élément 2",
        ),
        (
            json.dumps(
                _document(
                    [
                        {
                            **GOOD,
                            "target": {
                                "source": "x",
                                "question": QUESTION_UID,
                                "pane": "answer",
                                "selector": [{"type": "TextPositionSelector", "start": 1, "end": 4}],
                            },
                        }
                    ]
                )
            ).encode(),
            "sans TextQuoteSelector",
        ),
        (json.dumps(_document([{**GOOD, "modified": "hier"}])).encode(), "« modified » illisible"),
        (json.dumps(_document([GOOD, GOOD])).encode(), "en double"),
    ],
)
def test_a_malformed_file_is_refused_whole_naming_it_and_what_is_wrong(
    user: UserStore, tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "collegue.jsonld"
    path.write_bytes(content)
    with pytest.raises(AnnotationFileError) as caught:
        import_file(user, path)
    message = str(caught.value)
    assert str(path) in message
    assert "rien n'a été ajouté" in message
    assert said in message
    assert user.count() == 0
    assert user.dossiers() == []


def test_one_bad_item_among_good_ones_imports_nothing(user: UserStore, tmp_path: Path) -> None:
    good = [{**GOOD, "id": f"urn:uuid:5b0f7c52-6a07-4a4e-9c39-3d3c3e1d4d{n:02d}"} for n in range(20)]
    bad = {
        **GOOD,
        "id": "urn:uuid:bad",
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": "x", "colour": 7}],
    }
    path = tmp_path / "mixte.jsonld"
    path.write_text(json.dumps(_document([*good, bad])), encoding="utf-8")
    with pytest.raises(AnnotationFileError, match=r"élément 21 .*couleur inconnue"):
        import_file(user, path)
    assert user.count() == 0


def test_an_annotation_of_another_tool_is_read_by_its_source_url_and_colour_meaning(
    user: UserStore, tmp_path: Path
) -> None:
    item = {
        **GOOD,
        "body": [
            {"type": "TextualBody", "value": "Chiffre / donnée", "purpose": "classifying"},
            {"type": "TextualBody", "value": "budget", "purpose": "tagging"},
            {"type": "TextualBody", "value": "Note"},
        ],
    }
    path = tmp_path / "autre.jsonld"
    path.write_text(json.dumps(item), encoding="utf-8")
    report = import_file(user, path)
    (aid,) = report.added
    stored = user.annotation(aid)
    assert stored is not None
    assert (stored.question_uid, stored.colour, stored.tags, stored.note) == (
        QUESTION_UID,
        2,
        ("budget",),
        "Note",
    )


def test_a_dossier_export_holds_that_dossier_and_the_annotations_of_its_questions(
    user: UserStore, corpus: CorpusStore, tmp_path: Path
) -> None:
    work(user, corpus)
    q17 = corpus.get(QE17_UID)
    assert q17 is not None
    inside = add(user, passage(q17, "question", "diamants synthétiques"))
    q = corpus.get("QANR5L16QG6")
    assert q is not None
    add(user, new_annotation(q, None, note="hors dossier"))
    other = user.new_dossier("Autre")
    user.apply(PutDossier(other))
    dossier = user.dossier_named("Droits humains")
    assert dossier is not None
    out = tmp_path / "dossier.jsonld"
    summary = export_file(user, out, dossier_id=dossier.id, corpus=corpus)
    assert (summary.annotations, summary.dossiers) == (3, 1)
    doc = json.loads(out.read_text(encoding="utf-8"))
    ids = {i["id"] for i in doc["first"]["items"]}
    assert f"urn:uuid:{inside.id}" in ids
    assert f"urn:uuid:{other.id}" not in ids
    assert doc["label"] == "Dossier « Droits humains »"
