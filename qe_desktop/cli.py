"""The command line: a thin layer over the library.  No command opens the window."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qe_desktop import __version__
from qe_desktop.corpus import import_paths
from qe_desktop.dates import format_date_fr
from qe_desktop.model import SORT_ORDERS, Hit, ImportReport, Question, SearchRequest, SearchResult
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.search.facets import FACET_TITLES, facet_label
from qe_desktop.search.follow import ImportIndexer
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.store import CorpusStore, StoreError

STATUS_FR = {
    "answered": "répondue",
    "pending": "en attente",
    "withdrawn": "retirée",
    "lapsed": "caduque",
}


class CliError(Exception):
    """A known problem to print as a French message (exit code 2)."""


class _FrenchParser(argparse.ArgumentParser):
    """argparse with its fixed English phrases in French."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "usage :")

    def format_help(self) -> str:
        text = super().format_help()
        return (
            text.replace("usage:", "usage :")
            .replace("positional arguments:", "arguments :")
            .replace("options:", "options :")
            .replace("show this help message and exit", "affiche cette aide et quitte")
        )

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        message = (
            message.replace("the following arguments are required", "arguments obligatoires manquants")
            .replace("unrecognized arguments", "arguments inconnus")
            .replace("invalid choice", "choix invalide")
            .replace("expected one argument", "une valeur est attendue")
        )
        self.exit(2, f"qe-desktop : erreur : {message}\n")


def _data_paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths.resolve(args.data_dir).ensure()


def _progress_printer(quiet: bool) -> Any:
    last = [-1]

    def progress(done: int, total: int | None, message: str) -> None:
        if quiet or not sys.stderr.isatty():
            return
        percent = int(100 * done / total) if total else 0
        if percent != last[0]:
            last[0] = percent
            print(f"\r{message[:100]:<100}", end="", file=sys.stderr, flush=True)

    return progress


# -- import ------------------------------------------------------------------


def report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
        "cancelled": report.cancelled,
        "reference_records": report.reference_records,
        "rejections": [{"source": r.source, "record": r.record, "reason": r.reason} for r in report.rejected],
        "cleaned": len(report.cleaned),
        "cleanings": [
            {"source": c.source, "record": c.record, "notes": list(c.notes)} for c in report.cleaned
        ],
    }


def format_report(report: ImportReport) -> str:
    """The import report in French, one rejection per line, then one line per record cleaned."""
    lines = [
        f"Ajoutées : {report.added}",
        f"Mises à jour : {report.updated}",
        f"Inchangées : {report.unchanged}",
        f"Rejetées : {len(report.rejected)}",
    ]
    if report.cleaned:
        lines.append(f"Nettoyées : {len(report.cleaned)} (enregistrées, avec des notes d'import)")
    if report.reference_records:
        lines.append(f"Référentiel AMO : {report.reference_records} députés et organes")
    if report.cancelled:
        lines.append("Import interrompu : les lots déjà enregistrés sont conservés.")
    for r in report.rejected:
        where = f"{r.source} [{r.record}]" if r.record else r.source
        lines.append(f"  rejeté : {where} — {r.reason}")
    for c in report.cleaned:
        where = f"{c.source} [{c.record}]" if c.record else c.source
        lines.append(f"  nettoyé : {where} — {' ; '.join(c.notes)}")
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    targets = [Path(p) for p in args.paths]
    if args.sample:
        targets.extend(sample_folders())
    if not targets:
        raise CliError("indiquez au moins un fichier, dossier ou archive zip à importer (ou --sample)")
    with CorpusStore(paths.corpus_db) as store:
        index = _open_index(paths, store)
        indexer = ImportIndexer(index)
        try:
            report = import_paths(store, targets, on_changed=indexer, progress=_progress_printer(args.json))
        finally:
            # Also after a failure: the index follows what the database committed.
            indexer.finish(progress=_stderr_progress())
            index.close()
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    # 1 when the data folder does not hold every record exactly as given.
    return 1 if report.rejected or report.cleaned or report.cancelled else 0


# -- show --------------------------------------------------------------------


