"""Import benchmark: a whole synthetic legislature through ``import_paths``, against a baseline.

For each size N (default 20,000 and 133,000 = a whole 13th legislature) it writes
(or reuses) a synthetic official-shaped dump (benchmarks/synth.py), then runs, each
in a fresh subprocess so that peak memory is the run's own:

* ``import``: ``qe_desktop.corpus.import_paths`` on the zip, end to end (sniff,
  parse, store), without the search index (``on_changed=None``);
* ``import+index``: the same with the search index following each batch through
  ``SearchIndex.update`` (skipped, and said so, when ``qe_desktop.search`` cannot
  be used);
* ``baseline``: the same records parsed once with the an_json importer (not timed),
  then a plain sqlite-utils ``db["questions"].insert_all(rows, batch_size=…)``
  (timed).  The parse time is reported on its own line.

Figures: questions per second on the wall clock and on the process's CPU time
(the CPU figure is the stable one on a busy machine), peak resident memory
(VmHWM of the child), database size, and the ratio of each run to the baseline
of the same size.  Prints a Markdown table for the README.

    python -m benchmarks.bench_import                   # N = 20,000 and 133,000
    python -m benchmarks.bench_import --count 20000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: python benchmarks/bench_import.py
    sys.path.insert(0, str(ROOT))

GOAL_RATE = 2000  # questions per second, end to end
GOAL_RSS_MB = 400  # peak resident memory for a whole legislature
GOAL_RSS_COUNT = 133_000
BASELINE_BATCH = 500  # the batch size import_paths uses (corpus.BATCH_SIZE)


# -- measuring inside the child ------------------------------------------------------


def _peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM; ru_maxrss elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _size_mb(path: Path) -> float:
    """Size of a file with its -wal/-shm companions, or of a folder."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    total = 0
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            total += candidate.stat().st_size
    return total / 1e6


def _run_import(dump: Path, work: Path, with_index: bool) -> dict[str, Any]:
    from qe_desktop.corpus import import_paths
    from qe_desktop.store import CorpusStore

    db = work / "corpus.sqlite"
    store = CorpusStore(db)
    index = None
    indexer = None
    if with_index:
        from qe_desktop.search.follow import ImportIndexer
        from qe_desktop.search.index import SearchIndex

        index = SearchIndex.open(work / "index", store)
        # What the CLI and the window do: gathered updates, or one rebuild after a large import.
        indexer = ImportIndexer(index)
    wall, cpu = time.perf_counter(), time.process_time()
    report = import_paths(store, [dump], on_changed=indexer)
    if indexer is not None and index is not None:
        indexer.finish()
        index.close()
    store.close()
    result = {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "count": report.added + report.updated + report.unchanged,
        "rejected": len(report.rejected),
        "db_mb": _size_mb(db),
    }
    if with_index:
        result["index_mb"] = _size_mb(work / "index")
    return result


def _question_rows(dump: Path) -> list[dict[str, Any]]:
    """Every question of the dump, parsed by the an_json importer, as table rows."""
    import zipfile

    from qe_desktop.importers import an_json
    from qe_desktop.importers.sources import Source
    from qe_desktop.model import Question
    from qe_desktop.store import QUESTION_COLUMNS

    rows: list[dict[str, Any]] = []
    with zipfile.ZipFile(dump) as archive:

        class _Member(Source):
            # One open archive for every member (Source.open reopens the zip each time).
            def open(self) -> Any:
                return archive.open(self.member or "")

        for info in archive.infolist():
            for item in an_json.parse(_Member(dump, info.filename, info.file_size)):
                if isinstance(item, Question):
                    row = {}
                    for name in QUESTION_COLUMNS:
                        value = getattr(item, name)
                        row[name] = (
                            json.dumps(list(value), ensure_ascii=False) if isinstance(value, tuple) else value
                        )
                    rows.append(row)
    return rows


