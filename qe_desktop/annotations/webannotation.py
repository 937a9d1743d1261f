"""Annotations and dossiers as W3C Web Annotation JSON-LD (export, import).

The file is one ``AnnotationCollection`` whose ``first`` page holds the items,
in the vocabulary of the Web Annotation model as Hypothesis uses it, plus a few
terms of our own (prefix ``qe:``, declared in the ``@context``):

- **a highlight or a note**: an ``Annotation`` (``id`` ``urn:uuid:…``, stable
  across copies; ``created``, ``modified``; ``motivation`` ``highlighting`` for a
  passage, ``commenting`` when it carries a note); its ``body`` holds
  ``TextualBody`` items: the note (purpose ``commenting``, ``text/plain``,
  French), one per tag (purpose ``tagging``), and the colour (purpose
  ``classifying``, the colour's meaning as ``value``, its number 1-5 as
  ``colour``); its ``target``: ``source`` = the question's official URL (its
  ``urn:qe-desktop:question:<uid>`` when the corpus has none), ``question`` = the
  uid, and for a passage ``pane`` (``question``/``answer``), ``textHash`` and
  the ``selector`` list: a ``TextQuoteSelector`` (exact, prefix, suffix) and a
  ``TextPositionSelector`` (start, end in the plain text);
- **a dossier**: an ``Annotation`` with motivation ``bookmarking`` whose body
  names it (purpose ``identifying``) and describes it (purpose ``describing``)
  and whose target is a ``List`` (ordered) of the questions, each ``{source,
  question}``;
- the collection's ``colours`` list each colour's number and meaning (for the
  reader of the file; an import keeps the user's own meanings).

Import reads such a file (or a page, a list or a single annotation).  Every
item is checked before anything is stored; a file with any problem is refused
whole with its name and what is wrong, item by item.  Then
:meth:`UserStore.merge` adds it in one transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qe_desktop import __version__
from qe_desktop.annotations.edits import new_id, now_iso
from qe_desktop.annotations.store import MergeReport, UserStore, UserStoreError
from qe_desktop.model import COLOURS, PANES, Annotation, ColourMeaning, Dossier, TextAnchor
from qe_desktop.references import parse_reference
from qe_desktop.search.analysis import fold
from qe_desktop.store import CorpusStore

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: Our few terms, beside the Web Annotation vocabulary.
QE_CONTEXT: dict[str, str] = {
    "qe": "urn:qe-desktop:",
    "question": "qe:question",
    "pane": "qe:pane",
    "textHash": "qe:textHash",
    "colour": "qe:colour",
    "colours": "qe:colours",
}
CONTEXT: list[Any] = [ANNO_CONTEXT, QE_CONTEXT]
QUESTION_URN = "urn:qe-desktop:question:"
#: Problems listed in a refusal, at most.
MAX_PROBLEMS = 10


class AnnotationFileError(UserStoreError):
    """A file of annotations that cannot be imported: its name and what is wrong (French)."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    annotations: int
    dossiers: int


# -- export ------------------------------------------------------------------------------


def _iri(item_id: str) -> str:
    return item_id if ":" in item_id else f"urn:uuid:{item_id}"


def _source(uid: str, urls: Mapping[str, str | None]) -> str:
    return urls.get(uid) or f"{QUESTION_URN}{uid}"


def annotation_jsonld(
    a: Annotation, meanings: Mapping[int, str], urls: Mapping[str, str | None]
) -> dict[str, Any]:
    """One annotation as a Web Annotation."""
    body: list[dict[str, Any]] = []
    if a.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": a.note,
                "format": "text/plain",
                "language": "fr",
            }
        )
    body.extend({"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags)
    if a.colour is not None:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "classifying",
                "value": meanings.get(a.colour, f"Couleur {a.colour}"),
                "colour": a.colour,
            }
        )
    target: dict[str, Any] = {"source": _source(a.question_uid, urls), "question": a.question_uid}
    motivation: list[str] = []
    if a.anchor is not None:
        motivation.append("highlighting")
        target["pane"] = a.anchor.pane
        target["textHash"] = a.anchor.text_hash
        target["selector"] = [
            {
                "type": "TextQuoteSelector",
                "exact": a.anchor.exact,
                "prefix": a.anchor.prefix,
                "suffix": a.anchor.suffix,
            }
        ]
        if a.anchor.start >= 0:  # unknown for a passage imported with its quote only
            target["selector"].append(
                {"type": "TextPositionSelector", "start": a.anchor.start, "end": a.anchor.end}
            )
    if a.note:
        motivation.append("commenting")
    item: dict[str, Any] = {
        "type": "Annotation",
        "id": _iri(a.id),
        "created": a.created,
        "modified": a.modified,
    }
    if motivation:
        item["motivation"] = motivation[0] if len(motivation) == 1 else motivation
    item["body"] = body
    item["target"] = target
    return item


