"""The trading hour on real candles: the runner, resume, replay parity, reports, the look-ahead check and the
scheduler, each against a fresh copy of a database holding the real BTC, ETH and SOL 1h candles."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from predator import gates
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.lookahead import check
from predator.runner.market import MarketData
from predator.runner.replay import replay
from predator.runner.scheduler import BusinessClock, ScheduledRun
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

START = datetime(2023, 2, 1, tzinfo=UTC)
END = datetime(2023, 2, 15, tzinfo=UTC)
PARAMS = {"fast": 12, "slow": 48, "vol_window": 48}


def config(account: str = "paper1", **kw: object) -> RunConfig:
    params = effective_params(load_strategy("trend", PARAMS))
    base = {
        "account": account,
        "symbols": ("BTC/USDT", "ETH/USDT"),
        "strategy": "trend",
        "params": params,
        "start": START,
        "end": END,
        "venue": PaperConfig(seed=11),
    }
    base.update(kw)
    return RunConfig(**base)  # type: ignore[arg-type]


def run(target: Target, cfg: RunConfig, stop_after: int | None = None):  # type: ignore[no-untyped-def]
    runner = HourRunner(target, cfg, stop_after=stop_after)
    try:
        return runner.run()
    finally:
        runner.close()


def digests(target: Target, account: str) -> list[tuple[object, ...]]:
    with target.connect("auditor") as conn:
        return conn.execute(
            "SELECT hour, inputs_hash, outputs_hash, state_hash FROM api.hour_digests(%s, %s, %s)",
            (account, START, END),
        ).fetchall()


def test_a_paper_run_trades_through_the_governed_path_and_every_gate_passes(market_db: Target) -> None:
    summary = run(market_db, config())
    assert summary.hours == int((END - START) / timedelta(hours=1)) + 1
    assert summary.orders > 0 and summary.fills >= summary.orders - 2 and summary.round_trips > 0
    with market_db.connect("auditor") as conn:
        # every order went out with the database's deterministic client order id, once
        dup = conn.execute("SELECT count(*) - count(DISTINCT (symbol, ts, side)) FROM api.orders").fetchone()[0]
        assert dup == 0
        # fills are at the open of the bar after the decision, never before the order
        early = conn.execute(
            "SELECT count(*) FROM api.fills f JOIN api.orders o USING (client_order_id)"
            " WHERE f.ts < o.ts OR f.ts > o.ts + interval '1 hour'"
        ).fetchone()[0]
        assert early == 0
        unclean = conn.execute("SELECT count(*) FROM ops.reconciliation WHERE NOT clean").fetchone()[0]
        assert unclean == 0
        results = gates.run_gates(conn)
        assert [r.name for r in results if not r.passed] == []
        assert gates.verify(conn).ok


def test_a_second_invocation_resumes_after_the_last_closed_hour_and_adds_nothing(market_db: Target) -> None:
    first = run(market_db, config())
    again = run(market_db, config())
    assert again.hours_this_session == 0
    assert (again.hours, again.orders, again.fills, again.final_equity) == (
        first.hours,
        first.orders,
        first.fills,
        first.final_equity,
    )


def test_a_run_stopped_midway_and_resumed_gives_the_hashes_of_an_uninterrupted_run(
    market_db: Target, server: Target, market_template: Target
) -> None:
    from tests.conftest import create_database, drop_database

    run(market_db, config(), stop_after=100)
    run(market_db, config(), stop_after=57)
    run(market_db, config())
    uninterrupted = create_database(server, template=market_template.dbname)
    try:
        run(uninterrupted, config())
        assert digests(market_db, "paper1") == digests(uninterrupted, "paper1")
    finally:
        drop_database(server, uninterrupted.dbname)


def test_replay_reports_parity_and_names_the_hour_of_a_tampered_fill(market_db: Target) -> None:
    run(market_db, config())
    result = replay(market_db, "paper1")
    assert result.parity and result.hours_compared > 300
    with psycopg.connect(market_db.dsn) as conn:  # as superuser, bypassing the append-only trigger
        conn.execute("SET session_replication_role = replica")
        ts = conn.execute("UPDATE trading.fill SET price = price * 1.001 WHERE seq = 2 RETURNING ts").fetchone()[0]
        hour = conn.execute("SELECT min(hour) FROM portfolio.hourly_state WHERE hour >= %s", (ts,)).fetchone()[0]
        conn.commit()
    tampered = replay(market_db, "paper1")
    assert not tampered.parity
    assert [m.hour for m in tampered.mismatches] == [hour]
    assert any("trading.fill" in p for p in tampered.mismatches[0].problems)


def test_reports_render_every_section_with_charts(market_db: Target, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from predator.reports.report import day_bounds, render

    run(market_db, config())
    html = render(market_db, "paper1", START - timedelta(hours=1), END, fmt="html", out_dir=tmp_path).read_text()
    for section in (
        "Gates",
        "Equity and drawdown",
        "Exposure by cluster",
        "Trades",
        "Fills",
        "Refusals and rejects",
        "Halts and incidents",
        "Validation",
        "Treasury",
    ):
        assert section in html
    assert html.count("<svg") == 3 and "PASS" in html  # equity, exposure, net operating surplus
    s, e = day_bounds(datetime(2023, 2, 7, tzinfo=UTC))
    md_path = render(market_db, "paper1", s, e, fmt="md", out_dir=tmp_path, gates=False)
    md = md_path.read_text()
    assert "## Trades" in md and (tmp_path / f"{md_path.stem}_equity.svg").exists()
    with market_db.connect("auditor") as conn:
        fills_that_day = conn.execute("SELECT count(*) FROM api.fills WHERE ts > %s AND ts <= %s", (s, e)).fetchone()[0]
    assert f"## Fills ({fills_that_day})" in md


def test_lookahead_check_passes_the_builtins_and_catches_a_leaky_strategy(market_db: Target) -> None:
    start, end = datetime(2023, 1, 1, tzinfo=UTC), datetime(2023, 4, 1, tzinfo=UTC)
    with market_db.connect("worker") as conn:
        market = MarketData.load(
            conn, "binance", ["BTC/USDT", "ETH/USDT"], start - timedelta(days=30), end + timedelta(hours=1)
        )
    for name in ("trend", "meanrev"):
        result = check(market, lambda n=name: load_strategy(n), ["BTC/USDT", "ETH/USDT"], start, end, cuts=3)
        assert result.passed and result.decisions > 0, name
    leaky = check(
        market,
        lambda: load_strategy("tests.fixtures.leaky_strategy:PeekNextClose"),
        ["BTC/USDT", "ETH/USDT"],
        start,
        end,
        cuts=3,
    )
    assert not leaky.passed


def test_the_scheduler_runs_hours_at_warped_hour_boundaries_and_resumes(market_db: Target) -> None:
    cfg = config(account="sched", end=START + timedelta(hours=30))
    first = ScheduledRun(
        market_db, cfg, BusinessClock(origin=START + timedelta(hours=10), speed=36000.0), max_seconds=1.0
    )
    first.start()
    assert first.hours_run >= 11 and first.heartbeats > 0
    second = ScheduledRun(
        market_db, cfg, BusinessClock(origin=START + timedelta(hours=40), speed=36000.0), max_seconds=5.0
    )
    second.start()  # catches up to the end of the run and stops by itself
    with market_db.connect("auditor") as conn:
        hours = conn.execute("SELECT count(*), max(hour) FROM api.hourly_states WHERE account = 'sched'").fetchone()
    assert hours == (31, cfg.end)
    assert first.hours_run + second.hours_run == 31


def test_principal_is_deposited_once_and_the_account_mirrors_the_run(market_db: Target) -> None:
    run(market_db, config(principal=Decimal(5000)))
    with market_db.connect("auditor") as conn:
        deposits = conn.execute(
            "SELECT count(*), sum(amount) FROM ledger.posting p JOIN ledger.transaction t"
            " ON t.book_id = p.book_id AND t.seq = p.tx_seq WHERE t.kind = 'deposit'"
            " AND p.account_code = 'trading'"
        ).fetchone()
        assert deposits == (1, Decimal(5000))
        assert conn.execute("SELECT mode, lane FROM api.accounts WHERE name = 'paper1'").fetchone() == (
            "paper",
            "paper",
        )


def test_the_paper_engine_charges_the_fee_tier_the_database_holds(market_db: Target) -> None:
    # One source of fees: change the tier in the database (an administrator's act; no api door changes
    # it) and the paper engine charges the new taker rate on every fill.
    with psycopg.connect(market_db.dsn, autocommit=True) as admin:
        admin.execute("UPDATE market.venue SET maker_fee_bps = 11, taker_fee_bps = 13 WHERE venue = 'binance'")
    summary = run(market_db, config("fees1"))
    assert summary.fills > 0
    with market_db.connect("auditor") as conn:
        rates = conn.execute(
            "SELECT DISTINCT round(fee / (price * quantity) * 10000, 6) FROM api.fills"
            " WHERE account = 'fees1' AND fee_currency = 'USDT'"
        ).fetchall()
    assert rates == [(Decimal("13.000000"),)]


def test_the_paper_engines_stand_in_fee_tiers_equal_the_databases() -> None:
    # DEFAULT_FEES serves only where no database is at hand (emulator, in-memory reference); it must say
    # what migration 0002 put in market.venue.
    from predator.config import PROJECT_ROOT
    from predator.venues.paper import DEFAULT_FEES

    text = (PROJECT_ROOT / "migrations" / "sql" / "0002_reference_data.up.sql").read_text()
    for venue, (maker, taker) in DEFAULT_FEES.items():
        row = re.search(rf"\('{venue}',\s*'[^']*',\s*([0-9.]+),\s*([0-9.]+)\)", text)
        assert row is not None, f"no market.venue row for {venue} in migration 0002"
        assert (Decimal(row.group(1)), Decimal(row.group(2))) == (maker, taker)
