"""Passages anchored as W3C Web Annotations, and placed again on a text that has changed.

A passage is recorded by its quote with 32 characters of context on each side
(TextQuoteSelector), its offsets (TextPositionSelector) and a digest of the
whole text it was selected in.  When the text changes (an erratum, a cleaner
importer), :func:`place` finds it again, in this order, and stops at the first
that succeeds:

1. **position**: the quote is still at its offsets, with its context on at
   least one side (an edit on the other side does not move it);
2. **quote with context**: an occurrence of the quote elsewhere whose context
   agrees in full on at least one side; among several, the one whose context
   agrees on the most characters, then the nearest to the old offsets.  An
   edit outside the passage leaves one side of its context whole, so it is
   always found here;
3. **context**: the passage itself was edited but what surrounds it was not:
   the text between its prefix and its suffix, if it is similar enough to the
   quote (:data:`QUOTE_SIMILARITY`);
4. **bounded fuzzy match** (quotes of 12 characters or more): context and quote both edited: prefix + quote +
   suffix is aligned with diff-match-patch (the library of Hypothesis' first
   fuzzy anchoring) in at most :data:`MAX_WINDOWS` windows of the text, each
   about the size of the pattern, found by exact seeds of 16 characters.  The
   passage found must be similar to the quote (:data:`QUOTE_SIMILARITY`), one
   side of its context nearly intact (:data:`CONTEXT_SIMILARITY`) and the
   other still similar (:data:`OTHER_SIDE_SIMILARITY`): a similar sentence
   elsewhere, with other words around it, is never taken.

Otherwise the annotation is an **orpheline**: kept with its quote and note,
listed, never drawn.  Nothing here writes anything.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence

from diff_match_patch import diff_match_patch

from qe_desktop.model import (
    Annotation,
    Pane,
    PlacedAnnotation,
    Placement,
    Question,
    TextAnchor,
)

#: Characters of context kept on each side of a quote (as Hypothesis does).
CONTEXT_CHARS = 32
#: A passage found by approximation must be this similar to the quote (1 - Levenshtein
#: distance / length): at most a quarter of its characters changed.
QUOTE_SIMILARITY = 0.75
#: ... one side of its context this similar to the context recorded ...
CONTEXT_SIMILARITY = 0.9
#: ... and the other side this similar: a set phrase repeated elsewhere in the text (« ministre
#: de l'éducation nationale et de la jeunesse ») matches on one side only.
OTHER_SIDE_SIMILARITY = 0.6
#: Occurrences of a quote or a context looked at, at most (a quote of two letters may occur
#: hundreds of times in a long answer: its context decides, among the first ones).
MAX_OCCURRENCES = 1000
#: Windows of the text aligned by the fuzzy step, at most.
MAX_WINDOWS = 3
#: Length of the exact seeds that choose the fuzzy step's windows, and how many are tried.
SEED_CHARS = 16
MAX_SEEDS = 24
#: A seed found more often than this says nothing about where the passage is.
MAX_SEED_HITS = 8
#: Equal characters in a row that tie a character of the quote to the text, at least.
MIN_RUN = 4
#: Characters an edge of an approximate span may move to fit the quote better, at most.
REFINE_CHARS = 24
#: Quotes shorter than this are not searched approximately: a few letters are found anywhere
#: (in set phrases repeated through a transcript, with much of their context).
MIN_FUZZY_QUOTE = 12
#: Quotes longer than this are not searched approximately (steps 1-3 still apply).
MAX_FUZZY_QUOTE = 2000
#: Seconds one diff may take at most (diff-match-patch's own bound; its result is then
#: coarser, and a coarse alignment scores low: the passage is left an orphan).
DIFF_TIMEOUT = 0.02

_DMP = diff_match_patch()
_DMP.Diff_Timeout = DIFF_TIMEOUT


def text_hash(text: str) -> str:
    """A digest of a whole text (``sha256:`` and 64 hex digits)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def make_anchor(text: str, pane: Pane, start: int, end: int) -> TextAnchor:
    """The anchor of ``text[start:end]`` (whitespace at either end left out).

    Raises ValueError for a span outside the text or holding only whitespace.
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"passage [{start}, {end}) hors du texte ({len(text)} caractères)")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValueError("le passage ne contient que des espaces")
    return TextAnchor(
        pane=pane,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
        text_hash=text_hash(text),
    )


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length (1.0 for two empty strings)."""
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    if a == b:
        return 1.0
    diffs = _DMP.diff_main(a, b, False)
    distance: int = _DMP.diff_levenshtein(diffs)
    return 1.0 - distance / longest


