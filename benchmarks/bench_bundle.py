"""The bundle against the source, on the same machine and data folder: index rebuild and start.

* rebuild: ``qe-desktop reindex`` (every question, in worker processes: forked from source on
  Linux, the bundle's executable spawned again in the frozen app), wall time of the command;
* start to a usable window: from ``Popen`` to the log's « Fenêtre utilisable » line (data
  folder and index opened, first search shown, first question shown), offscreen, no remembered
  layout or query; the process is then ended.

Rounds alternate source and bundle so that the machine's load weighs on both alike.

    python -m benchmarks.bench_bundle --data DOSSIER [--app "dist/QE Desktop/qe-desktop"] [--rounds 5]

(A data folder with a corpus: ``python -m benchmarks.synth --count 10000 --out s.zip`` then
``qe-desktop import --data-dir DOSSIER s.zip``.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USABLE = "Fenêtre utilisable"


def _commands(app: Path) -> dict[str, list[str]]:
    return {"source": [sys.executable, "-m", "qe_desktop"], "bundle": [str(app)]}


def rebuild(command: list[str], data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*command, "reindex", "--data-dir", str(data)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started


def start(command: list[str], data: Path, timeout: float = 120.0) -> float:
    (data / "qe-desktop.ini").unlink(missing_ok=True)
    log = data / "qe-desktop.log"
    offset = log.stat().st_size if log.exists() else 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if log.exists():
                with log.open("rb") as f:
                    f.seek(offset)
                    if USABLE.encode() in f.read():
                        return time.perf_counter() - started
            if process.poll() is not None:
                raise RuntimeError(
                    f"{command[0]} s'est arrêté (code {process.returncode}) avant d'être utilisable"
                )
            if time.perf_counter() - started > timeout:
                raise TimeoutError(command)
            time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(30)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder with a corpus")
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "QE Desktop" / "qe-desktop")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-rebuild", action="store_true")
    args = parser.parse_args(argv)
    commands = _commands(args.app)
    measures: dict[str, dict[str, list[float]]] = {"rebuild": {}, "start": {}}
    for _ in range(args.rounds):
        for kind, command in commands.items():
            if not args.skip_rebuild:
                measures["rebuild"].setdefault(kind, []).append(rebuild(command, args.data))
            measures["start"].setdefault(kind, []).append(start(command, args.data))
    for what, by_kind in measures.items():
        if not by_kind:
            continue
        line = []
        for kind, values in by_kind.items():
            line.append(
                f"{kind} median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
            )
        ratio = statistics.median(by_kind["bundle"]) / statistics.median(by_kind["source"])
        print(f"{what}: " + " ; ".join(line) + f" ; bundle/source {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
