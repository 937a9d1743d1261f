"""The search box language, for people who never read a manual.

- Plain words must all match (AND), ranked by relevance (BM25F).
- ``OU``/``OR`` between alternatives (binds tighter than the implicit ET:
  ``hôpital public OU privé`` is hôpital ET (public OU privé)), ``ET``/``AND``,
  ``SAUF``/``NOT``/``-mot``; operators are recognised in capitals only,
  since "et" and "ou" are ordinary words in a French sentence.
- ``(…)``, ``"phrase exacte"`` (also « … »), ``"mots proches"~5``,
  ``prefix*``, ``h?pital``, ``mot~`` (one typo allowed; ``mot~2`` two).
- Fields: ``auteur:``, ``groupe:``, ``rubrique:``, ``analyse:``, ``ministere:``,
  ``question:``, ``reponse:``, ``legislature:``, ``type:``, ``statut:``
  (repondue / en-attente / retiree / caduque), ``numero:``, and dates
  ``date:2011``, ``date:2011-03``, ``date:01/03/2011..30/06/2011``,
  ``reponse-le:>2012``, ``delai:>365``; "mars 2011" or "8 mars 2011" in
  plain text is a question date.
- A question number or reference (``101851``, ``13-101851QE``, a uid) puts
  that question first.

:func:`parse_query` never raises: what it cannot read becomes a French
warning and the rest is searched.  The result carries the Whoosh query,
the interpretation in French words, the references to pin and the terms to
highlight.

Whatever is typed or pasted, the work is bounded: the text read
(``MAX_QUERY_CHARS``), the terms searched (``MAX_QUERY_TERMS``), the depth of
parentheses (``MAX_NESTING``, so the recursive parser never meets Python's
recursion limit) and the jokers of one word (``MAX_JOKERS``); what is left
out is said in a warning.  Prefixes, wildcards and fuzzy words are capped at
their expansion (``matching.MAX_EXPANSION``).
"""

from __future__ import annotations

import calendar
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from qe_desktop.dates import format_date_fr, month_number
from qe_desktop.labels import (
    STATUS_QUERY_CHOICES,
    TYPE_QUERY_CHOICES,
    legislature_label,
    status_label,
    status_of_word,
    type_label,
    type_of_word,
    uncapitalised,
)
from qe_desktop.references import Reference, parse_reference
from qe_desktop.search import analysis, nodes

# -- bounds ----------------------------------------------------------------------
# Far above what a person types or pastes, far below what makes a search slow.

#: Characters of a query read; the rest is ignored.  A pasted page of text is about
#: 3,000 characters; this keeps the lexer and the parser (linear) in milliseconds.
MAX_QUERY_CHARS = 20_000
#: Terms searched: words (each word of an expression counts), patterns, criteria,
#: question numbers.  A pasted paragraph of a few hundred words passes, as words or as
#: an expression; beyond, each term costs a scan of its postings (a few ms at 133,000
#: questions), so the rest is dropped.
MAX_QUERY_TERMS = 1_000
#: Levels of parentheses kept.  People write two or three; the parser is recursive
#: (four Python frames a level), so deeper ones are dropped, never a RecursionError.
MAX_NESTING = 16
#: Jokers (``*``, ``?``) in one word: ``h?pit*`` has two.  ``a*a*a*…`` is a slip of the
#: keyboard, not a word anyone means, and every joker is one more step of the expression
#: each word of the index (and of every text highlighted) is matched against.
MAX_JOKERS = 5
#: Words with a joker or a tolerance (``hôpit*``, ``h?pital``, ``hopitl~``): each one
#: walks the index's word list (a fuzzy word: about 0.2 s at 20,000 questions) and may
#: search up to ``matching.MAX_EXPANSION`` words per field.  People write one or two.
MAX_PATTERNS = 5
#: Longest word read as a fuzzy word (``mot~``): the longest French words have about
#: 25 letters, and matching a fuzzy word costs in proportion to its length (4 s for
#: 2,000 letters at 20,000 questions).
MAX_FUZZY_CHARS = 40

# -- highlight terms -------------------------------------------------------------

PANES: tuple[str, ...] = ("question", "answer")


@dataclass(frozen=True, slots=True)
class HighlightTerms:
    """What to mark in a text: stems, exact words, prefixes, fuzzy words and phrases."""

    stems: frozenset[str] = frozenset()
    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.stems or self.exact or self.prefixes or self.fuzzy or self.phrases)

    def merged(self, other: HighlightTerms) -> HighlightTerms:
        return HighlightTerms(
            self.stems | other.stems,
            self.exact | other.exact,
            self.prefixes + other.prefixes,
            self.fuzzy + other.fuzzy,
            self.phrases + other.phrases,
        )


@dataclass
class _Marks:
    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    fuzzy: list[tuple[str, int]] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)

    def frozen(self) -> HighlightTerms:
        return HighlightTerms(
            frozenset(self.stems),
            frozenset(self.exact),
            tuple(dict.fromkeys(self.prefixes)),
            tuple(dict.fromkeys(self.fuzzy)),
            tuple(dict.fromkeys(self.phrases)),
        )


