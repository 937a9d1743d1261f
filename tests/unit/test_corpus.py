"""Import orchestration: batches, cancellation, progress, rejections."""

from __future__ import annotations

import json
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qe_desktop import corpus
from qe_desktop.model import CleanedRecord, ImportReport, Rejection
from qe_desktop.store import CorpusStore

from conftest import BIG_INT_LITERAL, DATA, SAMPLE, official_dump

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


# -- one broken record among thousands ------------------------------------------------------------

DUMP_SIZE = 3000
#: Past the first batch of 500: a record that broke the import used to stop it there.
BROKEN = 1234
BROKEN_UID = f"QANR5L17QE{BROKEN}"


def _surrogate_in_text(question: dict[str, Any]) -> None:
    question["textesQuestion"]["texteQuestion"]["texte"] += "\ud800"


def _terminal_codes_in_analyse(question: dict[str, Any]) -> None:
    question["indexationAN"]["analyses"]["analyse"] = "Diamants\x1b]0;titre\x07\x1b[2J synthétiques"


def _terminal_codes_in_text(question: dict[str, Any]) -> None:
    question["textesReponse"]["texteReponse"]["texte"] += "\x1b]0;titre\x07\x1b[2J"


def _numero_of_5000_digits(question: dict[str, Any]) -> None:
    del question["uid"]
    question["identifiant"]["numero"] = "9" * 5000


def _numero_literal_of_5000_digits(question: dict[str, Any]) -> None:
    del question["uid"]
    question["identifiant"]["numero"] = BIG_INT_LITERAL


def _uid_of_5000_digits(question: dict[str, Any]) -> None:
    question["uid"] = "QANR5L13QE" + "9" * 5000


def _import(tmp_path: Path, change: Any) -> tuple[ImportReport, CorpusStore, Path]:
    dump = official_dump(tmp_path / "dump.zip", DUMP_SIZE, {BROKEN: change})
    store = CorpusStore(tmp_path / "c.sqlite")
    return corpus.import_paths(store, [dump]), store, dump


@pytest.mark.parametrize(
    ("change", "note"),
    [
        (_surrogate_in_text, "Caractère invalide (U+D800) remplacé par \ufffd dans le texte de la question"),
        (_terminal_codes_in_analyse, "3 caractères de contrôle (U+0007, U+001B) supprimés dans l'analyse"),
        (
            _terminal_codes_in_text,
            "3 caractères de contrôle (U+0007, U+001B) supprimés dans le texte de la réponse",
        ),
    ],
    ids=["surrogate", "terminal-codes-analyse", "terminal-codes-text"],
)
def test_a_record_with_characters_the_store_refuses_is_cleaned_and_said_so(
    tmp_path: Path, change: Any, note: str
) -> None:
    report, store, dump = _import(tmp_path, change)
    with store:
        assert (report.added, report.rejected) == (DUMP_SIZE, ())
        assert report.cleaned == (CleanedRecord(f"{dump}!json/{BROKEN_UID}.json", (note,), BROKEN_UID),)
        stored = store.get(BROKEN_UID)
        assert stored is not None
        assert stored.source_notes == (note,)
        assert stored.question_text is not None
        assert stored.answer_text is not None
        assert stored.analyse is not None
        assert not any(unicodedata.category(c) == "Cc" for c in stored.analyse)
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in stored.answer_text)
        if change is _surrogate_in_text:
            assert stored.question_text.endswith("\ufffd")
        elif change is _terminal_codes_in_analyse:
            assert stored.analyse == "Diamants]0;titre[2J synthétiques"
        else:
            assert stored.answer_text.endswith("]0;titre[2J")
        # Re-importing the same dump changes nothing, and says again what the source holds.
        again = corpus.import_paths(store, [dump])
        assert (again.added, again.updated, again.unchanged) == (0, 0, DUMP_SIZE)
        assert again.cleaned == report.cleaned


@pytest.mark.parametrize(
    ("change", "reason", "record"),
    [
        (_numero_of_5000_digits, "numéro invalide (5000 chiffres)", "enregistrement n° 1"),
        (_numero_literal_of_5000_digits, "numéro invalide (5000 chiffres)", "enregistrement n° 1"),
        (
            _uid_of_5000_digits,
            "numéro invalide (5000 chiffres) dans l'identifiant "
            "« QANR5L13QE99999999999999999999999999999… (5\u00a0010 caractères) »",
            "QANR5L13QE" + "9" * 69 + "… (5\u00a0010 caractères)",
        ),
    ],
    ids=["numero", "numero-literal", "uid"],
)
def test_a_record_with_an_absurd_number_is_one_rejection_and_the_others_are_stored(
    tmp_path: Path, change: Any, reason: str, record: str
) -> None:
    report, store, dump = _import(tmp_path, change)
    with store:
        assert report.rejected == (Rejection(f"{dump}!json/{BROKEN_UID}.json", reason, record),)
        assert (report.added, report.cleaned) == (DUMP_SIZE - 1, ())
        assert store.count() == DUMP_SIZE - 1
        assert store.get(BROKEN_UID) is None
        assert store.get(f"QANR5L17QE{BROKEN + 1}") is not None


