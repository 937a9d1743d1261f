"""Copies of ``user.sqlite`` in ``sauvegardes/``, and what to do with a damaged one.

Copies are made with SQLite's backup API (a consistent copy of a database in
use, WAL included), written under a temporary name and renamed when complete,
so a copy interrupted half-way never passes for a good one.  Their names say
when and at which revision of the database they were made
(``user-20250308-102105-r000123.sqlite``): a copy is not made again while the
database has not changed, so the five kept are five different states.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qe_desktop.dates import format_date_fr

#: Copies kept (the oldest go first).
KEEP = 5
#: Seconds of work between two copies.
INTERVAL = 3600.0

_NAME = re.compile(r"^user-(\d{8})-(\d{6})(?:-(\d+))?-r(\d+)\.sqlite$")


@dataclass(frozen=True, slots=True)
class BackupCopy:
    """One copy in ``sauvegardes/``."""

    path: Path
    made: datetime
    revision: int

    def describe(self) -> str:
        """« du 8 mars 2025 à 10:21 »."""
        return f"du {format_date_fr(self.made.date().isoformat())} à {self.made:%H:%M}"


def copies(folder: Path) -> list[BackupCopy]:
    """The copies in ``folder``, oldest first."""
    found: list[BackupCopy] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        m = _NAME.match(name)
        if not m:
            continue
        made = datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S")
        found.append(BackupCopy(folder / name, made, int(m[4])))
    found.sort(key=lambda c: c.path.name)
    return found


def make_copy(conn: sqlite3.Connection, folder: Path, revision: int, *, keep: int = KEEP) -> BackupCopy:
    """Copy the database of ``conn`` into ``folder``; keep the last ``keep`` copies.

    Raises OSError or sqlite3.Error (the caller says it in French).
    """
    folder.mkdir(parents=True, exist_ok=True)
    made = datetime.now().replace(microsecond=0)
    stem = f"user-{made:%Y%m%d-%H%M%S}"
    name = f"{stem}-r{revision:06d}.sqlite"
    serial = 1
    while (folder / name).exists():
        serial += 1
        name = f"{stem}-{serial}-r{revision:06d}.sqlite"
    final = folder / name
    partial = folder / (name + ".partiel")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    target = sqlite3.connect(partial)
    try:
        conn.backup(target)
        # A copy is a whole database in one file, readable alone.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    os.replace(partial, final)
    for old in copies(folder)[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return BackupCopy(final, made, revision)


def is_damage(exc: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is damaged (not locked, not out of reach)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    )


def _check(uri: str) -> str | None:
    conn = sqlite3.connect(uri, uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    finally:
        conn.close()
    found = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return "; ".join(found)[:300] if found else None


def integrity_problem(path: Path) -> str | None:
    """What ``PRAGMA integrity_check`` says is wrong with the database at ``path`` (None: sound).

    A file that cannot be read for another reason (no permission; WAL on a read-only
    medium, read then as an immutable file) is not called damaged: sqlite3.Error is raised.
    """
    try:
        return _check(f"file:{path}?mode=ro")
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        first = exc
    try:
        return _check(f"file:{path}?mode=ro&immutable=1")
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        raise first from exc


def latest_good(folder: Path) -> BackupCopy | None:
    """The newest copy that passes the integrity check."""
    for copy in reversed(copies(folder)):
        try:
            if integrity_problem(copy.path) is None:
                return copy
        except sqlite3.Error:
            continue  # unreadable here: not a copy to restore
    return None


def set_aside(path: Path, label: str) -> Path:
    """Rename a database (and its -wal and -shm files) out of the way, never deleting it.

    ``label``: « endommagee »; the new name is ``user.endommagee-20250308-102105.sqlite``.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.stem}.{label}-{stamp}-{serial}{path.suffix}")
    os.replace(path, target)
    for extra in ("-wal", "-shm"):
        side = Path(str(path) + extra)
        if side.exists():
            os.replace(side, Path(str(target) + extra))
    return target


def restore(copy: Path, path: Path) -> None:
    """Write the database of ``copy`` at ``path`` (which must not exist), through the backup API."""
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    partial = path.with_name(path.name + ".restauration")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    os.replace(partial, path)
