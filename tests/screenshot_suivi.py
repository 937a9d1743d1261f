"""Screenshot of the Suivi view, offscreen, into docs/screenshots/suivi.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshot_suivi.py [OUT.png]

An empty data folder (the sample is imported), four real deputies of the sample as « Mes
députés », the day taken as 10 June 2025.  The written question QANR5L17QE5268 is first
imported as it stood before its answer, then as the real record (answered on 3 June 2025): the
notice says « 1 nouvelle réponse » and the row is marked.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "data" / "an_json" / "QANR5L17QE5268.json"


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from PySide6.QtCore import Qt
    from screenshots import wait_until

    from qe_desktop.paths import DataPaths
    from qe_desktop.ui.app import application
    from qe_desktop.ui.main_window import MainWindow
    from qe_desktop.ui.settings import MyDeputy

    application()
    work = Path(tempfile.mkdtemp())
    window = MainWindow(DataPaths(work / "data"), today=date(2025, 6, 10))
    window.resize(1400, 900)
    window.show()
    window.start()
    wait_until(lambda: window.reader.shown is not None and window.user_state is not None, 300)
    window.settings.my_deputies = [
        MyDeputy("PA721764", "Mme Olivia Grégoire"),
        MyDeputy("PA720614", "Mme Marine Le Pen"),
        MyDeputy(None, "M. Guy Teissier"),
        MyDeputy(None, "Mme Marie-Hélène Aubert"),
    ]
    suivi = window.suivi

    def loaded_after(token: int) -> bool:
        return suivi.last is not None and suivi.last.token > token

    token = suivi.jobs.load_token
    suivi.reload()
    wait_until(lambda: loaded_after(token))

    record = json.loads(RECORD.read_text(encoding="utf-8"))
    record["question"]["textesReponse"] = None
    record["question"]["cloture"] = None
    before = work / "avant" / RECORD.name
    before.parent.mkdir()
    before.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    for path in (before, RECORD):
        token = suivi.jobs.load_token
        window.import_paths([path])
        wait_until(lambda t=token: loaded_after(t), 120)
        if window.import_dialog is not None:
            window.import_dialog.close()
    window.banner.hide()
    suivi.dock.show()
    window.resizeDocks([suivi.dock], [520], Qt.Orientation.Vertical)
    wait_until(lambda: True)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "suivi.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