# -- the parsed query ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as understood: Whoosh query, French interpretation, warnings, pins, marks."""

    text: str
    query: nodes.Node | None  # None for "every question"
    interpretation: str
    warnings: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    highlight: dict[str, HighlightTerms] = field(default_factory=dict)

    def marks(self, pane: str) -> HighlightTerms:
        """Terms to mark in one pane ("question" or "answer"); both merged for "any"."""
        if pane in self.highlight:
            return self.highlight[pane]
        result = HighlightTerms()
        for terms in self.highlight.values():
            result = result.merged(terms)
        return result


# -- lexer -----------------------------------------------------------------------------

_OPS = {
    "ET": "AND",
    "AND": "AND",
    "&&": "AND",
    "OU": "OR",
    "OR": "OR",
    "||": "OR",
    "SAUF": "NOT",
    "NOT": "NOT",
}
_QUOTES = {'"': '"', "«": "»", "“": "”"}
_FIELD_RE = re.compile(r"^([^\W\d_][\w\-éèêàç]*):(.*)$", re.DOTALL)
_SLOP_RE = re.compile(r"~(\d{0,2})")
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(", ")", "WORD", "PHRASE", "OP", "FIELD", "DATE"
    text: str
    slop: int | None = None
    negate: bool = False


def _lex(text: str, warnings: list[str]) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(text)
    negate_next = False
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            out.append(_Tok(c, c, negate=negate_next and c == "("))
            negate_next = False
            i += 1
            continue
        if c in _QUOTES:
            close = _QUOTES[c]
            end = text.find(close, i + 1)
            if end < 0:
                warnings.append(
                    f"Guillemet {c} non refermé : l'expression va jusqu'à la fin de la recherche."
                )
                end = n
            phrase = text[i + 1 : end]
            i = min(end + 1, n)
            slop = None
            m = _SLOP_RE.match(text, i)
            if m:
                slop = int(m[1]) if m[1] else 5
                i = m.end()
            out.append(_Tok("PHRASE", phrase, slop, negate_next))
            negate_next = False
            continue
        # A word runs to the next space, parenthesis or opening quote.
        j = i
        while j < n and not text[j].isspace() and text[j] not in "()" and text[j] not in _QUOTES:
            j += 1
        word = text[i:j]
        i = j
        if word in _OPS:
            out.append(_Tok("OP", _OPS[word]))
            continue
        if word in ("-", "+", "!"):
            negate_next = word != "+"
            continue
        if word.startswith("-") and len(word) > 1:
            negate_next, word = True, word[1:]
        elif word.startswith("+") and len(word) > 1:
            word = word[1:]
        m = _FIELD_RE.match(word)
        if m:
            out.append(_Tok("FIELD", m[1], negate=negate_next))
            negate_next = False
            if m[2]:
                out.append(_Tok("WORD", m[2]))
            continue
        out.append(_Tok("WORD", word, negate=negate_next))
        negate_next = False
    return _merge_dates(_shallow(out, warnings))


def _shallow(toks: list[_Tok], warnings: list[str]) -> list[_Tok]:
    """Parentheses nested deeper than ``MAX_NESTING`` dropped, with their closing ones."""
    out: list[_Tok] = []
    kept: list[bool] = []  # for each open parenthesis: was it kept?
    depth = 0
    for tok in toks:
        if tok.kind == "(":
            keep = depth < MAX_NESTING
            kept.append(keep)
            if not keep:
                warnings.append(
                    f"Parenthèses imbriquées sur plus de {MAX_NESTING} niveaux : "
                    "les plus profondes sont ignorées."
                )
                continue
            depth += 1
        elif tok.kind == ")" and kept:
            if not kept.pop():
                continue
            depth -= 1
        out.append(tok)
    return out


