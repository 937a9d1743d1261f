"""Import orchestration: batches, cancellation, progress, rejections."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from qe_desktop import corpus
from qe_desktop.store import CorpusStore

from conftest import SAMPLE

QG_DIR = SAMPLE / "an_json" / "qg16"


def _zip_of_qg(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for file in sorted(QG_DIR.glob("*.json"))[:count]:
            z.write(file, f"json/{file.name}")
    return path


def test_zip_dump_imports_batch_by_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "BATCH_SIZE", 10)
    batches: list[list[str]] = []
    progress: list[tuple[int, int | None]] = []
    with CorpusStore(tmp_path / "c.sqlite") as store:
        report = corpus.import_paths(
            store,
            [_zip_of_qg(tmp_path / "qg.zip", 25)],
            on_changed=lambda uids: batches.append(list(uids)),
            progress=lambda done, total, message: progress.append((done, total)),
        )
        assert (report.added, report.rejected) == (25, ())
        assert [len(b) for b in batches] == [10, 10, 5]
        assert progress[0] == (0, 25)
        assert progress[-1] == (25, 25)
        assert store.count() == 25


def test_cancel_keeps_committed_batches_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "BATCH_SIZE", 10)
    committed: list[str] = []
    with CorpusStore(tmp_path / "c.sqlite") as store:
        report = corpus.import_paths(
            store,
            [_zip_of_qg(tmp_path / "qg.zip", 25)],
            on_changed=committed.extend,
            cancelled=lambda: len(committed) >= 10 and store.count() >= 10,
        )
        assert report.cancelled
        assert store.count() == len(committed) == report.added == 10


def test_a_newer_dump_updates_the_answered_question(tmp_path: Path) -> None:
    source = QG_DIR / "QANR5L16QG6.json"
    older = json.loads(source.read_text())
    older["question"]["textesReponse"] = None
    older["question"]["cloture"] = None
    first = tmp_path / "v1"
    first.mkdir()
    (first / source.name).write_text(json.dumps(older, ensure_ascii=False))
    second = tmp_path / "v2"
    second.mkdir()
    shutil.copy(source, second / source.name)
    with CorpusStore(tmp_path / "c.sqlite") as store:
        assert corpus.import_paths(store, [first]).added == 1
        pending = store.get("QANR5L16QG6")
        assert pending is not None
        assert pending.status == "pending"
        report = corpus.import_paths(store, [second])
        assert (report.added, report.updated) == (0, 1)
        answered = store.get("QANR5L16QG6")
        assert answered is not None
        assert answered.status == "answered"
        assert store.count() == 1


def test_missing_path_is_a_rejection(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "c.sqlite") as store:
        report = corpus.import_paths(store, [tmp_path / "absent.zip"])
    [rejection] = report.rejected
    assert rejection.reason == "fichier ou dossier introuvable"
