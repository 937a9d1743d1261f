"""The PDF dossier, laid out with reportlab's Platypus (the engine's choice: see the README).

A4; the fonts shipped in ``resources/fonts`` (Noto, SIL OFL), embedded as
subsets, so that the PDF reads the same on any machine; French hyphenation
(pyphen) and French spacing.  A cover page; a table of contents with page
numbers and a PDF outline with one entry per question; for each question its
heading, the citation line (the reader's « Copier la référence »), the key data,
the question and the answer with the highlights in their colours, notes as
numbered endnotes tied to their passage by a mark, a link to the official page;
a running header (the dossier's title) and « page X / Y ».

The file appears complete or not at all: it is written beside the target under
another name, then renamed over it (see :func:`qe_desktop.export.write`).
"""

from __future__ import annotations

import functools
import gc
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import IndexingFlowable, LayoutError
from reportlab.platypus.tableofcontents import TableOfContents

from qe_desktop import __version__
from qe_desktop.dates import format_date_fr
from qe_desktop.export.content import (
    COLOUR_HEX,
    Block,
    ExportDocument,
    ExportError,
    ExportQuestion,
    Note,
    Run,
)
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.paths import resources_dir
from qe_desktop.typography import NBSP, french

#: A colour number the table does not know (none today): drawn grey, as the reader does.
NO_COLOUR = "#e3e3e3"
SERIF = "QESerif"
SANS = "QESans"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 2.3 * cm
MARGIN_TOP = 2.4 * cm
MARGIN_BOTTOM = 2.2 * cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
INK = colors.HexColor("#1d1d1f")
QUIET = colors.HexColor("#5f6368")
RULE = colors.HexColor("#c9ccd1")
LINK = colors.HexColor("#1a5fb4")


