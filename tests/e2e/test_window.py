"""The app as the bundle checks itself: ``qe-desktop --smoke-test`` in a subprocess, from source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STEPS = (
    "import du corpus d'exemple",
    "reconstruction de l'index en parallèle",
    "recherche",
    "ouverture d'une question dans la fenêtre",
    "annotation dans la fenêtre",
    "export PDF",
    "contrôle du PDF",
)


def _smoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:  # no display: the smoke test must go offscreen by itself
        env = {
            k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
        }
    return subprocess.run(
        [sys.executable, "-m", "qe_desktop", "--smoke-test", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_smoke_test_passes_every_step_in_a_data_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "donnees"
    result = _smoke("--data-dir", str(data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert f"  ok  {step} (" in result.stdout
    assert "581 questions dans le corpus" in result.stdout
    assert "581 questions indexées" in result.stdout
    assert "Contrôle réussi" in result.stdout
    assert "Type 3" not in result.stdout
    assert (data_dir / "corpus.sqlite").is_file()
    assert (data_dir / "user.sqlite").is_file()
    log = (data_dir / "qe-desktop.log").read_text(encoding="utf-8")
    assert "QE Desktop 0.1.0 (depuis les sources" in log.splitlines()[0]
    ini = data_dir / "qe-desktop.ini"
    assert "geometry" not in (ini.read_text(encoding="utf-8") if ini.exists() else "")  # layout left alone


def test_a_failing_step_is_named_and_exits_non_zero(tmp_path: Path) -> None:
    # A data folder whose corpus is not a database: the first step fails, in French, no traceback.
    data_dir = tmp_path / "donnees"
    data_dir.mkdir()
    (data_dir / "corpus.sqlite").write_bytes(b"ceci n'est pas une base SQLite" * 100)
    result = _smoke("--data-dir", str(data_dir))
    assert result.returncode == 1
    assert "Échec à l'étape « import du corpus d'exemple » : " in result.stderr
    assert "Traceback" not in result.stderr
    assert "Contrôle réussi" not in result.stdout
