"""``qe-desktop --smoke-test``: the app checked end to end, as the bundle ships it.

What a user does first, in a throwaway data folder (or ``--data-dir``), each
step named in French: import the sample corpus, rebuild the index in worker
processes (in the frozen app they are the app's executable started again: the
step fails if one started the app instead of a worker), search, open a
question in the real window (offscreen when there is no display), highlight a
passage with a note there, export that question as a PDF and read the PDF
back: its text, the note, the fonts embedded.  0 when every step passed;
otherwise 1, and « Échec à l'étape … : … » on stderr, the traceback of an
unexpected error in the log.

Only the window step needs Qt (:mod:`qe_desktop.ui.smoke`, imported then).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qe_desktop import __version__
from qe_desktop.annotations.edits import new_annotation
from qe_desktop.annotations.store import UserStore, UserStoreError
from qe_desktop.corpus import import_and_index
from qe_desktop.export.content import ExportError
from qe_desktop.folder import DataFolderError, WriterLock, open_folder, remember_import
from qe_desktop.logfile import build_description, configure_logging, log, log_path, log_unexpected
from qe_desktop.model import Annotation, Question, SearchRequest
from qe_desktop.paths import DataPaths, sample_folders
from qe_desktop.search.build import worker_count
from qe_desktop.search.index import SearchIndex, SearchIndexError
from qe_desktop.store import CorpusStore, StoreError

if TYPE_CHECKING:
    from pypdf import PdfReader

#: A word every sample question's neighbourhood uses: the search must find some.
QUERY = "ministre"
#: The note written on the highlighted passage; the PDF must show it.
NOTE = "Contrôle de l'application : passage à vérifier"
#: Seconds the window may take for one step (a loaded CI machine is slow).
WINDOW_TIMEOUT = 120.0


class SmokeFailure(Exception):
    """A step that did not give what it should (French)."""


class WindowCheck(Protocol):
    """The real window, driven by :mod:`qe_desktop.ui.smoke` (its methods wait, or raise SmokeFailure)."""

    def show_question(self, uid: str) -> str:
        """Open the window on the data folder, show ``uid``; return the question pane's text."""
        ...

    def annotate(self, annotation: Annotation) -> None:
        """Store ``annotation`` as the window does (undoable edit), once the edit is committed."""
        ...

    def close(self) -> None: ...


@dataclass
class SmokeRun:
    """What the steps hand on to each other."""

    paths: DataPaths
    work: Path
    count: int = 0
    question: Question | None = None
    window: WindowCheck | None = None
    annotation: Annotation | None = None
    pdf: Path | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)


def import_sample(run: SmokeRun) -> str:
    open_folder(run.paths, write=True)
    with (
        WriterLock(run.paths.root, "un contrôle de l'application") as lock,
        CorpusStore(run.paths.corpus_db) as store,
    ):
        index = SearchIndex.open(run.paths, store, lock=lock)
        try:
            report = import_and_index(store, index, sample_folders())
        finally:
            index.close()
        run.count = store.count()
    remember_import(run.paths, [], sample=True)
    if report.rejected:
        first = report.rejected[0]
        raise SmokeFailure(
            f"{len(report.rejected)} enregistrements rejetés, dont {first.source} : {first.reason}"
        )
    if run.count == 0:
        raise SmokeFailure("aucune question dans le corpus après l'import")
    return f"{run.count} questions dans le corpus"


def rebuild_in_workers(run: SmokeRun) -> str:
    with (
        WriterLock(run.paths.root, "un contrôle de l'application") as lock,
        CorpusStore(run.paths.corpus_db) as store,
    ):
        index = SearchIndex(run.paths.index_dir, store, lock=lock)
        try:
            index.rebuild(parallel_min=1)
            documents = index.document_count
        finally:
            index.close()
    if documents != run.count:
        raise SmokeFailure(f"l'index compte {documents} questions, le corpus {run.count}")
    workers = worker_count()
    how = f"{workers} processus" if workers > 1 else "un seul processus (un seul cœur disponible)"
    return f"{documents} questions indexées par {how}"