def _run_baseline(dump: Path, work: Path) -> dict[str, Any]:
    import sqlite_utils

    wall, cpu = time.perf_counter(), time.process_time()
    rows = _question_rows(dump)
    parse_wall, parse_cpu = time.perf_counter() - wall, time.process_time() - cpu
    db = work / "baseline.sqlite"
    conn = sqlite3.connect(db)
    # The pragmas CorpusStore uses, so that only the work differs.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    database = sqlite_utils.Database(conn)
    wall, cpu = time.perf_counter(), time.process_time()
    database["questions"].insert_all(rows, pk="uid", batch_size=BASELINE_BATCH)
    result = {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "count": len(rows),
        "rejected": 0,
        "parse_wall": parse_wall,
        "parse_cpu": parse_cpu,
    }
    conn.close()
    result["db_mb"] = _size_mb(db)
    return result


def _module_of(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/qe_desktop/", "/site-packages/"):
        if marker in path:
            return path.split(marker, 1)[1]
    if path.startswith("~") or path.startswith("<"):
        return "(built-in)"
    return path.rsplit("/lib/python", 1)[-1].split("/", 1)[-1] if "/lib/python" in path else path


def _print_profile(profile: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profile, stream=sys.stderr)
    by_module: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_module[_module_of(filename)] += tottime
        total += tottime
    print("\n== own time by module (profiled run) ==", file=sys.stderr)
    for module, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{seconds:8.2f} s {100 * seconds / total:5.1f} %  {module}", file=sys.stderr)
    print("\n== functions by own time ==", file=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
    print("== functions by cumulative time ==", file=sys.stderr)
    stats.sort_stats("cumulative").print_stats(top)


def child(mode: str, dump: Path, work: Path, profile: bool) -> None:
    """Run one measurement and print it as one JSON line on stdout."""
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    if mode == "import":
        result = _run_import(dump, work, with_index=False)
    elif mode == "import+index":
        result = _run_import(dump, work, with_index=True)
    elif mode == "baseline":
        result = _run_baseline(dump, work)
    else:
        raise SystemExit(f"unknown mode {mode}")
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler, 30)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))


# -- the parent: dumps, fresh processes, table ------------------------------------------


def _search_usable() -> str | None:
    """None if the search index can follow an import, else why not."""
    try:
        from qe_desktop.search.index import SearchIndex
    except Exception as exc:  # any import problem means: not ready
        return f"qe_desktop.search ne s'importe pas ({type(exc).__name__}: {exc})"
    if not callable(getattr(SearchIndex, "update", None)) or not callable(getattr(SearchIndex, "open", None)):
        return "qe_desktop.search.index.SearchIndex n'a pas open()/update()"
    return None


def _measure(mode: str, dump: Path, work: Path, profile: bool = False) -> dict[str, Any]:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    command = [sys.executable, "-m", "benchmarks.bench_import", "--child", mode, str(dump), str(work)]
    if profile:
        command.append("--profile")
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _dump(work: Path, count: int, seed: int, legislature: int) -> Path:
    from benchmarks.synth import write_dump

    path = work / f"synth-L{legislature}-{count}-s{seed}.zip"
    if not path.exists():
        started = time.perf_counter()
        write_dump(path, count, seed=seed, legislature=legislature)
        print(
            f"dump: {path.name} written in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)",
            file=sys.stderr,
        )
    return path


