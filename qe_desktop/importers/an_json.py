"""Assemblée nationale open data, JSON: one question per document or whole-legislature lists.

Accepted layouts (the zip dumps are expanded upstream, one Source per member):

* ``{"question": {...}}`` — one document per question (XV–XVII dumps);
* ``{"questionsEcrites": {"question": [...]}}`` and the ``questionsGvt`` /
  ``questionsOralesSansDebat`` roots — one file per legislature (XIV), streamed
  with ijson so that a file of several hundred MB is never loaded whole;
* a bare list of questions or of ``{"question": …}`` wrappers, and a bare
  question object (what :attr:`Question.source_raw` stores).

Mapping decisions (see DATA.md §1):

* ``ministry_asked`` and ``ministry_answering`` use the short ``abrege`` form
  ("Économie, finances, souveraineté industrielle et numérique"), which is
  what the AN web page shows as "Ministère interrogé"/"attributaire"; the
  long ``developpe`` form is the fallback.  ``ministry_answering`` is the last
  ``minAttrib`` in document order (one entry per (re)attribution).
* Several publications of the question (or the answer): date and page of the
  first, distinct texts joined as paragraphs.  A "Réponse publiée" closure fills
  the answer's date and page when the answer block lacks them (the 16th
  legislature's QG answers carry their JO page only there).
* ``status``: see :func:`closure_status`; ``url``: see :func:`question_url`.
* ``author`` is not in the JSON: it is read from the opening of the question
  text ("Mme Olivia Grégoire interroge …") or, for an oral question, from the
  transcript ("La parole est à Mme Mélanie Thomin."); AMO resolution
  overrides it later.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import ijson

from qe_desktop.dates import format_date_fr, parse_date
from qe_desktop.importers.clean import controls_note, display_safe, json_int, number_too_long
from qe_desktop.importers.html_text import html_to_text, transcript_to_text
from qe_desktop.importers.sources import Source, parse_stream_of
from qe_desktop.model import FIELD_LABELS, ParsedItem, Question, QuestionType, Rejection, Status

FORMAT = "an_json"
LABEL = "questions de l'Assemblée nationale (open data JSON)"

__all__ = [
    "FORMAT",
    "LABEL",
    "PrefixedStream",
    "RecordError",
    "author_from_text",
    "author_from_transcript",
    "closure_status",
    "parse",
    "question_from_json",
    "question_url",
    "sniff",
]

try:
    _IJSON: Any = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on the wheel installed
    _IJSON = ijson

#: Bytes read to recognise the layout of a file (the first try uses fewer).
_PEEK = 64 * 1024
_QUICK_PEEK = 2048
#: No AN record comes near this nesting; a file that does is hostile or broken (and would
#: make a parser's work grow with the square of the depth).
_MAX_DEPTH = 64
_TOO_DEEP = (
    f"structure JSON trop imbriquée (plus de {_MAX_DEPTH} niveaux) : ce n'est pas un fichier de questions"
)
#: A single-question document up to this size is read whole (json.loads is faster than ijson).
_MAX_WHOLE = 32 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff")
_AMO_ROOTS = frozenset({"acteur", "organe", "export"})
#: Keys that only a question object has at its top level.
_QUESTION_KEYS = frozenset(
    {"uid", "@xsi:type", "identifiant", "indexationAN", "auteur", "minInt", "textesQuestion", "textesReponse"}
)
_SNIFF_ROOT = re.compile(rb'\s*\{\s*"([^"]{1,64})"')
_SNIFF_MARKERS = (b'"question', b'"uid"', b"QANR5")

_UID = re.compile(r"^QANR5L(\d{1,3})(QE|QG|QOSD)(\d{1,7})$")
#: The shape of a uid whatever its number of digits: to say which number is absurd.
_UID_ANY_DIGITS = re.compile(r"^QANR5L(\d+)(QE|QG|QOSD)(\d+)$")
_XSI_TYPES: dict[str, QuestionType] = {
    "QuestionEcrite_Type": "QE",
    "QuestionGouvernement_Type": "QG",
    "QuestionOrale_Type": "QOSD",
    "QuestionOraleSansDebat_Type": "QOSD",
}
_TYPES: dict[str, QuestionType] = {"QE": "QE", "QG": "QG", "QOSD": "QOSD"}
_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")
_LEADING_INT = re.compile(r"\s*(\d{1,7})")

#: ``source_raw``: readable UTF-8 JSON; parsed data has no cycles, so no circularity check.
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
#: Integer literals of absurd length stay text (json.loads raises ValueError past 4,300 digits).
_DECODER = json.JSONDecoder(parse_int=json_int)


def _loads(data: bytes | str) -> Any:
    """json.loads, with the integer literals of :data:`_DECODER`."""
    if isinstance(data, bytes):
        # What json.loads does with bytes: detect UTF-8/16/32 and let surrogates through
        # (the cleaning step replaces them).
        data = data.decode(json.detect_encoding(data), "surrogatepass")
    return _DECODER.decode(data)


class RecordError(ValueError):
    """A record that cannot be imported; the message is French and names the problem."""


# -- sniffing -----------------------------------------------------------------


def sniff(head: bytes, name: str) -> bool:
    """True for a JSON object or list that mentions questions (never an AMO document)."""
    body = head.removeprefix(_UTF8_BOM).lstrip()
    if not body.startswith((b"{", b"[")):
        return False
    root = _SNIFF_ROOT.match(body)
    if root and root[1].decode("utf-8", "replace") in _AMO_ROOTS:
        return False
    return any(marker in body for marker in _SNIFF_MARKERS)


# -- small value helpers --------------------------------------------------------


def _text(value: Any) -> str | None:
    """A scalar as a stripped string; None for null, ``{"@xsi:nil": "true"}`` and ''."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dict):
        if "#text" in value:
            return _text(value["#text"])
        return None  # {"@xsi:nil": "true"} and any other object where a value was expected
    return None


