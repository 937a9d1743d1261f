"""Positions in a reader pane <-> offsets in the plain text of the question or the answer.

The reader shows a text as HTML (``render.question_html`` / ``answer_html``):
a heading and a line of JO data, then the text's paragraphs.  Rich text
collapses runs of spaces, drops the blank lines between paragraphs (each
paragraph becomes a block), turns a single line break into U+2028 and shows
some spaces as others (U+202F as a space).  Annotations are anchored in the
plain text (what ``qe-desktop show --json`` prints), so the window needs the
exact correspondence both ways: a selection becomes ``text[start:end]``, an
annotation's span becomes the positions to draw.

:meth:`PaneMap.align` finds it from the two strings alone (no Qt here): the
plain text and the pane's document text (``QTextDocument.toRawText()``).  The
text is the last thing in a pane, so they are aligned from the end: letters
one to one, each run of whitespace with the run shown in its place.  Document
positions count UTF-16 code units, as Qt's do (a character beyond U+FFFF takes
two).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass


class PaneMismatch(ValueError):
    """The document does not end with the text (not the pane of this text)."""


def _units(document: str) -> tuple[list[str], bool]:
    """The document as UTF-16 code units: a character beyond U+FFFF, then "" for its second unit."""
    if all(ord(c) <= 0xFFFF for c in document):
        return list(document), False
    units: list[str] = []
    for c in document:
        units.append(c)
        if ord(c) > 0xFFFF:
            units.append("")
    return units, True


@dataclass(frozen=True, slots=True)
class PaneMap:
    """The correspondence between one pane's document positions and its plain text offsets.

    ``text_start``/``text_end``: the document positions where the text begins and ends.
    """

    text_length: int
    text_start: int
    text_end: int
    #: document position of each plain offset 0..len(text) (a boundary before that character)
    _to_document: array[int]
    #: plain offset of each document position text_start..text_end
    _to_plain: array[int]
    #: letters shown differently from the text (0 on every record checked)
    substitutions: int = 0

    @classmethod
    def align(cls, plain: str, document: str) -> PaneMap:
        """Align ``plain`` with the end of ``document``.

        Raises PaneMismatch when more than a few letters differ (another text).
        """
        units, _ = _units(document)
        n, m = len(plain), len(units)
        to_doc = array("q", [0]) * (n + 1)
        to_plain = array("q", [0]) * (m + 1)
        i, j = n, m
        while j > 0 and units[j - 1] != "" and units[j - 1].isspace():
            j -= 1
        while i > 0 and plain[i - 1].isspace():
            i -= 1
        text_end = j
        for k in range(i, n + 1):
            to_doc[k] = j
        for k in range(j, m + 1):
            to_plain[k] = i
        substitutions = 0
        while i > 0:
            c = plain[i - 1]
            if c.isspace():
                i0 = i
                while i0 > 0 and plain[i0 - 1].isspace():
                    i0 -= 1
                if i0 == 0:
                    break  # whitespace before the first paragraph is not shown
                j0 = j
                while j0 > 0 and units[j0 - 1] != "" and units[j0 - 1].isspace():
                    j0 -= 1
                for k in range(i0, i):
                    to_doc[k] = j0 + min(k - i0, j - j0)
                for k in range(j0, j):
                    to_plain[k] = i0 + min(k - j0, i - i0)
                i, j = i0, j0
                continue
            if j == 0:
                raise PaneMismatch("le document est plus court que le texte")
            width = 2 if units[j - 1] == "" else 1
            shown = units[j - width]
            if shown != c:
                if shown.isspace():
                    # whitespace shown where the text has none: it belongs to no character
                    j -= 1
                    to_plain[j] = i
                    continue
                substitutions += 1
                if substitutions > max(8, n // 100):
                    raise PaneMismatch(f"le document ne se termine pas par ce texte (« {shown} » ≠ « {c} »)")
            i -= 1
            j -= width
            to_doc[i] = j
            for k in range(j, j + width):
                to_plain[k] = i
        text_start = j
        for k in range(0, i + 1):
            to_doc[k] = text_start
        return cls(n, text_start, text_end, to_doc, to_plain[text_start:], substitutions)

    def to_plain(self, doc_start: int, doc_end: int) -> tuple[int, int] | None:
        """The plain-text span of a selection between two document positions.

        A selection reaching into the heading is cut at the text; one outside the
        text, or that covers no character of it, is None.
        """
        if doc_start > doc_end:
            doc_start, doc_end = doc_end, doc_start
        doc_start = max(doc_start, self.text_start)
        doc_end = min(doc_end, self.text_end)
        if doc_start >= doc_end:
            return None
        start = self._to_plain[doc_start - self.text_start]
        end = self._plain_end(doc_end)
        return (start, end) if start < end else None

    def _plain_end(self, doc_end: int) -> int:
        # The boundary after the last selected character: one past that character's offset.
        return self._to_plain[doc_end - 1 - self.text_start] + 1

    def to_document(self, start: int, end: int) -> tuple[int, int]:
        """The document positions of the plain-text span ``[start, end)`` (to draw it)."""
        start = min(max(0, start), self.text_length)
        end = min(max(start, end), self.text_length)
        return self._to_document[start], self._to_document[end]