# -- context -----------------------------------------------------------------------


def _prefix_agrees(text: str, i: int, prefix: str) -> bool:
    """``prefix`` is what precedes position ``i``; a prefix shorter than the context
    was cut by the start of the text, so it must be cut there again."""
    n = len(prefix)
    if i < n or not text.startswith(prefix, i - n):
        return False
    return n >= CONTEXT_CHARS or i == n


def _suffix_agrees(text: str, j: int, suffix: str) -> bool:
    """``suffix`` is what follows position ``j`` (a short one: up to the end of the text)."""
    n = len(suffix)
    if not text.startswith(suffix, j):
        return False
    return n >= CONTEXT_CHARS or j + n == len(text)


def _common_tail(text: str, i: int, prefix: str) -> int:
    """How many characters before ``i`` agree with the end of ``prefix``."""
    count = 0
    k = len(prefix) - 1
    p = i - 1
    while k >= 0 and p >= 0 and text[p] == prefix[k]:
        count += 1
        k -= 1
        p -= 1
    return count


def _common_head(text: str, j: int, suffix: str) -> int:
    """How many characters from ``j`` agree with the start of ``suffix``."""
    count = 0
    limit = min(len(suffix), len(text) - j)
    while count < limit and text[j + count] == suffix[count]:
        count += 1
    return count


def _occurrences(text: str, needle: str, limit: int = MAX_OCCURRENCES) -> list[int]:
    found: list[int] = []
    if not needle:
        return found
    i = text.find(needle)
    while i != -1 and len(found) < limit:
        found.append(i)
        i = text.find(needle, i + 1)
    return found


# -- the four steps -------------------------------------------------------------------


def _by_quote(text: str, anchor: TextAnchor) -> Placement | None:
    exact, prefix, suffix = anchor.exact, anchor.prefix, anchor.suffix
    best: tuple[int, int, int] | None = None  # (agreeing characters, -distance, start)
    for i in _occurrences(text, exact):
        j = i + len(exact)
        if not (_prefix_agrees(text, i, prefix) or _suffix_agrees(text, j, suffix)):
            continue
        key = (_common_tail(text, i, prefix) + _common_head(text, j, suffix), -abs(i - anchor.start), i)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    start = best[2]
    return Placement("exact" if start == anchor.start else "moved", start, start + len(exact), 1.0)


def _prefix_ends(text: str, prefix: str) -> list[int]:
    if len(prefix) < CONTEXT_CHARS:
        return [len(prefix)] if text.startswith(prefix) else []
    return [i + len(prefix) for i in _occurrences(text, prefix)]


def _suffix_starts(text: str, suffix: str) -> list[int]:
    if len(suffix) < CONTEXT_CHARS:
        j = len(text) - len(suffix)
        return [j] if j >= 0 and text.endswith(suffix) else []
    return _occurrences(text, suffix)


