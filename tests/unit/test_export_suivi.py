"""The « Tableau de suivi » in CSV and PDF, read back, and from ``qe-desktop suivi --csv / --pdf``."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from qe_desktop.cli import main
from qe_desktop.export.content import ExportError
from qe_desktop.export.suivi import (
    CSV_COLUMNS,
    DeputyQuota,
    SuiviLine,
    SuiviTable,
    next_deadline,
    write_suivi,
)
from qe_desktop.paths import DataPaths
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.deputies import deputy_questions, find_deputies, quota

TODAY = date(2026, 11, 28)


def table_of(corpus: CorpusStore, *names: str, today: date = TODAY) -> SuiviTable:
    lines: list[SuiviLine] = []
    quotas: list[DeputyQuota] = []
    for name in names:
        deputy = find_deputies(corpus, name)[0]
        rows = deputy_questions(corpus, deputy, today)
        lines += [SuiviLine(deputy.name, r) for r in rows]
        quotas.append(DeputyQuota(deputy.name, quota(rows, today)))
    lines.sort(key=lambda line: line.row.question_date or "", reverse=True)
    return SuiviTable(today, tuple(lines), tuple(quotas))


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French spreadsheets need
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_csv_lists_the_questions_with_their_stages(corpus: CorpusStore, tmp_path: Path) -> None:
    table = table_of(corpus, "PA721764", "Teissier")
    path = write_suivi(table, "csv", tmp_path / "suivi.csv")
    rows = read_csv(path)
    assert tuple(rows[0]) == CSV_COLUMNS
    by_ref = {r[0]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert set(by_ref) == {"17-5268QE", "11-20643QE"}
    gregoire = by_ref["17-5268QE"]
    assert gregoire["Député"] == "Mme Olivia Grégoire"
    assert gregoire["Étape"] == "Répondue hors délai"
    assert gregoire["Jours"] == "70"
    assert gregoire["Date de la question"] == "2025-03-25"
    assert by_ref["11-20643QE"]["Étape"] == "Répondue après signalement, dans les dix jours"


def test_csv_cells_are_never_formulas(corpus: CorpusStore, tmp_path: Path) -> None:
    table = table_of(corpus, "PA721764")
    line = table.lines[0]
    from dataclasses import replace

    hostile = replace(line.row, analyse='=HYPERLINK("http://x")', rubrique="+1")
    table = replace(table, lines=(SuiviLine("@moi", hostile),))
    rows = read_csv(write_suivi(table, "csv", tmp_path / "s.csv"))
    assert rows[1][1] == "'@moi"
    assert rows[1][4] == "'+1"
    assert rows[1][5].startswith("'=")


def test_pdf_has_counts_quota_and_rows(corpus: CorpusStore, tmp_path: Path) -> None:
    table = table_of(corpus, "PA721764", "Marine Le Pen")
    path = write_suivi(table, "pdf", tmp_path / "suivi.pdf")
    reader = PdfReader(path)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(path)
    assert "Tableau de suivi" in text
    assert "Mme Olivia Grégoire : 0 question écrite sur 52" in text
    assert "Répondue hors délai" in text
    assert "17-5268QE" in text
    assert "16-504QG" in text
    assert "diamants synthétiques" in text  # the analysis, wrapped in its cell


def test_pdf_header_row_repeats_on_every_page(corpus: CorpusStore, tmp_path: Path) -> None:
    table = table_of(corpus, "Marine Le Pen")
    many = SuiviTable(TODAY, table.lines * 30, table.quotas)
    path = write_suivi(many, "pdf", tmp_path / "long.pdf")
    pages = PdfReader(path).pages
    assert len(pages) > 2
    for page in pages:
        assert "Prochaine" in (page.extract_text() or "")


def test_next_deadline_of_a_waiting_question(corpus: CorpusStore) -> None:
    deputy = find_deputies(corpus, "PA721764")[0]
    [row] = deputy_questions(corpus, deputy, date(2025, 4, 1))
    assert row.stage.code == "waiting"
    assert next_deadline(row, date(2025, 4, 1)) == date(2025, 5, 25)
    [answered] = deputy_questions(corpus, deputy, TODAY)
    assert next_deadline(answered, TODAY) is None


def test_unwritable_target_is_named(corpus: CorpusStore, tmp_path: Path) -> None:
    table = table_of(corpus, "PA721764")
    with pytest.raises(ExportError, match="n'existe pas"):
        write_suivi(table, "csv", tmp_path / "absent" / "s.csv")
    with pytest.raises(ExportError, match="est un dossier"):
        write_suivi(table, "pdf", tmp_path)


def test_cli_writes_both(paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path, pdf_path = tmp_path / "t.csv", tmp_path / "t.pdf"
    code = main(
        [
            "suivi",
            "--data-dir",
            str(paths.root),
            "--depute",
            "PA721764",
            "--depute",
            "Teissier",
            "--date",
            "2026-11-28",
            "--csv",
            str(csv_path),
            "--pdf",
            str(pdf_path),
            "--json",
        ]
    )
    assert code == 0
    assert [r[0] for r in read_csv(csv_path)[1:]] == ["17-5268QE", "11-20643QE"]
    assert "M. Guy Teissier" in pdf_text(pdf_path)
    err = capsys.readouterr().err
    assert "tableau de suivi écrit" in err


def test_cli_refuses_a_missing_folder(
    paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "suivi",
            "--data-dir",
            str(paths.root),
            "--depute",
            "PA721764",
            "--csv",
            str(tmp_path / "no" / "t.csv"),
        ]
    )
    assert code != 0
    assert "n'existe pas" in capsys.readouterr().err
