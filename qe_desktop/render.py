"""A question as HTML: key data, question pane, answer pane, and the citation line.

Shared by the reader (each part goes into its own pane) and the exports (one
standalone document).  The HTML sticks to what Qt's rich-text engine renders
(``QTextDocument``): plain block elements, tables, class selectors, and font
sizes as keywords (``large``, ``small``) so that the reader's zoom, which sets
the default font, scales everything.  Every piece of text is escaped.

Search matches are given as character spans of the plain text (the search
package computes them with the same French analysis as the index) and come
out as ``<span class="hit"><a name="hit-question-0"></a>…</span>``; the
anchors let the reader move from one match to the next.

The user's highlights (:class:`AnnotationSpan`, spans of the same plain text)
come out as ``<span class="a2">…</span>``, the background of their colour; where
a match falls inside a highlight the highlight keeps its background and the
match is underlined in bold (``<span class="inhit">``), so both stay visible.
A highlight that carries a note is followed by a small ``✎`` (:data:`NOTE_MARK`,
the only character the reader adds to the text; it maps to no character of it).
Notes on the whole question and the passages that can no longer be placed
(« Passage introuvable ») are separate blocks, never drawn on the words.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qe_desktop.dates import days_between, format_date_fr
from qe_desktop.labels import legislature_label, status_label, type_label
from qe_desktop.model import Question
from qe_desktop.paths import resources_dir
from qe_desktop.typography import NBSP, NNBSP

#: A match in a text: [start, end) character offsets.
Span = tuple[int, int]

CHAMBER_LABELS: dict[str, str] = {"AN": "AN", "SENAT": "Sénat"}

#: Prefix of the anchors that mark the start of each match.
HIT_ANCHOR_PREFIX = "hit-"
#: The anchor of the block that lists a pane's passages that cannot be placed any more.
ORPHANS_ANCHOR = "passages-introuvables"
#: The mark after a highlighted passage that carries a note.
NOTE_MARK = "\u270e"

#: Background of each highlight colour (1 to 5) and of a passage noted without a colour (0):
#: light enough for dark text, told apart from each other and from the yellow of the matches.
HIGHLIGHT_COLOURS: dict[int, str] = {
    0: "#e3e3e3",
    1: "#a6e3b5",
    2: "#a9d2ff",
    3: "#ffb0a8",
    4: "#dcc2ff",
    5: "#f6cf9c",
}

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")


@dataclass(frozen=True, slots=True)
class Highlights:
    """Matches to mark in each text of a question (spans into the plain text)."""

    question: tuple[Span, ...] = ()
    answer: tuple[Span, ...] = ()
    analyse: tuple[Span, ...] = ()

    @property
    def count(self) -> int:
        return len(self.question) + len(self.answer) + len(self.analyse)


NO_HIGHLIGHTS = Highlights()


@dataclass(frozen=True, slots=True)
class AnnotationSpan:
    """A highlighted passage to draw: [start, end) of the plain text of ``pane``."""

    pane: str
    start: int
    end: int
    colour: int | None
    id: str
    has_note: bool = False


@dataclass(frozen=True, slots=True)
class NoteBlock:
    """An annotation shown apart from the words: a note on the whole question, or a lost passage.

    ``quote``: the passage as it was selected ('' for a note on the question).
    """

    id: str
    note: str
    quote: str = ""
    pane: str | None = None
    colour: int | None = None
    tags: tuple[str, ...] = ()
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class KeyDatum:
    """One line of the "Données clés": a French label and its value (plain text)."""

    label: str
    value: str
    href: str | None = None


# -- small facts about a question -------------------------------------------------


def jo_reference(iso: str | None, page: int | None) -> str:
    """``8 mars 2011, page 2121`` (without the page when it is unknown); '' without a date."""
    if not iso:
        return ""
    text = format_date_fr(iso)
    return f"{text}, page {page}" if page else text


def days_to_answer(q: Question) -> int | None:
    """Days from the question's publication to the answer's, None without an answer."""
    if q.status != "answered":
        return None
    return days_between(q.question_date, q.answer_date)


def days_pending(q: Question, today: date | None = None) -> int | None:
    """Days a pending question has been waiting for its answer."""
    if q.status != "pending" or not q.question_date:
        return None
    return days_between(q.question_date, (today or date.today()).isoformat())


def days_label(days: int) -> str:
    return "1 jour" if abs(days) == 1 else f"{days} jours"


def status_text(q: Question, today: date | None = None) -> str:
    """The status as a sentence: ``En attente de réponse depuis 412 jours``, ``Retirée le …``."""
    label = status_label(q.status, capital=True)
    if q.status == "pending":
        waiting = days_pending(q, today)
        since = f" depuis {days_label(waiting)}" if waiting is not None else ""
        return f"{label} de réponse{since}"
    if q.status == "answered":
        return label
    when = f" le {format_date_fr(q.closure_date)}" if q.closure_date else ""
    why = f" ({q.closure_label})" if q.closure_label else ""
    return f"{label}{when}{why}"


def title(q: Question) -> str:
    """``Question écrite n° 101851 — 13e législature``."""
    kind = type_label(q.type)
    number = f" n° {q.number}" if q.number is not None else ""
    legislature = f" — {legislature_label(q.legislature)}" if q.legislature else ""
    return f"{kind}{number}{legislature}"


def official_url(q: Question) -> str | None:
    """The question's page on the chamber's site, as the source gave it."""
    return q.url or None


def citation(q: Question) -> str:
    """The reference to paste in a note, e.g.

    ``QE n° 101851 de Mme Danielle Bousquet (13e législature), JO AN du 8 mars 2011,
    p. 2121 ; réponse JO du 14 juin 2011, p. 6264``.  Parts the record lacks
    (author, page, answer) are left out rather than guessed.  French spacing, as the
    exports print it: a non-breaking space after « n° » and « p. », a narrow one before « ; »
    (what is copied and what the PDF dossier prints read the same).
    """
    head = f"{q.type} n°{NBSP}{q.number}" if q.number is not None else q.uid
    if q.author:
        head += f" de {q.author}"
    if q.legislature:
        head += f" ({legislature_label(q.legislature)})"
    parts = [head]
    if q.question_date:
        chamber = CHAMBER_LABELS.get(q.chamber, q.chamber)
        published = f"JO {chamber} du {format_date_fr(q.question_date)}"
        if q.question_page:
            published += f", p.{NBSP}{q.question_page}"
        parts.append(published)
    text = ", ".join(parts)
    if q.answer_date:
        answer = f"réponse JO du {format_date_fr(q.answer_date)}"
        if q.answer_page:
            answer += f", p.{NBSP}{q.answer_page}"
        text += f"{NNBSP}; {answer}"
    return text


def key_data(q: Question, today: date | None = None) -> list[KeyDatum]:
    """The "Données clés" that the record has, in reading order."""
    rows: list[tuple[str, str | None, str | None]] = [
        ("Auteur", q.author, None),
        ("Circonscription", q.constituency, None),
        ("Groupe", _group(q), None),
        ("Rubrique", q.rubrique, None),
        ("Tête d'analyse", q.tete_analyse, None),
        ("Analyse", q.analyse, None),
        ("Ministère interrogé", q.ministry_asked, None),
        ("Ministère attributaire", q.ministry_answering, None),
        ("Question publiée au JO", jo_reference(q.question_date, q.question_page), None),
        ("Réponse publiée au JO", jo_reference(q.answer_date, q.answer_page), None),
        ("Statut", status_text(q, today), None),
    ]
    delay = days_to_answer(q)
    if delay is not None:
        rows.append(("Délai de réponse", days_label(delay), None))
    if q.signal_date:
        rows.append(
            ("Signalement", f"Question signalée au Gouvernement le {format_date_fr(q.signal_date)}", None)
        )
    if q.renewal_dates:
        rows.append(("Renouvellements", ", ".join(format_date_fr(d) for d in q.renewal_dates), None))
    if q.errata:
        rows.append(("Errata", " ; ".join(q.errata), None))
    url = official_url(q)
    if url:
        rows.append(("Page officielle", url, url))
    return [KeyDatum(label, value, href) for label, value, href in rows if value]


def _group(q: Question) -> str | None:
    if q.group and q.group_abbrev and q.group_abbrev != q.group:
        return f"{q.group} ({q.group_abbrev})"
    return q.group or q.group_abbrev


# -- text with marks ------------------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split a plain text on blank lines: (offset of the paragraph in ``text``, paragraph)."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        _append_paragraph(out, text, start, m.start())
        start = m.end()
    _append_paragraph(out, text, start, len(text))
    return out


def _append_paragraph(out: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    stripped = chunk.strip()
    if stripped:
        out.append((start + lead, stripped))


def normalise_spans(spans: Iterable[Span], length: int) -> list[Span]:
    """Sorted, clipped to the text, overlapping or touching spans merged, empty ones dropped."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


