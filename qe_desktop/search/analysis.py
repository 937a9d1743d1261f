"""French analysis for administrative text: fold, tokenize, drop stop words, stem.

One chain serves the index, the query parser and the highlighter, so that
what is searched, what is found and what is marked always agree:

1. fold: lower case, accents removed, ``œ``→``oe``, ``æ``→``ae``, typographic
   apostrophes made straight (one ``str.translate`` over the whole text);
2. tokenize with one precompiled regular expression that keeps legal
   references (``L. 1234-5`` → ``l.1234-5``), law and decree numbers
   (``2021-1234``) and question numbers (``n° 12345`` → ``n°12345``) whole,
   and drops elided articles (``l'``, ``d'``, ``qu'``, ``jusqu'``… with ``'``
   or ``’``);
3. drop stop words (a short French list: ``été``, ``non``, ``sans``,
   ``contre`` and ``plus`` are content words here);
4. stem with the C Snowball French stemmer (PyStemmer), cached.

Folding comes before stemming, so that texts of older legislatures written
without accents ("hopital") meet accented queries ("hôpital").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import Stemmer

# -- folding ---------------------------------------------------------------


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and base != char and base.isascii():
            table[code] = base.lower()
    specials = {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "´": "'",
        "º": "°",
        "\u00a0": " ",
        "\u202f": " ",
    }
    for char, repl in specials.items():
        table[ord(char)] = repl
    return table


_FOLD = _build_fold_table()
FOLD_TABLE = _FOLD


def fold(text: str) -> str:
    """Lower case without accents: ``Œuvre Sécurité`` → ``oeuvre securite``."""
    return text.lower().translate(_FOLD)


# -- tokenizing ------------------------------------------------------------

_APOS = "'’‘ʼ"
#: The elided words whose apostrophe glues them to the next word.
ELISIONS: tuple[str, ...] = (
    "jusqu",
    "lorsqu",
    "puisqu",
    "quoiqu",
    "presqu",
    "qu",
    "c",
    "d",
    "j",
    "l",
    "m",
    "n",
    "s",
    "t",
)

_TOKEN_PATTERN = (
    # Every branch starts with a letter or digit: checking that first lets the regex engine
    # skip spaces and punctuation without trying each branch (a quarter faster).
    r"(?=[^\W_])(?:"
    # words that keep their apostrophe (it is not an elision)
    rf"aujourd[{_APOS}]hui|prud[{_APOS}]hom[^\W\d_]*"
    # legal references: L. 1234-5, R.123-4, D. 12, LO. 176, and L1234-5
    r"|(?<![\w.])(?:lo|[lrd])\.\s?\d+(?:-\d+)*(?![\w])"
    r"|(?<![\w.])[lr]\d+(?:-\d+)+(?![\w])"
    # question numbers: n° 12345, nº12345
    r"|(?<!\w)n\s?[°º]\s?\d+(?:-\d+)*"
    # words, with an elided article in front (dropped below)
    rf"|(?:(?:{'|'.join(ELISIONS)})[{_APOS}](?=[^\W\d_]))?[^\W\d_]+"
    # numbers, dates and law numbers kept whole: 2021-1234, 08/03/2011, 1,5 ; 1er, 20e
    r"|\d+(?:[-/.,]\d+)*[^\W\d_]*"
    r")"
)
TOKEN_RE = re.compile(_TOKEN_PATTERN)
_SPACES = re.compile(r"\s+")
_LEGAL = re.compile(r"([a-z]+)\.?(.*)")


# -- apostrophes lost (what people type and paste) ---------------------------------------


#: A lone elided word (nothing of a word just before it), spaces, then a word: « l insertion ».
_LONE_ELISION = re.compile(rf"(?<!\w)({'|'.join(ELISIONS)})\s+(?=[^\W\d_])", re.IGNORECASE)
#: The words that keep their apostrophe (one token, see TOKEN_RE), typed without it.
_SPLIT_WORD = re.compile(r"(?<!\w)(aujourd|prud)\s+(?=hui(?!\w)|hom)", re.IGNORECASE)


def restore_elisions(text: str, *, capital_letters: bool = True) -> str:
    """``text`` with the apostrophe put back after each lone elided word followed by a word.

    « et de l insertion » → « et de l'insertion », « jusqu au » → « jusqu'au »: what a text
    pasted from a PDF gives, read as the tokenizer reads the elided word (dropped); and
    « aujourd hui », « prud hommes » as the words they are.  The index never goes through
    this (its texts keep their apostrophes); a query does.
    ``capital_letters=False`` leaves a one-letter word written in capitals as typed: it
    may stand for itself (« RER D emprunté », « hépatite C chez », « catégorie C de »).
    """

    def put_back(match: re.Match[str]) -> str:
        word = match[1]
        if not capital_letters and len(word) == 1 and word.isupper():
            return match[0]
        return word + "'"

    text = _SPLIT_WORD.sub(r"\1'", text)  # « aujourd hui », « prud hommes »: one word each
    return _LONE_ELISION.sub(put_back, text)


def _normalize(token: str) -> tuple[str, int, str | None]:
    """A folded non-alphabetic token -> (term, offset of the term in the token, extra term).

    The extra term is indexed at the same position so that a plain number
    finds the reference that contains it (``12345`` finds ``n° 12345``).
    """
    first = token[0]
    if "'" in token:
        if token.startswith(("aujourd", "prud")):
            return token.replace("'", ""), 0, None
        cut = token.index("'") + 1
        return token[cut:], cut, None
    if first == "n" and "°" in token:
        number = token[token.index("°") + 1 :].strip()
        return "n°" + number, 0, number
    if not first.isdigit():
        # A legal reference: "l. 1234-5", "lo.176", "l1234-5" -> "l.1234-5".
        m = _LEGAL.match(_SPACES.sub("", token))
        if m:
            return f"{m[1]}.{m[2]}", 0, m[2]
    return token, 0, None


normalize_token = _normalize


def tokens(text: str, *, extras: bool = False) -> list[str]:
    """The folded terms of a text, in order (stop words included).

    With ``extras``, the bare number of a reference follows it (same position
    for the index, see :func:`positions`).
    """
    raw = TOKEN_RE.findall(fold(text))
    out: list[str] = []
    append = out.append
    for token in raw:
        if token.isalpha():
            append(token)
            continue
        term, _, extra = _normalize(token)
        append(term)
        if extras and extra:
            append(extra)
    return out


def positions(text: str) -> dict[str, list[int]]:
    """Folded terms (stop words included) -> their positions, extra terms sharing one."""
    result: dict[str, list[int]] = {}
    get = result.get
    for pos, token in enumerate(TOKEN_RE.findall(fold(text))):
        if token.isalpha():
            plist = get(token)
            if plist is None:
                result[token] = [pos]
            else:
                plist.append(pos)
            continue
        term, _, extra = _normalize(token)
        for name in (term, extra) if extra else (term,):
            plist = get(name)
            if plist is None:
                result[name] = [pos]
            else:
                plist.append(pos)
    return result


# -- stop words and stemming ---------------------------------------------------

#: Folded French stop words.  Content words that generic lists swallow are kept:
#: "été" (summer), "non", "sans", "contre", "plus", "pas" (negation matters here).
_STOP_TEXT = """
    a à ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions
    aurons auront aux avaient avais avait avec avez aviez avions avons ayant ayez ayons
    c ce ces cet cette d dans de des du elle elles en es est et eu eue eues eus eut eux
    il ils j je l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou
    par pour qu que qui quoi s sa se sera serai seraient serais serait seras serez seriez serions
    serons seront ses soient sois soit sommes son sont soyez soyons suis sur t ta te tes toi ton tu
    un une vos votre vous y
    était étaient étais étant étiez étions êtes
    jusqu lorsqu puisqu quoiqu presqu
