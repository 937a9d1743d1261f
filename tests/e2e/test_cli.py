"""The command line as a user runs it: a subprocess, a data folder, files on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qe_desktop.model import RECORD_KEYS

from conftest import DATA, SAMPLE, official_dump

SAMPLE_QUESTIONS = 1 + 539 + 1 + 40  # QE 17, QG 16, legacy XML, page texts


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "qe_desktop", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("sample-data")
    result = run(data_dir, "import", "--sample", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["rejections"] == []
    assert report["added"] == SAMPLE_QUESTIONS
    assert report["reference_records"] > 400
    return data_dir


def test_sample_import_then_show_the_page_record(sample_data: Path) -> None:
    result = run(sample_data, "show", "13-101851QE", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert tuple(record) == RECORD_KEYS
    assert record["uid"] == "QANR5L13QE101851"
    assert record["rubrique"] == "Politique extérieure"
    assert record["question_page"] == 2121
    assert (record["answer_date"], record["answer_page"]) == ("2011-06-14", 6264)
    assert record["constituency"] == "Côtes-d'Armor (1re circonscription)"
    assert record["status"] == "answered"


def test_show_accepts_every_kind_of_reference(sample_data: Path) -> None:
    for ref in ("QANR5L17QE5268", "17-5268QE", "17-5268", "5268"):
        result = run(sample_data, "show", ref, "--json")
        assert result.returncode == 0, (ref, result.stderr)
        assert json.loads(result.stdout)["uid"] == "QANR5L17QE5268"


def test_amo_resolves_the_author_of_a_question_au_gouvernement(sample_data: Path) -> None:
    record = json.loads(run(sample_data, "show", "QANR5L16QG6", "--json").stdout)
    assert record["author"] == "Mme Mélanie Thomin"
    assert record["constituency"] == "Finistère (6e circonscription)"
    assert record["group_abbrev"] == "SOC"


def test_reimport_changes_nothing(sample_data: Path) -> None:
    result = run(sample_data, "import", "--sample", "--json")
    report = json.loads(result.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, SAMPLE_QUESTIONS)
    status = json.loads(run(sample_data, "status", "--json").stdout)
    assert status["total"] == SAMPLE_QUESTIONS


def test_status_counts_by_legislature_type_and_status(sample_data: Path) -> None:
    status = json.loads(run(sample_data, "status", "--json").stdout)
    qg = [r for r in status["counts"] if r["type"] == "QG"]
    assert sum(r["count"] for r in qg) == 539
    human = run(sample_data, "status").stdout
    assert "16e législature, QG, répondue" in human


def test_show_unknown_and_ambiguous_references_in_french(sample_data: Path) -> None:
    missing = run(sample_data, "show", "999999")
    assert missing.returncode == 2
    assert "aucune question ne correspond" in missing.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="argv is UTF-16 there, never undecodable bytes")
def test_command_line_bytes_that_are_not_utf8_are_read_without_a_crash(sample_data: Path) -> None:
    # "hépital*" typed in a Latin-1 terminal: the byte 0xE9 alone is not UTF-8.
    result = run(sample_data, "search", os.fsdecode(b"h\xe9pital*"))
    assert result.returncode == 0, result.stderr
    assert "Attention : La recherche contenait des caractères illisibles" in result.stdout
    assert "Interprétation : les mots commençant par « h\ufffdpital »" in result.stdout
    shown = run(sample_data, "show", os.fsdecode(b"\xff"))
    assert shown.returncode == 2
    assert shown.stderr == "qe-desktop : aucune question ne correspond à « \ufffd »\n"
    similar = run(sample_data, "similar", os.fsdecode(b"\xff"))
    assert similar.returncode == 2
    assert "Traceback" not in similar.stderr


def test_bad_files_are_reported_and_nothing_is_lost(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    good = DATA / "amo" / "organe" / "PO800496.json"
    assert run(data_dir, "import", str(SAMPLE / "an_json" / "qe17")).returncode == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.json").write_bytes(b"")
    (bad / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (bad / "truncated.json").write_text('{"question": {"uid": "QANR5L17QE1", "type"')
    with zipfile.ZipFile(bad / "dump.zip", "w") as z:
        z.writestr("json/readme.txt", "ceci n'est pas une question")
    result = run(data_dir, "import", str(bad), str(good), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    reasons = {
        Path(r["source"].split("!")[0]).name
        + ("!" + r["source"].split("!")[1] if "!" in r["source"] else ""): r["reason"]
        for r in report["rejections"]
    }
    assert set(reasons) == {"empty.json", "binary.bin", "truncated.json", "dump.zip!json/readme.txt"}
    assert reasons["empty.json"] == "fichier vide"
    assert "binaire" in reasons["binary.bin"]
    status = json.loads(run(data_dir, "status", "--json").stdout)
    assert status["total"] == 1


def test_one_broken_member_of_a_dump_is_cleaned_said_so_and_the_others_stored(tmp_path: Path) -> None:
    def surrogate(question: dict[str, Any]) -> None:
        question["textesQuestion"]["texteQuestion"]["texte"] += "\ud800"  # as "\\ud800" in the JSON

    dump = official_dump(tmp_path / "dump.zip", 3000, {1234: surrogate})
    data_dir = tmp_path / "data"
    note = "Caractère invalide (U+D800) remplacé par \ufffd dans le texte de la question"
    result = run(data_dir, "import", str(dump))
    assert result.returncode == 0, result.stderr  # stored, with its note: nothing lost
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Ajoutées : 3000",
        "Mises à jour : 0",
        "Inchangées : 0",
        "Rejetées : 0",
        "Nettoyées : 1 (enregistrées, avec des notes d'import)",
    ]
    assert lines[5:] == [f"  nettoyé : {dump}!json/QANR5L17QE1234.json [QANR5L17QE1234] — {note}"]

    shown = run(data_dir, "show", "17-1234QE")
    assert shown.returncode == 0, shown.stderr
    assert f"Notes d'import : {note}" in shown.stdout.splitlines()
    record = json.loads(run(data_dir, "show", "17-1234QE", "--json").stdout)
    assert tuple(record) == RECORD_KEYS
    assert record["source_notes"] == [note]
    assert record["question_text"].endswith("\ufffd")
    assert json.loads(run(data_dir, "show", "17-1233QE", "--json").stdout)["source_notes"] == []

    again = json.loads(run(data_dir, "import", str(dump), "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 3000, 0)
    assert again["cleaned"] == 1
    assert again["cleanings"] == [
        {"source": f"{dump}!json/QANR5L17QE1234.json", "record": "QANR5L17QE1234", "notes": [note]}
    ]
    found = json.loads(run(data_dir, "search", "17-1234QE", "--json").stdout)
    assert found["hits"][0]["uid"] == "QANR5L17QE1234"


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("json/QANR5L17QE1.json", b"0" * (64 * 1024 * 1024))
    result = run(tmp_path / "data", "import", str(bomb), "--json")
    assert result.returncode == 1
    [rejection] = json.loads(result.stdout)["rejections"]
    assert "bombe" in rejection["reason"]


def test_help_is_french(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert "importe des fichiers" in result.stdout
    assert "options :" in result.stdout