def _line(value: Any) -> str | None:
    """A one-line label: whitespace runs collapsed (non-breaking spaces kept)."""
    text = _text(value)
    return _WS_RUN.sub(" ", text) if text else None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return [value]


def _maps(value: Any) -> list[dict[str, Any]]:
    return [v for v in _as_list(value) if isinstance(v, dict) and not _is_nil(v)]


def _is_nil(value: dict[str, Any]) -> bool:
    return str(value.get("@xsi:nil", "")).lower() == "true"


def _strings(value: Any) -> list[str]:
    """Every non-empty string in a string, a list of strings, or ``#text`` objects."""
    out: list[str] = []
    for item in _as_list(value):
        text = _line(item)
        if text:
            out.append(text)
    return out


def _date(value: Any, what: str) -> str | None:
    try:
        return parse_date(_text(value))
    except ValueError as exc:
        raise RecordError(f"{what} : {exc}") from None


def _page(value: Any) -> int | None:
    text = _text(value)
    if text is None:
        return None
    m = _LEADING_INT.match(text)
    return int(m[1]) if m else None


def _int(value: Any, what: str) -> int | None:
    """A number of the identifier; RecordError « numéro invalide (5000 chiffres) » and the like."""
    text = _text(value)
    if text is None:
        return None
    too_long = number_too_long(text)
    if too_long:
        raise RecordError(f"{what} invalide ({too_long})")
    try:
        return int(text)
    except ValueError:
        raise RecordError(f"{what} invalide : « {display_safe(text, 40)} » n'est pas un nombre") from None


# -- public helpers shared with the other AN importers ---------------------------------


def question_url(legislature: int | None, qtype: str, number: int | None) -> str | None:
    """The question's page on the AN question site, e.g. ``…/q14/14-47351QE.htm``.

    The same scheme serves every legislature: pages cited across the web use
    ``q15/15-14570QE.htm``, ``q16/16-648QG.htm`` and ``q17/17-16957QE.htm``
    (the ``q17/QANR5L17QE1.htm`` form is not the site's usual address).
    """
    if legislature is None or number is None:
        return None
    return f"https://questions.assemblee-nationale.fr/q{legislature}/{legislature}-{number}{qtype}.htm"


