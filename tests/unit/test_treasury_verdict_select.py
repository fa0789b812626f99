"""The verdict's selection rule and study order (issue 15 item 7, :mod:`predator.tools.treasury_verdict`):
parameters are chosen on in-sample figures only, and a strategy's out-of-sample run comes after its choice and
only for the chosen set. No database: the runs are replaced by given figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from predator.db.verdict_reads import WindowShares
from predator.tools import treasury_verdict as tv

A, B, C = tv.GRID["trend"]
EMPTY = WindowShares(0, 0, 0, 0, None, None, None, None, None, None, None, None, 0, None, None, None, None, None,
                     None, None)


def score(candidate: tv.Candidate, period: tv.Period, share: str | None, surplus: str | None,
          index: int = 0) -> tv.Score:
    shares = replace(EMPTY, windows=100, share_surplus_ok=None if share is None else Decimal(share),
                     day_surplus=None if surplus is None else Decimal(surplus))
    return tv.Score(candidate, period, shares, 0, 0, None, 0.0, index)


def test_the_highest_share_of_windows_with_surplus_wins() -> None:
    chosen = tv.select([score(A, tv.IN_SAMPLE, "40", "900", 0), score(B, tv.IN_SAMPLE, "55.5", "-300", 1),
                        score(C, tv.IN_SAMPLE, "55.49", "5000", 2)])
    assert chosen.candidate == B


def test_ties_go_to_the_higher_surplus_then_to_grid_order() -> None:
    assert tv.select([score(A, tv.IN_SAMPLE, "50", "10", 0), score(B, tv.IN_SAMPLE, "50", "11", 1)]).candidate == B
    assert tv.select([score(A, tv.IN_SAMPLE, "50", "10", 0), score(B, tv.IN_SAMPLE, "50", "10", 1)]).candidate == A
    # A run without any complete window ranks last.
    assert tv.select([score(A, tv.IN_SAMPLE, None, None, 0), score(B, tv.IN_SAMPLE, "0", "-1", 1)]).candidate == B


def test_selection_refuses_out_of_sample_figures() -> None:
    with pytest.raises(ValueError, match="in-sample scores only"):
        tv.select([score(A, tv.IN_SAMPLE, "50", "1", 0), score(B, tv.OUT_OF_SAMPLE, "90", "1", 1)])
    with pytest.raises(ValueError):
        tv.select([])
    with pytest.raises(ValueError, match="per strategy"):
        tv.select([score(A, tv.IN_SAMPLE, "50", "1"), score(tv.GRID["meanrev"][0], tv.IN_SAMPLE, "50", "1")])


def test_the_study_chooses_before_it_looks_out_of_sample_and_runs_only_the_choice() -> None:
    # In sample B is best; out of sample C would look best: the study must neither run C out of sample nor
    # let any out-of-sample figure reach the choice.
    in_sample = {"A": "30", "B": "60", "C": "45"}
    out_of_sample = {"A": "99", "B": "10", "C": "99"}
    calls: list[tuple[str, str]] = []

    def run(candidate: tv.Candidate, period: tv.Period, index: int) -> tv.Score:
        calls.append((candidate.label, period.name))
        table = in_sample if period.in_sample else out_of_sample
        return score(candidate, period, table[candidate.label], "0", index)

    items = list(tv.run_study(run, {"trend": (A, B, C)}, tv.IN_SAMPLE, tv.OUT_OF_SAMPLE))
    assert calls == [("A", "in_sample"), ("B", "in_sample"), ("C", "in_sample"), ("B", "out_of_sample")]
    verdict = items[-1]
    assert isinstance(verdict, tv.StrategyVerdict)
    assert verdict.chosen.candidate == B and verdict.out_of_sample.candidate == B
    assert verdict.out_of_sample.shares.share_surplus_ok == Decimal(10), "reported as it came out"


def test_the_periods_cannot_be_swapped() -> None:
    with pytest.raises(ValueError):
        list(tv.run_study(lambda c, p, i: score(c, p, "1", "1"), {"trend": (A,)}, tv.OUT_OF_SAMPLE, tv.IN_SAMPLE))


def test_the_declared_method() -> None:
    assert (tv.IN_SAMPLE.start.year, tv.IN_SAMPLE.end.year) == (2019, 2023)
    assert (tv.OUT_OF_SAMPLE.start.year, tv.OUT_OF_SAMPLE.end.year) == (2023, 2025)
    assert all(1 <= len(c) <= 3 for c in tv.GRID.values())
    assert (tv.FEE_BPS, tv.RESERVE_PCT, tv.COST_PER_MONTH, tv.WINDOW_DAYS) == (10, 25, 20, 30)
    config = tv.run_config(A, tv.IN_SAMPLE, tv.Settings())
    assert config.venue.fees() == (Decimal(10), Decimal(10))
    assert config.params["fast"] == 48 and config.params["slow"] == 240 and "vol_target" in config.params
