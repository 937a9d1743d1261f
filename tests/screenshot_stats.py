"""Screenshot of the « Statistiques » dock, offscreen, into docs/screenshots/statistiques.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshot_stats.py [OUT.png]

The sample corpus (an empty data folder: the sample is imported), its written questions (the
filter Type : Questions écrites; the QG are answered in the session) per ministry, the
ministries' successive names grouped: the table and the three charts.
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

    application()
    window = MainWindow(DataPaths(Path(tempfile.mkdtemp()) / "data"))
    window.resize(1400, 900)
    window.show()
    window.start()
    wait_until(lambda: window.reader.shown is not None, 300)
    stats = window.statistics
    stats.action.trigger()
    wait_until(lambda: stats.last is not None)
    window.filters.append(("type", "QE"))
    window.run_search()
    wait_until(
        lambda: (
            stats.last is not None
            and stats.last.asked.request is not None
            and bool(stats.last.asked.request.filters)
        )
    )
    stats.panel.grouped.setChecked(True)
    wait_until(lambda: stats.last is not None and stats.last.asked.grouped)
    stats.dock.setFloating(True)
    stats.dock.resize(1300, 760)
    wait_until(lambda: True, 1)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "statistiques.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    stats.panel.grab().save(str(out))
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