class _Marker:
    """Escapes text and wraps matches and highlights; numbers the match anchors of one pane."""

    def __init__(
        self, pane: str, spans: Sequence[Span], length: int, annotations: Sequence[AnnotationSpan] = ()
    ) -> None:
        self.pane = pane
        self.spans = normalise_spans(spans, length)
        self.count = 0
        self.annotations = [
            a for a in annotations if a.pane == pane and 0 <= a.start < a.end and a.start < length
        ]
        self._bounds = sorted(
            {p for s, e in self.spans for p in (s, e)}
            | {p for a in self.annotations for p in (a.start, min(a.end, length))}
        )
        self.length = length

    def _hit_at(self, pos: int) -> tuple[int, int] | None:
        for s, e in self.spans:
            if s <= pos < e:
                return (s, e)
        return None

    def _annotation_at(self, pos: int) -> AnnotationSpan | None:
        """The innermost (shortest) highlight over ``pos``, the latest listed on a tie."""
        best: AnnotationSpan | None = None
        for a in self.annotations:
            if a.start <= pos < a.end and (best is None or a.end - a.start <= best.end - best.start):
                best = a
        return best

    def mark(self, text: str, offset: int, marks_at: dict[int, int] | None = None) -> str:
        """HTML for ``text``, which starts at ``offset`` in the full text.

        ``marks_at``: note marks (position in the full text -> how many) to put in this piece.
        """
        end_of_text = offset + len(text)
        cuts = sorted(
            {offset, end_of_text}
            | {b for b in self._bounds if offset < b < end_of_text}
            | {p for p in (marks_at or {}) if offset < p < end_of_text}
        )
        out: list[str] = []
        for a, b in itertools.pairwise(cuts):
            piece = _escape_lines(text[a - offset : b - offset])
            hit = self._hit_at(a)
            anchor = ""
            if hit is not None and (hit[0] == a or a == offset):  # a match goes on in a new paragraph
                anchor = f'<a name="{HIT_ANCHOR_PREFIX}{self.pane}-{self.count}"></a>'
                self.count += 1
            annotation = self._annotation_at(a)
            if annotation is not None:
                cls = f"a{annotation.colour or 0}"
                inner = f'<span class="inhit">{anchor}{piece}</span>' if hit is not None else piece
                out.append(f'<span class="{cls}">{inner}</span>')
            elif hit is not None:
                out.append(f'<span class="hit">{anchor}{piece}</span>')
            else:
                out.append(piece)
            count = (marks_at or {}).get(b, 0)
            if count:
                out.append(f'<sup class="notemark">{NOTE_MARK * count}</sup>')
        return "".join(out)


