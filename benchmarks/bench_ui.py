"""Responsiveness of the window on a whole legislature (133,000 questions by default), offscreen.

Three figures, each against the library call it wraps, measured in the same process
(the ratio is the window's own cost: threads, model, view, rich-text layout):

* cold start to a usable window: a fresh process (interpreter, imports, window,
  data folder and index opened, first search shown, first question shown), timed
  from the parent's ``Popen`` to the child's "ready" line; repeated, median and max;
* keystroke to results shown: Enter in the search field (the immediate path) until
  the table is reset and repainted, for a mix of queries (words, phrase, boolean,
  field, date); and the same through search-as-you-type, which adds the debounce;
  baseline: ``SearchIndex.search`` of the same request, called directly;
* click to question shown: a mouse click on a row until both panes are rendered
  and repainted (load, highlight, render off the GUI thread, then ``setHtml``);
  baseline: ``workers.shown_question`` (store read + highlight + render) called directly.

Goals on this machine (issue 4): cold start < 1.5 s, results < 200 ms p95,
question shown < 50 ms p95.  The data folder is prepared once (synthetic dump,
import, index build: minutes at 133,000) and reused from ``benchmarks/out/``.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_ui [--count 133000] [--rounds 40]
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before any heavy import: the child's cold start begins here

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

QUERIES: tuple[str, ...] = (
    "hôpital",
    "retraite agricole",
    "santé",
    '"fonction publique"',
    "école OU collège",
    "logement SAUF social",
    "rubrique:agriculture",
    "date:2010",
    "impôt revenu",
    "transports ferroviaires",
    "handicap",
    "sécurité routière",
    "environnement eau",
    "pêche",
    "ministere:intérieur",
    "gendarmerie",
    "taxe",
    "collectivités territoriales",
    "emploi jeunes",
    "prix carburant",
)
GOALS_MS = {"cold": 1500.0, "results": 200.0, "question": 50.0}


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else float("nan"),
    }


# -- data folder ---------------------------------------------------------------------


def prepare(count: int, seed: int) -> Path:
    """A data folder with ``count`` synthetic questions imported and indexed (reused when present)."""
    from benchmarks.synth import write_dump
    from qe_desktop.corpus import import_paths
    from qe_desktop.paths import DataPaths
    from qe_desktop.search.index import SearchIndex
    from qe_desktop.store import CorpusStore

    root = OUT / f"ui-{count}-s{seed}"
    paths = DataPaths(root / "data")
    done = root / "prepared"
    if done.exists():
        return paths.root
    paths.ensure()
    dump = OUT / f"synth-L13-{count}-s{seed}.zip"
    if not dump.exists():
        t = time.perf_counter()
        write_dump(dump, count, seed=seed, legislature=13)
        print(f"dump written: {dump} ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    t = time.perf_counter()
    with CorpusStore(paths.corpus_db) as store:
        report = import_paths(store, [dump])
    print(f"imported {report.added} questions ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    t = time.perf_counter()
    with CorpusStore(paths.corpus_db, readonly=True) as reader:
        SearchIndex.open(paths, reader).close()
    print(f"index built ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    done.write_text("ok\n", encoding="utf-8")
    return paths.root


# -- in the child process -------------------------------------------------------------------


def _wait(app: Any, predicate: Callable[[], bool], timeout: float = 600.0) -> None:
    end = time.perf_counter() + timeout
    while not predicate():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError
        time.sleep(0.0005)


def child_cold(data: Path) -> None:
    """Open the window like a user would; print the time to a usable window."""
    from PySide6.QtWidgets import QApplication

    from qe_desktop.paths import DataPaths
    from qe_desktop.ui.app import application
    from qe_desktop.ui.main_window import MainWindow

    app: QApplication = application()
    paths = DataPaths(data)
    # Each run starts from the same state: no remembered query or layout.
    (paths.root / "qe-desktop.ini").unlink(missing_ok=True)
    window = MainWindow(paths)
    shown: list[str] = []
    window.question_shown.connect(shown.append)
    window.show()
    window.start()
    _wait(app, lambda: bool(shown))
    window.reader.question_pane.repaint()
    window.table.viewport().repaint()
    usable = time.perf_counter() - _STARTED
    print(json.dumps({"usable_s": usable, "rows": window.model.rowCount(), "total": window.model.total}))
    window.shutdown()


def child_interactive(data: Path, rounds: int) -> None:
    """Keystroke to results, click to question, against the library calls."""
    from PySide6.QtCore import QEvent, QPoint, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from qe_desktop.paths import DataPaths
    from qe_desktop.ui.app import application
    from qe_desktop.ui.main_window import MainWindow
    from qe_desktop.ui.workers import shown_question

    app: QApplication = application()
    paths = DataPaths(data)
    (paths.root / "qe-desktop.ini").unlink(missing_ok=True)
    window = MainWindow(paths)
    window.resize(1440, 900)
    ready: list[int] = []
    shown: list[str] = []
    window.ready.connect(lambda: ready.append(1))
    window.question_shown.connect(shown.append)
    window.show()
    window.start()
    _wait(app, lambda: bool(shown))
    index = window.reads.index
    assert index is not None
    field = window.search_bar.field
    queries = [QUERIES[i % len(QUERIES)] for i in range(rounds)]

    # Enter: results shown (model reset, table repainted).
    enter_ms: list[float] = []
    for query in queries:
        field.setText(query)
        ready.clear()
        t = time.perf_counter()
        QTest.keyClick(field, Qt.Key.Key_Return)
        _wait(app, lambda: bool(ready))
        window.table.viewport().repaint()
        enter_ms.append((time.perf_counter() - t) * 1000)
        _wait(app, lambda: window.reads.pool.activeThreadCount() == 0)
        app.processEvents()

    # Typing: the last keystroke, then the debounce, then the results.
    typed_ms: list[float] = []
    for query in queries[: max(5, rounds // 4)]:
        field.setText(query[:-1])
        ready.clear()
        t = time.perf_counter()
        # A key event carrying the character (QTest only knows ASCII keys).
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(field, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, query[-1]))
        _wait(app, lambda: bool(ready))
        window.table.viewport().repaint()
        typed_ms.append((time.perf_counter() - t) * 1000)
        _wait(app, lambda: window.reads.pool.activeThreadCount() == 0)

    # Library baseline: the same requests, called directly.
    library_ms: list[float] = []
    for query in queries:
        field.setText(query)
        request = window.request()
        t = time.perf_counter()
        index.search(request)
        library_ms.append((time.perf_counter() - t) * 1000)

    # Click on a row: question shown (both panes rendered and repainted).
    field.setText("santé")
    ready.clear()
    QTest.keyClick(field, Qt.Key.Key_Return)
    _wait(app, lambda: bool(ready))
    _wait(app, lambda: window.reads.pool.activeThreadCount() == 0)
    click_ms: list[float] = []
    render_ms: list[float] = []
    rows = min(window.model.rowCount(), 60)
    table = window.table
    for i in range(rounds):
        row = 1 + (i * 7) % (rows - 1)
        table.scrollTo(window.model.index(row, 0))
        app.processEvents()
        rect = table.visualRect(window.model.index(row, 3))
        uid = window.model.uid_at(row)
        if uid == window.current_uid:
            continue
        shown.clear()
        t = time.perf_counter()
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
        _wait(app, lambda: bool(shown))
        window.reader.question_pane.repaint()
        window.reader.answer_pane.repaint()
        click_ms.append((time.perf_counter() - t) * 1000)
        store = window.reads.connections.store()
        t = time.perf_counter()
        shown_question(store, uid or "", "santé")
        render_ms.append((time.perf_counter() - t) * 1000)
        _wait(app, lambda: window.reads.pool.activeThreadCount() == 0)

    print(
        json.dumps(
            {
                "enter": summary(enter_ms),
                "typed": summary(typed_ms),
                "library_search": summary(library_ms),
                "click": summary(click_ms),
                "library_question": summary(render_ms),
                "total_first": window.model.total,
            }
        )
    )
    window.shutdown()


# -- the parent -------------------------------------------------------------------------------------


def run_child(args: list[str]) -> tuple[dict[str, Any], float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_ui", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=133_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--child", choices=("cold", "interactive"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "cold":
        child_cold(args.data)
        return 0
    if args.child == "interactive":
        child_interactive(args.data, args.rounds)
        return 0

    data = prepare(args.count, args.seed)
    print(f"data folder: {data} ({args.count} questions), {os.cpu_count()} cores", file=sys.stderr)
    run_child(["--child", "cold", "--data", str(data)])  # warm the OS file cache once
    cold: list[float] = []
    for _ in range(args.cold_runs):
        result, _wall = run_child(["--child", "cold", "--data", str(data)])
        cold.append(result["usable_s"] * 1000)
    inter, _ = run_child(["--child", "interactive", "--data", str(data), "--rounds", str(args.rounds)])

    def ratio(a: dict[str, float], b: dict[str, float]) -> str:
        return f"{a['p95'] / b['p95']:.2f}×" if b["p95"] else "—"

    print(f"\n## Window responsiveness, {args.count:,} questions (offscreen, {os.cpu_count()} cores)\n")
    print("| measure | p50 | p95 | max | goal | library call p95 | window / library |")
    print("|---|---|---|---|---|---|---|")
    c = summary(cold)
    print(
        f"| cold start to usable window | {c['p50']:.0f} ms | {c['p95']:.0f} ms | {c['max']:.0f} ms | < 1500 ms | | |"
    )
    e, ls = inter["enter"], inter["library_search"]
    print(
        f"| Enter to results shown | {e['p50']:.0f} ms | {e['p95']:.0f} ms | {e['max']:.0f} ms | < 200 ms p95 "
        f"| {ls['p95']:.0f} ms | {ratio(e, ls)} |"
    )
    ty = inter["typed"]
    print(
        f"| keystroke to results shown (with debounce) | {ty['p50']:.0f} ms | {ty['p95']:.0f} ms "
        f"| {ty['max']:.0f} ms | < 200 ms p95 | {ls['p95']:.0f} ms | {ratio(ty, ls)} |"
    )
    k, lq = inter["click"], inter["library_question"]
    print(
        f"| click to question shown | {k['p50']:.0f} ms | {k['p95']:.0f} ms | {k['max']:.0f} ms | < 50 ms p95 "
        f"| {lq['p95']:.0f} ms | {ratio(k, lq)} |"
    )
    verdicts = {
        "cold": c["p95"] < GOALS_MS["cold"],
        "results (Enter)": e["p95"] < GOALS_MS["results"],
        "question": k["p95"] < GOALS_MS["question"],
    }
    print("\n" + ", ".join(f"{name}: {'atteint' if ok else 'NON atteint'}" for name, ok in verdicts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
