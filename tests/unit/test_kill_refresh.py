"""A real ``newstui refresh`` killed with SIGKILL at random moments loses nothing: a few trials of
``bench/kill_refresh.py`` (the benchmark runs 60 and more)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("kill_refresh", ROOT / "bench" / "kill_refresh.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_refresh"] = module
    spec.loader.exec_module(module)
    return module


def test_a_refresh_killed_at_random_moments_loses_nothing(tmp_path):
    bench = load_bench()
    summary = bench.run(trials=4, seed=11, feeds=8, items=12, folder=tmp_path, delay=0.12)
    assert summary.trials == 4
    assert summary.losses == 0, [o.lost for o in summary.outcomes if o.lost]
    assert summary.killed >= 2  # most kills land while the refresh runs, not after it
