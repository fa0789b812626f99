"""What a run says about what happened (issue 12, item 3), against a fresh copy of a database holding the real
BTC and ETH 1h candles:

* the run summary names every halt, pause and flatten with its business time, reason and incident;
* an accelerated run (``predator paper``, ``predator run --speed``) whose account is halted with no path to
  resume stops early with a HALTED line (exit code 0), and ``--keep-running-when-halted`` closes the idle
  hours to the end;
* ``predator run`` says where its logs are and prints one line (or one JSON object) per closed hour;
* a restarted time warp continues from the account's last closed hour;
* progress reaches output that is not a terminal: a plain line every 10 %.

The CLI runs as a subprocess (its stdout and stderr are pipes, not a terminal)."""

from __future__ import annotations

import io
import json
import os
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from predator.db import api, reads
from predator.db.connection import Target
from predator.progress import Progress
from predator.runner.account import what_happened
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.scheduler import BusinessClock, HourReport, ScheduledRun
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.helpers import run_cli

START = datetime(2023, 2, 1, tzinfo=UTC)
END = datetime(2023, 2, 8, tzinfo=UTC)
HOURS = int((END - START) / timedelta(hours=1)) + 1
PARAMS = {"fast": 12, "slow": 48, "vol_window": 48}
INCIDENT = re.compile(r"INC-\d+-\d+")


def config(account: str, **kw: object) -> RunConfig:
    base: dict[str, object] = {
        "account": account,
        "symbols": ("BTC/USDT", "ETH/USDT"),
        "strategy": "trend",
        "params": effective_params(load_strategy("trend", PARAMS)),
        "start": START,
        "end": END,
        "venue": PaperConfig(),
    }
    base.update(kw)
    return RunConfig(**base)  # type: ignore[arg-type]


def paper_args(account: str, *extra: str) -> list[str]:
    return ["paper", "--account", account, "--symbols", "BTC/USDT,ETH/USDT", "--strategy", "trend",
            "--params", json.dumps(PARAMS), "--from", START.isoformat(), "--to", END.isoformat(), *extra]


