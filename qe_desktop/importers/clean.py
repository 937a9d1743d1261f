"""Make every parsed record storable and safe to show, or reject it: one step for every importer.

Whatever a source holds, what reaches the corpus database and the search index
must encode to UTF-8, fit SQLite's signed 64-bit integers, stay within sane
lengths, and read as text on a screen or a terminal (no control characters).
The importers map their format; :func:`clean`, run by ``corpus.import_paths``
on every Question, Actor and Organe before the store, checks and cleans.
What it changes is said in French in the question's ``source_notes`` (stored,
shown by ``qe-desktop show``) and, for every record, in the import report.

Decisions, field by field.  "Short" fields are the one-line display fields:
rubrique, tete_analyse, analyse, author, group, group_abbrev, constituency,
ministry_asked, ministry_answering, closure_label, url, and the AMO names,
labels and places; "long" ones are question_text and answer_text.

| field | value refused | decision |
|---|---|---|
| every text | lone surrogate U+D800–U+DFFF (from a JSON escape such as ``"\\ud800"``): UTF-8 cannot hold it | replaced by U+FFFD, noted |
| short fields, each erratum | NUL, other C0 and C1 controls, DEL | removed, noted |
| short fields, each erratum | tab and line breaks (``\\t \\n \\r \\v \\f`` U+0085) | one space, not noted: layout, as the importers already do for one-line labels |
| long texts | NUL, C0 and C1 controls other than ``\\t`` and ``\\n``, DEL | removed, noted (from the HTML texts of JSON records, html_text takes C0 controls out first and an_json notes them in the same words) |
| long texts | ``\\r\\n``, ``\\r``, ``\\v``, ``\\f``, U+0085 | ``\\n``, not noted (line breaks) |
| short fields | over 2,000 characters (longest real: 331) | cut to 2,000 with "…", noted |
| each erratum | over 20,000 characters | cut to 20,000 with "…", noted |
| errata, renewal_dates | over 100 entries (real records: 2 at most) | first 100 kept, noted |
| long texts | over 1,000,000 characters (longest real: 13,000) | cut to 1,000,000 with "…", noted |
| uid (question, deputy, body) | not 1–64 ASCII letters, digits, ``_ . -`` | record rejected |
| legislature | not 1–99 | record rejected |
| number | not 1–9,999,999 (the importers read 7 digits at most) | record rejected |
| question_page, answer_page | not 0–999,999 | value dropped, noted |
| author_ref, mandate_ref, group_ref | not 1–64 ASCII letters, digits, ``_ . -`` | value dropped, noted |
| question dates, renewal_dates | not a real ``YYYY-MM-DD`` day | record rejected (the importers already reject an unreadable date: this guarantees it) |
| source_name | surrogate or control (a file name may hold any byte) | U+FFFD, not noted: it names the file, it is not what the record says |
| source_raw | not checked here | the store writes a lone surrogate back as its ``\\uXXXX`` escape: the same JSON, and JSON is the only source that can hold one |
| AMO mandate uid | as uid | mandate dropped, noted |
| AMO refs (actor, organe) | as author_ref | value dropped, noted |
| AMO legislature, num_circo | not 1–99, not 0–999 | value dropped, noted |
| AMO dates | not a real ``YYYY-MM-DD`` day | value dropped, noted |

Numbers the importers cannot read at all (a 5,000-digit "numero": Python's
int() refuses more than 4,300 digits, SQLite more than 19) are rejected there,
with the same wording (« numéro invalide (5000 chiffres) »); see
:func:`number_too_long` and :func:`json_int`.

Rejections themselves are made safe to show (:func:`clean_rejection`): a
quoted value keeps its first characters, controls and surrogates become U+FFFD.
A record that needs nothing is returned as it came (the common case costs a
few microseconds: one scan of each text, done on its UTF-8 bytes).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from qe_desktop.model import FIELD_LABELS, Actor, CleanedRecord, Mandate, Organe, Question, Rejection

__all__ = [
    "LONG_MAX",
    "SHORT_MAX",
    "clean",
    "clean_rejection",
    "controls_note",
    "display_safe",
    "json_int",
    "number_too_long",
]

#: Bounds, in characters (see the table above).
SHORT_MAX = 2_000
ERRATUM_MAX = 20_000
LONG_MAX = 1_000_000
MAX_ENTRIES = 100
#: Integer bounds: (lowest, highest).
LEGISLATURES = (1, 99)
NUMBERS = (1, 9_999_999)
PAGES = (0, 999_999)
CIRCOS = (0, 999)
#: Longer integer literals are not numbers any source means: JSON readers keep them as text.
_JSON_INT_DIGITS = 30

_SHORT_FIELDS = (
    "rubrique",
    "tete_analyse",
    "analyse",
    "author",
    "group",
    "group_abbrev",
    "constituency",
    "ministry_asked",
    "ministry_answering",
    "closure_label",
    "url",
)
_LONG_FIELDS = ("question_text", "answer_text")
_REF_FIELDS = ("author_ref", "mandate_ref", "group_ref")
_DATE_FIELDS = ("question_date", "answer_date", "closure_date", "signal_date")
_PAGE_FIELDS = ("question_page", "answer_page")
_shorts = attrgetter(*_SHORT_FIELDS)
_refs = attrgetter(*_REF_FIELDS)
_dates = attrgetter(*_DATE_FIELDS)
_pages = attrgetter(*_PAGE_FIELDS)
_texts = attrgetter(*_LONG_FIELDS)

_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
#: Several identifiers joined by NUL (which none may hold), checked at once.
_IDS = re.compile(r"[A-Za-z0-9_.-]{1,64}(?:\x00[A-Za-z0-9_.-]{1,64})*")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})+")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Anything a short field must not hold as it is (whitespace controls included: they become spaces).
_SHORT_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHORT_SPACES = re.compile(" *[\t\n\r\v\f\x85][\t\n\r\v\f\x85 ]*")
_SHORT_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LONG_BREAKS = re.compile("\r\n?|[\v\f\x85]")
_LONG_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Long texts are checked on their UTF-8 bytes (twice as fast as a regular expression over the
#: text): encoding fails on a surrogate, C0 controls and DEL are single bytes, C1 ones C2 80–9F.
_LONG_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")


# -- helpers for the importers ---------------------------------------------------------------


def json_int(literal: str) -> int | str:
    """``parse_int`` for the JSON readers: an integer, or its digits as text when absurdly long.

    Python refuses to convert more than 4,300 digits (ValueError), and SQLite
    holds 19: kept as text, such a number reaches the mapping, which rejects
    the record (identity) or drops the value, with a French reason.
    """
    return int(literal) if len(literal) <= _JSON_INT_DIGITS else literal


def number_too_long(text: str, limit: int = 9) -> str | None:
    """``"5000 chiffres"`` when ``text`` is more digits than any real number has, else None."""
    digits = text.strip()
    if len(digits) > limit and digits.isascii() and digits.isdigit():
        return f"{len(digits)} chiffres"
    return None


def display_safe(text: str, limit: int = 120) -> str:
    """``text`` fit to quote in a message: one line, controls and surrogates as U+FFFD, cut at ``limit``."""
    if len(text) <= limit and not _SHORT_SUSPECT.search(text):
        return text
    shown = _SHORT_SPACES.sub(" ", text)
    shown = _SHORT_CONTROLS.sub("\ufffd", _SURROGATE.sub("\ufffd", shown))
    if len(shown) > limit:
        shown = f"{shown[: limit - 1]}… ({_count(len(text))} caractères)"
    return shown


def clean_rejection(rejection: Rejection) -> Rejection:
    """The rejection with its file name, record and reason safe to show (and of sane length)."""
    source = display_safe(rejection.source, 4096)
    record = None if rejection.record is None else display_safe(rejection.record, 80)
    reason = display_safe(rejection.reason, 1000)
    if (source, record, reason) == (rejection.source, rejection.record, rejection.reason):
        return rejection
    return Rejection(source, reason, record)


def controls_note(found: Sequence[str], label: str) -> str:
    """The note for control characters taken out of a field (for importers that take them out first)."""
    return _characters_note(list(found), "de contrôle", "supprimé", label)


def cleaned_record(source: str, record: str | None, notes: Sequence[str]) -> CleanedRecord:
    """The import report's line for a record stored after cleaning."""
    return CleanedRecord(display_safe(source, 4096), tuple(notes), record)


