"""Search benchmark: QE Desktop's Whoosh index against SQLite FTS5 on the same synthetic corpus.

For each size (default 20,000 questions), in one run:

1. write the synthetic dump (``benchmarks/synth.py``, deterministic) and import it
   (both cached in ``--work`` between runs);
2. build the Whoosh index from the database (``SearchIndex.rebuild``) and an FTS5
   index (``unicode61 remove_diacritics 2``, external content on the same texts):
   time per question and size against the text size;
3. run a mixed query set (words, phrases, booleans, fields, dates, prefixes, a
   number) as a *full results page*: total, the seven facet counts and the first
   20 hits each with a question and an answer snippet — the same work in both
   engines (FTS5: ``count(*)``, seven ``GROUP BY``, ``bm25`` + two ``snippet()``);
4. run the same pages *for the first time*: ``--first-runs`` fresh processes each
   open the index as the window does (``SearchIndex.open`` without checksums,
   ``warm()``, ``gc.freeze()``) and a new FTS5 connection, then run every query
   once, in order, with nothing cached but what the previous queries of that
   process left (a user typing new queries);
5. print p50/p95 per engine and their ratio, then a Markdown table for the README.

Timings are ratios against FTS5 measured in the same process, never absolute
pass/fail thresholds (the machine may be shared).  FTS5 does no stemming: it is a
speed baseline, not a quality one.

    python benchmarks/bench_search.py --sizes 20000 133000 --work /tmp/qe-bench-search
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

from qe_desktop.corpus import import_paths  # noqa: E402
from qe_desktop.model import SearchRequest  # noqa: E402
from qe_desktop.search.index import SearchIndex  # noqa: E402
from qe_desktop.store import CorpusStore  # noqa: E402

#: (label, QE Desktop query, FTS5 MATCH expression or None, SQL condition on q. or None)
QUERIES: list[tuple[str, str, str | None, str | None]] = [
    ("mot fréquent", "santé", "santé", None),
    ("mot", "hôpital", "hôpital", None),
    ("mot rare", "vétérinaires", "vétérinaires", None),
    ("deux mots", "collectivités territoriales", "collectivités AND territoriales", None),
    ("trois mots", "sécurité sociale retraite", "sécurité AND sociale AND retraite", None),
    ("expression", '"sécurité sociale"', '"sécurité sociale"', None),
    ("expression longue", '"projet de loi de finances"', '"projet de loi de finances"', None),
    ("OU", "agriculteurs OU éleveurs", "agriculteurs OR éleveurs", None),
    ("SAUF", "retraite SAUF agricole", "retraite NOT agricole", None),
    ("parenthèses", "(école OU collège) enseignants", "(école OR collège) AND enseignants", None),
    ("préfixe", "handica*", "handica*", None),
    ("proximité", '"taxe foncière"~5', "NEAR(taxe foncière, 5)", None),
    ("champ analyse", "analyse:logement", "analyse : logement", None),
    ("rubrique", "rubrique:agriculture", None, "q.rubrique LIKE '%agriculture%'"),
    ("date + mot", "date:2011 emploi", "emploi", "q.question_date BETWEEN '2011-01-01' AND '2011-12-31'"),
    ("statut + mot", "statut:en-attente impôt", "impôt", "q.status = 'pending'"),
    ("tout, trié par date", "date:2010..2011", None, "q.question_date BETWEEN '2010-01-01' AND '2011-12-31'"),
    ("numéro", "1234", None, "q.number = 1234"),
]

FACET_COLUMNS = {
    "legislature": "q.legislature",
    "type": "q.type",
    "rubrique": "q.rubrique",
    "ministry_answering": "q.ministry_answering",
    "group_abbrev": 'coalesce(q.group_abbrev, q."group")',
    "status": "q.status",
    "year": "substr(q.question_date, 1, 4)",
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def prepare(work: Path, count: int, seed: int) -> Path:
    """The corpus database of ``count`` synthetic questions (cached)."""
    db = work / f"corpus-{count}-{seed}.sqlite"
    if db.exists():
        return db
    dump = work / f"synth-{count}-{seed}.zip"
    if not dump.exists():
        print(f"  génération du corpus synthétique ({count} questions)…", file=sys.stderr)
        synth.write_dump(dump, count, seed=seed, legislature=13)
    print(f"  import de {dump.name}…", file=sys.stderr)
    tmp = db.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    with CorpusStore(tmp) as store:
        report = import_paths(store, [dump])
        assert report.added == count, report
    tmp.replace(db)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    return db


def text_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT sum(length(CAST(coalesce(analyse,'') AS BLOB)) + length(CAST(coalesce(tete_analyse,'') AS BLOB))"
        " + length(CAST(coalesce(question_text,'') AS BLOB)) + length(CAST(coalesce(answer_text,'') AS BLOB)))"
        " FROM questions"
    ).fetchone()
    conn.close()
    return int(row[0] or 0)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_whoosh(db: Path, work: Path) -> tuple[float, int, CorpusStore, SearchIndex]:
    index_dir = work / f"index-{db.stem}"
    shutil.rmtree(index_dir, ignore_errors=True)
    store = CorpusStore(db)
    index = SearchIndex(index_dir, store)
    started = time.perf_counter()
    index.rebuild()
    elapsed = time.perf_counter() - started
    return elapsed, folder_size(index_dir), store, index


def build_fts(db: Path, work: Path) -> tuple[float, int, sqlite3.Connection]:
    copy = work / f"fts-{db.stem}.sqlite"
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    before = copy.stat().st_size
    started = time.perf_counter()
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(analyse, question_text, answer_text, content='questions', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    with conn:
        conn.execute(
            "INSERT INTO fts(rowid, analyse, question_text, answer_text) "
            "SELECT rowid, coalesce(tete_analyse || ' ', '') || coalesce(analyse, ''), question_text, answer_text "
            "FROM questions"
        )
    elapsed = time.perf_counter() - started
    after = copy.stat().st_size
    return elapsed, after - before, conn


def fts_page(conn: sqlite3.Connection, match: str | None, where: str | None) -> tuple[int, int]:
    """Total, seven facets and 20 hits with two snippets: FTS5's version of a results page."""
    if match is not None:
        source = "fts JOIN questions q ON q.rowid = fts.rowid"
        cond = "fts MATCH ?"
        args: list[Any] = [match]
    else:
        source = "questions q"
        cond = "1"
        args = []
    if where:
        cond += f" AND {where}"
    total = conn.execute(f"SELECT count(*) FROM {source} WHERE {cond}", args).fetchone()[0]
    for column in FACET_COLUMNS.values():
        conn.execute(
            f"SELECT {column}, count(*) FROM {source} WHERE {cond} GROUP BY 1 ORDER BY 2 DESC", args
        ).fetchall()
    if match is not None:
        rows = conn.execute(
            f"SELECT q.uid, snippet(fts, 1, '<b>', '</b>', '…', 30), snippet(fts, 2, '<b>', '</b>', '…', 30) "
            f"FROM {source} WHERE {cond} ORDER BY bm25(fts, 3.0, 1.0, 1.0) LIMIT 20",
            args,
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT q.uid, substr(q.question_text, 1, 240), substr(q.answer_text, 1, 240) FROM {source} "
            f"WHERE {cond} ORDER BY q.question_date DESC LIMIT 20",
            args,
        ).fetchall()
    return total, len(rows)


