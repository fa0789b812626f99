"""Shipped scenario files run end to end on a real PostgreSQL (issue 14 item 3; docs/chaos.md): a fresh
account trades the file's window of real candles with its strategies and faults, then every gate, the chains,
replay parity (when the scenario has no venue faults) and each SQL expectation are judged.

* B2 (FTX, a reckless AGGRESSIVE strategy killed alone while CORE trades on), with replay parity;
* A1 Black Thursday (the daily-loss stop reduces the book on 2020-03-12 and lifts the next day), with replay;
* D1 the venue unreachable for four hours (a global breaker halt, nothing sent blind);
* D2 a ghost fill caught by reconciliation (a global halt and a severity-1 execution incident);
* C1 the worker SIGKILLed at four kill points and restarted by the supervisor, with replay parity;
* C3 a 5-10 s event-bus lag (fills relayed an hour late): no double order, reconciliation clean;
* D3 a partial-fill storm: exits sized to what filled, caps and books hold;
* E1, E2, F1 decision faults (predator.chaos.decisions): refused ideas demote then pause, the caps refuse ten
  times the trades, corrupted scores demote then pause;
* F2 the risk authority (the database) unreachable for four hours: nothing sent, trading resumes;
* G1-G5 the data-feed faults, sync-fed through the chaos feeder: a stall (stale-data breaker, nothing traded
  blind), flat repeated candles and a single-venue print (their data-quality breakers), a late revision (a
  correction, gates on what each hour knew, replay parity), a feeder SIGKILLed mid ingest (nothing partial);
* a planted scenario whose expectation fails: ``predator scenario run`` prints FAIL with the rows and exits 1.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator.chaos import scenario
from predator.chaos.scenario_run import ScenarioResult, report_lines, run_scenario
from predator.cli import main
from predator.db.connection import Target
from predator.errors import ConfigurationError


def values(result: ScenarioResult) -> dict[str, Decimal | int | None]:
    return {e.expectation.name: (e.value if e.expectation.op else len(e.rows)) for e in result.expectations}


def assert_passed(result: ScenarioResult) -> None:
    assert result.passed, "\n".join(report_lines(result))
    assert result.gates and result.gates_passed and result.chains_ok


def test_b2_a_reckless_strategy_dies_alone_as_a_scenario_file(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("b2_tail_loss_ftx"), seed=7)
    assert_passed(result)
    assert result.account == "scn_b2_tail_loss_ftx_s7" and result.summary.hours == 96
    got = values(result)
    assert got["the reckless strategy is killed by its own daily loss"] == 1
    assert got["CORE keeps trading after the kill: filled orders after it"] == 8
    assert Decimal(9500) < got["the book's lowest equity stays above 9,500"] < Decimal(9700)  # type: ignore[operator]
    assert result.replay is not None and result.replay.parity and result.replay.hours_compared == 96


def test_a1_black_thursday_reduces_the_book_and_recovers_by_itself(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("a1_black_thursday"), seed=11)
    assert_passed(result)
    got = values(result)
    assert got["the daily-loss stop fires on the crash day"] == 1
    assert got["the book recovers by itself at the next UTC day"] == 1
    assert Decimal("0.20") < got["the book's max drawdown stays below 0.25"] < Decimal("0.25")  # type: ignore[operator]
    assert result.replay is not None and result.replay.parity and result.replay.hours_compared == 120
    # The seed reaches the paper venue: the run's configuration, hence its run id, carries it.
    assert result.config.venue.seed == 11


def test_d1_the_venue_unreachable_halts_and_nothing_is_sent_blind(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("d1_venue_unreachable"))
    assert_passed(result)
    assert [k for k, _ in result.faults_applied] == ["network_down=on", "network_down=off"]
    assert result.replay is None and result.replay_skipped and "venue and database faults" in result.replay_skipped
    assert values(result)["a connectivity breaker trips with global scope"] == 1


def test_d2_a_ghost_fill_is_caught_by_reconciliation(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("d2_ghost_fill"))
    assert_passed(result)
    assert [k.split()[0] for k, _ in result.faults_applied] == ["ghost_fill"]
    assert values(result)["a severity-1 execution incident explains it"] == 1


def test_c1_a_worker_killed_at_every_kill_point_restarts_consistent(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("c1_worker_crash"))
    assert_passed(result)
    kills = [k for k, _ in result.faults_applied if k.startswith("worker_kill sigkill")]
    assert len(kills) == 4 and {"worker starts 5, SIGKILLs 4"} <= {k for k, _ in result.faults_applied}
    # A crashed and restarted run replays like an uninterrupted one.
    assert result.replay is not None and result.replay.parity and result.replay.hours_compared == 24


def test_c3_lagging_events_no_double_order_and_the_books_reconcile(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("c3_event_lag"))
    assert_passed(result)
    assert any(k.startswith("event_lag fill") for k, _ in result.faults_applied)
    assert values(result)["some fills crossed a collection: a buy filled before an hour close the book closed "
                          "holding nothing"] >= 1  # type: ignore[operator]


def test_f2_risk_authority_unreachable_freezes_trading(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("f2_risk_authority_lost"))
    assert_passed(result)
    applied = [k for k, _ in result.faults_applied]
    assert applied.count("db_unreachable: worker frozen, no connection") == 4
    assert "db_unreachable: the venue received 0 order(s) during the outage" in applied
    assert any(k.startswith("db_unreachable: session cut, the hour failed") for k in applied)


@pytest.mark.parametrize("name", ["d3_partial_fill_storm", "e1_repeat_refused", "e2_overtrade",
                                  "f1_corrupt_scores"])
def test_exchange_and_decision_chaos_scenarios_pass(market_db: Target, name: str) -> None:
    result = run_scenario(market_db, scenario.find(name))
    assert_passed(result)
    if name != "d3_partial_fill_storm":  # decision faults are in the run's configuration: replayed to parity
        assert result.replay is not None and result.replay.parity


FAILING = '''
[scenario]
name = "planted_failure"
seed_id = "A1"
title = "an expectation that cannot hold"

[window]
symbols = ["BTC/USDT"]
from = 2023-03-01T00:00:00Z
to = 2023-03-01T05:00:00Z

[strategy]
strategy = "predator.strategies.scripted:Scripted"
params = { plan = [["2023-03-01T01:00:00+00:00", "BTC/USDT", "buy", "0.01"]] }

[[expect]]
name = "no order at all"
query = "SELECT symbol, side, status FROM api.orders WHERE account = :'account'"

[[expect]]
name = "one order"
query = "SELECT count(*) FROM api.orders WHERE account = :'account'"
op = "="
value = 1

[[expect]]
name = "a query that breaks"
query = "SELECT count(*) FROM api.no_such_view"
op = ">"
value = 0
'''


def test_a_failing_expectation_prints_its_rows_and_exits_1(market_db: Target, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "planted_failure.toml"
    f.write_text(FAILING)
    monkeypatch.setenv("PREDATOR_DSN", market_db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", "/dev/null")
    out = CliRunner().invoke(main, ["scenario", "run", str(f), "--in-place", "--seed", "3", "--account", "planted"])
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    assert "FAIL no order at all: 1 row(s), expected none" in lines
    assert "    BTC/USDT | buy | filled" in lines
    assert "PASS one order: 1 = 1" in lines
    assert any(line.startswith("FAIL a query that breaks: the query failed:") for line in lines)
    assert "PASS gates: 19 of 19 pass" in lines or any(line.startswith("PASS gates:") for line in lines)
    assert lines[-2].startswith("SCENARIO planted_failure: FAIL (1 of 3 expectations; seed 3)")
    assert "reproduce: predator scenario run" in out.output
    # A second run gets a fresh account rather than resuming the first.
    again = CliRunner().invoke(main, ["scenario", "run", str(f), "--in-place", "--seed", "3", "--account", "planted"])
    assert again.exit_code == 1 and "account planted_2 " in again.output


# --- data-feed faults (issue 14 item 2): sync-fed runs through the chaos feeder, in a database without the window's
# bars (the `db` fixture: migrated, no candles), since a feeder cannot stall or revise bars already stored.
def test_g1_a_stalled_feed_trips_the_stale_data_breaker_and_nothing_is_traded_blind(db: Target) -> None:
    result = run_scenario(db, scenario.find("g1_feed_stall"))
    assert_passed(result)
    assert result.config.feed == "sync"
    assert [k for k, _ in result.faults_applied].count("feed_stall: no bar delivered") == 5
    assert result.replay is not None and result.replay.parity and result.replay.hours_compared == 24


@pytest.mark.parametrize(("name", "breaker"), [("g2_flat_candles", "flat_feed_hours"),
                                               ("g4_single_venue_print", "bar_outlier_pct")])
def test_g2_g4_flat_candles_and_a_single_venue_print_trip_their_data_quality_breakers(db: Target, name: str,
                                                                                       breaker: str) -> None:
    result = run_scenario(db, scenario.find(name))
    assert_passed(result)
    assert values(result)[f"the {breaker} breaker trips once, at " + ("08:00 (three repeated bars)" if
                                                                        breaker == "flat_feed_hours" else
                                                                        "07:00, on a figure of 30-40")] == 1
    assert result.replay is not None and result.replay.parity


def test_g3_a_late_revision_is_a_correction_and_replays_to_parity(db: Target) -> None:
    result = run_scenario(db, scenario.find("g3_late_revision"))
    assert_passed(result)
    assert sum(k.startswith("late_revision") for k, _ in result.faults_applied) == 4  # 2 preliminary, 2 final
    assert result.replay is not None and result.replay.parity and result.replay.hours_compared == 24


def test_g5_a_feeder_killed_mid_ingest_leaves_nothing_partial_and_reloads_idempotently(db: Target) -> None:
    result = run_scenario(db, scenario.find("g5_ingest_kill"))
    assert_passed(result)
    kinds = [k for k, _ in result.faults_applied]
    assert any(k.startswith("ingest_kill: feeder SIGKILLed (killpoint mid_ingest")
               and "0 load(s) and 0 of 6 bar(s)" in k for k in kinds), kinds
    assert "ingest_kill: delivered again, 6 of 6 bar(s) duplicates" in kinds
    assert result.replay is not None and result.replay.parity


def test_a_feed_scenario_refuses_a_database_that_holds_its_window(market_db: Target) -> None:
    with pytest.raises(ConfigurationError, match="already stored"):
        run_scenario(market_db, scenario.find("g1_feed_stall"))