# -- the cleaning step ----------------------------------------------------------------------


def clean(
    item: Question | Actor | Organe, source: str
) -> tuple[Question | Actor | Organe | Rejection, tuple[str, ...]]:
    """The record ready for the store, or a Rejection (French reason); and what the import changed (French).

    ``source`` names the file (and zip member) the record came from.  A
    question's notes are appended to its ``source_notes``, and the notes
    returned are all of them: its importer may have written some already
    (an_json says which control characters the HTML conversion took out).
    """
    if isinstance(item, Question):
        return _clean_question(item, source)
    if isinstance(item, Actor):
        return _clean_actor(item, source)
    return _clean_organe(item, source)


def _clean_question(q: Question, source: str) -> tuple[Question | Rejection, tuple[str, ...]]:
    if _is_ordinary(q):
        return q, q.source_notes
    refused = _identity_problem(q)
    if refused:
        return Rejection(source, refused, display_safe(q.uid, 80)), ()
    return _cleaned_question(q)


def _is_ordinary(q: Question) -> bool:
    """True when the question can be stored as it is: the fast path of (almost) every record.

    One check per kind of value, each over all the values of that kind at once
    (this runs for every record of a dump: a few microseconds count).
    """
    (uid, legislature, number, pages, refs, days, renewals, texts, errata, source_name, shorts) = (
        _ordinary_view(q)
    )
    if legislature is not None and not LEGISLATURES[0] <= legislature <= LEGISLATURES[1]:
        return False
    if number is not None and not NUMBERS[0] <= number <= NUMBERS[1]:
        return False
    if not _IDS.fullmatch("\x00".join([uid, *(ref for ref in refs if ref is not None)])):
        return False
    for page in pages:
        if page is not None and not PAGES[0] <= page <= PAGES[1]:
            return False
    days = [day for day in days if day is not None]
    days.extend(renewals)
    if days:
        if not _DAYS.fullmatch("".join(days)):
            return False
        try:
            for day in days:
                date.fromisoformat(day)  # the format is checked: this only finds 30 February
        except ValueError:
            return False
    values = [value for value in shorts if value]
    joined = "".join(values)
    if _SHORT_SUSPECT.search(joined) or _SHORT_SUSPECT.search(source_name):
        return False
    if len(joined) > SHORT_MAX and max(map(len, values)) > SHORT_MAX:
        return False
    for text in texts:
        if text and not _long_is_clean(text):
            return False
    if errata and (
        len(errata) > MAX_ENTRIES
        or _SHORT_SUSPECT.search("".join(errata))
        or max(map(len, errata)) > ERRATUM_MAX
    ):
        return False
    return len(renewals) <= MAX_ENTRIES


