"""Nothing lost: copies at each opening and after an hour of work, a damaged database restored, said."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from annotation_helpers import QUESTION_UID, add, passage

from qe_desktop.annotations import backup
from qe_desktop.annotations.edits import EditAnnotation, PutDossier
from qe_desktop.annotations.store import UserStore, UserStoreError
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore


def annotate(paths: DataPaths, corpus: CorpusStore, note: str) -> str:
    q = corpus.get(QUESTION_UID)
    assert q is not None
    with UserStore.open(paths) as user:
        return add(user, passage(q, "question", "torture", note=note)).id


def damage(path: Path) -> None:
    """Overwrite the middle of the file, as a disk error or a bad copy would."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\xde\xad\xbe\xef" * 512)
        fh.seek(0)
        fh.write(b"not a database, not at all")


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_a_copy_is_made_at_opening_when_something_changed(paths: DataPaths, corpus: CorpusStore) -> None:
    with UserStore.open(paths):
        pass
    first = backup.copies(paths.backups_dir)
    assert len(first) == 1
    with UserStore.open(paths):
        pass
    assert backup.copies(paths.backups_dir) == first  # nothing changed: no new copy
    annotate(paths, corpus, "une")
    with UserStore.open(paths):
        pass
    copies = backup.copies(paths.backups_dir)
    assert len(copies) == 2  # annotate() opened an unchanged database: only its edit made a new copy
    newest = sqlite3.connect(copies[-1].path)
    assert newest.execute("SELECT note FROM annotations").fetchall() == [("une",)]
    assert newest.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    newest.close()


def test_the_last_five_copies_are_kept(paths: DataPaths, corpus: CorpusStore) -> None:
    for n in range(8):
        annotate(paths, corpus, f"note {n}")
    copies = backup.copies(paths.backups_dir)
    assert len(copies) == backup.KEEP
    assert [c.revision for c in copies] == sorted(c.revision for c in copies)


def test_a_copy_after_an_hour_of_work_only_when_something_changed(
    paths: DataPaths, corpus: CorpusStore
) -> None:
    q = corpus.get(QUESTION_UID)
    assert q is not None
    with UserStore.open(paths) as user:
        start = len(backup.copies(paths.backups_dir))
        a = add(user, passage(q, "question", "torture"))
        clock = 1_000_000.0
        assert user.backup_if_due(now=clock) is not None  # the opening's copy was long ago
        assert user.backup_if_due(now=clock + 600) is None  # ten minutes later: not yet
        user.apply(EditAnnotation(a.id, 2, "x", ()))
        assert user.backup_if_due(now=clock + 3599) is None
        made = user.backup_if_due(now=clock + 3601)
        assert made is not None
        assert user.backup_if_due(now=clock + 3 * 3600) is None  # an idle hour: nothing new to copy
        assert len(backup.copies(paths.backups_dir)) == start + 2


def test_a_damaged_database_is_set_aside_and_the_latest_good_copy_restored(
    paths: DataPaths, corpus: CorpusStore
) -> None:
    kept = annotate(paths, corpus, "avant la sauvegarde")
    with UserStore.open(paths):
        pass  # the copy holding the note
    checkpoint(paths.user_db)
    damage(paths.user_db)
    with UserStore.open(paths) as user:
        assert user.notice is not None
        assert "endommagée" in user.notice
        assert "mise de côté" in user.notice
        assert "1 annotation" in user.notice
        assert "restaurée" in user.notice
        assert user.annotation(kept) is not None
    aside = [p for p in paths.root.iterdir() if p.name.startswith("user.endommagee-")]
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"not a database")  # kept as it was, never deleted


def test_without_a_good_copy_an_empty_database_is_never_put_in_silently(
    paths: DataPaths, corpus: CorpusStore
) -> None:
    annotate(paths, corpus, "perdue ?")
    checkpoint(paths.user_db)
    for copy in backup.copies(paths.backups_dir):
        damage(copy.path)
    damage(paths.user_db)
    with UserStore.open(paths) as user:
        assert user.notice is not None
        assert "Aucune sauvegarde utilisable" in user.notice
        assert "base vide" in user.notice
        assert user.count() == 0
    assert any(p.name.startswith("user.endommagee-") for p in paths.root.iterdir())


def test_a_vanished_database_with_copies_is_restored_and_said(paths: DataPaths, corpus: CorpusStore) -> None:
    kept = annotate(paths, corpus, "gardée")
    with UserStore.open(paths):
        pass
    for name in ("user.sqlite", "user.sqlite-wal", "user.sqlite-shm"):
        (paths.root / name).unlink(missing_ok=True)
    with UserStore.open(paths) as user:
        assert user.notice is not None
        assert "disparu" in user.notice
        assert user.annotation(kept) is not None


def test_a_damaged_database_in_a_read_only_folder_is_an_error_and_left_alone(
    paths: DataPaths, corpus: CorpusStore
) -> None:
    annotate(paths, corpus, "x")
    checkpoint(paths.user_db)
    damage(paths.user_db)
    before = paths.user_db.read_bytes()
    with pytest.raises(UserStoreError, match="lecture seule"):
        UserStore.open(paths, readonly=True)
    assert paths.user_db.read_bytes() == before


def test_a_copy_that_cannot_be_written_is_said_in_french(paths: DataPaths) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.backups_dir.write_text("un fichier à la place du dossier")
    with UserStore.open(paths) as user:  # the opening goes on without its copy
        user.apply(PutDossier(user.new_dossier("Dossier")))
        with pytest.raises(UserStoreError, match="La sauvegarde de vos annotations"):
            user.backup_now()


def test_a_read_only_user_database_reads(paths: DataPaths, corpus: CorpusStore) -> None:
    """Opened read-only, in a folder made read-only (which root still writes: then the read-only
    connection alone is what is tested), the database reads and nothing is written."""
    kept = annotate(paths, corpus, "lisible")
    checkpoint(paths.user_db)
    before = paths.user_db.read_bytes()
    paths.root.chmod(0o555)
    try:
        with UserStore.open(paths, readonly=True) as user:
            assert user.annotation(kept) is not None
            with pytest.raises(UserStoreError):
                user.apply(PutDossier(user.new_dossier("Refusé")))
    finally:
        paths.root.chmod(0o755)
    assert paths.user_db.read_bytes() == before
