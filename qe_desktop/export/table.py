"""The export as a table (CSV) for a spreadsheet: one row per question, its facts, its notes.

French spreadsheets (LibreOffice Calc, Excel set to French) read a semicolon-
separated file in UTF-8 when it starts with a byte-order mark; dates are written
ISO (``2024-03-12``), which both recognise as dates.  Every field is quoted when
it needs it (the csv module), texts keep their paragraphs (quoted newlines).
A cell that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``
first) is prefixed with an apostrophe: a question's text is data, never a
formula to run.
"""

from __future__ import annotations

import csv
from pathlib import Path

from qe_desktop.export.content import ExportDocument, ExportQuestion
from qe_desktop.jobs import CancelFn, Cancelled, ProgressFn
from qe_desktop.render import days_to_answer, status_text

COLUMNS = (
    "Référence",
    "Chambre",
    "Législature",
    "Type",
    "Numéro",
    "Analyse",
    "Rubrique",
    "Auteur",
    "Groupe",
    "Circonscription",
    "Ministère interrogé",
    "Ministère attributaire",
    "Date de la question",
    "Page JO question",
    "Date de la réponse",
    "Page JO réponse",
    "Statut",
    "Délai de réponse (jours)",
    "Signalement",
    "Annotations",
    "Notes",
    "Citation",
    "Page officielle",
    "Texte de la question",
    "Texte de la réponse",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet shows as text: never run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _notes(item: ExportQuestion) -> str:
    lines = []
    for note in item.notes:
        where = "passage introuvable : " if note.orphan else ""
        quote = f"« {note.quote} » — " if note.quote else ""
        tags = f" ({', '.join(note.tags)})" if note.tags else ""
        lines.append(f"[{note.number}] {where}{quote}{note.text}{tags}".rstrip())
    return "\n".join(lines)


def row(item: ExportQuestion, document: ExportDocument) -> list[str]:
    """The cells of one question, in the order of :data:`COLUMNS`."""
    q = item.question
    options = document.options
    values: list[object] = [
        q.reference,
        q.chamber,
        q.legislature,
        q.type,
        q.number,
        item.heading,
        q.rubrique,
        q.author,
        q.group,
        q.constituency,
        q.ministry_asked,
        q.ministry_answering,
        q.question_date,
        q.question_page,
        q.answer_date,
        q.answer_page,
        status_text(q, document.made_on),
        days_to_answer(q),
        q.signal_date,
        item.annotations,
        _notes(item) if options.notes else "",
        item.citation,
        item.url,
        q.question_text if not options.excerpts_only else "",
        q.answer_text if options.answer and not options.excerpts_only else "",
    ]
    return [spreadsheet_cell(v) for v in values]


def write_csv(document: ExportDocument, path: Path, progress: ProgressFn, cancelled: CancelFn) -> None:
    count = len(document.questions)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for done, item in enumerate(document.questions, start=1):
            if cancelled():
                raise Cancelled
            writer.writerow(row(item, document))
            progress(done, count, f"Écriture : {done} / {count} questions")
