"""AN open-data JSON importer: real records, list layouts, and every kind of bad input."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qe_desktop.importers import an_json
from qe_desktop.importers.sources import Source
from qe_desktop.model import ParsedItem, Question, Rejection

from conftest import DATA, one_question, one_rejection

NBSP = "\u00a0"
JSON_DIR = DATA / "an_json"


def _parse(path: Path) -> list[ParsedItem]:
    return list(an_json.parse(Source.of(path)))


def _record(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((JSON_DIR / f"{name}.json").read_text(encoding="utf-8"))["question"]
    return data


def _write(tmp_path: Path, document: Any, name: str = "doc.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _qe(uid_number: int, **changes: Any) -> dict[str, Any]:
    """The real QE5268 record under another number, with some fields changed."""
    record = _record("QANR5L17QE5268")
    record["uid"] = f"QANR5L17QE{uid_number}"
    record["identifiant"]["numero"] = str(uid_number)
    record.update(changes)
    return record


# -- real records ------------------------------------------------------------------------------


def test_written_question_qe5268() -> None:
    path = JSON_DIR / "QANR5L17QE5268.json"
    assert an_json.sniff(path.read_bytes()[:4096], path.name)
    q = one_question(_parse(path))
    assert (q.uid, q.legislature, q.type, q.number, q.chamber) == ("QANR5L17QE5268", 17, "QE", 5268, "AN")
    assert q.rubrique == "commerce et artisanat"
    assert q.tete_analyse is None
    assert q.analyse == "Révision de la terminologie des diamants synthétiques"
    assert q.author == "Mme Olivia Grégoire"
    assert (q.author_ref, q.mandate_ref) == ("PA721764", "PM843416")
    assert (q.group, q.group_abbrev, q.group_ref) == ("Ensemble pour la République", "EPR", "PO845407")
    assert q.constituency is None  # resolved from AMO later
    assert q.ministry_asked == "Économie, finances, souveraineté industrielle et numérique"
    assert q.ministry_answering == "Économie, finances, souveraineté industrielle et numérique"
    assert (q.question_date, q.question_page) == ("2025-03-25", 1958)
    assert (q.answer_date, q.answer_page) == ("2025-06-03", 4348)
    assert q.status == "answered"
    assert (q.closure_label, q.closure_date) == ("Réponse publiée", "2025-06-03")
    assert (q.signal_date, q.renewal_dates, q.errata) == (None, (), ())
    assert q.url == "https://questions.assemblee-nationale.fr/q17/17-5268QE.htm"
    assert q.question_text is not None
    assert q.answer_text is not None
    assert q.question_text.startswith(
        "Mme Olivia Grégoire interroge M. le ministre de l'économie, des finances et de la souveraineté"
    )
    assert "la dénomination « laboratory-grown diamond »." in q.question_text  # <em> removed
    assert "<" not in q.question_text
    assert f"décret n°{NBSP}2002-65 du 14{NBSP}janvier{NBSP}2002" in q.answer_text
    assert q.answer_text.endswith("aux côtés des diamants naturels issus de mines.")
    assert (q.source_format, q.source_name) == ("an_json", str(path))
    assert json.loads(q.source_raw) == _record("QANR5L17QE5268")


def test_question_au_gouvernement_qg6() -> None:
    q = one_question(_parse(JSON_DIR / "QANR5L16QG6.json"))
    assert (q.uid, q.type, q.number, q.legislature) == ("QANR5L16QG6", "QG", 6, 16)
    assert q.author == "Mme Mélanie Thomin"
    assert q.question_text is None
    assert q.question_date == "2022-07-13"  # the sitting
    # The answer block has no page; the "Réponse publiée" closure of the same day has it.
    assert (q.answer_date, q.answer_page) == ("2022-07-13", 2334)
    assert q.rubrique == "établissements de santé"
    assert q.analyse == "Sitution des urgences à l'hôpital"  # the source's typo is kept
    assert q.ministry_asked == q.ministry_answering == "Santé et prévention"
    assert (q.group_abbrev, q.group_ref) == ("SOC", "PO800496")
    assert q.status == "answered"
    assert q.url == "https://questions.assemblee-nationale.fr/q16/16-6QG.htm"
    assert q.answer_text is not None
    paragraphs = q.answer_text.split("\n\n")
    assert paragraphs[0] == "SITUATION DES URGENCES À L'HÔPITAL"
    assert paragraphs[1] == f"Mme{NBSP}la présidente. La parole est à Mme{NBSP}Mélanie Thomin."


@pytest.mark.parametrize(
    ("name", "author"),
    [
        ("QANR5L16QG9", "M. Nicolas Sansu"),  # the transcript opens on the deputy's speech
        ("QANR5L16QG109", "Mme Charlotte Leduc"),  # "je vais permettre à Mme Charlotte Leduc de poser…"
        ("QANR5L16QG165", "Mme Alexandra Martin"),
        ("QANR5L16QG494", "M. Philippe Bolo"),
    ],
)
def test_qg_author_from_transcript(name: str, author: str) -> None:
    assert one_question(_parse(JSON_DIR / f"{name}.json")).author == author


def test_null_rubrique_and_analyse() -> None:
    q = one_question(_parse(JSON_DIR / "QANR5L16QG494.json"))
    assert (q.rubrique, q.analyse, q.tete_analyse) == (None, None, None)


def test_zip_member(tmp_path: Path) -> None:
    archive = tmp_path / "Questions_ecrites.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(JSON_DIR / "QANR5L17QE5268.json", "json/QANR5L17QE5268.json")
    q = one_question(list(an_json.parse(Source(archive, "json/QANR5L17QE5268.json", 0))))
    assert q.source_name == f"{archive}!json/QANR5L17QE5268.json"
    assert q.uid == "QANR5L17QE5268"


def test_source_raw_parses_back_to_the_same_question(tmp_path: Path) -> None:
    q = one_question(_parse(JSON_DIR / "QANR5L17QE5268.json"))
    path = tmp_path / "raw.json"
    path.write_text(q.source_raw, encoding="utf-8")
    again = one_question(_parse(path))
    assert again.record() == q.record()


# -- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"question": {"uid": "QANR5L17QE1"}}', True),
        (b'\xef\xbb\xbf \n {"questionsEcrites": {"question": [', True),
        (b'[{"question": {', True),
        (b'{"questionsGvt": {"question": [', True),
        (b'{"acteur": {"uid": {"#text": "PA1"}}}', False),
        (b'{"organe": {"uid": "PO1"}}', False),
        (b'{"export": {"organes": {"organe": [{"uid": "PO1", "question": 1}]}}}', False),
        (b'{"foo": 1}', False),
        (b'<?xml version="1.0"?><QUESTION TYPE="QE">', False),
        (b"Question N\xc2\xb0 1 de M. X", False),
        (b"", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert an_json.sniff(head, "x.json") is expected


def test_sniff_refuses_real_amo_files() -> None:
    for path in (DATA / "amo").rglob("*.json"):
        assert not an_json.sniff(path.read_bytes()[:4096], path.name), path


# -- list layouts -------------------------------------------------------------------------------


def _qosd(number: int) -> dict[str, Any]:
    record = _qe(number)
    record["uid"] = f"QANR5L17QOSD{number}"
    record["type"] = "QOSD"
    record["@xsi:type"] = "QuestionOrale_Type"
    return record


@pytest.mark.parametrize(
    ("layout", "records"),
    [
        ("questionsEcrites", [_qe(1), _qe(2), _qe(3)]),
        ("questionsGvt", [_record("QANR5L16QG6"), _record("QANR5L16QG9")]),
        ("questionsOralesSansDebat", [_qosd(7), _qosd(8)]),
    ],
)
def test_list_roots_are_streamed(tmp_path: Path, layout: str, records: list[dict[str, Any]]) -> None:
    document = {layout: {"@xmlns": "http://schemas.assemblee-nationale.fr/referentiel", "question": records}}
    path = _write(tmp_path, document)
    assert an_json.sniff(path.read_bytes()[:4096], path.name)
    items = _parse(path)
    assert [q.uid for q in items if isinstance(q, Question)] == [r["uid"] for r in records]
    assert all(isinstance(q, Question) and q.source_name == str(path) for q in items)


def test_qosd_keeps_its_question_text_and_reads_its_answer_as_a_transcript(tmp_path: Path) -> None:
    record = _qosd(7)
    record["textesReponse"] = _record("QANR5L16QG6")["textesReponse"]
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert q.type == "QOSD"
    assert q.url == "https://questions.assemblee-nationale.fr/q17/17-7QOSD.htm"
    assert q.author == "Mme Olivia Grégoire"  # from the question text, not the transcript
    assert q.answer_text is not None
    assert q.answer_text.startswith("SITUATION DES URGENCES À L'HÔPITAL\n\n")


@pytest.mark.parametrize(
    "document",
    [
        [{"question": _qe(1)}, {"question": _qe(2)}],
        [_qe(1), _qe(2)],
        {"question": [_qe(1), _qe(2)]},
    ],
    ids=["list-of-wrappers", "bare-list", "question-list"],
)
def test_bare_lists(tmp_path: Path, document: Any) -> None:
    items = _parse(_write(tmp_path, document))
    assert [q.uid for q in items if isinstance(q, Question)] == ["QANR5L17QE1", "QANR5L17QE2"]


def test_list_root_with_a_single_question_object(tmp_path: Path) -> None:
    q = one_question(_parse(_write(tmp_path, {"questionsEcrites": {"question": _qe(4)}})))
    assert q.uid == "QANR5L17QE4"


def test_a_bare_question_object_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf\n  " + json.dumps(_qe(9), ensure_ascii=False).encode("utf-8"))
    assert an_json.sniff(path.read_bytes()[:4096], path.name)
    assert one_question(_parse(path)).uid == "QANR5L17QE9"


# -- bad input -------------------------------------------------------------------------------------


def test_truncated_list_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    text = json.dumps({"questionsEcrites": {"question": [_qe(1), _qe(2), _qe(3)]}}, ensure_ascii=False)
    cut = text.index('"QANR5L17QE3"') + 40
    path = tmp_path / "cut.json"
    path.write_text(text[:cut], encoding="utf-8")
    items = _parse(path)
    assert [type(i).__name__ for i in items] == ["Question", "Question", "Rejection"]
    rejection = items[2]
    assert isinstance(rejection, Rejection)
    assert rejection.source == str(path)
    assert rejection.record == "enregistrement n° 3"
    assert "tronqué" in rejection.reason
    assert "après l'enregistrement n° 2" in rejection.reason


def test_truncated_single_document(tmp_path: Path) -> None:
    text = (JSON_DIR / "QANR5L17QE5268.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    rejection = one_rejection(_parse(path))
    assert "JSON invalide ou tronqué" in rejection.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "fichier vide"),
        (b"  \n\t ", "fichier vide"),
        (b'{"question": {"uid": "QANR5L17QE1",}}', "JSON invalide"),
        (b'{"question": {"uid": "QANR5L17QE1"} "x"}', "JSON invalide"),
        (b'{"foo": 1}', "sans question"),
        (b'{"foo": {"bar": [1, 2]}}', "sans question"),
        (b"[]", "sans question"),
        (b"[1, 2, 3]", "sans question"),
        (b'"question"', "sans question"),
        (b'{"question": null}', "sans question"),
        (b'{"acteur": {"uid": {"#text": "PA1"}}}', "AMO"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "JSON invalide"),
        (b"\xff\xfe{\x00}\x00", "UTF-16"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    rejection = one_rejection(_parse(path))
    assert reason in rejection.reason
    assert rejection.source == str(path)


def test_random_binary_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(100_000)))
    assert all(isinstance(item, Rejection) for item in _parse(path))


def test_latin1_single_document(tmp_path: Path) -> None:
    record = _qe(11)
    record["textesQuestion"]["texteQuestion"]["texte"] = (
        "Mme Olivia Grégoire interroge M. le ministre sur l'été."
    )
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({"question": record}, ensure_ascii=False).replace("’", "'").encode("latin-1"))
    rejection = one_rejection(_parse(path))
    assert "UTF-8" in rejection.reason


def test_latin1_list_document(tmp_path: Path) -> None:
    text = json.dumps({"questionsEcrites": {"question": [_qe(1), _qe(2)]}}, ensure_ascii=False)
    path = tmp_path / "latin1.json"
    path.write_bytes(text.replace("’", "'").encode("latin-1"))
    items = _parse(path)
    assert isinstance(items[-1], Rejection)
    assert "UTF-8" in items[-1].reason
    assert not any(isinstance(i, Question) for i in items)


def test_missing_fields_reject_the_record_and_the_list_goes_on(tmp_path: Path) -> None:
    no_id = _qe(1)
    del no_id["uid"]
    del no_id["identifiant"]
    no_type = _qe(2)
    del no_type["uid"]
    del no_type["type"]
    del no_type["@xsi:type"]
    bad_uid = _qe(3, uid="QE-3")
    not_an_object = "question"
    items = _parse(
        _write(tmp_path, {"questionsEcrites": {"question": [no_id, no_type, bad_uid, not_an_object, _qe(5)]}})
    )
    assert [type(i).__name__ for i in items] == ["Rejection"] * 4 + ["Question"]
    r1, r2, r3, r4 = items[:4]
    assert isinstance(r1, Rejection)
    assert isinstance(r2, Rejection)
    assert isinstance(r3, Rejection)
    assert isinstance(r4, Rejection)
    assert (r1.record, r2.record, r3.record, r4.record) == (
        "enregistrement n° 1",
        "enregistrement n° 2",
        "QE-3",
        "enregistrement n° 4",
    )
    assert "identifiant absent" in r1.reason
    assert "type de question absent" in r2.reason
    assert "« QE-3 » mal formé" in r3.reason
    assert "pas un objet" in r4.reason


def test_uid_is_built_from_identifiant_and_type(tmp_path: Path) -> None:
    record = _qe(12)
    del record["uid"]
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert (q.uid, q.number, q.legislature, q.type) == ("QANR5L17QE12", 12, 17, "QE")
    del record["type"]
    record["@xsi:type"] = "QuestionGouvernement_Type"
    assert one_question(_parse(_write(tmp_path, {"question": record}))).uid == "QANR5L17QG12"
    record["type"] = "QZ"  # the schema's @xsi:type still says what it is
    assert one_question(_parse(_write(tmp_path, {"question": record}))).type == "QG"
    del record["@xsi:type"]
    assert (
        "type de question inconnu : « QZ »"
        in one_rejection(_parse(_write(tmp_path, {"question": record}))).reason
    )


def test_unreadable_date_rejects_the_record(tmp_path: Path) -> None:
    record = _qe(13)
    record["textesQuestion"]["texteQuestion"]["infoJO"]["dateJO"] = "32/13/2025"
    rejection = one_rejection(_parse(_write(tmp_path, {"question": record})))
    assert rejection.record == "QANR5L17QE13"
    assert "date de publication de la question" in rejection.reason
    assert "32/13/2025" in rejection.reason


# -- shapes the schema allows ---------------------------------------------------------------------


def test_dd_mm_yyyy_dates_nil_objects_and_analyse_list(tmp_path: Path) -> None:
    record = _qe(20)
    record["textesQuestion"]["texteQuestion"]["infoJO"]["dateJO"] = "25/03/2025"
    record["textesReponse"]["texteReponse"]["infoJO"]["dateJO"] = "03/06/2025"
    record["cloture"]["dateCloture"] = "03/06/2025"
    record["indexationAN"]["teteAnalyse"] = {"@xsi:nil": "true"}
    record["indexationAN"]["analyses"] = {"analyse": ["Diamants", "terminologie", ""]}
    record["auteur"]["groupe"]["organeRef"] = {"@xsi:nil": "true"}
    record["indexationAN"]["rubrique"] = "  "
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert (q.question_date, q.answer_date, q.closure_date) == ("2025-03-25", "2025-06-03", "2025-06-03")
    assert q.tete_analyse is None
    assert q.group_ref is None
    assert q.rubrique is None
    assert q.analyse == "Diamants / terminologie"


def test_xv_archive_analyse_form(tmp_path: Path) -> None:
    record = _qe(21)
    record["indexationAN"] = {"rubrique": "défense", "ANALYSE": {"ANA": ["équipements", "bilan"]}}
    assert one_question(_parse(_write(tmp_path, {"question": record}))).analyse == "équipements / bilan"


def test_texte_question_and_min_attrib_as_lists(tmp_path: Path) -> None:
    record = _qe(22)
    first = record["textesQuestion"]["texteQuestion"]
    second = copy.deepcopy(first)
    second["infoJO"]["dateJO"] = "2025-07-01"
    second["infoJO"]["pageJO"] = "6000"
    second["texte"] = "Mme Olivia Grégoire renouvelle sa question."
    record["textesQuestion"]["texteQuestion"] = [first, copy.deepcopy(first), second]
    attribution = record["minAttribs"]["minAttrib"]
    later = copy.deepcopy(attribution)
    later["denomination"] = {"abrege": "Commerce", "developpe": "Ministère du commerce"}
    record["minAttribs"]["minAttrib"] = [attribution, later]
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert (q.question_date, q.question_page) == ("2025-03-25", 1958)
    assert q.question_text is not None
    paragraphs = q.question_text.split("\n\n")
    assert len(paragraphs) == 2  # the repeated publication is not repeated
    assert paragraphs[1] == "Mme Olivia Grégoire renouvelle sa question."
    assert q.ministry_answering == "Commerce"
    assert q.ministry_asked == "Économie, finances, souveraineté industrielle et numérique"


def test_texte_reponse_as_list_and_ministry_fallback_to_developpe(tmp_path: Path) -> None:
    record = _qe(23)
    answer = record["textesReponse"]["texteReponse"]
    record["textesReponse"] = [{"texteReponse": answer}]
    record["minInt"] = {"developpe": "Ministère de la culture"}
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert (q.answer_date, q.answer_page) == ("2025-06-03", 4348)
    assert q.ministry_asked == "Ministère de la culture"


def test_pending_question_signalement_renewals_errata(tmp_path: Path) -> None:
    record = _qe(24, textesReponse=None, cloture=None)
    record["signalement"] = {"dateDepotSignal": "2025-05-06", "infoJO": {"dateJO": "2025-05-13"}}
    record["renouvellements"] = {
        "renouvellement": [
            {"dateRenouvellement": "2025-07-01", "infoJO": {"dateJO": "2025-07-02"}},
            {"infoJO": {"typeJO": "JO_QUESTION", "dateJO": "15/04/2025"}},
        ]
    }
    record["textesQuestion"]["texteQuestion"]["erratum"] = [
        "Au lieu de : « synthétique », lire : « de synthèse ».",
        {"infoJO": {"dateJO": "2025-04-01", "pageJO": "2201"}, "texte": None},
    ]
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert q.status == "pending"
    assert (q.answer_text, q.answer_date, q.closure_label, q.closure_date) == (None, None, None, None)
    assert q.signal_date == "2025-05-06"
    assert q.renewal_dates == ("2025-04-15", "2025-07-01")
    assert q.errata == (
        "Erratum (question) : Au lieu de : « synthétique », lire : « de synthèse ».",
        "Erratum (question) publié au JO le 1er avril 2025, page 2201",
    )


@pytest.mark.parametrize(
    ("cloture", "status"),
    [
        ({"codeCloture": "RET", "libelleCloture": "Retrait", "dateCloture": "2025-09-01"}, "withdrawn"),
        ({"codeCloture": "FM", "libelleCloture": "Fin de mandat", "dateCloture": "2024-06-09"}, "lapsed"),
        ({"codeCloture": "CAD", "libelleCloture": "Caducité", "dateCloture": "2024-06-09"}, "lapsed"),
    ],
)
def test_closure_without_answer(tmp_path: Path, cloture: dict[str, str], status: str) -> None:
    record = _qe(25, textesReponse=None, cloture=cloture)
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert q.status == status
    assert q.closure_label == cloture["libelleCloture"]
    assert q.closure_date == cloture["dateCloture"]


@pytest.mark.parametrize(
    ("code", "label", "answered", "status"),
    [
        ("REP_PUB", "Réponse publiée", False, "answered"),
        (None, None, True, "answered"),
        (None, "Retrait", True, "answered"),
        (None, None, False, "pending"),
        ("RET", "Retrait", False, "withdrawn"),
        (None, "Question retirée", False, "withdrawn"),
        (None, "Retrait à l'initiative de l'auteur", False, "withdrawn"),
        (None, "Fin de mandat", False, "lapsed"),
        (None, "fin de législature", False, "lapsed"),
        (None, "Question retirée pour cause de fin de mandat", False, "lapsed"),
        (None, "Caducité", False, "lapsed"),
        (None, "Changement de gouvernement", False, "lapsed"),
        (None, "Décès", False, "lapsed"),
        (None, "Motif inconnu", False, "withdrawn"),
    ],
)
def test_closure_status(code: str | None, label: str | None, answered: bool, status: str) -> None:
    assert an_json.closure_status(code, label, answered) == status


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("Mme Olivia Grégoire interroge M. le ministre", "Mme Olivia Grégoire"),
        ("M. Charles de Courson appelle l'attention", "M. Charles de Courson"),
        (f"Mme{NBSP}Marine Le Pen alerte", "Mme Marine Le Pen"),
        ("M. Valéry Giscard d'Estaing attire l'attention", "M. Valéry Giscard d'Estaing"),
        ("M. Jean-Paul Dupré demande", "M. Jean-Paul Dupré"),
        ("M. le député interroge", None),
        ("Sa question porte sur", None),
        ("M. Dupont", None),
        ("", None),
    ],
)
def test_author_from_text(text: str, author: str | None) -> None:
    assert an_json.author_from_text(text) == author


@pytest.mark.parametrize(
    ("legislature", "qtype", "number", "url"),
    [
        (13, "QE", 101851, "https://questions.assemblee-nationale.fr/q13/13-101851QE.htm"),
        (16, "QG", 648, "https://questions.assemblee-nationale.fr/q16/16-648QG.htm"),
        (17, "QOSD", 8, "https://questions.assemblee-nationale.fr/q17/17-8QOSD.htm"),
        (None, "QE", 1, None),
    ],
)
def test_question_url(legislature: int | None, qtype: str, number: int, url: str | None) -> None:
    assert an_json.question_url(legislature, qtype, number) == url


@pytest.mark.parametrize(
    "document",
    [
        '{"foo": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"questionsEcrites": {"question": [' + "[" * 100_000 + "]" * 100_000 + "]}}",
        '{"question": {"uid": "QANR5L17QE1", "x": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}}",
    ],
    ids=["root", "list", "record"],
)
def test_absurd_nesting_is_refused_quickly(tmp_path: Path, document: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(document, encoding="utf-8")
    assert "trop imbriquée" in one_rejection(_parse(path)).reason


def test_reponse_publiee_closure_without_answer_block(tmp_path: Path) -> None:
    record = _qe(26, textesReponse=None)
    q = one_question(_parse(_write(tmp_path, {"question": record})))
    assert q.status == "answered"
    assert q.answer_text is None
    assert (q.answer_date, q.answer_page) == ("2025-06-03", 4348)


def test_question_au_gouvernement_is_dated_by_its_sitting() -> None:
    path = DATA / "an_json" / "QANR5L16QG6.json"
    [question] = list(an_json.parse(Source.of(path)))
    assert isinstance(question, Question)
    assert question.question_text is None
    assert question.question_date == question.answer_date == "2022-07-13"
