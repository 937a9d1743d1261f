"""The « Rapport statistique » PDF, read back with pypdf; the charts it shares with the window."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from qe_desktop.export.charts import charts, svg_bytes
from qe_desktop.export.content import ExportError
from qe_desktop.export.report import StatsReport, covers_text, write_report
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.stats import cells, compute, load_equivalences, load_table, percent, summary


def _text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"[\u202f\u00a0]", " ", text)


def test_report_prints_the_search_the_summary_and_every_line(corpus: CorpusStore, tmp_path: Path) -> None:
    table = load_table(corpus)
    stats = compute(table, by="ministere")
    target = write_report(
        StatsReport(stats, covers_text("", (("type", "QE"),)), date(2026, 3, 8)), tmp_path / "rapport.pdf"
    )
    text = _text(target)
    assert "Rapport statistique" in text
    assert "Questions filtrées (Type : Questions écrites)" in text
    assert "8 mars 2026" in text
    assert "Délai de réponse (questions répondues)" in text  # the charts' titles are text in the PDF
    assert "Questions publiées par mois" in text
    assert summary(stats).split(",")[0].replace("\u202f", " ") in text
    flat = " ".join(text.split())
    for group in (*stats.groups[:5], stats.total):
        # The figures of the line as the window's table writes them, in their order, after its label.
        figures = re.sub(r"[\u202f\u00a0]", " ", " ".join(cells(group)[:4]))
        assert f"{group.label.split()[-1]} {figures}" in flat, (group.label, figures)
    reader = PdfReader(target)
    assert reader.metadata is not None
    assert reader.metadata.title == "Rapport statistique"


def test_report_with_grouped_ministries_says_so(corpus: CorpusStore, tmp_path: Path) -> None:
    table = load_table(corpus)
    grouped = compute(table, by="ministere", equivalences=load_equivalences())
    assert grouped.grouped_names
    target = write_report(
        StatsReport(grouped, covers_text("santé"), date(2026, 3, 8)), tmp_path / "groupés.pdf"
    )
    text = _text(target)
    assert "Recherche « santé »" in text
    assert "noms successifs des ministères regroupés" in text
    assert "resources/suivi/ministeres.csv" in " ".join(text.split())


def test_an_empty_set_still_makes_a_report(corpus: CorpusStore, tmp_path: Path) -> None:
    stats = compute(load_table(corpus), [], by="annee")
    text = _text(
        write_report(StatsReport(stats, covers_text("zzz"), date(2026, 3, 8)), tmp_path / "vide.pdf")
    )
    assert "Aucune question écrite." in text


def test_a_target_that_cannot_be_written_is_a_french_message(corpus: CorpusStore, tmp_path: Path) -> None:
    stats = compute(load_table(corpus), by="annee")
    with pytest.raises(ExportError, match="n'existe pas"):
        write_report(StatsReport(stats, "x", date(2026, 3, 8)), tmp_path / "absent" / "r.pdf")
    with pytest.raises(ExportError, match="est un dossier"):
        write_report(StatsReport(stats, "x", date(2026, 3, 8)), tmp_path)
    assert not list(tmp_path.glob(".*partiel"))


def test_percent_is_french() -> None:
    assert percent(0.4567) == "45,7\u202f%"


def test_svg_for_qt_has_no_clip_box_and_names_the_shipped_fonts(corpus: CorpusStore) -> None:
    stats = compute(load_table(corpus), by="ministere")
    for drawing in charts(stats, 400, 200):
        svg = svg_bytes(drawing).decode()
        assert "<clipPath" not in svg
        assert "QESans" not in svg
        assert "font-family: Noto Sans" in svg
        assert "fill: None" not in svg
