"""Export benchmark: a dossier of 100 and 1,000 questions with 3 annotations each, in every format.

Each size runs in a fresh process (so that its peak memory, ``ru_maxrss``, is its
own), on synthetic questions shaped like the official ones (``benchmarks/synth``),
each question carrying three highlights, two of them with a note.  Printed: the
time to build the content and to lay out each format, the PDF's pages and size,
the process's peak memory.

``--engines`` also lays the same 100 questions out with the other PDF engines the
export issue names, as a baseline measured in the same process: Qt's
``QTextDocument`` printed by ``QPdfWriter`` (the reader's HTML), and WeasyPrint
when it can be imported (``--weasyprint-python``: a Python where it is installed;
it needs Pango).  The figures go to the README, never into asserts.

    python -m benchmarks.bench_export --sizes 100 1000 --engines
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import prepare

from qe_desktop.annotations.edits import PutAnnotation, new_annotation
from qe_desktop.annotations.store import UserStore
from qe_desktop.export import write
from qe_desktop.export.content import ExportDocument, build
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore

NOTES = ("Engagement ferme du ministre : à citer.", "Chiffre à vérifier auprès de la DREES.", "")


def _folder(work: Path, count: int) -> tuple[DataPaths, list[str]]:
    """A data folder with ``count`` synthetic questions (answered ones), three annotations on each."""
    db = prepare(work, max(2 * count, 1000), seed=7)  # about 3 in 4 synthetic questions have an answer
    root = Path(tempfile.mkdtemp(prefix="qe-bench-export-"))
    paths = DataPaths(root).ensure()
    shutil.copyfile(db, paths.corpus_db)
    rng = random.Random(count)
    with CorpusStore(paths.corpus_db, readonly=True) as corpus:
        uids = []
        for uid in corpus.all_uids():
            q = corpus.get(uid)
            if q is not None and q.answer_text and q.question_text and len(q.answer_text) > 200:
                uids.append(uid)
            if len(uids) == count:
                break
        questions = corpus.get_many(uids)
    with UserStore.open(paths, make_copy=False) as user:
        for uid in uids:
            q = questions[uid]
            for i in range(3):
                pane = "question" if i == 0 else "answer"
                text = (q.question_text if pane == "question" else q.answer_text) or ""
                start = rng.randrange(0, max(1, len(text) - 120))
                user.apply(
                    PutAnnotation(
                        new_annotation(
                            q, pane, start, start + rng.randint(30, 110), colour=i + 1, note=NOTES[i]
                        )
                    )
                )
    return paths, uids


def _document(paths: DataPaths, uids: list[str]) -> tuple[ExportDocument, float]:
    start = time.perf_counter()
    with (
        CorpusStore(paths.corpus_db, readonly=True) as corpus,
        UserStore(paths.user_db, readonly=True) as user,
    ):
        document = build(corpus, user, uids, title="Dossier de mesure", source="Banc d'essai")
    return document, time.perf_counter() - start


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def one_size(work: Path, count: int) -> dict[str, Any]:
    """Runs in its own process: build and write every format for ``count`` questions."""
    paths, uids = _folder(work, count)
    out = Path(tempfile.mkdtemp(prefix="qe-bench-export-out-"))
    document, build_s = _document(paths, uids)
    result: dict[str, Any] = {"questions": len(uids), "notes": document.notes, "build_s": round(build_s, 2)}
    for fmt in ("pdf", "md", "odt", "csv"):
        start = time.perf_counter()
        target = write(document, fmt, out / f"dossier.{fmt}")
        result[f"{fmt}_s"] = round(time.perf_counter() - start, 2)
        result[f"{fmt}_bytes"] = target.stat().st_size
    result["pdf_pages"] = _pages(out / "dossier.pdf")
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def qt_engine(work: Path, count: int) -> dict[str, Any]:
    """The same questions through QTextDocument + QPdfWriter (the reader's HTML, no outline, no footer)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    from qe_desktop.render import answer_html, key_data_html, question_html

    app = QGuiApplication.instance() or QGuiApplication([])
    paths, uids = _folder(work, count)
    start = time.perf_counter()
    with CorpusStore(paths.corpus_db, readonly=True) as corpus:
        questions = corpus.get_many(uids)
        parts = [
            key_data_html(questions[u])
            + question_html(questions[u])
            + answer_html(questions[u])
            + '<p style="page-break-after: always"></p>'
            for u in uids
        ]
    target = Path(tempfile.mkdtemp()) / "qt.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(20, 20, 20, 20)
        )
    )
    doc = QTextDocument()
    doc.setHtml("<html><body>" + "".join(parts) + "</body></html>")
    doc.print_(writer)
    del writer
    seconds = time.perf_counter() - start
    del app
    return {
        "engine": "Qt QTextDocument + QPdfWriter",
        "questions": count,
        "pdf_s": round(seconds, 2),
        "pdf_bytes": target.stat().st_size,
        "pdf_pages": _pages(target),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


WEASYPRINT_SCRIPT = """
import json, resource, sys, time
from weasyprint import HTML
from pypdf import PdfReader
html = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
HTML(string=html).write_pdf(sys.argv[2])
print(json.dumps({"engine": "WeasyPrint", "pdf_s": round(time.perf_counter() - start, 2),
                  "pdf_pages": len(PdfReader(sys.argv[2]).pages),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def weasyprint_engine(work: Path, count: int, python: str) -> dict[str, Any]:
    """The same HTML through WeasyPrint, in a Python where it is installed (it is not a dependency)."""
    from qe_desktop.render import answer_html, key_data_html, question_html

    paths, uids = _folder(work, count)
    with CorpusStore(paths.corpus_db, readonly=True) as corpus:
        questions = corpus.get_many(uids)
        parts = [
            '<section style="break-after: page">'
            + key_data_html(questions[u])
            + question_html(questions[u])
            + answer_html(questions[u])
            + "</section>"
            for u in uids
        ]
    folder = Path(tempfile.mkdtemp())
    page = folder / "dossier.html"
    page.write_text(
        "<html lang=fr><head><style>@page { size: A4; margin: 2cm; @bottom-center { content: "
        "'page ' counter(page) ' / ' counter(pages) } } body { font-family: 'Noto Serif'; hyphens: auto }"
        "</style></head><body>" + "".join(parts) + "</body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [python, "-c", WEASYPRINT_SCRIPT, str(page), str(folder / "w.pdf")], capture_output=True, text=True
    )
    if done.returncode:
        return {"engine": "WeasyPrint", "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout)
    result["questions"] = count
    result["pdf_bytes"] = (folder / "w.pdf").stat().st_size
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/qe-bench-export"))
    parser.add_argument("--engines", action="store_true", help="compare the PDF engines on 100 questions")
    parser.add_argument("--weasyprint-python", default=None, metavar="PYTHON")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--qt", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(one_size(args.work, args.one)))
        return 0
    if args.qt:
        print(json.dumps(qt_engine(args.work, args.qt)))
        return 0
    me = [sys.executable, "-m", "benchmarks.bench_export", "--work", str(args.work)]
    rows = []
    for count in args.sizes:
        done = subprocess.run([*me, "--one", str(count)], capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        "| questions | notes | content (s) | PDF (s) | pages | PDF size | Markdown (s) | ODT (s) | CSV (s) | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['questions']:,} | {r['notes']:,} | {r['build_s']} | {r['pdf_s']} | {r['pdf_pages']:,} | "
            f"{r['pdf_bytes'] / 1e6:.1f} MB | {r['md_s']} | {r['odt_s']} | {r['csv_s']} | {r['peak_rss_mb']} MB |"
        )
    if args.engines:
        engines = [
            {"engine": "reportlab Platypus (QE Desktop)", **next(r for r in rows if r["questions"] == 100)}
        ]
        done = subprocess.run([*me, "--qt", "100"], capture_output=True, text=True, check=True)
        engines.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if args.weasyprint_python:
            engines.append(weasyprint_engine(args.work, 100, args.weasyprint_python))
        base = engines[0]["pdf_s"]
        print("\n| engine (100 questions) | PDF (s) | × reportlab | pages | size | peak memory |")
        print("|---|---:|---:|---:|---:|---:|")
        for e in engines:
            if "error" in e:
                print(f"| {e['engine']} | — | — | — | — | {e['error']} |")
                continue
            print(
                f"| {e['engine']} | {e['pdf_s']} | {e['pdf_s'] / base:.2f} | {e['pdf_pages']} | "
                f"{e['pdf_bytes'] / 1e6:.1f} MB | {e['peak_rss_mb']} MB |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