def dossier_jsonld(d: Dossier, urls: Mapping[str, str | None]) -> dict[str, Any]:
    """One dossier as a bookmarking Annotation whose target is the ordered List of its questions."""
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "identifying", "value": d.name}]
    if d.description:
        body.append(
            {"type": "TextualBody", "purpose": "describing", "value": d.description, "language": "fr"}
        )
    return {
        "type": "Annotation",
        "id": _iri(d.id),
        "created": d.created,
        "modified": d.modified,
        "motivation": "bookmarking",
        "body": body,
        "target": {"type": "List", "items": [{"source": _source(u, urls), "question": u} for u in d.items]},
    }


def collection_jsonld(
    annotations: Sequence[Annotation],
    dossiers: Sequence[Dossier],
    colours: Sequence[ColourMeaning],
    urls: Mapping[str, str | None],
    *,
    label: str = "Annotations QE Desktop",
) -> dict[str, Any]:
    """The whole file: an AnnotationCollection with one page of items (dossiers first)."""
    meanings = {c.number: c.meaning for c in colours}
    items = [dossier_jsonld(d, urls) for d in dossiers] + [
        annotation_jsonld(a, meanings, urls) for a in annotations
    ]
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{new_id()}",
        "type": "AnnotationCollection",
        "label": label,
        "generator": {"type": "Software", "name": "QE Desktop", "version": __version__},
        "generated": now_iso(),
        "total": len(items),
        "colours": [{"colour": c.number, "value": c.meaning} for c in colours],
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def export_file(
    store: UserStore, path: Path, *, corpus: CorpusStore | None = None, dossier_id: str | None = None
) -> ExportSummary:
    """Write the annotations and dossiers (or one dossier and the annotations of its questions) to ``path``.

    ``corpus`` gives the questions' official URLs.  Written under a temporary name
    then renamed: a file half-written is never left under the name asked for.
    """
    if dossier_id is None:
        dossiers = store.dossiers()
        annotations = list(store.get_annotations(store.annotation_ids()).values())
        label = "Annotations QE Desktop"
    else:
        dossier = store.dossier(dossier_id)
        if dossier is None:
            raise UserStoreError(f"Dossier introuvable : {dossier_id}.")
        dossiers = [dossier]
        annotations = [a for uid in dossier.items for a in store.annotations_for(uid)]
        label = f"Dossier « {dossier.name} »"
    annotations.sort(key=lambda a: (a.question_uid, a.created, a.id))
    uids = {a.question_uid for a in annotations} | {u for d in dossiers for u in d.items}
    urls: dict[str, str | None] = {}
    if corpus is not None:
        urls = {uid: f.url for uid, f in corpus.facts(sorted(uids)).items()}
    document = collection_jsonld(annotations, dossiers, store.colours(), urls, label=label)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    partial = path.with_name(path.name + ".partiel")
    try:
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise UserStoreError(f"Export impossible dans « {path} » : {exc.strerror or exc}.") from exc
    return ExportSummary(path, len(annotations), len(dossiers))


# -- import ------------------------------------------------------------------------------

_AN_URL = re.compile(r"(\d{1,2})-(\d+)(QE|QG|QOSD)", re.IGNORECASE)
_UUID_URN = re.compile(r"^urn:uuid:([0-9a-fA-F-]{36})$")


class _Problem(Exception):
    """What is wrong with one item (French)."""


@dataclass(frozen=True, slots=True)
class ParsedFile:
    annotations: tuple[Annotation, ...]
    dossiers: tuple[Dossier, ...]


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(item: Mapping[str, Any]) -> set[str]:
    return {str(t) for t in _list(item.get("type", item.get("@type")))}


def _local_id(item: Mapping[str, Any]) -> str:
    raw = item.get("id", item.get("@id"))
    if not isinstance(raw, str) or not raw.strip():
        raise _Problem("identifiant (« id ») manquant")
    m = _UUID_URN.match(raw.strip())
    return m[1].lower() if m else raw.strip()


def _date(item: Mapping[str, Any], key: str) -> str | None:
    raw = item.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _Problem(f"date « {key} » illisible : {raw!r}")
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _Problem(f"date « {key} » illisible : « {raw} »") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dates(item: Mapping[str, Any]) -> tuple[str, str]:
    created = _date(item, "created")
    modified = _date(item, "modified") or created
    if modified is None:
        raise _Problem(
            "ni « created » ni « modified » : impossible de savoir quelle version est la plus récente"
        )
    return created or modified, modified