#: Closure wordings that mean the question fell with its author's mandate or the legislature.
_LAPSED_MARKERS = (
    "caduc",
    "fin de mandat",
    "fin du mandat",
    "cessation de mandat",
    "cessation du mandat",
    "législature",
    "legislature",
    "changement de gouvernement",
    "décès",
    "deces",
    "démission",
    "demission",
    "nomination au gouvernement",
    "membre du gouvernement",
)


def closure_status(code: str | None, label: str | None, answered: bool) -> Status:
    """The status from the closure code/label (``closure_label`` keeps the official wording).

    * ``answered``: an answer was published (text or date), or the closure is
      ``REP_PUB`` / "Réponse publiée";
    * ``lapsed``: closed by the end of the author's mandate or of the legislature,
      caducité, a change of government, death, resignation, appointment as a
      minister ("Fin de mandat", "Caducité", …);
    * ``withdrawn``: any other closure ("Retrait", "Question retirée", unknown
      wordings — the AN site shows every closure without an answer as
      "Question retirée");
    * ``pending``: no closure.
    """
    if answered:
        return "answered"
    wording = f"{code or ''} {label or ''}".strip().casefold()
    if not wording:
        return "pending"
    if "rep_pub" in wording or "réponse" in wording or "reponse" in wording:
        return "answered"
    if any(marker in wording for marker in _LAPSED_MARKERS):
        return "lapsed"
    return "withdrawn"


_CIVILITY = re.compile(r"^\s*(M\.|Mme|Mlle|MM\.)[ \u00a0]+")
_PARTICLES = frozenset(
    {"de", "du", "des", "d'", "d’", "le", "la", "van", "von", "der", "den", "di", "da", "dos", "del"}
)


def _name_tokens(text: str) -> tuple[list[str], list[str]]:
    """Split "Olivia Grégoire interroge …" into the name tokens and the tokens after it.

    A name is capitalised words, with particles (de, d', le, van…) allowed before one.
    """
    tokens = [t for t in text.replace("\u00a0", " ").split(" ") if t]
    name: list[str] = []
    pending: list[str] = []  # particles not yet followed by a capitalised word
    stop = len(tokens)
    for i, token in enumerate(tokens):
        if len(name) + len(pending) >= 8:
            stop = i
            break
        if token.lower() in _PARTICLES:
            pending.append(token)
            continue
        bare = token[2:] if token[:2].lower() in ("d'", "d’") and len(token) > 2 else token
        if bare[:1].isupper():
            name.extend(pending)
            pending = []
            name.append(token)
            continue
        stop = i
        break
    return name, pending + tokens[stop:]


def author_from_text(text: str | None) -> str | None:
    """The author named at the opening of a question ("Mme Olivia Grégoire interroge …")."""
    if not text:
        return None
    m = _CIVILITY.match(text)
    if not m:
        return None
    name, rest = _name_tokens(text[m.end() : m.end() + 200])
    # The name must be followed by the verb ("interroge", "attire", …).
    if not name or not rest or not rest[0][:1].islower():
        return None
    return f"{m[1]} {' '.join(name)}".rstrip(",.;:")


_FLOOR_GIVEN = re.compile(r"La parole est à ((?:M\.|Mme|Mlle)[ \u00a0][^\n.,]{1,80})[.,]")
_SPEAKER = re.compile(r"^((?:M\.|Mme|Mlle)[ \u00a0][^\n.,]{1,80})[.,] ", re.MULTILINE)


def _deputy_name(candidate: str) -> str | None:
    civility = _CIVILITY.match(candidate)
    if not civility:
        return None
    name, rest = _name_tokens(candidate[civility.end() :])
    if name and not rest:  # "M. le ministre de …", "Mme la présidente" are not names
        return f"{civility[1]} {' '.join(name)}"
    return None


