"""Annotation writes killed with SIGKILL at random moments: the database is sound and holds every
edit acknowledged before the kill.  The same rounds as ``python -m benchmarks.kill_annotations``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT


def _kill_annotations() -> ModuleType:
    # benchmarks/ is not on the test path: load the module from its file.
    spec = importlib.util.spec_from_file_location(
        "benchmarks.kill_annotations", ROOT / "benchmarks" / "kill_annotations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("benchmarks.kill_annotations", module)
    spec.loader.exec_module(module)
    return module


def test_twenty_kills_during_a_burst_of_annotation_writes_lose_nothing_acknowledged(tmp_path: Path) -> None:
    rounds = _kill_annotations().run_rounds(tmp_path / "data", rounds=20, seed=7, max_delay=1.2)
    print(*rounds, sep="\n")
    assert len(rounds) == 20
    assert sum(r.acknowledged for r in rounds) > 100  # the kills did fall in the middle of the writes
    for r in rounds:
        assert r.integrity == "ok", r
        assert r.missing == (), r
        assert r.notice is None, r
