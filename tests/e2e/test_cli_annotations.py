"""Annotations and dossiers from the command line, as a user runs it: subprocesses, data folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_cli import run
from test_data_folder import readonly

from conftest import DATA

REF = "13-101851QE"
UID = "QANR5L13QE101851"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("annotations") / "data"
    result = run(data, "import", "--sample")
    assert result.returncode == 0, result.stderr
    return data


@pytest.fixture
def data(sample: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sample, target)
    return target


def ok(data: Path, *args: str) -> str:
    result = run(data, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def refused(data: Path, *args: str) -> str:
    result = run(data, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("qe-desktop : ")
    return result.stderr


def test_add_then_list_a_highlight_a_note_and_tags(data: Path) -> None:
    added = json.loads(
        ok(
            data,
            "annotations",
            "add",
            REF,
            "--pane",
            "reponse",
            "--quote",
            "la lutte contre la torture",
            "--couleur",
            "1",
            "--note",
            "Engagement de la France",
            "--tag",
            "torture",
            "--tag",
            "Kazakhstan",
            "--json",
        )
    )
    assert added["pane"] == "answer"
    shown = json.loads(ok(data, "show", REF, "--json"))
    assert shown["answer_text"][added["start"] : added["end"]] == "la lutte contre la torture"
    ok(data, "annotations", "add", "17-5268", "--note", "Relancer le ministère")
    listed = json.loads(ok(data, "annotations", "list", "--json"))
    assert [r["note"] for r in listed] == ["Relancer le ministère", "Engagement de la France"]
    assert listed[1]["colour_meaning"] == "Engagement du ministre"
    assert listed[0]["pane"] is None
    by_tag = json.loads(ok(data, "annotations", "list", "--tag", "kazakhstan", "--json"))
    assert [r["id"] for r in by_tag] == [added["id"]]
    text = ok(data, "annotations", "list", "--mots", "relancer")
    assert "17-5268QE — note sur toute la question" in text
    assert "Relancer le ministère" in text


def test_a_quote_found_several_times_needs_its_occurrence(data: Path) -> None:
    message = refused(data, "annotations", "add", REF, "--pane", "reponse", "--quote", "torture")
    assert "apparaît 5 fois" in message
    assert "--occurrence" in message
    added = json.loads(
        ok(
            data,
            "annotations",
            "add",
            REF,
            "--pane",
            "reponse",
            "--quote",
            "torture",
            "--occurrence",
            "2",
            "--json",
        )
    )
    shown = json.loads(ok(data, "show", REF, "--json"))
    occurrences = [
        i for i in range(len(shown["answer_text"])) if shown["answer_text"].startswith("torture", i)
    ]
    assert added["start"] == occurrences[1]
    assert "n'est pas dans le texte" in refused(
        data, "annotations", "add", REF, "--pane", "question", "--quote", "pas dans ce texte"
    )
    assert "--pane et --quote" in refused(data, "annotations", "add", REF, "--quote", "torture")


def test_a_quote_typed_without_non_breaking_spaces_is_found(data: Path) -> None:
    shown = json.loads(ok(data, "show", "QANR5L16QG6", "--json"))
    text = shown["answer_text"]  # a session transcript: « M.\u00a0le ministre », « ?\u00a0»
    at = text.index("\u00a0")
    typed = text[at - 6 : at + 6].replace("\u00a0", " ")
    added = json.loads(
        ok(data, "annotations", "add", "QANR5L16QG6", "--pane", "reponse", "--quote", typed, "--json")
    )
    assert added["quote"] == text[at - 6 : at + 6]
    assert "\u00a0" in added["quote"]


def test_dossiers_from_the_command_line(data: Path) -> None:
    assert "créé" in ok(data, "dossier", "create", "Droits humains", "--description", "Groupe d'amitié")
    assert "déjà" in refused(data, "dossier", "create", "droits HUMAINS")
    assert "2 questions ajoutées" in ok(data, "dossier", "add", "Droits humains", REF, "17-5268")
    assert "y était déjà" in ok(data, "dossier", "add", "droits humains", REF)
    shown = json.loads(ok(data, "dossier", "show", "Droits humains", "--json"))
    assert [i["uid"] for i in shown["items"]] == [UID, "QANR5L17QE5268"]
    assert shown["description"] == "Groupe d'amitié"
    ok(data, "annotations", "add", REF, "--note", "Note")
    listed = json.loads(ok(data, "annotations", "list", "--dossier", "Droits humains", "--json"))
    assert len(listed) == 1
    assert "1 question retirée" in ok(data, "dossier", "remove", "Droits humains", REF)
    assert [d["questions"] for d in json.loads(ok(data, "dossier", "list", "--json"))] == [1]
    assert "aucun dossier" in refused(data, "dossier", "show", "Inconnu")
    assert "supprimé" in ok(data, "dossier", "delete", "Droits humains")
    assert "Aucun dossier" in ok(data, "dossier", "list")


def test_export_import_through_a_second_data_folder(data: Path, tmp_path: Path, sample: Path) -> None:
    ok(
        data,
        "annotations",
        "add",
        REF,
        "--pane",
        "question",
        "--quote",
        "Kazakhstan",
        "--occurrence",
        "1",
        "--couleur",
        "2",
        "--tag",
        "pays",
    )
    ok(data, "dossier", "create", "Asie centrale")
    ok(data, "dossier", "add", "Asie centrale", REF)
    exported = tmp_path / "bureau.jsonld"
    assert "1 annotation et 1 dossier exportés" in ok(data, "annotations", "export", str(exported))
    other = tmp_path / "collegue"
    shutil.copytree(sample, other)
    report = json.loads(ok(other, "annotations", "import", str(exported), "--json"))
    assert (len(report["added"]), len(report["dossiers_added"])) == (1, 1)
    again = json.loads(ok(other, "annotations", "import", str(exported), "--json"))
    assert (again["added"], again["unchanged"], again["dossiers_unchanged"]) == ([], 1, 1)
    mine = json.loads(ok(data, "annotations", "list", "--json"))
    theirs = json.loads(ok(other, "annotations", "list", "--json"))
    assert mine == theirs
    bad = tmp_path / "abime.jsonld"
    bad.write_text('{"type": "AnnotationCollection", "first": ', encoding="utf-8")
    message = refused(other, "annotations", "import", str(bad))
    assert str(bad) in message
    assert "rien n'a été ajouté" in message


def test_imports_reimports_a_deleted_corpus_and_rebuilds_never_touch_user_sqlite(data: Path) -> None:
    ok(
        data,
        "annotations",
        "add",
        REF,
        "--pane",
        "reponse",
        "--quote",
        "Kazakhstan",
        "--occurrence",
        "1",
        "--note",
        "à garder",
    )
    ok(data, "dossier", "create", "Gardé")
    user_files = sorted(p for p in data.iterdir() if p.name.startswith("user.sqlite"))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in user_files}
    ok(data, "import", str(DATA / "an_json"))
    ok(data, "import", "--sample")
    ok(data, "reindex")
    for name in ("corpus.sqlite", "corpus.sqlite-wal", "corpus.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    shutil.rmtree(data / "index")
    ok(data, "import", "--sample")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in user_files}
    assert after == before
    listed = json.loads(ok(data, "annotations", "list", "--json"))
    assert [r["note"] for r in listed] == ["à garder"]
    assert listed[0]["placement"] == "exact"


def test_annotations_of_a_question_gone_from_the_corpus_are_kept_and_listed(data: Path) -> None:
    ok(
        data,
        "annotations",
        "add",
        REF,
        "--pane",
        "reponse",
        "--quote",
        "Kazakhstan",
        "--occurrence",
        "1",
        "--note",
        "gardée",
    )
    for name in ("corpus.sqlite", "corpus.sqlite-wal", "corpus.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    shutil.rmtree(data / "index")
    ok(data, "import", str(DATA / "an_json"))  # a corpus without that question
    listed = json.loads(ok(data, "annotations", "list", "--orphelines", "--json"))
    assert [(r["note"], r["placement"]) for r in listed] == [("gardée", "absent")]
    assert "question absente du corpus" in ok(data, "annotations", "list")


def test_a_read_only_data_folder_lists_and_refuses_to_write(data: Path) -> None:
    ok(data, "annotations", "add", REF, "--note", "lisible")
    with readonly(data) as view:
        listed = json.loads(ok(view, "annotations", "list", "--json"))
        assert [r["note"] for r in listed] == ["lisible"]
        message = refused(view, "annotations", "add", REF, "--note", "impossible")
        assert "lecture seule" in message
        assert "lecture seule" in refused(view, "dossier", "create", "X")


def test_help_is_in_french() -> None:
    for args in (["annotations", "--help"], ["annotations", "add", "--help"], ["dossier", "add", "--help"]):
        result = run(Path("/nonexistent-never-used"), *args)
        assert result.returncode == 0, result.stderr
        assert "usage :" in result.stdout
        assert "affiche cette aide" in result.stdout
    assert "--occurrence" in run(Path("/x"), "annotations", "add", "--help").stdout


def test_search_finds_annotated_questions_by_note_and_by_filter(data: Path) -> None:
    ok(data, "annotations", "add", "17-5268", "--note", "Relancer les hôpitaux du ministère")
    found = json.loads(ok(data, "search", "note:hopital", "--json"))
    assert [h["uid"] for h in found["hits"]] == ["QANR5L17QE5268"]
    annotated = json.loads(ok(data, "search", "", "--filtre", "annotee=oui", "--json"))
    assert annotated["total"] == 1
    assert {"value": "oui", "count": 1} in annotated["facets"]["annotee"]
    text = ok(data, "search", "diamants")
    assert "Annotations : Annotées (1)" in text


def test_export_dossier_to_pdf_and_csv(data: Path, tmp_path: Path) -> None:
    """A dossier exported from the command line; a missing selection or folder is a French error, exit 2."""
    ok(data, "dossier", "create", "Défense")
    ok(data, "dossier", "add", "Défense", "14-47351QE", "13-101851QE")
    out = tmp_path / "défense.pdf"
    summary = json.loads(ok(data, "export", "pdf", "--dossier", "Défense", "-o", str(out), "--json"))
    assert summary["questions"] == 2
    assert out.read_bytes().startswith(b"%PDF")
    table = tmp_path / "défense.csv"
    ok(data, "export", "csv", "--dossier", "Défense", "-o", str(table))
    assert table.read_bytes().count(b"\r\n") >= 3
    assert "indiquez les questions à exporter" in refused(data, "export", "pdf", "-o", str(out))
    assert "n'existe pas" in refused(
        data, "export", "pdf", "14-47351QE", "-o", str(tmp_path / "absent" / "x.pdf")
    )
    assert "aucun dossier" in refused(
        data, "export", "md", "--dossier", "Inconnu", "-o", str(tmp_path / "x.md")
    )
