"""Turn what the user dropped (files, folders, zip dumps) into readable sources.

A Source is one file or one zip member.  Zip archives are checked before any
member is read: an archive that would expand absurdly is refused whole.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from qe_desktop.model import ParsedItem, Rejection

#: A zip may expand to at most this many bytes in all (a whole-legislature
#: dump is a few hundred MB; 20 GB leaves room and still stops a bomb).
MAX_ZIP_TOTAL = 20 * 1024**3
#: and no member may expand more than this ratio over its compressed size
#: (real JSON/XML compresses about 10:1; bombs are 1000:1 and more).
MAX_MEMBER_RATIO = 200
#: Members smaller than this are never refused for their ratio.
RATIO_FLOOR = 1024 * 1024
MAX_ZIP_MEMBERS = 2_000_000

_SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}

#: What reading a file or a zip member may raise on damaged input (not a bug).
READ_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
#: ... and opening one (RuntimeError: an encrypted zip member).
OPEN_ERRORS: tuple[type[Exception], ...] = (*READ_ERRORS, RuntimeError)


@dataclass(frozen=True, slots=True)
class Source:
    """One readable file: a path on disk, or a member of a zip on disk."""

    path: Path
    member: str | None = None
    size: int = 0

    @classmethod
    def of(cls, path: Path) -> Source:
        """A file on disk, as a source."""
        return cls(path, None, path.stat().st_size)

    @property
    def name(self) -> str:
        """How messages name it: ``dump.zip!json/QANR5L17QE1.json`` for a member."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def basename(self) -> str:
        """The file name without folders (page-text records carry their number there)."""
        return os.path.basename(self.member) if self.member else self.path.name

    def open(self) -> IO[bytes]:
        """Open for binary reading (the caller closes it)."""
        if self.member is None:
            return self.path.open("rb")
        archive = zipfile.ZipFile(self.path)
        try:
            stream = archive.open(self.member)
        except BaseException:
            archive.close()
            raise
        # Keep the archive alive as long as the member stream.
        stream._qe_archive = archive  # type: ignore[attr-defined]
        return stream

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, for sniffing."""
        with self.open() as fh:
            return fh.read(size)

    def read_bytes(self) -> bytes:
        with self.open() as fh:
            return fh.read()


def _zip_sources(path: Path) -> Iterator[Source | Rejection]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Rejection(str(path), f"archive zip illisible ({exc})")
        return
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            yield Rejection(
                str(path), f"archive refusée : {len(infos)} fichiers, plus que les {MAX_ZIP_MEMBERS} admis"
            )
            return
        total = sum(i.file_size for i in infos)
        if total > MAX_ZIP_TOTAL:
            yield Rejection(
                str(path),
                f"archive refusée : elle se décompresserait en {total / 1024**3:.1f} Go "
                f"(limite {MAX_ZIP_TOTAL / 1024**3:.0f} Go)",
            )
            return
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_MEMBER_RATIO * max(
                info.compress_size, 1
            ):
                yield Rejection(
                    str(path),
                    f"archive refusée : le fichier {info.filename} se décompresserait "
                    f"{info.file_size // max(info.compress_size, 1)} fois (bombe de décompression ?)",
                )
                return
        for info in sorted(infos, key=lambda i: i.filename):
            base = os.path.basename(info.filename)
            if base in _SKIPPED_NAMES or base.startswith("._") or info.filename.startswith("__MACOSX/"):
                continue
            if info.filename.lower().endswith(".zip"):
                yield Rejection(f"{path}!{info.filename}", "archive zip imbriquée : décompressez-la d'abord")
                continue
            yield Source(path, info.filename, info.file_size)


def expand_paths(paths: list[Path]) -> Iterator[Source | Rejection]:
    """Every file under the given files and folders, zip members included, in a stable order."""
    for path in paths:
        if not path.exists():
            yield Rejection(str(path), "fichier ou dossier introuvable")
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if file.name in _SKIPPED_NAMES or file.name.startswith("."):
                    continue
                yield from _file_sources(file)
        else:
            yield from _file_sources(path)


def _file_sources(path: Path) -> Iterator[Source | Rejection]:
    if zipfile.is_zipfile(path):
        yield from _zip_sources(path)
    else:
        try:
            source = Source.of(path)
        except OSError as exc:
            yield Rejection(str(path), f"fichier illisible ({exc.strerror})")
            return
        yield source


def parse_stream_of(
    source: Source, parse_stream: Callable[[IO[bytes], str], Iterator[ParsedItem]]
) -> Iterator[ParsedItem]:
    """Run an importer's stream parser on a source; a file that cannot be read is a Rejection."""
    try:
        stream = source.open()
    except OPEN_ERRORS as exc:
        yield Rejection(source.name, f"fichier illisible ({exc})")
        return
    with stream:
        try:
            yield from parse_stream(stream, source.name)
        except READ_ERRORS as exc:
            yield Rejection(source.name, f"lecture interrompue ({exc})")
