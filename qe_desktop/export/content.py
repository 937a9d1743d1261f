"""What an export holds, built once, whatever the format: the questions, their passages and notes.

Each format (:mod:`~qe_desktop.export.pdf`, ``markdown``, ``odt``, ``table``)
only lays this out.  The citation and the key data are the reader's own
(:func:`qe_desktop.render.citation`, :func:`~qe_desktop.render.key_data`), so
that what is copied, read and printed are one.

A text is a list of blocks (paragraphs, or tables as the sources lay them out
in text: ``cell | cell`` rows under a ``--- | ---`` line); a block is a list of
runs, each with the colour of the highlight it is in, if any, and the numbers of
the notes whose passage ends there.  Notes are numbered through the whole
document.  « Extraits seulement » keeps, for each question, its annotated
passages with the sentence around each, instead of its full texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from qe_desktop.annotations.store import UserStore
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn, never_cancelled, no_progress
from qe_desktop.model import ColourMeaning, PlacedAnnotation, Question
from qe_desktop.render import (
    HIGHLIGHT_COLOURS,
    KeyDatum,
    citation,
    jo_reference,
    key_data,
    official_url,
    paragraphs,
    title,
)
from qe_desktop.store import CorpusStore

#: The highlight colours as printed: the reader's own, so that a passage highlighted green on
#: screen is green on paper (pale enough to read black text on).
COLOUR_HEX: dict[int, str] = {n: colour for n, colour in HIGHLIGHT_COLOURS.items() if n}

PANE_LABELS = {"question": "Question", "answer": "Réponse"}


class ExportError(Exception):
    """An export that cannot be made, in French: an unknown reference, an empty dossier, a path."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to put in an export (the dialog's options, the command line's)."""

    key_data: bool = True
    answer: bool = True
    highlights: bool = True
    notes: bool = True
    #: For each question, only its annotated passages (with the sentence around each) and notes.
    excerpts_only: bool = False
    #: Keep only the annotations of these colours / with one of these tags (None: all).
    colours: frozenset[int] | None = None
    tags: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text with the colour of its highlight (None: none) and the notes that end on it."""

    text: str
    colour: int | None = None
    notes: tuple[int, ...] = ()
    #: The sentence around an excerpt's passage, printed quieter than the passage.
    context: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (``rows`` empty) or a table (``rows``: cells of runs, the first row its header)."""

    runs: tuple[Run, ...] = ()
    rows: tuple[tuple[tuple[Run, ...], ...], ...] = ()
    #: Where it comes from, for « Extraits seulement » (« Question », « Réponse »).
    label: str = ""

    @property
    def text(self) -> str:
        if self.rows:
            return "\n".join(" | ".join("".join(r.text for r in cell) for cell in row) for row in self.rows)
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True, slots=True)
class Note:
    """A numbered note of the document: its text and tags, the passage it is on (None: the question)."""

    number: int
    text: str
    tags: tuple[str, ...] = ()
    colour: int | None = None
    quote: str | None = None
    #: Its passage cannot be found in the current text (« passage introuvable »).
    orphan: bool = False


@dataclass(frozen=True, slots=True)
class ExportQuestion:
    """One question as an export shows it."""

    question: Question
    heading: str
    title: str
    citation: str
    url: str | None
    key_data: tuple[KeyDatum, ...]
    question_blocks: tuple[Block, ...]
    answer_blocks: tuple[Block, ...]
    #: « Extraits seulement »: the passages with their sentence, in text order.
    excerpts: tuple[Block, ...] = ()
    notes: tuple[Note, ...] = ()
    annotations: int = 0

    @property
    def answer_meta(self) -> str:
        reference = jo_reference(self.question.answer_date, self.question.answer_page)
        return f"Publiée au JO du {reference}" if reference else ""

    #: What every format prints where the corpus has no question text.
    MISSING_QUESTION = "Texte de la question non disponible dans le corpus."

    @property
    def missing_answer(self) -> str:
        """What every format prints where there is no answer text: none published, or not in the corpus."""
        if self.question.status != "answered":
            return "Pas de réponse publiée."
        return "Texte de la réponse non disponible dans le corpus."


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """Everything an export prints."""

    title: str
    made_on: date
    author: str
    #: How the questions were chosen: « Dossier « … » », « Recherche : … », « Sélection ».
    source: str
    description: str
    questions: tuple[ExportQuestion, ...]
    options: ExportOptions = field(default_factory=ExportOptions)
    #: The colours the printed highlights use, with their meanings (the legend).
    legend: tuple[ColourMeaning, ...] = ()

    @property
    def notes(self) -> int:
        return sum(len(q.notes) for q in self.questions)


@dataclass(frozen=True, slots=True)
class Selection:
    """A passage selected in the reader: « Exporter la sélection… »."""

    uid: str
    pane: str
    start: int
    end: int