def search(run: SmokeRun) -> str:
    with CorpusStore(run.paths.corpus_db, readonly=True) as store:
        index = SearchIndex.open(run.paths, store, rebuild=False)
        try:
            result = index.search(SearchRequest(query=QUERY, limit=5))
        finally:
            index.close()
        if not result.hits:
            raise SmokeFailure(f"aucun résultat pour « {QUERY} »")
        # A question with an answer: the PDF then has both texts.
        for hit in result.hits:
            question = store.get(hit.uid)
            if question is not None and question.question_text and question.answer_text:
                run.question = question
                break
    if run.question is None:
        raise SmokeFailure(f"aucune des premières questions trouvées pour « {QUERY} » n'a de réponse")
    return f"{result.total} résultats pour « {QUERY} »"


def open_in_window(run: SmokeRun) -> str:
    from qe_desktop.ui.smoke import SmokeWindow  # Qt only for this step

    question = _question(run)
    run.window = SmokeWindow(run.paths, timeout=WINDOW_TIMEOUT)
    shown = run.window.show_question(question.uid)
    if not shown.strip():
        raise SmokeFailure(f"la question {question.uid} s'affiche vide")
    return f"question {question.uid} affichée"


def annotate(run: SmokeRun) -> str:
    question = _question(run)
    if run.window is None:
        raise SmokeFailure("la fenêtre n'est pas ouverte")
    text = question.question_text or ""
    start = text.find(" ") + 1
    end = min(len(text), start + 60)
    annotation = new_annotation(question, "question", start, end, colour=4, note=NOTE, tags=("contrôle",))
    run.window.annotate(annotation)
    with UserStore(run.paths.user_db, readonly=True) as user:
        placed = {p.annotation.id: p.placement.state for p in user.placed_for(question.uid, question)}
    if placed.get(annotation.id) != "exact":
        raise SmokeFailure(
            f"annotation {annotation.id} non retrouvée à sa place ({placed.get(annotation.id)})"
        )
    run.annotation = annotation
    return "passage surligné avec une note, enregistré dans user.sqlite"


def export_pdf(run: SmokeRun) -> str:
    from qe_desktop.export import write
    from qe_desktop.export.content import build

    question = _question(run)
    target = run.work / "controle.pdf"
    with (
        CorpusStore(run.paths.corpus_db, readonly=True) as corpus,
        UserStore(run.paths.user_db, readonly=True) as user,
    ):
        document = build(corpus, user, [question.uid], title="Contrôle de l'application", source="smoke-test")
    run.pdf = write(document, "pdf", target)
    return f"{run.pdf.stat().st_size // 1024} Ko"


def check_pdf(run: SmokeRun) -> str:
    from pypdf import PdfReader  # read as a reader reads it: subset fonts, ToUnicode maps

    if run.pdf is None:
        raise SmokeFailure("pas de PDF")
    reader = PdfReader(run.pdf)
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    words = " ".join(text.split())
    question = _question(run)
    if "Contrôle de l'application" not in words:
        raise SmokeFailure("le titre du dossier n'est pas dans le texte du PDF")
    if NOTE not in words:
        raise SmokeFailure("la note de l'annotation n'est pas dans le texte du PDF")
    if question.number is not None and str(question.number) not in words:
        raise SmokeFailure(f"le numéro de la question ({question.number}) n'est pas dans le PDF")
    embedded, type3 = _fonts(reader)
    if type3:
        raise SmokeFailure(f"polices Type 3 dans le PDF : {', '.join(sorted(type3))}")
    if not embedded:
        raise SmokeFailure("aucune police TrueType incorporée (FontFile2) dans le PDF")
    return f"{len(reader.pages)} pages, {len(words)} caractères, polices incorporées : {', '.join(sorted(embedded))}"


def _fonts(reader: PdfReader) -> tuple[set[str], set[str]]:
    """The base names of the TrueType fonts embedded (FontFile2), and of any Type 3 font."""
    embedded: set[str] = set()
    type3: set[str] = set()
    page: Any
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if font.get("/Subtype") == "/Type3":
                type3.add(name)
            descendants = font.get("/DescendantFonts")
            candidates = [d.get_object() for d in descendants.get_object()] if descendants else [font]
            for candidate in candidates:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded.add(name.split("+", 1)[-1])
    return embedded, type3


