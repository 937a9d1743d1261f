"""The query tree the search engine walks: small frozen dataclasses, the project's own.

:mod:`~qe_desktop.search.query` compiles what a user typed into these nodes;
:mod:`~qe_desktop.search.matching` matches and ranks them over arrays.  Whoosh's
query classes appear only at the edge, in :mod:`~qe_desktop.search.whoosh_adapter`,
where Whoosh still expands patterns and numeric ranges into the index's terms
(and builds the reference queries the tests compare with).

Scores follow Whoosh's BM25F for the same query: a node's score is the sum of
its parts' (``Or`` and ``And``), a ``Not`` inside an ``And`` adds 1.0, a
``Range`` and ``Every`` score 1.0.  Nodes are hashable: results are cached by node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

PatternKind = Literal["prefix", "wildcard", "fuzzy"]


@dataclass(frozen=True, slots=True)
class Term:
    """One indexed term of one field (already analysed: folded, stemmed for stemmed fields)."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that follow each other in a field with positions (stop words included)."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Near:
    """Words within ``slop`` positions of each other, in any order (``"mots proches"~5``)."""

    field: str
    words: tuple[str, ...]
    slop: int


@dataclass(frozen=True, slots=True)
class Pattern:
    """A prefix (``hôpit*``), a wildcard (``h?pital``) or a fuzzy word (``hopitl~``),
    matched by the words of the index it expands to, and scored as their sum times its boost.

    That is Whoosh's score on a whole legislature.  Whoosh itself scores a pattern
    differently in a small segment (at most 5,000 documents: 1.0 when it expands to
    three words or more; one word's score, unboosted, when it expands to one), so
    that a ranking would change with the way the index happens to be cut into
    segments; the project keeps the one rule.
    """

    field: str
    kind: PatternKind
    text: str
    boost: float = 1.0
    #: Fuzzy words: edits allowed, and the leading characters that must match exactly.
    maxdist: int = 0
    prefixlength: int = 0


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric field between two bounds (either may be open): dates, delays."""

    field: str
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Annotated:
    """The questions the user annotated whose note or quoted passage holds these words (every
    annotated question when ``words`` is empty).  The user's database answers it, not the index:
    the index replaces it by :class:`Docs` before matching."""

    words: str = ""


@dataclass(frozen=True, slots=True)
class Docs:
    """These documents (numbers of one searcher), scored 1.0 like a criterion."""

    docs: frozenset[int]


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Node


@dataclass(frozen=True, slots=True)
class Every:
    """Every question."""


@dataclass(frozen=True, slots=True)
class Nothing:
    """No question (a query of references only: the pinned questions alone)."""


Node = Term | Phrase | Near | Pattern | Range | Annotated | Docs | And | Or | Not | Every | Nothing


def any_of(parts: list[Node]) -> Node:
    """``Or`` of several nodes; the node itself when alone; Nothing when none."""
    if not parts:
        return Nothing()
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def leaves(node: Node) -> list[Node]:
    """The leaves of a tree (every node but And, Or and Not), in order."""
    if isinstance(node, (And, Or)):
        return [leaf for part in node.parts for leaf in leaves(part)]
    if isinstance(node, Not):
        return leaves(node.part)
    return [node]


def replaced(node: Node, replace: Callable[[Node], Node | None]) -> Node:
    """The tree with each leaf for which ``replace`` gives a node replaced by it."""
    if isinstance(node, (And, Or)):
        return type(node)(tuple(replaced(p, replace) for p in node.parts))
    if isinstance(node, Not):
        return Not(replaced(node.part, replace))
    found = replace(node)
    return node if found is None else found