def _ordinary_view(q: Question) -> tuple[Any, ...]:
    """The values _is_ordinary reads, grouped by kind, in a few C calls."""
    return (
        q.uid,
        q.legislature,
        q.number,
        _pages(q),
        _refs(q),
        _dates(q),
        q.renewal_dates,
        _texts(q),
        q.errata,
        q.source_name,
        _shorts(q),
    )


def _identity_problem(q: Question) -> str | None:
    """Why the question cannot be stored under its identity (French), or None."""
    if not _ID.fullmatch(q.uid):
        return f"identifiant invalide : « {display_safe(q.uid, 60)} »"
    for name, bounds in (("legislature", LEGISLATURES), ("number", NUMBERS)):
        value = getattr(q, name)
        if value is not None and not bounds[0] <= value <= bounds[1]:
            what = "législature" if name == "legislature" else "numéro"
            return f"{what} invalide ({_describe_int(value)})"
    for name, day in zip(_DATE_FIELDS, _dates(q), strict=True):
        if day is not None and not _is_day(day):
            return f"date invalide dans {FIELD_LABELS[name]} : « {display_safe(day, 40)} »"
    for day in q.renewal_dates:
        if not _is_day(day):
            return f"date invalide dans {FIELD_LABELS['renewal_dates']} : « {display_safe(day, 40)} »"
    return None


