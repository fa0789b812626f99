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
        no_switch = set() if campaign in schedule.KILL_SWITCH_CAMPAIGNS else {"operator"}
        assert {f.layer for f in faults} == set(schedule.LAYERS) - no_switch
        kills = [f.hour for f in faults if f.layer == "worker"]
        assert len(kills) == len(set(kills))
        stops = {f.hour for f in faults if f.layer == "postgres"}
        assert not stops & set(kills)


def test_intensity_grows_with_the_campaign() -> None:
    per_day = [len(schedule.build(c, 3, 60, SYMBOLS)) for c in (1, 2, 3, 4)]
    assert per_day == sorted(per_day) and per_day[0] < per_day[-1]


def test_a_short_campaign_still_has_every_layer_and_an_unknown_one_is_refused() -> None:
    assert {f.layer for f in schedule.build(1, 99, 2, SYMBOLS)} == set(schedule.LAYERS) - {"operator"}
    assert {f.layer for f in schedule.build(3, 99, 2, SYMBOLS)} == set(schedule.LAYERS)
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


#: Digests of main's schedules before the feed, memory and operator layers (campaign, seed, days): the layers
#: drawn before stay exactly as they were (each layer has its own generator).
_BEFORE = {(3, 12, 8): "cc832fdcff6d8d467637e72c84a3e540189f027e4ee70a1beca7a01cfe5ee98c",
           (1, 5, 3): "5a7ac2249d6aa3a2309e45aec1dba0e4ab09a354b65ad527cd871d9efc9ec109",
           (4, 5, 10): "521f0917c7b6e69453a987d92659678fc538f98a6b20c67bf248035151808b42"}
_OLD_LAYERS = ("venue", "worker", "postgres", "decision")
_THREE = ("BTC/USDT", "ETH/USDT", "SOL/USDT")


def test_the_new_layers_leave_the_old_draws_unchanged() -> None:
    for (campaign, seed, days), before in _BEFORE.items():
        faults = schedule.build(campaign, seed, days, _THREE)
        assert schedule.digest([f for f in faults if f.layer in _OLD_LAYERS]) == before
        assert {"feed", "memory"} <= {f.layer for f in faults}


def test_feed_memory_and_kill_switch_rates() -> None:
    days = 40
    for campaign in (1, 2, 3, 4):
        rates = schedule.INTENSITY[campaign][2]
        feed_counts, kinds = [], set()
        for seed in range(40):
            faults = schedule.build(campaign, seed, days, SYMBOLS)
            feed = schedule.of_layer(faults, "feed")
            memory = schedule.of_layer(faults, "memory")
            switches = schedule.of_layer(faults, "operator")
            feed_counts.append(len(feed))
            kinds |= {f.kind for f in feed}
            assert len(memory) == max(1, round(rates["memory"] * days))
            assert all(schedule.LEAK_HOURS[0] <= f.hours <= schedule.LEAK_HOURS[1] for f in memory)
            assert len(switches) == (1 if campaign in schedule.KILL_SWITCH_CAMPAIGNS else 0)
            # Feed windows neither overlap nor touch; an ingest kill never follows a database fault.
            spans = sorted((f.hour, f.hour + f.hours - 1) for f in feed)
            assert all(b[0] > a[1] + 1 for a, b in zip(spans, spans[1:], strict=False))
            db_hours = {f.hour for f in faults if f.layer == "postgres"}
            assert not {f.hour - 1 for f in feed if f.kind == "ingest_kill"} & db_hours
            for f in switches:
                assert f.kind == "kill_switch" and f.param("phase") == "mid_kill_switch" and f.param("flatten") == 1
                near = {f.hour, f.hour + 1, f.hour + 2}
                assert not near & {g.hour for g in faults if g.layer in ("worker", "postgres")}
                terminal = [g.hour for g in faults if g.kind in schedule.TERMINAL_KINDS]
                assert f.hour < terminal[0] - 6
        expected = max(1, round(rates["feed"] * days))
        assert max(feed_counts) == expected and sum(feed_counts) >= 0.9 * expected * len(feed_counts)
        assert kinds == set(schedule.FEED_KINDS)
    per_campaign = [sum(len(schedule.of_layer(schedule.build(c, s, 60, SYMBOLS), "feed")) for s in range(10))
                    for c in (1, 2, 3, 4)]
    assert per_campaign == sorted(per_campaign) and per_campaign[0] < per_campaign[-1]


def test_the_feed_plan_and_the_leak_windows_follow_the_schedule() -> None:
    from predator.chaos.campaign import feed_plan, leak_windows

    start = datetime(2023, 3, 1, tzinfo=UTC)
    faults = [schedule.Fault(30, "feed", "late_revision", (("hours", 4),)),
              schedule.Fault(50, "feed", "ingest_kill", (("hours", 1),)),
              schedule.Fault(60, "memory", "memory_leak", (("hours", 5),))]
    plan = feed_plan(faults, start, 5, SYMBOLS, 9, "binance")
    assert plan is not None and plan["seed"] == 9 and plan["symbols"] == list(SYMBOLS)
    assert plan["faults"] == [["late_revision", "2023-03-02T06:00:00+00:00", "2023-03-02T09:00:00+00:00"],
                              ["ingest_kill", "2023-03-03T02:00:00+00:00", "2023-03-03T02:00:00+00:00"]]
    assert leak_windows(faults, start) == [["2023-03-03T12:00:00+00:00", "2023-03-03T16:00:00+00:00"]]
    assert feed_plan([f for f in faults if f.layer != "feed"], start, 5, SYMBOLS, 9, "binance") is None
