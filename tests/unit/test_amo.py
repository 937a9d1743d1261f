import json
from pathlib import Path

from qe_desktop.importers import amo
from qe_desktop.importers.sources import Source
from qe_desktop.model import Actor, Organe, Rejection

from conftest import DATA


def test_actor_with_mandates() -> None:
    path = DATA / "amo" / "acteur" / "PA793816.json"
    assert amo.sniff(path.read_bytes()[:4096], path.name)
    [actor] = list(amo.parse(Source.of(path)))
    assert isinstance(actor, Actor)
    assert actor.display_name == "Mme Mélanie Thomin"
    mandate = next(m for m in actor.mandates if m.uid == "PM796548")
    assert mandate.type_organe == "ASSEMBLEE"
    assert (mandate.departement, mandate.num_circo, mandate.legislature) == ("Finistère", 6, 16)


def test_organe() -> None:
    path = DATA / "amo" / "organe" / "PO800496.json"
    [organe] = list(amo.parse(Source.of(path)))
    assert isinstance(organe, Organe)
    assert organe.code_type == "GP"
    assert organe.label == "Socialistes et apparentés (membre de l’intergroupe NUPES)"


def test_bulk_export_is_streamed_and_bad_records_rejected(tmp_path: Path) -> None:
    actor = json.loads((DATA / "amo" / "acteur" / "PA793816.json").read_text())["acteur"]
    organe = json.loads((DATA / "amo" / "organe" / "PO800496.json").read_text())["organe"]
    bulk = {"export": {"organes": {"organe": [organe]}, "acteurs": {"acteur": [actor, {"uid": None}]}}}
    path = tmp_path / "AMO30.json"
    path.write_text(json.dumps(bulk, ensure_ascii=False))
    items = list(amo.parse(Source.of(path)))
    assert [type(i) for i in items] == [Organe, Actor, Rejection]
    rejection = items[2]
    assert isinstance(rejection, Rejection)
    assert rejection.source == str(path)
    assert rejection.record == "enregistrement n° 2"


def test_truncated_export_keeps_what_came_before(tmp_path: Path) -> None:
    organe = json.loads((DATA / "amo" / "organe" / "PO800496.json").read_text())["organe"]
    text = json.dumps({"export": {"organes": {"organe": [organe, organe]}}}, ensure_ascii=False)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) - 40])
    items = list(amo.parse(Source.of(path)))
    assert isinstance(items[0], Organe)
    assert isinstance(items[-1], Rejection)
    assert "tronqué" in items[-1].reason


def test_not_amo_is_not_sniffed() -> None:
    assert not amo.sniff(b'{"question": {"uid": "QANR5L17QE1"}}', "x.json")
    assert not amo.sniff(b"<QUESTION>", "x.xml")