def _question(run: SmokeRun) -> Question:
    if run.question is None:
        raise SmokeFailure("aucune question choisie par la recherche")
    return run.question


Step = Callable[[SmokeRun], str]

#: Errors that carry their own French message, a step's own failure first (any other is a bug:
#: its traceback goes to the log).
KNOWN_ERRORS: tuple[type[Exception], ...] = (
    SmokeFailure,
    StoreError,
    SearchIndexError,
    DataFolderError,
    UserStoreError,
    ExportError,
    OSError,
)

STEPS: tuple[tuple[str, Step], ...] = (
    ("import du corpus d'exemple", import_sample),
    ("reconstruction de l'index en parallèle", rebuild_in_workers),
    ("recherche", search),
    ("ouverture d'une question dans la fenêtre", open_in_window),
    ("annotation dans la fenêtre", annotate),
    ("export PDF", export_pdf),
    ("contrôle du PDF", check_pdf),
)


@contextlib.contextmanager
def _data_folder(data_dir: Path | None) -> Iterator[tuple[DataPaths, Path]]:
    with tempfile.TemporaryDirectory(prefix="qe-desktop-controle-") as tmp:
        root = data_dir if data_dir is not None else Path(tmp) / "donnees"
        yield DataPaths.resolve(root), Path(tmp)


def _headless() -> None:
    """No display: Qt's offscreen platform (CI, a server, the bundle's check after a build)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _say(line: str, *, error: bool = False) -> None:
    # A windowed Windows build has no console: print() to None is a no-op there, never an error.
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def run_smoke_test(data_dir: Path | None = None) -> int:
    """Run every step; 0 when all passed, 1 at the first failure (named on stderr)."""
    _headless()
    started = time.monotonic()
    with _data_folder(data_dir) as (paths, work):
        paths.root.mkdir(parents=True, exist_ok=True)
        configure_logging(paths)
        _say(f"Contrôle de QE Desktop {__version__} ({build_description()}), dossier {paths.root}")
        run = SmokeRun(paths, work)
        try:
            for name, step in STEPS:
                t = time.monotonic()
                try:
                    detail = step(run)
                except KNOWN_ERRORS as exc:
                    log.error("Contrôle : échec à l'étape « %s » : %s", name, exc)
                    _say(f"Échec à l'étape « {name} » : {exc}", error=True)
                    _show_log(paths, temporary=data_dir is None)
                    return 1
                except Exception as exc:
                    message = f"{type(exc).__name__} : {exc}" if str(exc) else type(exc).__name__
                    log_unexpected(exc, paths)
                    _say(f"Échec à l'étape « {name} » : {message}", error=True)
                    _show_log(paths, temporary=data_dir is None)
                    return 1
                elapsed = time.monotonic() - t
                run.timings.append((name, elapsed))
                _say(f"  ok  {name} ({elapsed:.1f} s) : {detail}")
        finally:
            if run.window is not None:
                run.window.close()
            _detach_log(paths)
        _say(f"Contrôle réussi en {time.monotonic() - started:.1f} s.")
        log.info("Contrôle réussi")
    return 0


def _show_log(paths: DataPaths, *, temporary: bool) -> None:
    """After a failure: the log's errors on stderr when the temporary folder (and its log) will go."""
    target = log_path()
    if target is None or not temporary:
        _say(f"Journal : {target or paths.log_file}", error=True)
        return
    for handler in log.handlers:
        handler.flush()
    lines = target.read_text(encoding="utf-8", errors="replace").splitlines()
    first = next((i for i, line in enumerate(lines) if " ERROR " in line or " CRITICAL " in line), None)
    if first is not None:
        _say("Journal :\n" + "\n".join(lines[first:]), error=True)


def _detach_log(paths: DataPaths) -> None:
    """Close the log file before a temporary data folder is removed (Windows cannot remove it open)."""
    for handler in list(log.handlers):
        if getattr(handler, "baseFilename", "").startswith(str(paths.root)):
            log.removeHandler(handler)
            handler.close()