def _question_uid(target: Mapping[str, Any]) -> str:
    uid = target.get("question", target.get("qe:question"))
    if isinstance(uid, str) and uid.strip():
        return uid.strip()
    source = target.get("source")
    if isinstance(source, str):
        if source.startswith(QUESTION_URN) and len(source) > len(QUESTION_URN):
            return source[len(QUESTION_URN) :]
        m = _AN_URL.search(source)
        if m:
            ref = parse_reference(f"{m[1]}-{m[2]}{m[3].upper()}")
            if ref is not None and ref.uid():
                return str(ref.uid())
    raise _Problem("la cible ne nomme pas de question (ni « question », ni « source » reconnue)")


def _text(body: Mapping[str, Any]) -> str:
    value = body.get("value")
    if not isinstance(value, str):
        raise _Problem("un corps TextualBody sans texte (« value »)")
    return value


def _anchor(target: Mapping[str, Any]) -> TextAnchor | None:
    selectors = _list(target.get("selector"))
    if not selectors:
        return None
    quote = position = None
    for selector in selectors:
        if not isinstance(selector, dict):
            raise _Problem("sélecteur illisible")
        kinds = _types(selector)
        if "TextQuoteSelector" in kinds:
            quote = selector
        elif "TextPositionSelector" in kinds:
            position = selector
    if quote is None:
        raise _Problem("passage sans TextQuoteSelector")
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        raise _Problem("TextQuoteSelector sans texte (« exact »)")
    prefix, suffix = quote.get("prefix", ""), quote.get("suffix", "")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise _Problem("TextQuoteSelector : « prefix » et « suffix » doivent être du texte")
    pane = target.get("pane", target.get("qe:pane"))
    if pane not in PANES:
        raise _Problem(f"volet (« pane ») manquant ou inconnu : {pane!r} (attendu : question ou answer)")
    start, end = -1, -1  # unknown: the quote and its context decide where it lands
    if position is not None:
        given_start, given_end = position.get("start"), position.get("end")
        if not (isinstance(given_start, int) and isinstance(given_end, int) and 0 <= given_start < given_end):
            raise _Problem(f"TextPositionSelector invalide : start={given_start!r}, end={given_end!r}")
        start, end = given_start, given_end
        if end - start != len(exact):
            raise _Problem(
                f"TextPositionSelector ({start}-{end}) et TextQuoteSelector ({len(exact)} caractères) ne concordent pas"
            )
    digest = target.get("textHash", target.get("qe:textHash", ""))
    if not isinstance(digest, str):
        raise _Problem("« textHash » doit être du texte")
    return TextAnchor(pane, exact, prefix, suffix, start, end, digest)


def _target(item: Mapping[str, Any]) -> dict[str, Any]:
    targets = _list(item.get("target"))
    if len(targets) != 1 or not isinstance(targets[0], dict):
        raise _Problem("une cible (« target ») et une seule est attendue")
    target: dict[str, Any] = targets[0]
    return target


def _parse_annotation(item: Mapping[str, Any], meanings: Mapping[str, int]) -> Annotation:
    aid = _local_id(item)
    created, modified = _dates(item)
    target = _target(item)
    uid = _question_uid(target)
    anchor = _anchor(target)
    notes: list[str] = []
    tags: list[str] = []
    colour: int | None = None
    for body in _list(item.get("body")):
        if isinstance(body, str):
            notes.append(body)
            continue
        if not isinstance(body, dict):
            raise _Problem("corps (« body ») illisible")
        purposes = set(_list(body.get("purpose")))
        if "TextualBody" not in _types(body) and "value" not in body:
            continue  # another kind of body (a link…): nothing of ours to read in it
        if "tagging" in purposes:
            tags.append(_text(body))
        elif "classifying" in purposes or "highlighting" in purposes:
            number = body.get("colour", body.get("qe:colour"))
            if number is None:
                number = meanings.get(fold(_text(body)))
            if number is not None:
                if not isinstance(number, int) or number not in COLOURS:
                    raise _Problem(f"couleur inconnue : {number!r} (de 1 à 5)")
                colour = number
        else:
            notes.append(_text(body))
    if anchor is None and not notes and not tags and colour is None:
        raise _Problem("annotation vide : ni passage, ni note, ni étiquette")
    return Annotation(aid, uid, anchor, colour, "\n\n".join(notes), tuple(tags), created, modified)