def _merge_dates(toks: list[_Tok]) -> list[_Tok]:
    """``mars 2011`` and ``8 mars 2011`` (plain words) become one date token."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if (
            tok.kind == "WORD"
            and month_number(tok.text) is not None
            and i + 1 < len(toks)
            and toks[i + 1].kind == "WORD"
            and _YEAR_RE.match(toks[i + 1].text)
            and not (out and out[-1].kind == "FIELD")
        ):
            label = f"{tok.text} {toks[i + 1].text}"
            if out and out[-1].kind == "WORD" and re.fullmatch(r"(\d{1,2})(er)?", out[-1].text):
                label = f"{out.pop().text} {label}"
            out.append(_Tok("DATE", label, negate=tok.negate))
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


# -- AST ---------------------------------------------------------------------------


@dataclass
class _Node:
    pass


@dataclass
class _Text(_Node):
    text: str
    scope: str | None  # canonical field, None = every text field
    kind: str = "word"  # word | prefix | wildcard | fuzzy | phrase | near
    arg: int = 0  # fuzzy distance or proximity slop


@dataclass
class _Bool(_Node):
    op: str  # AND | OR
    items: list[_Node]


@dataclass
class _Not(_Node):
    item: _Node


@dataclass
class _Criterion(_Node):
    """A compiled criterion that is not text: legislature, type, status, dates."""

    query: nodes.Node
    words: str


@dataclass
class _Pin(_Node):
    ref: Reference
    label: str
    text: str = ""
    keep_text: bool = False  # also search the typed text (a bare number, or "96-1220" may be a decree)


# -- fields -----------------------------------------------------------------------

#: Folded field names users type -> canonical field.
FIELD_ALIASES: dict[str, str] = {
    "auteur": "auteur",
    "author": "auteur",
    "depute": "auteur",
    "deputee": "auteur",
    "groupe": "groupe",
    "group": "groupe",
    "rubrique": "rubrique",
    "theme": "rubrique",
    "analyse": "analyse",
    "titre": "analyse",
    "sujet": "analyse",
    "tete-analyse": "analyse",
    "ministere": "ministere",
    "ministre": "ministere",
    "question": "question",
    "texte": "question",
    "reponse": "reponse",
    "legislature": "legislature",
    "leg": "legislature",
    "type": "type",
    "statut": "statut",
    "status": "statut",
    "etat": "statut",
    "date": "date",
    "publiee": "date",
    "date-question": "date",
    "reponse-le": "reponse-le",
    "repondue-le": "reponse-le",
    "date-reponse": "reponse-le",
    "delai": "delai",
    "numero": "numero",
    "num": "numero",
    "no": "numero",
    "n": "numero",
    "ref": "numero",
    "reference": "numero",
    "note": "note",
    "notes": "note",
    "annotation": "note",
    "annotations": "note",
    "annotee": "note",
    "annotees": "note",
}

#: Stemmed fields and their positional exact twins; word fields are their own twin.
_STEMMED = {"analyse": "analyse_exact", "question": "question_exact", "reponse": "reponse_exact"}
_WORDS = ("rubrique", "auteur", "groupe", "ministere")
#: Plain words search these (field, boost).
DEFAULT_FIELDS: tuple[tuple[str, float], ...] = (("analyse", 3.0), ("question", 1.0), ("reponse", 1.0))
_DEFAULT_WORD_FIELDS: tuple[tuple[str, float], ...] = (("rubrique", 2.0),)
_EXACT_DEFAULT: tuple[tuple[str, float], ...] = (
    ("analyse_exact", 3.0),
    ("question_exact", 1.0),
    ("reponse_exact", 1.0),
    ("rubrique", 2.0),
)

_SCOPE_WORDS = {
    "analyse": "dans l'analyse",
    "question": "dans le texte de la question",
    "reponse": "dans la réponse",
    "rubrique": "en rubrique",
    "auteur": "de l'auteur",
    "groupe": "du groupe",
    "ministere": "du ministère",
}

# -- parser ------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[_Tok], warnings: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.warnings = warnings
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> _Node | None:
        items: list[_Node] = []
        while self.peek() is not None:
            node = self.and_expr()
            if node is not None:
                items.append(node)
            tok = self.peek()
            if tok is not None and tok.kind == ")":
                self.next()
                self.warnings.append("Parenthèse fermante en trop : ignorée.")
        return _and(items)

    def and_expr(self) -> _Node | None:
        items: list[_Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                break
            if tok.kind == "OP" and tok.text == "AND":
                self.next()
                if not items:
                    self.warnings.append("Opérateur ET sans terme avant lui : ignoré.")
                continue
            if tok.kind == "OP" and tok.text == "OR":
                self.next()
                self.warnings.append("Opérateur OU sans terme avant lui : ignoré.")
                continue
            node = self.or_expr()
            if node is not None:
                items.append(node)
        return _and(items)

    def or_expr(self) -> _Node | None:
        first = self.unary()
        items = [first] if first is not None else []
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "OP" or tok.text != "OR":
                break
            self.next()
            after = self.peek()
            if after is None or after.kind == ")" or (after.kind == "OP" and after.text != "NOT"):
                self.warnings.append("Opérateur OU sans terme après lui : ignoré.")
                break
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else _Bool("OR", items)

    def unary(self) -> _Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "OP" and tok.text == "NOT":
            self.next()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OP"):
                self.warnings.append("Opérateur SAUF sans terme après lui : ignoré.")
                return None
            inner = self.unary()
            return _Not(inner) if inner is not None else None
        node = self.primary()
        if node is not None and tok.negate and tok.kind != "FIELD":
            return _Not(node)
        return node

    def primary(self) -> _Node | None:
        tok = self.next()
        if tok.kind == "(":
            self.depth += 1
            inner = self.and_expr()
            self.depth -= 1
            close = self.peek()
            if close is not None and close.kind == ")":
                self.next()
            else:
                self.warnings.append("Parenthèse non refermée : refermée à la fin de la recherche.")
            return inner
        if tok.kind == ")":
            self.warnings.append("Parenthèse fermante en trop : ignorée.")
            return None
        if tok.kind == "PHRASE":
            return self.phrase(tok, None)
        if tok.kind == "DATE":
            return self.date("date", tok.text)
        if tok.kind == "FIELD":
            return self.field(tok)
        if tok.kind == "OP":
            return None
        return self.word(tok.text, None)

    # -- leaves --

    def word(self, text: str, scope: str | None) -> _Node | None:
        if text == "*":
            return _Criterion(nodes.Every(), "toutes les questions")
        if scope is None and not any(c in text for c in "*?~"):
            ref = _reference(text)
            if ref is not None:
                return ref
        m = re.fullmatch(r"(.+?)~(\d?)", text)
        if m and m[1]:
            dist = int(m[2]) if m[2] else 1
            if dist > 2:
                self.warnings.append(f"« {_shown(text)} » : au plus 2 fautes tolérées.")
                dist = 2
            if len(m[1]) > MAX_FUZZY_CHARS:
                self.warnings.append(
                    f"« {_shown(text)} » : mot de plus de {MAX_FUZZY_CHARS} lettres, "
                    "cherché sans faute tolérée."
                )
                # Every trailing "~" at once: one call per "~" would recurse as deep as they are many.
                bare = re.sub(r"(?:~\d?)+$", "", m[1])
                return self.word(bare, scope) if bare else None
            return _Text(m[1], scope, "fuzzy", dist)
        jokers = text.count("*") + text.count("?")
        if jokers > MAX_JOKERS:
            self.warnings.append(
                f"« {_shown(text)} » : plus de {MAX_JOKERS} jokers (* ou ?) dans un même mot : ignoré."
            )
            return None
        if text.endswith("*") and "*" not in text[:-1] and "?" not in text:
            stem = text[:-1]
            if len(analysis.fold(stem)) < 2:
                self.warnings.append(
                    f"« {text} » : au moins deux lettres avant l'étoile ; cherché comme mot."
                )
                return self.word(stem, scope) if stem else None
            return _Text(stem, scope, "prefix")
        if "*" in text or "?" in text:
            if len(analysis.fold(text.replace("*", "").replace("?", ""))) < 2:
                self.warnings.append(f"« {_shown(text)} » : joker trop large, ignoré.")
                return None
            return _Text(text, scope, "wildcard")
        if not analysis.tokens(text):
            return None
        return _Text(text, scope)

    def phrase(self, tok: _Tok, scope: str | None) -> _Node | None:
        if not analysis.tokens(tok.text):
            if tok.text.strip():
                self.warnings.append(f"Expression « {tok.text} » sans mot cherchable : ignorée.")
            return None
        if tok.slop:
            return _Text(tok.text, scope, "near", tok.slop)
        return _Text(tok.text, scope, "phrase")

    def field(self, tok: _Tok) -> _Node | None:
        key = analysis.fold(tok.text)
        name = FIELD_ALIASES.get(key)
        value_tok = self.peek()
        if name is None:
            self.warnings.append(f"Champ inconnu « {tok.text}: » : cherché comme mot.")
            as_word = self.word(tok.text, None)
            return _Not(as_word) if as_word is not None and tok.negate else as_word
        if value_tok is None or value_tok.kind in (")", "OP"):
            self.warnings.append(f"« {tok.text}: » sans valeur : ignoré.")
            return None
        node: _Node | None
        if value_tok.kind == "(":
            if name in _STEMMED or name in _WORDS:
                self.next()
                self.depth += 1
                inner = self._scoped_group(name)
                self.depth -= 1
                node = inner
            else:
                self.next()
                inner_nodes: list[_Node] = []
                while (t := self.peek()) is not None and t.kind != ")":
                    t = self.next()
                    if t.kind in ("WORD", "PHRASE", "DATE"):
                        sub = self._criterion(name, t.text)
                        if sub is not None:
                            inner_nodes.append(sub)
                if self.peek() is not None:
                    self.next()
                node = (
                    _Bool("OR", inner_nodes)
                    if len(inner_nodes) > 1
                    else (inner_nodes[0] if inner_nodes else None)
                )
        else:
            value = self.next()
            if name in _STEMMED or name in _WORDS:
                node = self.phrase(value, name) if value.kind == "PHRASE" else self.word(value.text, name)
            else:
                node = self._criterion(name, value.text)
        if node is not None and tok.negate:
            return _Not(node)
        return node

    def _scoped_group(self, scope: str) -> _Node | None:
        """``rubrique:(santé OU sécurité)``: parse the group, then scope its text leaves."""
        inner = self.and_expr()
        close = self.peek()
        if close is not None and close.kind == ")":
            self.next()
        else:
            self.warnings.append("Parenthèse non refermée : refermée à la fin de la recherche.")
        if inner is not None:
            _scope(inner, scope)
        return inner

    def _criterion(self, name: str, value: str) -> _Node | None:
        if name in ("date", "reponse-le"):
            return self.date(name, value)
        if name == "delai":
            return self.delay(value)
        if name == "legislature":
            return self.legislature(value)
        if name == "type":
            code = type_of_word(value)
            if code is None:
                self.warnings.append(f"Type inconnu « {value} » ({TYPE_QUERY_CHOICES}) : critère ignoré.")
                return None
            return _Criterion(
                nodes.Term("type", code), f"{uncapitalised(type_label(code, plural=True))} ({code})"
            )
        if name == "statut":
            status = status_of_word(analysis.fold(value))
            if status is None:
                self.warnings.append(f"Statut inconnu « {value} » ({STATUS_QUERY_CHOICES}) : critère ignoré.")
                return None
            return _Criterion(nodes.Term("status", status), f"statut « {status_label(status)} »")
        if name == "note":
            words = "" if value.strip() in ("*", "oui") else " ".join(value.split())
            shown = f" dont une note ou un passage contient « {_shown(words)} »" if words else ""
            return _Criterion(nodes.Annotated(words), f"les questions annotées{shown}")
        if name == "numero":
            ref = _reference(value)
            if ref is None:
                self.warnings.append(f"Numéro illisible « {value} » : ignoré.")
            return ref
        return None

    def legislature(self, value: str) -> _Node | None:
        m = re.fullmatch(r"\s*(\d{1,2})\s*(?:\.\.|-)\s*(\d{1,2})\s*", value)
        if m:
            lo, hi = sorted((int(m[1]), int(m[2])))
            terms: list[nodes.Node] = [nodes.Term("legislature", str(n)) for n in range(lo, hi + 1)]
            words = f"législatures {lo} à {hi}"
            if int(m[1]) > int(m[2]):
                self._swapped("legislature", value, words)
            return _Criterion(nodes.Or(tuple(terms)), words)
        m = re.fullmatch(r"\s*(\d{1,2})(?:e|ème|eme)?\s*", value)
        if not m:
            self.warnings.append(f"Législature illisible « {value} » : critère ignoré.")
            return None
        return _Criterion(nodes.Term("legislature", str(int(m[1]))), legislature_label(int(m[1])))

    def delay(self, value: str) -> _Node | None:
        m = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*(?:j|jours?)?\s*", value)
        if m:
            first, last = sorted((int(m[1]), int(m[2])))
            words = f"réponse en {first} à {last} jours"
            if int(m[1]) > int(m[2]):
                self._swapped("delai", value, words)
            return _Criterion(nodes.Range("delai", first, last), words)
        m = re.fullmatch(r"\s*(>=|<=|>|<)?\s*(\d+)\s*(?:j|jours?)?\s*", value)
        if not m:
            self.warnings.append(
                f"Délai illisible « {_shown(value)} » (par exemple delai:>365 ou delai:30..90) : "
                "critère ignoré."
            )
            return None
        op, days = m[1] or "=", int(m[2])
        lo, hi = {
            ">": (days + 1, None),
            ">=": (days, None),
            "<": (None, days - 1),
            "<=": (None, days),
            "=": (days, days),
        }[op]
        words = {
            ">": f"plus de {days} jours",
            ">=": f"au moins {days} jours",
            "<": f"moins de {days} jours",
            "<=": f"au plus {days} jours",
            "=": f"{days} jours",
        }[op]
        return _Criterion(nodes.Range("delai", lo, hi), f"réponse en {words}")

    def date(self, name: str, value: str) -> _Node | None:
        target = "qdate" if name == "date" else "adate"
        subject = "question publiée" if name == "date" else "réponse publiée"
        parsed = _date_range(value)
        if parsed is None:
            self.warnings.append(
                f"Date illisible « {_shown(value)} » (par exemple 2011, 2011-03, mars 2011, "
                "01/03/2011..30/06/2011, >2012) : critère ignoré."
            )
            return None
        lo, hi, words, swapped = parsed
        if swapped:
            self._swapped(name, value, f"{subject} {words}")
        return _Criterion(nodes.Range(target, lo, hi), f"{subject} {words}")

    def _swapped(self, name: str, value: str, words: str) -> None:
        """Say that a range typed end first (``date:2012..2011``) is searched the right way round."""
        self.warnings.append(f"Bornes inversées dans « {name}:{value.strip()} » : échangées ({words}).")


def _thousands(number: int) -> str:
    """``20 000``: thousands apart by a narrow no-break space, as French writes them."""
    return f"{number:,}".replace(",", "\u202f")


def _shown(text: str, width: int = 40) -> str:
    """A word as quoted in a warning: a pasted wall of text cut short."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _scope(node: _Node, scope: str) -> None:
    if isinstance(node, _Text) and node.scope is None:
        node.scope = scope
    elif isinstance(node, _Bool):
        for item in node.items:
            _scope(item, scope)
    elif isinstance(node, _Not):
        _scope(node.item, scope)


