"""AN XML importer: the legacy <QUESTION> file, the open-data <question> schema, hostile XML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest

from qe_desktop.importers import an_json, an_xml
from qe_desktop.importers.sources import Source
from qe_desktop.model import ParsedItem, Question, Rejection

from conftest import DATA, one_question, one_rejection

NBSP = "\u00a0"
LEGACY = DATA / "an_xml" / "14-47351QE.xml"
NS = "http://schemas.assemblee-nationale.fr/referentiel"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _parse(path: Path) -> list[ParsedItem]:
    return list(an_xml.parse(Source.of(path)))


def _write(tmp_path: Path, text: str, name: str = "q.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _legacy(*replacements: tuple[str, str]) -> str:
    text = LEGACY.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


# -- the legacy file ------------------------------------------------------------------------------


def test_legacy_question_14_47351() -> None:
    assert an_xml.sniff(LEGACY.read_bytes()[:4096], LEGACY.name)
    q = one_question(_parse(LEGACY))
    assert (q.uid, q.legislature, q.type, q.number) == ("QANR5L14QE47351", 14, "QE", 47351)
    assert q.author == "M. François Cornut-Gentille"
    assert (q.author_ref, q.mandate_ref) == ("PA923", "PM645363")
    assert (q.group, q.group_abbrev, q.group_ref) == ("Les Républicains", "LES-REP", "PO707869")
    assert q.constituency == "Haute-Marne (2e circonscription)"
    assert (q.rubrique, q.tete_analyse) == ("défense", "équipements")
    assert q.analyse == "équipements militaires / vieillissement / bilan"
    assert (q.ministry_asked, q.ministry_answering) == ("Défense", "Défense")
    assert (q.question_date, q.question_page) == ("2014-01-07", 18)
    assert (q.answer_date, q.answer_page) == ("2014-05-13", 3858)
    assert q.status == "answered"
    assert (q.closure_label, q.closure_date) == ("Réponse publiée", "2014-05-13")
    assert q.renewal_dates == ("2014-04-15",)
    assert (q.signal_date, q.errata) == (None, ())
    assert q.url == "https://questions.assemblee-nationale.fr/q14/14-47351QE.htm"
    assert q.question_text == (
        "M. François Cornut-Gentille interroge M. le ministre de la défense sur les équipements des unités du "
        "génie de l'armée de terre. Afin d'évaluer le coût du vieillissement des équipements militaires, il lui "
        "demande de préciser le nombre et le taux de disponibilité au 31 décembre 2012 et au 31 décembre 2013, "
        "le coût du MCO pour l'année 2013 et l'âge moyen de chacun des équipements des unités du génie de "
        "l'armée de terre."
    )
    assert q.answer_text is not None
    intro, table = q.answer_text.split("\n\n")
    assert intro.endswith("figurent dans le tableau suivant :")
    rows = table.split("\n")
    assert rows[0].startswith("TYPE DE MATÉRIEL | NOMBRE DE MATÉRIEL en service au 31-12-2012 | ")
    assert rows[1].startswith("--- | ---")
    assert rows[2] == (
        "AMX30B2 DT (char télécommandé, équipé d'outils de déminage pour permettre la création de brèches) | "
        f"10 | 10 | 23,30 | 37,60 | 12 | 194{NBSP}588"
    )
    assert len(rows) == 18
    assert (q.source_format, q.source_name) == ("an_xml", str(LEGACY))
    assert q.source_raw == LEGACY.read_text(encoding="utf-8")


def test_legacy_errata_closure_and_first_circonscription(tmp_path: Path) -> None:
    text = _legacy(
        (
            "<ERRATUM_QUESTION>\n        <DATE_JO/>\n        <PAGE_JO/>",
            "<ERRATUM_QUESTION>\n        <DATE_JO>20/05/2014</DATE_JO>\n        <PAGE_JO>123</PAGE_JO>",
        ),
        ('NUMERO_CIRCONSCRIPTION="2"', 'NUMERO_CIRCONSCRIPTION="1"'),
        ("<DATE_DEPOT_SIGNAL/>", "<DATE_DEPOT_SIGNAL>02/04/2014</DATE_DEPOT_SIGNAL>"),
    )
    q = one_question(_parse(_write(tmp_path, text)))
    assert q.errata == ("Erratum (question) publié au JO le 20 mai 2014, page 123",)
    assert q.constituency == "Haute-Marne (1re circonscription)"
    assert q.signal_date == "2014-04-02"


def test_legacy_controls_taken_out_of_the_texts_are_said(tmp_path: Path) -> None:
    text = _legacy(
        ("interroge M. le ministre", "interroge\x7f M. le ministre"),
        ("Les données relatives", "Les\x7f\x7f données relatives"),
    )
    q = one_question(_parse(_write(tmp_path, text)))
    assert "\x7f" not in (q.question_text or "") + (q.answer_text or "")
    assert len(q.source_notes) == 2
    assert "texte de la question" in q.source_notes[0]
    assert "texte de la réponse" in q.source_notes[1]
    assert one_question(_parse(LEGACY)).source_notes == ()


@pytest.mark.parametrize(
    ("code", "label", "status"),
    [("RET", "Retrait", "withdrawn"), ("FM", "Fin de mandat", "lapsed"), ("CAD", "Caducité", "lapsed")],
)
def test_legacy_closure_without_answer(tmp_path: Path, code: str, label: str, status: str) -> None:
    text = LEGACY.read_text(encoding="utf-8")
    start, end = text.index("<REPONSE>"), text.index("</REPONSE>") + len("</REPONSE>")
    text = text[:start] + text[end:]
    text = text.replace("<ABREGE>REP_PUB</ABREGE>", f"<ABREGE>{code}</ABREGE>")
    text = text.replace("<LIBELLE>Réponse publiée</LIBELLE>", f"<LIBELLE>{label}</LIBELLE>")
    q = one_question(_parse(_write(tmp_path, text)))
    assert (q.status, q.closure_label, q.closure_date) == (status, label, "2014-05-13")
    assert (q.answer_text, q.answer_date) == (None, None)


def test_last_attribution_is_the_highest_ordre(tmp_path: Path) -> None:
    text = _legacy(
        ('<ORDRE NUMERO="1">', '<ORDRE NUMERO="3">'),
        (
            "<ABREGE>Défense</ABREGE>\n            <DEVELOPPE>Ministère de la défense</DEVELOPPE>\n"
            "            <ID_MINA>653280</ID_MINA>",
            "<ABREGE>Armées</ABREGE>\n            <DEVELOPPE>Ministère des armées</DEVELOPPE>\n"
            "            <ID_MINA>653280</ID_MINA>",
        ),
    )
    assert one_question(_parse(_write(tmp_path, text))).ministry_answering == "Armées"


def test_latin1_file_with_its_declaration(tmp_path: Path) -> None:
    text = _legacy(('encoding="UTF-8"', 'encoding="ISO-8859-1"'))
    text = text.replace("’", "'")
    q = one_question(_parse(_write(tmp_path, text, encoding="latin-1")))
    assert q.author == "M. François Cornut-Gentille"
    assert q.rubrique == "défense"


def test_legacy_bad_records(tmp_path: Path) -> None:
    unknown = one_rejection(_parse(_write(tmp_path, _legacy(('TYPE="QE"', 'TYPE="QX"')))))
    assert "type de question inconnu : « QX »" in unknown.reason
    assert unknown.record == "14-47351QX"
    no_number = one_rejection(_parse(_write(tmp_path, _legacy(('<DEPOT NUMERO="47351">', "<DEPOT>")))))
    assert "numéro absent" in no_number.reason
    bad_date = one_rejection(
        _parse(_write(tmp_path, _legacy(("<DATE_JO>07/01/2014</DATE_JO>", "<DATE_JO>7 janvier</DATE_JO>"))))
    )
    assert "date de publication de la question : date illisible : « 7 janvier »" in bad_date.reason
    assert bad_date.record == "14-47351QE"


# -- hostile and broken XML ---------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE QUESTION [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<QUESTION TYPE="QE"><LEGISLATURE>14</LEGISLATURE><DEPOT NUMERO="1"/><INDEXATION_AN RUBRIQUE="&lol9;"/></QUESTION>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE QUESTION [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<QUESTION TYPE="QE"><LEGISLATURE>14</LEGISLATURE><DEPOT NUMERO="1"/>
<INDEXATION_AN RUBRIQUE="x"><TETE_ANALYSE>&xxe;</TETE_ANALYSE></INDEXATION_AN></QUESTION>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_dtd_and_entities_are_refused_before_expansion(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    assert an_xml.sniff(path.read_bytes()[:4096], path.name)
    rejection = one_rejection(_parse(path))
    assert rejection.source == str(path)
    assert "fichier XML refusé" in rejection.reason
    assert "DOCTYPE" in rejection.reason
    assert "root:" not in rejection.reason


def test_xml_errors(tmp_path: Path) -> None:
    text = LEGACY.read_text(encoding="utf-8")
    truncated = one_rejection(_parse(_write(tmp_path, text[: len(text) // 2])))
    assert truncated.reason.startswith("XML invalide : ")
    assert "ligne" in truncated.reason
    assert "fichier vide" in one_rejection(_parse(_write(tmp_path, ""))).reason
    latin1 = one_rejection(
        _parse(
            _write(
                tmp_path,
                _legacy(('<?xml version="1.0" encoding="UTF-8"?>\n', "")).replace("’", "'"),
                encoding="latin-1",
            )
        )
    )
    assert "caractère invalide" in latin1.reason
    foreign = one_rejection(_parse(_write(tmp_path, "<foo><question/></foo>")))
    assert "élément racine <foo>" in foreign.reason
    binary = one_rejection(_parse(_write(tmp_path, "<\x01\x02 binaire", encoding="utf-8")))
    assert binary.reason.startswith("XML invalide")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (LEGACY.read_bytes()[:4096], True),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<questionsEcrites>\n<question>', True),
        (f'<question xmlns="{NS}">'.encode(), True),
        (b'{"question": {}}', False),
        (b"<html><body>Question N\xc2\xb0 1</body></html>", False),
        (b"<foo/>", False),
        (b"Texte de la question", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert an_xml.sniff(head, "x.xml") is expected


# -- the open-data schema in XML ---------------------------------------------------------------------


def _element(name: str, value: Any) -> str:
    if value is None:
        return f'<{name} xsi:nil="true"/>'
    if isinstance(value, list):
        return "".join(_element(name, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(_element(k, v) for k, v in value.items() if not k.startswith("@"))
        return f"<{name}>{inner}</{name}>"
    return f"<{name}>{escape(str(value))}</{name}>"


def _open_data_xml(record: dict[str, Any]) -> str:
    body = "".join(_element(k, v) for k, v in record.items() if not k.startswith("@"))
    return f'<question xmlns="{NS}" xmlns:xsi="{XSI}" xsi:type={quoteattr(record["@xsi:type"])}>{body}</question>'


def _json_record(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "an_json" / f"{name}.json").read_text(encoding="utf-8"))[
        "question"
    ]
    return data


@pytest.mark.parametrize("name", ["QANR5L17QE5268", "QANR5L16QG6"])
def test_open_data_xml_maps_like_the_json(tmp_path: Path, name: str) -> None:
    record = _json_record(name)
    path = _write(tmp_path, '<?xml version="1.0" encoding="UTF-8"?>\n' + _open_data_xml(record))
    assert an_xml.sniff(path.read_bytes()[:4096], path.name)
    q = one_question(_parse(path))
    expected = an_json.question_from_json(record, str(path))
    assert q.record() == expected.record()
    assert (q.mandate_ref, q.group_ref) == (expected.mandate_ref, expected.group_ref)
    assert q.source_format == "an_xml"
    assert q.source_raw.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<question xmlns=')


def test_open_data_list_root_is_streamed_and_stops_at_a_truncation(tmp_path: Path) -> None:
    records = []
    for number in (1, 2, 3):
        record = _json_record("QANR5L17QE5268")
        record["uid"] = f"QANR5L17QE{number}"
        record["textesQuestion"]["texteQuestion"]["infoJO"]["dateJO"] = "25/03/2025"  # XV archive dates
        records.append(record)
    body = "".join(_open_data_xml(r) for r in records)
    text = (
        f'<?xml version="1.0"?>\n<questionsEcrites xmlns="{NS}" xmlns:xsi="{XSI}">{body}</questionsEcrites>'
    )
    whole = _parse(_write(tmp_path, text))
    assert [q.uid for q in whole if isinstance(q, Question)] == ["QANR5L17QE1", "QANR5L17QE2", "QANR5L17QE3"]
    assert all(isinstance(q, Question) and q.question_date == "2025-03-25" for q in whole)
    first = whole[0]
    assert isinstance(first, Question)
    assert first.source_raw.startswith(f'<question xmlns="{NS}"')

    cut = text.index("QANR5L17QE3") + 30
    items = _parse(_write(tmp_path, text[:cut], name="cut.xml"))
    assert [type(i).__name__ for i in items] == ["Question", "Question", "Rejection"]
    rejection = items[2]
    assert isinstance(rejection, Rejection)
    assert rejection.record == "enregistrement n° 3"
    assert "après l'enregistrement n° 2" in rejection.reason


def test_open_data_record_errors_name_the_record(tmp_path: Path) -> None:
    record = _json_record("QANR5L17QE5268")
    record["uid"] = "pas-un-uid"
    rejection = one_rejection(_parse(_write(tmp_path, _open_data_xml(record))))
    assert rejection.record == "pas-un-uid"
    assert "mal formé" in rejection.reason


def test_absurd_nesting_is_a_rejection(tmp_path: Path) -> None:
    text = f'<question xmlns="{NS}"><uid>QANR5L17QE1</uid>' + "<a>" * 5000 + "</a>" * 5000 + "</question>"
    rejection = one_rejection(_parse(_write(tmp_path, text)))
    assert "trop imbriquée" in rejection.reason
    assert rejection.record == "QANR5L17QE1"
