"""What the window remembers across restarts, stored in the data folder.

An INI file beside the corpus (``qe-desktop.ini``) rather than the platform's
registry or plist: the data folder stays self-contained (copy it, and the
layout comes with it) and tests, which each get a temporary data folder,
never touch the real user's settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from qe_desktop.paths import DataPaths
from qe_desktop.suivi.deputies import DEFAULT_SESSION_CAP

SETTINGS_FILE = "qe-desktop.ini"
HISTORY_SIZE = 50

DEFAULT_ZOOM = 0  # steps of 1 pt around the reader's base size
MIN_ZOOM, MAX_ZOOM = -5, 14


@dataclass(frozen=True, slots=True)
class MyDeputy:
    """One of « Mes députés »: AMO reference (None for an author only the records name) and name."""

    ref: str | None
    name: str


class Settings:
    """Typed access to the window's QSettings (INI file in the data folder)."""

    def __init__(self, paths: DataPaths) -> None:
        self.path = paths.root / SETTINGS_FILE
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- raw values -------------------------------------------------------

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        return None

    def _str(self, key: str, default: str = "") -> str:
        value = self.qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        value = self.qsettings.value(key, default)
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            return default

    def _bool(self, key: str, default: bool = False) -> bool:
        value = self.qsettings.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    # -- layout -------------------------------------------------------------

    def state(self, name: str) -> QByteArray | None:
        """A saved geometry or splitter/header state, None when never saved."""
        return self._bytes(f"layout/{name}")

    def set_state(self, name: str, value: QByteArray) -> None:
        self.qsettings.setValue(f"layout/{name}", value)

    @property
    def vertical_reader(self) -> bool:
        """Question above answer instead of side by side."""
        return self._bool("reader/vertical")

    @vertical_reader.setter
    def vertical_reader(self, value: bool) -> None:
        self.qsettings.setValue("reader/vertical", value)

    @property
    def zoom(self) -> int:
        return max(MIN_ZOOM, min(MAX_ZOOM, self._int("reader/zoom", DEFAULT_ZOOM)))

    @zoom.setter
    def zoom(self, value: int) -> None:
        self.qsettings.setValue("reader/zoom", value)

    # -- search ---------------------------------------------------------------

    @property
    def last_query(self) -> str:
        return self._str("search/last_query")

    @last_query.setter
    def last_query(self, value: str) -> None:
        self.qsettings.setValue("search/last_query", value)

    @property
    def history(self) -> list[str]:
        """Past queries, most recent last."""
        value = self.qsettings.value("search/history", [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str) and v][-HISTORY_SIZE:]
        return []

    @history.setter
    def history(self, value: list[str]) -> None:
        self.qsettings.setValue("search/history", list(value[-HISTORY_SIZE:]))

    @property
    def sort(self) -> str:
        return self._str("search/sort")

    @sort.setter
    def sort(self, value: str) -> None:
        self.qsettings.setValue("search/sort", value)

    # -- corpus -----------------------------------------------------------------

    @property
    def sample_only(self) -> bool:
        """The corpus holds only the bundled sample: the window says so in a banner."""
        return self._bool("corpus/sample_only")

    @sample_only.setter
    def sample_only(self, value: bool) -> None:
        self.qsettings.setValue("corpus/sample_only", value)

    # -- suivi --------------------------------------------------------------------

    @property
    def my_deputies(self) -> list[MyDeputy]:
        """« Mes députés », in the user's order (stored as JSON: reference and name)."""
        try:
            data = json.loads(self._str("suivi/deputies", "[]"))
        except ValueError:
            return []
        if not isinstance(data, list):
            return []
        out: list[MyDeputy] = []
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
                ref = item.get("ref")
                out.append(MyDeputy(ref if isinstance(ref, str) and ref else None, item["name"]))
        return out

    @my_deputies.setter
    def my_deputies(self, value: list[MyDeputy]) -> None:
        data = [{"ref": d.ref, "name": d.name} for d in value]
        self.qsettings.setValue("suivi/deputies", json.dumps(data, ensure_ascii=False))

    @property
    def session_cap(self) -> int:
        """The written questions a deputy may ask in a session (set by the Conférence des présidents)."""
        return max(1, self._int("suivi/cap", DEFAULT_SESSION_CAP))

    @session_cap.setter
    def session_cap(self, value: int) -> None:
        self.qsettings.setValue("suivi/cap", value)