def author_from_transcript(text: str | None) -> str | None:
    """The deputy who asks, in a session transcript.

    The first "La parole est à Mme X." naming a person, else the first speech
    whose speaker is a person (the chair and ministers are named by office).
    """
    if not text:
        return None
    for pattern in (_FLOOR_GIVEN, _SPEAKER):
        for m in pattern.finditer(text):
            name = _deputy_name(m[1])
            if name:
                return name
    return None


# -- mapping --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Publication:
    text: str | None
    date: str | None
    page: int | None
    errata: tuple[str, ...]
    #: Control characters html_text took out of the texts, and out of the errata.
    removed: tuple[str, ...] = ()
    errata_removed: tuple[str, ...] = ()


def _errata(value: Any, kind: str, removed: list[str]) -> list[str]:
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, dict):
            if _is_nil(item):
                continue
            info = item.get("infoJO") if isinstance(item.get("infoJO"), dict) else item
            when = _date(_get(info, "dateJO"), f"date de l'erratum ({kind})")
            page = _page(_get(info, "pageJO"))
            body = html_to_text(_text(item.get("texte")), removed)
            if not (when or page or body):
                continue
            parts = [f"Erratum ({kind})"]
            if when:
                parts.append(f" publié au JO le {format_date_fr(when)}")
            if page:
                parts.append(f", page {page}")
            if body:
                parts.append(f" : {body}")
            out.append("".join(parts))
        else:
            body = html_to_text(_text(item), removed)
            if body:
                out.append(f"Erratum ({kind}) : {body}")
    return out


def _publications(container: Any, key: str, kind: str, transcript: bool) -> _Publication:
    """Texts, first date/page and errata of ``textesQuestion``/``textesReponse``."""
    entries: list[dict[str, Any]] = []
    for item in _maps(container):  # {texteQuestion: …}, or a list of them, or of entries
        entries.extend(_maps(item[key]) if key in item else [item])
    texts: list[str] = []
    date: str | None = None
    page: int | None = None
    errata: list[str] = []
    removed: list[str] = []
    errata_removed: list[str] = []
    for entry in entries:
        info = entry.get("infoJO")
        entry_date = _date(_get(info, "dateJO"), f"date de publication de la {kind}")
        if date is None and entry_date:
            date, page = entry_date, _page(_get(info, "pageJO"))
        raw = _text(entry.get("texte"))
        if raw:
            converted = transcript_to_text(raw, removed) if transcript else html_to_text(raw, removed)
            if converted and converted not in texts:
                texts.append(converted)
        errata.extend(_errata(entry.get("erratum"), kind, errata_removed))
    return _Publication(
        "\n\n".join(texts) or None, date, page, tuple(errata), tuple(removed), tuple(errata_removed)
    )


