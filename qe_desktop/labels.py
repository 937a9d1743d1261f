"""The French words shown for the corpus's codes: statuses, question types, facets and their values.

The command line, the window (results, filters, reader), the rendered pages
and the query language all take them from here, so that a status reads
« répondue » everywhere and ``statut:repondue`` finds what the filter panel
calls « Répondue ».  Each label is written once, in the form used inside a
sentence; the capitalised form (a column, a list entry) is derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# -- small helpers ---------------------------------------------------------------------


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals, the rest as it is (« répondue » → « Répondue »)."""
    if not text:
        return text
    first = text[0].upper()
    # A letter whose capital is two letters ("ß" → "SS") is left alone: the length stays.
    return (first if len(first) == 1 else text[0]) + text[1:]


def uncapitalised(text: str) -> str:
    """``text`` with its first letter in lower case (« Questions écrites » → « questions écrites »)."""
    return text[:1].lower() + text[1:]


def ordinal(n: int) -> str:
    """``13e``, ``1re``."""
    return "1re" if n == 1 else f"{n}e"


def legislature_label(n: int) -> str:
    """``13e législature``."""
    return f"{ordinal(n)} législature"


def french_list(words: Iterable[str], last: str = "ou") -> str:
    """``a, b, c ou d``."""
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# -- statuses --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """A status of a question: its stored code, how it reads, and the word the query language takes."""

    code: str
    #: In a sentence: « répondue », « en attente ».
    label: str
    #: What to type after ``statut:`` (no accent, no space): ``repondue``, ``en-attente``.
    query_word: str
    #: Other words the query language and the filters accept for it (folded).
    also: tuple[str, ...] = ()


STATUSES: tuple[Status, ...] = (
    Status("answered", "répondue", "repondue", ("repondues", "reponse", "answered")),
    Status(
        "pending",
        "en attente",
        "en-attente",
        ("en_attente", "attente", "en attente", "sans-reponse", "pending"),
    ),
    Status("withdrawn", "retirée", "retiree", ("retirees", "withdrawn")),
    Status("lapsed", "caduque", "caduque", ("caduques", "lapsed")),
)
_STATUS_BY_CODE: dict[str, Status] = {s.code: s for s in STATUSES}

#: Folded words of the query language and the filters (``statut:en-attente``) -> stored status.
STATUS_QUERY_WORDS: dict[str, str] = {word: s.code for s in STATUSES for word in (s.query_word, *s.also)}


def status_label(code: str, *, capital: bool = False) -> str:
    """A stored status as a user reads it: « répondue » (``capital``: « Répondue »); unknown codes as they are."""
    status = _STATUS_BY_CODE.get(code)
    if status is None:
        return code
    return capitalised(status.label) if capital else status.label


def status_of_word(word: str) -> str | None:
    """The stored status a folded word of the query language designates (``repondue`` → ``answered``)."""
    return STATUS_QUERY_WORDS.get(word.strip())


#: « repondue, en-attente, retiree ou caduque »: what ``statut:`` takes, for help and warnings.
STATUS_QUERY_CHOICES = french_list(s.query_word for s in STATUSES)
#: « Répondue, en attente, retirée ou caduque ».
STATUS_CHOICES = capitalised(french_list(s.label for s in STATUSES))


# -- question types --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionKind:
    """A type of question: its code (``QE``) and its names."""

    code: str
    #: « Question écrite » (a title: « Question écrite n° 101851 »).
    singular: str
    #: « Questions écrites » (a facet value, a list heading).
    plural: str


QUESTION_TYPES: tuple[QuestionKind, ...] = (
    QuestionKind("QE", "Question écrite", "Questions écrites"),
    QuestionKind("QG", "Question au Gouvernement", "Questions au Gouvernement"),
    QuestionKind("QOSD", "Question orale sans débat", "Questions orales sans débat"),
)
_TYPE_BY_CODE: dict[str, QuestionKind] = {t.code: t for t in QUESTION_TYPES}


def type_label(code: str, *, plural: bool = False) -> str:
    """« Question écrite » (``plural``: « Questions écrites ») for ``QE``; unknown codes as they are."""
    kind = _TYPE_BY_CODE.get(code)
    if kind is None:
        return code
    return kind.plural if plural else kind.singular


def type_of_word(word: str) -> str | None:
    """The type code a word of the query language designates (``qe`` → ``QE``), or None."""
    code = word.strip().upper()
    return code if code in _TYPE_BY_CODE else None


#: « QE, QG ou QOSD »: what ``type:`` takes.
TYPE_QUERY_CHOICES = french_list(t.code for t in QUESTION_TYPES)


# -- rubriques -------------------------------------------------------------------------


def rubrique_label(value: str) -> str:
    """The display form of a rubrique: its first letter in capitals, the rest as the source wrote it.

    The AN's open data writes rubriques in lower case (« politique extérieure »), its
    question pages with a capital (« Politique extérieure »), as a heading is written in
    French; the rest is kept, since the open data writes proper nouns with their
    capitals (« ministères et secrétariats d'État »).  The corpus stores this form, so
    that one rubrique reads the same whichever source it came from.
    """
    return capitalised(value)


# -- facets ----------------------------------------------------------------------------

#: Facet titles (the window's filter panel, the command line's breakdown).
FACET_TITLES: dict[str, str] = {
    "legislature": "Législature",
    "type": "Type",
    "rubrique": "Rubrique",
    "ministry_answering": "Ministère attributaire",
    "group_abbrev": "Groupe",
    "status": "Statut",
    "year": "Année",
    "annotee": "Annotations",
}

#: The values of the « Annotations » facet (the user's own: see SearchIndex.annotations).
ANNOTATED_VALUE_LABELS: dict[str, str] = {"oui": "Annotées", "non": "Non annotées"}

#: A facet value the records leave empty.
MISSING_VALUE = "(non renseigné)"


def facet_title(facet: str) -> str:
    """« Ministère attributaire » for ``ministry_answering``."""
    return FACET_TITLES.get(facet, facet)


def facet_value_label(facet: str, value: str) -> str:
    """A facet value as a user reads it: « 13e législature », « Questions écrites », « Répondue »."""
    if not value:
        return MISSING_VALUE
    if facet == "legislature" and value.isdigit():
        return legislature_label(int(value))
    if facet == "type":
        return type_label(value, plural=True)
    if facet == "status":
        return status_label(value, capital=True)
    if facet == "rubrique":
        return rubrique_label(value)
    if facet == "annotee":
        return ANNOTATED_VALUE_LABELS.get(value, value)
    return value
