"""French typography for what is printed or copied: non-breaking spaces where French wants them.

Before « : ; ! ? » and « » », after « « », a narrow or normal non-breaking space,
so that no line starts with a lone punctuation mark and a quotation never
loses its guillemet at a line's end.  Applied to the texts of the sources too:
they were typed by many hands, with ordinary spaces, non-breaking ones, or none.
Only the kind of space changes (and one is added after « and before » where
none was typed); letters, punctuation and apostrophes stay as published, so
that a citation copied from the PDF reads as the record says.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
#: Narrow no-break space: the Imprimerie nationale's space before ; ! ? (and used by the JO).
NNBSP = "\u202f"

# A space (or none) before ; ! ? : the narrow kind, except before ":" (a full one, by tradition).
_BEFORE_TIGHT = re.compile(r"(?<=\S)[ \u00a0\u202f]*([;!?])(?=\s|$|[»\"')\]])")
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]+(:)(?=\s|$)")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")


def french(text: str) -> str:
    """``text`` with French non-breaking spaces (see the module's docstring)."""
    if not text:
        return text
    text = _BEFORE_TIGHT.sub(lambda m: NNBSP + m[1], text)
    text = _BEFORE_COLON.sub(lambda m: NBSP + m[1], text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _BEFORE_CLOSING.sub(NBSP + "»", text)
