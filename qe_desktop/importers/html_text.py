"""Turn the sources' light, often broken HTML into clean plain text.

The result follows the rule of :class:`qe_desktop.model.Question`: paragraphs
separated by exactly one blank line, a single newline for a line break inside
a paragraph, no markup, entities resolved, runs of ordinary whitespace
collapsed to one space while non-breaking spaces (U+00A0) are kept.

Two entry points:

* :func:`html_to_text` for question and answer texts: ``<p>``, block tags and
  ``<br><br>`` break paragraphs, a single ``<br>`` breaks the line; tables
  become one line per row with cells joined by `` | `` (header rows merged
  column by column and followed by a ``--- | ---`` line, which also makes them
  Markdown tables).
* :func:`transcript_to_text` for the session transcripts that stand for the
  answer of oral questions: every ``<br>`` ends a paragraph, the centred title
  comes first, and each speech keeps who speaks ("M. François Braun, ministre
  de la santé et de la prévention. Oui, …").

Both use the stdlib :mod:`html.parser` (tolerant of unquoted attributes and
unbalanced tags) and never raise, whatever the input.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "transcript_to_text"]

#: Internal line-break marker; real control characters are removed from the input first.
_BREAK = "\x00"
_CONTROLS = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F))
# Ordinary whitespace only: U+00A0 (and the other typographic spaces) are kept.
_OTHER_WS = ("\n", "\t", "\r", "\f", "\v", "\x85", "\u2028", "\u2029")
_EDGE_WS = " \t\n\r\f\v\x85\u2028\u2029\u00a0"
_BLANK_LINE = re.compile("\n[ \t\r\f\v\u00a0]*\n")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"<[^>]*>")
_LABEL_PUNCT = re.compile(r"\s+([.,:])")
_LEADING_DIGITS = re.compile(r"\s*(\d+)")

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "ul",
    }
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})
_CELL_TAGS = frozenset({"td", "th"})
#: Spans above this are garbage; capping them keeps a hostile table small.
_MAX_SPAN = 64
_MAX_COLUMNS = 256


class _Cell:
    __slots__ = ("colspan", "header", "pieces", "rowspan")

    def __init__(self, header: bool, colspan: int, rowspan: int) -> None:
        self.header = header
        self.colspan = colspan
        self.rowspan = rowspan
        self.pieces: list[str] = []

    def lines(self) -> list[str]:
        return _clean_lines("".join(self.pieces))


class _Table:
    __slots__ = ("before", "caption", "cell", "in_caption", "rows")

    def __init__(self) -> None:
        self.rows: list[list[_Cell]] = []
        self.cell: _Cell | None = None
        self.caption: list[str] = []
        self.in_caption = False
        self.before: list[str] = []  # stray text between rows, shown before the table


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    for key, value in attrs:
        if key == name and value:
            # Real data has `rowspan=2"`: read the leading digits.
            m = _LEADING_DIGITS.match(value)
            if m:
                return max(1, min(int(m[1]), _MAX_SPAN))
    return 1


def _collapse(text: str) -> str:
    """Runs of ordinary whitespace -> one space, NBSP kept.

    Plain str methods: an order of magnitude faster than a regex scan on long texts.
    """
    for ch in _OTHER_WS:
        if ch in text:
            text = text.replace(ch, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _remove_controls(text: str, removed: list[str] | None = None) -> str:
    for ch in _CONTROLS:
        if ch in text:
            if removed is not None:
                removed.extend(ch * text.count(ch))
            text = text.replace(ch, "")
    return text


def _clean_lines(raw: str) -> list[str]:
    """Collapse whitespace and split on the break marker; empty lines dropped."""
    out: list[str] = []
    for line in _collapse(raw).split(_BREAK):
        line = line.strip(_EDGE_WS)
        if line:
            out.append(line)
    return out


class _TextBuilder(HTMLParser):
    """Collects paragraphs; ``transcript`` switches to the debate-transcript rules."""

    def __init__(self, transcript: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.transcript = transcript
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.pending_breaks = 0
        self.skip_depth = 0
        self.tables: list[_Table] = []  # stack; only the outermost builds a grid
        # Transcript speaker label: index in `current` where <strong> began a paragraph.
        self.label_start: int | None = None
        self.after_label = False  # the <i> right after the label is the speaker's office

    # -- paragraphs ---------------------------------------------------------

    def _sink(self) -> list[str]:
        if self.tables:
            table = self.tables[0]
            if table.in_caption:
                return table.caption
            if table.cell is not None:
                return table.cell.pieces
            return table.before
        return self.current

    def _apply_breaks(self) -> None:
        count, self.pending_breaks = self.pending_breaks, 0
        if self.tables:
            self._sink().append(" ")
        elif count >= 2 or self.transcript:
            self._end_paragraph()
        else:
            self.current.append(_BREAK)

    def _end_paragraph(self) -> None:
        self.pending_breaks = 0
        self.label_start = None
        self.after_label = False
        if self.tables:
            self._sink().append(" ")
            return
        if self.current:
            lines = _clean_lines("".join(self.current))
            self.current = []
            if lines:
                self.paragraphs.append("\n".join(lines))

    # -- parser callbacks ---------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pending_breaks:
            if data.isspace():
                return
            self._apply_breaks()
        if self.after_label and self.label_start is None and not data.isspace():
            self.after_label = False
        if "\n" in data and not self.tables and _BLANK_LINE.search(data):
            parts = _BLANK_LINE.split(data)
            for i, part in enumerate(parts):
                if i:
                    self._end_paragraph()
                self.current.append(part)
            return
        self._sink().append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            self.pending_breaks += 1
            return
        if self.pending_breaks:
            self._apply_breaks()
        if tag == "table":
            self._start_table()
        elif self.tables:
            self._table_tag(tag, attrs)
        elif tag == "li":
            self.current.append(_BREAK + "– ")
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()
        elif self.transcript and self._opens_label(tag):
            self.label_start = len(self.current)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            if not self.skip_depth:
                self.pending_breaks += 1
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "br":  # browsers read </br> as <br>; real data writes <br>text</br>
            self.pending_breaks += 1
            return
        if tag == "table":
            if self.tables:
                self._end_table()
            return
        if self.tables:
            self._table_end_tag(tag)
            return
        if tag in _BLOCK_TAGS:  # </li> is left to the next <li> or the end of the list
            self._end_paragraph()
        elif self.transcript and tag in ("strong", "i") and self.label_start is not None:
            self._close_label(tag)

    # -- transcript speaker labels -------------------------------------------

    def _opens_label(self, tag: str) -> bool:
        """<strong> opening a paragraph names the speaker; the <i> right after, the office."""
        if tag == "strong":
            return not "".join(self.current).strip(_EDGE_WS)
        return tag == "i" and self.after_label

    def _close_label(self, tag: str) -> None:
        """Tidy "M. X ." / "ministre . " into "M. X." / "ministre." followed by one space."""
        start = self.label_start
        assert start is not None
        label = "".join(self.current[start:]).strip(_EDGE_WS)
        label = _LABEL_PUNCT.sub(r"\1", label)
        del self.current[start:]
        if label:
            self.current.append(label + " ")
        self.label_start = None
        # After "M. François Braun," the <i> that follows names the office.
        self.after_label = tag == "strong"

    # -- tables ---------------------------------------------------------------

    def _start_table(self) -> None:
        if self.tables:  # nested: its cells become part of the outer cell
            self.tables.append(_Table())
            self._sink().append(" ")
            return
        self._end_paragraph()
        self.tables.append(_Table())

    def _table_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self.tables[0]
        if len(self.tables) > 1:
            if tag in _CELL_TAGS or tag == "tr" or tag in _BLOCK_TAGS:
                self._sink().append(" ")
            return
        if tag == "tr":
            table.cell = None
            table.rows.append([])
        elif tag in _CELL_TAGS:
            if not table.rows:
                table.rows.append([])
            row = table.rows[-1]
            if len(row) < _MAX_COLUMNS:
                table.cell = _Cell(tag == "th", _span(attrs, "colspan"), _span(attrs, "rowspan"))
                row.append(table.cell)
        elif tag == "caption":
            table.in_caption = True
        elif tag in _BLOCK_TAGS or tag == "li":
            self._sink().append(_BREAK)

    def _table_end_tag(self, tag: str) -> None:
        table = self.tables[0]
        if len(self.tables) > 1:
            if tag in _CELL_TAGS or tag == "tr" or tag in _BLOCK_TAGS:
                self._sink().append(" ")
            return
        if tag in _CELL_TAGS or tag == "tr":
            table.cell = None
        elif tag == "caption":
            table.in_caption = False
        elif tag in _BLOCK_TAGS or tag == "li":
            self._sink().append(_BREAK)

    def _end_table(self) -> None:
        table = self.tables.pop()
        if self.tables:  # end of a nested table
            return
        for raw in (table.before, table.caption):
            lines = _clean_lines("".join(raw))
            if lines:
                self.paragraphs.append("\n".join(lines))
        self.paragraphs.extend(_render_table(table.rows))

    def close(self) -> None:
        super().close()
        while self.tables:
            self._end_table()
        self.pending_breaks = 0
        self._end_paragraph()


def _render_table(rows: list[list[_Cell]]) -> list[str]:
    """Paragraphs for one table: a grid of lines, or one paragraph per row for one column."""
    grid: list[list[tuple[str, bool]]] = []
    carried: dict[int, tuple[int, str, bool]] = {}  # column -> (rows left, text, header)
    for row in rows:
        out: list[tuple[str, bool]] = []
        col = 0
        cells = iter(row)
        while True:
            if col in carried:
                left, text, header = carried[col]
                out.append((text, header))
                if left > 1:
                    carried[col] = (left - 1, text, header)
                else:
                    del carried[col]
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                if any(k > col for k in carried):  # a rowspan further right still occupies this row
                    out.append(("", False))
                    col += 1
                    continue
                break
            text = " ".join(cell.lines())
            for k in range(cell.colspan):
                # A header spanning columns names each of them; a data cell is shown once.
                shown = text if (k == 0 or cell.header) else ""
                out.append((shown, cell.header))
                if cell.rowspan > 1:
                    carried[col] = (cell.rowspan - 1, shown, cell.header)
                col += 1
            if col >= _MAX_COLUMNS:
                break
        if any(text for text, _ in out):
            grid.append(out)
    if not grid:
        return []
    width = max(len(r) for r in grid)
    if width == 1:
        return [r[0][0] for r in grid if r[0][0]]

    header_rows = 0
    for r in grid:
        if all(header for text, header in r if text):
            header_rows += 1
        else:
            break
    lines: list[str] = []
    if header_rows and header_rows < len(grid):
        names: list[str] = []
        for c in range(width):
            parts: list[str] = []
            for r in grid[:header_rows]:
                text = r[c][0] if c < len(r) else ""
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            names.append(" ".join(parts))
        lines.append(_join_cells(names))
        lines.append(" | ".join(["---"] * width))
        body = grid[header_rows:]
    else:
        body = grid
    for r in body:
        texts = [text for text, _ in r]
        while texts and not texts[-1]:
            texts.pop()
        lines.append(_join_cells(texts))
    return ["\n".join(lines)]


def _join_cells(cells: list[str]) -> str:
    return " | ".join(c.replace("|", "¦") for c in cells).strip()


def _plain_to_text(text: str) -> str:
    """Text without markup: blank lines separate paragraphs, newlines are kept."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m[0]), text)
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [_collapse(line).strip(_EDGE_WS) for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _convert(markup: str, transcript: bool, removed: list[str] | None) -> str:
    if not markup:
        return ""
    markup = _remove_controls(markup, removed)
    if "<" not in markup:
        return _plain_to_text(markup)
    # Some real records are cut inside their last tag ("…agir.<b"): drop the stub.
    last_open = markup.rfind("<")
    if last_open > markup.rfind(">") and markup[last_open + 1 : last_open + 2].isalpha() | (
        markup[last_open + 1 : last_open + 2] in ("/", "!")
    ):
        markup = markup[:last_open]
    builder = _TextBuilder(transcript)
    try:
        builder.feed(markup)
        builder.close()
    except Exception:  # html.parser has asserted on some garbage; fall back to stripping tags
        stripped = html.unescape(_TAG.sub(" ", markup))
        return _plain_to_text(_remove_controls(stripped))
    return "\n\n".join(builder.paragraphs)


def html_to_text(html_text: str | None, removed: list[str] | None = None) -> str:
    """Plain text of an HTML fragment: paragraphs, line breaks and tables kept, markup removed.

    Empty string for None or an empty/markup-only input. Never raises.
    ``removed``, when given, receives each control character taken out of the
    input (one item per occurrence), so that the caller can say so.
    """
    if not isinstance(html_text, str):
        return ""
    return _convert(html_text, False, removed)


def transcript_to_text(html_text: str | None, removed: list[str] | None = None) -> str:
    """Plain text of a session transcript fragment, one paragraph per speech or break.

    Keeps the centred title as the first paragraph, who speaks at the start of
    each speech (speaker labels tidied: "Mme la présidente . " -> "Mme la
    présidente. "), and stage directions in parentheses. Never raises.
    """
    if not isinstance(html_text, str):
        return ""
    return _convert(html_text, True, removed)
