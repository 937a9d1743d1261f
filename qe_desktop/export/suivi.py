"""The « Tableau de suivi »: « Mes députés »' questions with their stages, as CSV or PDF (Qt-free).

The list as the Suivi view shows it (its filters and order applied by the caller): one row
per question, with the count per stage and each deputy's quota above it.  The CSV is the
dialect of :mod:`qe_desktop.export.table` (UTF-8 with a byte-order mark, ``;``, cells that a
spreadsheet would take for a formula made text); the PDF is a landscape A4 table whose header
row is repeated on each page, in the fonts and style of :mod:`qe_desktop.export.pdf`.  Both are
written beside the target under another name, then renamed over it: whole or not at all.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qe_desktop.dates import format_date_fr
from qe_desktop.export import write_whole
from qe_desktop.export.content import ExportError
from qe_desktop.export.table import spreadsheet_cell
from qe_desktop.suivi.deputies import Quota, SuiviRow, stage_counts
from qe_desktop.suivi.rules import STAGE_LABELS, Stage, legislature_end

TITLE = "Tableau de suivi"

CSV_COLUMNS = (
    "Référence",
    "Député",
    "Date de la question",
    "Ministère attributaire",
    "Rubrique",
    "Analyse",
    "Étape",
    "Jours",
    "Prochaine échéance",
    "Date de la réponse",
    "Explication",
)


@dataclass(frozen=True, slots=True)
class SuiviLine:
    """One question of the table, with the deputy it is listed for."""

    deputy: str
    row: SuiviRow


@dataclass(frozen=True, slots=True)
class DeputyQuota:
    deputy: str
    quota: Quota


@dataclass(frozen=True, slots=True)
class SuiviTable:
    """What a « Tableau de suivi » holds: the lines in their order, the quotas, the day."""

    made_on: date
    lines: tuple[SuiviLine, ...]
    quotas: tuple[DeputyQuota, ...] = ()
    #: The filters applied, said under the title (French; empty: none).
    filters: str = ""
    title: str = TITLE


def stage_title(stage: Stage) -> str:
    """The stage as a column shows it: « Répondue hors délai »."""
    return stage.label[:1].upper() + stage.label[1:]


def next_deadline(row: SuiviRow, today: date) -> date | None:
    """The next date by which the question must be answered, or lapses (None: closed, or none left)."""
    stage = row.stage
    if not stage.open:
        return None
    days: list[date] = []
    if stage.deadlines is not None:
        d = stage.deadlines
        days += [d.answer] + ([d.extension] if d.extension else []) + ([d.signal] if d.signal else [])
    end = legislature_end(row.legislature)
    if end is not None:
        days.append(end)
    future = [d for d in days if d >= today]
    return min(future) if future else None


def days_text(stage: Stage) -> str:
    """« 70 » (days it took), « 612, en attente » (days waiting), empty when unknown."""
    if stage.days is None:
        return ""
    return f"{stage.days}, en attente" if stage.open else str(stage.days)


def quota_text(q: DeputyQuota) -> str:
    """« Mme X : 3 questions écrites sur 52 depuis le 1er octobre 2026, reste 49 »."""
    n = q.quota.asked
    start = format_date_fr(q.quota.session_start.isoformat())
    return (
        f"{q.deputy} : {n} question{'s' if n > 1 else ''} écrite{'s' if n > 1 else ''} sur "
        f"{q.quota.cap} depuis le {start}, reste {q.quota.remaining}"
    )


def counts_text(rows: Sequence[SuiviRow]) -> list[tuple[str, int]]:
    """The stages with questions, in display order: (« Répondue hors délai », 1)."""
    counts = stage_counts(list(rows))
    return [(STAGE_LABELS[c][:1].upper() + STAGE_LABELS[c][1:], n) for c, n in counts.items() if n]


# -- CSV -------------------------------------------------------------------------------------


def _write_csv(table: SuiviTable, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for line in table.lines:
            r = line.row
            deadline = next_deadline(r, table.made_on)
            values: list[object] = [
                r.reference,
                line.deputy,
                r.question_date,
                r.ministry,
                r.rubrique,
                r.analyse,
                stage_title(r.stage),
                r.stage.days,
                deadline.isoformat() if deadline else None,
                r.answer_date,
                r.stage.explanation(),
            ]
            writer.writerow([spreadsheet_cell(v) for v in values])


# -- PDF -------------------------------------------------------------------------------------


def _write_pdf(table: SuiviTable, path: Path) -> None:
    # Imported here: reportlab loads in tenths of a second, the CSV does not need it.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from qe_desktop import __version__
    from qe_desktop.export.pdf import CELL_FONT, QUIET, RULE, SANS, SERIF, register_fonts, styles
    from qe_desktop.typography import french

    register_fonts()
    s = styles()
    width, height = landscape(A4)
    margin = 1.5 * cm

    def esc(text: str | None) -> str:
        return html.escape(french(text or ""), quote=False)

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(SANS, 8)
        canvas.setFillColor(QUIET)
        y = height - margin + 0.6 * cm
        canvas.drawString(margin, y, table.title)
        canvas.drawRightString(width - margin, y, format_date_fr(table.made_on.isoformat()))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(margin, y - 4, width - margin, y - 4)
        canvas.drawCentredString(width / 2, margin - 0.9 * cm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + 0.4 * cm,
        bottomMargin=margin,
        title=table.title,
        author="QE Desktop",
        subject="Questions de « Mes députés » et leurs délais (art. 135 du Règlement)",
        creator=f"QE Desktop {__version__}",
        lang="fr-FR",
        initialFontName=SERIF,
        initialFontSize=10,
    )
    grid: list[tuple[object, ...]] = [
        CELL_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    count = len(table.lines)
    said = f"Au {format_date_fr(table.made_on.isoformat())} : {count} question{'s' if count > 1 else ''}"
    if table.filters:
        said += f" ({table.filters})"
    story: list[object] = [Paragraph(esc(table.title), s["section"]), Paragraph(esc(said + "."), s["meta"])]
    for q in table.quotas:
        story.append(Paragraph(esc(quota_text(q) + "."), s["legend"]))
    counts = counts_text([line.row for line in table.lines])
    if counts:
        story.append(Spacer(1, 6))
        head = [Paragraph(esc(label), s["cell_head"]) for label, _ in counts]
        figures = [Paragraph(str(n), s["cell"]) for _, n in counts]
        box = Table(
            [head, figures],
            hAlign="LEFT",
            colWidths=[min(4.2 * cm, (width - 2 * margin) / len(counts))] * len(counts),
        )
        box.setStyle(TableStyle(grid))
        story.append(box)
    story.append(Spacer(1, 10))

    headers = (
        "Référence",
        "Député",
        "Publiée le",
        "Ministère attributaire",
        "Rubrique",
        "Analyse",
        "Étape",
        "Jours",
        "Prochaine échéance",
    )
    fractions = (0.08, 0.12, 0.08, 0.15, 0.1, 0.2, 0.12, 0.06, 0.09)
    data = [[Paragraph(esc(h), s["cell_head"]) for h in headers]]
    for line in table.lines:
        r = line.row
        deadline = next_deadline(r, table.made_on)
        cells = (
            r.reference,
            line.deputy,
            format_date_fr(r.question_date) if r.question_date else "",
            r.ministry,
            r.rubrique,
            r.analyse,
            stage_title(r.stage),
            days_text(r.stage),
            format_date_fr(deadline.isoformat()) if deadline else "",
        )
        data.append([Paragraph(esc(c), s["cell"]) for c in cells])
    body = Table(data, colWidths=[f * (width - 2 * margin) for f in fractions], repeatRows=1, hAlign="LEFT")
    body.setStyle(TableStyle(grid))
    story.append(body)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


# -- writing ------------------------------------------------------------------------------------

FORMATS: dict[str, tuple[str, Callable[[SuiviTable, Path], None]]] = {
    "csv": (".csv", _write_csv),
    "pdf": (".pdf", _write_pdf),
}


def write_suivi(table: SuiviTable, fmt: str, target: Path) -> Path:
    """Write the table as ``fmt`` (``csv`` or ``pdf``) to ``target``, whole or not at all.

    Raises ExportError (French) when the target cannot be written.
    """
    if fmt not in FORMATS:
        raise ExportError(f"Format du tableau de suivi inconnu : « {fmt} » (csv ou pdf).")
    writer = FORMATS[fmt][1]
    return write_whole(Path(target), lambda partial: writer(table, partial))