def _fmt_rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}".replace(",", " ") if seconds > 0 else "–"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, action="append", help="questions (repeatable; default 20000 and 133000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--legislature", type=int, default=13)
    parser.add_argument(
        "--work", type=Path, help="folder for the dumps and databases (default: a temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-index", action="store_true", help="skip the run with the search index")
    parser.add_argument(
        "--index-max",
        type=int,
        default=20_000,
        help="largest N for the run with the search index (default 20000: it is much slower)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the import run (cProfile, to stderr)"
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DUMP", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.profile)
        return 0

    counts = args.count or [20_000, 133_000]
    work = args.work or Path(tempfile.mkdtemp(prefix="qe-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    index_problem = "--no-index" if args.no_index else _search_usable()
    rows: list[list[str]] = []
    misses: list[str] = []
    skipped_index: list[int] = []
    try:
        for count in counts:
            dump = _dump(work, count, args.seed, args.legislature)
            results: dict[str, dict[str, Any]] = {}
            modes = ["baseline", "import"]
            if not index_problem and count <= args.index_max:
                modes.append("import+index")
            elif not index_problem:
                skipped_index.append(count)
            for mode in modes:
                print(f"N={count}: {mode}…", file=sys.stderr)
                results[mode] = _measure(
                    mode, dump, work / f"run-{mode}", profile=args.profile and mode == "import"
                )
            base = results["baseline"]
            for mode in modes:
                r = results[mode]
                if "error" in r:
                    rows.append([f"{count:,}".replace(",", " "), mode, r["error"], "", "", "", "", "", ""])
                    continue
                if "error" in base:
                    versus = "–"
                elif mode == "baseline":
                    versus = "1"
                else:
                    # How many times longer than the baseline for the same questions.
                    slower_wall = (base["count"] / base["wall"]) / (r["count"] / r["wall"])
                    slower_cpu = (base["count"] / base["cpu"]) / (r["count"] / r["cpu"])
                    versus = f"{slower_wall:.1f}× / {slower_cpu:.1f}×"
                label = {
                    "baseline": f"baseline: sqlite-utils insert_all (batch {BASELINE_BATCH}) of parsed rows",
                    "import": "import_paths, no index" + (" (under cProfile)" if args.profile else ""),
                    "import+index": "import_paths + search index (ImportIndexer)",
                }[mode]
                db = f"{r['db_mb']:.0f}" + (f" + index {r['index_mb']:.0f}" if "index_mb" in r else "")
                rows.append(
                    [
                        f"{count:,}".replace(",", " "),
                        label,
                        f"{r['wall']:.1f}",
                        _fmt_rate(r["count"], r["wall"]),
                        _fmt_rate(r["count"], r["cpu"]),
                        f"{r['peak_rss_mb']:.0f}",
                        db,
                        versus,
                        str(r["rejected"]),
                    ]
                )
                if mode == "import" and not args.profile:
                    rate = r["count"] / r["wall"]
                    if rate < GOAL_RATE:
                        misses.append(f"N={count}: {rate:,.0f} questions/s end to end < {GOAL_RATE}")
                    if count >= GOAL_RSS_COUNT and r["peak_rss_mb"] >= GOAL_RSS_MB:
                        misses.append(f"N={count}: peak RSS {r['peak_rss_mb']:.0f} MB ≥ {GOAL_RSS_MB} MB")
            if "error" not in base:
                rows.append(
                    [
                        f"{count:,}".replace(",", " "),
                        "(an_json parse alone, for the baseline)",
                        f"{base['parse_wall']:.1f}",
                        _fmt_rate(base["count"], base["parse_wall"]),
                        _fmt_rate(base["count"], base["parse_cpu"]),
                        "",
                        "",
                        "",
                        "",
                    ]
                )
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    header = [
        "N",
        "run",
        "wall s",
        "q/s (wall)",
        "q/s (CPU)",
        "peak RSS MB",
        "DB MB",
        "time vs baseline (wall / CPU)",
        "rejected",
    ]
    print(
        f"\nImport benchmark — synthetic {args.legislature}th legislature, seed {args.seed}; "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU, "
        f"SQLite {sqlite3.sqlite_version}\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if index_problem:
        print(f"\nRun with the search index skipped: {index_problem}.")
    for count in skipped_index:
        print(f"\nRun with the search index skipped for N={count:,} (--index-max {args.index_max:,}).")
    print(
        f"\nGoals: ≥ {GOAL_RATE} questions/s end to end; peak RSS < {GOAL_RSS_MB} MB for {GOAL_RSS_COUNT:,}."
    )
    for miss in misses:
        print(f"MISSED: {miss}")
    if not misses:
        print("Goals met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