def _long_is_clean(text: str) -> bool:
    if len(text) > LONG_MAX:
        return False
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return len(data.translate(None, _LONG_C0_BYTES)) == len(data) and _C1_BYTES.search(data) is None


def _cleaned_question(q: Question) -> tuple[Question, tuple[str, ...]]:
    fix = _Fixer()
    changes: dict[str, object] = {}
    for name in _SHORT_FIELDS:
        changes[name] = fix.text(getattr(q, name), FIELD_LABELS[name])
    for name in _LONG_FIELDS:
        changes[name] = fix.text(getattr(q, name), FIELD_LABELS[name], long=True, limit=LONG_MAX)
    for name in _REF_FIELDS:
        changes[name] = fix.ref(getattr(q, name), FIELD_LABELS[name])
    for name in _PAGE_FIELDS:
        changes[name] = fix.integer(getattr(q, name), FIELD_LABELS[name], PAGES)
    errata = [e for e in (fix.text(e, "un erratum", limit=ERRATUM_MAX) for e in q.errata) if e]
    changes["errata"] = tuple(fix.entries(errata, "errata", "les 100 premiers gardés"))
    changes["renewal_dates"] = tuple(
        fix.entries(list(q.renewal_dates), "dates de renouvellement", "les 100 premières gardées")
    )
    # Where the record came from, not what it says: made readable, without a note.
    changes["source_name"] = display_safe(q.source_name, len(q.source_name))
    changes = {k: v for k, v in changes.items() if v != getattr(q, k)}
    notes = q.source_notes + tuple(fix.notes)
    return dataclasses.replace(q, **changes, source_notes=notes), notes  # type: ignore[arg-type]


def _clean_actor(actor: Actor, source: str) -> tuple[Actor | Rejection, tuple[str, ...]]:
    if not _ID.fullmatch(actor.uid):
        reason = f"député (acteur) : identifiant invalide : « {display_safe(actor.uid, 60)} »"
        return Rejection(source, reason, display_safe(actor.uid, 80)), ()
    fix = _Fixer()
    civility = fix.text(actor.civility, "la civilité du député")
    first_name = fix.text(actor.first_name, "le prénom du député")
    last_name = fix.text(actor.last_name, "le nom du député")
    mandates = tuple(m for m in (_clean_mandate(m, fix) for m in actor.mandates) if m is not None)
    if (civility, first_name, last_name, mandates) == (
        actor.civility,
        actor.first_name,
        actor.last_name,
        actor.mandates,
    ):
        return actor, tuple(fix.notes)
    return Actor(actor.uid, civility, first_name, last_name, mandates), tuple(fix.notes)


def _clean_mandate(m: Mandate, fix: _Fixer) -> Mandate | None:
    if not _ID.fullmatch(m.uid):
        fix.notes.append(f"Mandat ignoré : identifiant invalide « {display_safe(m.uid, 60)} »")
        return None
    of = f"du mandat {m.uid}"
    cleaned = Mandate(
        uid=m.uid,
        actor_ref=fix.ref(m.actor_ref, f"la référence du député {of}") or "",
        type_organe=fix.text(m.type_organe, f"le type d'organe {of}") or "",
        legislature=fix.integer(m.legislature, f"la législature {of}", LEGISLATURES),
        organe_ref=fix.ref(m.organe_ref, f"la référence de l'organe {of}"),
        departement=fix.text(m.departement, f"le département {of}"),
        num_departement=fix.text(m.num_departement, f"le numéro de département {of}"),
        num_circo=fix.integer(m.num_circo, f"le numéro de circonscription {of}", CIRCOS),
        start_date=fix.day(m.start_date, f"la date de début {of}"),
        end_date=fix.day(m.end_date, f"la date de fin {of}"),
    )
    return m if cleaned == m else cleaned