def _resolve_one(store: CorpusStore, ref: str) -> Question:
    uids = store.find_uids(ref)
    if not uids:
        raise CliError(f"aucune question ne correspond à « {ref} »")
    if len(uids) > 1:
        listed = ", ".join(uids[:10])
        raise CliError(f"« {ref} » est ambigu : {listed}. Précisez la législature, par ex. 13-{ref}.")
    question = store.get(uids[0])
    assert question is not None
    return question


def format_question(q: Question) -> str:
    """A question as readable French text."""

    def line(label: str, value: object) -> str | None:
        return f"{label} : {value}" if value not in (None, "", ()) else None

    def jo(date: str | None, page: int | None) -> str | None:
        if not date:
            return None
        return format_date_fr(date) + (f", page {page}" if page else "")

    kind = {"QE": "Question écrite", "QG": "Question au Gouvernement", "QOSD": "Question orale sans débat"}
    author = q.author or "auteur inconnu"
    if q.group_abbrev or q.group:
        author += f" ({q.group_abbrev or q.group})"
    head = [
        f"{kind.get(q.type, q.type)} n° {q.number} — {q.legislature}e législature ({q.uid})",
        q.analyse or "",
        "",
    ]
    fields = [
        line("Auteur", author),
        line("Circonscription", q.constituency),
        line("Rubrique", q.rubrique),
        line("Tête d'analyse", q.tete_analyse),
        line("Ministère interrogé", q.ministry_asked),
        line("Ministère attributaire", q.ministry_answering),
        line("Question publiée au JO", jo(q.question_date, q.question_page)),
        line("Réponse publiée au JO", jo(q.answer_date, q.answer_page)),
        line(
            "Statut", STATUS_FR.get(q.status, q.status) + (f" ({q.closure_label})" if q.closure_label else "")
        ),
        line("Signalement", format_date_fr(q.signal_date) if q.signal_date else None),
        line("Renouvellements", ", ".join(format_date_fr(d) for d in q.renewal_dates)),
        line("Errata", " ; ".join(q.errata)),
        line("Page officielle", q.url),
        line("Notes d'import", " ; ".join(q.source_notes)),
    ]
    body = ["", "Texte de la question", "", q.question_text or "(texte non disponible)"]
    if q.answer_text:
        body += ["", "Texte de la réponse", "", q.answer_text]
    return "\n".join([*head, *(f for f in fields if f), *body])


