"""Kill imports and rebuilds at random moments; check that nothing is corrupted or left behind.

Each round starts ``qe-desktop import`` (or ``reindex``) on a data folder,
kills it with SIGKILL after a random delay (during the SQLite phase, the
index phase, the parallel rebuild's workers included), then checks:

- no process of the killed one is left (its index workers included);
- ``PRAGMA integrity_check`` of the corpus is ``ok``;
- the next command works: a re-import stores every question exactly once
  (the count is exact) and a search finds them all (the index, left
  half-written, is rebuilt with its reason).

Linux only (reads /proc).  ``tests/e2e/test_kill.py`` runs a few rounds on
small data; run it at scale with::

    python -m benchmarks.kill_import --count 9000 --rounds 20
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Round:
    command: str
    delay: float
    killed: bool  # False: it ended before the kill
    left_behind: tuple[int, ...]
    integrity: str
    count_after: int
    searched_after: int
    rebuilt_because: str


def cli(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qe_desktop", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc: children of each thread)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as fh:
                    children = [int(c) for c in fh.read().split()]
            except OSError:
                continue
            found.extend(children)
            todo.extend(children)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, already dead, is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_after(data: Path, args: Sequence[str], delay: float, env: dict[str, str]) -> tuple[bool, list[int]]:
    """Start ``qe-desktop ARGS``, SIGKILL it after ``delay`` s; (was it killed, processes left after 10 s)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "qe_desktop", *args, "--data-dir", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        seen.update(descendants(process.pid))
        time.sleep(0.02)
    killed = process.poll() is None
    if killed:
        seen.update(descendants(process.pid))
        process.send_signal(signal.SIGKILL)
    process.wait()
    end = time.monotonic() + 10
    while any(alive(p) for p in seen) and time.monotonic() < end:
        time.sleep(0.1)
    return killed, [p for p in seen if alive(p)]


def integrity(db: Path) -> str:
    if not db.exists():
        return "ok"  # killed before the database was created
    conn = sqlite3.connect(db)
    try:
        return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def one_round(data: Path, source: Path, command: str, delay: float, env: dict[str, str]) -> Round:
    args = ["import", str(source)] if command == "import" else ["reindex"]
    killed, left = kill_after(data, args, delay, env)
    state = integrity(data / "corpus.sqlite")
    again = cli(data, "import", str(source), "--json", env=env)
    if again.returncode not in (0, 1):
        raise RuntimeError(f"re-import failed after a kill: {again.stderr}")
    status = json.loads(cli(data, "status", "--json", env=env).stdout)
    search = cli(data, "search", "", "--json", "--limit", "0", env=env)
    rebuilt = next((line for line in again.stderr.splitlines() if "reconstruit (" in line), "")
    return Round(
        command,
        delay,
        killed,
        tuple(left),
        state,
        int(status["total"]),
        int(json.loads(search.stdout)["total"]),
        rebuilt,
    )


def measure(data: Path, source: Path, env: dict[str, str]) -> float:
    """Seconds of one whole import into an empty folder (the range of the random kills)."""
    started = time.monotonic()
    result = cli(data, "import", str(source), env=env)
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr)
    return time.monotonic() - started


def run_rounds(
    work: Path, source: Path, rounds: int, seed: int = 1, parallel_min: int | None = None
) -> list[Round]:
    """``rounds`` kills at random moments, alternating imports into a fresh folder and rebuilds."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if parallel_min is not None:
        env["QE_DESKTOP_PARALLEL_MIN"] = str(parallel_min)
    whole = measure(work / "measure", source, env)
    rng = random.Random(seed)
    results: list[Round] = []
    for n in range(rounds):
        command = "import" if n % 2 == 0 else "reindex"
        data = work / f"round-{n}"
        if command == "reindex":
            cli(data, "import", str(source), env=env)
        results.append(one_round(data, source, command, rng.uniform(0.3, whole), env))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.synth import write_dump

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=9000, help="questions in the dump (9000)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/kill"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    dump = write_dump(args.out / f"dump-{args.count}.zip", args.count, seed=args.seed)
    results = run_rounds(args.out / f"run-{int(time.time())}", dump, args.rounds, args.seed)
    bad = 0
    for r in results:
        ok = not r.left_behind and r.integrity == "ok" and r.count_after == r.searched_after == args.count
        bad += not ok
        print(
            f"{r.command:8} kill at {r.delay:5.1f} s{'' if r.killed else ' (ended first)':15} "
            f"left {len(r.left_behind)}  integrity {r.integrity}  count {r.count_after}  "
            f"found {r.searched_after}  {'OK' if ok else 'FAILED'}  {r.rebuilt_because}"
        )
    print(f"{len(results) - bad}/{len(results)} rounds without damage, loss or leftover process")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
