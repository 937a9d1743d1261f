"""An export as one operation on a data folder, and its preview: what the window runs off its GUI thread.

:func:`run_export` opens its own read-only connections (the corpus, the user's
database when there is one), builds the content and writes the file whole or
not at all; :func:`preview` lays out the first questions as the PDF would and
renders its first pages to pixels with PDFium (pypdfium2: Google's PDF renderer,
wheels for every platform, no Qt module needed), so that the dialog shows the
real layout, not an imitation of it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qe_desktop.annotations.store import UserStore
from qe_desktop.export import write
from qe_desktop.export.content import ExportDocument, ExportOptions, Selection, build
from qe_desktop.jobs import CancelFn, ProgressFn, never_cancelled, no_progress
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore

#: How many questions the preview lays out (enough for the cover, the contents and a question).
PREVIEW_QUESTIONS = 2


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export, how, and where."""

    fmt: str
    #: The questions, in order; or a function that finds them (a whole result set), run off the GUI thread.
    uids: tuple[str, ...] | Callable[[], Sequence[str]]
    title: str
    source: str
    description: str = ""
    author: str = ""
    options: ExportOptions = field(default_factory=ExportOptions)
    selection: Selection | None = None
    #: Leave out the questions gone from the corpus (a dossier's), saying so, instead of refusing.
    skip_missing: bool = False


@dataclass(frozen=True, slots=True)
class ExportDone:
    """An export written: where, and what it holds."""

    path: Path
    fmt: str
    questions: int
    notes: int
    annotations: int
    #: The questions left out because they are no longer in the corpus.
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreviewPage:
    """One rendered page: 8-bit RGBA pixels, row after row."""

    width: int
    height: int
    pixels: bytes


def _uids(request: ExportRequest) -> list[str]:
    return list(request.uids() if callable(request.uids) else request.uids)


def _document(
    paths: DataPaths,
    request: ExportRequest,
    uids: Sequence[str],
    progress: ProgressFn,
    cancelled: CancelFn,
    missing: list[str] | None = None,
) -> ExportDocument:
    with CorpusStore(paths.corpus_db, readonly=True) as corpus:
        if request.skip_missing:
            present = corpus.get_many(list(uids))
            if missing is not None:
                missing.extend(u for u in uids if u not in present)
            uids = [u for u in uids if u in present]
        user = UserStore(paths.user_db, readonly=True) if paths.user_db.exists() else None
        try:
            return build(
                corpus,
                user,
                uids,
                title=request.title,
                source=request.source,
                description=request.description,
                author=request.author,
                options=request.options,
                selection=request.selection,
                progress=progress,
                cancelled=cancelled,
            )
        finally:
            if user is not None:
                user.close()


def run_export(
    paths: DataPaths,
    request: ExportRequest,
    target: Path,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> ExportDone:
    """Write the export to ``target`` (ExportError, StoreError, UserStoreError: French; Cancelled)."""
    missing: list[str] = []
    document = _document(paths, request, _uids(request), progress, cancelled, missing)
    written = write(document, request.fmt, target, progress=progress, cancelled=cancelled)
    return ExportDone(
        written,
        request.fmt,
        len(document.questions),
        document.notes,
        sum(q.annotations for q in document.questions),
        tuple(missing),
    )


def preview(
    paths: DataPaths,
    request: ExportRequest,
    *,
    pages: int = 3,
    width: int = 420,
    cancelled: CancelFn = never_cancelled,
) -> list[PreviewPage]:
    """The first ``pages`` pages of the PDF this request would make (its first questions), ``width`` pixels wide."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    uids = _uids(request)[:PREVIEW_QUESTIONS]
    document = _document(paths, request, uids, no_progress, cancelled)
    with tempfile.TemporaryDirectory(prefix="qe-apercu-") as folder:
        pdf_path = write(document, "pdf", Path(folder) / "apercu.pdf", cancelled=cancelled)
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        try:
            out = []
            for number in range(min(pages, len(pdf))):
                page = pdf[number]
                bitmap = page.render(
                    scale=width / page.get_width(),
                    force_bitmap_format=pdfium_c.FPDFBitmap_BGRA,
                    rev_byteorder=True,  # RGBA, as QImage.Format_RGBA8888 reads it
                )
                # Rows may be padded: keep each row's pixels only.
                stride, row = bitmap.stride, bitmap.width * 4
                raw = bytes(bitmap.buffer)
                pixels = (
                    raw if stride == row else b"".join(raw[i : i + row] for i in range(0, len(raw), stride))
                )
                out.append(PreviewPage(bitmap.width, bitmap.height, pixels))
                page.close()
            return out
        finally:
            pdf.close()