def _and(items: list[_Node]) -> _Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else _Bool("AND", items)


_REF_TEXT = re.compile(
    r"^(?:QANR5L\d{1,2}(?:QE|QG|QOSD)\d+|\d{1,2}-\d+(?:QE|QG|QOSD)?|\d{1,6})$", re.IGNORECASE
)


def _reference(text: str) -> _Pin | None:
    if not _REF_TEXT.match(text.strip()):
        return None
    ref = parse_reference(text)
    if ref is None or (ref.legislature is not None and not 1 <= ref.legislature <= 20):
        return None
    if ref.legislature is None:
        label = f"n° {ref.number}"
    else:
        label = f"{ref.legislature}-{ref.number}{ref.type or 'QE'}"
    explicit = ref.legislature is not None and (
        text.upper().startswith("QAN") or text.upper().endswith(("QE", "QG", "QOSD"))
    )
    return _Pin(ref, label, text.strip(), keep_text=not explicit)


# -- dates ---------------------------------------------------------------------------


def _bound(text: str) -> tuple[int, int, str] | None:
    """One date as typed -> (first day, last day, French words) as YYYYMMDD."""
    t = text.strip().lower()
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        y = int(m[1])
        return y * 10000 + 101, y * 10000 + 1231, f"en {y}"
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", t) or re.fullmatch(r"(\d{1,2})/(\d{4})", t)
    if m:
        a, b = int(m[1]), int(m[2])
        y, mo = (a, b) if a > 31 else (b, a)
        if not 1 <= mo <= 12:
            return None
        last = calendar.monthrange(y, mo)[1]
        return y * 10000 + mo * 100 + 1, y * 10000 + mo * 100 + last, f"en {_month_words(mo, y)}"
    m = re.fullmatch(r"([^\W\d_]+)[\s-]+(\d{4})", t)
    if m:
        mo_n = month_number(m[1])
        if mo_n is None:
            return None
        y = int(m[2])
        last = calendar.monthrange(y, mo_n)[1]
        return y * 10000 + mo_n * 100 + 1, y * 10000 + mo_n * 100 + last, f"en {_month_words(mo_n, y)}"
    iso = _day(t)
    if iso is None:
        return None
    n = int(iso.replace("-", ""))
    return n, n, f"le {format_date_fr(iso)}"


