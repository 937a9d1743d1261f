"""Assemblée nationale XML: the legacy per-question ``<QUESTION TYPE="QE">`` and the open-data schema.

* Legacy XML of the question site (``…/q14/14-47351QE.htm/vue/xml``, DATA.md §2):
  upper-case tags, DD/MM/YYYY dates, author name and constituency included,
  answers in CDATA HTML with tables.
* Open-data XML (XV archive ``xml/QANR5L15QE*.xml``, namespace
  ``http://schemas.assemblee-nationale.fr/referentiel``; XIV list roots
  ``<questionsEcrites>``/``<questionsGvt>``/``<questionsOralesSansDebat>``):
  the same structure as the JSON, so each ``<question>`` is turned into the
  JSON's dict shape and mapped by :func:`an_json.question_from_json`.

Parsed with defusedxml, streamed (``iterparse``) so that a list file is never
held whole and the records before a truncation are kept.  A DOCTYPE, entity
declaration or external reference makes the file a Rejection before anything
is expanded or fetched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, tostring

import defusedxml
import defusedxml.ElementTree as safe_etree

from qe_desktop.dates import format_date_fr, parse_date
from qe_desktop.importers.an_json import (
    PrefixedStream,
    RecordError,
    author_from_text,
    author_from_transcript,
    closure_status,
    question_from_json,
    question_url,
)
from qe_desktop.importers.clean import controls_note, display_safe, number_too_long
from qe_desktop.importers.html_text import html_to_text, transcript_to_text
from qe_desktop.importers.sources import Source, parse_stream_of
from qe_desktop.model import FIELD_LABELS, ParsedItem, Question, QuestionType, Rejection

FORMAT = "an_xml"
LABEL = "questions de l'Assemblée nationale (XML)"

__all__ = ["FORMAT", "LABEL", "parse", "question_from_legacy", "sniff"]

#: Files up to this size are read whole (their exact text becomes source_raw).
_MAX_WHOLE = 8 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_LIST_ROOTS = frozenset({"questionsEcrites", "questionsGvt", "questionsOralesSansDebat", "questions"})
_SNIFF = re.compile(rb"<(?:QUESTION|question|questionsEcrites|questionsGvt|questionsOralesSansDebat)[\s>/]")
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_TYPES: dict[str, QuestionType] = {"QE": "QE", "QG": "QG", "QOSD": "QOSD"}


def sniff(head: bytes, name: str) -> bool:
    """True for XML whose content has a ``<QUESTION>`` or open-data ``<question>`` element."""
    body = head.removeprefix(_UTF8_BOM).lstrip()
    return body.startswith(b"<") and _SNIFF.search(body) is not None


# -- legacy <QUESTION> -------------------------------------------------------------------


_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")


def _raw(elem: Element | None, path: str | None = None) -> str | None:
    """An element's text as written (CDATA included), None when absent."""
    if elem is not None and path is not None:
        elem = elem.find(path)
    if elem is None or elem.text is None or not elem.text.strip():
        return None
    return elem.text


def _text(elem: Element | None, path: str | None = None) -> str | None:
    """An element's text on one line (whitespace runs collapsed, NBSP kept)."""
    raw = _raw(elem, path)
    return _WS_RUN.sub(" ", raw).strip() if raw else None


def _attr(elem: Element | None, name: str) -> str | None:
    if elem is None:
        return None
    value = (elem.get(name) or "").strip()
    return value or None


def _date(elem: Element | None, path: str, what: str) -> str | None:
    try:
        return parse_date(_text(elem, path))
    except ValueError as exc:
        raise RecordError(f"{what} : {exc}") from None


def _page(elem: Element | None, path: str) -> int | None:
    text = _text(elem, path)
    m = re.match(r"\d{1,7}", text or "")
    return int(m[0]) if m else None


def _ref(prefix: str, value: str | None) -> str | None:
    """``923`` -> ``PA923`` (AMO references); a value already prefixed is kept."""
    if not value:
        return None
    return value if value.startswith(prefix) else f"{prefix}{value}"


def _ordinal(number: str | None) -> str | None:
    if not number or not number.isdigit() or number_too_long(number, 3):
        return number  # left as written; the cleaning step bounds its length
    n = int(number)
    return "1re" if n == 1 else f"{n}e"


