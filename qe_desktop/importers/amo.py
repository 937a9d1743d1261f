"""AN "AMO" reference data: deputies (acteurs) with their mandates, and bodies (organes).

Accepts one ``acteur/PA….json`` or ``organe/PO….json`` document, and the bulk
export whose root is ``{"export": {"organes": {"organe": [...]}, "acteurs":
{"acteur": [...]}}}`` (streamed).  Folders and zips are expanded upstream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import ijson

from qe_desktop.importers.clean import json_int
from qe_desktop.importers.sources import Source
from qe_desktop.model import Actor, Mandate, Organe, ParsedItem, Rejection

FORMAT = "amo"
LABEL = "référentiel AMO (députés et organes)"

_ROOT = re.compile(rb'^\s*\{\s*"(acteur|organe|export)"\s*:')
_BULK_PATHS = ("export.organes.organe.item", "export.acteurs.acteur.item")
_RECOVERABLE = (KeyError, TypeError, ValueError, AttributeError)
#: Integer literals of absurd length stay text (json.loads raises ValueError past 4,300 digits).
_DECODER = json.JSONDecoder(parse_int=json_int)


def sniff(head: bytes, name: str) -> bool:
    """True for an AMO document: its root key is acteur, organe or export."""
    return _ROOT.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def _scalar(value: Any) -> str | None:
    """A string value, None for JSON null, ``{"@xsi:nil": "true"}`` and empty strings."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    """A number (the cleaning step bounds it), or None for a value that is not one.

    Past 4,300 digits int() raises ValueError too: not a number either.
    """
    text = _scalar(value)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_actor(data: dict[str, Any]) -> Actor:
    """Map one ``acteur`` object."""
    uid_field = data["uid"]
    uid = _scalar(uid_field.get("#text") if isinstance(uid_field, dict) else uid_field)
    if not uid:
        raise ValueError("identifiant (uid) absent")
    ident = (data.get("etatCivil") or {}).get("ident") or {}
    mandates: list[Mandate] = []
    for m in _as_list((data.get("mandats") or {}).get("mandat")):
        if not isinstance(m, dict) or not _scalar(m.get("uid")):
            continue
        election = m.get("election") or {}
        lieu = election.get("lieu") or {} if isinstance(election, dict) else {}
        organes = m.get("organes") or {}
        organe_ref = _as_list(organes.get("organeRef") if isinstance(organes, dict) else None)
        mandature = m.get("mandature") or {}
        mandates.append(
            Mandate(
                uid=str(_scalar(m.get("uid"))),
                actor_ref=uid,
                type_organe=_scalar(m.get("typeOrgane")) or "",
                legislature=_int(m.get("legislature")),
                organe_ref=_scalar(organe_ref[0]) if organe_ref else None,
                departement=_scalar(lieu.get("departement")),
                num_departement=_scalar(lieu.get("numDepartement")),
                num_circo=_int(lieu.get("numCirco")),
                start_date=_scalar(mandature.get("datePriseFonction")) or _scalar(m.get("dateDebut")),
                end_date=_scalar(m.get("dateFin")),
            )
        )
    return Actor(
        uid=uid,
        civility=_scalar(ident.get("civ")),
        first_name=_scalar(ident.get("prenom")),
        last_name=_scalar(ident.get("nom")),
        mandates=tuple(mandates),
    )


def parse_organe(data: dict[str, Any]) -> Organe:
    """Map one ``organe`` object."""
    uid = _scalar(data["uid"])
    if not uid:
        raise ValueError("identifiant (uid) absent")
    vimode = data.get("viMoDe") or {}
    return Organe(
        uid=uid,
        code_type=_scalar(data.get("codeType")),
        label=_scalar(data.get("libelle")),
        short_label=_scalar(data.get("libelleAbrege")),
        abbrev=_scalar(data.get("libelleAbrev")),
        start_date=_scalar(vimode.get("dateDebut")),
        end_date=_scalar(vimode.get("dateFin")),
        legislature=_int(data.get("legislature")),
    )


def _record_label(data: Any, position: int) -> str:
    if isinstance(data, dict):
        uid = data.get("uid")
        if isinstance(uid, dict):
            uid = uid.get("#text")
        if isinstance(uid, str) and uid:
            return uid
    return f"enregistrement n° {position}"


def _map(kind: str, data: Any, source: Source, position: int) -> ParsedItem:
    try:
        if not isinstance(data, dict):
            raise TypeError("objet JSON attendu")
        return parse_actor(data) if kind == "acteur" else parse_organe(data)
    except _RECOVERABLE as exc:
        what = "député (acteur)" if kind == "acteur" else "organe"
        return Rejection(source.name, f"{what} illisible : {exc}", _record_label(data, position))


def parse(source: Source) -> Iterator[ParsedItem]:
    """Yield Actors and Organes, and a Rejection for each record that cannot be read."""
    head = source.head(256).removeprefix(b"\xef\xbb\xbf")
    m = _ROOT.match(head)
    if m is None:
        yield Rejection(source.name, "ce n'est pas un document AMO (acteur, organe ou export)")
        return
    root = m.group(1).decode()
    if root in ("acteur", "organe"):
        try:
            with source.open() as fh:
                document = _DECODER.decode(fh.read().decode("utf-8"))
        except UnicodeDecodeError:
            yield Rejection(source.name, "encodage invalide : le fichier n'est pas en UTF-8")
            return
        except json.JSONDecodeError as exc:
            yield Rejection(
                source.name, f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"
            )
            return
        yield _map(root, document.get(root) if isinstance(document, dict) else None, source, 1)
        return
    # Bulk export: two streamed passes, organes first so groups exist when deputies arrive.
    for path in _BULK_PATHS:
        kind = "organe" if "organe" in path else "acteur"
        position = 0
        try:
            with source.open() as fh:
                for item in ijson.items(fh, path, use_float=True):
                    position += 1
                    yield _map(kind, item, source, position)
        except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, ValueError) as exc:
            yield Rejection(
                source.name,
                f"JSON invalide ou tronqué après {position} {kind}(s) : {exc}",
                f"enregistrement n° {position + 1}",
            )
            return
