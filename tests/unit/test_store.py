import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from qe_desktop import store as store_module
from qe_desktop.importers import amo
from qe_desktop.importers.sources import Source
from qe_desktop.model import RECORD_KEYS, Actor, Organe, Question, Rejection
from qe_desktop.store import QUESTION_COLUMNS, SCHEMA_VERSION, CorpusStore, StoreError, content_hash

from conftest import DATA


def qg6(**changes: object) -> Question:
    base = Question(
        uid="QANR5L16QG6",
        legislature=16,
        type="QG",
        number=6,
        rubrique="établissements de santé",
        analyse="Sitution des urgences à l'hôpital",
        author="Mme Mélanie Thomin",
        author_ref="PA793816",
        mandate_ref="PM796548",
        group_ref="PO800496",
        group_abbrev="SOC",
        answer_text="Mme la présidente. La parole est à Mme Mélanie Thomin.",
        answer_date="2022-07-13",
        status="answered",
        renewal_dates=("2022-08-01",),
        source_format="an_json",
        source_name="QANR5L16QG6.json",
        source_raw='{"question": {}}',
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _reference(*names: str) -> tuple[list[Actor], list[Organe]]:
    actors: list[Actor] = []
    organes: list[Organe] = []
    for name in names:
        path = DATA / "amo" / name
        for item in amo.parse(Source.of(path)):
            if isinstance(item, Actor):
                actors.append(item)
            elif isinstance(item, Organe):
                organes.append(item)
    return actors, organes


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    return CorpusStore(tmp_path / "corpus.sqlite")


def test_upsert_is_idempotent_and_detects_updates(store: CorpusStore) -> None:
    first = store.upsert_questions([qg6()])
    assert first.added == ("QANR5L16QG6",)
    again = store.upsert_questions([qg6()])
    assert again.unchanged == ("QANR5L16QG6",)
    newer = store.upsert_questions([qg6(answer_page=12)])
    assert newer.updated == ("QANR5L16QG6",)
    assert store.count() == 1
    stored = store.get("QANR5L16QG6", with_source=True)
    assert stored is not None
    assert stored.answer_page == 12
    assert stored.renewal_dates == ("2022-08-01",)
    assert stored.source_raw == '{"question": {}}'
    assert tuple(stored.record()) == RECORD_KEYS


def test_data_version_moves_only_on_change(store: CorpusStore) -> None:
    assert store.state().data_version == 0
    store.upsert_questions([qg6()])
    v1 = store.state().data_version
    store.upsert_questions([qg6()])
    assert store.state().data_version == v1
    store.upsert_questions([qg6(analyse="autre")])
    assert store.state().data_version == v1 + 1


@pytest.mark.parametrize("amo_first", [True, False])
def test_reference_data_resolves_authors_in_either_order(store: CorpusStore, amo_first: bool) -> None:
    actors, organes = _reference("acteur/PA793816.json", "organe/PO800496.json")
    question = qg6(author=None, group_abbrev=None)
    if amo_first:
        store.upsert_reference(actors, organes)
        store.upsert_questions([question])
    else:
        store.upsert_questions([question])
        changed = store.upsert_reference(actors, organes)
        assert changed == ["QANR5L16QG6"]
    stored = store.get("QANR5L16QG6")
    assert stored is not None
    assert stored.author == "Mme Mélanie Thomin"
    assert stored.constituency == "Finistère (6e circonscription)"
    assert stored.group == "Socialistes et apparentés (membre de l’intergroupe NUPES)"


def test_source_values_stay_when_reference_data_lacks_the_deputy(store: CorpusStore) -> None:
    actors, organes = _reference("acteur/PA721764.json")
    store.upsert_questions([qg6(author_ref="PA0", author="M. Source Seule", constituency="Somme")])
    store.upsert_reference(actors, organes)
    stored = store.get("QANR5L16QG6")
    assert stored is not None
    assert (stored.author, stored.constituency) == ("M. Source Seule", "Somme")


def test_find_uids_by_every_kind_of_reference(store: CorpusStore) -> None:
    store.upsert_questions([qg6(), qg6(uid="QANR5L13QE6", legislature=13, type="QE")])
    assert store.find_uids("QANR5L16QG6") == ["QANR5L16QG6"]
    assert store.find_uids("16-6QG") == ["QANR5L16QG6"]
    assert store.find_uids("13-6") == ["QANR5L13QE6"]
    assert sorted(store.find_uids("6")) == ["QANR5L13QE6", "QANR5L16QG6"]
    assert store.find_uids("santé") == []


def test_batch_is_all_or_nothing(store: CorpusStore) -> None:
    store.upsert_questions([qg6()])
    store.db.conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON sources BEGIN SELECT RAISE(ABORT, 'disque plein'); END"
    )
    with pytest.raises(StoreError, match="disque plein"):
        store.upsert_questions([qg6(uid="QANR5L16QG7", number=7), qg6(uid="QANR5L16QG8", number=8)])
    assert store.all_uids() == ["QANR5L16QG6"]


