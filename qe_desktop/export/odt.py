"""The export as an OpenDocument text (LibreOffice Writer, Word): a document to go on editing.

Built with odfpy (the OpenDocument element tree, validated names), with real
styles, so that the assistant can restyle the whole document at once: « Titre »,
« Titre 1 » for each question (the navigator and a table of contents find
them), « Titre 2 » for « Question » and « Réponse », « Corps de texte »
justified.  Highlights are character styles with their colour as background
(one per colour, named after its meaning); notes are real footnotes whose mark
is the number the PDF prints, so both can be cited side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from odf.opendocument import OpenDocumentText
from odf.style import (
    FontFace,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import A, H, LineBreak, Note, NoteBody, NoteCitation, P, S, Span, Tab

from qe_desktop.dates import format_date_fr
from qe_desktop.export.content import COLOUR_HEX, Block, ExportDocument, ExportQuestion, Run
from qe_desktop.export.content import Note as ExportNote
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.typography import french

SERIF = "Noto Serif"
SANS = "Noto Sans"


class _Styles:
    """The document's styles, made once."""

    def __init__(self, doc: OpenDocumentText, document: ExportDocument) -> None:
        for name, family in ((SERIF, "roman"), (SANS, "swiss")):
            doc.fontfacedecls.addElement(
                FontFace(name=name, fontfamily=f"'{name}'", fontfamilygeneric=family, fontpitch="variable")
            )
        styles = doc.styles
        auto = doc.automaticstyles

        def paragraph(name: str, display: str, parent: str | None = None, **props: Any) -> Style:
            text_props = {k[5:]: v for k, v in props.items() if k.startswith("text_")}
            para_props = {k[5:]: v for k, v in props.items() if k.startswith("para_")}
            s = Style(name=name, displayname=display, family="paragraph")
            if parent:
                s.setAttribute("parentstylename", parent)
            if para_props:
                s.addElement(ParagraphProperties(**para_props))
            if text_props:
                s.addElement(TextProperties(**text_props))
            styles.addElement(s)
            return s

        paragraph(
            "Standard",
            "Par défaut",
            text_fontname=SERIF,
            text_fontsize="10.5pt",
            text_language="fr",
            text_country="FR",
        )
        self.body = paragraph(
            "Text_20_body",
            "Corps de texte",
            "Standard",
            para_textalign="justify",
            para_marginbottom="0.2cm",
            para_lineheight="125%",
        )
        self.title = paragraph(
            "Title",
            "Titre",
            "Standard",
            text_fontname=SANS,
            text_fontsize="20pt",
            text_fontweight="bold",
            para_marginbottom="0.3cm",
        )
        self.subtitle = paragraph(
            "Subtitle",
            "Sous-titre",
            "Standard",
            text_fontname=SANS,
            text_fontsize="11pt",
            text_color="#555555",
        )
        self.h1 = paragraph(
            "Heading_20_1",
            "Titre 1",
            "Standard",
            text_fontname=SANS,
            text_fontsize="14pt",
            text_fontweight="bold",
            text_color="#1f3b5c",
            para_margintop="0.6cm",
            para_marginbottom="0.15cm",
            para_keepwithnext="always",
            para_breakbefore="page",
        )
        self.h1.setAttribute("defaultoutlinelevel", "1")
        self.h2 = paragraph(
            "Heading_20_2",
            "Titre 2",
            "Standard",
            text_fontname=SANS,
            text_fontsize="11pt",
            text_fontweight="bold",
            para_margintop="0.35cm",
            para_marginbottom="0.1cm",
            para_keepwithnext="always",
        )
        self.h2.setAttribute("defaultoutlinelevel", "2")
        self.citation = paragraph(
            "Citation",
            "Citation",
            "Standard",
            text_fontstyle="italic",
            text_color="#444444",
            para_marginbottom="0.25cm",
        )
        self.small = paragraph("Table_20_Contents", "Contenu de tableau", "Standard", text_fontsize="9pt")
        self.footnote = paragraph("Footnote", "Note de bas de page", "Standard", text_fontsize="9pt")
        self.quote = paragraph(
            "Quotations",
            "Citations",
            "Standard",
            para_marginleft="0.6cm",
            para_borderleft="0.06cm solid #9aa5b1",
            para_padding="0.15cm",
            text_color="#333333",
        )
        bold = Style(name="Strong_20_Emphasis", displayname="Accentuation forte", family="text")
        bold.addElement(TextProperties(fontweight="bold"))
        styles.addElement(bold)
        self.bold = bold
        context = Style(name="Excerpt_20_context", displayname="Contexte d'extrait", family="text")
        context.addElement(TextProperties(color="#6b7280"))
        styles.addElement(context)
        self.context = context
        meanings = {c.number: c.meaning for c in document.legend}
        self.colours: dict[int, Style] = {}
        for number, hexa in COLOUR_HEX.items():
            meaning = meanings.get(number, f"Couleur {number}")
            s = Style(
                name=f"Surlignage_20_{number}", displayname=f"Surlignage {number} — {meaning}", family="text"
            )
            s.addElement(TextProperties(backgroundcolor=hexa))
            styles.addElement(s)
            self.colours[number] = s
        self.table = Style(name="KeyTable", family="table")
        self.table.addElement(
            TableProperties(width="16cm", align="left", margintop="0.1cm", marginbottom="0.3cm")
        )
        auto.addElement(self.table)
        self.label_col = Style(name="KeyTable.A", family="table-column")
        self.label_col.addElement(TableColumnProperties(columnwidth="4.5cm"))
        auto.addElement(self.label_col)
        self.value_col = Style(name="KeyTable.B", family="table-column")
        self.value_col.addElement(TableColumnProperties(columnwidth="11.5cm"))
        auto.addElement(self.value_col)
        self.cell = Style(name="KeyTable.cell", family="table-cell")
        self.cell.addElement(TableCellProperties(padding="0.05cm", border="0.5pt solid #c8ced6"))
        auto.addElement(self.cell)
        self.head_cell = Style(name="KeyTable.head", family="table-cell")
        self.head_cell.addElement(
            TableCellProperties(padding="0.05cm", border="0.5pt solid #c8ced6", backgroundcolor="#eef1f5")
        )
        auto.addElement(self.head_cell)