# -- building ---------------------------------------------------------------------------


def build(
    corpus: CorpusStore,
    user: UserStore | None,
    uids: Sequence[str],
    *,
    title: str,
    source: str,
    description: str = "",
    author: str = "",
    options: ExportOptions = ExportOptions(),
    selection: Selection | None = None,
    today: date | None = None,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> ExportDocument:
    """The content of an export of these questions, in this order.

    Raises ExportError (French) when there is nothing to export or a question
    is unknown, Cancelled when ``cancelled()`` turns True.
    """
    if not uids:
        raise ExportError("Rien à exporter : aucune question.")
    found = corpus.get_many(list(uids))
    missing = [u for u in uids if u not in found]
    if missing:
        shown = ", ".join(missing[:5]) + (f" (et {len(missing) - 5} autres)" if len(missing) > 5 else "")
        raise ExportError(f"Question introuvable dans le corpus : {shown}.")
    meanings = {c.number: c.meaning for c in user.colours()} if user is not None else {}
    numbering = _Numbering()
    questions: list[ExportQuestion] = []
    used_colours: set[int] = set()
    ordered = list(dict.fromkeys(uids))  # a question given twice is exported once
    total = len(ordered)
    for done, uid in enumerate(ordered, start=1):
        if cancelled():
            raise Cancelled
        q = found[uid]
        placed = [] if user is None else user.placed_for(uid, q)
        placed = [p for p in placed if _kept(p, options)]
        if selection is not None and selection.uid == uid:
            item = _selection_question(q, selection, options, today)
        else:
            item = _question(q, placed, options, numbering, today)
        used_colours.update(
            c for b in (*item.question_blocks, *item.answer_blocks, *item.excerpts) for c in _colours(b)
        )
        questions.append(item)
        progress(done, total, f"Préparation : {done} / {total} questions")
    legend = tuple(ColourMeaning(n, meanings.get(n, f"Couleur {n}")) for n in sorted(used_colours))
    return ExportDocument(
        title=title,
        made_on=today or date.today(),
        author=author,
        source=source,
        description=description,
        questions=tuple(questions),
        options=options,
        legend=legend if options.highlights else (),
    )


def _kept(placed: PlacedAnnotation, options: ExportOptions) -> bool:
    a = placed.annotation
    if options.colours is not None and (a.colour is None or a.colour not in options.colours):
        return False
    if options.tags is not None:
        wanted = {t.casefold() for t in options.tags}
        if not any(t.casefold() in wanted for t in a.tags):
            return False
    return True


def _colours(block: Block) -> Iterable[int]:
    runs = [r for row in block.rows for cell in row for r in cell] if block.rows else list(block.runs)
    return (r.colour for r in runs if r.colour is not None)


class _Numbering:
    """Note numbers through the whole document."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


@dataclass(slots=True)
class _Mark:
    start: int
    end: int
    colour: int | None
    note: int | None


def _question(
    q: Question,
    placed: list[PlacedAnnotation],
    options: ExportOptions,
    numbering: _Numbering,
    today: date | None,
) -> ExportQuestion:
    notes: list[Note] = []
    marks: dict[str, list[_Mark]] = {"question": [], "answer": []}
    # Whole-question notes first, then the passages in text order (question, then answer).
    whole = [p for p in placed if p.annotation.anchor is None]
    passages = sorted(
        (p for p in placed if p.annotation.anchor is not None),
        key=lambda p: (
            p.annotation.anchor.pane != "question" if p.annotation.anchor else True,
            p.placement.start or 0,
        ),
    )
    for p in whole:
        a = p.annotation
        if options.notes and a.note.strip():
            notes.append(Note(numbering.next(), a.note.strip(), a.tags, a.colour, None))
    for p in passages:
        a = p.annotation
        anchor = a.anchor
        assert anchor is not None
        with_note = options.notes and bool(a.note.strip())
        if not p.placement.drawn or p.placement.start is None or p.placement.end is None:
            if with_note or options.excerpts_only:
                notes.append(
                    Note(numbering.next(), a.note.strip(), a.tags, a.colour, anchor.exact, orphan=True)
                )
            continue
        number = numbering.next() if with_note else None
        if number is not None:
            notes.append(Note(number, a.note.strip(), a.tags, a.colour, anchor.exact))
        colour = a.colour if options.highlights else None
        marks[anchor.pane].append(_Mark(p.placement.start, p.placement.end, colour, number))
    if options.excerpts_only:
        excerpts = [
            _excerpt(text, pane, m)
            for pane, text in (("question", q.question_text or ""), ("answer", q.answer_text or ""))
            for m in sorted(marks[pane], key=lambda m: m.start)
        ]
        question_blocks: tuple[Block, ...] = ()
        answer_blocks: tuple[Block, ...] = ()
    else:
        excerpts = []
        question_blocks = tuple(_blocks(q.question_text or "", marks["question"]))
        answer_blocks = tuple(_blocks(q.answer_text or "", marks["answer"])) if options.answer else ()
    return ExportQuestion(
        question=q,
        heading=_heading(q),
        title=title(q),
        citation=citation(q),
        url=official_url(q),
        key_data=tuple(key_data(q, today)) if options.key_data else (),
        question_blocks=question_blocks,
        answer_blocks=answer_blocks,
        excerpts=tuple(excerpts),
        notes=tuple(notes),
        annotations=len(placed),
    )


def _selection_question(
    q: Question, selection: Selection, options: ExportOptions, today: date | None
) -> ExportQuestion:
    text = (q.question_text if selection.pane == "question" else q.answer_text) or ""
    if not 0 <= selection.start < selection.end <= len(text):
        raise ExportError(f"Le passage choisi n'est pas dans le texte de la question {q.reference}.")
    excerpt = _excerpt(text, selection.pane, _Mark(selection.start, selection.end, None, None))
    return ExportQuestion(
        question=q,
        heading=_heading(q),
        title=title(q),
        citation=citation(q),
        url=official_url(q),
        key_data=tuple(key_data(q, today)) if options.key_data else (),
        question_blocks=(),
        answer_blocks=(),
        excerpts=(excerpt,),
    )


def _heading(q: Question) -> str:
    return (q.analyse or q.tete_analyse or title(q)).strip()


# -- texts as runs ------------------------------------------------------------------------

_TABLE_RULE = re.compile(r"^\s*-{3,}\s*(\|\s*-{3,}\s*)*$")


def _blocks(text: str, marks: Sequence[_Mark]) -> list[Block]:
    """The paragraphs (and tables) of a text, each as runs cut at the highlights' ends."""
    out: list[Block] = []
    for start, para in paragraphs(text):
        lines = para.split("\n")
        if len(lines) >= 2 and " | " in lines[0] and _TABLE_RULE.match(lines[1]):
            out.append(_table(para, start, lines, marks))
        else:
            out.append(Block(runs=_runs(para, start, marks)))
    return out


def _table(para: str, start: int, lines: list[str], marks: Sequence[_Mark]) -> Block:
    rows: list[tuple[tuple[Run, ...], ...]] = []
    offset = start
    for i, line in enumerate(lines):
        if i != 1:  # the rule under the header is layout, not content
            cells: list[tuple[Run, ...]] = []
            position = offset
            for cell in line.split(" | "):
                cells.append(_runs(cell, position, marks))
                position += len(cell) + 3
            rows.append(tuple(cells))
        offset += len(line) + 1
    width = max(len(r) for r in rows)
    rows = [r + ((),) * (width - len(r)) for r in rows]
    return Block(rows=tuple(rows))


def _runs(text: str, offset: int, marks: Sequence[_Mark]) -> tuple[Run, ...]:
    """``text`` (at ``offset`` in its pane) cut where highlights start and end.

    Where highlights overlap, the shortest one's colour shows (the most precise
    passage); a note's number goes on the run that ends its passage.
    """
    end_of_text = offset + len(text)
    inside = [m for m in marks if m.end > offset and m.start < end_of_text]
    if not inside:
        return (Run(text),)
    cuts = sorted(
        {
            offset,
            end_of_text,
            *(max(offset, m.start) for m in inside),
            *(min(end_of_text, m.end) for m in inside),
        }
    )
    runs: list[Run] = []
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        covering = [m for m in inside if m.start <= a and m.end >= b]
        coloured = [m for m in covering if m.colour is not None]
        colour = min(coloured, key=lambda m: m.end - m.start).colour if coloured else None
        notes = tuple(sorted(m.note for m in inside if m.note is not None and m.end == b))
        runs.append(Run(text[a - offset : b - offset], colour, notes))
    return tuple(runs)


_SENTENCE_END = re.compile(r"[.!?…](?:[»\"')\]])*(?=\s)|\n")


def _excerpt(text: str, pane: str, mark: _Mark) -> Block:
    """The passage with the sentence it stands in (up to the sentence before and after it ends)."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, mark.start):
        begin = m.end()
    after = _SENTENCE_END.search(text, mark.end)
    end = after.end() if after else len(text)
    while begin < mark.start and text[begin].isspace():
        begin += 1
    piece = text[begin:end].rstrip()
    runs = tuple(
        r
        if (begin + at >= mark.start and begin + at + len(r.text) <= mark.end)
        else Run(r.text, context=True)
        for r, at in _with_offsets(_runs(piece, begin, [mark]))
    )
    return Block(runs=runs, label=PANE_LABELS.get(pane, pane))


def _with_offsets(runs: Sequence[Run]) -> Iterable[tuple[Run, int]]:
    at = 0
    for r in runs:
        yield r, at
        at += len(r.text)
