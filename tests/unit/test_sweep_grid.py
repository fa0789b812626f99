"""The grid of ``predator sweep`` (:mod:`predator.runner.sweep`): values, product order, refused points, account
names. No database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from predator.errors import StrategyParametersError
from predator.runner.config import RunConfig
from predator.runner.sweep import account_name, grid, parse_param, plan


def test_values_are_json_when_they_parse_and_text_otherwise() -> None:
    assert parse_param("fast=5,10, 20") == ("fast", (5, 10, 20))
    assert parse_param("k=2.5,3") == ("k", (2.5, 3))
    assert parse_param("mode=a,true") == ("mode", ("a", True))
    for bad in ("fast", "=5", "fast=", "fast=5,,6", "fast=5,5"):
        with pytest.raises(ValueError):
            parse_param(bad)


def test_the_grid_is_the_product_in_the_order_given_less_the_refused_points() -> None:
    g = grid("sma_cross", [("fast", (5, 50)), ("slow", (20, 100))])
    assert g.points == ((("fast", 5), ("slow", 20)), (("fast", 5), ("slow", 100)), (("fast", 50), ("slow", 100)))
    assert [dict(p) for p, _ in g.skipped] == [{"fast": 50, "slow": 20}]
    assert "fast < slow" in g.skipped[0][1]
    with pytest.raises(StrategyParametersError, match="takes no parameter 'nope'"):
        grid("sma_cross", [("nope", (1, 2))])
    with pytest.raises(StrategyParametersError):
        grid("sma_cross", [("fast", (50,)), ("slow", (20,))])  # no point left
    with pytest.raises(ValueError, match="given twice"):
        grid("sma_cross", [("fast", (5,)), ("fast", (6,))])


def test_account_names_follow_the_point_and_the_shared_settings() -> None:
    assert account_name("sweep-x", (("fast", 5), ("slow", 50))) == "sweep-x-fast5-slow50"
    assert account_name("Sweep X", (("k", 2.5),)) == "sweep_x-k2.5"
    long = account_name("p" * 40, (("fast", 5), ("slow", 50), ("cash_buffer", 0.01), ("max_positions", 4)))
    assert len(long) <= 63 and long.startswith("p" * 40 + "-")
    base = RunConfig(account="x", symbols=("BTC/USDT",), strategy="sma_cross", params={},
                     start=datetime(2023, 1, 1, tzinfo=UTC), end=datetime(2023, 2, 1, tzinfo=UTC))
    points = grid("sma_cross", [("fast", (5, 10)), ("slow", (50,))]).points
    books = plan(base, points)
    again = plan(base, points)
    other = plan(RunConfig(**{**base.__dict__, "symbols": ("ETH/USDT",)}), points)
    assert [b.config.account for b in books] == [b.config.account for b in again]
    assert books[0].config.account.startswith("sweep-sma_cross-") and books[0].config.account.endswith("-fast5-slow50")
    assert {b.config.account for b in books}.isdisjoint(b.config.account for b in other)
    assert books[1].config.params == {"fast": 10, "slow": 50, "cash_buffer": 0.01, "max_positions": 1,
                                      "edge_bps": 0.0}
    assert books[0].hours == 31 * 24 + 1
