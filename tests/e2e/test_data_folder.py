"""The data folder when it is not what it should be: a file, read-only, damaged, in use by another import.

Every case ends in a French message naming the path (exit code 2) or in a
working read-only session, never in a traceback, and nothing stored is lost.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import QE17_RECORD, write_official_questions

QE17 = QE17_RECORD  # a file to import


def run(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "qe_desktop", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def start(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "qe_desktop", *args, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a few hundred questions imported (copied by the tests that change it)."""
    base = tmp_path_factory.mktemp("imported")
    files = write_official_questions(base / "files", 300)
    data = base / "data"
    result = run(data, "import", str(files))
    assert result.returncode == 0, result.stderr
    return data


@pytest.fixture
def copy_of(imported: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(imported, target)
    return target


@contextlib.contextmanager
def readonly(folder: Path) -> Iterator[Path]:
    """``folder`` seen through a read-only view: a read-only bind mount as root (root ignores
    permissions, a read-only medium stops everyone), permissions taken away otherwise."""
    if os.geteuid() == 0:
        view = folder.with_name(folder.name + "-ro")
        view.mkdir()
        mounted = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(folder), str(view)], capture_output=True, check=False
        )
        if mounted.returncode != 0:
            pytest.skip(f"no read-only bind mount here: {mounted.stderr!r}")
        try:
            yield view
        finally:
            subprocess.run(["umount", "-l", str(view)], check=False)
            view.rmdir()
    else:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


# -- a data folder that cannot be used -------------------------------------------------


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "un-fichier"
    target.write_text("x")
    for command in (["status"], ["search", "santé"], ["import", str(QE17)], ["reindex"]):
        result = run(target, *command)
        no_traceback(result)
        assert result.returncode == 2
        assert f"« {target} » est un fichier, pas un dossier" in result.stderr
    assert target.read_text() == "x"


def test_data_dir_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("x")
    result = run(blocker / "dessous" / "data", "import", str(QE17))
    no_traceback(result)
    assert result.returncode == 2
    assert f"« {blocker} » est un fichier" in result.stderr
    assert "--data-dir" in result.stderr


def test_data_dir_in_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    with readonly(parent) as view:
        for command in (["status"], ["import", str(QE17)]):
            result = run(view / "data", *command)
            no_traceback(result)
            assert result.returncode == 2
            assert f"« {view / 'data'} » ne peut pas être créé" in result.stderr


def test_index_that_is_a_file(copy_of: Path) -> None:
    shutil.rmtree(copy_of / "index")
    (copy_of / "index").write_text("pas un index")
    for command in (["search", "santé"], ["import", str(QE17)], ["reindex"]):
        result = run(copy_of, *command)
        no_traceback(result)
        assert result.returncode == 2
        assert f"« {copy_of / 'index'} » est un fichier, pas un dossier" in result.stderr
        assert "Renommez-le ou supprimez-le" in result.stderr


def test_index_folder_that_cannot_be_written_while_out_of_date(copy_of: Path, tmp_path: Path) -> None:
    more = write_official_questions(tmp_path / "more", 5, start_number=1000)
    # The corpus moves on (an import into another copy's database would do the same).
    result = run(copy_of, "import", str(more))
    assert result.returncode == 0
    state = json.loads((copy_of / "index" / "state.json").read_text())
    state["data_version"] -= 1
    (copy_of / "index" / "state.json").write_text(json.dumps(state))
    with readonly(copy_of / "index") as view:
        if view != copy_of / "index":
            # The index reached through the read-only view, in place.
            shutil.move(copy_of / "index", copy_of / "index-rw")
            (copy_of / "index").symlink_to(view)
        # Writing is refused before anything is written…
        result = run(copy_of, "import", str(more))
        no_traceback(result)
        assert result.returncode == 2
        assert "index" in result.stderr
        assert "ne peut pas être modifié" in result.stderr
        # …searching works with the index as it is, and says so.
        result = run(copy_of, "search", "diamants", "--json")
        no_traceback(result)
        assert result.returncode == 0, result.stderr
        assert "lecture seule" in result.stderr
        found = json.loads(result.stdout)
        assert found["total"] > 0
        assert any("pas à jour" in w for w in found["warnings"])
        if (copy_of / "index").is_symlink():
            (copy_of / "index").unlink()
            shutil.move(copy_of / "index-rw", copy_of / "index")


# -- a read-only data folder -----------------------------------------------------------------


def test_a_read_only_data_folder_can_be_read(copy_of: Path) -> None:
    with readonly(copy_of) as view:
        status = run(view, "status", "--json")
        no_traceback(status)
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["total"] == 300
        assert status.stderr.count("consultation seulement") == 1  # said once
        search = run(view, "search", "diamants", "--json")
        no_traceback(search)
        assert search.returncode == 0, search.stderr
        assert json.loads(search.stdout)["total"] == 300
        show = run(view, "show", "17-42QE")
        assert show.returncode == 0, show.stderr
        assert "diamant" in show.stdout
        refused = run(view, "import", str(QE17))
        no_traceback(refused)
        assert refused.returncode == 2
        assert "le support est en lecture seule" in refused.stderr or "droit" in refused.stderr


# -- a damaged corpus ------------------------------------------------------------------------


def damage_a_page(db: Path, page: int = 3) -> None:
    page_size = 4096
    data = bytearray(db.read_bytes())
    rng = random.Random(7)
    data[page * page_size : (page + 1) * page_size] = bytes(rng.randrange(256) for _ in range(page_size))
    db.write_bytes(bytes(data))


