"""bench/fill_path.py end to end on a tiny run, so that the benchmark cannot rot unseen (its set-up stopped at a
refused sell for a day when admission began bounding a sell by the strategy's own fills). No timing is asserted
(timings are the bench's, read as ratios): the three phases ran, every chain verifies, no breaker tripped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from predator.db.connection import Target

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import fill_path  # noqa: E402


def test_fill_path_bench_runs_and_leaves_every_chain_verified(server: Target, template_db: Target,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PREDATOR_DSN", server.dsn)
    assert fill_path.main(["--rounds", "1", "--raw", "20", "--fills", "10", "--batches", "1",
                           "--batch-size", "5"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == "chains after the run: all verify; circuit-breaker trips: 0"
    figures = dict(part.split("=") for part in lines[-1].removeprefix("fill_path: ").split())
    assert set(figures) == {"raw", "governed", "batched", "ratio_b_over_a"}
    assert all(float(v.removesuffix("/s")) > 0 for v in figures.values())
