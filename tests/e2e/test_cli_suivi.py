"""``qe-desktop suivi``, ``stats`` and ``reponses-identiques`` as subprocesses, on the sample corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run

from conftest import write_official_questions


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, and two more 17th-legislature questions that received the answer of QE 5268."""
    root = tmp_path_factory.mktemp("suivi")
    copies = write_official_questions(root / "copies", 2, start_number=90001)
    result = run(root / "data", "import", "--sample", str(copies), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "data"


def test_suivi_json_stage_and_quota(data: Path) -> None:
    result = run(data, "suivi", "--depute", "Grégoire", "--date", "2025-05-01", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    deputy = record["deputies"][0]
    assert (deputy["ref"], deputy["name"]) == ("PA721764", "Mme Olivia Grégoire")
    first = next(q for q in deputy["questions"] if q["uid"] == "QANR5L17QE5268")
    assert first["stage"] == "waiting"
    assert first["answer_deadline"] == "2025-05-25"
    assert deputy["quota"] == {
        "session_start": "2024-10-01",
        "session_end": "2025-09-30",
        "cap": 52,
        "asked": 3,
        "remaining": 49,
    }


def test_suivi_text_and_errors(data: Path) -> None:
    result = run(data, "suivi", "--depute", "Teissier", "--date", "2026-09-01")
    assert result.returncode == 0, result.stderr
    assert "M. Guy Teissier (sans référence AMO) — 1 question" in result.stdout
    assert "répondue après signalement, dans les dix jours ; signalée le 3 mai 1999" in result.stdout
    missing = run(data, "suivi", "--depute", "Zzyzx")
    assert missing.returncode == 2
    assert "aucun député ne correspond à « Zzyzx »" in missing.stderr
    none = run(data, "suivi")
    assert none.returncode == 2
    assert "indiquez au moins un député" in none.stderr
    bad = run(data, "suivi", "--depute", "Teissier", "--date", "hier")
    assert bad.returncode == 2
    assert "date illisible : « hier »" in bad.stderr


def test_stats_per_year_and_on_a_query(data: Path) -> None:
    result = run(data, "stats", "--par", "annee", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    years = {g["label"]: g["questions"] for g in record["groups"]}
    assert years["2025"] == 3
    assert record["total"]["questions"] == sum(years.values())
    query = run(data, "stats", "--requete", "diamants synthétiques", "--json")
    assert query.returncode == 0, query.stderr
    found = json.loads(query.stdout)
    assert found["total"]["questions"] == 3
    assert found["groups"][0]["label"] == "Économie, finances, souveraineté industrielle et numérique"
    text = run(data, "stats", "--regrouper")
    assert text.returncode == 0, text.stderr
    assert "Travail et emploi" in text.stdout
    assert "Noms successifs regroupés" in text.stdout


def test_reponses_identiques(data: Path) -> None:
    result = run(data, "reponses-identiques", "17-5268", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["count"] == 2
    assert [q["uid"] for q in record["questions"]] == ["QANR5L17QE90001", "QANR5L17QE90002"]
    text = run(data, "reponses-identiques", "17-90001")
    assert "17-90001QE : même réponse que 2 autres questions." in text.stdout
    alone = run(data, "reponses-identiques", "13-101851")
    assert "aucune autre question n'a reçu la même réponse" in alone.stdout
    unknown = run(data, "reponses-identiques", "17-424242")
    assert unknown.returncode == 2
    assert "aucune question ne correspond à « 17-424242 »" in unknown.stderr
