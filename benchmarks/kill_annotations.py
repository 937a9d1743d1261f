"""Kill a burst of annotation writes with SIGKILL at random moments; check nothing acknowledged is lost.

Each round starts a writer process (``--writer``) on one data folder: it opens
the user's database as the window does (:meth:`UserStore.open`: check, copy)
then adds, edits, deletes annotations and fills a dossier as fast as it can,
printing ``try <kind> <id> <value>`` before each commit and ``ack …`` after it.  The round
kills it after a random delay, then checks:

- ``PRAGMA integrity_check`` of ``user.sqlite`` is ``ok``;
- every edit acknowledged before the kill is there: each annotation added and
  not deleted since, with its last acknowledged note; each deleted one absent;
  the dossier's items;
- the next opening works (no restored copy, no notice).

    python -m benchmarks.kill_annotations --rounds 50
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qe_desktop.annotations.edits import (
    AddToDossier,
    DeleteAnnotation,
    EditAnnotation,
    PutAnnotation,
    PutDossier,
    new_annotation,
)
from qe_desktop.annotations.store import UserStore
from qe_desktop.model import Question
from qe_desktop.paths import DataPaths

TEXT = (
    "M. Jean Dupont attire l'attention de Mme la ministre des solidarités et de la santé sur la situation "
    "des hôpitaux de proximité. En 2019, 18\u00a0% des services d'urgence ont fermé la nuit."
)


def write_burst(data: Path, seed: int) -> None:
    """The writer: edits forever, one acknowledgement per commit (killed from outside)."""
    rng = random.Random(seed)
    with UserStore.open(DataPaths(data)) as user:
        dossier = user.dossier_named("Rafale") or user.new_dossier("Rafale")
        if user.dossier(dossier.id) is None:
            user.apply(PutDossier(dossier))
        live: list[str] = []
        n = 0
        while True:
            n += 1
            q = Question(
                uid=f"QANR5L17QE{rng.randrange(1, 40)}",
                legislature=17,
                type="QE",
                number=1,
                question_text=TEXT,
            )
            roll = rng.random()
            if roll < 0.5 or not live:
                start = rng.randrange(0, len(TEXT) - 20)
                a = new_annotation(
                    q,
                    "question",
                    start,
                    start + rng.randrange(5, 20),
                    colour=rng.randrange(1, 6),
                    note=f"note {n}",
                )
                done(f"add {a.id} note {n}", lambda a=a: user.apply(PutAnnotation(a)))
                live.append(a.id)
            elif roll < 0.8:
                aid = rng.choice(live)
                done(
                    f"edit {aid} édition {n}",
                    lambda aid=aid, n=n: user.apply(EditAnnotation(aid, 2, f"édition {n}", ("rafale",))),
                )
            elif roll < 0.9:
                aid = live.pop(rng.randrange(len(live)))
                done(f"delete {aid} -", lambda aid=aid: user.apply(DeleteAnnotation(aid)))
            else:
                done(f"dossier {q.uid} -", lambda q=q: user.apply(AddToDossier(dossier.id, (q.uid,))))


def done(what: str, edit: Callable[[], object]) -> None:
    """Say the edit is being made, make it (one commit), then acknowledge it."""
    print(f"try {what}", flush=True)
    edit()
    print(f"ack {what}", flush=True)


@dataclass(frozen=True, slots=True)
class Round:
    delay: float
    acknowledged: int
    integrity: str
    missing: tuple[str, ...]  # what was acknowledged and is not there (French)
    notice: str | None


def _parse(line: str) -> tuple[str, str, str, str] | None:
    parts = line.split(" ", 3)
    if len(parts) != 4 or parts[0] not in ("try", "ack"):
        return None  # the last line may be cut by the kill
    return parts[0], parts[1], parts[2], parts[3]


def expected(
    rounds: Sequence[Sequence[str]],
) -> tuple[dict[str, str], set[str], set[str], list[tuple[str, str, str]]]:
    """From each round's lines: live annotation -> last acknowledged note, deleted ids, dossier
    items, and the edits in flight when a round was killed (begun, never acknowledged)."""
    notes: dict[str, str] = {}
    deleted: set[str] = set()
    items: set[str] = set()
    in_flight: list[tuple[str, str, str]] = []
    for lines in rounds:
        pending: tuple[str, str, str] | None = None
        for line in lines:
            parsed = _parse(line)
            if parsed is None:
                continue
            step, kind, key, value = parsed
            if step == "try":
                pending = (kind, key, value)
                continue
            pending = None
            if kind in ("add", "edit"):
                notes[key] = value
            elif kind == "delete":
                notes.pop(key, None)
                deleted.add(key)
            elif kind == "dossier":
                items.add(key)
        if pending is not None:
            in_flight.append(pending)
    return notes, deleted, items, in_flight


def check(data: Path, rounds: Sequence[Sequence[str]]) -> tuple[str, tuple[str, ...]]:
    """Integrity, and what was acknowledged and is not there (an edit in flight at a kill may be
    there or not: it was committed or not, never half)."""
    db = data / "user.sqlite"
    if not db.exists():
        return "ok", ()
    conn = sqlite3.connect(db)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        stored = dict(conn.execute("SELECT id, note FROM annotations").fetchall())
        items = {r[0] for r in conn.execute("SELECT question_uid FROM dossier_items")}
    finally:
        conn.close()
    notes, deleted, wanted_items, in_flight = expected(rounds)
    maybe = {(kind, key): value for kind, key, value in in_flight}
    missing: list[str] = []
    for aid, note in notes.items():
        if aid not in stored:
            if ("delete", aid) not in maybe:
                missing.append(f"annotation {aid} absente")
        elif stored[aid] != note and stored[aid] != maybe.get(("edit", aid)):
            missing.append(f"annotation {aid} : « {stored[aid]} » au lieu de « {note} »")
    for aid in deleted:
        if aid in stored:
            missing.append(f"annotation {aid} supprimée mais présente")
    for (kind, key), value in maybe.items():
        if kind == "add" and key in stored and stored[key] != value:
            missing.append(f"annotation {key} à moitié écrite : « {stored[key]} »")
    missing.extend(f"question {uid} absente du dossier" for uid in sorted(wanted_items - items))
    return integrity, tuple(missing)


def run_rounds(data: Path, *, rounds: int, seed: int, max_delay: float = 1.5) -> list[Round]:
    """``rounds`` writers on the same data folder, each killed after a random delay."""
    rng = random.Random(seed)
    data.mkdir(parents=True, exist_ok=True)
    lines: list[list[str]] = []
    results: list[Round] = []
    for n in range(rounds):
        delay = rng.uniform(0.0, max_delay)
        with tempfile.TemporaryFile("w+") as out:
            writer = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.kill_annotations",
                    "--writer",
                    str(data),
                    "--seed",
                    str(seed * 1000 + n),
                ],
                stdout=out,
                stderr=subprocess.PIPE,
                cwd=Path(__file__).resolve().parent.parent,
            )
            # The random moment is counted from the first acknowledgement: starting Python
            # takes longer than a burst of edits.
            deadline = time.monotonic() + 30
            while (
                os.fstat(out.fileno()).st_size == 0 and writer.poll() is None and time.monotonic() < deadline
            ):
                time.sleep(0.01)
            time.sleep(delay)
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            out.seek(0)
            acks = out.read().splitlines()
            if writer.stderr is not None:
                errors = writer.stderr.read().decode("utf-8", "replace")
                if "Traceback" in errors:
                    raise RuntimeError(f"the writer failed: {errors}")
        lines.append(acks)
        integrity, missing = check(data, lines)
        with UserStore.open(DataPaths(data), make_copy=False) as reopened:
            notice = reopened.notice
        acknowledged = sum(1 for line in acks if line.startswith("ack "))
        results.append(Round(delay, acknowledged, integrity, missing, notice))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        write_burst(args.writer, args.seed)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = run_rounds(Path(tmp) / "data", rounds=args.rounds, seed=args.seed)
    bad = [r for r in results if r.integrity != "ok" or r.missing or r.notice]
    acknowledged = sum(r.acknowledged for r in results)
    print(f"{len(results)} rounds killed, {acknowledged} edits acknowledged, {len(bad)} with a problem")
    for r in bad:
        print(r)
    return 1 if bad else 0


if __name__ == "__main__":
    if os.environ.get("QE_KILL_WRITER_NICE"):
        os.nice(int(os.environ["QE_KILL_WRITER_NICE"]))
    sys.exit(main())
