"""Suivi at scale: statistics over the whole corpus, and the grouping of identical answers.

Statistics: :func:`load_table` (one SQL read of six columns) then :func:`compute` per ministry,
rubrique and year, over every question and over a 10 % subset; baseline in the same process: a
plain SQLite ``GROUP BY`` counting questions and answers per ministry (what any tool would do
first).  Identical answers: :func:`update_duplicates` from nothing (time and peak memory,
tracemalloc), then once more with nothing changed (the cost an import pays when it adds none).

    python benchmarks/bench_suivi.py --count 20000               # synthetic corpus (benchmarks/synth.py)
    python benchmarks/bench_suivi.py --corpus /path/corpus.sqlite  # a copy of an existing corpus
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.bench_search import prepare
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.duplicates import update_duplicates
from qe_desktop.suivi.stats import compute, load_equivalences, load_table


def best(run: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="copy this corpus.sqlite instead of generating one")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qe-bench-suivi")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "corpus.sqlite"
    if args.corpus:
        shutil.copy(args.corpus, db)
    else:
        shutil.copy(prepare(args.work, args.count, args.seed), db)
    with CorpusStore(db) as store:  # migrates to the current schema
        n = store.count()
        conn = store.db.conn
        print(f"Corpus : {n} questions ({db})")

        def baseline() -> None:
            conn.execute(
                "SELECT ministry_answering, count(*), sum(status = 'answered') FROM questions GROUP BY 1"
            ).fetchall()

        t_base = best(baseline)
        t_load = best(lambda: load_table(store))
        table = load_table(store)
        equivalences = load_equivalences()
        print(f"  référence SQLite GROUP BY ministère : {t_base * 1000:7.1f} ms")
        print(
            f"  load_table (une requête)            : {t_load * 1000:7.1f} ms ({t_load / t_base:.1f} × la référence)"
        )
        for by in ("ministere", "rubrique", "annee"):
            t = best(lambda by=by: compute(table, by=by))
            print(f"  compute par {by:<10} (tout)      : {t * 1000:7.1f} ms ({t / t_base:.1f} ×)")
        t = best(lambda: compute(table, by="ministere", equivalences=equivalences))
        print(f"  compute par ministère regroupé      : {t * 1000:7.1f} ms ({t / t_base:.1f} ×)")
        subset = table.uids[::10]
        t = best(lambda: compute(table, subset, by="ministere"))
        print(f"  compute sur 10 % des uids           : {t * 1000:7.1f} ms ({t / t_base:.1f} ×)")
        t = best(lambda: compute(load_table(store), by="ministere"), repeat=3)
        print(f"  load_table + compute (tout)         : {t * 1000:7.1f} ms ({t / t_base:.1f} ×)")

        tracemalloc.start()
        start = time.perf_counter()
        report = update_duplicates(store)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  réponses identiques, calcul complet  : {elapsed:7.1f} s, pic mémoire Python {peak / 2**20:.0f} Mio ; "
            f"{report.groups} groupes, {report.grouped_questions} questions groupées"
        )
        start = time.perf_counter()
        again = update_duplicates(store)
        print(
            f"  réponses identiques, rien de changé  : {(time.perf_counter() - start) * 1000:7.1f} ms ({again.computed} calculées)"
        )
        size = (
            sqlite3.connect(db)
            .execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'answer_keys%'")
            .fetchone()[0]
            if _has_dbstat(db)
            else None
        )
        if size:
            print(f"  place de la table answer_keys        : {size / 2**20:.1f} Mio")
    return 0


def _has_dbstat(db: Path) -> bool:
    try:
        sqlite3.connect(db).execute("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sqlite3.Error:
        return False


if __name__ == "__main__":
    sys.exit(main())
