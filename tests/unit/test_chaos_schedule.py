"""The campaign fault schedule (predator.chaos.schedule): deterministic for a seed, within the campaign, none
in the liveness phase, heavier for higher campaigns; the decision fault wrapper leaves the strategy alone
outside its windows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from predator.chaos import schedule
from predator.chaos.decisions import FaultyStrategy
from predator.strategies.base import Context, History, InstrumentRules

SYMBOLS = ("BTC/USDT", "ETH/USDT")


def test_same_seed_same_schedule_and_digest() -> None:
    a = schedule.build(2, 1234, 20, SYMBOLS)
    b = schedule.build(2, 1234, 20, SYMBOLS)
    assert a == b and schedule.digest(a) == schedule.digest(b)
    assert schedule.build(2, 1235, 20, SYMBOLS) != a


def test_faults_stay_inside_the_fault_phase() -> None:
    for campaign in (1, 2, 3, 4):
        days = schedule.INTENSITY[campaign][1]
        faults = schedule.build(campaign, 7, days, SYMBOLS)
        end = schedule.faulted_hours(days)
        assert faults == sorted(faults)
        assert all(0 < f.hour < end and f.hour + f.hours <= end for f in faults)
        assert {f.layer for f in faults} == set(schedule.LAYERS)
        kills = [f.hour for f in faults if f.layer == "worker"]
        assert len(kills) == len(set(kills))
        stops = {f.hour for f in faults if f.layer == "postgres"}
        assert not stops & set(kills)


def test_intensity_grows_with_the_campaign() -> None:
    per_day = [len(schedule.build(c, 3, 60, SYMBOLS)) for c in (1, 2, 3, 4)]
    assert per_day == sorted(per_day) and per_day[0] < per_day[-1]


def test_a_short_campaign_still_has_every_layer_and_an_unknown_one_is_refused() -> None:
    assert {f.layer for f in schedule.build(1, 99, 2, SYMBOLS)} == set(schedule.LAYERS)
    with pytest.raises(ValueError, match="unknown campaign"):
        schedule.build(5, 1)


def test_component_generators_are_independent() -> None:
    assert schedule.component_rng(1, "venue").random() == schedule.component_rng(1, "venue").random()
    assert schedule.component_rng(1, "venue").random() != schedule.component_rng(1, "worker").random()


def _ctx(t: datetime) -> Context:
    n = 60
    closes = np.linspace(100, 110, n)
    h = History(np.arange(n, dtype=np.int64), closes, closes, closes, closes, np.ones(n))
    return Context(t, "BTC/USDT", h, Decimal(0), Decimal(10000), Decimal(10000), 0.001, InstrumentRules(),
                   last_close=Decimal(110))


def test_decision_faults_only_inside_their_windows() -> None:
    inside = datetime(2023, 3, 1, 5, tzinfo=UTC)
    outside = datetime(2023, 3, 1, 9, tzinfo=UTC)
    w = [["2023-03-01T04:00:00+00:00", "2023-03-01T06:00:00+00:00", "repeat_refused", "BTC/USDT"]]
    faulty = FaultyStrategy("sma_cross", {}, w)
    plain = FaultyStrategy("sma_cross", {}, [])
    assert faulty.generate_signal(_ctx(outside)) == plain.generate_signal(_ctx(outside))
    sig = faulty.generate_signal(_ctx(inside))
    assert sig is not None and sig.direction == "buy" and sig.quantity is not None
    assert sig.quantity * Decimal(110) > Decimal(10000)  # more than the equity: admission must refuse it
    with pytest.raises(ValueError, match="unknown decision fault"):
        FaultyStrategy("sma_cross", {}, [[w[0][0], w[0][1], "nonsense", "*"]])


def test_one_terminal_venue_fault_late_and_every_new_kind_drawn() -> None:
    kinds: set[str] = set()
    for seed in range(60):
        faults = schedule.build(3, seed, 20, SYMBOLS)
        terminal = [f for f in faults if f.kind in schedule.TERMINAL_KINDS]
        end = schedule.faulted_hours(20)
        assert len(terminal) == 1 and end - 24 <= terminal[0].hour < end - 6
        kinds |= {f.kind for f in faults} | {str(f.param("phase")) for f in faults if f.layer == "worker"}
    assert set(schedule.VENUE_KINDS) | set(schedule.TERMINAL_KINDS) | set(schedule.POSTGRES_KINDS) <= kinds
    assert {"mid_fill_relay", "freeze", "terminate_backends"} <= kinds