@functools.cache
def register_fonts() -> None:
    """Register the shipped fonts with reportlab (once per process)."""
    folder = resources_dir() / "fonts"
    faces = {
        SERIF: "NotoSerif-Regular.ttf",
        f"{SERIF}-Bold": "NotoSerif-Bold.ttf",
        f"{SERIF}-Italic": "NotoSerif-Italic.ttf",
        f"{SERIF}-BoldItalic": "NotoSerif-BoldItalic.ttf",
        SANS: "NotoSans-Regular.ttf",
        f"{SANS}-Bold": "NotoSans-Bold.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        SERIF, normal=SERIF, bold=f"{SERIF}-Bold", italic=f"{SERIF}-Italic", boldItalic=f"{SERIF}-BoldItalic"
    )
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=f"{SANS}-Bold", italic=SANS, boldItalic=f"{SANS}-Bold"
    )


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=SERIF,
        fontSize=10.5,
        leading=15,
        alignment=TA_JUSTIFY,
        textColor=INK,
        spaceAfter=6,
        hyphenationLang="fr",
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
    )
    return {
        "body": body,
        "context": ParagraphStyle("context", parent=body, textColor=QUIET),
        "cover_title": ParagraphStyle(
            "cover_title", fontName=f"{SERIF}-Bold", fontSize=26, leading=32, textColor=INK, spaceAfter=14
        ),
        "cover_kind": ParagraphStyle(
            "cover_kind", fontName=SANS, fontSize=11, leading=14, textColor=QUIET, spaceAfter=28
        ),
        "cover_line": ParagraphStyle("cover_line", fontName=SERIF, fontSize=11, leading=16, textColor=INK),
        "cover_description": ParagraphStyle(
            "cover_description", parent=body, fontSize=11, leading=16, spaceBefore=18
        ),
        "section": ParagraphStyle(
            "section", fontName=f"{SANS}-Bold", fontSize=15, leading=19, textColor=INK, spaceAfter=12
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName=f"{SERIF}-Bold",
            fontSize=14.5,
            leading=18.5,
            textColor=INK,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title", fontName=SANS, fontSize=8.5, leading=11, textColor=QUIET, spaceAfter=2, keepWithNext=1
        ),
        "citation": ParagraphStyle(
            "citation",
            fontName=f"{SERIF}-Italic",
            fontSize=9.5,
            leading=13,
            textColor=INK,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "pane": ParagraphStyle(
            "pane",
            fontName=f"{SANS}-Bold",
            fontSize=10.5,
            leading=14,
            textColor=INK,
            spaceBefore=10,
            spaceAfter=2,
        ),
        "meta": ParagraphStyle(
            # Not kept with the next paragraph: a long answer would be moved whole to the next page,
            # leaving its heading alone (the pane's CondPageBreak keeps room for a few lines).
            "meta",
            fontName=SANS,
            fontSize=8,
            leading=11,
            textColor=QUIET,
            spaceAfter=6,
        ),
        "key_label": ParagraphStyle(
            "key_label", fontName=f"{SANS}-Bold", fontSize=7.8, leading=10, textColor=QUIET
        ),
        "key_value": ParagraphStyle("key_value", fontName=SERIF, fontSize=8.6, leading=11, textColor=INK),
        "cell": ParagraphStyle("cell", fontName=SANS, fontSize=7.6, leading=9.6, textColor=INK),
        "cell_head": ParagraphStyle(
            "cell_head", fontName=f"{SANS}-Bold", fontSize=7.6, leading=9.6, textColor=INK
        ),
        "note": ParagraphStyle(
            "note",
            fontName=SERIF,
            fontSize=9,
            leading=12.5,
            textColor=INK,
            leftIndent=16,
            firstLineIndent=-16,
            spaceAfter=4,
            hyphenationLang="fr",
        ),
        "toc": ParagraphStyle("toc", fontName=SERIF, fontSize=10, leading=13.5, leftIndent=0, rightIndent=30),
        "legend": ParagraphStyle("legend", fontName=SANS, fontSize=9, leading=12, textColor=INK),
        "missing": ParagraphStyle("missing", parent=body, fontName=f"{SERIF}-Italic", textColor=QUIET),
    }


def _esc(text: str) -> str:
    return html.escape(french(text), quote=False)


def _markup(runs: Sequence[Run], *, highlights: bool = True) -> str:
    """Paragraph markup for runs: highlights as coloured backgrounds, note numbers as superscripts."""
    out: list[str] = []
    for run in runs:
        text = _esc(run.text).replace("\n", "<br/>")
        if run.context:
            text = f'<font color="{QUIET.hexval()}">{text}</font>'
        if highlights and run.colour is not None:
            text = f'<span backColor="{COLOUR_HEX.get(run.colour, NO_COLOUR)}">{text}</span>'
        out.append(text)
        for number in run.notes:
            out.append(f'<super rise="3" size="7"><font color="{LINK.hexval()}">{number}</font></super>')
    return "".join(out)


# -- the document template -----------------------------------------------------------------


class _Heading(Paragraph):
    """A question's heading: an outline entry and a line of the table of contents where it lands."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, plain: str) -> None:
        super().__init__(text, style)
        self.key = key
        self.plain = plain


class _Text(Paragraph):
    """A paragraph of the sources' text or of a note, whose page split always fits the room left.

    reportlab 5.1 sometimes splits a paragraph holding inline markup (a highlight,
    a note's mark; hyphenated or not) into a first part taller than the room it
    was split for, which ends the whole export in a LayoutError.  Such a split is
    made again for one line less, until its first part fits.
    """

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if len(getattr(self, "frags", ())) <= 1:
            # Text in one style throughout: reportlab's split is right, no need to check it.
            return list(super().split(available_width, available_height))
        room = available_height
        for _ in range(4):
            parts: list[Flowable] = super().split(available_width, room)
            if len(parts) != 2 or parts[0].wrap(available_width, available_height)[1] <= available_height:
                return parts
            room -= self.style.leading
            if room < self.style.leading:
                break
        return []  # it goes whole to the next page


class _PageTotal(IndexingFlowable):
    """The number of pages, known after a pass: « page X / Y » prints the last pass's Y.

    An indexing flowable, so multiBuild makes passes until the count no longer
    changes (together with the table of contents).  Drawing the footers at the
    end instead (a canvas that keeps every page until it knows the count) would
    point every bookmark at the first page.
    """

    def __init__(self) -> None:
        super().__init__()
        self.previous = 0
        self.total = 0

    def beforeBuild(self) -> None:
        self.previous, self.total = self.total, 0

    def isSatisfied(self) -> bool:
        return self.previous == self.total

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        pass


class _Dossier(BaseDocTemplate):
    def __init__(
        self, path: Path, document: ExportDocument, progress: ProgressFn, cancelled: CancelFn
    ) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=document.title,
            author=document.author or "QE Desktop",
            subject=document.source,
            creator=f"QE Desktop {__version__}",
            lang="fr-FR",
            # Not Helvetica, which would be named in the PDF without being embedded.
            initialFontName=SERIF,
            initialFontSize=10,
        )
        self.document = document
        self.progress = progress
        self.cancelled = cancelled
        self.placed = 0
        self.page_total = _PageTotal()
        frame = Frame(
            MARGIN_X, MARGIN_BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="text"
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame]),
                PageTemplate(id="body", frames=[frame], onPage=self._header),
            ]
        )

    def afterPage(self) -> None:
        self.page_total.total = self.page

    def _header(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        if self.page_total.previous:
            canvas.setFont(SANS, 8)
            canvas.setFillColor(QUIET)
            canvas.drawCentredString(
                PAGE_WIDTH / 2, MARGIN_BOTTOM - 1.1 * cm, f"page {self.page} / {self.page_total.previous}"
            )
        canvas.setFont(SANS, 8)
        canvas.setFillColor(QUIET)
        y = PAGE_HEIGHT - MARGIN_TOP + 0.9 * cm
        canvas.drawString(MARGIN_X, y, _shorten(self.document.title, 90))
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, y, format_date_fr(self.document.made_on.isoformat()))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 4, PAGE_WIDTH - MARGIN_X, y - 4)
        canvas.restoreState()

    def beforeDocument(self) -> None:
        self.placed = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.plain, flowable.key, level=0, closed=True)
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page, flowable.key))
            self.placed += 1
            total = len(self.document.questions)
            self.progress(self.placed, total, f"Mise en page : {self.placed} / {total} questions")
            if self.cancelled():
                raise Cancelled


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- the story -------------------------------------------------------------------------------


def _cover(document: ExportDocument) -> list[Flowable]:
    s = styles()
    count = len(document.questions)
    lines = [
        f"Le {format_date_fr(document.made_on.isoformat())}",
        f"{count} question{'s' if count > 1 else ''}"
        + (f", {document.notes} note{'s' if document.notes > 1 else ''}" if document.notes else ""),
        document.source,
    ]
    if document.author:
        lines.insert(1, f"Préparé par {document.author}")
    story: list[Flowable] = [
        Spacer(1, 5.5 * cm),
        Paragraph(_esc(document.title), s["cover_title"]),
        Paragraph("Dossier de questions écrites — Assemblée nationale", s["cover_kind"]),
    ]
    story += [Paragraph(_esc(line), s["cover_line"]) for line in lines if line]
    if document.description.strip():
        for para in document.description.strip().split("\n\n"):
            story.append(Paragraph(_esc(para.strip()).replace("\n", "<br/>"), s["cover_description"]))
    return story


#: Every table's cells in an embedded font: reportlab's default cell font is Helvetica, which
#: would be named in the PDF (even by an empty cell) without being embedded.
CELL_FONT: tuple[Any, ...] = ("FONTNAME", (0, 0), (-1, -1), SERIF)


def _contents(document: ExportDocument) -> list[Flowable]:
    s = styles()
    toc = TableOfContents(
        dotsMinLevel=0, tableStyle=TableStyle([CELL_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    toc.levelStyles = [s["toc"]]
    story: list[Flowable] = [Paragraph("Sommaire", s["section"]), toc]
    if document.legend:
        story += [Spacer(1, 0.8 * cm), Paragraph("Légende des surlignages", s["pane"]), _legend(document)]
    return story


def _legend(document: ExportDocument) -> Table:
    s = styles()
    rows = [["", Paragraph(_esc(c.meaning), s["legend"])] for c in document.legend]
    table = Table(rows, colWidths=[0.9 * cm, TEXT_WIDTH - 0.9 * cm], hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        CELL_FONT,
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, c in enumerate(document.legend):
        commands.append(("BACKGROUND", (0, i), (0, i), colors.HexColor(COLOUR_HEX.get(c.number, NO_COLOUR))))
    table.setStyle(TableStyle(commands))
    return table


def _key_data(item: ExportQuestion) -> Table:
    s = styles()
    rows = []
    for datum in item.key_data:
        value = _esc(datum.value)
        if datum.href:
            value = f'<a href="{html.escape(datum.href, quote=True)}" color="{LINK.hexval()}">{value}</a>'
        rows.append([Paragraph(_esc(datum.label), s["key_label"]), Paragraph(value, s["key_value"])])
    table = Table(rows, colWidths=[3.6 * cm, TEXT_WIDTH - 3.6 * cm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
            ]
        )
    )
    return table


def _block(block: Block, highlights: bool) -> Flowable:
    s = styles()
    if not block.rows:
        style = s["body"]
        if block.label:
            prefix = f'<font name="{SANS}-Bold" size="8" color="{QUIET.hexval()}">{_esc(block.label)}{NBSP}: </font>'
            return _Text(prefix + _markup(block.runs, highlights=highlights), style)
        return _Text(_markup(block.runs, highlights=highlights), style)
    header, *rest = block.rows
    width = max(len(header), 1)
    data = [[Paragraph(_markup(cell, highlights=highlights), s["cell_head"]) for cell in header]]
    data += [[Paragraph(_markup(cell, highlights=highlights), s["cell"]) for cell in row] for row in rest]
    # A wide first column (the item's name), the figures sharing the rest.
    first = min(0.34, 1.8 / (width + 1)) * TEXT_WIDTH if width > 2 else TEXT_WIDTH / width
    others = (TEXT_WIDTH - first) / (width - 1) if width > 1 else TEXT_WIDTH
    table = Table(data, colWidths=[first] + [others] * (width - 1), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _note(note: Note) -> Paragraph:
    s = styles()
    text = f'<font color="{LINK.hexval()}">{note.number}.</font>{NBSP}'
    if note.orphan:
        text += f"<i>Passage introuvable dans le texte actuel</i>{NBSP}: "
    elif note.quote is None:
        text += f"<i>Sur la question</i>{NBSP}: "
    if note.quote:
        swatch = COLOUR_HEX.get(note.colour or 0)
        quote = f"« {_shorten(note.quote, 160)} »"
        text += f'<span backColor="{swatch}">{_esc(quote)}</span> — ' if swatch else f"{_esc(quote)} — "
    text += _esc(note.text).replace("\n\n", "<br/><br/>").replace("\n", "<br/>") if note.text else ""
    if note.tags:
        text += f' <font color="{QUIET.hexval()}">({_esc(", ".join(note.tags))})</font>'
    return _Text(text, s["note"])


def _pane(label: str) -> list[Flowable]:
    """A pane's heading, moved to the next page rather than left alone at the bottom of one."""
    return [CondPageBreak(3 * cm), Paragraph(label, styles()["pane"])]


def _question(item: ExportQuestion, index: int, document: ExportDocument) -> list[Flowable]:
    s = styles()
    options = document.options
    story: list[Flowable] = [
        _Heading(_esc(item.heading), s["heading"], f"q{index}", _shorten(item.heading, 120)),
        Paragraph(_esc(item.title), s["title"]),
        Paragraph(_esc(item.citation), s["citation"]),
    ]
    if item.key_data:
        story += [_key_data(item), Spacer(1, 6)]
    if item.excerpts:
        story += _pane("Extraits")
        story += [_block(b, options.highlights) for b in item.excerpts]
    elif not options.excerpts_only:
        story += _pane("Question")
        if item.question_blocks:
            story += [_block(b, options.highlights) for b in item.question_blocks]
        else:
            story.append(Paragraph(item.MISSING_QUESTION, s["missing"]))
        if options.answer:
            story += _pane("Réponse")
            if item.answer_meta:
                story.append(Paragraph(_esc(item.answer_meta), s["meta"]))
            if item.answer_blocks:
                story += [_block(b, options.highlights) for b in item.answer_blocks]
            else:
                story.append(Paragraph(item.missing_answer, s["missing"]))
    if item.notes:
        story += _pane("Notes")
        story += [_note(n) for n in item.notes]
    if item.url:
        url = html.escape(item.url, quote=True)
        story.append(
            Paragraph(
                f'Page officielle{NBSP}: <a href="{url}" color="{LINK.hexval()}">{html.escape(item.url)}</a>',
                s["meta"],
            )
        )
    return story


def write_pdf(document: ExportDocument, path: Path, progress: ProgressFn, cancelled: CancelFn) -> None:
    """Lay ``document`` out into a PDF at ``path`` (the caller renames it into place)."""
    register_fonts()
    doc = _Dossier(path, document, progress, cancelled)
    story: list[Flowable] = [doc.page_total, *_cover(document), NextPageTemplate("body"), PageBreak()]
    story += _contents(document)
    for index, item in enumerate(document.questions):
        if cancelled():
            raise Cancelled
        story += [PageBreak(), *_question(item, index, document)]
    # The table of contents starts with its lines (page numbers unknown, 0): the first pass lays
    # everything out at its final place, the second one prints the numbers it found and confirms
    # them (three passes otherwise, each as long as the whole layout).
    toc = next(f for f in story if isinstance(f, TableOfContents))
    toc._entries = [(0, f.getPlainText(), 0, f.key) for f in story if isinstance(f, _Heading)]
    # Platypus makes millions of small objects and few cycles: the cyclic collector, run again and
    # again over a growing heap, took a fifth of the time of a large dossier.  It is paused during
    # the layout (for the whole process: an export is seconds long) and runs once after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        doc.multiBuild(story)
    except LayoutError as exc:
        # The questions are laid out in order: the last heading placed is the one that failed.
        where = document.questions[max(doc.placed - 1, 0)].question.reference if document.questions else "?"
        raise ExportError(
            f"La mise en page PDF de la question {where} a échoué ({str(exc).splitlines()[0]}). "
            "Essayez l'export Markdown ou ODT de cette question, ou sans ses surlignages."
        ) from exc
    finally:
        if collecting:
            gc.enable()
            gc.collect()
