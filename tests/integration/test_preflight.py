"""Preflight before anything permanent (issue 12, item 2) and books in any quote currency, with venues, assets
and instruments added by governed calls (item 4): the commands run as a user runs them (``python -m
predator.cli`` on PREDATOR_DSN), and the database is read afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from predator import config
from predator.cli import exits
from predator.config import PROJECT_ROOT
from predator.db.connection import Target

CANDLES = config.data_dir() / "candles"
SMA = ["--strategy", "sma_cross", "--params", '{"fast": 2, "slow": 6, "max_positions": 5}']


def _cli(db: Target, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PREDATOR_DSN=db.dsn, PREDATOR_LOG=os.devnull)
    return subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def _refused(proc: subprocess.CompletedProcess[str], code: int = exits.USAGE) -> str:
    """The one line of a refusal (its exit code, no traceback)."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def _count(db: Target, sql: str, *params: object) -> int:
    with db.connect("auditor") as conn:
        row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def _state(db: Target) -> tuple[int, int, int]:
    """Accounts, registered strategies and audit-log entries: what a refused command must not add."""
    return (_count(db, "SELECT count(*) FROM api.accounts"), _count(db, "SELECT count(*) FROM api.strategies"),
            _count(db, "SELECT count(*) FROM api.audit_log"))


PAPER = ["paper", "--account", "p1", *SMA, "--no-progress"]

NOT_FOUND, USAGE = exits.NOT_FOUND, exits.USAGE
REFUSALS = [
    (["--symbols", "BTCUSDT", "--from", "2023-01-01", "--to", "2023-02-01"], NOT_FOUND,
     "not an instrument of binance: BTCUSDT (did you mean BTC/USDT?)"),
    (["--symbols", "BTC/USDT,FOO/USDT", "--from", "2023-01-01", "--to", "2023-02-01"], NOT_FOUND,
     "FOO/USDT (unknown)"),
    (["--symbols", "BTC/USD", "--from", "2023-01-01", "--to", "2023-02-01"], NOT_FOUND,
     "BTC/USD (an instrument of kraken, not of binance)"),
    (["--symbols", "BTC/USDT", "--from", "2030-01-01", "--to", "2030-02-01"], NOT_FOUND,
     "no binance 1h candles between 2029-12-31T23:00Z and 2030-02-01T00:00Z for BTC/USDT (stored: "
     "2018-01-01T00:00Z to"),
    (["--symbols", "BTC/USDT", "--from", "2023-03-01", "--to", "2023-02-01"], USAGE,
     "--from 2023-03-01T00:00Z is after --to 2023-02-01T00:00Z"),
    (["--symbols", "BTC/USDT,ETH/USDT", "--from", "2017-12-01", "--to", "2018-02-01"], USAGE,
     "BTC/USDT starts late: its first bar is 2018-01-01T00:00Z"),
    (["--symbols", "BTC/USDT", "--from", "2023-01-01", "--to", "2023-02-01", "--quote", "USD"], USAGE,
     "BTC/USDT quoted in USDT, but the book's quote currency is USD: every signal would be refused "
     "quote_currency_mismatch; pass --quote USDT"),
    (["--symbols", "BTC/USDT", "--from", "2023-01-01T00:30", "--to", "2023-02-01"], USAGE, "is not on the hour"),
]


def test_every_refusal_is_one_line_and_creates_no_account(market_db: Target) -> None:
    before = _state(market_db)
    for args, code, expected in REFUSALS:
        line = _refused(_cli(market_db, *PAPER, *args), code)
        assert line.startswith("error: ") and expected in line, (args, line)
    line = _refused(_cli(market_db, "run", "--account", "r1", "--symbols", "BTCUSDT", *SMA, "--from",
                         "2023-01-01", "--speed", "3600", "--max-seconds", "5"), NOT_FOUND)
    assert "did you mean BTC/USDT?" in line
    assert "unknown account 'nosuch'" in _refused(_cli(market_db, "replay", "--account", "nosuch"), NOT_FOUND)
    assert _state(market_db) == before == (0, 0, before[2])