"""
STOP_WORDS: frozenset[str] = frozenset(fold(w) for w in _STOP_TEXT.split())
#: Each stop word's number (1 to 254): the positions in the index note the stop words around
#: each word by these numbers (see schema.RunPositions).
STOP_IDS: dict[str, int] = {w: i for i, w in enumerate(sorted(STOP_WORDS), start=1)}
assert len(STOP_IDS) < 255


class _Stems:
    """Thread-safe cached French stemmer (the C stemmer object is not shareable across threads)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self.cache: dict[str, str] = {}

    def _stemmer(self) -> Stemmer.Stemmer:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = Stemmer.Stemmer("french", 100_000)
            self._local.stemmer = stemmer
        return stemmer

    def words(self, words: list[str]) -> list[str]:
        cache = self.cache
        missing = [w for w in set(words) if w not in cache]
        if missing:
            if len(cache) > 500_000:
                cache.clear()
            for word, stem in zip(missing, self._stemmer().stemWords(missing), strict=True):
                # Numbers and references are not words: the stemmer would clip "1er".
                cache[word] = stem if word.isalpha() else word
        return [cache[w] for w in words]

    def word(self, word: str) -> str:
        stem = self.cache.get(word)
        if stem is None:
            stem = self.words([word])[0]
        return stem


_STEMS = _Stems()


def stem(word: str) -> str:
    """Stem one folded word."""
    return _STEMS.word(word)


def stem_cache() -> dict[str, str]:
    """The stem cache (folded word -> stem), for hot loops that look up before calling :func:`stem`."""
    return _STEMS.cache


def stem_all(words: list[str]) -> list[str]:
    """Stem folded words, in order."""
    return _STEMS.words(words)


def stemmed_terms(text: str) -> list[str]:
    """The terms of a text for a stemmed field: folded, stop words dropped, stemmed."""
    stops = STOP_WORDS
    return _STEMS.words([t for t in tokens(text, extras=True) if t not in stops])


def exact_terms(text: str) -> list[str]:
    """The terms of a text for an exact field: folded, every word kept, unstemmed."""
    return tokens(text)