def _day(text: str) -> str | None:
    from qe_desktop.dates import parse_date

    try:
        return parse_date(text.replace("-", " ") if re.search(r"[^\W\d_]", text) else text)
    except ValueError:
        return None


def _month_words(month: int, year: int) -> str:
    from qe_desktop.dates import MONTHS_FR

    return f"{MONTHS_FR[month - 1]} {year}"


def _date_range(value: str) -> tuple[int | None, int | None, str, bool] | None:
    """A date criterion as typed -> (first day, last day, French words, bounds were swapped)."""
    v = value.strip()
    m = re.fullmatch(r"(>=|<=|>|<)\s*(.+)", v)
    if m:
        b = _bound(m[2])
        if b is None:
            return None
        lo, hi, words = b
        plain = words.removeprefix("en ").removeprefix("le ")
        return {
            ">": (hi + 1, None, f"après {plain}", False),
            ">=": (lo, None, f"depuis {plain}", False),
            "<": (None, lo - 1, f"avant {plain}", False),
            "<=": (None, hi, f"jusqu'à {plain}", False),
        }[m[1]]
    if ".." in v:
        left, _, right = v.partition("..")
        lb = _bound(left) if left.strip() else None
        rb = _bound(right) if right.strip() else None
        if (left.strip() and lb is None) or (right.strip() and rb is None) or (lb is None and rb is None):
            return None
        # "2012..2011" (the whole first period after the second) is read the right way round.
        swapped = lb is not None and rb is not None and lb[0] > rb[1]
        if swapped:
            lb, rb, left, right = rb, lb, right, left
        low = lb[0] if lb else None
        high = rb[1] if rb else None
        lw = _plain_date(left) if lb else ""
        rw = _plain_date(right) if rb else ""
        if lb and rb:
            return low, high, f"entre {lw} et {rw}", swapped
        return (low, None, f"depuis {lw}", False) if lb else (None, high, f"jusqu'à {rw}", False)
    b = _bound(v)
    return None if b is None else (*b, False)