def test_newer_schema_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    CorpusStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="version plus récente"):
        CorpusStore(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    path.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(StoreError, match="endommagée"):
        CorpusStore(path)


def test_a_record_the_database_refuses_is_rejected_and_the_rest_of_the_batch_stored(
    store: CorpusStore,
) -> None:
    source = "dump.zip!json/QANR5L16QG7.json"
    bad_text = qg6(uid="QANR5L16QG7", number=7, analyse="Urgences\ud800", source_name=source)
    bad_page = qg6(uid="QANR5L16QG8", number=8, answer_page=2**70, source_name="QG8.json")
    # The original as given may hold a lone surrogate (a JSON escape): stored as that escape.
    raw_surrogate = qg6(uid="QANR5L16QG9", number=9, source_raw='{"texte": "\ud800"}')
    result = store.upsert_questions([qg6(), bad_text, bad_page, raw_surrogate])
    assert result.added == ("QANR5L16QG6", "QANR5L16QG9")
    assert result.rejected == (
        Rejection(
            source,
            "enregistrement refusé par la base : caractère invalide (U+D800) dans l'analyse",
            "QANR5L16QG7",
        ),
        Rejection(
            "QG8.json",
            "enregistrement refusé par la base : nombre trop grand dans la page de la réponse au JO",
            "QANR5L16QG8",
        ),
    )
    assert store.all_uids() == ["QANR5L16QG6", "QANR5L16QG9"]
    assert store.get_source("QANR5L16QG9")[2] == '{"texte": "\\ud800"}'


def test_a_database_failure_during_the_record_by_record_retry_still_stops_the_import(
    store: CorpusStore,
) -> None:
    # Only values of one record are rejected: what fails for every record is raised.
    store.db.conn.execute(
        "CREATE TRIGGER full BEFORE INSERT ON sources BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
    )
    with pytest.raises(StoreError, match="le disque est plein"):
        store.upsert_questions([qg6(analyse="Urgences\ud800"), qg6(uid="QANR5L16QG7", number=7)])
    assert store.all_uids() == []


def test_source_notes_are_stored_and_read_back(store: CorpusStore) -> None:
    note = "Caractère invalide (U+D800) remplacé par \ufffd dans le texte de la question"
    assert store.upsert_questions([qg6(source_notes=(note,))]).added == ("QANR5L16QG6",)
    stored = store.get("QANR5L16QG6")
    assert stored is not None
    assert stored.source_notes == (note,)
    assert stored.record()["source_notes"] == [note]
    assert store.upsert_questions([qg6()]).updated == ("QANR5L16QG6",)  # the notes are content


def test_digest_of_a_record_without_notes_is_the_one_stored_before_notes_existed() -> None:
    # Digests written by the schema-1 code: a re-import of an unchanged dump stays unchanged.
    assert content_hash(qg6()) == "f39af093b0c6167462a9c4d49323396c"
    assert content_hash(qg6(errata=("a", "b"), question_page=3)) == "bf3b8d27a387b453deacfbb55b631ce3"
    assert content_hash(qg6(source_notes=("Note",))) != content_hash(qg6())


def test_a_schema_1_database_gains_the_notes_and_keeps_its_records_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    db = sqlite_utils.Database(path)
    store_module._migrate_1(db)
    q = qg6()
    row: dict[str, Any] = {c: getattr(q, c) for c in QUESTION_COLUMNS if c != "source_notes"}
    row.update(renewal_dates=json.dumps(list(q.renewal_dates)), errata="[]", content_hash=content_hash(q))
    db.table("questions").insert(row)
    db.execute("PRAGMA user_version = 1")
    db.close()
    with CorpusStore(path) as store:
        assert store.db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        stored = store.get(q.uid)
        assert stored is not None
        assert stored.source_notes == ()
        assert store.upsert_questions([q]).unchanged == (q.uid,)
        store.upsert_questions([qg6(source_notes=("Note",))])
        again = store.get(q.uid)
        assert again is not None
        assert again.source_notes == ("Note",)


def test_a_read_only_connection_reads_a_database_of_the_previous_schema(tmp_path: Path) -> None:
    # A shared corpus on a read-only medium, written by a version before the import notes.
    path = tmp_path / "corpus.sqlite"
    with CorpusStore(path) as store:
        store.upsert_questions([qg6()])
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE questions DROP COLUMN source_notes")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with CorpusStore(path, readonly=True) as old:
        question = old.get("QANR5L16QG6")
        assert question is not None
        assert question.source_notes == ()
        assert [q.uid for batch in old.iter_batches() for q in batch] == ["QANR5L16QG6"]
