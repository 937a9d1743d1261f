"""The statistics' charts, drawn once with reportlab's charts for the PDF and the window.

``reportlab.graphics.charts`` is already in the app for the PDF: the same :class:`Drawing` goes
into the « Rapport statistique » as vector graphics and, as SVG (:func:`svg_bytes`), into the
window's statistics view, shown by QtSvg (part of PySide6-Essentials).  No other charting
library is shipped: see the README (« Charts ») for the sizes of Qt Charts and matplotlib.

Three charts: days to answer (bars per range of days), answered share per line of the table
(ministry, rubrique or year; the most asked first), questions published per month.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from qe_desktop.dates import MONTHS_FR
from qe_desktop.export.pdf import SANS, register_fonts
from qe_desktop.suivi.stats import GROUP_TITLES, Stats

BAR = colors.HexColor("#3b6ea5")
LATE = colors.HexColor("#c0504d")
GRID = colors.HexColor("#dfe2e6")
INK = colors.HexColor("#1d1d1f")
QUIET = colors.HexColor("#5f6368")
TITLE_SIZE = 10
LABEL_SIZE = 7.5
#: Lines of the table drawn in the answered-share chart (the most asked ones).
SHARE_LINES = 12
#: Up to this many months, one bar per month; beyond, a line over the years.
MONTH_BARS = 36

_MONTH_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
assert len(_MONTH_SHORT) == len(MONTHS_FR)


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(
        String(
            4,
            drawing.height - TITLE_SIZE - 2,
            text,
            fontName=f"{SANS}-Bold",
            fontSize=TITLE_SIZE,
            fillColor=INK,
        )
    )


def _empty(drawing: Drawing, text: str) -> Drawing:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            text,
            fontName=SANS,
            fontSize=LABEL_SIZE + 1,
            fillColor=QUIET,
            textAnchor="middle",
        )
    )
    return drawing


def _style_axes(chart: VerticalBarChart | HorizontalBarChart | LinePlot) -> None:
    if isinstance(chart, LinePlot):
        axes = (chart.xValueAxis, chart.yValueAxis)
    else:
        axes = (chart.categoryAxis, chart.valueAxis)
    for axis in axes:
        axis.labels.fontName = SANS
        axis.labels.fontSize = LABEL_SIZE
        axis.labels.fillColor = QUIET
        axis.strokeColor = QUIET
        axis.strokeWidth = 0.5


def _nice_max(value: float) -> tuple[float, float]:
    """An axis maximum above ``value`` and its step (1, 2 or 5 × a power of ten, about 5 steps)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 5
    power = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = step * (int(value // step) + 1)
    return float(top), float(step)


def delay_chart(stats: Stats, width: float, height: float) -> Drawing:
    """Bars of the answered questions by days to answer (0–29, 30–60 … 730 and more)."""
    register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, "Délai de réponse (questions répondues)")
    counts = [n for _, _, n in stats.histogram]
    if not any(counts):
        return _empty(drawing, "Aucune question répondue avec ses deux dates.")
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 34
    chart.width, chart.height = width - chart.x - 8, height - chart.y - TITLE_SIZE - 14
    chart.data = [counts]
    chart.categoryAxis.categoryNames = [_range_label(lo, hi) for lo, hi, _ in stats.histogram]
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.labels.dy = -2
    top, step = _nice_max(max(counts))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.valueAxis.labelTextFormat = _thousands
    chart.barSpacing = 2
    chart.groupSpacing = 6
    chart.bars.strokeColor = None
    for i, (lo, _, _) in enumerate(stats.histogram):
        # Past the two months the Règlement gives for an answer: another colour.
        chart.bars[(0, i)].fillColor = BAR if lo < 61 else LATE
    _style_axes(chart)
    drawing.add(chart)
    return drawing


def _range_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo} j et +"
    return f"{lo}–{hi - 1} j"


def _thousands(value: float) -> str:
    return f"{int(value):,}".replace(",", "\u202f")


def _percent(value: float) -> str:
    return f"{int(value)}\u202f%"