def first_time_child(db: Path, index_dir: Path, fts_db: Path) -> dict[str, list[float]]:
    """In a fresh process: every query once, as a first search (see the module's step 4)."""
    import gc

    store = CorpusStore(db, readonly=True)
    index = SearchIndex.open(index_dir, store, rebuild=False, deep_check=False)
    index.warm()
    gc.freeze()
    conn = sqlite3.connect(fts_db)
    out: dict[str, list[float]] = {"whoosh": [], "fts": []}
    for label, query, match, where in QUERIES:
        sort = "date" if label.startswith("tout") else "pertinence"
        request = SearchRequest(query=query, limit=20, sort=sort)  # type: ignore[arg-type]
        started = time.perf_counter()
        index.search(request)
        out["whoosh"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fts_page(conn, match, where)
        out["fts"].append((time.perf_counter() - started) * 1000)
    return out


def first_time(db: Path, index_dir: Path, fts_db: Path, runs: int) -> dict[str, list[float]]:
    """Step 4: ``runs`` fresh processes, their timings joined."""
    joined: dict[str, list[float]] = {"whoosh": [], "fts": []}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--first-time-child", str(db), str(index_dir), str(fts_db)],
            check=True,
            capture_output=True,
            text=True,
        )
        for engine, times in json.loads(done.stdout).items():
            joined[engine] += times
    return joined


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm caches (the app keeps its searcher open)
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def bench(count: int, work: Path, seed: int, repeat: int, first_runs: int) -> dict[str, Any]:
    print(f"== {count} questions", file=sys.stderr)
    db = prepare(work, count, seed)
    text = text_size(db)
    print("  index Whoosh…", file=sys.stderr)
    w_build, w_size, store, index = build_whoosh(db, work)
    print("  index FTS5…", file=sys.stderr)
    f_build, f_size, conn = build_fts(db, work)
    rows = []
    w_all: list[float] = []
    f_all: list[float] = []
    for label, query, match, where in QUERIES:
        sort = "date" if label.startswith("tout") else "pertinence"
        request = SearchRequest(query=query, limit=20, sort=sort)  # type: ignore[arg-type]
        result = index.search(request)
        w_times = timed(lambda request=request: index.search(request), repeat)
        f_total, _ = fts_page(conn, match, where)
        f_times = timed(lambda match=match, where=where: fts_page(conn, match, where), repeat)
        w_all += w_times
        f_all += f_times
        rows.append(
            {
                "label": label,
                "query": query,
                "whoosh_total": result.total,
                "fts_total": f_total,
                "whoosh_ms": statistics.median(w_times),
                "fts_ms": statistics.median(f_times),
            }
        )
    index_dir = index.index_dir
    index.close()
    store.close()
    conn.close()
    print(f"  premières recherches ({first_runs} processus)…", file=sys.stderr)
    first = first_time(db, index_dir, work / f"fts-{db.stem}.sqlite", first_runs)
    return {
        "count": count,
        "text_mb": text / 1e6,
        "whoosh_build_s": w_build,
        "whoosh_ms_per_question": w_build / count * 1000,
        "whoosh_size_mb": w_size / 1e6,
        "whoosh_size_ratio": w_size / text,
        "fts_build_s": f_build,
        "fts_ms_per_question": f_build / count * 1000,
        "fts_size_mb": f_size / 1e6,
        "fts_size_ratio": f_size / text,
        "whoosh_p50": percentile(w_all, 0.5),
        "whoosh_p95": percentile(w_all, 0.95),
        "fts_p50": percentile(f_all, 0.5),
        "fts_p95": percentile(f_all, 0.95),
        "whoosh_first_p50": percentile(first["whoosh"], 0.5),
        "whoosh_first_p95": percentile(first["whoosh"], 0.95),
        "whoosh_first_max": max(first["whoosh"]),
        "fts_first_p50": percentile(first["fts"], 0.5),
        "fts_first_p95": percentile(first["fts"], 0.95),
        "first_runs": first_runs,
        "queries": rows,
    }


