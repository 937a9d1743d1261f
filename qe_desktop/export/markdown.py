"""The export as Markdown: the same content as the PDF, for a text editor or a wiki.

Highlights are ``==passage==`` followed by their colour's meaning in italics,
notes are footnotes (``[^1]``) defined at the end of their question, the
citation line stands under each heading, the tables of old answers are
Markdown tables (as the sources lay them out).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from qe_desktop.dates import format_date_fr
from qe_desktop.export.content import Block, ExportDocument, ExportQuestion, Note, Run
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.typography import french

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _esc(text: str) -> str:
    """Text with Markdown's marks escaped (and a leading # or > kept as text)."""
    escaped = _SPECIAL.sub(r"\\\1", french(text))
    return re.sub(r"(?m)^([#>+-])", r"\\\1", escaped)


def _runs(runs: Sequence[Run], meanings: dict[int, str], highlights: bool) -> str:
    out: list[str] = []
    for run in runs:
        text = _esc(run.text).replace("\n", "  \n")
        if highlights and run.colour is not None and text.strip():
            text = f"=={text}=="
            meaning = meanings.get(run.colour)
            if meaning:
                text += f" _({_esc(meaning)})_"
        out.append(text)
        out.extend(f"[^{n}]" for n in run.notes)
    return "".join(out)


def _block(block: Block, meanings: dict[int, str], highlights: bool) -> str:
    if not block.rows:
        text = _runs(block.runs, meanings, highlights)
        return f"**{_esc(block.label)}** : {text}" if block.label else text
    header, *rows = block.rows
    lines = [
        "| " + " | ".join(_runs(cell, meanings, highlights) for cell in header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(_runs(cell, meanings, highlights) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _note(note: Note) -> str:
    parts: list[str] = []
    if note.orphan:
        parts.append("_Passage introuvable dans le texte actuel_ :")
    elif note.quote is None:
        parts.append("_Sur la question_ :")
    if note.quote:
        parts.append(f"« {_esc(note.quote)} » —")
    if note.text:
        parts.append(_esc(note.text).replace("\n\n", "\n    \n    ").replace("\n", "\n    "))
    if note.tags:
        parts.append(f"({_esc(', '.join(note.tags))})")
    return f"[^{note.number}]: " + " ".join(parts)


def _question(item: ExportQuestion, document: ExportDocument, meanings: dict[int, str]) -> str:
    options = document.options
    lines = [f"## {_esc(item.heading)}", "", f"_{_esc(item.title)}_  ", f"{_esc(item.citation)}", ""]
    if item.key_data:
        lines += [f"- **{_esc(d.label)}** : {_esc(d.value)}" for d in item.key_data]
        lines.append("")
    if item.excerpts:
        lines += ["### Extraits", ""]
        for block in item.excerpts:
            lines += [_block(block, meanings, options.highlights), ""]
    elif not options.excerpts_only:
        lines += ["### Question", ""]
        for block in item.question_blocks or (Block(runs=(Run(item.MISSING_QUESTION),)),):
            lines += [_block(block, meanings, options.highlights), ""]
        if options.answer:
            lines += ["### Réponse", ""]
            if item.answer_meta:
                lines += [f"_{_esc(item.answer_meta)}_", ""]
            for block in item.answer_blocks:
                lines += [_block(block, meanings, options.highlights), ""]
            if not item.answer_blocks:
                lines += [f"_{item.missing_answer}_", ""]
    if item.url:
        lines += [f"Page officielle : <{item.url}>", ""]
    whole = [n for n in item.notes if n.quote is None and not n.orphan]
    if whole:
        # A note on the whole question has no passage to carry its mark: the mark goes here.
        lines += ["Notes sur la question : " + " ".join(f"[^{n.number}]" for n in whole), ""]
    orphans = [n for n in item.notes if n.orphan]
    if orphans:
        lines += ["Passages introuvables : " + " ".join(f"[^{n.number}]" for n in orphans), ""]
    lines += [_note(n) for n in item.notes]
    if item.notes:
        lines.append("")
    return "\n".join(lines)


def write_markdown(document: ExportDocument, path: Path, progress: ProgressFn, cancelled: CancelFn) -> None:
    meanings = {c.number: c.meaning for c in document.legend}
    count = len(document.questions)
    head = [
        f"# {_esc(document.title)}",
        "",
        f"Dossier de questions écrites — {format_date_fr(document.made_on.isoformat())}"
        + (f" — préparé par {_esc(document.author)}" if document.author else "")
        + f" — {count} question{'s' if count > 1 else ''}",
        "",
        _esc(document.source),
        "",
    ]
    if document.description.strip():
        head += ["> " + _esc(document.description.strip()).replace("\n", "\n> "), ""]
    if document.legend:
        head += ["Surlignages : " + ", ".join(f"=={_esc(c.meaning)}==" for c in document.legend), ""]
    parts = ["\n".join(head)]
    for done, item in enumerate(document.questions, start=1):
        if cancelled():
            raise Cancelled
        parts.append(_question(item, document, meanings))
        progress(done, count, f"Écriture : {done} / {count} questions")
    path.write_text("\n".join(parts), encoding="utf-8")
