"""The one place that decides where files live.

Order: an explicit ``--data-dir``, else ``$QE_DESKTOP_DATA``, else the
platform's user data folder (platformdirs).  Everything the app stores sits in
that folder, each part in its own file so that one can be deleted or rebuilt
without touching the others.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "QE Desktop"
APP_AUTHOR = "QE Desktop"
ENV_VAR = "QE_DESKTOP_DATA"


def default_data_dir() -> Path:
    """Where data lives when nothing says otherwise."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def resources_dir() -> Path:
    """The bundled resources (sample corpus, styles), also inside a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def sample_dir() -> Path:
    """The bundled sample corpus (real records, Licence Ouverte)."""
    return resources_dir() / "sample"


def sample_folders() -> list[Path]:
    """The sample corpus folders to import (the SOURCE.md note beside them is not a record)."""
    return sorted(p for p in sample_dir().iterdir() if p.is_dir())


@dataclass(frozen=True, slots=True)
class DataPaths:
    """Every file of one data folder."""

    root: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
        root = Path(data_dir).expanduser() if data_dir else default_data_dir()
        return cls(root.resolve())

    @property
    def corpus_db(self) -> Path:
        return self.root / "corpus.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def user_db(self) -> Path:
        """Annotations, dossiers and saved searches: never touched by imports."""
        return self.root / "user.sqlite"

    @property
    def backups_dir(self) -> Path:
        """The last copies of ``user.sqlite`` (SQLite's backup API), newest last by name."""
        return self.root / "sauvegardes"

    @property
    def import_history(self) -> Path:
        """The paths given to each import: what to re-import if the corpus is ever lost."""
        return self.root / "imports.json"

    @property
    def suivi_seen(self) -> Path:
        """What the Suivi view last showed of « Mes députés »' questions (see suivi/changes.py)."""
        return self.root / "suivi-vu.json"

    @property
    def log_file(self) -> Path:
        return self.root / "qe-desktop.log"

    def ensure(self) -> DataPaths:
        """Create the folder if needed and return self."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self
