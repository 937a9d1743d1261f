"""Screenshot of answers given many times, offscreen, into docs/screenshots/reponses-identiques.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshot_same_answer.py [OUT.png]

The sample corpus and two more questions that received the real answer of QE 5268 (as the
tests make them): the results grouped by identical answer, and the reader's « Même réponse que »
unfolded on QE 5268.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from screenshots import wait_until

    from qe_desktop.paths import DataPaths
    from qe_desktop.ui.app import application
    from qe_desktop.ui.main_window import MainWindow

    from conftest import write_official_questions

    application()
    root = Path(tempfile.mkdtemp())
    window = MainWindow(DataPaths(root / "data"))
    window.resize(1400, 900)
    window.show()
    window.start()
    wait_until(lambda: window.reader.shown is not None, 300)
    copies = write_official_questions(root / "copies", 2, start_number=90001)
    reported: list[object] = []
    window.import_reported.connect(reported.append)
    window.import_paths([copies])
    wait_until(lambda: bool(reported), 120)
    assert window.import_dialog is not None
    window.import_dialog.close()
    found: list[object] = []
    window.grouped_results.shown.connect(found.append)
    window.act_group_answers.trigger()
    wait_until(lambda: bool(found))
    window.grouped_results.view.tree.expandAll()
    window.open_question("QANR5L17QE5268")
    # Shown again after the import: with the two other questions that received its answer.
    wait_until(lambda: window.reader.shown is not None and bool(window.reader.shown.same_answer))
    window.reader.same_answer.toggle.setChecked(True)
    wait_until(lambda: True, 1)
    out = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "reponses-identiques.png"
    )
    window.grab().save(str(out))
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
