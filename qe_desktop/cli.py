"""The command line: a thin layer over the library.  No command opens the window."""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qe_desktop import __version__
from qe_desktop.corpus import import_and_index
from qe_desktop.dates import format_date_fr
from qe_desktop.folder import (
    DataFolderError,
    FolderAccess,
    Holder,
    WriterLock,
    lost_corpus,
    open_folder,
    remember_import,
)
from qe_desktop.jobs import Cancelled
from qe_desktop.labels import facet_title, facet_value_label, legislature_label, status_label
from qe_desktop.model import SORT_ORDERS, Hit, ImportReport, Question, SearchRequest, SearchResult
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.render import title
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.search.query import without_lone_surrogates
from qe_desktop.store import QUICK_CHECK_SECONDS, CorpusStore, StoreError


class CliError(Exception):
    """A known problem to print as a French message (exit code 2)."""


# -- terminal output -----------------------------------------------------------
# Everything the CLI prints goes through echo() (text) or echo_json() (--json): records
# may hold anything, e.g. an analyse with "ESC ] 0 ; … BEL" (retitles the terminal) or
# "ESC [ 2 J" (clears it), from a database imported by an older version.

#: Code points never printed as they are: C0 controls but tab and newline (ESC starts the
#: sequences that retitle, clear or move; BEL, BS, CR rewrite what is shown), DEL, C1
#: controls (U+009B and U+009D are CSI and OSC to some terminals), lone surrogates (no
#: encoding can write them) and the bidirectional embeddings, overrides and isolates
#: (they reorder the text shown around them).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` safe to print on a terminal: each unsafe code point as a visible escape.

    ``\\x1b``, ``\\u202e`` rather than U+FFFD: they say which character the record holds
    (to find it in the database, to report it), in ASCII, so any terminal shows them.
    Windows line ends become plain ones.
    """
    return _UNSAFE.sub(_escape, text.replace("\r\n", "\n"))


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@dataclass(frozen=True, slots=True)
class Bold:
    """Text the CLI itself sets in bold: in bold on a terminal, between [ ] otherwise."""

    text: str


#: Output with the CLI's own bold marks: data is never markup, so it cannot forge them.
Styled = Sequence[str | Bold]


def echo(
    text: str | Styled = "", *, file: TextIO | None = None, end: str = "\n", flush: bool = False
) -> None:
    """Print ``text`` through :func:`terminal_text` (to stdout, or ``file``)."""
    stream = sys.stdout if file is None else file
    parts = [text] if isinstance(text, str) else text
    tty = stream.isatty()
    out: list[str] = []
    for part in parts:
        if isinstance(part, Bold):
            shown = terminal_text(part.text)
            out.append(f"\x1b[1m{shown}\x1b[0m" if tty else f"[{shown}]")
        else:
            out.append(terminal_text(part))
    line = "".join(out)
    # A terminal whose encoding lacks a character (latin-1 has no "…"): escaped, not a crash.
    encoding = getattr(stream, "encoding", None) or "utf-8"
    line = line.encode(encoding, "backslashreplace").decode(encoding)
    print(line, file=stream, end=end, flush=flush)


def echo_json(record: Any) -> None:
    """Print a record as JSON (``--json``): exact, and as safe on a terminal as :func:`echo`.

    json.dumps escapes C0 controls, not DEL, C1 controls, lone surrogates or bidi
    controls: those are written as ``\\uXXXX`` escapes, which JSON reads back the same.
    """
    text = json.dumps(record, ensure_ascii=False, indent=2)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding, "surrogatepass")
    except UnicodeEncodeError:
        # A terminal whose encoding lacks a character: every non-ASCII one escaped.
        text = json.dumps(record, ensure_ascii=True, indent=2)
    print(_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text))


def _argv_text(value: str) -> str:
    """Text from the command line, encodable: bytes that were not UTF-8 become U+FFFD."""
    return without_lone_surrogates(value)[0]


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
        message = terminal_text(message)  # it may quote the command line
        self.print_usage(sys.stderr)
        message = (
            message.replace("the following arguments are required", "arguments obligatoires manquants")
            .replace("unrecognized arguments", "arguments inconnus")
            .replace("invalid choice", "choix invalide")
            .replace("expected one argument", "une valeur est attendue")
        )
        self.exit(2, f"qe-desktop : erreur : {message}\n")


def _data_paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths.resolve(args.data_dir)


def _say(message: str) -> None:
    """A notice on stderr (the results stay alone on stdout)."""
    if sys.stderr.isatty():
        echo(file=sys.stderr)
    echo(f"qe-desktop : {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _reading(args: argparse.Namespace) -> Iterator[tuple[DataPaths, FolderAccess, CorpusStore]]:
    """The data folder opened to read: read-only (said once) when it cannot be written."""
    paths = _data_paths(args)
    access = open_folder(paths, write=False)
    lost = lost_corpus(paths)
    if lost:
        raise CliError(lost)
    if access.writable:
        store = CorpusStore(paths.corpus_db, check=QUICK_CHECK_SECONDS)
    else:
        if not paths.corpus_db.exists():
            raise CliError(
                f"Le dossier de données « {paths.root} » ne contient pas de base du corpus et ne peut pas "
                f"être modifié ({access.readonly_reason})."
            )
        _say(
            f"dossier de données en lecture seule ({access.readonly_reason}) : "
            "consultation seulement, rien ne peut être importé ni mis à jour."
        )
        store = CorpusStore(paths.corpus_db, readonly=True, check=QUICK_CHECK_SECONDS)
    with store:
        lost = lost_corpus(paths, store.count())
        if lost:
            raise CliError(lost)
        yield paths, access, store


@contextlib.contextmanager
def _writing(args: argparse.Namespace, task: str) -> Iterator[tuple[DataPaths, WriterLock]]:
    """The data folder opened to write, its writer lock held (waiting for another writer, and saying so)."""
    paths = _data_paths(args)
    open_folder(paths, write=True)
    lock = WriterLock(paths.root, task)

    def waiting(holder: Holder) -> None:
        _say(
            f"le dossier de données est en cours d'écriture par {holder.describe()} : "
            "attente de la fin… (Ctrl+C pour abandonner ; rien n'a encore été écrit)"
        )

    try:
        lock.acquire(on_wait=waiting)
    except OSError as exc:
        raise CliError(
            f"Écriture impossible dans le dossier de données « {paths.root} » ({exc.strerror or exc})."
        ) from exc
    except KeyboardInterrupt:
        raise CliError("abandonné avant d'avoir commencé : rien n'a été écrit.") from None
    try:
        yield paths, lock
    finally:
        lock.release()


@contextlib.contextmanager
def _interruptible() -> Iterator[Any]:
    """A ``cancelled()`` callable that the first Ctrl+C turns True (the job stops cleanly and
    reports); a second Ctrl+C interrupts at once."""
    import signal

    asked: list[bool] = []

    def on_interrupt(signum: int, frame: Any) -> None:
        if asked:
            raise KeyboardInterrupt
        asked.append(True)
        _say("interruption demandée : fin du lot en cours… (Ctrl+C encore pour arrêter tout de suite)")

    try:
        previous = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread (tests calling main() from a thread)
        yield lambda: False
        return
    try:
        yield lambda: bool(asked)
    finally:
        signal.signal(signal.SIGINT, previous)


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
    targets = [Path(p) for p in args.paths]
    if args.sample:
        targets.extend(sample_folders())
    if not targets:
        raise CliError("indiquez au moins un fichier, dossier ou archive zip à importer (ou --sample)")
    with _writing(args, "un import") as (paths, lock):
        lost = lost_corpus(paths)
        if lost:
            _say(lost)
        with CorpusStore(paths.corpus_db, check=QUICK_CHECK_SECONDS) as store, _interruptible() as cancelled:
            index = _open_index(paths, store, lock=lock)
            try:
                report = import_and_index(
                    store,
                    index,
                    targets,
                    progress=_stderr_progress(),
                    cancelled=cancelled,
                    on_phase=lambda message: _say(message),
                )
            finally:
                index.close()
        remember_import(paths, [Path(p).resolve() for p in args.paths], sample=args.sample)
    if not args.json and sys.stderr.isatty():
        echo(file=sys.stderr)
    if args.json:
        echo_json(report_json(report))
    else:
        echo(format_report(report))
    # Cleaned records are stored (their notes say what changed): only a rejection or a cancel is 1.
    return 1 if report.rejected or report.cancelled else 0


# -- show --------------------------------------------------------------------


def _resolve_one(store: CorpusStore, ref: str) -> Question:
    uids = store.find_uids(ref)
    # Messages escaped here: main() prints them as they are.
    if not uids:
        raise CliError(terminal_text(f"aucune question ne correspond à « {ref} »"))
    if len(uids) > 1:
        listed = ", ".join(uids[:10])
        raise CliError(
            terminal_text(f"« {ref} » est ambigu : {listed}. Précisez la législature, par ex. 13-{ref}.")
        )
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

    author = q.author or "auteur inconnu"
    if q.group_abbrev or q.group:
        author += f" ({q.group_abbrev or q.group})"
    head = [
        f"{title(q)} ({q.uid})",
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
        line("Statut", status_label(q.status) + (f" ({q.closure_label})" if q.closure_label else "")),
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
    with _reading(args) as (_, _, store):
        question = _resolve_one(store, args.ref)
    if args.json:
        echo_json(question.record())
    else:
        echo(format_question(question))
    return 0


# -- status ------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    with _reading(args) as (paths, _, store):
        rows = store.status_counts()
        total = store.count()
        refs = store.reference_counts()
    if args.json:
        echo_json({"data_dir": str(paths.root), "total": total, "counts": rows, "reference": refs})
        return 0
    echo(f"Dossier de données : {paths.root}")
    echo(f"Questions : {total}")
    for row in rows:
        leg = legislature_label(row["legislature"]) if row["legislature"] else "législature inconnue"
        echo(f"  {leg}, {row['type']}, {status_label(row['status'])} : {row['count']}")
    echo(f"Référentiel AMO : {refs['acteurs']} députés, {refs['organes']} organes")
    return 0


# -- window ------------------------------------------------------------------


def cmd_window(args: argparse.Namespace) -> int:
    from qe_desktop.ui.app import run  # Qt is imported only when the window opens

    paths = DataPaths.resolve(args.data_dir)
    open_folder(paths, write=False)  # a file in the way: said here, before any window opens
    return run(paths, smoke_test=args.smoke_test)


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
    p.add_argument(
        "ref", type=_argv_text, metavar="REF", help="QANR5L13QE101851, 13-101851QE, 13-101851 ou 101851"
    )
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
    """Progress on stderr: one updating line on a terminal, otherwise a line every 10 % of each phase
    (a phase is a message's words, its figures aside: « Indexation : 300 / 400 questions »)."""
    tty = sys.stderr.isatty()
    last: list[Any] = [None]

    def progress(done: int, total: int | None, message: str) -> None:
        percent = int(100 * done / total) if total else 0
        step = (percent if tty else percent // 10, re.sub(r"[\d\s]+", "", message))
        if step == last[0]:
            return
        last[0] = step
        if tty:
            print("\r", end="", file=sys.stderr)
            echo(f"{message[:100]:<100}", end="", file=sys.stderr, flush=True)
        else:
            echo(message, file=sys.stderr, flush=True)

    return progress


def _open_index(
    paths: DataPaths, store: CorpusStore, *, lock: WriterLock | None = None, readonly: str | None = None
) -> SearchIndex:
    """The index, rebuilt first if needed and possible (else used as it is, with a warning)."""
    progress = _stderr_progress()
    try:
        index = SearchIndex.open(paths, store, progress=progress, lock=lock, readonly=readonly)
    except SearchIndexError as exc:
        raise CliError(str(exc)) from exc
    except Cancelled:
        raise CliError("reconstruction de l'index interrompue.") from None
    if index.rebuilt_because:
        _say(f"index de recherche reconstruit ({index.rebuilt_because}).")
    return index


_BOLD = re.compile(r"<b>(.*?)</b>", re.DOTALL)


def _terminal_snippet(snippet: str) -> list[str | Bold]:
    """A snippet's ``<b>…</b>`` marks as :class:`Bold`, entities decoded.

    The snippet is HTML whose text was escaped: its only tags are the marks.
    """
    pieces = _BOLD.split(snippet)
    # split() with one group: text, marked text, text, marked text, …, text.
    return [Bold(html.unescape(p)) if i % 2 else html.unescape(p) for i, p in enumerate(pieces) if p]


def format_hit(position: int, hit: Hit) -> list[str | Bold]:
    """One hit as readable French lines."""
    ref = f"{hit.legislature}-{hit.number}{hit.type}" if hit.number is not None else hit.uid
    head = [ref]
    if hit.rubrique:
        head.append(hit.rubrique)
    if hit.question_date:
        head.append(format_date_fr(hit.question_date))
    status = status_label(hit.status)
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
    out: list[str | Bold] = ["\n".join(lines)]
    if hit.question_snippet:
        out += ["\n   Question : ", *_terminal_snippet(hit.question_snippet)]
    if hit.answer_snippet:
        out += ["\n   Réponse : ", *_terminal_snippet(hit.answer_snippet)]
    return out


_SORT_WORDS = {
    "pertinence": "par pertinence",
    "date": "les plus récentes d'abord",
    "reponse": "les réponses les plus récentes d'abord",
    "delai": "les plus longs délais de réponse d'abord",
}


def format_result(result: SearchResult, *, facets: bool = True) -> list[str | Bold]:
    """A search result as readable French text, the matched words of its snippets in :class:`Bold`."""
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
    lines.append(count)
    out: list[str | Bold] = ["\n".join(lines)]
    for i, hit in enumerate(result.hits, start=result.offset + 1):
        out += ["\n\n", *format_hit(i, hit)]
    shown = [(name, values) for name, values in result.facets.items() if values] if facets else []
    if shown and result.total:
        out.append("\n\nRépartition des résultats :")
        for name, values in shown:
            items = ", ".join(f"{facet_value_label(name, v)} ({c})" for v, c in values[:8])
            more = f", … ({len(values) - 8} autres)" if len(values) > 8 else ""
            out.append(f"\n  {facet_title(name)} : {items}{more}")
    return out


def cmd_search(args: argparse.Namespace) -> int:
    request = SearchRequest(
        query=args.query,
        filters=tuple((key, value) for key, _, value in (f.partition("=") for f in args.filtre)),
        sort=args.sort,
        limit=args.limit,
    )
    for f in args.filtre:
        if "=" not in f:
            raise CliError(
                terminal_text(f"filtre illisible : « {f} » (attendu : champ=valeur, par ex. rubrique=santé)")
            )
    with _reading(args) as (paths, access, store):
        index = _open_index(paths, store, readonly=access.readonly_reason)
        try:
            result = index.search(request)
        except SearchIndexError as exc:
            raise CliError(f"{exc} Lancez « qe-desktop reindex ».") from exc
        finally:
            index.close()
    if args.json:
        echo_json(result.record())
    else:
        echo(format_result(result))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    with _reading(args) as (paths, access, store):
        index = _open_index(paths, store, readonly=access.readonly_reason)
        try:
            result = index.similar(args.ref, limit=args.limit)
        except SearchIndexError as exc:
            raise CliError(terminal_text(str(exc))) from exc
        finally:
            index.close()
    if args.json:
        echo_json(result.record())
    else:
        echo(format_result(result, facets=False))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    started = time.monotonic()
    with (
        _writing(args, "une reconstruction de l'index") as (paths, lock),
        CorpusStore(paths.corpus_db, check=QUICK_CHECK_SECONDS) as store,
    ):
        lost = lost_corpus(paths, store.count())
        if lost:
            raise CliError(lost)
        index = SearchIndex(paths.index_dir, store, lock=lock)
        try:
            index.rebuild(progress=_stderr_progress())
            count = index.document_count
        except SearchIndexError as exc:
            raise CliError(str(exc)) from exc
        except Cancelled:
            raise CliError(
                "reconstruction de l'index interrompue ; l'index précédent est conservé."
            ) from None
        finally:
            index.close()
    if sys.stderr.isatty():
        echo(file=sys.stderr)
    echo(f"Index de recherche reconstruit : {count} questions en {time.monotonic() - started:.1f} s.")
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
        type=_argv_text,
        action="append",
        default=[],
        metavar="CHAMP=VALEUR",
        help="ne garde que cette valeur (répétable) : legislature, type, rubrique, ministere, groupe, statut, annee",
    )
    p.add_argument("--json", action="store_true", help="résultats en JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("similar", parents=[common], help="les questions les plus proches d'une question")
    p.add_argument(
        "ref", type=_argv_text, metavar="REF", help="QANR5L13QE101851, 13-101851QE, 13-101851 ou 101851"
    )
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
    except (CliError, StoreError, DataFolderError, SearchIndexError) as exc:
        echo(f"qe-desktop : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        echo("\nqe-desktop : interrompu", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and no traceback at exit.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
