"""Screenshot of annotating in the reader, offscreen, into docs/screenshots/annotations-reader.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshot_annotations.py [OUT.png]

A real question of the sample (an empty data folder: the sample is imported) with highlights
of several colours in both panes (one with a search match inside it, two with a note mark),
a note on the whole question, and the results list's mark for it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
UID = "QANR5L13QE101851"


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from screenshots import similar_listed, wait_until

    from qe_desktop.annotations.edits import PutAnnotation, PutDossier, new_annotation, new_id, now_iso
    from qe_desktop.model import Dossier, Pane
    from qe_desktop.paths import DataPaths
    from qe_desktop.ui.app import application
    from qe_desktop.ui.main_window import MainWindow

    application()
    window = MainWindow(DataPaths(Path(tempfile.mkdtemp()) / "data"))
    window.resize(1400, 900)
    window.show()
    window.start()
    wait_until(lambda: window.reader.shown is not None and window.user_state is not None, 300)
    window.search_bar.set_text("torture")
    window.run_search()
    wait_until(lambda: window.reader.shown is not None and window.reader.shown.query == "torture")
    window.open_question(UID)
    wait_until(lambda: window.reader.shown is not None and window.reader.shown.question.uid == UID)
    assert window.reader.shown is not None
    q = window.reader.shown.question

    def put(pane: Pane, words: str, colour: int, note: str = "", tags: tuple[str, ...] = ()) -> None:
        text = (q.question_text if pane == "question" else q.answer_text) or ""
        start = text.index(words)
        annotation = new_annotation(q, pane, start, start + len(words), colour=colour, note=note, tags=tags)
        window.do_edit(PutAnnotation(annotation), "Surligner")

    put("question", "violations des droits humains au Kazakhstan", 1)
    put(
        "question",
        "le caractère généralisé de la torture",
        3,
        "Chiffre d'Amnesty à retrouver dans le rapport 2010.\n\nComparer avec 2008.",
        ("Amnesty",),
    )
    put("answer", "la lutte contre la torture", 1)
    put(
        "answer",
        "nous rappelons clairement aux autorités kazakhes",
        4,
        "Formule reprise dans d'autres réponses.",
    )
    put("answer", "situation précaire de certains réfugiés", 5)
    note = "À citer dans la note pour la commission des affaires étrangères (réunion du 12 décembre)."
    window.do_edit(PutAnnotation(new_annotation(q, None, note=note, tags=("commission",))), "Note")
    dossier = Dossier(
        new_id(), "Commission des affaires étrangères", items=(UID,), created=now_iso(), modified=now_iso()
    )
    window.do_edit(PutDossier(dossier), "Dossier")
    window.content_split.setSizes([190, 700])
    window.banner.hide()
    wait_until(lambda: window.reader.shown is not None and len(window.reader.shown.annotations) == 6, 60)
    wait_until(lambda: similar_listed(window), 60)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "annotations-reader.png"
    window.grab().save(str(out))
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
