"""Imports and rebuilds killed at random moments leave no damage, no loss and no process behind.

The same rounds as ``python -m benchmarks.kill_import``, on small data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import load_benchmark, write_official_questions

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

QUESTIONS = 400


def test_killed_imports_and_rebuilds_leave_nothing_broken(tmp_path: Path) -> None:
    source = write_official_questions(tmp_path / "files", QUESTIONS)
    # Rebuilds in parallel from 100 questions, as they do from 6,000: workers are killed too.
    rounds = load_benchmark("kill_import").run_rounds(
        tmp_path / "work", source, rounds=3, seed=3, parallel_min=100
    )
    print(*rounds, sep="\n")
    assert any(r.killed for r in rounds)
    for r in rounds:
        assert r.left_behind == (), r
        assert r.integrity == "ok", r
        assert r.count_after == QUESTIONS, r
        assert r.searched_after == QUESTIONS, r
