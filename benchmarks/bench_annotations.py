"""Annotation benchmark: saving, re-anchoring, filtering 20,000 annotations; ratios to a baseline.

On the bundled sample corpus (581 real questions), with a user database of
``--count`` annotations (default 20,000) spread over its questions:

1. **save** a highlight with a note (``UserStore.apply(PutAnnotation)``: one
   transaction, WAL, ``synchronous = FULL``) — baseline: one bare ``INSERT`` and
   ``COMMIT`` of a row in a table of the same kind of connection;
2. **open a question carrying 200 annotations** (read them, place them on the
   text) and **re-anchor** them after a text change (an erratum that moves every
   passage and rewrites some) — baseline: ``str.find`` of each quote;
3. **filter and sort** the 20,000 (colour, tag, words, dossier, legislature,
   orphans, by date, by question) — baseline: ``SELECT id … ORDER BY modified``.

Timings are printed as p50/p95 and as ratios to the baseline measured in the same
process: the machine may be shared, the figures are for the README, never asserts.

    python -m benchmarks.bench_annotations --count 20000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qe_desktop.annotations.anchoring import place_all
from qe_desktop.annotations.edits import PutAnnotation, PutDossier, new_annotation
from qe_desktop.annotations.store import AnnotationQuery, UserStore
from qe_desktop.corpus import import_sample
from qe_desktop.model import Annotation, Question
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore

TAGS = ("budget", "santé", "relance", "chiffres", "à vérifier", "collectivités", "emploi", "Europe")
NOTES = (
    "Comparer avec la réponse de 2019 sur les hôpitaux de proximité.",
    "Engagement ferme du ministre : à citer dans la note au député.",
    "Chiffre à vérifier auprès de la DREES.",
    "Voir aussi la question du groupe sur les urgences.",
    "",
)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def line(label: str, values: list[float], baseline: list[float] | None = None) -> str:
    text = f"{label:<52} p50 {pct(values, 50):7.2f} ms   p95 {pct(values, 95):7.2f} ms"
    if baseline:
        text += f"   ({pct(values, 50) / pct(baseline, 50):5.1f}× baseline p50)"
    return text


def random_annotation(rng: random.Random, q: Question, *, note: bool = True) -> Annotation | None:
    pane = "answer" if q.answer_text and rng.random() < 0.6 else "question"
    text = q.answer_text if pane == "answer" else q.question_text
    if not text or len(text) < 80:
        return None
    start = rng.randrange(0, len(text) - 60)
    end = start + rng.randrange(8, 60)
    if not text[start:end].strip():
        return None
    return new_annotation(
        q,
        pane,  # type: ignore[arg-type]
        start,
        end,
        colour=rng.randrange(1, 6),
        note=rng.choice(NOTES) if note else "",
        tags=tuple(rng.sample(TAGS, rng.randrange(0, 3))),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        paths = DataPaths(Path(tmp))
        corpus = CorpusStore(paths.corpus_db)
        import_sample(corpus)
        questions = [q for batch in corpus.iter_batches() for q in batch if q.question_text or q.answer_text]
        user = UserStore.open(paths)

        # 20,000 annotations (merged in one transaction, as an import would).
        made: list[Annotation] = []
        while len(made) < args.count:
            a = random_annotation(rng, rng.choice(questions))
            if a is not None:
                made.append(a)
        started = time.perf_counter()
        user.merge(made, ())
        print(f"{args.count} annotations stored in {time.perf_counter() - started:.1f} s")
        dossier = user.new_dossier("Banc d'essai")
        user.apply(PutDossier(replace(dossier, items=tuple(q.uid for q in questions[:60]))))
        user.reanchor(corpus)

        # 1. Saving a highlight with a note.
        bare = sqlite3.connect(Path(tmp) / "bare.sqlite", isolation_level=None)
        bare.execute("PRAGMA journal_mode = WAL")
        bare.execute("PRAGMA synchronous = FULL")
        bare.execute("CREATE TABLE t (id TEXT PRIMARY KEY, note TEXT)")
        counter = iter(range(10**9))

        def bare_insert() -> None:
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO t VALUES (?, ?)", (str(next(counter)), "note"))
            bare.execute("COMMIT")

        pending = [a for a in (random_annotation(rng, rng.choice(questions)) for _ in range(400)) if a]
        it = iter(pending)
        baseline_save = timed(bare_insert, 300)
        save = timed(lambda: user.apply(PutAnnotation(next(it))), min(300, len(pending)))
        print(line("save a highlight with a note (commit, FULL sync)", save, baseline_save))

        # 2. A question with 200 annotations: open, and re-anchor after a text change.
        longest = max(questions, key=lambda q: len(q.answer_text or ""))
        text = longest.answer_text or ""
        heavy: list[Annotation] = []
        while len(heavy) < 200:
            a = random_annotation(rng, replace(longest, question_text=None))
            if a is not None and a.anchor is not None and a.anchor.pane == "answer":
                heavy.append(a)
        user.merge(heavy, ())
        open_question = timed(lambda: place_all(user.annotations_for(longest.uid), longest), 50)
        # The erratum: a sentence added at the start (every passage moves), and a word changed every
        # 400 characters (the passages over them are found approximately, or become orphans).
        words = list(text)
        for at in range(200, len(words) - 10, 400):
            words[at : at + 3] = list("XyZ")
        changed = replace(longest, answer_text="Erratum : au Journal officiel du 14 juin. " + "".join(words))
        anchors = [a.anchor for a in heavy if a.anchor is not None]
        baseline_find = timed(lambda: [text.find(anchor.exact) for anchor in anchors], 50)
        same = timed(lambda: place_all(heavy, longest), 50)
        reanchor = timed(lambda: place_all(heavy, changed), 20)
        states: dict[str, int] = {}
        for p in place_all(heavy, changed):
            states[p.placement.state] = states.get(p.placement.state, 0) + 1
        print(f"question of {len(text)} characters, 200 annotations on its answer")
        print(line("  open: read the 200 and place them (text unchanged)", open_question, baseline_find))
        print(line("  place the 200 on the same text", same, baseline_find))
        print(line("  re-anchor the 200 after an erratum", reanchor, baseline_find))
        print(f"  after the erratum: {dict(sorted(states.items()))}")

        # 3. Filtering and sorting 20,000.
        floor = timed(
            lambda: user.conn.execute("SELECT id FROM annotations ORDER BY modified DESC").fetchall(), 20
        )
        queries = {
            "everything, by date": AnnotationQuery(),
            "one colour": AnnotationQuery(colours=(2,)),
            "one tag": AnnotationQuery(tags=("Santé",)),
            "words of the note or quote (« hopital »)": AnnotationQuery(words="hopital"),
            "one dossier": AnnotationQuery(dossiers=(dossier.id,)),
            "a legislature (corpus facts)": AnnotationQuery(legislatures=(16,)),
            "a ministry and a colour": AnnotationQuery(ministries=("Santé et prévention",), colours=(1, 3)),
            "everything, by question": AnnotationQuery(sort="question"),
            "orphans": AnnotationQuery(states=("orphan", "absent")),
        }
        print(f"{user.count()} annotations: filter and sort (baseline: SELECT id ORDER BY modified)")
        print(line("  baseline", floor))
        for label, query in queries.items():
            found = len(user.find(query, corpus))
            values = timed(lambda query=query: user.find(query, corpus), 20)
            print(line(f"  {label} ({found})", values, floor))
        user.close()
        corpus.close()
        bare.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
