"""Dates as the sources write them (ISO, DD/MM/YYYY, "8 mars 2011") and as users read them."""

from __future__ import annotations

import re
from datetime import date

MONTHS_FR: tuple[str, ...] = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTH_LOOKUP: dict[str, int] = {}
for _i, _name in enumerate(MONTHS_FR, start=1):
    _MONTH_LOOKUP[_name] = _i
    _MONTH_LOOKUP[_name.replace("é", "e").replace("û", "u")] = _i
_MONTH_LOOKUP["aout"] = 8
_MONTH_LOOKUP["fevrier"] = 2
_MONTH_LOOKUP["decembre"] = 12

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_FR = re.compile(r"^\s*(\d{1,2})(?:er)?\s+([a-zA-Zéûèô]+)\s+(\d{4})\s*$", re.IGNORECASE)


def _quoted(text: str) -> str:
    """The start of a long value, for a message (a broken record may hold megabytes there)."""
    return text if len(text) <= 40 else f"{text[:40]}…"


def parse_date(text: str | None) -> str | None:
    """Return the ISO date for ``2011-03-08``, ``08/03/2011`` or ``8 mars 2011``.

    None for None/empty; ValueError for anything else, so that an importer can
    reject the record with the offending value in its message.
    """
    if text is None:
        return None
    text = text.replace("\u00a0", " ").strip()
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DMY.match(text)
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        else:
            m = _FR.match(text)
            if not m or m[2].lower() not in _MONTH_LOOKUP:
                raise ValueError(f"date illisible : « {_quoted(text)} »")
            d, mo, y = int(m[1]), _MONTH_LOOKUP[m[2].lower()], int(m[3])
    try:
        return date(y, mo, d).isoformat()
    except ValueError as exc:
        raise ValueError(f"date impossible : « {_quoted(text)} »") from exc


def month_number(name: str) -> int | None:
    """1-12 for a French month name (accents optional), else None."""
    return _MONTH_LOOKUP.get(name.strip().lower())


def format_date_fr(iso: str | None) -> str:
    """``2011-03-08`` -> ``8 mars 2011`` (``1er`` for the first day); '' for None."""
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"


def days_between(start: str | None, end: str | None) -> int | None:
    """Whole days from one ISO date to another, None if either is missing."""
    if not start or not end:
        return None
    return (date.fromisoformat(end) - date.fromisoformat(start)).days