def _by_context(text: str, anchor: TextAnchor) -> Placement | None:
    exact = anchor.exact
    ends = _prefix_ends(text, anchor.prefix)
    starts = _suffix_starts(text, anchor.suffix)
    if not ends or not starts:
        return None
    longest = 2 * len(exact) + CONTEXT_CHARS
    best: tuple[float, int, int, int] | None = None  # (similarity, -distance, start, end)
    for start in ends:
        k = bisect.bisect_left(starts, start)
        if k == len(starts) or starts[k] - start > longest:
            continue
        end = starts[k]
        score = similarity(exact, text[start:end])
        key = (score, -abs(start - anchor.start), start, end)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] < QUOTE_SIMILARITY:
        return None
    start, end = _trimmed(text, best[2], best[3])
    if start >= end:
        return None
    return Placement("fuzzy", start, end, round(best[0], 3))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _windows(text: str, pattern: str) -> list[int]:
    """Where ``pattern`` may start in ``text``: the starts most exact seeds agree on (best first)."""
    offsets = list(range(0, max(1, len(pattern) - SEED_CHARS + 1), SEED_CHARS))
    if len(offsets) > MAX_SEEDS:
        step = len(offsets) / MAX_SEEDS
        offsets = [offsets[int(k * step)] for k in range(MAX_SEEDS)]
    implied: list[tuple[int, int]] = []  # (start of the pattern it implies, seed)
    for seed_no, offset in enumerate(offsets):
        seed = pattern[offset : offset + SEED_CHARS]
        if len(seed.strip()) < 4:
            continue
        hits = _occurrences(text, seed, MAX_SEED_HITS + 1)
        if len(hits) > MAX_SEED_HITS:
            continue
        implied.extend((hit - offset, seed_no) for hit in hits)
    if not implied:
        return []
    implied.sort()
    spread = len(pattern) // 4 + SEED_CHARS
    groups: list[tuple[int, int]] = []  # (distinct seeds, median start)
    group: list[tuple[int, int]] = [implied[0]]
    for item in implied[1:]:
        if item[0] - group[0][0] <= spread:
            group.append(item)
        else:
            groups.append((len({s for _, s in group}), group[len(group) // 2][0]))
            group = [item]
    groups.append((len({s for _, s in group}), group[len(group) // 2][0]))
    groups.sort(key=lambda g: -g[0])
    return [start for _, start in groups[:MAX_WINDOWS]]


def _matched_span(diffs: list[tuple[int, str]], lo: int, hi: int) -> tuple[int, int] | None:
    """In the second text of ``diffs``, from the first to the last character matched to a character
    of ``[lo, hi)`` of the first text (the quote within the pattern).

    Characters of the quote that were replaced at its edges are left out: the span never
    reaches into the context, whose characters match the pattern's context instead.  Runs
    of fewer than :data:`MIN_RUN` equal characters do not count: a minimal diff matches
    stray letters of an edited quote with letters anywhere around it.
    """
    first: int | None = None
    last = 0
    c1 = c2 = 0
    shortest = min(MIN_RUN, hi - lo)
    for op, chunk in diffs:
        n = len(chunk)
        if op == diff_match_patch.DIFF_EQUAL:
            o1, o2 = max(lo, c1), min(hi, c1 + n)
            if o2 - o1 >= shortest:
                if first is None:
                    first = c2 + (o1 - c1)
                last = c2 + (o2 - c1)
            c1 += n
            c2 += n
        elif op == diff_match_patch.DIFF_DELETE:
            c1 += n
        else:
            c2 += n
    return None if first is None else (first, last)


def _agreement(a: str, b: str) -> int:
    """Characters equal at the same place in ``a`` and ``b`` (how well two pieces line up)."""
    return sum(1 for x, y in zip(a, b, strict=False) if x == y)


def _refined(text: str, exact: str, start: int, end: int) -> tuple[int, int]:
    """Each end of an approximate span moved (a few characters at most) to where the text lines up
    best with that end of the quote: a text that repeats words around the passage can draw an
    edge astray.  Only the ends are compared, character by character: cheap."""
    if start >= end:
        return start, end
    reach = min(REFINE_CHARS, max(1, len(exact) // 4))
    width = min(len(exact), 32)
    head, tail = exact[:width], exact[-width:]

    def closest(candidates: range, piece: Callable[[int], str], target: str, current: int) -> int:
        chosen, score = current, _agreement(target, piece(current))
        for candidate in candidates:
            value = _agreement(target, piece(candidate))
            # Strictly better, or as good and nearer: an edge moves only for a reason.
            if value > score or (value == score and abs(candidate - current) < abs(chosen - current)):
                chosen, score = candidate, value
        return chosen

    first = closest(
        range(max(0, start - reach), min(end, start + reach + 1)), lambda s: text[s : s + width], head, start
    )
    last = closest(
        range(max(first + 1, end - reach), min(len(text), end + reach) + 1),
        lambda e: text[max(0, e - width) : e].rjust(width, "\0"),
        tail,
        end,
    )
    return _trimmed(text, first, last)


def _context_scores(text: str, anchor: TextAnchor, start: int, end: int) -> tuple[float, float]:
    """How similar what is around ``[start, end)`` is to the prefix and to the suffix recorded."""
    prefix, suffix = anchor.prefix, anchor.suffix
    # A side cut by the start or the end of the text must still be at it.
    if prefix:
        before = similarity(prefix, text[max(0, start - len(prefix)) : start])
    else:
        before = 1.0 if start == 0 else 0.0
    after = 1.0 if end == len(text) else 0.0
    if suffix:
        after = similarity(suffix, text[end : end + len(suffix)])
    return before, after


def _fuzzy(text: str, anchor: TextAnchor) -> Placement | None:
    exact, prefix, suffix = anchor.exact, anchor.prefix, anchor.suffix
    if not MIN_FUZZY_QUOTE <= len(exact) <= MAX_FUZZY_QUOTE:
        return None
    pattern = prefix + exact + suffix
    slack = len(pattern) // 4 + SEED_CHARS
    best: tuple[float, int, int] | None = None
    for guess in _windows(text, pattern):
        w0 = max(0, guess - slack)
        w1 = min(len(text), guess + len(pattern) + slack)
        window = text[w0:w1]
        matched = _matched_span(_DMP.diff_main(pattern, window, False), len(prefix), len(prefix) + len(exact))
        if matched is None:
            continue
        start, end = _trimmed(text, w0 + matched[0], w0 + matched[1])
        if start >= end:
            continue
        # A first look before refining: a window far from the passage's context is dropped
        # without the cost of refining its edges.
        if max(_context_scores(text, anchor, start, end)) < CONTEXT_SIMILARITY - 0.25:
            continue
        start, end = _refined(text, exact, start, end)
        if start >= end:
            continue
        quote_score = similarity(exact, text[start:end])
        if quote_score < QUOTE_SIMILARITY:
            continue
        before, after = _context_scores(text, anchor, start, end)
        if max(before, after) < CONTEXT_SIMILARITY or min(before, after) < OTHER_SIDE_SIMILARITY:
            continue
        if best is None or quote_score > best[0]:
            best = (quote_score, start, end)
    if best is None:
        return None
    return Placement("fuzzy", best[1], best[2], round(best[0], 3))


ORPHAN = Placement("orphan", None, None, 0.0)


def place(anchor: TextAnchor, text: str | None, *, digest: str | None = None) -> Placement:
    """Where ``anchor`` lands on ``text`` (the current text of its pane), or an orphan.

    ``digest``: ``text_hash(text)`` when the caller has it (one per text, not per anchor).
    The placement returned never covers words other than the passage's own: when in
    doubt, it is an orphan.
    """
    if not text:
        return ORPHAN
    start, end, exact = anchor.start, anchor.end, anchor.exact
    at_position = (
        0 <= start < end <= len(text) and end - start == len(exact) and text.startswith(exact, start)
    )
    if at_position:
        if (digest or text_hash(text)) == anchor.text_hash:
            return Placement("exact", start, end, 1.0)
        if _prefix_agrees(text, start, anchor.prefix) or _suffix_agrees(text, end, anchor.suffix):
            return Placement("exact", start, end, 1.0)
    for step in (_by_quote, _by_context, _fuzzy):
        found = step(text, anchor)
        if found is not None:
            return found
    return ORPHAN


def pane_text(question: Question, pane: Pane) -> str | None:
    """The plain text of one pane of a question."""
    return question.question_text if pane == "question" else question.answer_text


def place_all(annotations: Iterable[Annotation], question: Question | None) -> list[PlacedAnnotation]:
    """Each annotation of one question with where it lands on the question's current texts.

    ``question`` None: the question is not in the corpus (any more): every
    annotation is ``absent``, kept and listed, never drawn.
    """
    digests: dict[Pane, str] = {}
    out: list[PlacedAnnotation] = []
    for annotation in annotations:
        anchor = annotation.anchor
        if question is None:
            placement = Placement("absent", None, None, 0.0)
        elif anchor is None:
            placement = Placement("question")
        else:
            text = pane_text(question, anchor.pane)
            if text and anchor.pane not in digests:
                digests[anchor.pane] = text_hash(text)
            placement = place(anchor, text, digest=digests.get(anchor.pane))
        out.append(PlacedAnnotation(annotation, placement))
    return out


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of ``quote`` typed by hand in ``text``: ``[start, end)`` spans.

    Whitespace in the quote matches any whitespace (non-breaking spaces included,
    which no one types) and a straight apostrophe matches a curly one.
    """
    words = quote.split()
    if not words:
        return []
    apostrophes = "'’"
    pieces = ["".join("['’]" if c in apostrophes else re.escape(c) for c in w) for w in words]
    pattern = re.compile(r"\s+".join(pieces))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def spans_of(placed: Sequence[PlacedAnnotation], pane: Pane) -> list[tuple[PlacedAnnotation, int, int]]:
    """The annotations drawn on one pane with their spans, in text order (for the reader)."""
    out: list[tuple[PlacedAnnotation, int, int]] = []
    for p in placed:
        anchor, where = p.annotation.anchor, p.placement
        if anchor is None or anchor.pane != pane or not where.drawn:
            continue
        if where.start is not None and where.end is not None:
            out.append((p, where.start, where.end))
    out.sort(key=lambda item: (item[1], item[2]))
    return out