def _add_text(parent: Any, text: str) -> None:
    """Text with its line breaks, tabs and runs of spaces as OpenDocument wants them."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            parent.addElement(LineBreak())
        pieces = line.split("\t")
        for j, piece in enumerate(pieces):
            if j:
                parent.addElement(Tab())
            _add_spaces(parent, piece)


def _add_spaces(parent: Any, text: str) -> None:
    # A run of spaces collapses in OpenDocument unless written as text:s.
    out = ""
    i = 0
    while i < len(text):
        if text[i] == " " and i + 1 < len(text) and text[i + 1] == " ":
            j = i
            while j < len(text) and text[j] == " ":
                j += 1
            parent.addText(out + " ")
            out = ""
            parent.addElement(S(c=j - i - 1))
            i = j
            continue
        out += text[i]
        i += 1
    if out:
        parent.addText(out)


class _Writer:
    def __init__(self, document: ExportDocument) -> None:
        self.document = document
        self.doc = OpenDocumentText()
        self.styles = _Styles(self.doc, document)
        self.notes: dict[int, ExportNote] = {}
        self.tables = 0

    def para(self, style: Style, text: str = "") -> P:
        p = P(stylename=style)
        if text:
            _add_text(p, french(text))
        self.doc.text.addElement(p)
        return p

    def footnote(self, parent: Any, number: int) -> None:
        note = self.notes.get(number)
        if note is None:
            return
        element = Note(id=f"note{number}", noteclass="footnote")
        element.addElement(NoteCitation(label=str(number), text=str(number)))
        body = NoteBody()
        p = P(stylename=self.styles.footnote)
        if note.orphan:
            p.addElement(Span(stylename=self.styles.bold, text="Passage introuvable dans le texte actuel. "))
        if note.quote:
            _add_text(p, french(f"« {note.quote} » — "))
        paragraphs = note.text.split("\n\n") if note.text else [""]
        _add_text(p, french(paragraphs[0]))
        if note.tags and len(paragraphs) == 1:
            _add_text(p, french(f" ({', '.join(note.tags)})"))
        body.addElement(p)
        for i, more in enumerate(paragraphs[1:], start=2):
            q = P(stylename=self.styles.footnote)
            _add_text(q, french(more))
            if note.tags and i == len(paragraphs):
                _add_text(q, french(f" ({', '.join(note.tags)})"))
            body.addElement(q)
        element.addElement(body)
        parent.addElement(element)

    def runs(self, parent: Any, runs: Sequence[Run]) -> None:
        for run in runs:
            text = french(run.text)
            if run.colour is not None and self.document.options.highlights:
                span = Span(stylename=self.styles.colours[run.colour])
                _add_text(span, text)
                parent.addElement(span)
            elif run.context:
                span = Span(stylename=self.styles.context)
                _add_text(span, text)
                parent.addElement(span)
            else:
                _add_text(parent, text)
            for number in run.notes:
                self.footnote(parent, number)

    def block(self, block: Block) -> None:
        if not block.rows:
            p = self.para(self.styles.quote if block.label else self.styles.body)
            if block.label:
                p.addElement(Span(stylename=self.styles.bold, text=f"{block.label} : "))
            self.runs(p, block.runs)
            return
        width = max(len(r) for r in block.rows)
        self.tables += 1
        table = Table(name=f"Tableau{self.tables}")
        table.addElement(TableColumn(numbercolumnsrepeated=width))
        for i, row in enumerate(block.rows):
            tr = TableRow()
            for cell in row:
                tc = TableCell(
                    stylename=self.styles.head_cell if i == 0 else self.styles.cell, valuetype="string"
                )
                p = P(stylename=self.styles.small)
                self.runs(p, cell)
                tc.addElement(p)
                tr.addElement(tc)
            table.addElement(tr)
        self.doc.text.addElement(table)

    def key_data(self, item: ExportQuestion) -> None:
        table = Table(name=f"Données{item.question.uid}", stylename=self.styles.table)
        table.addElement(TableColumn(stylename=self.styles.label_col))
        table.addElement(TableColumn(stylename=self.styles.value_col))
        for datum in item.key_data:
            tr = TableRow()
            label = TableCell(stylename=self.styles.head_cell, valuetype="string")
            label.addElement(P(stylename=self.styles.small, text=french(datum.label)))
            value = TableCell(stylename=self.styles.cell, valuetype="string")
            p = P(stylename=self.styles.small)
            if datum.href:
                p.addElement(A(href=datum.href, text=datum.value))
            else:
                _add_text(p, french(datum.value))
            value.addElement(p)
            tr.addElement(label)
            tr.addElement(value)
            table.addElement(tr)
        self.doc.text.addElement(table)

    def question(self, item: ExportQuestion) -> None:
        options = self.document.options
        self.notes = {n.number: n for n in item.notes}
        h = H(outlinelevel=1, stylename=self.styles.h1)
        _add_text(h, french(item.heading))
        for n in item.notes:
            if n.quote is None and not n.orphan:
                self.footnote(h, n.number)
        self.doc.text.addElement(h)
        self.para(self.styles.subtitle, item.title)
        self.para(self.styles.citation, item.citation)
        if item.key_data:
            self.key_data(item)
        if item.excerpts:
            self.heading2("Extraits")
            for block in item.excerpts:
                self.block(block)
        elif not options.excerpts_only:
            self.heading2("Question")
            if not item.question_blocks:
                self.para(self.styles.body, item.MISSING_QUESTION)
            for block in item.question_blocks:
                self.block(block)
            if options.answer:
                self.heading2("Réponse")
                if item.answer_meta:
                    self.para(self.styles.citation, item.answer_meta)
                if not item.answer_blocks:
                    self.para(self.styles.body, item.missing_answer)
                for block in item.answer_blocks:
                    self.block(block)
        orphans = [n for n in item.notes if n.orphan]
        if orphans:
            self.heading2("Passages introuvables")
            p = self.para(self.styles.body, "Annotations dont le passage n'est plus dans le texte actuel : ")
            for n in orphans:
                self.footnote(p, n.number)

    def heading2(self, text: str) -> None:
        h = H(outlinelevel=2, stylename=self.styles.h2, text=text)
        self.doc.text.addElement(h)

    def cover(self) -> None:
        d = self.document
        count = len(d.questions)
        self.para(self.styles.title, d.title)
        self.para(
            self.styles.subtitle,
            f"Dossier de questions écrites — {format_date_fr(d.made_on.isoformat())}"
            + (f" — préparé par {d.author}" if d.author else "")
            + f" — {count} question{'s' if count > 1 else ''}",
        )
        self.para(self.styles.body, d.source)
        for paragraph in d.description.strip().split("\n"):
            if paragraph.strip():
                self.para(self.styles.quote, paragraph.strip())
        if d.legend:
            p = self.para(self.styles.body)
            p.addElement(Span(stylename=self.styles.bold, text="Surlignages : "))
            for i, c in enumerate(d.legend):
                if i:
                    p.addText(", ")
                span = Span(stylename=self.styles.colours[c.number])
                _add_text(span, french(c.meaning))
                p.addElement(span)
        self.doc.meta.addElement(_meta_title(d.title))


def _meta_title(title: str) -> Any:
    from odf.dc import Title

    return Title(text=title)


def write_odt(document: ExportDocument, path: Path, progress: ProgressFn, cancelled: CancelFn) -> None:
    writer = _Writer(document)
    writer.cover()
    count = len(document.questions)
    for done, item in enumerate(document.questions, start=1):
        if cancelled():
            raise Cancelled
        writer.question(item)
        progress(done, count, f"Écriture : {done} / {count} questions")
    writer.doc.save(str(path))