def test_dry_run_says_what_it_would_create_and_writes_nothing(market_db: Target) -> None:
    before = _state(market_db)
    proc = _cli(market_db, *PAPER, "--symbols", "BTC/USDT,ETH/USDT", "--from", "2023-01-01", "--to", "2023-01-03",
                "--dry-run")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "dry run: nothing written" in out
    assert "account p1: would be created (paper, venue binance, quote USDT, lane paper" in out
    assert "deposit: 10000 USDT at 2023-01-01T00:00Z" in out
    assert "strategy sma_cross: would be registered with" in out
    assert "symbols BTC/USDT, ETH/USDT" in out
    assert "hours: 2023-01-01T00:00Z .. 2023-01-03T00:00Z (49 hour(s) to run)" in out
    assert "data ETH/USDT: 49 bar(s) from 2022-12-31T23:00Z to 2023-01-02T23:00Z" in out
    assert _state(market_db) == before


def test_a_coin_without_instrument_is_named_at_load_and_refused_before_the_run(market_db: Target,
                                                                              tmp_path: Path) -> None:
    doge = tmp_path / "binance_DOGE-USDT_1h.csv.gz"
    shutil.copy(CANDLES / "binance_XRP-USDT_1h.csv.gz", doge)   # real bars, under a name the seed lacks
    load = _cli(market_db, "data", "load", str(doge), "--no-progress")
    assert load.returncode == 0, load.stderr
    assert "warning: DOGE/USDT is not an instrument of binance" in load.stderr
    args = [*PAPER, "--symbols", "BTC/USDT,DOGE/USDT", "--from", "2023-01-01", "--to", "2023-01-03"]
    assert "DOGE/USDT (unknown)" in _refused(_cli(market_db, *args), NOT_FOUND)
    assert _state(market_db)[:2] == (0, 0)

    add = ["instruments", "add", "--venue", "binance", "--symbol", "DOGE/USDT", "--tick", "0.00001", "--step", "1",
           "--min-notional", "5"]
    assert "unknown asset(s) DOGE: add each first with predator instruments add-asset" in _refused(
        _cli(market_db, *add), NOT_FOUND)
    assert "[PD011]" in _refused(_cli(market_db, "instruments", "add-asset", "--asset", "DOGE", "--kind", "crypto",
                                      "--cluster", "memes", "--reason", "test"), NOT_FOUND)
    asset = ["instruments", "add-asset", "--asset", "DOGE", "--kind", "crypto", "--cluster", "meme", "--reason",
             "DOGE for the test"]
    assert _cli(market_db, *asset).stdout.strip() == "asset DOGE: inserted"
    assert _cli(market_db, *asset).stdout.strip() == "asset DOGE: unchanged"
    assert "[PD010]" in _refused(_cli(market_db, "instruments", "add-asset", "--asset", "DOGE", "--kind", "fiat",
                                      "--reason", "test"), exits.DATABASE_REFUSED)
    assert _cli(market_db, *add).stdout.strip() == "DOGE/USDT at binance: inserted"
    with market_db.connect("auditor") as conn:
        actions = conn.execute("SELECT action, target FROM api.audit_log WHERE action IN ('add_asset',"
                               " 'upsert_instruments') ORDER BY seq").fetchall()
        rules = conn.execute("SELECT tick_size, step_size, min_notional, cluster FROM api.instruments"
                             " WHERE venue = 'binance' AND symbol = 'DOGE/USDT'").fetchone()
    assert actions == [("add_asset", "DOGE"), ("upsert_instruments", "binance")]
    assert rules is not None and (str(rules[0]), str(rules[1]), str(rules[2]), rules[3]) == \
        ("0.00001", "1", "5", "meme")
    proc = _cli(market_db, *args)
    assert proc.returncode == 0, proc.stderr
    assert "49 hours closed" in proc.stdout