def test_a_record_the_store_refuses_anyway_is_a_rejection_of_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the cleaning step had missed a value: the store's own defence takes over.
    def no_cleaning(item: Any, source: str) -> tuple[Any, tuple[str, ...]]:
        return item, ()

    monkeypatch.setattr(corpus, "clean", no_cleaning)
    report, store, dump = _import(tmp_path, _surrogate_in_text)
    with store:
        assert report.rejected == (
            Rejection(
                f"{dump}!json/{BROKEN_UID}.json",
                "enregistrement refusé par la base : caractère invalide (U+D800) dans le texte de la question",
                BROKEN_UID,
            ),
        )
        assert report.added == store.count() == DUMP_SIZE - 1


def test_cleaned_records_of_a_cancelled_batch_are_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "BATCH_SIZE", 10)
    # Members are read in name order: QE15 is in the first batch of 10, QE5 in the third.
    dump = official_dump(tmp_path / "dump.zip", 25, {5: _surrogate_in_text, 15: _surrogate_in_text})
    committed: list[str] = []
    with CorpusStore(tmp_path / "c.sqlite") as store:
        report = corpus.import_paths(
            store, [dump], on_changed=committed.extend, cancelled=lambda: len(committed) >= 10
        )
    assert report.cancelled
    assert report.added == 10
    assert [c.record for c in report.cleaned] == ["QANR5L17QE15"]


def test_every_importer_hands_its_records_to_the_cleaning_step(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    legacy = (DATA / "an_xml" / "14-47351QE.xml").read_text(encoding="utf-8")
    # XML 1.0 admits C1 controls (here CSI, the terminal's escape) as character references.
    (folder / "a-14-47351QE.xml").write_text(
        legacy.replace("<ANA>bilan</ANA>", "<ANA>bilan&#x9B;31m</ANA>").replace(
            '<ORDRE NUMERO="2">', f'<ORDRE NUMERO="{"9" * 5000}">'
        ),
        encoding="utf-8",
    )
    (folder / "b-14-47352QE.xml").write_text(
        legacy.replace('<DEPOT NUMERO="47351">', f'<DEPOT NUMERO="{"9" * 5000}">'), encoding="utf-8"
    )
    page = (DATA / "page_text" / "13-101851QE.txt").read_text(encoding="utf-8")
    (folder / "13-101851QE.txt").write_text(
        page.replace("Rubrique : Politique extérieure", "Rubrique : Politique\x1b[31m extérieure"),
        encoding="utf-8",
    )
    actor = (DATA / "amo" / "acteur" / "PA793816.json").read_text(encoding="utf-8")
    for old, new in (
        ('"numCirco": "6"', f'"numCirco": {"9" * 25}'),
        ('"preseance": "50"', f'"preseance": {"9" * 5000}'),  # a field nobody reads
        ('"civ": "Mme"', '"civ": "Mme\\u0007"'),
    ):
        assert old in actor
        actor = actor.replace(old, new)
    (folder / "PA793816.json").write_text(actor, encoding="utf-8")

    with CorpusStore(tmp_path / "c.sqlite") as store:
        report = corpus.import_paths(store, [folder])
        assert report.rejected == (
            Rejection(
                str(folder / "b-14-47352QE.xml"),
                "numéro invalide (5000 chiffres)",
                "14-" + "9" * 76 + "… (5\u00a0005 caractères)",
            ),
        )
        assert (report.added, report.reference_records) == (2, 1)
        # In the order they were stored: the reference data goes first at the end of an import.
        assert report.cleaned == (
            CleanedRecord(
                str(folder / "PA793816.json"),
                (
                    "Caractère de contrôle (U+0007) supprimé dans la civilité du député",
                    "Nombre invalide ignoré dans le numéro de circonscription du mandat PM796548 : 25 chiffres",
                ),
                "PA793816",
            ),
            CleanedRecord(
                str(folder / "13-101851QE.txt"),
                ("Caractère de contrôle (U+001B) supprimé dans la rubrique",),
                "QANR5L13QE101851",
            ),
            CleanedRecord(
                str(folder / "a-14-47351QE.xml"),
                ("Caractère de contrôle (U+009B) supprimé dans l'analyse",),
                "QANR5L14QE47351",
            ),
        )
        xml_question = store.get("QANR5L14QE47351")
        assert xml_question is not None
        assert xml_question.analyse == "équipements militaires / vieillissement / bilan31m"
        page_question = store.get("QANR5L13QE101851")
        assert page_question is not None
        assert page_question.rubrique == "Politique[31m extérieure"
