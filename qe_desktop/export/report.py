"""The « Rapport statistique »: the statistics of a set of questions as a PDF (Qt-free).

Title, the search it covers, the figures of the whole set, the three charts
(:mod:`qe_desktop.export.charts`, the same drawings as the window's statistics view) and the
table of every line (ministry, rubrique or year), in the fonts and styles of the PDF dossier
(:mod:`qe_desktop.export.pdf`).  The cells are written by :func:`cells`, which the window's
table uses too: the report prints exactly what the view shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from qe_desktop import __version__
from qe_desktop.dates import format_date_fr
from qe_desktop.export import write_whole
from qe_desktop.export.charts import delay_chart, month_chart, share_chart
from qe_desktop.export.pdf import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    QUIET,
    RULE,
    SANS,
    SERIF,
    TEXT_WIDTH,
    register_fonts,
    styles,
)
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn, never_cancelled, no_progress
from qe_desktop.labels import facet_title, facet_value_label
from qe_desktop.suivi.stats import GROUP_TITLES, Stats, cells, number, summary

PAGE_WIDTH, PAGE_HEIGHT = A4

#: The table's columns after the line's name: (title, tooltip).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Questions", "Questions de la ligne"),
    ("Répondues", "Part des questions qui ont reçu une réponse"),
    ("Médiane", "Délai médian de réponse, en jours, de la publication de la question à celle de la réponse"),
    ("9e décile", "90 % des réponses sont venues dans ce délai (jours)"),
    ("En 2 mois", "Part des questions répondues dans les deux mois de leur publication"),
    ("En attente", "Questions sans réponse, ni retirées ni caduques"),
    ("Plus ancienne en attente", "Date de publication de la plus ancienne question en attente"),
)


@dataclass(frozen=True, slots=True)
class StatsReport:
    """What the report prints: the statistics, the search they cover (French), when."""

    stats: Stats
    covers: str
    made_on: date
    title: str = "Rapport statistique"


class _Report(BaseDocTemplate):
    def __init__(self, path: Path, report: StatsReport) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=report.title,
            author="QE Desktop",
            subject=report.covers,
            creator=f"QE Desktop {__version__}",
            lang="fr-FR",
            initialFontName=SERIF,
            initialFontSize=10,
        )
        self.report = report
        frame = Frame(
            MARGIN_X, MARGIN_BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="text"
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._header)])

    def _header(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(SANS, 8)
        canvas.setFillColor(QUIET)
        y = PAGE_HEIGHT - MARGIN_TOP + 0.9 * cm
        canvas.drawString(MARGIN_X, y, self.report.title)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, y, format_date_fr(self.report.made_on.isoformat()))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 4, PAGE_WIDTH - MARGIN_X, y - 4)
        canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM - 1.1 * cm, f"page {self.page}")
        canvas.restoreState()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(stats: Stats) -> Table:
    st = styles()
    head = [Paragraph(_esc(GROUP_TITLES[stats.by]), st["cell_head"])]
    head += [Paragraph(_esc(title), st["cell_head"]) for title, _ in COLUMNS]
    rows: list[list[Flowable | str]] = [list(head)]
    for g in (*stats.groups, stats.total):
        label = g.label
        if len(g.names) > 1:
            label += f" ({len(g.names)} noms)"
        bold = g is stats.total
        style = st["cell_head"] if bold else st["cell"]
        rows.append([Paragraph(_esc(label), style), *(Paragraph(_esc(c), style) for c in cells(g))])
    widths = [4.4 * cm, 1.6 * cm, 1.75 * cm, 1.45 * cm, 1.45 * cm, 1.55 * cm, 1.5 * cm]
    widths.append(TEXT_WIDTH - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, QUIET),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, QUIET),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), ["#ffffff", "#f3f4f6"]),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _story(report: StatsReport) -> list[Flowable]:
    st = styles()
    stats = report.stats
    story: list[Flowable] = [
        Paragraph(_esc(report.title), st["cover_title"]),
        Paragraph(_esc(report.covers), st["cover_line"]),
        Paragraph(
            f"Par {GROUP_TITLES[stats.by].lower()}"
            + (" (noms successifs des ministères regroupés)" if stats.grouped_names else "")
            + f" — établi le {format_date_fr(report.made_on.isoformat())} par QE Desktop",
            st["meta"],
        ),
        Spacer(1, 6),
        Paragraph(_esc(summary(stats)), st["body"]),
        Spacer(1, 8),
    ]
    if stats.total.questions:
        width, height = TEXT_WIDTH, 5.6 * cm
        story += [
            KeepTogether([delay_chart(stats, width, height), Spacer(1, 10)]),
            KeepTogether([share_chart(stats, width, 7.2 * cm), Spacer(1, 10)]),
            KeepTogether([month_chart(stats, width, height), Spacer(1, 12)]),
        ]
    # The table's heading never alone at the foot of a page.
    story.append(CondPageBreak(5 * cm))
    story.append(Paragraph(f"Par {_esc(GROUP_TITLES[stats.by].lower())}", st["section"]))
    story.append(_table(stats))
    notes = [
        "Délais : de la publication de la question au Journal officiel à celle de la réponse, sur les "
        "questions répondues dont les deux dates sont connues. « En 2 mois » : réponse publiée au plus "
        "tard le même jour, deux mois après la question (le délai de l'article 135 du Règlement)."
    ]
    if stats.grouped_names:
        notes.append(
            "Ministères : noms successifs regroupés selon la table resources/suivi/ministeres.csv "
            "(ses sources y sont citées)."
        )
    if stats.not_found:
        notes.append(f"{number(stats.not_found)} question(s) de la recherche absente(s) de la base.")
    story.append(Spacer(1, 8))
    story += [Paragraph(_esc(n), st["meta"]) for n in notes]
    return story


def write_report(
    report: StatsReport,
    target: Path,
    *,
    progress: ProgressFn = no_progress,
    cancelled: CancelFn = never_cancelled,
) -> Path:
    """Write the report to ``target``, whole or not at all (as every export); return the path.

    Raises ExportError (French, naming the file) when it cannot be written; Cancelled leaves
    no file behind.
    """
    register_fonts()
    progress(0, 1, "Rapport statistique : mise en page")

    def fill(partial: Path) -> None:
        if cancelled():
            raise Cancelled
        _Report(partial, report).build(_story(report))
        if cancelled():
            raise Cancelled

    target = write_whole(Path(target), fill)
    progress(1, 1, "Rapport statistique écrit")
    return target


def covers_text(query: str, filters: Sequence[tuple[str, str]] = ()) -> str:
    """« Recherche « hôpital » (Type : QE) » or « Toutes les questions du corpus »."""
    described = ", ".join(f"{facet_title(k)} : {facet_value_label(k, v)}" for k, v in filters)
    if query.strip():
        text = f"Recherche « {query.strip()} »"
        return text + (f" ({described})" if described else "")
    if described:
        return f"Questions filtrées ({described})"
    return "Toutes les questions du corpus"