def stem_key(term: str) -> str | None:
    """The stemmed-field term of one folded term, None for a stop word."""
    if term in STOP_WORDS:
        return None
    return _STEMS.word(term)


# -- one pass for both twin fields (indexing) ------------------------------------


class _TermInfo(dict[str, tuple[str, str | None]]):
    """Folded raw token -> (term, extra term or None); filled on first sight (cache)."""

    def __missing__(self, token: str) -> tuple[str, str | None]:
        if token.isalpha():
            info: tuple[str, str | None] = (token, None)
        else:
            term, _, extra = _normalize(token)
            info = (term, extra or None)
        if len(self) > 500_000:
            self.clear()
        self[token] = info
        return info


class _StemKeys(dict[str, str]):
    """Folded term -> its stemmed-field term, "" for a stop word (cache)."""

    def __missing__(self, term: str) -> str:
        key = "" if term in STOP_WORDS else _STEMS.word(term)
        if len(self) > 500_000:
            self.clear()
        self[term] = key
        return key


_TERM_INFO = _TermInfo()
_STEM_KEYS = _StemKeys()


@dataclass(frozen=True, slots=True)
class Analysed:
    """A text analysed once for its two index fields (exact with positions, stemmed with counts)."""

    positions: dict[str, list[int]]
    stems: dict[str, int]
    stem_length: int
    #: (term, extra term or None) at each position, in order.
    sequence: list[tuple[str, str | None]]


_NOTHING = Analysed({}, {}, 0, [])
#: The last text analysed and its result (one tuple, read and replaced atomically).
_LAST_ANALYSED: list[tuple[str, Analysed]] = [("", _NOTHING)]


def analysed(text: str) -> Analysed:
    """:func:`positions` and the counts of :func:`stemmed_terms` of one text, in one pass.

    The stemmed terms are derived from the exact terms (one tokenizing pass,
    stems looked up once per distinct term).  The last result is kept: the
    exact and stemmed twins of a field pass the same string one after the other.
    """
    last = _LAST_ANALYSED[0]
    if last[0] is text:
        return last[1]
    infos = list(map(_TERM_INFO.__getitem__, TOKEN_RE.findall(fold(text))))
    result: dict[str, list[int]] = {}
    get = result.get
    for pos, (term, extra) in enumerate(infos):
        plist = get(term)
        if plist is None:
            result[term] = [pos]
        else:
            plist.append(pos)
        if extra is not None:
            plist = get(extra)
            if plist is None:
                result[extra] = [pos]
            else:
                plist.append(pos)
    stems: dict[str, int] = {}
    stem_keys = _STEM_KEYS
    length = 0
    for term, plist in result.items():
        key = stem_keys[term]
        if key:
            n = len(plist)
            stems[key] = stems.get(key, 0) + n
            length += n
    out = Analysed(result, stems, length, infos)
    _LAST_ANALYSED[0] = (text, out)
    return out


# -- tokens with their place in the original text (highlighting) --------------


@dataclass(frozen=True, slots=True)
class Span:
    """One token of an original text: where it is, and its folded term."""

    start: int
    end: int
    term: str


class _SpanInfo(dict[str, tuple[int, str]]):
    """Raw lowered token -> (offset of its term in it, folded term); filled on first sight (cache)."""

    def __missing__(self, raw: str) -> tuple[int, str]:
        token = raw.translate(_FOLD)
        if token.isalpha():
            info = (0, token)
        else:
            term, offset, _ = _normalize(token)
            # The offset is counted in the folded token: an elided prefix never holds a
            # character that folding widens, so it holds in the original text too.
            info = (offset, term)
        if len(self) > 500_000:
            self.clear()
        self[raw] = info
        return info


_SPAN_INFO = _SpanInfo()


def span_info(raw: str) -> tuple[int, str]:
    """A raw lowered token's (offset of its term in it, folded term), as :func:`span_list` reads it."""
    return _SPAN_INFO[raw]


def span_list(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded term)`` of every token of ``text`` (elided article excluded)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # A few characters grow when lowered ("İ"): lower one by one, keep the length.
        lowered = "".join(c.lower()[:1] or c for c in text)
    info = _SPAN_INFO
    out: list[tuple[int, int, str]] = []
    append = out.append
    for match in TOKEN_RE.finditer(lowered):
        offset, term = info[match.group()]
        start, end = match.span()
        append((start + offset, end, term))
    return out


def span_tuples(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, folded term)`` of every token of ``text`` (elided article excluded)."""
    yield from span_list(text)


def spans(text: str) -> Iterator[Span]:
    """Every token of ``text`` with its offsets in ``text`` (elided article excluded)."""
    for start, end, term in span_tuples(text):
        yield Span(start, end, term)


def all_terms(texts: Iterable[str | None]) -> list[str]:
    """Folded terms of several texts (for tests and diagnostics)."""
    out: list[str] = []
    for text in texts:
        if text:
            out.extend(tokens(text))
    return out