def test_a_usd_book_trades_kraken_btc_usd_and_keeps_its_quote(market_db: Target) -> None:
    load = _cli(market_db, "data", "load", str(CANDLES / "binance_BTC-USDT_1h.csv.gz"), "--venue", "kraken",
                "--symbol", "BTC/USD", "--no-progress")
    assert load.returncode == 0, load.stderr
    args = ["paper", "--account", "usd", "--venue", "kraken", "--symbols", "BTC/USD", *SMA, "--risk-profile",
            "unconstrained", "--from", "2023-03-01", "--to", "2023-03-08", "--no-progress"]
    proc = _cli(market_db, *args)   # no --quote: the symbols' quote, USD
    assert proc.returncode == 0, proc.stderr
    assert "quote_currency_mismatch" not in proc.stdout
    assert "refusals by reason: none" in proc.stdout
    with market_db.connect("auditor") as conn:
        assert conn.execute("SELECT venue, base_currency FROM api.accounts WHERE name = 'usd'").fetchall() == [
            ("kraken", "USD")]
        fills = conn.execute("SELECT count(*) FROM api.fills WHERE account = 'usd'").fetchone()
        refused = conn.execute("SELECT count(*) FROM api.decisions WHERE account = 'usd'"
                               " AND 'quote_currency_mismatch' = ANY(reasons)").fetchone()
    assert fills is not None and fills[0] > 0
    assert refused == (0,)
    # The same run again resumes (nothing left to do); another quote is refused before anything is written.
    again = _cli(market_db, *args)
    assert again.returncode == 0, again.stderr
    before = _state(market_db)
    line = _refused(_cli(market_db, "paper", "--account", "usd", "--venue", "kraken", "--symbols", "BTC/USDT", *SMA,
                         "--risk-profile", "unconstrained", "--from", "2023-03-01", "--to", "2023-03-08",
                         "--quote", "USDT", "--no-progress"))
    assert line == ("error: account usd exists with quote currency USD; this run asks for quote currency USDT: "
                    "accounts are permanent, use a new account name (or --quote USD)")
    line = _refused(_cli(market_db, *args[:-1], "--to", "2023-03-09", "--no-progress"))
    assert "account usd already ran run-" in line and "(it differs in --to)" in line
    assert _state(market_db) == before
    replay = _cli(market_db, "replay", "--account", "usd", "--no-progress")
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "REPLAY PARITY: TRUE" in replay.stdout


def _market(symbol: str, price: float, amount: float, cost: float) -> dict[str, object]:
    base, quote = symbol.split("/")
    return {"id": symbol.replace("/", ""), "symbol": symbol, "base": base, "quote": quote, "type": "spot",
            "spot": True, "active": True, "precision": {"price": price, "amount": amount},
            "limits": {"amount": {"min": amount, "max": None}, "cost": {"min": cost, "max": None}}}


