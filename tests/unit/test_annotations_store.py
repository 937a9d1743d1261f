"""The user's database: what is stored, found, undone and redone, and what it refuses."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest
from annotation_helpers import QE17_UID, QUESTION_UID, add, passage

from qe_desktop.annotations.edits import (
    AddToDossier,
    DeleteAnnotation,
    DeleteDossier,
    DeleteSavedSearch,
    EditAnnotation,
    MarkSearchOpened,
    MoveInDossier,
    PutAnnotation,
    PutDossier,
    PutSavedSearch,
    RemoveFromDossier,
    RenameColour,
    SetDossierOrder,
    new_annotation,
)
from qe_desktop.annotations.store import (
    DEFAULT_COLOURS,
    SCHEMA_VERSION,
    AnnotationQuery,
    UserStore,
    UserStoreError,
)
from qe_desktop.model import Question, UserChanges
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore


def question(corpus: CorpusStore, uid: str = QUESTION_UID) -> Question:
    q = corpus.get(uid)
    assert q is not None
    return q


# -- the database itself --------------------------------------------------------------------


def test_a_new_database_is_wal_full_sync_at_the_current_schema_with_the_default_colours(
    user: UserStore, paths: DataPaths
) -> None:
    assert user.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert user.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert user.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [c.meaning for c in user.colours()] == list(DEFAULT_COLOURS)
    assert paths.user_db.exists()


def test_an_empty_file_opened_read_only_reads_as_empty(tmp_path: Path) -> None:
    # What a reader meets while the writer is creating user.sqlite (found by the smoke test:
    # this recursed until RecursionError).
    path = tmp_path / "user.sqlite"
    path.touch()
    with UserStore(path, readonly=True) as store:
        assert [c.meaning for c in store.colours()] == list(DEFAULT_COLOURS)
        assert store.annotations_for(QUESTION_UID) == []
    assert path.read_bytes() == b""


def test_a_database_created_between_two_reads_of_a_reader_is_read(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader reads the version (0: not created yet), the writer commits the schema, the reader
    # finds tables: it must read the database, not call it one to migrate (met by the window's
    # reader while the user's writer opened user.sqlite for the first time).
    UserStore(paths.user_db).close()
    real = UserStore._refuse_newer
    calls: list[int] = []

    def first_stale(self: UserStore) -> int:
        calls.append(1)
        return 0 if len(calls) == 1 else real(self)

    monkeypatch.setattr(UserStore, "_refuse_newer", first_stale)
    with UserStore(paths.user_db, readonly=True) as store:
        assert [c.meaning for c in store.colours()] == list(DEFAULT_COLOURS)


def test_a_newer_schema_is_refused_and_left_as_it_is(paths: DataPaths) -> None:
    conn = sqlite3.connect(paths.user_db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = paths.user_db.read_bytes()
    with pytest.raises(UserStoreError, match="version plus récente"):
        UserStore.open(paths)
    assert paths.user_db.read_bytes() == before
    assert not paths.backups_dir.exists() or not any(paths.backups_dir.iterdir())


def test_an_empty_file_opened_read_only_reads_as_an_empty_database(tmp_path: Path) -> None:
    """A ``user.sqlite`` created but not yet migrated (another process is opening it) reads as empty."""
    path = tmp_path / "user.sqlite"
    path.write_bytes(b"")
    with UserStore(path, readonly=True) as store:
        assert store.count() == 0
        assert len(store.colours()) == 5
    assert path.read_bytes() == b""


def test_a_database_being_migrated_reads_as_empty_in_a_writable_folder(tmp_path: Path) -> None:
    """A reader (the window's question loader) that meets the writer's database half made (tables,
    no schema version yet) reads it as empty, to look again next time, rather than failing."""
    path = tmp_path / "user.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.commit()
    conn.close()
    with UserStore(path, readonly=True) as store:
        assert store.count() == 0


def test_every_edit_is_committed_when_made(user: UserStore, corpus: CorpusStore, paths: DataPaths) -> None:
    a = add(user, passage(question(corpus), "question", "Kazakhstan", colour=1, note="Voir la réponse"))
    # Another connection (another process would do the same) sees it at once.
    with UserStore(paths.user_db, readonly=True) as reader:
        assert reader.annotation(a.id) == a


# -- annotations, and undo --------------------------------------------------------------------


def test_add_edit_delete_each_give_their_changes_and_their_inverse(
    user: UserStore, corpus: CorpusStore
) -> None:
    q = question(corpus)
    a = passage(q, "answer", "droits de l'homme", colour=2, tags=("Kazakhstan", "torture"))
    applied = user.apply(PutAnnotation(a))
    assert applied.changes == UserChanges(annotations_added=(a.id,), questions=(QUESTION_UID,))
    assert applied.inverse == DeleteAnnotation(a.id)

    edited = user.apply(EditAnnotation(a.id, 4, "Réponse type du Quai d'Orsay", ("torture",)))
    assert edited.changes.annotations_updated == (a.id,)
    assert edited.inverse == PutAnnotation(a)
    now = user.annotation(a.id)
    assert now is not None
    assert (now.colour, now.note, now.tags) == (4, "Réponse type du Quai d'Orsay", ("torture",))
    assert now.modified >= a.modified
    assert now.created == a.created

    deleted = user.apply(DeleteAnnotation(a.id))
    assert deleted.changes.annotations_removed == (a.id,)
    assert user.annotation(a.id) is None
    assert deleted.inverse == PutAnnotation(now)


def test_undo_then_redo_restores_exactly_what_was_there(user: UserStore, corpus: CorpusStore) -> None:
    q = question(corpus)
    a = passage(q, "question", "torture", colour=3, note="chiffres ?", tags=("à vérifier",))
    history = [PutAnnotation(a), EditAnnotation(a.id, 5, "autre note", ()), DeleteAnnotation(a.id)]
    snapshots = [user.annotation(a.id)]
    inverses = []
    for edit in history:
        inverses.append(user.apply(edit).inverse)
        snapshots.append(user.annotation(a.id))
    # Undo everything, then redo everything: each state comes back as it was.
    redo = []
    for step in range(len(history), 0, -1):
        redo.append(user.apply(inverses[step - 1]).inverse)
        assert user.annotation(a.id) == snapshots[step - 1]
    for step, edit in enumerate(reversed(redo), start=1):
        user.apply(edit)
        assert user.annotation(a.id) == snapshots[step]


def test_a_note_on_the_whole_question_and_tags_cleaned(user: UserStore, corpus: CorpusStore) -> None:
    note = new_annotation(
        question(corpus), None, note="Relancer le ministère", tags=(" suivi ", "Suivi", "", "AFE")
    )
    add(user, note)
    stored = user.annotation(note.id)
    assert stored is not None
    assert stored.anchor is None
    assert stored.tags == ("suivi", "AFE")
    assert user.tags() == [("AFE", 1), ("suivi", 1)]


def test_an_unknown_id_or_colour_is_refused_and_nothing_changes(user: UserStore, corpus: CorpusStore) -> None:
    with pytest.raises(UserStoreError, match="introuvable"):
        user.apply(DeleteAnnotation("nope"))
    a = passage(question(corpus), "question", "torture", colour=9)
    with pytest.raises(UserStoreError, match="Couleur inconnue"):
        user.apply(PutAnnotation(a))
    assert user.count() == 0


def test_annotations_for_a_question_come_in_text_order(user: UserStore, corpus: CorpusStore) -> None:
    q = question(corpus)
    later = add(user, passage(q, "answer", "Kazakhstan"))
    first = add(user, passage(q, "question", "Amnesty international"))
    note = add(user, new_annotation(q, None, note="Note générale"))
    assert [a.id for a in user.annotations_for(QUESTION_UID)] == [note.id, first.id, later.id]
    placed = user.placed_for(QUESTION_UID, q)
    assert [p.placement.state for p in placed] == ["question", "exact", "exact"]


# -- colours -------------------------------------------------------------------------------------


def test_a_colour_is_renamed_and_the_rename_undone(user: UserStore) -> None:
    applied = user.apply(RenameColour(2, "Donnée chiffrée"))
    assert applied.changes.colours_changed
    assert user.colours()[1].meaning == "Donnée chiffrée"
    user.apply(applied.inverse)
    assert user.colours()[1].meaning == "Chiffre / donnée"
    with pytest.raises(UserStoreError):
        user.apply(RenameColour(6, "x"))


# -- dossiers --------------------------------------------------------------------------------------


def test_dossiers_add_remove_reorder_and_undo(user: UserStore) -> None:
    d = user.new_dossier("Santé", "Pour la réunion du 12")
    user.apply(PutDossier(d))
    undo_add = user.apply(AddToDossier(d.id, ("Q1", "Q2", "Q3"))).inverse
    user.apply(AddToDossier(d.id, ("Q0", "Q2"), position=0))
    assert user.dossier(d.id).items == ("Q0", "Q1", "Q2", "Q3")  # type: ignore[union-attr]
    moved = user.apply(MoveInDossier(d.id, ("Q3",), 1))
    assert user.dossier(d.id).items == ("Q0", "Q3", "Q1", "Q2")  # type: ignore[union-attr]
    assert moved.changes.questions == ("Q3",)
    user.apply(moved.inverse)
    assert user.dossier(d.id).items == ("Q0", "Q1", "Q2", "Q3")  # type: ignore[union-attr]
    removed = user.apply(RemoveFromDossier(d.id, ("Q1",)))
    assert set(removed.changes.questions) == {"Q1"}
    assert user.dossier(d.id).items == ("Q0", "Q2", "Q3")  # type: ignore[union-attr]
    assert isinstance(undo_add, PutDossier)
    assert undo_add.dossier.items == ()


def test_a_question_may_be_in_several_dossiers_and_the_results_list_says_which(
    user: UserStore, corpus: CorpusStore
) -> None:
    first, second = user.new_dossier("Santé"), None
    user.apply(PutDossier(first))
    second = user.new_dossier("Diplomatie")
    user.apply(PutDossier(second))
    user.apply(AddToDossier(first.id, (QUESTION_UID,)))
    user.apply(AddToDossier(second.id, (QUESTION_UID, QE17_UID)))
    add(user, passage(question(corpus), "question", "torture", colour=3))
    add(user, passage(question(corpus), "answer", "torture", colour=1))
    marks = user.marks([QUESTION_UID, QE17_UID, "QANR5L16QG6"])
    assert marks[QUESTION_UID].annotations == 2
    assert marks[QUESTION_UID].colours == (1, 3)
    assert [name for _, name in marks[QUESTION_UID].dossiers] == ["Santé", "Diplomatie"]
    assert marks[QE17_UID].annotations == 0
    assert "QANR5L16QG6" not in marks
    assert user.annotated_uids() == {QUESTION_UID}


def test_dossier_names_are_unique_whatever_the_accents_and_capitals(user: UserStore) -> None:
    user.apply(PutDossier(user.new_dossier("Santé publique")))
    with pytest.raises(UserStoreError, match="s'appelle déjà"):
        user.apply(PutDossier(user.new_dossier("sante  PUBLIQUE")))
    assert user.dossier_named("SANTE PUBLIQUE") is not None


def test_deleting_a_dossier_is_undone_with_its_items_and_keeps_the_annotations(
    user: UserStore, corpus: CorpusStore
) -> None:
    d = user.new_dossier("Kazakhstan")
    user.apply(PutDossier(replace(d, items=(QUESTION_UID,))))
    a = add(user, passage(question(corpus), "question", "torture"))
    deleted = user.apply(DeleteDossier(d.id))
    assert deleted.changes.dossiers_removed == (d.id,)
    assert user.dossiers() == []
    assert user.annotation(a.id) is not None
    user.apply(deleted.inverse)
    assert user.dossier(d.id).items == (QUESTION_UID,)  # type: ignore[union-attr]


def test_dossier_order(user: UserStore) -> None:
    a, b = user.new_dossier("A"), None
    user.apply(PutDossier(a))
    b = user.new_dossier("B")
    user.apply(PutDossier(b))
    assert [d.name for d in user.dossiers()] == ["A", "B"]
    undo = user.apply(SetDossierOrder((b.id,))).inverse
    assert [d.name for d in user.dossiers()] == ["B", "A"]
    user.apply(undo)
    assert [d.name for d in user.dossiers()] == ["A", "B"]


# -- finding one's work ---------------------------------------------------------------------------


def test_words_are_found_with_the_corpus_search_folding_and_stemming(
    user: UserStore, corpus: CorpusStore
) -> None:
    q = question(corpus)
    hospitals = add(user, passage(q, "question", "torture", note="Comparer avec les hôpitaux publics"))
    quoted = add(user, passage(q, "answer", "liberté de la presse"))
    assert user.find(AnnotationQuery(words="hopital")) == [hospitals.id]
    assert user.find(AnnotationQuery(words="HÔPITAL public")) == [hospitals.id]
    assert user.find(AnnotationQuery(words="libertés")) == [quoted.id]
    assert user.find(AnnotationQuery(words="hop*")) == [hospitals.id]
    assert user.find(AnnotationQuery(words="hopital presse")) == []
    # A note edited is searched by its new words.
    user.apply(EditAnnotation(hospitals.id, None, "Rien sur les cliniques", ()))
    assert user.find(AnnotationQuery(words="hopital")) == []
    assert user.find(AnnotationQuery(words="clinique")) == [hospitals.id]
    # Only stop words: no word to look for, everything.
    assert len(user.find(AnnotationQuery(words="de la"))) == 2


def test_filters_by_colour_tag_dossier_and_corpus_fields(user: UserStore, corpus: CorpusStore) -> None:
    q13 = question(corpus)
    q17 = question(corpus, QE17_UID)
    a = add(user, passage(q13, "question", "torture", colour=1, tags=("Droits humains",)))
    b = add(user, passage(q17, "question", "diamants synthétiques", colour=2, tags=("commerce",)))
    c = add(user, passage(q17, "answer", "DGCCRF", colour=1))
    d = user.new_dossier("Commerce")
    user.apply(PutDossier(replace(d, items=(QE17_UID,))))

    def ids(**kw: object) -> set[str]:
        return set(user.find(AnnotationQuery(**kw), corpus))  # type: ignore[arg-type]

    assert ids(colours=(1,)) == {a.id, c.id}
    assert ids(tags=("droits  HUMAINS",)) == {a.id}
    assert ids(dossiers=(d.id,)) == {b.id, c.id}
    assert ids(legislatures=(13,)) == {a.id}
    assert ids(rubriques=("politique exterieure",)) == {a.id}
    assert ids(ministries=("Économie, finances, souveraineté industrielle et numérique",)) == {b.id, c.id}
    assert ids(colours=(1,), legislatures=(17,)) == {c.id}
    # Without the corpus, corpus filters keep nothing (they cannot be decided).
    assert set(user.find(AnnotationQuery(legislatures=(13,)))) == set()


def test_sorted_by_date_or_by_question(user: UserStore, corpus: CorpusStore) -> None:
    q13, q17 = question(corpus), question(corpus, QE17_UID)
    x = add(user, passage(q17, "answer", "DGCCRF"))
    time.sleep(0.002)
    y = add(user, passage(q13, "answer", "Kazakhstan"))
    time.sleep(0.002)
    z = add(user, passage(q13, "question", "torture"))
    assert user.find(AnnotationQuery()) == [z.id, y.id, x.id]
    # By question: the 13th legislature first (its question pane, then its answer), then the 17th.
    assert user.find(AnnotationQuery(sort="question"), corpus) == [z.id, y.id, x.id]


def test_reanchor_records_orphans_and_absent_questions(
    user: UserStore, corpus: CorpusStore, paths: DataPaths
) -> None:
    q = question(corpus)
    kept = add(user, passage(q, "question", "Amnesty international"))
    lost = add(user, passage(q, "answer", "la liberté de la presse et des médias"))
    gone = add(user, passage(question(corpus, QE17_UID), "question", "diamants synthétiques"))
    assert user.reanchor(corpus).annotations_updated == ()
    # A re-import with an erratum: the answer's passage is rewritten; the QE 17 vanishes.
    assert q.answer_text is not None
    erratum = replace(
        q,
        question_text="Erratum. " + (q.question_text or ""),
        answer_text=q.answer_text.replace(
            "la liberté de la presse et des médias", "l'indépendance des juges"
        ),
    )
    corpus.upsert_questions([erratum])
    corpus.db.conn.execute("DELETE FROM questions WHERE uid = ?", (QE17_UID,))
    corpus.db.conn.commit()
    changes = user.reanchor(corpus)
    assert set(changes.annotations_updated) == {kept.id, lost.id, gone.id}
    assert user.find(AnnotationQuery(states=("orphan",))) == [lost.id]
    assert user.find(AnnotationQuery(states=("absent",))) == [gone.id]
    assert user.find(AnnotationQuery(states=("moved",))) == [kept.id]
    assert user.placement_counts() == {"moved": 1, "orphan": 1, "absent": 1}
    # Nothing deleted: the orphan keeps its quote.
    orphan = user.annotation(lost.id)
    assert orphan is not None
    assert orphan.anchor is not None
    assert orphan.anchor.exact == "la liberté de la presse et des médias"
    # Nothing changed since: nothing read again.
    assert user.reanchor(corpus).empty


# -- saved searches -------------------------------------------------------------------------------


def test_saved_search_news_counts_new_and_newly_answered_questions(
    user: UserStore, corpus: CorpusStore
) -> None:
    saved = user.new_saved_search("Kazakhstan", "kazakhstan torture", (("legislature", "13"),), "date")
    user.apply(PutSavedSearch(saved))
    stored = user.saved_search(saved.id)
    assert stored is not None
    assert stored.filters == (("legislature", "13"),)
    assert stored.sort == "date"
    opened = time.time() + 1  # everything in the corpus was there before
    user.apply(MarkSearchOpened(saved.id, opened))
    stored = user.saved_search(saved.id)
    assert stored is not None
    uids = [QUESTION_UID, QE17_UID, "QANR5L16QG6"]
    assert user.search_news(stored, uids, corpus).label() == ""
    # After an import: one question newly answered, one new.
    conn = corpus.db.conn
    conn.execute("UPDATE questions SET updated_at = ? WHERE uid = ?", (opened + 10, QUESTION_UID))
    conn.execute(
        "UPDATE questions SET imported_at = ?, updated_at = ? WHERE uid = ?",
        (opened + 10, opened + 10, QE17_UID),
    )
    conn.commit()
    news = user.search_news(stored, uids, corpus)
    assert news.newly_answered == (QUESTION_UID,)
    assert news.new == (QE17_UID,)
    assert news.label() == "1 nouvelle réponse, 1 nouvelle question"
    # Opened again: nothing new.
    user.apply(MarkSearchOpened(saved.id, opened + 20))
    stored = user.saved_search(saved.id)
    assert stored is not None
    assert user.search_news(stored, uids, corpus).count == 0


def test_saved_searches_are_named_uniquely_and_deleted_with_undo(user: UserStore) -> None:
    s = user.new_saved_search("Urgences", "urgences hôpital")
    user.apply(PutSavedSearch(s))
    with pytest.raises(UserStoreError, match="s'appelle déjà"):
        user.apply(PutSavedSearch(user.new_saved_search("urgences", "x")))
    undo = user.apply(DeleteSavedSearch(s.id)).inverse
    assert user.saved_searches() == []
    user.apply(undo)
    assert [x.name for x in user.saved_searches()] == ["Urgences"]


# -- read-only data folder --------------------------------------------------------------------------


def test_a_read_only_store_reads_and_refuses_writes_in_french(paths: DataPaths, corpus: CorpusStore) -> None:
    with UserStore.open(paths) as writer:
        a = add(writer, passage(question(corpus), "question", "torture"))
    with UserStore.open(paths, readonly=True) as reader:
        assert reader.annotation(a.id) == a
        with pytest.raises(UserStoreError, match="lecture seule"):
            reader.apply(DeleteAnnotation(a.id))
    # No user.sqlite in a read-only folder: empty, not an error.
    with UserStore(Path(paths.root / "absent.sqlite"), readonly=True) as empty:
        assert empty.count() == 0
        assert len(empty.colours()) == 5


def test_the_corpus_is_never_written_by_the_user_store(
    user: UserStore, corpus: CorpusStore, paths: DataPaths
) -> None:
    before = corpus.state()
    add(user, passage(question(corpus), "question", "torture", colour=1))
    user.find(AnnotationQuery(legislatures=(13,), sort="question"), corpus)
    user.reanchor(corpus)
    assert corpus.state() == before
