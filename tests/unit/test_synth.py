"""The synthetic dump generator of the benchmarks: official shape, deterministic, importable."""

import json
import re
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qe_desktop.corpus import import_paths
from qe_desktop.store import CorpusStore

from conftest import load_benchmark

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    return load_benchmark("synth")


@pytest.fixture
def dump50(synth: ModuleType, shared_corpus: Path, tmp_path: Path) -> Path:
    return synth.write_dump(tmp_path / "dump.zip", 50, seed=1, legislature=13, corpus=shared_corpus)


def _scalars(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _scalars(value)]
    if isinstance(node, list):
        return [v for value in node for v in _scalars(value)]
    return [node]


def test_same_seed_gives_the_same_bytes(
    synth: ModuleType, shared_corpus: Path, dump50: Path, tmp_path: Path
) -> None:
    again = synth.write_dump(tmp_path / "again.zip", 50, seed=1, legislature=13, corpus=shared_corpus)
    other = synth.write_dump(tmp_path / "other.zip", 50, seed=2, legislature=13, corpus=shared_corpus)
    assert again.read_bytes() == dump50.read_bytes()
    assert other.read_bytes() != dump50.read_bytes()


def test_members_have_the_shape_of_the_official_dump(dump50: Path, shared_corpus: Path) -> None:
    real = json.loads(
        (shared_corpus / "an_json" / "qe17" / "QANR5L17QE5268.json").read_text(encoding="utf-8")
    )
    with zipfile.ZipFile(dump50) as archive:
        names = archive.namelist()
        assert names == [f"json/QANR5L13QE{n}.json" for n in range(1, 51)]
        documents = [json.loads(archive.read(name)) for name in names]
    for number, document in enumerate(documents, start=1):
        assert list(document) == ["question"]
        question = document["question"]
        assert list(question) == list(real["question"])  # same keys, same order
        assert question["uid"] == f"QANR5L13QE{number}"
        assert question["@xsi:type"] == "QuestionEcrite_Type"
        assert all(value is None or isinstance(value, str) for value in _scalars(question))
        attribution = question["minAttribs"]["minAttrib"]
        assert isinstance(attribution, dict | list)
    # An unanswered question has no textesReponse, an answered one a REP_PUB closure.
    assert any(d["question"]["textesReponse"] is None for d in documents)
    for document in documents:
        question = document["question"]
        if question["textesReponse"] is not None:
            assert question["cloture"]["codeCloture"] == "REP_PUB"


def test_dump_imports_cleanly(dump50: Path, tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "corpus.sqlite") as store:
        report = import_paths(store, [dump50])
        assert (report.added, report.updated, report.rejected) == (50, 0, ())
        questions = list(store.get_many(store.all_uids()).values())
    assert len(questions) == 50
    for q in questions:
        assert q.question_text
        assert len(q.question_text) > 200
        assert q.question_text.startswith(q.author or "?")  # "M. Jean Dupont attire l'attention…"
        assert all((q.rubrique, q.analyse, q.ministry_asked, q.group))
        assert ISO_DATE.match(q.question_date or "")
        assert q.legislature == 13
        assert q.type == "QE"
        if q.status == "answered":
            assert q.answer_text
            assert len(q.answer_text) > 200
            assert ISO_DATE.match(q.answer_date or "")
            assert (q.answer_date or "") > (q.question_date or "")
        else:
            assert q.answer_text is None
    assert {q.status for q in questions} >= {"answered", "lapsed"}


def test_about_three_questions_in_four_are_answered(
    synth: ModuleType, shared_corpus: Path, tmp_path: Path
) -> None:
    dump = synth.write_dump(tmp_path / "dump400.zip", 400, seed=1, legislature=13, corpus=shared_corpus)
    with CorpusStore(tmp_path / "corpus.sqlite") as store:
        report = import_paths(store, [dump])
        counts = {row["status"]: row["count"] for row in store.status_counts()}
    assert report.added == 400
    assert not report.rejected
    assert 0.68 <= counts.get("answered", 0) / 400 <= 0.82
    assert counts.get("withdrawn", 0) > 0
    assert counts.get("lapsed", 0) > 0
