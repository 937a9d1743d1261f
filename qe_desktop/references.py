"""Question references as users type them: ``QANR5L13QE101851``, ``13-101851QE``, ``13-101851``, ``101851``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qe_desktop.model import QuestionType

_UID = re.compile(r"^QANR5L(\d{1,2})(QE|QG|QOSD)(\d+)$", re.IGNORECASE)
_SHORT = re.compile(r"^(\d{1,2})\s*-\s*(\d+)\s*(QE|QG|QOSD)?$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?:n°\s*|no\s*)?(\d{1,6})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reference:
    """A parsed reference; legislature and type are None when the user left them out."""

    number: int
    legislature: int | None = None
    type: QuestionType | None = None

    def uid(self) -> str | None:
        if self.legislature is None or self.type is None:
            return None
        return make_uid(self.legislature, self.type, self.number)


def make_uid(legislature: int, qtype: str, number: int) -> str:
    """The official identifier: ``QANR5L13QE101851``."""
    return f"QANR5L{legislature}{qtype}{number}"


def parse_reference(text: str) -> Reference | None:
    """Parse a reference; ``13-101851`` means a written question (QE)."""
    text = text.strip()
    m = _UID.match(text)
    if m:
        return Reference(int(m[3]), int(m[1]), m[2].upper())  # type: ignore[arg-type]
    m = _SHORT.match(text)
    if m:
        qtype = (m[3] or "QE").upper()
        return Reference(int(m[2]), int(m[1]), qtype)  # type: ignore[arg-type]
    m = _NUMBER.match(text)
    if m:
        return Reference(int(m[1]))
    return None