def match_pieces(text: str | None, spans: Sequence[Span]) -> list[Span]:
    """The matches as the panes mark them: one per paragraph they cover (the reader's F3 stops)."""
    if not text:
        return []
    out: list[Span] = []
    merged = normalise_spans(spans, len(text))
    for offset, para in paragraphs(text):
        end = offset + len(para)
        out.extend((max(s, offset), min(e, end)) for s, e in merged if s < end and e > offset)
    return out


def _escape_lines(text: str) -> str:
    return "<br />".join(html.escape(line, quote=True) for line in text.split("\n"))


def text_html(
    text: str | None,
    spans: Sequence[Span] = (),
    *,
    pane: str,
    annotations: Sequence[AnnotationSpan] = (),
) -> str:
    """Paragraphs of a plain text, escaped, with the matches and the highlights marked."""
    if not text or not text.strip():
        return '<p class="missing">Texte non disponible.</p>'
    marker = _Marker(pane, spans, len(text), annotations)
    parts = paragraphs(text)
    # A note's mark goes after the last character of its passage that is shown.
    marks: dict[int, int] = {}
    for a in marker.annotations:
        if a.has_note:
            at = len(text[: min(a.end, len(text))].rstrip())
            marks[at] = marks.get(at, 0) + 1
    out = []
    for offset, para in parts:
        end = offset + len(para)
        here = {p: n for p, n in marks.items() if offset < p <= end}
        out.append(f'<p class="text">{marker.mark(para, offset, here)}</p>')
    return "\n".join(out)