def test_a_new_venue_and_its_markets_from_a_ccxt_file(db: Target, tmp_path: Path) -> None:
    markets = tmp_path / "binanceus_markets.json"
    markets.write_text(json.dumps([_market("BTC/USD", 0.01, 0.00001, 10), _market("ETH/USD", 0.01, 0.0001, 10),
                                   _market("PEPE/USD", 1e-8, 1, 10)]))
    load = ["instruments", "load", "--venue", "binanceus", "--from-file", str(markets)]
    assert "unknown venue 'binanceus'" in _refused(_cli(db, *load), NOT_FOUND)
    venue = ["instruments", "add-venue", "--venue", "binanceus", "--name", "Binance.US spot", "--maker-fee-bps", "10",
             "--taker-fee-bps", "10", "--reason", "trade in the US"]
    assert _cli(db, *venue).stdout.strip() == "venue binanceus: inserted"
    assert _cli(db, *venue).stdout.strip() == "venue binanceus: unchanged"
    assert "[PD010]" in _refused(_cli(db, *venue[:-4], "--taker-fee-bps", "12", "--reason", "x"),
                                 exits.DATABASE_REFUSED)
    proc = _cli(db, *load)
    assert proc.returncode == 0, proc.stderr
    assert "2 inserted, 1 skipped" in proc.stdout
    assert "skipped for unknown assets: PEPE" in proc.stdout
    listed = _cli(db, "instruments", "list", "--venue", "binanceus", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["symbol"], r["tick_size"], r["step_size"], r["min_notional"], r["source"]) for r in rows] == [
        ("BTC/USD", "0.01", "0.00001", "10", "file:binanceus_markets.json"),
        ("ETH/USD", "0.01", "0.0001", "10", "file:binanceus_markets.json")]
    text = _cli(db, "instruments", "list", "--venue", "kraken", "--quote", "USD")
    assert text.stdout.splitlines()[-1] == "2 instrument(s)"   # the seed's BTC/USD and ETH/USD
    with db.connect("auditor") as conn:
        audited = conn.execute("SELECT action, target, actor FROM api.audit_log WHERE target = 'binanceus'"
                               " ORDER BY seq").fetchall()
    assert [(a, t) for a, t, _ in audited] == [("add_venue", "binanceus"), ("upsert_instruments", "binanceus")]
    # A run on the new venue now gets past its instruments, to the data it does not have yet.
    line = _refused(_cli(db, "paper", "--account", "us1", "--venue", "binanceus", "--symbols", "BTC/USD", *SMA,
                         "--from", "2023-03-01", "--to", "2023-03-08", "--no-progress"), NOT_FOUND)
    assert "no binanceus 1h candles" in line and "BTC/USD (none stored)" in line
    assert _count(db, "SELECT count(*) FROM api.accounts") == 0


@pytest.mark.parametrize("symbols,quote", [(("BTC/USD", "ETH/USD"), "USD"), (("BTC/USDT", "ETH/USD"), "USD")])
def test_the_default_quote_is_the_symbols_else_the_venues(symbols: tuple[str, ...], quote: str) -> None:
    from predator.runner.preflight import default_quote

    assert default_quote("kraken", symbols) == quote
    assert default_quote("binance", ("BTC/USDT",)) == "USDT"
    assert default_quote("binance", ("BTC/USDT", "ETH/BTC")) == "USDT"


def test_replay_books_in_the_accounts_quote_currency(market_db: Target) -> None:
    """An account made in USD by hand and run before the quote was checked (its run says USDT): the replay
    books in the account's currency, as the hours closed, and keeps parity."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from predator.db import api
    from predator.marketdata.loader import load_file
    from predator.runner.hour import HourRunner, RunConfig
    from predator.runner.replay import replay
    from predator.strategies.base import effective_params, load_strategy
    from predator.venues.paper import PaperConfig

    with market_db.connect("worker") as conn:
        load_file(conn, CANDLES / "binance_BTC-USDT_1h.csv.gz", venue="kraken", symbol="BTC/USD")
    start = datetime(2023, 3, 1, tzinfo=UTC)
    with market_db.connect("operator") as op, op.transaction():
        api.create_account(op, "legacy", mode="paper", venue="kraken", base_currency="USD", lane="paper",
                           initial_principal=Decimal(10000), risk_profile="unconstrained", reason="by hand")
        api.deposit(op, "legacy", Decimal(10000), start, reason="principal", ref="principal")
    params = {"fast": 2, "slow": 6, "max_positions": 5}
    cfg = RunConfig(account="legacy", symbols=("BTC/USD",), strategy="sma_cross",
                    params=effective_params(load_strategy("sma_cross", params), params), start=start,
                    end=datetime(2023, 3, 4, tzinfo=UTC), principal=Decimal(10000), base_currency="USDT",
                    risk_profile="unconstrained", venue=PaperConfig(venue="kraken", seed=3))
    runner = HourRunner(market_db, cfg)
    try:
        summary = runner.run()
    finally:
        runner.close()
    assert summary.fills > 0
    result = replay(market_db, "legacy")
    assert result.hours_compared == 73
    assert result.mismatches == [] and result.parity
