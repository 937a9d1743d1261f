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
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from qe_desktop import __version__
from qe_desktop.annotations.anchoring import find_quote, pane_text
from qe_desktop.annotations.edits import (
    AddToDossier,
    DeleteAnnotation,
    DeleteDossier,
    PutAnnotation,
    PutDossier,
    RemoveFromDossier,
    new_annotation,
)
from qe_desktop.annotations.searching import SearchAnnotations
from qe_desktop.annotations.store import AnnotationQuery, UserStore, UserStoreError
from qe_desktop.annotations.webannotation import export_file, import_file
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
from qe_desktop.logfile import log_unexpected
from qe_desktop.model import (
    SORT_ORDERS,
    Annotation,
    Dossier,
    Hit,
    ImportReport,
    Pane,
    Question,
    SearchRequest,
    SearchResult,
)
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.render import title
from qe_desktop.search.analysis import fold
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.search.query import without_lone_surrogates
from qe_desktop.smoke import run_smoke_test
from qe_desktop.store import QUICK_CHECK_SECONDS, CorpusStore, StoreError
from qe_desktop.suivi.deputies import (
    DEFAULT_SESSION_CAP,
    Deputy,
    SuiviRow,
    deputy_questions,
    find_deputies,
    per_month,
    quota,
    stage_counts,
)
from qe_desktop.suivi.duplicates import duplicates_of
from qe_desktop.suivi.rules import STAGE_LABELS
from qe_desktop.suivi.stats import (
    GROUP_BYS,
    GROUP_TITLES,
    Stats,
    compute,
    days,
    histogram_label,
    load_equivalences,
    load_table,
    percent,
)


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


#: The forms of a question reference every command accepts (its help).
REF_HELP = "QANR5L13QE101851, 13-101851QE, 13-101851 ou 101851"


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
    return run(paths)


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
        "--smoke-test",
        action="store_true",
        help="contrôle l'application de bout en bout (import, recherche, fenêtre, annotation, PDF) "
        "dans un dossier temporaire (ou --data-dir), puis quitte",
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
    p.add_argument("ref", type=_argv_text, metavar="REF", help=REF_HELP)
    p.add_argument("--json", action="store_true", help="la fiche en JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "status", parents=[common], help="compte les questions par législature, type et statut"
    )
    p.add_argument("--json", action="store_true", help="en JSON")
    p.set_defaults(func=cmd_status)

    # Search commands (search, similar, reindex) are registered below.
    _add_search_commands(sub, common)
    _add_annotation_commands(sub, common)
    _add_export_commands(sub, common)
    _add_suivi_commands(sub, common)
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


