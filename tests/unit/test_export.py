"""Exports read back: the PDF's text, outline, fonts and page numbers; Markdown, ODT and CSV; bad inputs."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from qe_desktop.annotations.edits import PutAnnotation, new_annotation
from qe_desktop.annotations.store import UserStore
from qe_desktop.export import check_target, write, write_whole
from qe_desktop.export.content import ExportDocument, ExportError, ExportOptions, build
from qe_desktop.jobs import Cancelled
from qe_desktop.model import Question
from qe_desktop.paths import DataPaths
from qe_desktop.render import citation
from qe_desktop.store import CorpusStore

HOSTILE_NOTE = "Voir <b>gras</b> & **pas gras** [lien](http://x) =SOMME(A1)\n\nSecond paragraphe."


@dataclasses.dataclass
class Fixture:
    paths: DataPaths
    corpus: CorpusStore
    user: UserStore
    questions: list[Question]


@pytest.fixture
def made(sample_data_folder: Path, data_dir: Path) -> Iterator[Fixture]:
    shutil.copytree(sample_data_folder, data_dir)
    paths = DataPaths(data_dir)
    corpus = CorpusStore(paths.corpus_db)
    user = UserStore.open(paths)
    answered = [q for q in map(corpus.get, corpus.all_uids()) if q is not None and q.answer_text]
    questions = answered[:3]
    first = questions[0]
    text = first.question_text or ""
    start = text.index(" ", 20) + 1
    user.apply(
        PutAnnotation(new_annotation(first, "question", start, start + 40, colour=1, note=HOSTILE_NOTE))
    )
    answer = first.answer_text or ""
    user.apply(
        PutAnnotation(
            new_annotation(first, "answer", 10, 50, colour=3, note="Chiffre à vérifier", tags=("budget",))
        )
    )
    user.apply(PutAnnotation(new_annotation(first, None, note="Relancer le cabinet.")))
    # An annotation made on a text that is no longer the question's: an orphan.
    changed = dataclasses.replace(first, answer_text=answer + " Passage disparu depuis la correction.")
    gone = len(answer) + 1
    user.apply(
        PutAnnotation(new_annotation(changed, "answer", gone, gone + 16, colour=2, note="Note orpheline"))
    )
    yield Fixture(paths, corpus, user, questions)
    user.close()
    corpus.close()


def _document(made: Fixture, **options: object) -> ExportDocument:
    return build(
        made.corpus,
        made.user,
        [q.uid for q in made.questions],
        title="Dossier d'essai",
        source="Dossier « Essai »",
        description="Pour la réunion.",
        author="Camille Martin",
        options=ExportOptions(**options),  # type: ignore[arg-type]
    )


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def test_pdf_text_citations_notes_outline_and_fonts(made: Fixture, tmp_path: Path) -> None:
    document = _document(made)
    out = write(document, "pdf", tmp_path / "dossier.pdf")
    reader = PdfReader(out)
    pages = [_squeeze(p.extract_text()) for p in reader.pages]
    whole = " ".join(pages)
    assert "Dossier d'essai" in pages[0]
    for q in made.questions:
        assert _squeeze(citation(q)) in whole
    assert "Chiffre à vérifier" in whole
    assert "Relancer le cabinet." in whole
    assert "Note orpheline" in whole
    assert "introuvable" in whole
    # The hostile note is printed as text, not as markup.
    assert "<b>gras</b> &" in whole
    total = len(reader.pages)
    assert f"page {total} / {total}" in pages[-1]
    # One bookmark per question, each to the page where its heading is printed.
    outline = [item for item in reader.outline if not isinstance(item, list)]
    assert len(outline) >= len(made.questions)
    for item in outline[-len(made.questions) :]:
        page = reader.get_destination_page_number(item)
        assert _squeeze(item.title)[:30] in pages[page]
    fonts: dict[str, object] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert font["/Subtype"] != "/Type3", name  # type: ignore[index]
        descriptor = font["/FontDescriptor"].get_object()  # type: ignore[index]
        assert "/FontFile2" in descriptor, f"{name} n'est pas incorporée"


def test_pdf_excerpts_only(made: Fixture, tmp_path: Path) -> None:
    out = write(_document(made, excerpts_only=True), "pdf", tmp_path / "extraits.pdf")
    whole = _squeeze(" ".join(p.extract_text() for p in PdfReader(out).pages))
    first = made.questions[0]
    assert "Extraits" in whole
    # The full text of an unannotated question is not printed.
    last = made.questions[-1]
    assert last.answer_text
    assert _squeeze(last.answer_text[-60:]) not in whole
    assert _squeeze((first.answer_text or "")[10:50]) in whole


def test_markdown(made: Fixture, tmp_path: Path) -> None:
    out = write(_document(made), "md", tmp_path / "dossier.md")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Dossier d'essai")
    assert text.count("\n## ") == len(made.questions)
    assert "==" in text
    for n in range(1, 5):
        assert f"[^{n}]:" in text
    # Markdown's marks in a note are escaped: no bold, no link, no HTML comes out of it.
    assert r"\<b\>gras\</b\>" in text
    assert r"\*\*pas gras\*\*" in text
    assert r"\[lien\]" in text


def test_odt(made: Fixture, tmp_path: Path) -> None:
    out = write(_document(made), "odt", tmp_path / "dossier.odt")
    with zipfile.ZipFile(out) as z:
        assert z.namelist()[0] == "mimetype"
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = ElementTree.fromstring(z.read("content.xml"))
        styles = z.read("styles.xml").decode()
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    headings = content.findall(".//text:h[@text:outline-level='1']", ns)
    assert len(headings) == len(made.questions)
    notes = content.findall(".//text:note", ns)
    assert len(notes) == 4
    labels = [n.find("text:note-citation", ns).text for n in notes]  # type: ignore[union-attr]
    assert sorted(labels, key=int) == ["1", "2", "3", "4"]
    body = "".join(content.itertext())
    assert "<b>gras</b>" in body
    spans = content.findall(".//text:span", ns)
    assert any("Surlignage" in (s.get(f"{{{ns['text']}}}style-name") or "") for s in spans)
    assert "Titre 1" in styles
    assert "Surlignage 1" in styles


def test_csv(made: Fixture, tmp_path: Path) -> None:
    out = write(_document(made), "csv", tmp_path / "dossier.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Référence"
    assert len(rows) == 1 + len(made.questions)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Référence"] == made.questions[0].reference
    assert first["Texte de la question"] == made.questions[0].question_text
    assert "Chiffre à vérifier" in first["Notes"]
    assert first["Annotations"] == "4"


def test_csv_never_writes_a_formula(made: Fixture, tmp_path: Path) -> None:
    # Values that a spreadsheet would run, each at the start of its cell.
    q = dataclasses.replace(
        made.questions[1], analyse='=HYPERLINK("http://x")', rubrique="+1", group="-2", author="@moi"
    )
    made.corpus.upsert_questions([q])
    out = write(_document(made, notes=True), "csv", tmp_path / "f.csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Analyse"] == '\'=HYPERLINK("http://x")'
    assert second["Rubrique"] == "'+1"
    assert second["Auteur"].startswith("'@moi")
    assert second["Groupe"].startswith("'-2")
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_unknown_question_is_named(made: Fixture) -> None:
    with pytest.raises(ExportError, match="QANR5L99QE1"):
        build(made.corpus, made.user, ["QANR5L99QE1"], title="x", source="x")


def test_cancelled_export_leaves_the_old_file(made: Fixture, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "dossier.pdf"
    target.write_bytes(b"ancien")
    with pytest.raises(Cancelled):
        write(_document(made), "pdf", target, cancelled=lambda: True)
    assert target.read_bytes() == b"ancien"
    assert [p.name for p in folder.iterdir()] == ["dossier.pdf"]


def test_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="est un dossier"):
        check_target(tmp_path)
    with pytest.raises(ExportError, match="n'existe pas"):
        check_target(tmp_path / "absent" / "x.pdf")


def test_pdftotext_reads_accents_quotes_and_citations(made: Fixture, tmp_path: Path) -> None:
    import subprocess

    # poppler-utils is installed by scripts/install-deps.sh: its absence is a setup to mend, not a skip.
    assert shutil.which("pdftotext"), "pdftotext absent : lancez ./scripts/install-deps.sh"
    out = write(_document(made), "pdf", tmp_path / "dossier.pdf")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    whole = _squeeze(text)
    assert "Dossier « Essai »" in whole
    for q in made.questions:
        # Lines may break anywhere in the citation: compare without spaces and hyphenation breaks.
        assert re.sub(r"\s", "", citation(q)) in re.sub(r"-?\s", "", text)
    assert "é" in text
    assert "\ufffd" not in text  # no glyph the font lacked


@pytest.mark.parametrize("case", [0, 1])
def test_a_paragraph_with_highlights_splits_within_the_page(case: int) -> None:
    """reportlab 5.1 splits these paragraphs (synthetic answers with highlights and note marks, from the
    1,000-question benchmark) into a first part taller than the room left: the export died of a
    LayoutError.  The text paragraph splits again for one line less until its first part fits."""
    import json

    from reportlab.platypus import Paragraph

    from qe_desktop.export import pdf

    cases = json.loads(
        (Path(__file__).parent.parent / "data" / "pdf_split_case.json").read_text(encoding="utf-8")
    )
    found = cases[case]
    pdf.register_fonts()
    style = pdf.styles()[found["style"]]
    width, height = found["w"], found["h"]
    broken = Paragraph(found["markup"], style).split(width, height)
    assert broken[0].wrap(width, height)[1] > height  # the bug this guards against is still there
    parts = pdf._Text(found["markup"], style).split(width, height)
    assert len(parts) == 2
    assert parts[0].wrap(width, height)[1] <= height

    def bare(text: str) -> str:  # without spaces and hyphens (a split may end its first part on one)
        return re.sub(r"[\s\u00ad-]", "", text)

    assert bare("".join(p.getPlainText() for p in parts)) == bare(
        Paragraph(found["markup"], style).getPlainText()
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_export_gets_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    out = write_whole(tmp_path / "dossier.csv", lambda partial: partial.write_text("x", encoding="utf-8"))
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600: a file to share


def test_an_answer_missing_from_the_corpus_is_not_said_unpublished(made: Fixture, tmp_path: Path) -> None:
    answered = made.questions[1]
    assert answered.status == "answered"
    made.corpus.upsert_questions([dataclasses.replace(answered, answer_text=None)])
    document = _document(made)
    said = "Texte de la réponse non disponible dans le corpus."
    assert said in write(document, "md", tmp_path / "d.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(write(document, "odt", tmp_path / "d.odt")) as z:
        odt_text = "".join(ElementTree.fromstring(z.read("content.xml")).itertext())
    assert said in odt_text
    assert "Pas de réponse publiée" not in odt_text
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(write(document, "pdf", tmp_path / "d.pdf")).pages
    )
    assert said in " ".join(pdf_text.split())
