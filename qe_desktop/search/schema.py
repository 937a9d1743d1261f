"""The Whoosh schema of the search index, and how a Question becomes a document.

Field types here bypass Whoosh's token-object analyzers: each computes its
postings straight from :mod:`qe_desktop.search.analysis` (several times
faster), and positions are stored as records (position and the stop words that
follow) instead of pickles.
Texts are not stored: snippets read them from the corpus database.

The index's format is identified by :func:`fingerprint`, computed from what
decides it (this schema, the analysis of a probe text, the stop list and the
position records, the block format and the codec's options), never bumped by
hand: an index whose stored fingerprint differs is rebuilt at open.
"""

from __future__ import annotations

import functools
import hashlib
import json
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import whoosh
from whoosh import columns, fields, formats

from qe_desktop.dates import days_between
from qe_desktop.labels import rubrique_label
from qe_desktop.model import Question
from qe_desktop.search import analysis

META_SEPARATOR = "\x1f"
#: The per-document column read back into the facet/sort arrays, in this order.
META_KEYS: tuple[str, ...] = (
    "uid",
    "legislature",
    "type",
    "number",
    "status",
    "question_date",
    "answer_date",
    "rubrique",
    "ministry_answering",
    "group_abbrev",
)


#: One position's record: the position, then the numbers (analysis.STOP_IDS) of the first and
#: second stop words that follow it, 0 where a word that is not a stop word (or the end) comes
#: first, the second MORE_STOPS when a third stop word follows too; then the number of the stop
#: word just before it (0 if the word before is not one, or at the start).
RECORD = struct.Struct("<IBBB")
MORE_STOPS = 255
#: :data:`RECORD` as a numpy record type.
RECORD_DTYPE = [("p", "<u4"), ("a", "u1"), ("b", "u1"), ("c", "u1")]


def position_records(sequence: list[tuple[str, str | None]]) -> bytes:
    """The records of every position of an analysed text, end to end (``RECORD.size`` bytes each)."""
    import numpy as np

    n = len(sequence)
    get = analysis.STOP_IDS.get
    # ids[1 + i] is the stop word number of position i (0 for other words), padded both sides.
    ids = np.zeros(n + 4, dtype=np.uint8)
    ids[1 : n + 1] = [get(term, 0) for term, _ in sequence]
    records = np.empty(n, dtype=RECORD_DTYPE)
    records["p"] = np.arange(n, dtype=np.uint32)
    first = ids[2 : n + 2]
    records["a"] = first
    second = ids[3 : n + 3]
    records["b"] = np.where(
        (first != 0) & (second != 0), np.where(ids[4 : n + 4] != 0, MORE_STOPS, second), 0
    )
    records["c"] = ids[0:n]
    return records.tobytes()


class RunPositions(formats.Positions):  # type: ignore[misc]
    """Positions with the stop words around each one (:data:`RECORD`).

    A phrase is then checked from its content words alone: in "la route de la
    mer", "route" at p must be preceded by "la" and followed by "de la", and
    "mer" must be at p + 3; the long posting lists of "de" and "la" are never
    read for positions.
    Values are built from the text (:func:`position_records`), not from a list.
    """

    def encode(self, poslist: list[int]) -> bytes:
        raise TypeError("RunPositions values are built from the text: see position_records()")

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return [record[0] for record in RECORD.iter_unpack(valuestring)]

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // RECORD.size

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring)) * float(self.field_boost)

    def combine(self, vs: list[bytes]) -> bytes:
        size = RECORD.size
        records = {v[i : i + size] for v in vs for i in range(0, len(v), size)}
        return b"".join(sorted(records, key=lambda r: RECORD.unpack(r)[0]))


class Counts(formats.Format):  # type: ignore[misc]
    """Term frequency kept in the posting weight only: no per-posting value at all."""

    posting_size = 0

    def encode(self, value: Any) -> bytes:
        return b""

    def decode_frequency(self, valuestring: bytes) -> int:
        return 1

    def decode_weight(self, valuestring: bytes) -> float:
        return 1.0

    def combine(self, vs: list[bytes]) -> bytes:
        return b""