def _clean_organe(o: Organe, source: str) -> tuple[Organe | Rejection, tuple[str, ...]]:
    if not _ID.fullmatch(o.uid):
        reason = f"organe : identifiant invalide : « {display_safe(o.uid, 60)} »"
        return Rejection(source, reason, display_safe(o.uid, 80)), ()
    fix = _Fixer()
    cleaned = Organe(
        uid=o.uid,
        code_type=fix.text(o.code_type, "le type de l'organe"),
        label=fix.text(o.label, "le libellé de l'organe"),
        short_label=fix.text(o.short_label, "le libellé abrégé de l'organe"),
        abbrev=fix.text(o.abbrev, "le sigle de l'organe"),
        start_date=fix.day(o.start_date, "la date de début de l'organe"),
        end_date=fix.day(o.end_date, "la date de fin de l'organe"),
        legislature=fix.integer(o.legislature, "la législature de l'organe", LEGISLATURES),
    )
    return (o if cleaned == o else cleaned), tuple(fix.notes)


class _Fixer:
    """Cleans values one at a time and words what it changed (``notes``, French)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def text(
        self, value: str | None, label: str, *, long: bool = False, limit: int = SHORT_MAX
    ) -> str | None:
        if not value:
            return value
        found = _SURROGATE.findall(value)
        if found:
            value = _SURROGATE.sub("\ufffd", value)
            self.notes.append(_characters_note(found, "invalide", "remplacé", label, " par \ufffd"))
        if long:
            value = _LONG_BREAKS.sub("\n", value)
            controls = _LONG_CONTROLS
        else:
            value = _SHORT_SPACES.sub(" ", value)
            controls = _SHORT_CONTROLS
        found = controls.findall(value)
        if found:
            value = controls.sub("", value)
            self.notes.append(_characters_note(found, "de contrôle", "supprimé", label))
        if len(value) > limit:
            self.notes.append(
                f"Valeur trop longue dans {label} : {_count(limit)} caractères gardés sur {_count(len(value))}"
            )
            value = value[: limit - 1] + "…"
        if not long:
            value = value.strip()
        return value or None

    def ref(self, value: str | None, label: str) -> str | None:
        if value is None or _ID.fullmatch(value):
            return value
        self.notes.append(f"Valeur invalide ignorée dans {label} : « {display_safe(value, 40)} »")
        return None

    def integer(self, value: int | None, label: str, bounds: tuple[int, int]) -> int | None:
        if value is None or bounds[0] <= value <= bounds[1]:
            return value
        self.notes.append(f"Nombre invalide ignoré dans {label} : {_describe_int(value)}")
        return None

    def day(self, value: str | None, label: str) -> str | None:
        if value is None or _is_day(value):
            return value
        self.notes.append(f"Date invalide ignorée dans {label} : « {display_safe(value, 40)} »")
        return None

    def entries(self, values: list[str], what: str, kept: str) -> list[str]:
        if len(values) <= MAX_ENTRIES:
            return values
        self.notes.append(f"{_count(len(values))} {what} : {kept}")
        return values[:MAX_ENTRIES]


def _is_day(value: str) -> bool:
    if not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _characters_note(found: list[str], kind: str, done: str, label: str, how: str = "") -> str:
    """« Caractère de contrôle (U+001B) supprimé dans l'analyse », or the plural for several."""
    codes = sorted(set(found))
    listed = ", ".join(f"U+{ord(c):04X}" for c in codes[:3]) + (", …" if len(codes) > 3 else "")
    if len(found) == 1:
        return f"Caractère {kind} ({listed}) {done}{how} dans {label}"
    kinds = "invalides" if kind == "invalide" else kind
    return f"{_count(len(found))} caractères {kinds} ({listed}) {done}s{how} dans {label}"


def _describe_int(value: int) -> str:
    """``250``, or ``5000 chiffres`` for a number too long to write out."""
    if value.bit_length() > 64:
        # str() of more than 4,300 digits raises; the count from the bit length is exact enough.
        digits = (
            len(str(abs(value))) if value.bit_length() < 14_000 else int(value.bit_length() * 0.30103) + 1
        )
        return f"{digits} chiffres"
    return str(value)


def _count(n: int) -> str:
    """``1 000 000`` (French thousands separator, non-breaking)."""
    return f"{n:,}".replace(",", "\u00a0")