def test_a_damaged_corpus_is_said_and_never_written(copy_of: Path, tmp_path: Path) -> None:
    db = copy_of / "corpus.sqlite"
    damage_a_page(db)
    before = db.read_bytes()
    for command in (["status"], ["search", "diamants"], ["reindex"], ["import", str(QE17)]):
        result = run(copy_of, *command)
        no_traceback(result)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert f"La base du corpus « {db} » est endommagée" in result.stderr
        assert "user.sqlite" in result.stderr  # the user's own work is safe
        assert "files" in result.stderr  # what to re-import: the files imported before
    assert db.read_bytes() == before


def test_a_deleted_corpus_does_not_pass_for_an_empty_one(copy_of: Path) -> None:
    (copy_of / "corpus.sqlite").unlink()
    for command in (["status"], ["search", "diamants"]):
        result = run(copy_of, *command)
        no_traceback(result)
        assert result.returncode == 2
        assert "est absente alors que l'index de recherche contenait 300 questions" in result.stderr
    assert not (copy_of / "corpus.sqlite").exists()
    # Re-importing is the remedy: said, then done.
    result = run(copy_of, "import", str(QE17))
    assert result.returncode == 0, result.stderr
    assert "absente" in result.stderr


def test_an_emptied_corpus_does_not_pass_for_an_empty_one(copy_of: Path) -> None:
    (copy_of / "corpus.sqlite").write_bytes(b"")
    result = run(copy_of, "status")
    no_traceback(result)
    assert result.returncode == 2
    assert "est vide alors que l'index de recherche contenait 300 questions" in result.stderr


# -- two programs at once ---------------------------------------------------------------------


def test_a_second_import_waits_for_the_first_and_both_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first_files = write_official_questions(tmp_path / "a", 800)
    second_files = write_official_questions(tmp_path / "b", 200, start_number=5000)
    first = start(data, "import", str(first_files), "--json")
    deadline = time.monotonic() + 60
    while not (data / "writer.json").exists():
        assert time.monotonic() < deadline
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = run(data, "import", str(second_files), "--json")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert json.loads(out)["added"] == 800
    no_traceback(second)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["added"] == 200
    if "attente" in second.stderr:  # it started while the first was still writing
        assert f"un import (processus {first.pid}" in second.stderr
    status = run(data, "status", "--json")
    assert json.loads(status.stdout)["total"] == 1000
    search = run(data, "search", "diamants", "--json")
    assert json.loads(search.stdout)["total"] == 1000
    assert "reconstruit" not in search.stderr


def test_a_search_during_an_import_uses_the_index_as_it_is(copy_of: Path, tmp_path: Path) -> None:
    more = write_official_questions(tmp_path / "more", 3000, start_number=10_000)
    importing = start(copy_of, "import", str(more))
    seen_busy = False
    try:
        deadline = time.monotonic() + 60
        while importing.poll() is None and time.monotonic() < deadline:
            result = run(copy_of, "search", "diamants", "--json")
            no_traceback(result)
            assert result.returncode == 0, result.stderr
            assert "reconstruit" not in result.stderr  # a reader never rebuilds
            found = json.loads(result.stdout)
            assert found["total"] >= 300
            if any("en cours de mise à jour par un import" in w for w in found["warnings"]):
                seen_busy = True
                break
    finally:
        # Ctrl+C: the import stops at the end of its batch and still reports.
        importing.send_signal(signal.SIGINT)
        out, err = importing.communicate(timeout=300)
    assert seen_busy
    no_traceback(subprocess.CompletedProcess([], importing.returncode, out, err))
    if importing.returncode == 1:
        assert "Import interrompu : les lots déjà enregistrés sont conservés." in out
    stored = json.loads(run(copy_of, "status", "--json").stdout)["total"]
    after = run(copy_of, "search", "diamants", "--json")
    assert json.loads(after.stdout)["total"] == stored
    assert json.loads(after.stdout)["warnings"] == []


def test_the_index_phase_of_an_import_shows_progress(tmp_path: Path) -> None:
    files = write_official_questions(tmp_path / "files", 400)
    result = run(tmp_path / "data", "import", str(files))
    assert result.returncode == 0
    assert "Indexation : 400 / 400 questions" in result.stderr
    assert "Écriture de l'index…" in result.stderr


# -- killed ---------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for good (its parent died): only its entry remains.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    return True


KILLED_REBUILD = """
import os, signal, subprocess, sys
from pathlib import Path
from qe_desktop.paths import DataPaths
from qe_desktop.search import build, index
from qe_desktop.store import CorpusStore

build.PARALLEL_MIN = 100  # parallel as at 6,000 questions
index.SEGMENT_DOCS = 50   # several tasks per worker, as at 133,000 questions
paths = DataPaths(Path(sys.argv[1]))

def progress(done, total, message):
    if done:  # the workers are at work: the app dies, as with kill -9
        found = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True)
        print(found.stdout.replace("\\n", " "), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

with CorpusStore(paths.corpus_db) as store:
    index.SearchIndex(paths.index_dir, store).rebuild(progress)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_index_workers_end_when_their_writer_is_killed(copy_of: Path) -> None:
    dying = subprocess.run(
        [sys.executable, "-c", KILLED_REBUILD, str(copy_of)], capture_output=True, text=True, check=False
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    workers = [int(p) for p in dying.stdout.split()]
    assert len(workers) >= 1
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)], "index workers outlived the process that started them"
    # And the folder is usable: the interrupted index is rebuilt, with its reason.
    result = run(copy_of, "search", "diamants", "--json")
    assert result.returncode == 0, result.stderr
    assert "interrompue" in result.stderr
    assert json.loads(result.stdout)["total"] == 300