class _FrenchField(fields.FieldType):  # type: ignore[misc]
    """Base for the text fields: no Whoosh analyzer, terms come from analysis.py."""

    scorable = True
    stored = False
    unique = False
    indexed = True
    vector = None
    column_type = None
    spelling = False
    analyzer = None

    def separate_spelling(self) -> bool:
        return False

    def spellable_words(self, value: str) -> Iterator[str]:
        return iter(())

    def self_parsing(self) -> bool:
        return False

    #: The indexed terms of a text (each field type names its analysis function).
    terms: Callable[[str], list[str]]

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        return iter(self.terms(qstring))

    def tokenize(self, value: str, **kwargs: Any) -> Iterator[str]:
        return iter(self.terms(value))

    def to_bytes(self, value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8")

    def from_bytes(self, bs: bytes) -> str:
        return bs.decode("utf-8")


class StemmedText(_FrenchField):
    """Folded, stop words removed, stemmed; frequencies only (ranking, not phrases)."""

    def __init__(self) -> None:
        self.format = Counts()

    terms = staticmethod(analysis.stemmed_terms)

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        counts = Counter(analysis.stemmed_terms(value))
        return [(t.encode("utf-8"), n, float(n), b"") for t, n in counts.items()]

    def index_postings(
        self, value: str, docnum: int, terms: dict[bytes, list[Any]], with_values: bool
    ) -> int:
        """Add this value's postings to a FastSegmentWriter's term table; return the field length."""
        result = analysis.analysed(value)
        get = terms.get
        for term, n in result.stems.items():
            key = term.encode("utf-8")
            postings = get(key)
            if postings is None:
                postings = terms[key] = [array("I"), array("f"), [] if with_values else None]
            postings[0].append(docnum)
            postings[1].append(n)
            if with_values:
                postings[2].append(b"")
        return result.stem_length


class ExactText(_FrenchField):
    """Folded, every word kept, unstemmed, with positions: phrases, wildcards, fuzzy."""

    def __init__(self) -> None:
        self.format = RunPositions()

    terms = staticmethod(analysis.exact_terms)

    def index_postings(
        self, value: str, docnum: int, terms: dict[bytes, list[Any]], with_values: bool
    ) -> int:
        """Add this value's postings to a FastSegmentWriter's term table; return the field length."""
        result = analysis.analysed(value)
        records = position_records(result.sequence)
        size = RECORD.size
        length = 0
        get = terms.get
        for term, plist in result.positions.items():
            key = term.encode("utf-8")
            postings = get(key)
            if postings is None:
                postings = terms[key] = [array("I"), array("f"), []]
            n = len(plist)
            length += n
            postings[0].append(docnum)
            postings[1].append(n)
            if n == 1:
                at = plist[0] * size
                postings[2].append(records[at : at + size])
            else:
                postings[2].append(b"".join([records[p * size : p * size + size] for p in plist]))
        return length

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        result = analysis.analysed(value)
        records = position_records(result.sequence)
        size = RECORD.size
        return [
            (
                t.encode("utf-8"),
                len(plist),
                float(len(plist)),
                b"".join([records[p * size : p * size + size] for p in plist]),
            )
            for t, plist in result.positions.items()
        ]


def make_schema() -> fields.Schema:
    """The index schema (pickled by Whoosh into the index's table of contents)."""
    number_field = fields.NUMERIC(int, bits=32, signed=True, stored=False)
    return fields.Schema(
        uid=fields.ID(unique=True),
        number=fields.ID,
        legislature=fields.ID,
        type=fields.ID,
        status=fields.ID,
        qdate=number_field,
        adate=fields.NUMERIC(int, bits=32, signed=True, stored=False),
        delai=fields.NUMERIC(int, bits=32, signed=True, stored=False),
        analyse=StemmedText(),
        question=StemmedText(),
        reponse=StemmedText(),
        analyse_exact=ExactText(),
        question_exact=ExactText(),
        reponse_exact=ExactText(),
        rubrique=ExactText(),
        auteur=ExactText(),
        groupe=ExactText(),
        ministere=ExactText(),
        meta=fields.COLUMN(columns.VarBytesColumn()),
    )


def date_number(iso: str | None) -> int | None:
    """``2011-03-08`` -> 20110308 (the numeric date fields)."""
    if not iso:
        return None
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def value_key(value: str | None) -> str:
    """The folded whole value of a keyword (``Santé`` -> ``sante``): filters compare these."""
    return " ".join(analysis.fold(value).split()) if value else ""


def group_label(q: Question) -> str:
    return q.group_abbrev or q.group or ""


def document(q: Question) -> dict[str, Any]:
    """The index document of a question (texts analysed, nothing stored)."""
    analyse = _join(q.tete_analyse, q.analyse)
    # The store keeps rubriques in this form already; a question read from an older corpus may
    # not be.  Here, the fingerprint's probe question goes through it too.
    rubrique = rubrique_label(q.rubrique) if q.rubrique else None
    doc: dict[str, Any] = {
        "uid": q.uid,
        "type": q.type,
        "status": q.status,
        "meta": META_SEPARATOR.join(
            "" if v is None else str(v)
            for v in (
                q.uid,
                q.legislature,
                q.type,
                q.number,
                q.status,
                q.question_date,
                q.answer_date,
                rubrique,
                q.ministry_answering,
                group_label(q),
            )
        ).encode("utf-8"),
    }
    if q.number is not None:
        doc["number"] = str(q.number)
    if q.legislature is not None:
        doc["legislature"] = str(q.legislature)
    qdate, adate = date_number(q.question_date), date_number(q.answer_date)
    if qdate is not None:
        doc["qdate"] = qdate
    if adate is not None:
        doc["adate"] = adate
    delay = days_between(q.question_date, q.answer_date)
    if delay is not None:
        doc["delai"] = delay
    if analyse:
        doc["analyse"] = analyse
        doc["analyse_exact"] = analyse
    if q.question_text:
        doc["question"] = q.question_text
        doc["question_exact"] = q.question_text
    if q.answer_text:
        doc["reponse"] = q.answer_text
        doc["reponse_exact"] = q.answer_text
    if rubrique:
        doc["rubrique"] = rubrique
    if q.author:
        doc["auteur"] = q.author
    group = _join(q.group_abbrev, q.group)
    if group:
        doc["groupe"] = group
    ministries = _join(q.ministry_asked, q.ministry_answering)
    if ministries:
        doc["ministere"] = ministries
    return doc


#: A text that goes through every step of the analysis: accents and ligatures, capitals,
#: elisions, hyphens, apostrophes, numbers and references, plurals, stop words in runs, and
#: lone letters before a word (read as typed in the index: « RER D », an apostrophe lost).
_PROBE_TEXT = (
    "L'Œuvre des hôpitaux publics : M. le ministre de l'économie, des finances et de la "
    "relance (n° 2021-1234, art. L. 241-13) ; aujourd'hui « porte-à-porte » des "
    "Élèves-infirmiers à 1,5 % d'ici 2030... qu'il n'y a pas d'exonération jusqu'à demain "
    "sur le RER D emprunté et de l insertion"
)
_PROBE_QUESTION = Question(
    uid="QANR5L13QE1",
    legislature=13,
    type="QE",
    number=1,
    rubrique="santé",  # as the open data writes it: the index stores « Santé »
    tete_analyse="Hôpitaux",
    analyse=_PROBE_TEXT,
    author="Mme Anne Dupont",
    group="Socialiste",
    group_abbrev="SRC",
    ministry_asked="Santé",
    ministry_answering="Santé et sports",
    question_text=_PROBE_TEXT,
    question_date="2011-03-08",
    answer_text=_PROBE_TEXT,
    answer_date="2011-06-14",
    status="answered",
)


@functools.cache
def fingerprint() -> str:
    """What the index's files depend on, hashed: a stored index with another fingerprint is rebuilt.

    Computed from behaviour, not declared: the schema's fields and formats, the
    analysis of a probe text (terms, stems, positions and stop-word records),
    the stop list and its numbering, the document a probe question becomes,
    the bytes of probe posting blocks, the codec's options and Whoosh's version.
    """
    from qe_desktop.search import codec, whoosh_adapter

    schema = make_schema()
    analysed_probe = analysis.analysed(_PROBE_TEXT)
    parts: dict[str, Any] = {
        "fields": [
            (name, type(f).__name__, type(f.format).__name__ if f.format else None, f.scorable, f.stored)
            for name, f in schema.items()
        ],
        "record": [RECORD.format, RECORD_DTYPE, MORE_STOPS],
        "stop_ids": sorted(analysis.STOP_IDS.items()),
        "stemmed": analysis.stemmed_terms(_PROBE_TEXT),
        "exact": analysis.exact_terms(_PROBE_TEXT),
        "stems": sorted(analysed_probe.stems.items()),
        "positions": position_records(analysed_probe.sequence).hex(),
        "document": sorted(
            (k, v.hex() if isinstance(v, bytes) else v) for k, v in document(_PROBE_QUESTION).items()
        ),
        "meta": [META_SEPARATOR, META_KEYS],
        "blocks": hashlib.sha256(codec.format_probe()).hexdigest(),
        "codec": whoosh_adapter.codec_options(),
        "whoosh": whoosh.versionstring(),
    }
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
