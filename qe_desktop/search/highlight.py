"""Where a query matches inside a text, with the index's own analysis.

The reader marks matches in both panes, the results list shows snippets and
the PDF export marks the same words: all three call :func:`highlight_spans`,
so that "hopital" marks "hôpitaux" everywhere, and only there.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from itertools import islice

from qe_desktop.search import analysis
from qe_desktop.search.query import HighlightTerms, ParsedQuery, parse_query

SNIPPET_WIDTH = 240


@lru_cache(maxsize=64)
def _parsed(query: str) -> ParsedQuery:
    return parse_query(query)


def _within(a: str, b: str, maxdist: int) -> bool:
    """Levenshtein distance of a and b is at most maxdist (small words, early exit)."""
    if abs(len(a) - len(b)) > maxdist:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        best = i
        for j, cb in enumerate(b, start=1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > maxdist:
            return False
        previous = current
    return previous[-1] <= maxdist


def _terms(query: str | ParsedQuery | HighlightTerms, pane: str) -> HighlightTerms:
    if isinstance(query, HighlightTerms):
        return query
    parsed = _parsed(query) if isinstance(query, str) else query
    return parsed.marks(pane)


#: Per set of highlight terms: raw lowered token -> where its matching form starts, -1 if it does not
#: match.  The snippets of one results page (40 texts) share most of their words.
_CLASSIFIED: OrderedDict[HighlightTerms, dict[str, int]] = OrderedDict()
_CLASSIFIED_LOCK = threading.Lock()


def _classified(terms: HighlightTerms) -> dict[str, int]:
    with _CLASSIFIED_LOCK:
        known = _CLASSIFIED.get(terms)
        if known is None or len(known) > 200_000:
            known = _CLASSIFIED[terms] = {}
            if len(_CLASSIFIED) > 32:
                _CLASSIFIED.popitem(last=False)
        else:
            _CLASSIFIED.move_to_end(terms)
        return known


def highlight_spans(
    text: str | None, query: str | ParsedQuery | HighlightTerms, pane: str = "any"
) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of ``text`` that the query matches, sorted, not overlapping.

    ``pane`` is "question", "answer" or "any": a ``question:`` or ``reponse:``
    word is only marked in its own pane; negated words are never marked.
    """
    if not text:
        return []
    terms = _terms(query, pane)
    if terms.empty:
        return []
    stems, exact = terms.stems, terms.exact
    prefixes = tuple(p for p in terms.prefixes if not p.startswith("re:"))
    patterns = [re.compile(p[3:]) for p in terms.prefixes if p.startswith("re:")]
    fuzzy = terms.fuzzy
    stop_words = analysis.STOP_WORDS
    stem = analysis.stem

    def matches(term: str) -> bool:
        if term in exact:
            return True
        if stems and term not in stop_words and stem(term) in stems:
            return True
        if prefixes and term.startswith(prefixes):
            return True
        if patterns and any(p.fullmatch(term) for p in patterns):
            return True
        return bool(fuzzy) and any(
            term[:1] == w[:1] and (_within(term, w, d) or _within(stem(term), stem(w), d)) for w, d in fuzzy
        )

    # Classify each distinct raw token once, then let one regular expression of the matching
    # forms find them all (C speed): this runs for the snippets of every hit.
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower()[:1] or c for c in text)
    fold_table = analysis.FOLD_TABLE
    normalize = analysis.normalize_token
    known = _classified(terms)
    raws = set(analysis.TOKEN_RE.findall(lowered))
    unknown: dict[str, tuple[str, int]] = {}
    for raw in raws:
        if raw not in known:
            token = raw.translate(fold_table)
            unknown[raw] = (token, 0) if token.isalpha() else normalize(token)[:2]
    if stems and unknown:
        # One call of the stemmer for every new word of the text, not one per word.
        analysis.stem_all([term for term, _ in unknown.values() if term not in stop_words])
    for raw, (term, offset) in unknown.items():
        known[raw] = offset if matches(term) else -1
    forms = [raw[known[raw] :] for raw in raws if known[raw] >= 0]
    found = [m.span() for m in _forms_pattern(forms).finditer(lowered)] if forms else []
    for phrase in terms.phrases:
        found.extend(_phrase_spans(lowered, raws, phrase))
    return _merge(found)


def _forms_pattern(forms: list[str]) -> re.Pattern[str]:
    """A regular expression finding any of these token forms, as whole tokens."""
    forms = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")


def _phrase_spans(lowered: str, raws: set[str], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the phrase's terms follow each other: its first term found by a regular
    expression, the next tokens read from there only."""
    info = analysis.span_info
    forms = [raw[info(raw)[0] :] for raw in raws if info(raw)[1] == phrase[0]]
    if not forms:
        return []
    n = len(phrase)
    found: list[tuple[int, int]] = []
    token_re = analysis.TOKEN_RE
    for m in _forms_pattern(forms).finditer(lowered):
        tokens = list(islice(token_re.finditer(lowered, m.start()), n))
        if len(tokens) == n and all(info(t.group())[1] == w for t, w in zip(tokens, phrase, strict=True)):
            found.append((m.start(), tokens[-1].end()))
    return found


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def mark_html(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` HTML-escaped, with ``<b>…</b>`` around the spans."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<b>" + html.escape(text[s:e], quote=False) + "</b>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out)


_WS = re.compile(r"\s+")


def snippet(
    text: str | None,
    query: str | ParsedQuery | HighlightTerms,
    pane: str = "any",
    width: int = SNIPPET_WIDTH,
) -> str:
    """The passage of ``text`` (about ``width`` characters) with the most matches, HTML with ``<b>`` marks.

    No match: the beginning of the text.  Empty text: "".
    """
    if not text:
        return ""
    spans = highlight_spans(text, query, pane)
    return snippet_from_spans(text, spans, width)


def snippet_from_spans(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH) -> str:
    """Choose the densest window of ``width`` characters and mark it."""
    n = len(text)
    if not spans:
        first, start, end = n, 0, min(n, width)
    else:
        best, best_count, j = 0, 0, 0
        for i in range(len(spans)):
            if j < i:
                j = i
            while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= width:
                j += 1
            if j - i + 1 > best_count:
                best, best_count = i, j - i + 1
        first = spans[best][0]
        span_len = spans[best + best_count - 1][1] - first
        lead = max(0, min(60, (width - span_len) // 2))
        start = max(0, first - lead)
        end = min(n, start + width)
        start = max(0, min(start, end - width))
    # Snap to word boundaries so that no word is cut in half.
    if start > 0:
        space = text.find(" ", start, start + 30)
        if space != -1 and space < first:
            start = space + 1
    if end < n:
        space = text.rfind(" ", end - 30, end)
        if space > start:
            end = space
    body = _WS.sub(" ", mark_html(text, spans, start, end)).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < n else "")
