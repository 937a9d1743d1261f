"""The index folder on disk: which generation is current, its files and their checksums.

Layout::

    index/
      state.json     what the index holds: its format's fingerprint, the current generation folder,
                     corpus data_version and count it is synced to, its files
                     with their sizes and CRC32 (segments never change once written)
      writing.pid    present while a writer works; left behind by a crash
      g7/            the Whoosh index of the current generation, and the facet
                     caches beside its segments (each carrying its own checksum)

Everything read here is untrusted: a file edited by hand, truncated by a full
disk or left by another version is a :class:`StateError` with a French
reason, and the index is rebuilt; never a TypeError deep inside a search.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"
WRITING_FILE = "writing.pid"

#: Header of the files the index writes itself (facet caches): magic, payload length, CRC32.
_CHECKED_MAGIC = b"QEC1"
_CHECKED_HEADER = struct.Struct("<4sQI")


class StateError(ValueError):
    """The index's state file is missing, unreadable or malformed (French reason)."""


@dataclass(frozen=True, slots=True)
class IndexState:
    """What ``state.json`` says; every field checked when read."""

    #: The index's format (:func:`qe_desktop.search.schema.fingerprint`): another one is rebuilt.
    fingerprint: str
    generation: str
    data_version: int
    count: int
    last_change: float
    files: dict[str, tuple[int, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "generation": self.generation,
            "data_version": self.data_version,
            "count": self.count,
            "last_change": self.last_change,
            "files": {name: list(value) for name, value in self.files.items()},
        }


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    # bool is an int in Python: refuse it too.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StateError(f"valeur « {key} » invalide dans {STATE_FILE}")
    return value


def read_state(index_dir: Path) -> IndexState:
    """Read and validate ``state.json``; StateError (French) for anything wrong."""
    path = index_dir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StateError("index absent") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise StateError(f"fichier d'état de l'index illisible ({exc})") from None
    if not isinstance(data, dict):
        raise StateError(f"fichier d'état de l'index illisible ({STATE_FILE} n'est pas un objet)")
    generation = data.get("generation")
    if not isinstance(generation, str) or not generation.startswith("g") or not generation[1:].isdigit():
        raise StateError(f"valeur « generation » invalide dans {STATE_FILE}")
    last_change = data.get("last_change")
    if not isinstance(last_change, (int, float)) or isinstance(last_change, bool):
        raise StateError(f"valeur « last_change » invalide dans {STATE_FILE}")
    raw_files = data.get("files")
    if not isinstance(raw_files, dict) or not raw_files:
        raise StateError("fichier d'état de l'index incomplet")
    files: dict[str, tuple[int, int]] = {}
    for name, value in raw_files.items():
        if (
            not isinstance(name, str)
            or not name
            or "/" in name
            or "\\" in name
            or name in (".", "..")
            or not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            raise StateError(f"liste des fichiers invalide dans {STATE_FILE}")
        files[name] = (value[0], value[1])
    fingerprint = data.get("fingerprint")
    if not isinstance(fingerprint, str):
        # An index written before fingerprints (or edited): another format, rebuilt.
        fingerprint = ""
    return IndexState(
        fingerprint=fingerprint,
        generation=generation,
        data_version=_int(data, "data_version"),
        count=_int(data, "count"),
        last_change=float(last_change),
        files=files,
    )


def write_state(index_dir: Path, state: IndexState) -> None:
    """Replace ``state.json`` atomically (a crash leaves the old one or the new one)."""
    tmp = index_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state.to_json(), indent=1), encoding="utf-8")
    os.replace(tmp, index_dir / STATE_FILE)


def crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def check_files(
    gdir: Path, files: dict[str, tuple[int, int]], *, deep: bool, crc_cache: dict[tuple[str, int], int]
) -> str | None:
    """Why the files of a generation are not as ``state.json`` lists them (French), or None.

    ``deep`` also compares each file's CRC32 (segments never change: a
    mismatch is corruption); otherwise names and sizes only.
    """
    for name, (expected_size, expected_crc) in files.items():
        path = gdir / name
        try:
            size = path.stat().st_size
        except OSError:
            return f"fichier d'index manquant : {name}"
        if size != expected_size:
            return f"fichier d'index tronqué ou modifié : {name} ({size} octets au lieu de {expected_size})"
        if deep:
            key = (str(path), size)
            crc = crc_cache.get(key)
            if crc is None:
                try:
                    crc = crc32(path)
                except OSError as exc:
                    return f"fichier d'index illisible : {name} ({exc})"
            if crc != expected_crc:
                return f"fichier d'index corrompu : {name}"
            crc_cache[key] = crc
    return None


def file_sums(
    gdir: Path, names: set[str], crc_cache: dict[tuple[str, int], int]
) -> dict[str, tuple[int, int]]:
    """Size and CRC32 of these files of a generation (cached by path and size)."""
    files: dict[str, tuple[int, int]] = {}
    for name in sorted(names):
        path = gdir / name
        size = path.stat().st_size
        key = (str(path), size)
        crc = crc_cache.get(key)
        if crc is None:
            crc = crc32(path)
            crc_cache[key] = crc
        files[name] = (size, crc)
    return files


def next_generation(index_dir: Path) -> str:
    numbers = [0]
    if index_dir.is_dir():
        for path in index_dir.iterdir():
            if path.is_dir() and path.name[:1] == "g" and path.name[1:].isdigit():
                numbers.append(int(path.name[1:]))
    return f"g{max(numbers) + 1}"


def remove_other_generations(index_dir: Path, keep: str) -> None:
    for path in index_dir.iterdir():
        if path.is_dir() and path.name != keep:
            # A reader of this process may still hold files open (Windows): retried next time.
            shutil.rmtree(path, ignore_errors=True)


# -- files the index writes itself ----------------------------------------------------


def write_checked(path: Path, payload: bytes) -> None:
    """Write ``payload`` with a header (length, CRC32), atomically; OSError if the folder is read-only."""
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("wb") as fh:
        fh.write(_CHECKED_HEADER.pack(_CHECKED_MAGIC, len(payload), zlib.crc32(payload)))
        fh.write(payload)
    os.replace(partial, path)


def read_checked(path: Path) -> memoryview | None:
    """The payload written by :func:`write_checked`, or None if absent, truncated or altered."""
    try:
        with path.open("rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    if len(blob) < _CHECKED_HEADER.size:
        return None
    magic, length, crc = _CHECKED_HEADER.unpack_from(blob)
    payload = memoryview(blob)[_CHECKED_HEADER.size :]
    if magic != _CHECKED_MAGIC or length != len(payload) or zlib.crc32(payload) != crc:
        return None
    return payload


@contextlib.contextmanager
def writing_marker(index_dir: Path) -> Any:
    """``writing.pid`` while a write is under way: left behind, it says the write was interrupted."""
    index_dir.mkdir(parents=True, exist_ok=True)
    marker = index_dir / WRITING_FILE
    marker.write_text(str(os.getpid()), encoding="ascii")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            marker.unlink()