def _plain_date(text: str) -> str:
    b = _bound(text)
    if b is None:
        return text
    return b[2].removeprefix("en ").removeprefix("le ")


# -- compiling ----------------------------------------------------------------------


def _exact_fields(scope: str | None) -> tuple[tuple[str, float], ...]:
    if scope is None:
        return _EXACT_DEFAULT
    if scope in _STEMMED:
        return ((_STEMMED[scope], 1.0),)
    return ((scope, 1.0),)


_or = nodes.any_of


class _Compiler:
    def __init__(self) -> None:
        self.marks: dict[str, _Marks] = {pane: _Marks() for pane in PANES}
        self.pins: list[Reference] = []
        self.pin_labels: list[str] = []
        # What is left of the bounds; leaves beyond them compile to nothing (and are said).
        self.terms_left = MAX_QUERY_TERMS
        self.patterns_left = MAX_PATTERNS
        self.terms_dropped = False
        self.patterns_dropped = False

    def spend(self, terms: int) -> int:
        """Take up to ``terms`` from the budget of terms: how many were granted."""
        granted = min(terms, self.terms_left)
        self.terms_left -= granted
        if granted < terms:
            self.terms_dropped = True
        return granted

    def spend_pattern(self) -> bool:
        """Take one pattern (prefix, wildcard, fuzzy word) from its budget, and one term."""
        if not self.patterns_left:
            self.patterns_dropped = True
            return False
        if not self.spend(1):
            return False
        self.patterns_left -= 1
        return True

    def _panes(self, scope: str | None) -> list[_Marks]:
        if scope is None:
            return list(self.marks.values())
        if scope == "question":
            return [self.marks["question"]]
        if scope == "reponse":
            return [self.marks["answer"]]
        return []

    def compile(self, node: _Node, negated: bool = False) -> tuple[nodes.Node | None, str]:
        if isinstance(node, _Bool):
            parts = [self.compile(item, negated) for item in node.items]
            parts = [p for p in parts if p[0] is not None]
            if not parts:
                return None, ""
            if len(parts) == 1:
                return parts[0]
            queries = [p[0] for p in parts if p[0] is not None]
            if node.op == "AND":
                words = parts[0][1]
                for _, part_words in parts[1:]:
                    words += (" " if part_words.startswith("sauf ") else " et ") + part_words
                return nodes.And(tuple(queries)), words
            words = " ou ".join(p[1] for p in parts)
            return nodes.Or(tuple(queries)), f"({words})"
        if isinstance(node, _Not):
            inner, words = self.compile(node.item, not negated)
            if inner is None:
                return None, ""
            return nodes.Not(inner), f"sauf {words}"
        if isinstance(node, _Criterion):
            # A legislature range is as many terms as legislatures.
            cost = max(1, len(nodes.leaves(node.query)))
            if self.spend(cost) < cost:
                return None, ""
            return node.query, node.words
        if isinstance(node, _Pin):
            if not self.spend(1):
                return None, ""
            if not negated:
                self.pins.append(node.ref)
                self.pin_labels.append(node.label)
            return pin_query(node.ref), f"la question {node.label}"
        if isinstance(node, _Text):
            return self.text(node, negated)
        raise TypeError(node)

    def _letters_as_typed(self, typed: str, elided: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The words of a phrase with its lone capital letters (D, C…) read as typed, when that
        reading can find what the elided one cannot: « la ligne du RER D emprunté »,
        « hépatite C chez ».  A letter at the start of the phrase needs none (the elided
        reading finds its texts too), nor one in lower case (a lost apostrophe, as pasted)."""
        words = tuple(analysis.tokens(analysis.restore_elisions(typed, capital_letters=False)))
        if _runs_in(elided, words) or self.terms_left < len(words):
            return []
        self.spend(len(words))
        return [words]

    def text(self, node: _Text, negated: bool) -> tuple[nodes.Node | None, str]:
        scope = node.scope
        paid = False
        where = f" {_SCOPE_WORDS[scope]}" if scope else ""
        panes = [] if negated else self._panes(scope)
        if node.kind in ("phrase", "near") or (node.kind == "word" and len(analysis.tokens(node.text)) > 1):
            # Apostrophes lost in a pasted text (« et de l insertion »): elided words read as such.
            text = analysis.restore_elisions(node.text)
            every = analysis.tokens(text)
            # A pasted expression longer than what is left of the budget: its first words.
            terms = every[: self.spend(len(every))]
            paid = True
            if not terms:
                return None, ""
            if len(terms) == 1:
                node = _Text(text if len(every) == 1 else terms[0], scope)
            else:
                fields = _exact_fields(scope)
                if node.kind == "near":
                    queries: list[nodes.Node] = [nodes.Near(f, tuple(terms), node.arg) for f, _ in fields]
                    for m in panes:
                        m.exact.update(terms)
                    shown = ", ".join(
                        f"« {t} »" for t in (node.text.split() if len(terms) == len(every) else terms)
                    )
                    return _or(queries), f"{shown} à moins de {node.arg} mots d'écart{where}"
                readings = [tuple(terms)]
                if len(terms) == len(every):
                    readings += self._letters_as_typed(node.text, readings[0])
                queries = [nodes.Phrase(f, reading, b) for reading in readings for f, b in fields]
                for m in panes:
                    m.phrases.extend(readings)
                shown = node.text.strip() if len(terms) == len(every) else " ".join(terms) + " …"
                return _or(queries), f"l'expression exacte « {shown} »{where}"
        if node.kind in ("prefix", "wildcard", "fuzzy") and not self.spend_pattern():
            return None, ""
        if node.kind == "prefix":
            prefix = analysis.fold(node.text)
            for m in panes:
                m.prefixes.append(prefix)
            queries = [nodes.Pattern(f, "prefix", prefix, b) for f, b in _exact_fields(scope)]
            return _or(queries), f"les mots commençant par « {node.text} »{where}"
        if node.kind == "wildcard":
            pattern = analysis.fold(node.text)
            # The expression Whoosh matches the pattern with: its atomic groups do not backtrack,
            # where "a.*a.*a.*…" tries a number of ways that grows as a power of the word's length.
            regex = fnmatch.translate(pattern)
            for m in panes:
                m.prefixes.append("re:" + regex)
            queries = [nodes.Pattern(f, "wildcard", pattern, b) for f, b in _exact_fields(scope)]
            return _or(queries), f"les mots de la forme « {node.text} »{where}"
        terms = analysis.tokens(node.text)
        if not terms:
            return None, ""
        term = terms[0]
        if node.kind == "word" and not paid and not self.spend(1):
            return None, ""
        if node.kind == "fuzzy":
            for m in panes:
                m.fuzzy.append((term, node.arg))
            queries = [
                nodes.Pattern(f, "fuzzy", term, b, maxdist=node.arg, prefixlength=1)
                for f, b in _exact_fields(scope)
            ]
            # The stem too, so that "hopitl~" also finds "hôpitaux".
            stem = analysis.stem(term)
            stemmed = DEFAULT_FIELDS if scope is None else ((scope, 1.0),) if scope in _STEMMED else ()
            queries += [
                nodes.Pattern(f, "fuzzy", stem, b, maxdist=node.arg, prefixlength=1) for f, b in stemmed
            ]
            fautes = "une faute" if node.arg == 1 else f"{node.arg} fautes"
            return _or(queries), f"« {node.text} » à {fautes} près{where}"
        key = analysis.stem_key(term)
        if scope in _WORDS:
            for m in panes:
                m.exact.add(term)
            return nodes.Term(scope, term), f"« {node.text} »{where}"
        if key is None:
            # A stop word on its own: only the exact fields know it.
            for m in panes:
                m.exact.add(term)
            return _or([nodes.Term(f, term, b) for f, b in _exact_fields(scope)]), f"« {node.text} »{where}"
        for m in panes:
            m.stems.add(key)
        if scope is None:
            queries = [nodes.Term(f, key, b) for f, b in DEFAULT_FIELDS]
            queries += [nodes.Term(f, term, b) for f, b in _DEFAULT_WORD_FIELDS]
            return nodes.Or(tuple(queries)), f"« {node.text} »"
        return nodes.Term(scope, key), f"« {node.text} »{where}"


def _runs_in(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """``part`` is ``whole`` or a run of words of it (what finds ``whole`` finds ``part``)."""
    n = len(part)
    return any(whole[i : i + n] == part for i in range(len(whole) - n + 1))


def pin_query(ref: Reference) -> nodes.Node:
    """The question(s) a reference names."""
    parts: list[nodes.Node] = [nodes.Term("number", str(ref.number))]
    if ref.legislature is not None:
        parts.append(nodes.Term("legislature", str(ref.legislature)))
    if ref.type is not None:
        parts.append(nodes.Term("type", ref.type))
    return nodes.And(tuple(parts)) if len(parts) > 1 else parts[0]


def _drop_stop_words(node: _Node | None) -> _Node | None:
    """Drop plain stop words from AND lists (a query of stop words only keeps them)."""
    if isinstance(node, _Bool) and node.op == "AND":
        kept: list[_Node] = []
        for item in node.items:
            if isinstance(item, _Text) and item.kind == "word" and item.scope is None:
                terms = analysis.tokens(item.text)
                if len(terms) == 1 and analysis.stem_key(terms[0]) is None:
                    continue
            kept.append(_drop_stop_words(item) or item)
        if not kept:
            return node
        return kept[0] if len(kept) == 1 else _Bool("AND", kept)
    if isinstance(node, _Bool):
        return _Bool(node.op, [_drop_stop_words(i) or i for i in node.items])
    if isinstance(node, _Not):
        return _Not(_drop_stop_words(node.item) or node.item)
    return node


def _plain_pins(node: _Node | None) -> Iterator[_Pin]:
    if isinstance(node, _Pin):
        yield node
    elif isinstance(node, _Bool) and node.op == "AND":
        for item in node.items:
            if isinstance(item, _Pin):
                yield item


def parse_query(text: str) -> ParsedQuery:
    """Understand what a user typed.  Never raises: problems become French warnings.

    ``text`` of the result is the query as read: lone surrogates (undecodable bytes of
    a terminal's argv, a broken paste) replaced by U+FFFD, so that it can be encoded.
    """
    warnings: list[str] = []
    source, replaced = without_lone_surrogates(text or "")
    if replaced:
        warnings.append(
            "La recherche contenait des caractères illisibles (mauvais encodage) : remplacés par « \ufffd »."
        )
    read = source
    if len(read) > MAX_QUERY_CHARS:
        read = read[:MAX_QUERY_CHARS]
        warnings.append(
            f"Recherche trop longue : seuls ses {_thousands(MAX_QUERY_CHARS)} premiers caractères sont lus."
        )
    toks = _lex(read, warnings)
    tree = _Parser(toks, warnings).parse()
    tree = _drop_stop_words(tree)
    # A reference typed on its own, or beside words: pin the question(s) first; the
    # words still search, and a bare number also finds the texts that cite it.
    pins = list(_plain_pins(tree))
    if pins:
        tree = _unpin(tree, pins)
    compiler = _Compiler()
    for pin in pins:
        if compiler.spend(1):
            compiler.pins.append(pin.ref)
            compiler.pin_labels.append(pin.label)
    query, words = (None, "") if tree is None else compiler.compile(tree)
    if query is None and compiler.pins:
        query = nodes.Nothing()  # only the pinned questions
    if compiler.patterns_dropped:
        warnings.append(
            f"Plus de {MAX_PATTERNS} mots à joker (* ou ?) ou approchés (~) : les suivants sont ignorés."
        )
    if compiler.terms_dropped:
        warnings.append(
            f"Recherche trop longue : seuls ses {_thousands(MAX_QUERY_TERMS)} premiers termes sont cherchés."
        )
    if isinstance(tree, _Bool) and tree.op == "OR" and words.startswith("(") and words.endswith(")"):
        words = words[1:-1]
    parts = []
    if compiler.pin_labels:
        shown = ", ".join(compiler.pin_labels)
        parts.append(f"la question {shown} en tête")
    if words:
        parts.append(words if not compiler.pin_labels else f"puis les questions contenant {words}")
    if not parts:
        parts.append("toutes les questions")
    interpretation = "Interprétation : " + ", ".join(parts)
    return ParsedQuery(
        text=source,
        query=query,
        interpretation=interpretation,
        warnings=tuple(dict.fromkeys(warnings)),
        references=tuple(compiler.pins),
        highlight={pane: marks.frozen() for pane, marks in compiler.marks.items()},
    )


_SURROGATES = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> tuple[str, bool]:
    """``text`` with its lone surrogates replaced by U+FFFD, and whether there were any.

    They come from bytes that are not UTF-8 (Python's argv on POSIX keeps them as
    U+DC80..U+DCFF) or from a broken UTF-16 paste, and nothing can encode them.  A
    pair that makes one character (UTF-16 halves) is joined.
    """
    if not _SURROGATES.search(text):
        return text, False
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") > text.count("\ufffd")


def _unpin(tree: _Node | None, pins: list[_Pin]) -> _Node | None:
    """Remove pinned references from the text query; a bare number stays as a word."""

    def replacement(pin: _Pin) -> _Node | None:
        return _Text(pin.text, None) if pin.keep_text else None

    if isinstance(tree, _Pin):
        return replacement(tree)
    if isinstance(tree, _Bool):
        items: list[_Node] = []
        for item in tree.items:
            if isinstance(item, _Pin) and item in pins:
                rep = replacement(item)
                if rep is not None:
                    items.append(rep)
            else:
                items.append(item)
        return _and(items)
    return tree