def env(target: Target, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PREDATOR_DSN": target.dsn, "PREDATOR_LOG": str(tmp_path / "predator.jsonl")}


def closed_hours(target: Target, account: str) -> int:
    with target.connect("auditor") as conn:
        row = conn.execute("SELECT count(*) FROM api.hourly_states WHERE account = %s", (account,)).fetchone()
    assert row is not None
    return int(row[0])


def run_hours(target: Target, cfg: RunConfig, hours: int) -> None:
    runner = HourRunner(target, cfg, stop_after=hours)
    try:
        runner.run()
    finally:
        runner.close()


def test_a_paper_run_whose_breaker_trips_stops_early_and_names_the_incident(market_db: Target,
                                                                             tmp_path: Path) -> None:
    # The runaway-trading breaker at one order an hour: the account's first admitted order trips it, a halt of
    # the paper lane that only an operator lifts. (Issue 13: a breaker of account scope no longer halts a paper
    # book, it pauses its entries until it clears: tests/integration/test_risk_state.py.)
    with market_db.connect("operator") as op, op.transaction():
        api.set_breaker(op, "paper", "orders_per_hour", Decimal(1), "test: trip on the first order",
                        trip_scope="lane")
    first = run_cli(*paper_args("brk", "--no-progress"), env=env(market_db, tmp_path))
    assert first.returncode == 0, first.stderr
    with market_db.connect("auditor") as conn:
        trip = conn.execute("SELECT ts, incident FROM api.breaker_trips WHERE account = 'brk'").fetchone()
    assert trip is not None
    tripped_at, incident = trip
    hours = closed_hours(market_db, "brk")
    assert 0 < hours < HOURS
    out = first.stdout
    assert "HALTED: the run stopped after hour" in out and f"{HOURS - hours} hour(s) before its end" in out
    stamp = tripped_at.strftime("%Y-%m-%dT%H:%MZ")
    # The stop line: the scope, when (business time), why and the incident.
    assert re.search(rf"lane:paper halted since {stamp} by system: circuit breaker orders_per_hour.*"
                     rf"incident {incident}; lift: predator resume --scope lane --target paper", out), out
    # The summary's events name the same halt with its business time, reason and incident.
    assert re.search(rf"{stamp}  halt lane:paper by system: circuit breaker orders_per_hour.*\[{incident}\]",
                     out), out
    assert "halts, pauses and flattens: 1" in out

    # Rerun: still halted, it stops before closing any hour; --keep-running-when-halted runs to the end.
    again = run_cli(*paper_args("brk", "--no-progress"), env=env(market_db, tmp_path))
    assert again.returncode == 0 and "HALTED: the run stopped after hour" in again.stdout
    assert closed_hours(market_db, "brk") == hours
    kept = run_cli(*paper_args("brk", "--no-progress", "--keep-running-when-halted"), env=env(market_db, tmp_path))
    assert kept.returncode == 0, kept.stderr
    assert closed_hours(market_db, "brk") == HOURS
    assert "HALTED" not in kept.stdout and f"{HOURS} hours closed ({HOURS - hours} in this session" in kept.stdout
    assert f"[{incident}]" in kept.stdout


def test_an_operator_halt_at_a_given_hour_stops_the_run_and_a_resume_lets_it_go_on(market_db: Target,
                                                                                 tmp_path: Path) -> None:
    cfg = config("ophalt")
    run_hours(market_db, cfg, 5)  # hours 00:00 .. 04:00 closed
    with market_db.connect("operator") as op, op.transaction():
        api.halt(op, "operator test halt", "account", "ophalt")
    with market_db.connect("auditor") as conn:
        incident = conn.execute("SELECT incident FROM api.incidents WHERE account = 'ophalt'").fetchone()
    assert incident is not None
    stopped = run_cli(*paper_args("ophalt", "--no-progress"), env=env(market_db, tmp_path))
    assert stopped.returncode == 0, stopped.stderr
    # The order admitted at 04:00 still settles (it fills in the next hour), then the run stops.
    hours = closed_hours(market_db, "ophalt")
    assert 5 <= hours < HOURS
    with market_db.connect("worker") as conn:
        assert reads.live_orders(conn, "ophalt") == []
    out = stopped.stdout
    last = (START + timedelta(hours=hours - 1)).strftime("%Y-%m-%dT%H:%MZ")
    assert f"HALTED: the run stopped after hour {last}, {HOURS - hours} hour(s) before its end" in out, out
    # An operator's halt has no business time of its own: the account stood after its hour 04:00.
    assert (f"account:ophalt halted since after 2023-02-01T04:00Z by operator: operator test halt, "
            f"incident {incident[0]}") in out, out
    with market_db.connect("operator") as op, op.transaction():
        api.resume(op, "understood", "account", "ophalt")
    resumed = run_cli(*paper_args("ophalt", "--no-progress"), env=env(market_db, tmp_path))
    assert resumed.returncode == 0 and "HALTED" not in resumed.stdout, resumed.stdout
    assert closed_hours(market_db, "ophalt") == HOURS
    assert "halts, pauses and flattens: 2" in resumed.stdout
    assert re.search(rf"after 2023-02-01T04:00Z  halt account:ophalt by operator \S+: operator test halt  "
                     rf"\[{incident[0]}\]\n    after {last}  resume account:ophalt by operator \S+: understood\n",
                     resumed.stdout), resumed.stdout


def test_a_kill_switch_flatten_and_a_pause_are_named_with_their_incident(market_db: Target) -> None:
    cfg = config("flat")
    runner = HourRunner(market_db, cfg, stop_when_halted=True)
    try:
        runner.prepare()
        # Run until the book holds a position, then the operator pulls the kill switch with flatten.
        t = START
        while True:
            runner.step(t)
            with market_db.connect("auditor") as conn:
                held = conn.execute("SELECT count(*) FROM api.positions WHERE account = 'flat' AND quantity > 0"
                                    ).fetchone()
            if held and held[0]:
                break
            t += timedelta(hours=1)
            assert t < END, "the strategy never held a position"
        with market_db.connect("operator") as op, op.transaction():
            api.pause_strategy(op, "flat", "trend", "test pause")
            killed = api.kill_switch(op, "test kill", True)
        assert killed.flatten_orders > 0
        summary = runner.run()  # the exits are still to settle: the run goes on until they are final
    finally:
        runner.close()
    assert summary.stopped is not None
    assert summary.stopped.last_hour is not None and summary.stopped.last_hour > t
    scopes = [b.scope for b in summary.stopped.blockers]
    assert scopes == ["global:*", "flat/trend"]
    kinds = [(e.kind, e.scope, e.source) for e in summary.events]
    assert kinds == [("pause", "flat/trend", "operator"), ("halt", "global:*", "operator"),
                     ("flatten", "account:flat", "kill_switch")], kinds
    halt, flatten = summary.events[1], summary.events[2]
    assert halt.incident is not None and flatten.incident == halt.incident
    assert halt.after_hour == t and flatten.ts == t and flatten.orders == killed.flatten_orders
    assert flatten.reason == "kill switch: test kill"
    with market_db.connect("auditor") as conn:
        opened = conn.execute("SELECT incident FROM api.incidents WHERE scope = 'global:*'").fetchall()
    assert [r[0] for r in opened] == [halt.incident]
    assert what_happened(market_db, cfg) == summary.events


def test_predator_run_prints_a_line_per_hour_and_json_lines_that_parse(market_db: Target, tmp_path: Path) -> None:
    to = START + timedelta(hours=6)
    args = ["run", "--account", "lines", "--symbols", "BTC/USDT,ETH/USDT", "--strategy", "trend", "--params",
            json.dumps(PARAMS), "--from", START.isoformat(), "--to", to.isoformat(), "--speed", "360000"]
    human = run_cli(*args, env=env(market_db, tmp_path))
    assert human.returncode == 0, human.stderr
    assert f"logs: {tmp_path / 'predator.jsonl'}" in human.stdout
    hour_lines = [ln for ln in human.stdout.splitlines() if ln.startswith("hour ")]
    assert [ln.split()[1] for ln in hour_lines] == [
        (START + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%MZ") for n in range(7)]
    assert all(re.fullmatch(r"hour \S+  equity \d+\.\d\d  orders \d+  fills \d+  refusals \d+  halts none", ln)
               for ln in hour_lines), hour_lines
    assert "run run-" in human.stdout and "7 hours closed" in human.stdout

    as_json = run_cli(*[a if a != "lines" else "jlines" for a in args], "--json", env=env(market_db, tmp_path))
    assert as_json.returncode == 0, as_json.stderr
    objects = [json.loads(ln) for ln in as_json.stdout.splitlines()]  # stdout holds the hour objects alone
    assert [o["hour"] for o in objects] == [(START + timedelta(hours=n)).isoformat() for n in range(7)]
    assert all(set(o) == {"hour", "equity", "orders", "fills", "refusals", "halts"} for o in objects)
    with market_db.connect("auditor") as conn:
        equity = conn.execute("SELECT hour, equity FROM api.hourly_states WHERE account = 'jlines' ORDER BY hour"
                              ).fetchall()
    assert [(datetime.fromisoformat(o["hour"]), Decimal(o["equity"])) for o in objects] == equity
    assert "logs:" in as_json.stderr and "7 hours closed" in as_json.stderr


def test_a_warped_run_of_a_halted_account_stops_early_unless_kept_running(market_db: Target,
                                                                         tmp_path: Path) -> None:
    to = START + timedelta(hours=12)
    cfg = config("warp", end=to, symbols=("BTC/USDT",))
    args = ["run", "--account", "warp", "--symbols", "BTC/USDT", "--strategy", "trend", "--params",
            json.dumps(PARAMS), "--from", START.isoformat(), "--to", to.isoformat(), "--speed", "360000"]
    # The same run in process first (its configuration as `predator run` builds it: USDT, paper, stored).
    run_hours(market_db, cfg, 3)
    with market_db.connect("operator") as op, op.transaction():
        api.halt(op, "halted for the warp test")  # global
    stopped = run_cli(*args, env=env(market_db, tmp_path))
    assert stopped.returncode == 0, stopped.stderr
    assert "HALTED: the run stopped after hour 2023-02-01T02:00Z, 10 hour(s) before its end" in stopped.stdout
    assert re.search(r"global:\* halted since after 2023-02-01T02:00Z by operator: halted for the warp test, "
                     r"incident INC-0-\d+; lift: predator resume --scope global", stopped.stdout), stopped.stdout
    assert closed_hours(market_db, "warp") == 3
    kept = run_cli(*args, "--keep-running-when-halted", env=env(market_db, tmp_path))
    assert kept.returncode == 0, kept.stderr
    assert closed_hours(market_db, "warp") == 13
    lines = [ln for ln in kept.stdout.splitlines() if ln.startswith("hour ")]
    assert len(lines) == 10 and all(ln.endswith("halts global:*") for ln in lines), lines


def test_a_restarted_warp_continues_from_the_last_closed_hour(market_db: Target) -> None:
    cfg = config("rewarp", end=START + timedelta(hours=40))
    first = ScheduledRun(market_db, cfg, BusinessClock(origin=START, speed=360000.0), kill_listener=False)
    seen: list[HourReport] = []

    def stop_after_five(report: HourReport) -> None:
        seen.append(report)
        if len(seen) >= 5:
            first.stop()

    first.on_hour = stop_after_five
    first.start()
    assert first.resumed_from is None
    with market_db.connect("worker") as conn:
        last = reads.last_closed_hour(conn, "rewarp")
    assert last is not None and START + timedelta(hours=4) <= last < cfg.end
    # Restarted with the same --from: the warp goes on from the last closed hour, not from --from again.
    clock = BusinessClock(origin=START, speed=360000.0)
    second = ScheduledRun(market_db, cfg, clock, kill_listener=False)
    reports: list[HourReport] = []

    def stop_at_once(report: HourReport) -> None:
        reports.append(report)
        second.stop()

    second.on_hour = stop_at_once
    second.start()
    assert second.resumed_from == last and clock.origin == last
    assert reports[0].hour == last + timedelta(hours=1)


def test_progress_reaches_output_that_is_not_a_terminal(market_db: Target, tmp_path: Path) -> None:
    stream = io.StringIO()
    with Progress(200, "paper x", "h", stream=stream) as bar:
        for n in range(200):
            bar.update(1, note=f"n{n}" if n % 50 == 0 else None)
    lines = stream.getvalue().splitlines()
    assert [ln.split(":")[1].split("%")[0].strip() for ln in lines] == [str(p) for p in range(10, 101, 10)]
    assert lines[0] == "paper x: 10% (20/200 h) n0" and lines[-1] == "paper x: 100% (200/200 h) n150"
    assert io.StringIO().getvalue() == ""

    to = START + timedelta(hours=30)
    done = run_cli("paper", "--account", "prog", "--symbols", "BTC/USDT", "--strategy", "trend", "--params",
                   json.dumps(PARAMS), "--from", START.isoformat(), "--to", to.isoformat(),
                   env=env(market_db, tmp_path))
    assert done.returncode == 0, done.stderr
    steps = re.findall(r"^paper prog: (\d+)% \((\d+)/31 h\)", done.stderr, flags=re.M)
    # One line as each 10 % step is passed (31 hours: 4/31 = 12 % is the first).
    assert [int(p) // 10 for p, _ in steps] == list(range(1, 11)) and steps[-1] == ("100", "31"), done.stderr
    replayed = run_cli("replay", "--account", "prog", env=env(market_db, tmp_path))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert re.search(r"^replay prog: 100% \(31/31 h\)", replayed.stderr, flags=re.M), replayed.stderr
    quiet = run_cli("replay", "--account", "prog", "--no-progress", env=env(market_db, tmp_path))
    assert quiet.returncode == 0 and "%" not in quiet.stderr


def test_a_paused_strategy_stops_a_paper_run_with_the_pause_named(market_db: Target) -> None:
    from predator.cli.trading import halt_stop_lines

    cfg = config("paused")
    run_hours(market_db, cfg, 4)  # 00:00 .. 03:00: no order yet
    with market_db.connect("operator") as op, op.transaction():
        api.pause_strategy(op, "paused", "trend", "test pause")
    runner = HourRunner(market_db, cfg, stop_when_halted=True)
    try:
        summary = runner.run()
    finally:
        runner.close()
    assert summary.hours_this_session == 0 and summary.stopped is not None
    assert [(b.kind, b.scope, b.reason, b.incident) for b in summary.stopped.blockers] == [
        ("pause", "paused/trend", "test pause", None)]
    lines = halt_stop_lines(summary.stopped, summary.events)
    assert lines[0] == (f"HALTED: the run stopped after hour 2023-02-01T03:00Z, {HOURS - 4} hour(s) before its end "
                        "2023-02-08T00:00Z: its strategy is paused and only an operator resumes it.")
    assert lines[1] == ("  paused/trend paused since after 2023-02-01T03:00Z by operator: test pause; lift: "
                        "api.resume_strategy of paused/trend (operator role)")


def test_a_run_whose_every_signal_is_refused_says_so_and_where_to_look(market_db: Target, tmp_path: Path) -> None:
    # sma_cross with max_positions 1 puts the whole book into one order: the default caps refuse every one.
    proc = run_cli("paper", "--account", "allno", "--symbols", "BTC/USDT", "--strategy", "sma_cross",
                   "--from", START.isoformat(), "--to", END.isoformat(), "--no-progress", env=env(market_db, tmp_path))
    assert proc.returncode == 0, proc.stderr
    with market_db.connect("auditor") as conn:
        row = conn.execute("SELECT count(*), count(*) FILTER (WHERE outcome = 'refused') FROM api.decisions"
                           " WHERE account = 'allno'").fetchone()
    assert row is not None and row[0] > 0 and row[0] == row[1]
    assert "orders 0" in proc.stdout
    assert "no order went out: every signal was refused (most often" in proc.stdout, proc.stdout
    assert "FROM api.decisions WHERE account = 'allno'" in proc.stdout