def cmd_show(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    with CorpusStore(paths.corpus_db) as store:
        question = _resolve_one(store, args.ref)
    if args.json:
        print(json.dumps(question.record(), ensure_ascii=False, indent=2))
    else:
        print(format_question(question))
    return 0


# -- status ------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    with CorpusStore(paths.corpus_db) as store:
        rows = store.status_counts()
        total = store.count()
        refs = store.reference_counts()
    if args.json:
        print(
            json.dumps(
                {
                    "data_dir": str(paths.root),
                    "total": total,
                    "counts": rows,
                    "reference": refs,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Dossier de données : {paths.root}")
    print(f"Questions : {total}")
    for row in rows:
        status = STATUS_FR.get(row["status"], row["status"])
        print(f"  {row['legislature']}e législature, {row['type']}, {status} : {row['count']}")
    print(f"Référentiel AMO : {refs['acteurs']} députés, {refs['organes']} organes")
    return 0


# -- window ------------------------------------------------------------------


def cmd_window(args: argparse.Namespace) -> int:
    from qe_desktop.ui.app import run  # Qt is imported only when the window opens

    return run(DataPaths.resolve(args.data_dir).ensure(), smoke_test=args.smoke_test)


# -- parser ------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="qe-desktop",
        description="QE Desktop — recherche hors ligne dans les questions écrites du Parlement. "
        "Sans commande, ouvre la fenêtre.",
    )
    parser.add_argument("--version", action="version", version=f"QE Desktop {__version__}")
    common = _FrenchParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DOSSIER",
        default=argparse.SUPPRESS,
        help="dossier des données (sinon $QE_DESKTOP_DATA, sinon le dossier de données de l'utilisateur)",
    )
    parser.add_argument("--data-dir", metavar="DOSSIER", help="dossier des données")
    parser.add_argument(
        "--smoke-test", action="store_true", help="ouvre le dossier, cherche, affiche, puis quitte (contrôle)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_FrenchParser)

    p = sub.add_parser("import", parents=[common], help="importe des fichiers, dossiers ou archives zip")
    p.add_argument(
        "paths", nargs="*", metavar="CHEMIN", help="fichier JSON/XML/texte, dossier ou archive zip"
    )
    p.add_argument("--sample", action="store_true", help="importe le corpus d'exemple fourni")
    p.add_argument("--json", action="store_true", help="rapport en JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("show", parents=[common], help="affiche une question")
    p.add_argument("ref", metavar="REF", help="QANR5L13QE101851, 13-101851QE, 13-101851 ou 101851")
    p.add_argument("--json", action="store_true", help="la fiche en JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "status", parents=[common], help="compte les questions par législature, type et statut"
    )
    p.add_argument("--json", action="store_true", help="en JSON")
    p.set_defaults(func=cmd_status)

    # Search commands (search, similar, reindex) are registered below.
    _add_search_commands(sub, common)
    return parser


# -- search, similar, reindex ---------------------------------------------------


def _stderr_progress() -> Any:
    """Progress on stderr: one updating line on a terminal, a line every 10 % otherwise."""
    tty = sys.stderr.isatty()
    last = [-1]

    def progress(done: int, total: int | None, message: str) -> None:
        percent = int(100 * done / total) if total else 0
        step = percent if tty else percent // 10
        if step == last[0]:
            return
        last[0] = step
        if tty:
            print(f"\r{message[:100]:<100}", end="", file=sys.stderr, flush=True)
        else:
            print(message, file=sys.stderr, flush=True)

    return progress


def _open_index(paths: DataPaths, store: CorpusStore) -> SearchIndex:
    progress = _stderr_progress()
    try:
        index = SearchIndex.open(paths, store, progress=progress)
    except SearchIndexError as exc:
        raise CliError(str(exc)) from exc
    if index.rebuilt_because:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"Index de recherche reconstruit ({index.rebuilt_because}).", file=sys.stderr)
    return index


_BOLD = re.compile(r"<b>(.*?)</b>", re.DOTALL)


def _terminal_snippet(snippet: str) -> str:
    """``<b>…</b>`` marks as bold on a terminal, as [ ] otherwise; entities decoded."""
    replacement = "\x1b[1m\\1\x1b[0m" if sys.stdout.isatty() else "[\\1]"
    return html.unescape(_BOLD.sub(replacement, snippet))


def format_hit(position: int, hit: Hit) -> str:
    """One hit as readable French lines."""
    ref = f"{hit.legislature}-{hit.number}{hit.type}" if hit.number is not None else hit.uid
    head = [ref]
    if hit.rubrique:
        head.append(hit.rubrique)
    if hit.question_date:
        head.append(format_date_fr(hit.question_date))
    status = STATUS_FR.get(hit.status, hit.status)
    if hit.answer_date:
        status += f", réponse le {format_date_fr(hit.answer_date)}"
        if hit.answer_delay_days is not None:
            status += f" ({hit.answer_delay_days} jours)"
    head.append(status)
    lines = [f"{position}. " + " — ".join(head)]
    if hit.analyse:
        lines.append(f"   {hit.analyse}")
    if hit.author:
        lines.append(f"   {hit.author}" + (f" ({hit.group_abbrev})" if hit.group_abbrev else ""))
    if hit.question_snippet:
        lines.append(f"   Question : {_terminal_snippet(hit.question_snippet)}")
    if hit.answer_snippet:
        lines.append(f"   Réponse : {_terminal_snippet(hit.answer_snippet)}")
    return "\n".join(lines)


_SORT_WORDS = {
    "pertinence": "par pertinence",
    "date": "les plus récentes d'abord",
    "reponse": "les réponses les plus récentes d'abord",
    "delai": "les plus longs délais de réponse d'abord",
}


def format_result(result: SearchResult, *, facets: bool = True) -> str:
    """A search result as readable French text."""
    lines = [result.interpretation]
    lines.extend(f"Attention : {w}" for w in result.warnings)
    if not result.total:
        count = "Aucune question trouvée."
    else:
        count = "1 question trouvée." if result.total == 1 else f"{result.total} questions trouvées"
    if result.total > 1:
        first = result.offset + 1
        last = result.offset + len(result.hits)
        count += f" ({first} à {last}, {_SORT_WORDS.get(result.sort, result.sort)})." if result.hits else "."
    lines += [count, ""]
    for i, hit in enumerate(result.hits, start=result.offset + 1):
        lines += [format_hit(i, hit), ""]
    shown = [(name, values) for name, values in result.facets.items() if values] if facets else []
    if shown and result.total:
        lines.append("Répartition des résultats :")
        for name, values in shown:
            items = ", ".join(f"{facet_label(name, v)} ({c})" for v, c in values[:8])
            more = f", … ({len(values) - 8} autres)" if len(values) > 8 else ""
            lines.append(f"  {FACET_TITLES.get(name, name)} : {items}{more}")
    return "\n".join(lines).rstrip()


def cmd_search(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    request = SearchRequest(
        query=args.query,
        filters=tuple((key, value) for key, _, value in (f.partition("=") for f in args.filtre)),
        sort=args.sort,
        limit=args.limit,
    )
    for f in args.filtre:
        if "=" not in f:
            raise CliError(f"filtre illisible : « {f} » (attendu : champ=valeur, par ex. rubrique=santé)")
    with CorpusStore(paths.corpus_db) as store:
        index = _open_index(paths, store)
        try:
            result = index.search(request)
        except SearchIndexError as exc:
            raise CliError(f"{exc} Lancez « qe-desktop reindex ».") from exc
        finally:
            index.close()
    if args.json:
        print(json.dumps(result.record(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    with CorpusStore(paths.corpus_db) as store:
        index = _open_index(paths, store)
        try:
            result = index.similar(args.ref, limit=args.limit)
        except SearchIndexError as exc:
            raise CliError(str(exc)) from exc
        finally:
            index.close()
    if args.json:
        print(json.dumps(result.record(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result, facets=False))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    paths = _data_paths(args)
    started = time.monotonic()
    with CorpusStore(paths.corpus_db) as store:
        index = SearchIndex(paths.index_dir, store)
        try:
            index.rebuild(progress=_stderr_progress())
            count = index.document_count
        except SearchIndexError as exc:
            raise CliError(str(exc)) from exc
        finally:
            index.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Index de recherche reconstruit : {count} questions en {time.monotonic() - started:.1f} s.")
    return 0


def _add_search_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("search", parents=[common], help="cherche dans les questions et les réponses")
    p.add_argument(
        "query",
        metavar="RECHERCHE",
        help='mots (tous requis), OU, SAUF, -mot, "expression exacte", prefixe*, mot~, '
        "auteur:, groupe:, rubrique:, analyse:, ministere:, question:, reponse:, legislature:, type:, "
        "statut:, date:2011, reponse-le:>2012, ou un numéro de question",
    )
    p.add_argument("--limit", type=int, default=20, metavar="N", help="nombre de résultats affichés (20)")
    p.add_argument(
        "--sort",
        choices=SORT_ORDERS,
        default="pertinence",
        help="ordre : pertinence (défaut), date (de la question), reponse (date de réponse), delai",
    )
    p.add_argument(
        "--filtre",
        action="append",
        default=[],
        metavar="CHAMP=VALEUR",
        help="ne garde que cette valeur (répétable) : legislature, type, rubrique, ministere, groupe, statut, annee",
    )
    p.add_argument("--json", action="store_true", help="résultats en JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("similar", parents=[common], help="les questions les plus proches d'une question")
    p.add_argument("ref", metavar="REF", help="QANR5L13QE101851, 13-101851QE, 13-101851 ou 101851")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="nombre de questions (10)")
    p.add_argument("--json", action="store_true", help="résultats en JSON")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("reindex", parents=[common], help="reconstruit l'index de recherche depuis la base")
    p.set_defaults(func=cmd_reindex)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return cmd_window(args)
        result: int = args.func(args)
        return result
    except (CliError, StoreError) as exc:
        print(f"qe-desktop : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nqe-desktop : interrompu", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