def note_blocks_html(blocks: Sequence[NoteBlock]) -> str:
    """Notes on the whole question, as blocks (the top of the reader)."""
    out = []
    for block in blocks:
        tags = f'<p class="notetags">{_esc(" · ".join(block.tags))}</p>' if block.tags else ""
        out.append(
            '<table class="note" width="100%" cellspacing="0" cellpadding="6"><tr><td>'
            '<p class="notehead">Note sur la question</p>'
            f"{_note_paragraphs(block.note)}{tags}</td></tr></table>"
        )
    return "\n".join(out)


def orphans_html(blocks: Sequence[NoteBlock]) -> str:
    """The passages that cannot be placed on the current text: their quote and note, never on the words."""
    if not blocks:
        return ""
    out = [
        f'<p class="orphanstitle"><a name="{ORPHANS_ANCHOR}"></a>'
        "Annotations dont le passage n'est plus dans le texte</p>"
    ]
    for block in blocks:
        where = "dans la réponse" if block.pane == "answer" else "dans la question"
        meaning = f" — {_esc(block.meaning)}" if block.meaning else ""
        tags = f'<p class="notetags">{_esc(" · ".join(block.tags))}</p>' if block.tags else ""
        out.append(
            '<table class="orphan" width="100%" cellspacing="0" cellpadding="6"><tr><td>'
            f'<p class="orphanhead">Passage introuvable ({where}){meaning}</p>'
            f'<p class="quote">«{NBSP}{_esc(block.quote)}{NBSP}»</p>'
            f"{_note_paragraphs(block.note)}{tags}</td></tr></table>"
        )
    return "\n".join(out)


def _note_paragraphs(note: str) -> str:
    return "".join(f'<p class="notetext">{_escape_lines(para)}</p>' for _, para in paragraphs(note))


# -- the parts of the reader ------------------------------------------------------


