"""Exports of questions and dossiers: PDF, Markdown, ODT, CSV (Qt-free).

:func:`content.build` gathers what an export holds once; each format lays it
out; :func:`write` puts the file in place whole or not at all: it is written
beside the target under a temporary name, then renamed over it, so that a
cancelled or failed export never leaves a half-written file, and an existing
file is never left half-overwritten.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from qe_desktop.export.content import ExportDocument, ExportError
from qe_desktop.jobs import CancelFn, ProgressFn, never_cancelled, no_progress

Writer = Callable[[ExportDocument, Path, ProgressFn, CancelFn], None]

#: Format name -> (file suffix, French name).
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": (".pdf", "PDF"),
    "md": (".md", "Markdown"),
    "odt": (".odt", "OpenDocument (LibreOffice, Word)"),
    "csv": (".csv", "tableur (CSV)"),
}


def _writer(fmt: str) -> Writer:
    # Imported on demand: reportlab and odfpy load in tenths of a second.
    if fmt == "pdf":
        from qe_desktop.export.pdf import write_pdf

        return write_pdf
    if fmt == "md":
        from qe_desktop.export.markdown import write_markdown

        return write_markdown
    if fmt == "odt":
        from qe_desktop.export.odt import write_odt

        return write_odt
    if fmt == "csv":
        from qe_desktop.export.table import write_csv

        return write_csv
    raise ExportError(f"Format d'export inconnu : « {fmt} » (pdf, md, odt ou csv).")


def check_target(target: Path) -> Path:
    """``target`` if an export can be written there (said before the work starts), else ExportError."""
    target = Path(target)
    if target.is_dir():
        raise ExportError(f"« {target} » est un dossier : indiquez un nom de fichier.")
    if not target.parent.is_dir():
        raise ExportError(f"Le dossier « {target.parent} » n'existe pas : choisissez un dossier existant.")
    return target


def write(
    document: ExportDocument,
    fmt: str,
    target: Path,
    *,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> Path:
    """Write ``document`` as ``fmt`` to ``target``, whole or not at all; return the path.

    Raises ExportError (French) for a target that cannot be written; Cancelled
    leaves no file behind (and an existing ``target`` as it was).
    """
    writer = _writer(fmt)
    return write_whole(target, lambda partial: writer(document, partial, progress, cancelled))


def _new_file_mode() -> int:
    umask = os.umask(0o022)  # read once, at import: os.umask can only be read by setting it
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _new_file_mode()


def write_whole(target: Path, fill: Callable[[Path], None]) -> Path:
    """Make ``target`` with ``fill`` (given a temporary path beside it), whole or not at all.

    The file is written under a temporary name in the target's folder, then renamed over the
    target; whatever ``fill`` raises (Cancelled, an error) leaves no file behind and an existing
    ``target`` as it was.  Raises ExportError (French) for a target that cannot be written.
    """
    target = check_target(target)
    folder = target.parent
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.stem}-", suffix=target.suffix + ".partiel", dir=folder
        )
    except OSError as exc:
        raise ExportError(
            f"Impossible d'écrire dans « {folder} » ({exc.strerror or exc}) : choisissez un autre dossier."
        ) from exc
    os.close(handle)
    partial = Path(name)
    try:
        fill(partial)
        # mkstemp makes the file readable by its owner only: an export is a document to share,
        # made with the permissions any new file of the user gets.
        os.chmod(partial, _NEW_FILE_MODE)
        os.replace(partial, target)
    except OSError as exc:
        raise ExportError(f"Écriture de « {target} » impossible ({exc.strerror or exc}).") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return target
