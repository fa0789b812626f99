"""Scenario files (predator.chaos.scenario): the shipped library loads, and the loader refuses what it cannot
use as written — an unknown key anywhere (a typo must not disable a fault or an expectation), a bad operator,
a fault it cannot inject, a half-declared expectation — with the file and the place in the message."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from predator import errors
from predator.chaos import scenario
from predator.chaos.scenario import ScenarioError, parse

GOOD = '''
[scenario]
name = "tiny"
seed_id = "D1"
title = "a tiny scenario"

[window]
symbols = ["BTC/USDT"]
from = 2023-03-01T00:00:00Z
to = 2023-03-01T05:00:00Z

[venue]
slippage_bps = 0

[strategy]
strategy = "predator.strategies.scripted:Scripted"
params = { plan = [["2023-03-01T01:00:00+00:00", "BTC/USDT", "buy", "0.01"]] }

[[faults]]
kind = "network_down"
from = 2023-03-01T02:00:00Z
to = 2023-03-01T03:00:00Z

[[expect]]
name = "no halt"
query = "SELECT * FROM api.halt_events"

[[expect]]
name = "some orders"
query = "SELECT count(*) FROM api.orders WHERE account = :'account'"
op = ">="
value = 1
'''


def test_a_good_file_reads_as_declared() -> None:
    s = parse(GOOD, "good.toml")
    assert s.name == "tiny" and s.window.symbols == ("BTC/USDT",) and s.window.hours == 6
    assert s.window.start == datetime(2023, 3, 1, tzinfo=UTC) and s.venue == {"slippage_bps": Decimal(0)}
    assert [(f.kind, f.covers(datetime(2023, 3, 1, 2, tzinfo=UTC))) for f in s.faults] == [("network_down", True)]
    assert [(e.name, e.op, e.value) for e in s.expectations] == [("no halt", None, None),
                                                                  ("some orders", ">=", Decimal(1))]
    assert s.expectations[1].holds(Decimal(3)) and not s.expectations[1].holds(Decimal(0))


@pytest.mark.parametrize(("old", "new", "where"), [
    ('kind = "network_down"', 'kind = "network_down"\nfrm = 2023-03-01T02:00:00Z', "[[faults]] #1"),
    ('op = ">="', 'op = ">="\nvalu = 1', "[[expect]] #2"),
    ('[window]', '[window]\nsymbol = "ETH/USDT"', "[window]"),
    ('[venue]', '[venue]\nslipage_bps = 3', "[venue]"),
    ('[scenario]', '[scenario]\nseed = 3', "[scenario]"),
    ('[[expect]]\nname = "no halt"', '[[expects]]\nname = "x"\nquery = "SELECT 1"\n\n[[expect]]\nname = "no halt"',
     "(top level)"),
])
def test_an_unknown_key_is_refused_not_ignored(old: str, new: str, where: str) -> None:
    assert old in GOOD
    with pytest.raises(ScenarioError) as e:
        parse(GOOD.replace(old, new, 1), "typo.toml")
    assert "typo.toml" in str(e.value) and where in str(e.value) and "unknown key" in str(e.value)


@pytest.mark.parametrize(("old", "new", "needle"), [
    ('op = ">="', 'op = "=>"', "unknown operator '=>'"),
    ('op = ">="', 'op = "greater"', "unknown operator"),
    ('op = ">="\nvalue = 1', 'op = ">="', "needs both op and value"),
    ('query = "SELECT * FROM api.halt_events"', 'query = "SELECT 1"\nvalue = 2', "needs both op and value"),
    ('kind = "network_down"', 'kind = "network_dwon"', "unknown fault 'network_dwon'"),
    ('kind = "network_down"', 'kind = "feed_stalled"', "unknown fault 'feed_stalled'"),
    ('to = 2023-03-01T05:00:00Z', 'to = 2023-03-01T05:30:00Z', "not a whole UTC hour"),
    ('to = 2023-03-01T05:00:00Z', 'to = 2023-02-01T05:00:00Z', "before 'from'"),
    ('symbols = ["BTC/USDT"]', 'symbols = "BTC/USDT"', "expected an array"),
    ('seed_id = "D1"', 'seed_id = "Z9"', "A1 … F2 (G1 … G9"),
    ('slippage_bps = 0', 'slippage_bps = "lots"', "not a number"),
    ('name = "no halt"', 'name = "some orders"', "share a name"),
    ('kind = "network_down"', 'kind = "worker_kill"\nphase = "after_lunch"', "'after_lunch': one of hour"),
    ('kind = "network_down"', 'kind = "worker_kill"', "a worker_kill is one kill at one hour"),
    ('kind = "network_down"', 'kind = "ingest_kill"', "a ingest_kill is one kill at one hour"),
    ('kind = "network_down"\nfrom = 2023-03-01T02:00:00Z\nto = 2023-03-01T03:00:00Z',
     'kind = "late_revision"\nfrom = 2023-03-01T02:00:00Z\nto = 2023-03-01T02:00:00Z', "'to' after 'from'"),
])
def test_a_bad_value_is_refused_with_its_place(old: str, new: str, needle: str) -> None:
    assert old in GOOD
    with pytest.raises(ScenarioError, match="bad.toml") as e:
        parse(GOOD.replace(old, new, 1), "bad.toml")
    assert needle in str(e.value)


def test_a_scenario_without_expectations_or_not_toml_is_refused() -> None:
    without = GOOD[:GOOD.index("[[expect]]")]
    with pytest.raises(ScenarioError, match="missing key 'expect'"):
        parse(without, "none.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        parse("[scenario\nname = 1", "broken.toml")


def test_every_shipped_scenario_loads_and_names_its_file() -> None:
    shipped = scenario.library()
    names = {s.name for s in shipped}
    assert {"a1_black_thursday", "a1_may_2021", "a1_luna_2022", "a1_celsius_2022", "a1_ftx_2022", "a1_aug_2024",
            "a2_bear_2022", "a2_bear_2022_year", "a3_mania_2021", "b1_silent_death", "b2_tail_loss_ftx",
            "d1_venue_unreachable", "d1_timeout_after_accept", "d2_ghost_fill", "c1_worker_crash", "c3_event_lag",
            "d3_partial_fill_storm", "e1_repeat_refused", "e2_overtrade", "f1_corrupt_scores",
            "f2_risk_authority_lost"} <= names
    for s in shipped:
        assert s.path is not None and s.path.stem == s.name
        assert s.window.hours <= 24 * 60 or s.long, f"{s.name}: a long scenario must say so"


def test_process_faults_read_as_declared_and_a_kill_runs_alone() -> None:
    kill = GOOD.replace('kind = "network_down"\nfrom = 2023-03-01T02:00:00Z\nto = 2023-03-01T03:00:00Z',
                        'kind = "worker_kill"\nphase = "mid_close"\nfrom = 2023-03-01T02:00:00Z\n'
                        'to = 2023-03-01T02:00:00Z')
    s = parse(kill, "kill.toml")
    assert [(f.kind, f.phase) for f in s.kills] == [("worker_kill", "mid_close")] and not s.venue_faults
    outage = GOOD.replace('kind = "network_down"', 'kind = "db_unreachable"')
    s = parse(outage, "outage.toml")
    assert [f.kind for f in s.outages] == ["db_unreachable"] and not s.kills and not s.venue_faults
    with pytest.raises(ScenarioError, match="phase"):  # a phase belongs to a worker_kill only
        parse(outage.replace('kind = "db_unreachable"', 'kind = "db_unreachable"\nphase = "hour"'), "p.toml")
    both = kill + '\n[[faults]]\nkind = "partial_fill"\nfrom = 2023-03-01T02:00:00Z\nto = 2023-03-01T03:00:00Z\n'
    with pytest.raises(ScenarioError, match="cannot be combined with \\['partial_fill'\\]"):
        parse(both, "both.toml")


def test_find_by_name_or_file_and_not_found(tmp_path: Path) -> None:
    assert scenario.find("b2_tail_loss_ftx").seed_id == "B2"
    f = tmp_path / "mine.toml"
    f.write_text(GOOD)
    assert scenario.find(str(f)).name == "tiny"
    with pytest.raises(errors.NotFoundError, match="a1_black_thursday"):
        scenario.find("no_such_scenario")


def test_feed_faults_read_as_declared_run_sync_fed_and_not_with_a_worker_kill() -> None:
    feed = GOOD.replace('kind = "network_down"', 'kind = "feed_stall"')
    s = parse(feed, "feed.toml")
    assert [f.kind for f in s.feed_faults] == ["feed_stall"] and not s.venue_faults and not s.kills
    kill = ('\n[[faults]]\nkind = "worker_kill"\nfrom = 2023-03-01T04:00:00Z\nto = 2023-03-01T04:00:00Z\n')
    with pytest.raises(ScenarioError, match="cannot be combined with \\['feed_stall'\\]"):
        parse(feed + kill, "both.toml")
    with pytest.raises(ScenarioError, match="feed faults run the window sync-fed"):
        parse(feed + kill.replace("worker_kill", "db_unreachable"), "both.toml")
    for kind in ("flat_candles", "single_venue_print", "late_revision", "ingest_kill"):
        one = GOOD.replace('kind = "network_down"\nfrom = 2023-03-01T02:00:00Z\nto = 2023-03-01T03:00:00Z',
                           f'kind = "{kind}"\nfrom = 2023-03-01T02:00:00Z\n'
                           f'to = 2023-03-01T0{2 if kind == "ingest_kill" else 3}:00:00Z')
        assert [f.kind for f in parse(one, f"{kind}.toml").feed_faults] == [kind]
