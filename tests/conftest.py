"""Every test runs offscreen, with its own temporary data folder."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qe_desktop import importers
from qe_desktop.annotations.store import UserStore
from qe_desktop.corpus import import_sample
from qe_desktop.importers.sources import Source, expand_paths
from qe_desktop.model import ParsedItem, Question, Rejection
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "resources" / "sample"
QE17_RECORD = DATA / "an_json" / "QANR5L17QE5268.json"


def write_official_questions(folder: Path, count: int, start_number: int = 1) -> Path:
    """``count`` official-shaped JSON questions in ``folder`` (a real 17th-legislature record, renumbered)."""
    record = json.loads(QE17_RECORD.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(start_number, start_number + count):
        q = record["question"]
        q["uid"] = f"QANR5L17QE{number}"
        q["identifiant"]["numero"] = str(number)
        (folder / f"QANR5L17QE{number}.json").write_text(json.dumps(record, ensure_ascii=False))
    return folder


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does may touch the real user data folder."""
    data_dir = tmp_path / "qe-data"
    monkeypatch.setenv("QE_DESKTOP_DATA", str(data_dir))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return data_dir


@pytest.fixture(scope="session")
def sample_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the bundled sample, imported and indexed once per session.

    Tests read it as it is, or copy it before writing into it.
    """
    from qe_desktop.corpus import import_sample
    from qe_desktop.paths import DataPaths
    from qe_desktop.search.index import SearchIndex
    from qe_desktop.store import CorpusStore

    root = tmp_path_factory.mktemp("prepared") / "data"
    paths = DataPaths(root).ensure()
    with CorpusStore(paths.corpus_db) as store:
        import_sample(store)
    with CorpusStore(paths.corpus_db, readonly=True) as reader:
        SearchIndex.open(paths, reader).close()
    return root


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    return _isolated_data_dir


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return SHARED_CORPUS


def one_question(items: list[ParsedItem]) -> Question:
    """The one Question an importer gave (fails with what it gave otherwise)."""
    assert len(items) == 1, items
    assert isinstance(items[0], Question), items[0]
    return items[0]


def one_rejection(items: list[ParsedItem]) -> Rejection:
    """The one Rejection an importer gave (fails with what it gave otherwise)."""
    assert len(items) == 1, items
    assert isinstance(items[0], Rejection), items[0]
    return items[0]


#: The real written question QANR5L17QE5268 (tests/data/SOURCE.md): the model of an official record.
QE_RECORD = DATA / "an_json" / "QANR5L17QE5268.json"
#: A value that official_dump writes as a bare JSON integer literal of 5,000 digits.
BIG_INT_LITERAL = "@@5000-digit JSON integer@@"


@functools.cache
def _qe_text() -> str:
    return QE_RECORD.read_text(encoding="utf-8")


def official_document(number: int, *, tiny: bool = False) -> dict[str, Any]:
    """``{"question": …}`` of the real QE 5268 renumbered ``QANR5L17QE<number>``.

    ``tiny`` keeps the first 300 characters of each text, for dumps of thousands.
    """
    document: dict[str, Any] = json.loads(_qe_text())
    question = document["question"]
    question["uid"] = f"QANR5L17QE{number}"
    question["identifiant"]["numero"] = str(number)
    if tiny:
        for block, key in (("textesQuestion", "texteQuestion"), ("textesReponse", "texteReponse")):
            question[block][key]["texte"] = question[block][key]["texte"][:300]
    return document


def official_json(document: Any) -> str:
    """The JSON text as the official dumps write it (ASCII escapes), BIG_INT_LITERAL expanded."""
    return json.dumps(document).replace(f'"{BIG_INT_LITERAL}"', "9" * 5000)


def official_dump(
    path: Path, count: int, changes: Mapping[int, Callable[[dict[str, Any]], None]] | None = None
) -> Path:
    """A zip shaped like the official dump: members ``json/QANR5L17QE<n>.json``, n = 1..count.

    ``changes`` maps a number to a function that alters that question object in place.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number in range(1, count + 1):
            document = official_document(number, tiny=True)
            if changes and number in changes:
                changes[number](document["question"])
            archive.writestr(f"json/QANR5L17QE{number}.json", official_json(document))
    return path


def load_benchmark(name: str) -> ModuleType:
    """A module of benchmarks/ (not on the test path), loaded from its file once."""
    qualified = f"benchmarks.{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


def questions_in(*paths: Path) -> list[Question]:
    """The questions the importers read in these files and folders (AMO records and rejections left out)."""
    found: list[Question] = []
    for source in expand_paths(list(paths)):
        if not isinstance(source, Source):
            continue
        importer = importers.sniff(source)
        if importer is None:
            continue
        found.extend(item for item in importer.parse(source) if isinstance(item, Question))
    return found


# -- the annotation tests: the sample corpus in a data folder, the user's database --------------


@pytest.fixture(scope="session")
def sample_corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """corpus.sqlite holding the sample corpus, made once (copy it before writing to it)."""
    path = tmp_path_factory.mktemp("sample-corpus") / "corpus.sqlite"
    with CorpusStore(path) as store:
        report = import_sample(store)
        assert not report.rejected
    return path


@pytest.fixture
def paths(data_dir: Path, sample_corpus_file: Path) -> DataPaths:
    """A data folder with the sample corpus in it (and no user.sqlite yet)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample_corpus_file, data_dir / "corpus.sqlite")
    return DataPaths(data_dir)


@pytest.fixture
def corpus(paths: DataPaths) -> Iterator[CorpusStore]:
    with CorpusStore(paths.corpus_db) as store:
        yield store


@pytest.fixture
def user(paths: DataPaths) -> Iterator[UserStore]:
    with UserStore.open(paths) as store:
        yield store