def _ministry(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return _line(value.get("abrege")) or _line(value.get("developpe"))


def _analyse(indexation: Any) -> str | None:
    parts: list[str] = []
    analyses = _get(indexation, "analyses")
    for item in _as_list(analyses):
        parts.extend(_strings(item.get("analyse") if isinstance(item, dict) else item))
    if not parts:  # XV archive: indexationAN.ANALYSE.ANA
        parts = _strings(_get(indexation, "ANALYSE", "ANA"))
    return " / ".join(parts) or None


def _first_date(entry: dict[str, Any], what: str) -> str | None:
    """One date for a renewal entry: a key naming the renewal first, else any ``date*`` key."""
    keys = sorted(
        (k for k in entry if "date" in k.lower()),
        key=lambda k: 0 if "renouvel" in k.lower() else 1,
    )
    for key in keys:
        value = entry[key]
        if not isinstance(value, dict | list):
            when = _date(value, what)
            if when:
                return when
    for value in entry.values():  # infoJO.dateJO and the like
        if isinstance(value, dict):
            when = _first_date(value, what)
            if when:
                return when
    return None


def _renewal_dates(value: Any) -> tuple[str, ...]:
    """Renewal dates, whatever the nesting (object, list, ``{renouvellement: [...]}``)."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict) and not _is_nil(node):
            if any("date" in k.lower() and not isinstance(v, dict | list) for k, v in node.items()):
                when = _first_date(node, "date de renouvellement")
                if when:
                    found.add(when)
                return
            for item in node.values():
                visit(item)

    visit(value)
    return tuple(sorted(found))


def _signal_date(value: Any) -> str | None:
    for entry in _maps(value):
        when = _date(entry.get("dateDepotSignal"), "date de signalement") or _date(
            _get(entry, "infoJO", "dateJO"), "date de signalement"
        )
        if when:
            return when
    return None


def _identity(data: dict[str, Any]) -> tuple[str, int, QuestionType, int]:
    """uid, legislature, type, number — from the uid, else built from ``identifiant``."""
    uid = _text(data.get("uid"))
    if uid is not None:
        m = _UID.match(uid)
        if not m:
            digits = _UID_ANY_DIGITS.match(uid)
            if digits:
                for what, text, limit in (("législature", digits[1], 3), ("numéro", digits[3], 7)):
                    too_long = number_too_long(text, limit)
                    if too_long:
                        raise RecordError(
                            f"{what} invalide ({too_long}) dans l'identifiant « {display_safe(uid, 40)} »"
                        )
            raise RecordError(
                f"identifiant « {display_safe(uid, 60)} » mal formé "
                "(attendu QANR5L<législature><QE|QG|QOSD><numéro>)"
            )
        return uid, int(m[1]), _TYPES[m[2]], int(m[3])
    ident = data.get("identifiant")
    legislature = _int(_get(ident, "legislature"), "législature")
    number = _int(_get(ident, "numero"), "numéro")
    if legislature is None or number is None:
        raise RecordError("identifiant absent : ni « uid » ni législature et numéro (« identifiant »)")
    raw_type = _text(data.get("type"))
    qtype = _TYPES.get(raw_type.upper()) if raw_type else None
    if qtype is None:
        xsi = _text(data.get("@xsi:type"))
        qtype = _XSI_TYPES.get(xsi) if xsi else None
    if qtype is None:
        if raw_type:
            raise RecordError(f"type de question inconnu : « {display_safe(raw_type, 40)} »")
        raise RecordError("type de question absent (ni « type » ni « @xsi:type »)")
    return f"QANR5L{legislature}{qtype}{number}", legislature, qtype, number


def question_from_json(
    data: dict[str, Any],
    source_name: str,
    *,
    source_format: str = FORMAT,
    source_raw: str | None = None,
) -> Question:
    """Map one question object (the value of ``"question"``) to a Question.

    Raises RecordError (a ValueError) with a French reason for a record that
    cannot be imported: no identifier, unknown type, unreadable date.
    ``source_raw`` defaults to the object as JSON text.
    """
    if not isinstance(data, dict):
        raise RecordError("ce n'est pas un objet « question »")
    uid, legislature, qtype, number = _identity(data)
    oral = qtype in ("QG", "QOSD")
    indexation = data.get("indexationAN")
    author_block = data.get("auteur")
    group = _get(author_block, "groupe")

    question = _publications(data.get("textesQuestion"), "texteQuestion", "question", transcript=False)
    answer = _publications(data.get("textesReponse"), "texteReponse", "réponse", transcript=oral)

    attributions = _maps(_get(data, "minAttribs", "minAttrib"))
    answering = None
    if attributions:
        last = attributions[-1]
        answering = _ministry(last.get("denomination")) or _ministry(last)

    closure = data.get("cloture")
    closure = closure if isinstance(closure, dict) and not _is_nil(closure) else {}
    closure_label = _line(closure.get("libelleCloture"))
    closure_date = _date(closure.get("dateCloture"), "date de clôture") or _date(
        _get(closure, "infoJO", "dateJO"), "date de clôture"
    )
    answered = bool(answer.text or answer.date)
    status = closure_status(_text(closure.get("codeCloture")), closure_label, answered)
    answer_date, answer_page = answer.date, answer.page
    if status == "answered" and closure:
        # A "Réponse publiée" closure is the answer's publication: it fills what the
        # answer block leaves out (QG answers of the 16th have no page but the closure has).
        closure_jo = _get(closure, "infoJO")
        closure_jo_date = _date(_get(closure_jo, "dateJO"), "date de clôture")
        answer_date = answer_date or closure_jo_date or closure_date
        if answer_page is None and closure_jo_date == answer_date:
            answer_page = _page(_get(closure_jo, "pageJO"))

    question_date = question.date
    if question_date is None and qtype == "QG":
        # A question au Gouvernement is not published before the sitting: it is asked
        # there, and the sitting's transcript is its answer.  Its date is the sitting's.
        sitting = _get(attributions[0], "infoJO", "dateJO") if attributions else None
        question_date = _date(sitting, "date de la séance") or answer_date

    author = author_from_text(question.text)
    if author is None and oral:
        author = author_from_transcript(answer.text)
    # The HTML conversion takes control characters out (a JSON escape such as \u001b can
    # hold one): said here, in the words of the cleaning step.
    notes = tuple(
        controls_note(found, FIELD_LABELS[name])
        for found, name in (
            (question.removed, "question_text"),
            (answer.removed, "answer_text"),
            (question.errata_removed + answer.errata_removed, "errata"),
        )
        if found
    )

    return Question(
        uid=uid,
        legislature=legislature,
        type=qtype,
        number=number,
        chamber="AN",
        rubrique=_line(_get(indexation, "rubrique")),
        tete_analyse=_line(_get(indexation, "teteAnalyse")),
        analyse=_analyse(indexation),
        author=author,
        author_ref=_text(_get(author_block, "identite", "acteurRef")),
        group=_line(_get(group, "developpe")),
        group_abbrev=_line(_get(group, "abrege")),
        ministry_asked=_ministry(data.get("minInt")),
        ministry_answering=answering,
        question_text=question.text,
        question_date=question_date,
        question_page=question.page,
        answer_text=answer.text,
        answer_date=answer_date,
        answer_page=answer_page,
        status=status,
        closure_label=closure_label,
        closure_date=closure_date,
        signal_date=_signal_date(data.get("signalement")),
        renewal_dates=_renewal_dates(data.get("renouvellements")),
        errata=question.errata + answer.errata,
        url=question_url(legislature, qtype, number),
        source_notes=notes,
        mandate_ref=_text(_get(author_block, "identite", "mandatRef")),
        group_ref=_text(_get(group, "organeRef")),
        source_format=source_format,
        source_name=source_name,
        source_raw=source_raw if source_raw is not None else _RAW_ENCODER.encode(data),
    )


def _record_label(data: Any, position: int) -> str:
    uid = _text(data.get("uid")) if isinstance(data, dict) else None
    return uid or f"enregistrement n° {position}"


def _map_record(data: Any, position: int, source_name: str) -> Question | Rejection:
    try:
        return question_from_json(data, source_name)
    except RecordError as exc:
        return Rejection(source_name, str(exc), _record_label(data, position))
    except RecursionError:
        return Rejection(source_name, _TOO_DEEP, _record_label(data, position))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # A shape the mapping did not foresee: reject this record, keep the others.
        return Rejection(
            source_name,
            f"structure inattendue ({type(exc).__name__} : {exc})",
            _record_label(data, position),
        )


# -- reading a file ----------------------------------------------------------------------


class _LayoutError(Exception):
    """The file is not a readable question document; the message is French."""


@dataclass(frozen=True, slots=True)
class _Layout:
    prefix: str  # ijson prefix of the question object(s)
    many: bool  # prefix names a list (stream it) rather than one object


class PrefixedStream:
    """The bytes already read for sniffing, then the rest of the stream (what ijson and iterparse read)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def _ijson_reason(exc: Exception) -> str:
    """A French reason for an ijson/yajl error (their messages are English and multi-line)."""
    arg = exc.args[0] if exc.args else exc
    detail = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    first = detail.strip().splitlines()[0].strip() if detail.strip() else ""
    low = first.lower()
    if "utf8" in low or "utf-8" in low:
        return "le fichier n'est pas encodé en UTF-8 (Latin-1 ou Windows-1252 ?) : réenregistrez-le en UTF-8"
    if "premature eof" in low or "incomplete" in low:
        return "fichier JSON tronqué (fin de fichier inattendue)"
    return f"JSON invalide ({first})" if first else "JSON invalide"


def _value_path(stack: list[tuple[tuple[str, ...], bool]], key: str | None) -> tuple[str, ...]:
    """Where the value about to start sits: keys, ``item`` for an array element (ijson's prefixes)."""
    if not stack:
        return ()
    path, is_map = stack[-1]
    return (*path, key or "") if is_map else (*path, "item")


def _layout(head: bytes, complete: bool) -> _Layout:
    """Where the questions are, from the first bytes of the file.

    A couple of KB settle it for real files; the parser (which reads its whole
    input buffer eagerly) only sees the whole head when they do not.
    """
    if len(head) > _QUICK_PEEK:
        try:
            return _layout_of(head[:_QUICK_PEEK], complete=False)
        except _LayoutError:
            pass
    return _layout_of(head, complete)


def _layout_of(head: bytes, complete: bool) -> _Layout:
    # basic_parse, not parse: ijson's prefixes grow with the depth, which a hostile
    # file can make enormous; the path is tracked here, with a depth limit.
    stack: list[tuple[tuple[str, ...], bool]] = []
    key: str | None = None
    try:
        for event, value in _IJSON.basic_parse(io.BytesIO(head)):
            if event == "map_key":
                key = value
                if len(stack) == 1 and stack[0][1]:  # a key of the root object
                    if value in _AMO_ROOTS:
                        raise _LayoutError(
                            "référentiel AMO (députés, organes), pas des questions : "
                            "il est lu par l'import du référentiel"
                        )
                    if value in _QUESTION_KEYS:  # the root object is a question
                        return _Layout("", many=False)
                elif len(stack) == 2 and not stack[0][1] and stack[1][0] == ("item",):
                    # First key of the first element of a root list: wrapper or bare question.
                    return _Layout("item.question" if value == "question" else "item", many=True)
                continue
            if event in ("end_map", "end_array"):
                stack.pop()
                if not stack:
                    break
                continue
            path = _value_path(stack, key)
            if path == ("item",) and event != "start_map":
                break  # a root list of something else than objects
            if event not in ("start_map", "start_array"):
                continue
            many = event == "start_array"
            if path == ("question",) or (len(path) == 2 and path[1] == "question" and stack[0][1]):
                prefix = ".".join(path)
                return _Layout(f"{prefix}.item" if many else prefix, many)
            if len(stack) >= _MAX_DEPTH:
                raise _LayoutError(_TOO_DEEP)
            stack.append((path, not many))
    except ijson.JSONError as exc:
        if complete:
            raise _LayoutError(_ijson_reason(exc)) from None
        raise _LayoutError(
            f"structure JSON non reconnue dans les {_PEEK // 1024} premiers Ko ({_ijson_reason(exc)})"
        ) from None
    if not complete:
        raise _LayoutError(f"structure JSON non reconnue dans les {_PEEK // 1024} premiers Ko")
    raise _LayoutError(
        "document JSON sans question de l'Assemblée nationale "
        '(attendu {"question": …} ou une liste « questionsEcrites », « questionsGvt », '
        "« questionsOralesSansDebat »)"
    )


def _whole_document(data: bytes, prefix: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _LayoutError(
            f"le fichier n'est pas encodé en UTF-8 (octet 0x{data[exc.start]:02x} à la position {exc.start}, "
            "Latin-1 ou Windows-1252 ?) : réenregistrez-le en UTF-8"
        ) from None
    try:
        document = _loads(text)
    except RecursionError:
        raise _LayoutError(_TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise _LayoutError(
            f"JSON invalide ou tronqué (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})"
        ) from None
    for key in prefix.split(".") if prefix else ():
        document = document.get(key) if isinstance(document, dict) else None
    return document


def _build(events: Iterator[tuple[str, Any]], is_map: bool, depth: int) -> Any:
    """The object or array whose start event was just read, from the events that follow."""
    root: Any = {} if is_map else []
    stack: list[Any] = [root]
    key: Any = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            if not stack:
                return root
            continue
        if event == "start_map":
            obj: Any = {}
        elif event == "start_array":
            obj = []
        else:
            obj = value
        top = stack[-1]
        if type(top) is dict:
            top[key] = obj
        else:
            top.append(obj)
        if event == "start_map" or event == "start_array":
            if depth + len(stack) >= _MAX_DEPTH:
                raise _LayoutError(_TOO_DEEP)
            stack.append(obj)
    raise _LayoutError("fichier JSON tronqué (fin de fichier inattendue)")


def _objects_at(events: Iterator[tuple[str, Any]], target: tuple[str, ...]) -> Iterator[Any]:
    """Every value found at ``target`` (an ijson prefix as a tuple), built one at a time."""
    stack: list[tuple[tuple[str, ...], bool]] = []
    key: str | None = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            continue
        path = _value_path(stack, key)
        starts = event == "start_map" or event == "start_array"
        if path == target:
            yield _build(events, event == "start_map", len(stack)) if starts else value
        elif starts:
            if len(stack) >= _MAX_DEPTH:
                raise _LayoutError(_TOO_DEEP)
            stack.append((path, event == "start_map"))


def _stream_records(stream: PrefixedStream, layout: _Layout, source_name: str) -> Iterator[ParsedItem]:
    target = tuple(layout.prefix.split(".")) if layout.prefix else ()
    iterator = _objects_at(iter(_IJSON.basic_parse(stream, use_float=True)), target)
    position = 0
    while True:
        try:
            data = next(iterator)
        except StopIteration:
            return
        except (ijson.JSONError, _LayoutError) as exc:
            reason = _ijson_reason(exc) if isinstance(exc, ijson.JSONError) else str(exc)
            if position:
                reason += f" : la lecture s'arrête après l'enregistrement n° {position}"
            yield Rejection(source_name, reason, f"enregistrement n° {position + 1}")
            return
        position += 1
        yield _map_record(data, position, source_name)


def _parse_stream(stream: IO[bytes], source_name: str) -> Iterator[ParsedItem]:
    head = stream.read(_PEEK)
    complete = len(head) < _PEEK
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    elif head.startswith(_OTHER_BOMS):
        yield Rejection(source_name, "fichier encodé en UTF-16 : réenregistrez-le en UTF-8")
        return
    if not head.strip():
        yield Rejection(source_name, "fichier vide")
        return
    if complete:
        # Fast path for the common case, one small {"question": {...}} document (a dump
        # member): parse it once.  Anything else takes the general path below, which
        # also words the errors.
        try:
            document = _loads(head)
        except (UnicodeDecodeError, ValueError, RecursionError):
            document = None
        if isinstance(document, dict) and len(document) == 1 and isinstance(document.get("question"), dict):
            yield _map_record(document["question"], 1, source_name)
            return
    try:
        layout = _layout(head, complete)
        if not layout.many:
            rest = b"" if complete else stream.read(_MAX_WHOLE)
            if len(head) + len(rest) < _MAX_WHOLE:
                document = _whole_document(head + rest, layout.prefix)
                yield _map_record(document, 1, source_name)
                return
            yield from _stream_records(PrefixedStream(head + rest, stream), layout, source_name)
            return
    except _LayoutError as exc:
        yield Rejection(source_name, str(exc))
        return
    yield from _stream_records(PrefixedStream(head, stream), layout, source_name)


def parse(source: Source) -> Iterator[ParsedItem]:
    """Questions of one JSON file or zip member; a Rejection for each bad record or file."""
    return parse_stream_of(source, _parse_stream)
