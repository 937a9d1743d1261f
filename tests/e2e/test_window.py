"""The window as the packaged app checks itself: ``qe-desktop --smoke-test`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_smoke_test_imports_the_sample_searches_and_shows_a_question(tmp_path: Path) -> None:
    data_dir = tmp_path / "donnees"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "qe_desktop", "--data-dir", str(data_dir), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,  # no display: the smoke test must go offscreen by itself
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test : Corpus : 581 questions" in result.stdout
    assert "question QANR5L" in result.stdout
    assert (data_dir / "corpus.sqlite").is_file()
    assert (data_dir / "qe-desktop.log").is_file()
    ini = data_dir / "qe-desktop.ini"
    assert "geometry" not in (ini.read_text(encoding="utf-8") if ini.exists() else "")  # layout left alone