def _shorten(text: str, width: float, size: float) -> str:
    if stringWidth(text, SANS, size) <= width:
        return text
    while text and stringWidth(text + "…", SANS, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def share_chart(stats: Stats, width: float, height: float, lines: int = SHARE_LINES) -> Drawing:
    """Horizontal bars: the share of questions answered, for the most asked lines of the table."""
    register_fonts()
    drawing = Drawing(width, height)
    shown = [g for g in stats.groups if g.questions][:lines]
    title = GROUP_TITLES[stats.by].lower()
    more = f", les {len(shown)} plus interrogés" if len(stats.groups) > len(shown) else ""
    _title(drawing, f"Part des questions répondues, par {title}{more}")
    if not shown:
        return _empty(drawing, "Aucune question.")
    label_width = min(width * 0.42, max(stringWidth(g.label, SANS, LABEL_SIZE) for g in shown) + 6)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 4, 22
    chart.width = width - chart.x - 34
    chart.height = height - chart.y - TITLE_SIZE - 12
    # reportlab draws the first category at the bottom: the most asked line goes on top.
    ordered = list(reversed(shown))
    chart.data = [[round(g.answered_share * 100, 1) for g in ordered]]
    chart.categoryAxis.categoryNames = [_shorten(g.label, label_width - 6, LABEL_SIZE) for g in ordered]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = _percent
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = BAR
    chart.barLabelFormat = _percent
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = LABEL_SIZE - 0.5
    chart.barLabels.fillColor = QUIET
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barSpacing = 1
    chart.groupSpacing = 3
    _style_axes(chart)
    drawing.add(chart)
    return drawing


def month_chart(stats: Stats, width: float, height: float) -> Drawing:
    """Questions published per month: one bar per month for a few years, else a line."""
    register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, "Questions publiées par mois")
    months = stats.per_month
    if not months:
        return _empty(drawing, "Aucune question datée.")
    counts = [n for _, n in months]
    top, step = _nice_max(max(counts))
    if len(months) <= MONTH_BARS:
        chart = VerticalBarChart()
        chart.x, chart.y = 40, 30
        chart.width, chart.height = width - chart.x - 8, height - chart.y - TITLE_SIZE - 14
        chart.data = [counts]
        every = max(1, len(months) // 12)
        chart.categoryAxis.categoryNames = [
            _month_label(m) if i % every == 0 else "" for i, (m, _) in enumerate(months)
        ]
        chart.bars.strokeColor = None
        chart.bars[0].fillColor = BAR
        chart.barSpacing = 1
        chart.groupSpacing = 2
        axis = chart.valueAxis
    else:
        chart = LinePlot()
        chart.x, chart.y = 40, 30
        chart.width, chart.height = width - chart.x - 8, height - chart.y - TITLE_SIZE - 14
        points = [(_month_number(m), n) for m, n in months]
        chart.data = [points]
        chart.lines[0].strokeColor = BAR
        chart.lines[0].strokeWidth = 1
        first, last = int(points[0][0]), int(points[-1][0]) + 1
        years = last - first
        year_step = next(s for s in (1, 2, 5, 10, 20) if years / s <= 12)
        chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = first, last
        start = first + (-first) % year_step
        chart.xValueAxis.valueSteps = list(range(start, last + 1, year_step))
        chart.xValueAxis.labelTextFormat = "%d"
        axis = chart.yValueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
    axis.visibleGrid = True
    axis.gridStrokeColor = GRID
    axis.gridStrokeWidth = 0.5
    axis.labelTextFormat = _thousands
    _style_axes(chart)
    drawing.add(chart)
    return drawing


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{_MONTH_SHORT[int(number) - 1]} {year[2:]}"


def _month_number(month: str) -> float:
    year, number = month.split("-")
    return int(year) + (int(number) - 1) / 12


def charts(stats: Stats, width: float, height: float) -> Sequence[Drawing]:
    """The three charts of the statistics, in the order the view and the report show them."""
    return (
        delay_chart(stats, width, height),
        share_chart(stats, width, height),
        month_chart(stats, width, height),
    )


_CLIP = re.compile(r"<clipPath.*?</clipPath>", re.S)
_PATH_STYLE = re.compile(r'<(?:path|polyline) [^>]*?style="([^"]*)"')
_FONT = re.compile(r"font-family: (QESans|QESerif)(-Bold)?")


def svg_bytes(drawing: Drawing) -> bytes:
    """The drawing as SVG for QtSvg: its fonts by family name (the shipped Noto, registered in
    Qt by the window), without the whole-drawing clip path QtSvg would paint as a black box."""
    text = renderSVG.drawToString(drawing)
    text = (
        _CLIP.sub("", text).replace('style="clip-path: url(#clip)"', "").replace("fill: None", "fill: none")
    )

    def family(match: re.Match[str]) -> str:
        name = "Noto Sans" if match.group(1) == "QESans" else "Noto Serif"
        return f"font-family: {name}" + ("; font-weight: bold" if match.group(2) else "")

    # reportlab leaves an open path's fill unsaid (PDF paths are stroked only); SVG fills it black.
    text = _PATH_STYLE.sub(
        lambda m: m.group(0) if "fill:" in m.group(1) else m.group(0)[:-1] + ' fill: none;"', text
    )
    return _FONT.sub(family, text).encode("utf-8")