def _filters(given: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--filtre champ=valeur`` options as a request's filters (CliError for one without ``=``)."""
    for f in given:
        if "=" not in f:
            raise CliError(
                terminal_text(f"filtre illisible : « {f} » (attendu : champ=valeur, par ex. rubrique=santé)")
            )
    return tuple((key, value) for key, _, value in (f.partition("=") for f in given))


def cmd_search(args: argparse.Namespace) -> int:
    request = SearchRequest(query=args.query, filters=_filters(args.filtre), sort=args.sort, limit=args.limit)
    with _reading(args) as (paths, access, store):
        index = _open_index(paths, store, readonly=access.readonly_reason)
        annotations = SearchAnnotations(paths)
        index.annotations = annotations  # the « Annotations » facet and the note: field
        try:
            result = index.search(request)
        except SearchIndexError as exc:
            raise CliError(f"{exc} Lancez « qe-desktop reindex ».") from exc
        finally:
            index.close()
            annotations.close()
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
    p.add_argument("ref", type=_argv_text, metavar="REF", help=REF_HELP)
    p.add_argument("--limit", type=int, default=10, metavar="N", help="nombre de questions (10)")
    p.add_argument("--json", action="store_true", help="résultats en JSON")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("reindex", parents=[common], help="reconstruit l'index de recherche depuis la base")
    p.set_defaults(func=cmd_reindex)


# -- annotations and dossiers -----------------------------------------------------

PANE_WORDS: dict[str, Pane] = {"question": "question", "reponse": "answer", "réponse": "answer"}
PANE_FR: dict[str, str] = {"question": "question", "answer": "réponse"}
PLACEMENT_FR: dict[str, str] = {
    "exact": "",
    "moved": "",
    "fuzzy": "passage retrouvé approximativement (texte modifié)",
    "orphan": "passage introuvable (orpheline)",
    "absent": "question absente du corpus",
    "question": "",
}


@contextlib.contextmanager
def _annotating(args: argparse.Namespace) -> Iterator[tuple[CorpusStore, UserStore]]:
    """The corpus (read) and the user's database (read-only when the folder is), checked and backed up."""
    with _reading(args) as (paths, access, corpus):
        user = UserStore.open(paths, readonly=not access.writable)
        if user.notice:
            _say(user.notice)
        with user:
            yield corpus, user


def _dossier(user: UserStore, name: str) -> Dossier:
    dossier = user.dossier_named(name)
    if dossier is None:
        raise CliError(
            terminal_text(f"aucun dossier ne s'appelle « {name} » (voir « qe-desktop dossier list »)")
        )
    return dossier


def _reference(q: Question | None, uid: str) -> str:
    return q.reference if q is not None and q.number is not None else uid


def annotation_record(a: Annotation, meanings: dict[int, str], state: str, reference: str) -> dict[str, Any]:
    """The JSON form of one annotation (``annotations list --json``)."""
    anchor = a.anchor
    return {
        "id": a.id,
        "question_uid": a.question_uid,
        "reference": reference,
        "pane": anchor.pane if anchor else None,
        "quote": anchor.exact if anchor else None,
        "start": anchor.start if anchor else None,
        "end": anchor.end if anchor else None,
        "colour": a.colour,
        "colour_meaning": meanings.get(a.colour) if a.colour else None,
        "note": a.note,
        "tags": list(a.tags),
        "created": a.created,
        "modified": a.modified,
        "placement": state,
    }


def format_annotation(record: dict[str, Any]) -> str:
    """One annotation as readable French lines."""
    head = [record["reference"]]
    if record["pane"]:
        head.append(PANE_FR[record["pane"]])
        head.append(f"« {record['quote']} »")
    else:
        head.append("note sur toute la question")
    if record["colour"]:
        head.append(f"[{record['colour']}. {record['colour_meaning']}]")
    lines = [" — ".join(head)]
    if record["tags"]:
        lines.append("   Étiquettes : " + ", ".join(record["tags"]))
    if record["note"]:
        lines.append("   Note : " + record["note"].replace("\n", "\n          "))
    state = PLACEMENT_FR.get(record["placement"], "")
    if state:
        lines.append(f"   Attention : {state}")
    lines.append(f"   {record['id']} — modifiée le {format_date_fr(record['modified'][:10])}")
    return "\n".join(lines)


def cmd_annotations_list(args: argparse.Namespace) -> int:
    with _annotating(args) as (corpus, user):
        if not user.readonly:
            user.reanchor(corpus)  # the orphans as the corpus stands now
        dossiers = tuple(_dossier(user, name).id for name in args.dossier)
        query = AnnotationQuery(
            colours=tuple(args.couleur),
            tags=tuple(args.tag),
            dossiers=dossiers,
            words=args.mots or "",
            states=("orphan", "absent") if args.orphelines else (),
            sort=args.tri,
        )
        ids = user.find(query, corpus)
        found = user.get_annotations(ids)
        states = user.placement_states(ids)
        questions = corpus.get_many(sorted({a.question_uid for a in found.values()}))
        meanings = {c.number: c.meaning for c in user.colours()}
        records = [
            annotation_record(
                found[i],
                meanings,
                states.get(i, "exact"),
                _reference(questions.get(found[i].question_uid), found[i].question_uid),
            )
            for i in ids
        ]
    if args.json:
        echo_json(records)
        return 0
    if not records:
        echo("Aucune annotation.")
        return 0
    echo(f"{len(records)} annotation{'s' if len(records) > 1 else ''} :")
    for record in records:
        echo("")
        echo(format_annotation(record))
    return 0


def _passage(q: Question, pane: Pane, quote: str, occurrence: int | None) -> tuple[int, int]:
    """Where the quote typed is in the pane's text (French errors when absent or ambiguous)."""
    text = pane_text(q, pane) or ""
    label = f"{'le texte de la question' if pane == 'question' else 'le texte de la réponse'} {q.reference}"
    if not text:
        raise CliError(f"{label} n'est pas dans le corpus : rien à surligner.")
    found = find_quote(text, quote)
    if not found:
        raise CliError(terminal_text(f"« {quote} » n'est pas dans {label}."))
    if occurrence is None:
        if len(found) == 1:
            return found[0]
        places = "; ".join(
            f"{n}. …{text[max(0, s - 25) : s]}[{text[s:e]}]{text[e : e + 25]}…".replace("\n", " ")
            for n, (s, e) in enumerate(found[:5], start=1)
        )
        raise CliError(
            terminal_text(
                f"« {quote} » apparaît {len(found)} fois dans {label} : précisez laquelle avec "
                f"--occurrence 1 à {len(found)} ({places})."
            )
        )
    if not 1 <= occurrence <= len(found):
        raise CliError(
            f"--occurrence {occurrence} : le passage apparaît {len(found)} fois (de 1 à {len(found)})."
        )
    return found[occurrence - 1]


def cmd_annotations_add(args: argparse.Namespace) -> int:
    if (args.pane is None) != (args.quote is None):
        raise CliError("--pane et --quote vont ensemble (sans eux : une note sur toute la question)")
    if args.quote is None and not (args.note or args.tag):
        raise CliError(
            "indiquez un passage (--pane et --quote) ou une note (--note) ou des étiquettes (--tag)"
        )
    with _annotating(args) as (corpus, user):
        q = _resolve_one(corpus, args.ref)
        pane = PANE_WORDS[args.pane] if args.pane else None
        start, end = _passage(q, pane, args.quote, args.occurrence) if pane else (0, 0)
        annotation = new_annotation(
            q, pane, start, end, colour=args.couleur, note=args.note or "", tags=tuple(args.tag)
        )
        user.apply(PutAnnotation(annotation))
        meanings = {c.number: c.meaning for c in user.colours()}
        stored = user.annotation(annotation.id)
        assert stored is not None
        record = annotation_record(stored, meanings, "exact" if pane else "question", q.reference)
    if args.json:
        echo_json(record)
    else:
        echo("Annotation ajoutée :")
        echo(format_annotation(record))
    return 0


def cmd_annotations_delete(args: argparse.Namespace) -> int:
    with _annotating(args) as (_, user):
        if user.annotation(args.id) is None:
            raise CliError(terminal_text(f"aucune annotation n'a l'identifiant « {args.id} »"))
        user.apply(DeleteAnnotation(args.id))
    echo(f"Annotation {args.id} supprimée.")
    return 0


def cmd_annotations_colours(args: argparse.Namespace) -> int:
    with _annotating(args) as (_, user):
        colours = user.colours()
    if args.json:
        echo_json([{"colour": c.number, "meaning": c.meaning} for c in colours])
    else:
        for c in colours:
            echo(f"{c.number}. {c.meaning}")
    return 0


def cmd_annotations_export(args: argparse.Namespace) -> int:
    target = Path(args.fichier)
    with _annotating(args) as (corpus, user):
        dossier_id = _dossier(user, args.dossier).id if args.dossier else None
        summary = export_file(user, target, corpus=corpus, dossier_id=dossier_id)
    echo(
        f"{summary.annotations} annotation{'s' if summary.annotations > 1 else ''} et "
        f"{summary.dossiers} dossier{'s' if summary.dossiers > 1 else ''} exportés dans {target} "
        "(W3C Web Annotation, JSON-LD)."
    )
    return 0


def cmd_annotations_import(args: argparse.Namespace) -> int:
    with _annotating(args) as (corpus, user):
        report = import_file(user, Path(args.fichier))
        if report.changes.questions:
            user.reanchor(corpus, report.changes.questions)
    if args.json:
        echo_json(
            {
                "added": list(report.added),
                "updated": list(report.updated),
                "unchanged": report.unchanged,
                "dossiers_added": list(report.dossiers_added),
                "dossiers_updated": list(report.dossiers_updated),
                "dossiers_unchanged": report.dossiers_unchanged,
                "renamed": [{"from": a, "to": b} for a, b in report.renamed],
                "conflicts": [
                    {
                        "kind": c.kind,
                        "id": c.id,
                        "kept": c.kept,
                        "local_modified": c.local_modified,
                        "file_modified": c.file_modified,
                    }
                    for c in report.conflicts
                ],
            }
        )
    else:
        echo("\n".join(report.lines()))
    return 0


def cmd_dossier_create(args: argparse.Namespace) -> int:
    with _annotating(args) as (_, user):
        dossier = user.new_dossier(args.nom, args.description or "")
        user.apply(PutDossier(dossier))
    echo(terminal_text(f"Dossier « {dossier.name} » créé."))
    return 0


def _uids(corpus: CorpusStore, refs: Sequence[str]) -> list[str]:
    return [_resolve_one(corpus, ref).uid for ref in refs]


def cmd_dossier_add(args: argparse.Namespace) -> int:
    with _annotating(args) as (corpus, user):
        dossier = _dossier(user, args.nom)
        uids = _uids(corpus, args.refs)
        already = [u for u in uids if u in dossier.items]
        user.apply(AddToDossier(dossier.id, tuple(uids)))
    added = len(set(uids)) - len(set(already))
    text = f"{added} question{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''} au dossier « {dossier.name} »"
    if already:
        text += f" ({len(set(already))} y étai{'en' if len(set(already)) > 1 else ''}t déjà)"
    echo(text + ".")
    return 0


def cmd_dossier_remove(args: argparse.Namespace) -> int:
    with _annotating(args) as (corpus, user):
        dossier = _dossier(user, args.nom)
        # A question gone from the corpus can still be removed by its uid.
        uids = [ref if ref in dossier.items else _resolve_one(corpus, ref).uid for ref in args.refs]
        missing = [u for u in uids if u not in dossier.items]
        if missing:
            raise CliError(terminal_text(f"pas dans le dossier « {dossier.name} » : {', '.join(missing)}"))
        user.apply(RemoveFromDossier(dossier.id, tuple(uids)))
    n = len(set(uids))
    echo(f"{n} question{'s' if n > 1 else ''} retirée{'s' if n > 1 else ''} du dossier « {dossier.name} ».")
    return 0


def cmd_dossier_delete(args: argparse.Namespace) -> int:
    with _annotating(args) as (_, user):
        dossier = _dossier(user, args.nom)
        user.apply(DeleteDossier(dossier.id))
    echo(f"Dossier « {dossier.name} » supprimé (les questions et leurs annotations restent).")
    return 0


def cmd_dossier_list(args: argparse.Namespace) -> int:
    with _annotating(args) as (_, user):
        dossiers = user.dossiers()
    if args.json:
        echo_json(
            [
                {"id": d.id, "name": d.name, "description": d.description, "questions": len(d.items)}
                for d in dossiers
            ]
        )
        return 0
    if not dossiers:
        echo("Aucun dossier (qe-desktop dossier create NOM).")
    for d in dossiers:
        line = f"{d.name} — {len(d.items)} question{'s' if len(d.items) > 1 else ''}"
        echo(line + (f" — {d.description}" if d.description else ""))
    return 0


def cmd_dossier_show(args: argparse.Namespace) -> int:
    with _annotating(args) as (corpus, user):
        dossier = _dossier(user, args.nom)
        questions = corpus.get_many(list(dossier.items))
        marks = user.marks(list(dossier.items))
    items: list[dict[str, Any]] = []
    for uid in dossier.items:
        q = questions.get(uid)
        items.append(
            {
                "uid": uid,
                "reference": _reference(q, uid),
                "analyse": (q.analyse or q.tete_analyse or q.rubrique) if q else None,
                "status": q.status if q else None,
                "annotations": marks[uid].annotations if uid in marks else 0,
                "in_corpus": q is not None,
            }
        )
    if args.json:
        echo_json(
            {"id": dossier.id, "name": dossier.name, "description": dossier.description, "items": items}
        )
        return 0
    echo(f"Dossier « {dossier.name} » — {len(items)} question{'s' if len(items) > 1 else ''}")
    if dossier.description:
        echo(dossier.description)
    for n, item in enumerate(items, start=1):
        if not item["in_corpus"]:
            echo(f"{n}. {item['uid']} — question absente du corpus")
            continue
        status = status_label(item["status"]) if item["status"] else ""
        count = item["annotations"]
        notes = f" — {count} annotation{'s' if count > 1 else ''}" if count else ""
        echo(f"{n}. {item['reference']} — {item['analyse'] or ''} — {status}{notes}")
    return 0


def _add_annotation_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "annotations",
        parents=[common],
        help="vos annotations : lister, ajouter, supprimer, exporter, importer",
        description="Vos surlignages et notes (dans user.sqlite, jamais touché par les imports).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_FrenchParser, required=True)

    a = actions.add_parser("list", parents=[common], help="liste les annotations (les plus récentes d'abord)")
    a.add_argument(
        "--dossier",
        type=_argv_text,
        action="append",
        default=[],
        metavar="NOM",
        help="des questions de ce dossier (répétable)",
    )
    a.add_argument(
        "--tag",
        type=_argv_text,
        action="append",
        default=[],
        metavar="ÉTIQUETTE",
        help="portant cette étiquette (répétable : l'une ou l'autre)",
    )
    a.add_argument(
        "--couleur",
        type=int,
        choices=range(1, 6),
        action="append",
        default=[],
        metavar="N",
        help="de cette couleur, 1 à 5 (répétable)",
    )
    a.add_argument(
        "--mots",
        type=_argv_text,
        metavar="MOTS",
        help="mots de la note ou du passage (accents et pluriels ignorés)",
    )
    a.add_argument(
        "--orphelines",
        action="store_true",
        help="seulement celles dont le passage est introuvable ou la question absente",
    )
    a.add_argument(
        "--tri", choices=("date", "question"), default="date", help="ordre : date (défaut) ou question"
    )
    a.add_argument("--json", action="store_true", help="en JSON")
    a.set_defaults(func=cmd_annotations_list)

    a = actions.add_parser(
        "add",
        parents=[common],
        help="surligne un passage ou annote une question",
        description="Surligne un passage (--pane et --quote) ou met une note sur toute la question (--note seul).",
    )
    a.add_argument("ref", type=_argv_text, metavar="REF", help=REF_HELP)
    a.add_argument(
        "--pane", choices=("question", "reponse"), help="le texte où est le passage : question ou reponse"
    )
    a.add_argument(
        "--quote", type=_argv_text, metavar="TEXTE", help="le passage, tel qu'il figure dans le texte"
    )
    a.add_argument(
        "--occurrence", type=int, metavar="K", help="lequel, quand le passage apparaît plusieurs fois (1, 2…)"
    )
    a.add_argument(
        "--couleur",
        type=int,
        choices=range(1, 6),
        metavar="N",
        help="couleur 1 à 5 (voir « annotations colours »)",
    )
    a.add_argument("--note", type=_argv_text, metavar="TEXTE", help="la note")
    a.add_argument(
        "--tag",
        type=_argv_text,
        action="append",
        default=[],
        metavar="ÉTIQUETTE",
        help="une étiquette (répétable)",
    )
    a.add_argument("--json", action="store_true", help="l'annotation ajoutée en JSON")
    a.set_defaults(func=cmd_annotations_add)

    a = actions.add_parser("delete", parents=[common], help="supprime une annotation")
    a.add_argument(
        "id", type=_argv_text, metavar="ID", help="son identifiant (affiché par « annotations list »)"
    )
    a.set_defaults(func=cmd_annotations_delete)

    a = actions.add_parser("colours", parents=[common], help="les cinq couleurs et leur signification")
    a.add_argument("--json", action="store_true", help="en JSON")
    a.set_defaults(func=cmd_annotations_colours)

    a = actions.add_parser(
        "export",
        parents=[common],
        help="exporte annotations et dossiers (W3C Web Annotation, JSON-LD)",
    )
    a.add_argument("fichier", metavar="FICHIER", help="le fichier à écrire (.jsonld)")
    a.add_argument(
        "--dossier",
        type=_argv_text,
        metavar="NOM",
        help="seulement ce dossier et les annotations de ses questions",
    )
    a.set_defaults(func=cmd_annotations_export)

    a = actions.add_parser(
        "import",
        parents=[common],
        help="importe un fichier d'annotations (d'un collègue) : rien en double, le plus récent gardé",
    )
    a.add_argument("fichier", metavar="FICHIER", help="le fichier JSON-LD exporté par QE Desktop")
    a.add_argument("--json", action="store_true", help="le rapport en JSON")
    a.set_defaults(func=cmd_annotations_import)

    p = sub.add_parser(
        "dossier",
        parents=[common],
        help="vos dossiers de questions : create, add, remove, list, show, delete",
        description="Des ensembles ordonnés de questions (une question peut être dans plusieurs dossiers).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_FrenchParser, required=True)
    d = actions.add_parser("create", parents=[common], help="crée un dossier")
    d.add_argument(
        "nom", type=_argv_text, metavar="NOM", help="son nom (unique, accents et majuscules ignorés)"
    )
    d.add_argument("--description", type=_argv_text, metavar="TEXTE", help="une description")
    d.set_defaults(func=cmd_dossier_create)
    d = actions.add_parser("add", parents=[common], help="ajoute des questions à la fin d'un dossier")
    d.add_argument("nom", type=_argv_text, metavar="NOM", help="le dossier")
    d.add_argument("refs", type=_argv_text, nargs="+", metavar="REF", help=REF_HELP)
    d.set_defaults(func=cmd_dossier_add)
    d = actions.add_parser("remove", parents=[common], help="retire des questions d'un dossier")
    d.add_argument("nom", type=_argv_text, metavar="NOM", help="le dossier")
    d.add_argument("refs", type=_argv_text, nargs="+", metavar="REF", help=REF_HELP)
    d.set_defaults(func=cmd_dossier_remove)
    d = actions.add_parser("list", parents=[common], help="liste les dossiers")
    d.add_argument("--json", action="store_true", help="en JSON")
    d.set_defaults(func=cmd_dossier_list)
    d = actions.add_parser("show", parents=[common], help="les questions d'un dossier, dans l'ordre")
    d.add_argument("nom", type=_argv_text, metavar="NOM", help="le dossier")
    d.add_argument("--json", action="store_true", help="en JSON")
    d.set_defaults(func=cmd_dossier_show)
    d = actions.add_parser(
        "delete", parents=[common], help="supprime un dossier (pas ses questions ni leurs annotations)"
    )
    d.add_argument("nom", type=_argv_text, metavar="NOM", help="le dossier")
    d.set_defaults(func=cmd_dossier_delete)


# -- suivi, stats, reponses-identiques ----------------------------------------------------


def _day_arg(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date illisible : « {value} » (attendu : AAAA-MM-JJ)") from None


def _one_deputy(store: CorpusStore, name: str) -> Deputy:
    found = find_deputies(store, name)
    if not found:
        raise CliError(terminal_text(f"aucun député ne correspond à « {name} »"))
    exact = [d for d in found if fold(d.name).endswith(fold(name))] if len(found) > 1 else found
    if len(exact) != 1:
        listed = ", ".join(f"{d.name} ({d.ref or 'sans référence AMO'})" for d in found[:10])
        raise CliError(
            terminal_text(
                f"« {name} » désigne plusieurs députés : {listed}. Précisez, ou donnez la référence PA…."
            )
        )
    return exact[0]


def suivi_row_record(row: SuiviRow) -> dict[str, Any]:
    stage = row.stage
    deadlines = stage.deadlines
    return {
        "uid": row.uid,
        "reference": row.reference,
        "analyse": row.analyse,
        "rubrique": row.rubrique,
        "ministry": row.ministry,
        "question_date": row.question_date,
        "answer_date": row.answer_date,
        "status": row.status,
        "stage": stage.code,
        "stage_label": stage.label,
        "days": stage.days,
        "answer_deadline": deadlines.answer.isoformat() if deadlines else None,
        "extension_deadline": deadlines.extension.isoformat() if deadlines and deadlines.extension else None,
        "signal_date": stage.signalled.isoformat() if stage.signalled else None,
        "signal_deadline": deadlines.signal.isoformat() if deadlines and deadlines.signal else None,
        "renewal_date": stage.renewed.isoformat() if stage.renewed else None,
        "explanation": stage.explanation(),
    }


def cmd_suivi(args: argparse.Namespace) -> int:
    from qe_desktop.export.content import ExportError
    from qe_desktop.export.suivi import DeputyQuota, SuiviLine, SuiviTable, write_suivi

    if not args.depute:
        raise CliError("indiquez au moins un député : --depute NOM (ou sa référence PA…)")
    today: date = args.date or date.today()
    out: list[dict[str, Any]] = []
    lines: list[SuiviLine] = []
    quotas: list[DeputyQuota] = []
    with _reading(args) as (_, _, store):
        for name in args.depute:
            deputy = _one_deputy(store, name)
            rows = deputy_questions(store, deputy, today)
            q = quota(rows, today, args.plafond)
            lines += [SuiviLine(deputy.name, r) for r in rows]
            quotas.append(DeputyQuota(deputy.name, q))
            out.append(
                {
                    "ref": deputy.ref,
                    "name": deputy.name,
                    "quota": {
                        "session_start": q.session_start.isoformat(),
                        "session_end": q.session_end.isoformat(),
                        "cap": q.cap,
                        "asked": q.asked,
                        "remaining": q.remaining,
                    },
                    "stages": {code: n for code, n in stage_counts(rows).items() if n},
                    "per_month": [{"month": m, "count": n} for m, n in per_month(rows)],
                    "questions": [suivi_row_record(r) for r in rows],
                }
            )
    lines.sort(key=lambda line: (line.row.question_date or "", line.row.number or 0), reverse=True)
    table = SuiviTable(today, tuple(lines), tuple(quotas))
    for fmt, target in (("csv", args.csv), ("pdf", args.pdf)):
        if target is not None:
            try:
                written = write_suivi(table, fmt, Path(target))
            except ExportError as exc:
                raise CliError(terminal_text(str(exc))) from exc
            _say(terminal_text(f"tableau de suivi écrit : {written} ({len(lines)} questions)"))
    if args.json:
        echo_json({"date": today.isoformat(), "deputies": out})
        return 0
    text: list[str] = []
    for d in out:
        count = len(d["questions"])
        text.append(
            f"{d['name']} ({d['ref'] or 'sans référence AMO'}) — {count} question{'s' if count > 1 else ''}"
        )
        qd = d["quota"]
        text.append(
            f"Session ouverte le {format_date_fr(qd['session_start'])} : {qd['asked']} question(s) écrite(s) "
            f"sur {qd['cap']} autorisées, reste {qd['remaining']}."
        )
        if d["stages"]:
            text.append("Étapes : " + ", ".join(f"{STAGE_LABELS[c]} ({n})" for c, n in d["stages"].items()))
        for r in d["questions"]:
            head = [r["reference"]]
            if r["question_date"]:
                head.append(format_date_fr(r["question_date"]))
            if r["ministry"]:
                head.append(r["ministry"])
            text.append("  " + " — ".join(head))
            if r["analyse"]:
                text.append(f"    {r['analyse']}")
            text.append(f"    {r['explanation']}")
        text.append("")
    text.append(f"Au {format_date_fr(today.isoformat())}.")
    echo("\n".join(text))
    return 0


def format_stats(stats: Stats, table_label: str) -> str:
    """The statistics as a French text table."""
    header = f"{table_label:<48} {'Questions':>9} {'Répondues':>9} {'Médiane':>8} {'9e déc.':>8} {'≤ 2 mois':>8} {'En attente':>10}  Plus ancienne en attente"
    lines = [header]
    for g in (*stats.groups, stats.total):
        label = g.label if len(g.label) <= 48 else g.label[:47] + "…"
        oldest = (
            f"{format_date_fr(g.oldest_waiting_date)} ({g.oldest_waiting_uid})"
            if g.oldest_waiting_uid
            else ""
        )
        lines.append(
            f"{label:<48} {g.questions:>9} {percent(g.answered_share):>9} {days(g.median_days):>8} "
            f"{days(g.p90_days):>8} {percent(g.within_two_months_share):>8} {g.waiting:>10}  {oldest}"
        )
    lines.append("")
    lines.append("Délais de réponse :")
    for lo, hi, n in stats.histogram:
        lines.append(f"  {histogram_label(lo, hi):<22} {n}")
    if stats.per_month:
        busiest = max(stats.per_month, key=lambda item: item[1])
        lines.append(
            f"Questions par mois : de {stats.per_month[0][0]} à {stats.per_month[-1][0]}, "
            f"au plus {busiest[1]} en {busiest[0]} (--json pour le détail)."
        )
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    equivalences = None
    if args.regrouper:
        try:
            equivalences = load_equivalences()
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    target: Path | None = None
    if args.pdf:
        from qe_desktop.export import check_target
        from qe_desktop.export.content import ExportError

        try:
            target = check_target(Path(args.pdf))
        except ExportError as exc:
            raise CliError(terminal_text(str(exc))) from exc
    with _reading(args) as (paths, access, store):
        uids: list[str] | None = None
        interpretation = "Toutes les questions du corpus."
        if args.requete:
            index = _open_index(paths, store, readonly=access.readonly_reason)
            try:
                # The interpretation and warnings of the query, then every question it finds.
                first = index.search(SearchRequest(query=args.requete, limit=0, snippets=False))
                uids = index.matching_uids(SearchRequest(query=args.requete))
            except SearchIndexError as exc:
                raise CliError(f"{exc} Lancez « qe-desktop reindex ».") from exc
            finally:
                index.close()
            interpretation = first.interpretation
            for warning in first.warnings:
                _say(warning)
        table = load_table(store)
    stats = compute(table, uids, by=args.par, equivalences=equivalences)
    written: Path | None = None
    if target is not None:
        from qe_desktop.export.content import ExportError
        from qe_desktop.export.report import StatsReport, covers_text, write_report

        try:
            written = write_report(StatsReport(stats, covers_text(args.requete or ""), date.today()), target)
        except ExportError as exc:
            raise CliError(terminal_text(str(exc))) from exc
    if args.json:
        record = stats.record()
        record["interpretation"] = interpretation
        if written is not None:
            record["pdf"] = str(written)
        echo_json(record)
        return 0
    echo(interpretation)
    echo(format_stats(stats, GROUP_TITLES[args.par]))
    if stats.left_out:
        n = stats.left_out
        echo(
            f"Questions écrites seulement : {n} question{'s' if n > 1 else ''} au Gouvernement ou "
            f"orale{'s' if n > 1 else ''} laissée{'s' if n > 1 else ''} de côté (réponse en séance)."
        )
    if stats.grouped_names:
        echo("Noms successifs regroupés selon resources/suivi/ministeres.csv (sources dans ce fichier).")
    if written is not None:
        echo(f"Rapport statistique écrit : {written}")
    return 0


def cmd_same_answers(args: argparse.Namespace) -> int:
    with _reading(args) as (_, _, store):
        question = _resolve_one(store, args.ref)
        same = duplicates_of(store, question.uid)
        others = store.facts(same)
        ordered = [others[u] for u in same if u in others]
    if args.json:
        echo_json(
            {
                "uid": question.uid,
                "count": len(ordered),
                "questions": [
                    {
                        "uid": f.uid,
                        "reference": f.reference,
                        "question_date": f.question_date,
                        "answer_date": f.answer_date,
                        "ministry": f.ministry_answering,
                        "analyse": f.analyse,
                    }
                    for f in ordered
                ],
            }
        )
        return 0
    ref = question.reference
    if not ordered:
        echo(f"{ref} : aucune autre question n'a reçu la même réponse.")
        return 0
    n = len(ordered)
    echo(f"{ref} : même réponse que {n} autre{'s' if n > 1 else ''} question{'s' if n > 1 else ''}.")
    for f in ordered:
        parts = [f.reference]
        if f.question_date:
            parts.append(format_date_fr(f.question_date))
        if f.analyse:
            parts.append(f.analyse)
        echo("  " + " — ".join(parts))
    return 0


def _add_suivi_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "suivi",
        parents=[common],
        help="les questions d'un député, leur étape et leurs délais (art. 135 du Règlement)",
    )
    p.add_argument(
        "--depute",
        type=_argv_text,
        action="append",
        default=[],
        metavar="NOM",
        help="nom ou référence AMO (PA…) du député (répétable)",
    )
    p.add_argument("--date", type=_day_arg, metavar="AAAA-MM-JJ", help="étapes à cette date (aujourd'hui)")
    p.add_argument(
        "--plafond",
        type=int,
        default=DEFAULT_SESSION_CAP,
        metavar="N",
        help=f"questions écrites autorisées par session ({DEFAULT_SESSION_CAP}, fixé par la Conférence des présidents)",
    )
    p.add_argument(
        "--csv",
        metavar="FICHIER",
        type=_argv_text,
        help="écrire aussi le « Tableau de suivi » en CSV (tableur)",
    )
    p.add_argument(
        "--pdf", metavar="FICHIER", type=_argv_text, help="écrire aussi le « Tableau de suivi » en PDF"
    )
    p.add_argument("--json", action="store_true", help="en JSON")
    p.set_defaults(func=cmd_suivi)

    p = sub.add_parser(
        "stats",
        parents=[common],
        help="délais de réponse et taux de réponse par ministère, rubrique ou année",
    )
    p.add_argument(
        "--requete", type=_argv_text, metavar="Q", help="sur les résultats de cette recherche (sinon tout)"
    )
    p.add_argument(
        "--par", choices=GROUP_BYS, default="ministere", help="regroupement (ministere par défaut)"
    )
    p.add_argument(
        "--regrouper", action="store_true", help="regroupe les noms successifs d'un ministère sur une ligne"
    )
    p.add_argument(
        "--pdf",
        metavar="FICHIER",
        help="écrit aussi le « Rapport statistique » (tableaux et graphiques) en PDF",
    )
    p.add_argument("--json", action="store_true", help="en JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "reponses-identiques",
        parents=[common],
        help="les questions qui ont reçu la même réponse qu'une question",
    )
    p.add_argument("ref", type=_argv_text, metavar="REF", help=REF_HELP)
    p.add_argument("--json", action="store_true", help="en JSON")
    p.set_defaults(func=cmd_same_answers)


# -- export ---------------------------------------------------------------------------


def _export_selection(
    args: argparse.Namespace, paths: DataPaths, access: Any, corpus: CorpusStore, user: UserStore | None
) -> tuple[list[str], str, str, str]:
    """The questions to export (in order), the default title, the source line and the description."""
    chosen = [bool(args.refs), args.dossier is not None, args.requete is not None]
    if sum(chosen) != 1:
        raise CliError(
            "indiquez les questions à exporter : des références, --dossier NOM ou --requete RECHERCHE"
        )
    if args.dossier is not None:
        if user is None:
            raise CliError(
                terminal_text(f"aucun dossier ne s'appelle « {args.dossier} » (aucun dossier créé)")
            )
        dossier = _dossier(user, args.dossier)
        present = corpus.get_many(list(dossier.items))
        missing = [u for u in dossier.items if u not in present]
        if missing:
            _say(
                f"{len(missing)} question{'s' if len(missing) > 1 else ''} du dossier absente"
                f"{'s' if len(missing) > 1 else ''} du corpus, non exportée{'s' if len(missing) > 1 else ''} : "
                + ", ".join(missing)
            )
        uids = [u for u in dossier.items if u in present]
        if not uids:
            raise CliError(terminal_text(f"le dossier « {dossier.name} » n'a aucune question à exporter"))
        return uids, dossier.name, f"Dossier « {dossier.name} »", dossier.description
    if args.requete is not None:
        request = SearchRequest(
            query=args.requete, filters=_filters(args.filtre), sort=args.sort, limit=args.max
        )
        index = _open_index(paths, corpus, readonly=access.readonly_reason)
        annotations = SearchAnnotations(paths)
        index.annotations = annotations
        try:
            result = index.search(request)
        except SearchIndexError as exc:
            raise CliError(f"{exc} Lancez « qe-desktop reindex ».") from exc
        finally:
            index.close()
            annotations.close()
        if not result.hits:
            raise CliError(terminal_text(f"aucune question ne répond à « {args.requete} » : rien à exporter"))
        if result.total > len(result.hits):
            _say(
                f"{result.total} questions trouvées : les {len(result.hits)} premières sont exportées "
                "(--max pour en exporter plus)."
            )
        source = f"Recherche : {args.requete}" + (" (" + ", ".join(args.filtre) + ")" if args.filtre else "")
        return [h.uid for h in result.hits], f"Recherche « {args.requete} »", source, ""
    uids = list(dict.fromkeys(_uids(corpus, args.refs)))
    return uids, "Sélection de questions écrites", "Sélection", ""


def cmd_export(args: argparse.Namespace) -> int:
    from qe_desktop.export import FORMATS, check_target, write
    from qe_desktop.export.content import ExportError, ExportOptions, build

    try:
        target = check_target(Path(args.sortie))
    except ExportError as exc:
        raise CliError(terminal_text(str(exc))) from exc
    if target.suffix.lower() != FORMATS[args.format][0]:
        _say(
            f"Attention : « {target.name} » n'a pas l'extension {FORMATS[args.format][0]} d'un export {args.format}."
        )
    options = ExportOptions(
        key_data=not args.sans_donnees,
        answer=not args.sans_reponse,
        highlights=not args.sans_surlignages,
        notes=not args.sans_notes,
        excerpts_only=args.extraits,
        colours=frozenset(args.couleur) if args.couleur else None,
        tags=frozenset(args.etiquette) if args.etiquette else None,
    )
    started = time.monotonic()
    with _reading(args) as (paths, access, corpus):
        # No annotations in a read-only folder that never had any: the texts are exported alone.
        readable = access.writable or paths.user_db.exists()
        user = UserStore.open(paths, readonly=not access.writable) if readable else None
        try:
            uids, default_title, source, description = _export_selection(args, paths, access, corpus, user)
            try:
                document = build(
                    corpus,
                    user,
                    uids,
                    title=args.titre or default_title,
                    source=source,
                    description=args.description if args.description is not None else description,
                    author=args.auteur or "",
                    options=options,
                    progress=_stderr_progress(),
                )
                written = write(document, args.format, target, progress=_stderr_progress())
            except ExportError as exc:
                raise CliError(terminal_text(str(exc))) from exc
            except Cancelled:
                raise CliError("export interrompu : aucun fichier n'a été écrit.") from None
        finally:
            if user is not None:
                user.close()
    if sys.stderr.isatty():
        echo(file=sys.stderr)
    count = len(document.questions)
    summary = {
        "file": str(written),
        "format": args.format,
        "questions": count,
        "notes": document.notes,
        "annotations": sum(q.annotations for q in document.questions),
        "seconds": round(time.monotonic() - started, 2),
    }
    if args.json:
        echo_json(summary)
    else:
        echo(
            terminal_text(
                f"Export {FORMATS[args.format][1]} écrit : {written} — {count} question{'s' if count > 1 else ''}, "
                f"{document.notes} note{'s' if document.notes > 1 else ''}."
            )
        )
    return 0


def _add_export_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export",
        parents=[common],
        help="exporte des questions, un dossier ou une recherche en PDF, Markdown, ODT ou CSV",
        description="Exporte des questions avec leurs surlignages et notes : un dossier à remettre, "
        "une recherche à garder, une sélection à citer.",
    )
    p.add_argument(
        "format", choices=("pdf", "md", "odt", "csv"), metavar="FORMAT", help="pdf, md, odt ou csv"
    )
    p.add_argument(
        "refs",
        type=_argv_text,
        nargs="*",
        metavar="REF",
        help=f"des questions ({REF_HELP}), dans cet ordre",
    )
    p.add_argument(
        "--dossier", type=_argv_text, metavar="NOM", help="les questions d'un dossier, dans son ordre"
    )
    p.add_argument("--requete", type=_argv_text, metavar="RECHERCHE", help="les questions d'une recherche")
    p.add_argument(
        "--filtre",
        type=_argv_text,
        action="append",
        default=[],
        metavar="CHAMP=VALEUR",
        help="avec --requete : ne garde que cette valeur (répétable)",
    )
    p.add_argument("--sort", choices=SORT_ORDERS, default="pertinence", help="avec --requete : l'ordre")
    p.add_argument(
        "--max", type=int, default=200, metavar="N", help="avec --requete : N questions au plus (200)"
    )
    p.add_argument("--sortie", "-o", required=True, metavar="FICHIER", help="le fichier à écrire")
    p.add_argument("--titre", type=_argv_text, metavar="TITRE", help="le titre du document")
    p.add_argument("--auteur", type=_argv_text, metavar="NOM", help="préparé par (sur la couverture)")
    p.add_argument("--description", type=_argv_text, metavar="TEXTE", help="un texte de présentation")
    p.add_argument(
        "--extraits",
        action="store_true",
        help="pour chaque question, seulement les passages annotés (avec leur phrase) et les notes",
    )
    p.add_argument("--sans-reponse", action="store_true", help="sans le texte des réponses")
    p.add_argument("--sans-donnees", action="store_true", help="sans le tableau des données clés")
    p.add_argument("--sans-surlignages", action="store_true", help="sans les couleurs des surlignages")
    p.add_argument("--sans-notes", action="store_true", help="sans les notes")
    p.add_argument(
        "--couleur",
        type=int,
        choices=range(1, 6),
        action="append",
        metavar="N",
        help="seulement ces couleurs (1 à 5)",
    )
    p.add_argument(
        "--etiquette",
        type=_argv_text,
        action="append",
        metavar="MOT",
        help="seulement les annotations à cette étiquette",
    )
    p.add_argument("--json", action="store_true", help="le résumé en JSON")
    p.set_defaults(func=cmd_export)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None and args.smoke_test:
            return run_smoke_test(Path(args.data_dir) if args.data_dir else None)
        if args.command is None:
            return cmd_window(args)
        result: int = args.func(args)
        return result
    except (CliError, StoreError, DataFolderError, SearchIndexError, UserStoreError) as exc:
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
    except Exception as exc:
        # A bug: its traceback to the log (qe-desktop.log), a French message here.
        paths = DataPaths.resolve(getattr(args, "data_dir", None))
        echo(f"qe-desktop : {log_unexpected(exc, paths)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