def report(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        lines.append(f"\n{r['count']} questions ({r['text_mb']:.0f} Mo de texte)")
        lines.append(f"{'requête':<22} {'Whoosh':>8} {'FTS5':>8} {'ratio':>6}  {'total W':>8} {'total F':>8}")
        for q in r["queries"]:
            ratio = q["whoosh_ms"] / q["fts_ms"] if q["fts_ms"] else float("nan")
            lines.append(
                f"{q['label']:<22} {q['whoosh_ms']:>7.1f}ms {q['fts_ms']:>6.1f}ms {ratio:>6.1f}"
                f"  {q['whoosh_total']:>8} {q['fts_total']:>8}"
            )
    lines.append(
        "\n| questions | engine | build (ms/question) | index size (× text) | p50 page (ms) | p95 page (ms) |"
    )
    lines.append("|---:|---|---:|---:|---:|---:|")
    for r in results:
        lines.append(
            f"| {r['count']:,} | Whoosh (QE Desktop) | {r['whoosh_ms_per_question']:.2f} | "
            f"{r['whoosh_size_ratio']:.2f} | {r['whoosh_p50']:.1f} | {r['whoosh_p95']:.1f} |"
        )
        lines.append(
            f"| {r['count']:,} | SQLite FTS5 | {r['fts_ms_per_question']:.2f} | {r['fts_size_ratio']:.2f} | "
            f"{r['fts_p50']:.1f} | {r['fts_p95']:.1f} |"
        )
        lines.append(
            f"| {r['count']:,} | ratio Whoosh/FTS5 | {r['whoosh_build_s'] / r['fts_build_s']:.1f} | "
            f"{r['whoosh_size_ratio'] / r['fts_size_ratio']:.1f} | {r['whoosh_p50'] / r['fts_p50']:.1f} | "
            f"{r['whoosh_p95'] / r['fts_p95']:.1f} |"
        )
    lines.append("\nFirst searches (fresh processes, each query once):\n")
    lines.append("| questions | engine | p50 page (ms) | p95 page (ms) |")
    lines.append("|---:|---|---:|---:|")
    for r in results:
        lines.append(
            f"| {r['count']:,} | Whoosh (QE Desktop) | {r['whoosh_first_p50']:.1f} | {r['whoosh_first_p95']:.1f} |"
        )
        lines.append(
            f"| {r['count']:,} | SQLite FTS5 | {r['fts_first_p50']:.1f} | {r['fts_first_p95']:.1f} |"
        )
        lines.append(
            f"| {r['count']:,} | ratio Whoosh/FTS5 | {r['whoosh_first_p50'] / r['fts_first_p50']:.2f} | "
            f"{r['whoosh_first_p95'] / r['fts_first_p95']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--first-time-child"]:
        print(json.dumps(first_time_child(*(Path(a) for a in argv[1:4]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (after one warm-up)")
    parser.add_argument("--first-runs", type=int, default=5, help="fresh processes for the first searches")
    parser.add_argument("--work", type=Path, default=Path("/tmp/qe-bench-search"))
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = [bench(n, args.work, args.seed, args.repeat, args.first_runs) for n in args.sizes]
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