def _parse_dossier(item: Mapping[str, Any]) -> Dossier:
    did = _local_id(item)
    created, modified = _dates(item)
    name = description = None
    for body in _list(item.get("body")):
        if not isinstance(body, dict):
            raise _Problem("corps (« body ») de dossier illisible")
        purposes = set(_list(body.get("purpose")))
        if "identifying" in purposes:
            name = _text(body)
        elif "describing" in purposes:
            description = _text(body)
    if not name or not name.strip():
        raise _Problem("dossier sans nom (corps de purpose « identifying »)")
    target = _target(item)
    if "List" not in _types(target):
        raise _Problem("la cible d'un dossier doit être une liste (« List »)")
    items: list[str] = []
    for entry in _list(target.get("items")):
        if not isinstance(entry, dict):
            raise _Problem("élément de dossier illisible")
        items.append(_question_uid(entry))
    return Dossier(
        did,
        " ".join(name.split()),
        (description or "").strip(),
        tuple(dict.fromkeys(items)),
        0,
        created,
        modified,
    )


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise _Problem("le fichier ne contient ni annotation ni collection d'annotations")
    kinds = _types(document)
    if "AnnotationCollection" in kinds:
        first = document.get("first")
        if isinstance(first, dict):
            items = first.get("items")
        elif first is None and "items" in document:
            items = document.get("items")
        else:
            raise _Problem("collection sans page (« first ») lisible")
        if not isinstance(items, list):
            raise _Problem("page sans liste « items »")
        return items
    if "AnnotationPage" in kinds:
        items = document.get("items")
        if not isinstance(items, list):
            raise _Problem("page sans liste « items »")
        return items
    if "Annotation" in kinds:
        return [document]
    raise _Problem("le fichier ne contient ni annotation ni collection d'annotations (« type » attendu)")


def parse_document(document: Any, meanings: Mapping[str, int] | None = None) -> tuple[ParsedFile, list[str]]:
    """The annotations and dossiers of a JSON-LD document, and the problems found (French, by item)."""
    lookup = dict(meanings or {})
    try:
        items = _items(document)
    except _Problem as exc:
        return ParsedFile((), ()), [str(exc)]
    annotations: dict[str, Annotation] = {}
    dossiers: dict[str, Dossier] = {}
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        label = f"élément {number}"
        try:
            if not isinstance(item, dict):
                raise _Problem("n'est pas un objet JSON")
            raw_id = item.get("id")
            if isinstance(raw_id, str):
                label += f" ({raw_id})"
            if "Annotation" not in _types(item):
                raise _Problem(f"type inattendu : {item.get('type')!r} (attendu : Annotation)")
            motivations = set(_list(item.get("motivation")))
            if "bookmarking" in motivations:
                d = _parse_dossier(item)
                if d.id in dossiers:
                    raise _Problem("identifiant en double dans le fichier")
                dossiers[d.id] = d
            else:
                a = _parse_annotation(item, lookup)
                if a.id in annotations:
                    raise _Problem("identifiant en double dans le fichier")
                annotations[a.id] = a
        except _Problem as exc:
            problems.append(f"{label} : {exc}")
    return ParsedFile(tuple(annotations.values()), tuple(dossiers.values())), problems


def read_file(path: Path, meanings: Mapping[str, int] | None = None) -> ParsedFile:
    """Read and check a file of annotations; AnnotationFileError (naming it) at the first doubt."""
    refused = f"Le fichier « {path} » n'a pas été importé (rien n'a été ajouté)"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnnotationFileError(f"{refused} : il ne peut pas être lu ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnnotationFileError(f"{refused} : ce n'est pas du texte UTF-8 (octet {exc.start}).") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFileError(
            f"{refused} : ce n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})."
        ) from exc
    parsed, problems = parse_document(document, meanings)
    if problems:
        shown = " ; ".join(problems[:MAX_PROBLEMS])
        more = (
            f" ; et {len(problems) - MAX_PROBLEMS} autres problèmes" if len(problems) > MAX_PROBLEMS else ""
        )
        raise AnnotationFileError(f"{refused} : {shown}{more}.")
    if not parsed.annotations and not parsed.dossiers:
        raise AnnotationFileError(f"{refused} : il ne contient aucune annotation ni aucun dossier.")
    return parsed


def import_file(store: UserStore, path: Path) -> MergeReport:
    """Import a file of annotations and dossiers: all of it, in one transaction, or nothing."""
    meanings = {fold(c.meaning): c.number for c in store.colours()}
    parsed = read_file(path, meanings)
    return store.merge(parsed.annotations, parsed.dossiers)