def _constituency(elem: Element | None) -> str | None:
    departement = _text(elem, "DEPARTEMENT")
    if not departement:
        return None
    rank = _ordinal(_attr(elem, "NUMERO_CIRCONSCRIPTION"))
    return f"{departement} ({rank} circonscription)" if rank else departement


def _ministry(elem: Element | None) -> str | None:
    return _text(elem, "ABREGE") or _text(elem, "DEVELOPPE")


def _last_attribution(root: Element) -> Element | None:
    orders = root.findall("MINA/ORDRE")
    if not orders:
        return None

    def rank(item: tuple[int, Element]) -> tuple[int, int]:
        position, order = item
        number = _attr(order, "NUMERO") or ""
        return (int(number) if number.isdigit() and not number_too_long(number) else -1, position)

    return max(enumerate(orders), key=rank)[1]


def _legacy_errata(root: Element, removed: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for tag, kind in (("ERRATUM_QUESTION", "question"), ("ERRATUM_REPONSE", "réponse")):
        for erratum in root.findall(tag):
            when = _date(erratum, "DATE_JO", f"date de l'erratum ({kind})")
            if not when:
                continue  # the legacy XML always carries an empty ERRATUM_* block
            text = f"Erratum ({kind}) publié au JO le {format_date_fr(when)}"
            page = _page(erratum, "PAGE_JO")
            if page:
                text += f", page {page}"
            body = html_to_text(_raw(erratum, "TEXTE_ERRATUM") or _raw(erratum, "TEXTE"), removed)
            if body:
                text += f" : {body}"
            out.append(text)
    return tuple(out)


def question_from_legacy(root: Element, source_name: str, source_raw: str) -> Question:
    """Map one legacy ``<QUESTION>`` element; RecordError (French) if it cannot be imported."""
    raw_type = _attr(root, "TYPE")
    qtype = _TYPES.get((raw_type or "").upper())
    if qtype is None:
        raise RecordError(
            f"type de question inconnu : « {display_safe(raw_type, 40)} »"
            if raw_type
            else "type de question absent"
        )
    legislature_text = _text(root, "LEGISLATURE")
    number_text = next((n for d in root.findall("DEPOT") if (n := _attr(d, "NUMERO"))), None)
    if not legislature_text or not number_text:
        raise RecordError("législature ou numéro absent (LEGISLATURE, DEPOT@NUMERO)")
    for what, text, limit in (("législature", legislature_text, 3), ("numéro", number_text, 7)):
        too_long = number_too_long(text, limit)
        if too_long:
            raise RecordError(f"{what} invalide ({too_long})")
    if not legislature_text.isdigit() or not number_text.isdigit():
        raise RecordError(
            f"législature ou numéro illisible : « {display_safe(legislature_text, 40)} », "
            f"« {display_safe(number_text, 40)} »"
        )
    legislature, number = int(legislature_text), int(number_text)
    uid = f"QANR5L{legislature}{qtype}{number}"
    oral = qtype in ("QG", "QOSD")

    deposit = next((d for d in root.findall("DEPOT") if d.find("DATE_JO") is not None), None)
    text_deposit = next((d for d in root.findall("DEPOT") if d.find("TEXTE_DEPOT") is not None), None)
    # The HTML conversion takes control characters out (XML 1.0 allows DEL and the C1 range):
    # said in the record's notes, in the words of the cleaning step, as for the JSON records.
    removed: dict[str, list[str]] = {"question_text": [], "answer_text": [], "errata": []}
    question_text = html_to_text(_raw(text_deposit, "TEXTE_DEPOT"), removed["question_text"]) or None
    answer_raw = _raw(root, "REPONSE/TEXTE_REPONSE")
    convert = transcript_to_text if oral else html_to_text
    answer_text = convert(answer_raw, removed["answer_text"]) or None
    errata = _legacy_errata(root, removed["errata"])
    answer_date = _date(root, "REPONSE/DATE_JO_REPONSE", "date de la réponse")

    author_elem = root.find("AUTEUR")
    author = " ".join(
        part
        for part in (_text(author_elem, "CIVILITE"), _text(author_elem, "PRENOM"), _text(author_elem, "NOM"))
        if part
    ) or author_from_text(question_text)
    if not author and oral:
        author = author_from_transcript(answer_text)

    group = root.find("GROUPE")
    indexation = root.find("INDEXATION_AN")
    analyses = [a for a in (_text(e) for e in root.findall("INDEXATION_AN/ANALYSE/ANA")) if a]
    renewals = {
        when
        for order in root.findall("RENOUVELLEMENT/ORDRE")
        if (
            when := _date(order, "DATE_RENOUVELLEMENT", "date de renouvellement")
            or _date(order, "DATE_JO", "date de renouvellement")
        )
    }
    closure = root.find("CLOTURE")
    closure_label = _text(closure, "LIBELLE")
    closure_date = _date(closure, "DATE_JO", "date de clôture")
    status = closure_status(_text(closure, "ABREGE"), closure_label, bool(answer_text or answer_date))
    answer_page = _page(root, "REPONSE/PAGE_JO_REPONSE")
    if status == "answered":  # the "Réponse publiée" closure is the answer's publication
        answer_date = answer_date or closure_date
        if answer_page is None and closure_date == answer_date:
            answer_page = _page(closure, "PAGE_JO")
    signal = root.find("SIGNALEMENT")

    return Question(
        uid=uid,
        legislature=legislature,
        type=qtype,
        number=number,
        chamber="AN",
        rubrique=_attr(indexation, "RUBRIQUE"),
        tete_analyse=_text(indexation, "TETE_ANALYSE"),
        analyse=" / ".join(analyses) or None,
        author=author,
        author_ref=_ref("PA", _text(author_elem, "ID_ACTEUR")),
        group=_text(group, "LIBELLE"),
        group_abbrev=_attr(group, "SIGLE"),
        constituency=_constituency(root.find("CIRCONSCRIPTION")),
        ministry_asked=_ministry(root.find("MINI")),
        ministry_answering=_ministry(_last_attribution(root)),
        question_text=question_text,
        question_date=_date(deposit, "DATE_JO", "date de publication de la question"),
        question_page=_page(deposit, "PAGE_JO"),
        answer_text=answer_text,
        answer_date=answer_date,
        answer_page=answer_page,
        status=status,
        closure_label=closure_label,
        closure_date=closure_date,
        signal_date=_date(signal, "DATE_DEPOT_SIGNAL", "date de signalement")
        or _date(signal, "DATE_JO", "date de signalement"),
        renewal_dates=tuple(sorted(renewals)),
        errata=errata,
        url=question_url(legislature, qtype, number),
        mandate_ref=_ref("PM", _attr(author_elem, "ID_MANDAT")),
        group_ref=_ref("PO", _text(group, "ID_GROUPE")),
        source_format=FORMAT,
        source_name=source_name,
        source_raw=source_raw,
        source_notes=tuple(
            controls_note(found, FIELD_LABELS[name]) for name, found in removed.items() if found
        ),
    )


# -- open-data <question> ------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _to_json_shape(elem: Element) -> Any:
    """The dict the AN JSON has for this element: children by name, repeats as lists, nil as None."""
    if elem.get(_XSI + "nil") == "true":
        return None
    children = list(elem)
    if not children:
        return elem.text
    out: dict[str, Any] = {}
    xsi_type = elem.get(_XSI + "type")
    if xsi_type:
        out["@xsi:type"] = xsi_type.rsplit(":", 1)[-1]
    for child in children:
        key = _local(child.tag)
        value = _to_json_shape(child)
        if key in out:
            previous = out[key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                out[key] = [previous, value]
        else:
            out[key] = value
    return out


# -- reading a file ------------------------------------------------------------------------


def _record_label(elem: Element, position: int) -> str:
    uid = _text(elem.find("uid")) or next((_text(e) for e in elem if _local(e.tag) == "uid"), None)
    if uid:
        return uid
    number = next((n for d in elem.findall("DEPOT") if (n := _attr(d, "NUMERO"))), None)
    legislature = _text(elem, "LEGISLATURE")
    if number and legislature:
        return f"{legislature}-{number}{_attr(elem, 'TYPE') or ''}"
    return f"enregistrement n° {position}"


def _map(elem: Element, position: int, source_name: str, raw: str | None = None) -> Question | Rejection:
    """One record; ``raw`` defaults to the element's XML text."""
    try:
        if raw is None:
            raw = _element_text(elem)
        if elem.tag == "QUESTION":
            return question_from_legacy(elem, source_name, raw)
        return question_from_json(_to_json_shape(elem), source_name, source_format=FORMAT, source_raw=raw)
    except RecordError as exc:
        return Rejection(source_name, str(exc), _record_label(elem, position))
    except RecursionError:
        return Rejection(
            source_name,
            "structure XML trop imbriquée : ce n'est pas une question",
            _record_label(elem, position),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return Rejection(
            source_name, f"structure inattendue ({type(exc).__name__} : {exc})", _record_label(elem, position)
        )


def _decode(data: bytes) -> str:
    m = _ENCODING.match(data.removeprefix(_UTF8_BOM))
    encoding = m[1].decode("ascii") if m else "utf-8"
    try:
        return data.removeprefix(_UTF8_BOM).decode(encoding, "replace")
    except LookupError:
        return data.removeprefix(_UTF8_BOM).decode("utf-8", "replace")


def _element_text(elem: Element) -> str:
    """The element as XML text, its namespace as the default one (``<question xmlns=…>``)."""
    if elem.tag.startswith("{"):
        try:
            return tostring(elem, encoding="unicode", default_namespace=elem.tag[1:].split("}", 1)[0])
        except ValueError:  # an element outside that namespace
            pass
    return tostring(elem, encoding="unicode")


_EXPAT_FR = {
    "no element found": "fichier vide ou tronqué",
    "unclosed token": "fichier tronqué",
    "mismatched tag": "balises mal imbriquées",
    "not well-formed (invalid token)": (
        "caractère invalide (fichier non UTF-8 sans déclaration d'encodage ?)"
    ),
    "junk after document element": "contenu après la fin du document",
    "syntax error": "ce n'est pas du XML",
}


def _parse_error_reason(exc: ParseError) -> str:
    message = str(exc)
    detail = message.split(":", 1)[0].strip()
    line, column = getattr(exc, "position", (0, 0))
    return f"XML invalide : {_EXPAT_FR.get(detail, detail)} (ligne {line}, colonne {column + 1})"


def _defused_reason(exc: defusedxml.DefusedXmlException) -> str:
    if isinstance(exc, defusedxml.DTDForbidden):
        return (
            "fichier XML refusé : il contient une déclaration DOCTYPE, absente des fichiers de "
            "l'Assemblée nationale et qui peut cacher une « bombe XML » ou la lecture de fichiers locaux"
        )
    if isinstance(exc, defusedxml.EntitiesForbidden):
        return "fichier XML refusé : il déclare des entités (risque de « bombe XML » ou de lecture de fichiers locaux)"
    return "fichier XML refusé : il fait référence à une ressource externe (fichier local ou réseau)"


def _parse_stream(stream: IO[bytes], source_name: str) -> Iterator[ParsedItem]:
    data = stream.read(_MAX_WHOLE)
    if not data.strip():
        yield Rejection(source_name, "fichier vide")
        return
    whole = len(data) < _MAX_WHOLE
    feed: Any = io.BytesIO(data) if whole else PrefixedStream(data, stream)

    root: Element | None = None
    single = False
    depth = 0
    position = 0
    try:
        for event, elem in safe_etree.iterparse(feed, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = elem
                    name = _local(elem.tag)
                    single = elem.tag == "QUESTION" or name == "question"
                    if not single and name not in _LIST_ROOTS and elem.tag != "QUESTIONS":
                        yield Rejection(
                            source_name,
                            f"document XML qui n'est pas une question de l'Assemblée nationale "
                            f"(élément racine <{name}>)",
                        )
                        return
                continue
            depth -= 1
            if depth == 0 and single:
                yield _map(elem, 1, source_name, _decode(data) if whole else None)
            elif depth == 1 and not single and root is not None:
                if elem.tag == "QUESTION" or _local(elem.tag) == "question":
                    position += 1
                    yield _map(elem, position, source_name)
                root.clear()  # a list file is streamed: drop what has been mapped
    except defusedxml.DefusedXmlException as exc:
        yield Rejection(source_name, _defused_reason(exc))
    except ParseError as exc:
        reason = _parse_error_reason(exc)
        if position:
            reason += f" : la lecture s'arrête après l'enregistrement n° {position}"
        yield Rejection(source_name, reason, f"enregistrement n° {position + 1}" if position else None)


def parse(source: Source) -> Iterator[ParsedItem]:
    """Questions of one XML file or zip member; a Rejection for each bad record or file."""
    return parse_stream_of(source, _parse_stream)
