"""The search commands of the command line: search, similar, reindex, and import indexing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qe_desktop.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    folder = str(tmp_path / "data")
    assert (
        main(["import", "--data-dir", folder, "--json", str(DATA / "page_text"), str(DATA / "an_json")]) == 0
    )
    return folder


def test_import_indexes_and_search_json(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["search", "--data-dir", data_dir, "kazakhstan", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out)[:5] == ["query", "interpretation", "total", "hits", "facets"]
    assert out["total"] == 1
    assert out["hits"][0]["uid"] == "QANR5L13QE101851"
    assert "<b>Kazakhstan</b>" in out["hits"][0]["question_snippet"]
    assert out["facets"]["legislature"] == [{"value": "13", "count": 1}]


def test_search_human_output_filters_and_sort(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert (
        main(["search", "--data-dir", data_dir, "hôpital", "--filtre", "rubrique=etablissements de sante"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Interprétation : « hôpital »")
    assert "2 questions trouvées (1 à 2, par pertinence)." in out
    assert "[hôpital]" in out
    assert "Répartition des résultats :" in out
    assert main(["search", "--data-dir", data_dir, "date:1990..2020", "--sort", "date", "--limit", "1"]) == 0
    assert "les plus récentes d'abord" in capsys.readouterr().out


def test_search_bad_filter_is_a_french_error(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--data-dir", data_dir, "x", "--filtre", "rubrique"]) == 2
    assert "filtre illisible" in capsys.readouterr().err


def test_similar_and_reindex(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["similar", "--data-dir", data_dir, "16-6QG", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hits"][0]["uid"] == "QANR5L16QG9"
    assert main(["reindex", "--data-dir", data_dir]) == 0
    assert "Index de recherche reconstruit : 46 questions" in capsys.readouterr().out
    assert main(["similar", "--data-dir", data_dir, "99-1QE"]) == 2
    assert "introuvable" in capsys.readouterr().err