def key_data_html(
    q: Question, highlights: Highlights = NO_HIGHLIGHTS, today: date | None = None, *, columns: int = 1
) -> str:
    """The heading of the question (title, analyse) and its "Données clés" table.

    ``columns=2`` sets the data in two pairs of columns (the reader, short of height).
    """
    analyse = q.analyse or q.tete_analyse or q.rubrique or ""
    marker = _Marker("analyse", highlights.analyse, len(analyse))
    parts = [
        f'<p class="kind">{_esc(title(q))}</p>',
        f'<h1 class="analyse">{marker.mark(analyse, 0)}</h1>' if analyse else "",
        '<table class="keydata" cellspacing="0" cellpadding="2">',
    ]
    cells = []
    for datum in key_data(q, today):
        value = _esc(datum.value)
        if datum.href:
            value = f'<a href="{_esc(datum.href)}">{value}</a>'
        cells.append(f'<td class="label">{_esc(datum.label)}</td><td class="value">{value}</td>')
    per_column = -(-len(cells) // max(1, columns))
    for row in range(per_column):
        line = [cells[row + c * per_column] for c in range(columns) if row + c * per_column < len(cells)]
        parts.append("<tr>" + '<td class="gap"></td>'.join(line) + "</tr>")
    parts.append("</table>")
    return "\n".join(p for p in parts if p)


def question_html(
    q: Question,
    spans: Sequence[Span] = (),
    annotations: Sequence[AnnotationSpan] = (),
    notes: Sequence[NoteBlock] = (),
    orphans: Sequence[NoteBlock] = (),
) -> str:
    """The question pane: notes on the whole question, heading, JO reference, text, then the
    annotated passages that cannot be placed any more (of both panes)."""
    chamber = CHAMBER_LABELS.get(q.chamber, q.chamber)
    ref = jo_reference(q.question_date, q.question_page)
    meta = f"Publiée au JO {chamber} du {ref}" if ref else "Date de publication inconnue"
    if q.ministry_asked:
        meta += f" — {q.ministry_asked}"
    return "\n".join(
        p
        for p in [
            note_blocks_html(notes),
            '<h2 class="pane">Question</h2>',
            f'<p class="jo">{_esc(meta)}</p>',
            _QG_QUESTION
            if q.type == "QG" and not (q.question_text or "").strip()
            else text_html(q.question_text, spans, pane="question", annotations=annotations),
            orphans_html(orphans),
        ]
        if p
    )


_QG_QUESTION = (
    '<p class="missing">Question posée oralement en séance : '
    "son texte figure dans le compte rendu, avec la réponse.</p>"
)


def answer_html(
    q: Question,
    spans: Sequence[Span] = (),
    today: date | None = None,
    annotations: Sequence[AnnotationSpan] = (),
) -> str:
    """The answer pane: heading, JO reference, text; for an unanswered question, why there is none."""
    parts = ['<h2 class="pane">Réponse</h2>']
    if q.answer_date or q.answer_text:
        ref = jo_reference(q.answer_date, q.answer_page)
        meta = f"Publiée au JO du {ref}" if ref else "Date de publication inconnue"
        if q.ministry_answering:
            meta += f" — {q.ministry_answering}"
        delay = days_to_answer(q)
        if delay is not None:
            meta += f" — après {days_label(delay)}"
        parts.append(f'<p class="jo">{_esc(meta)}</p>')
        if q.answer_text:
            parts.append(text_html(q.answer_text, spans, pane="answer", annotations=annotations))
        else:
            parts.append(
                '<p class="missing">La réponse est publiée au JO ; son texte n\'est pas dans le corpus.</p>'
            )
    else:
        parts.append(f'<p class="pending">{_esc(status_text(q, today))}</p>')
    return "\n".join(parts)


@functools.cache
def stylesheet(*, dark: bool = False) -> str:
    """The reader's CSS (``resources/reader.css``, plus ``reader-dark.css`` on a dark palette)."""
    base = resources_dir()
    css = _read_css(base / "reader.css") + "\n" + _highlight_css()
    if dark:
        css += "\n" + _read_css(base / "reader-dark.css")
    return css


def _highlight_css() -> str:
    """The highlight colours (the same in light and dark palettes, with dark text on them)."""
    return "\n".join(
        f"span.a{n} {{ background-color: {colour}; color: #1a1a1a; }}"
        for n, colour in HIGHLIGHT_COLOURS.items()
    )


def _read_css(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def document_html(
    q: Question,
    highlights: Highlights = NO_HIGHLIGHTS,
    today: date | None = None,
    *,
    css: str | None = None,
) -> str:
    """One standalone HTML document: key data, then question, then answer (for exports)."""
    style = stylesheet() if css is None else css
    return (
        '<html><head><meta charset="utf-8" />'
        f"<title>{_esc(title(q))}</title><style>{style}</style></head><body>\n"
        f"{key_data_html(q, highlights, today)}\n"
        f"{question_html(q, highlights.question)}\n"
        f"{answer_html(q, highlights.answer, today)}\n"
        "</body></html>"
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
