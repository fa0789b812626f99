"""A multi-currency book run end to end (issue 13 item 6; docs/risk.md, "Multi-currency runs").

A USDT book with 0.5 BTC of cash beside its USDT principal trades SOL/USDT against its USDT and ETH/BTC against its
BTC, over three real weeks of March 2023, through ``predator paper --deposit USDT=10000 --deposit BTC=0.5``: the
CLI enables BTC for the book (api.enable_book_currency), reads BTC/USDT as the conversion pair (market data, not
traded) and sizes each instrument against its own quote's cash as the database counts it. Every gate passes
(``predator validate``), the chains verify, ``predator replay`` finds parity, and a per-currency cap
(``max_quote_exposure`` scoped BTC) set low refuses an ETH/BTC entry ``quote_cap``.

The shared data hold only Binance */USDT pairs, so there is no real ETH/BTC history: **ETH/BTC is derived** here,
at test time, from the real ETH/USDT and BTC/USDT hourly files into a temporary directory (never into the shared
data): open = ETH open / BTC open, close = ETH close / BTC close, high = ETH high / BTC low and low = ETH low /
BTC high (bounds that contain every cross price the two bars allow), volume = the ETH volume; 8 decimals. The file
is loaded through the gated loader like any other, with source ``file:binance_ETH-BTC_1h.csv.gz``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import psycopg

from predator import config
from predator.db.connection import Target
from predator.marketdata.loader import load_file
from tests.helpers import run_cli

START = datetime(2023, 3, 1, tzinfo=UTC)
END = datetime(2023, 3, 22, tzinfo=UTC)
#: Short trend windows, entering whenever the trend is up, so that three weeks see trades in both quotes.
PARAMS = {"fast": 6, "slow": 24, "vol_window": 24, "entry": "regime", "band": 0.001, "max_weight": 0.3}
ACCOUNT = "mc"
EIGHT = Decimal("0.00000001")


def derive_eth_btc(directory: Path, start: datetime, end: datetime) -> Path:
    """ETH/BTC hourly bars derived from the real ETH/USDT and BTC/USDT files over [start, end) (see the module
    docstring), written as ``binance_ETH-BTC_1h.csv.gz`` in ``directory``; only hours both files hold."""
    def read(symbol: str) -> dict[str, list[Decimal]]:
        path = config.data_dir() / "candles" / f"binance_{symbol}_1h.csv.gz"
        rows: dict[str, list[Decimal]] = {}
        with gzip.open(path, "rt", newline="") as f:
            for r in csv.DictReader(f):
                ts = datetime.fromisoformat(r["ts"].replace("Z", "+00:00"))
                if start <= ts < end:
                    rows[r["ts"]] = [Decimal(r[k]) for k in ("open", "high", "low", "close", "volume")]
        return rows

    eth, btc = read("ETH-USDT"), read("BTC-USDT")
    out = io.StringIO()
    out.write("ts,open,high,low,close,volume\n")
    for ts in sorted(set(eth) & set(btc)):
        (eo, eh, el, ec, ev), (bo, bh, bl, bc, _) = eth[ts], btc[ts]
        q = [(x).quantize(EIGHT, ROUND_HALF_EVEN) for x in (eo / bo, eh / bl, el / bh, ec / bc)]
        out.write(f"{ts},{q[0]},{max(q)},{min(q)},{q[3]},{ev}\n")
    path = directory / "binance_ETH-BTC_1h.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write(out.getvalue())
    return path


def env(target: Target, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PREDATOR_DSN": target.dsn, "PREDATOR_LOG": str(tmp_path / "predator.jsonl")}


def test_a_multi_currency_book_trades_both_quotes_passes_every_gate_and_replays(market_db: Target,
                                                                                 tmp_path: Path) -> None:
    with psycopg.connect(market_db.dsn, autocommit=True) as conn:
        conn.execute("""SELECT count(*) FROM api.upsert_instruments('binance', '[{"symbol": "ETH/BTC", "base": "ETH",
                        "quote": "BTC", "tick_size": "0.000001", "step_size": "0.0001", "min_qty": "0.0001",
                        "min_notional": "0.0001"}]', 'test: derived ETH/BTC')""")
    derived = derive_eth_btc(tmp_path, START - timedelta(days=5), END + timedelta(hours=2))
    with market_db.connect("worker") as conn:
        loaded = load_file(conn, derived).result
    assert loaded.loaded > 24 * 25 and loaded.quarantined == 0, loaded.accounting()

    e = env(market_db, tmp_path)
    args = ["paper", "--account", ACCOUNT, "--symbols", "SOL/USDT,ETH/BTC", "--strategy", "trend",
            "--params", json.dumps(PARAMS), "--from", START.isoformat(), "--to", END.isoformat(),
            "--deposit", "USDT=10000", "--deposit", "BTC=0.5", "--no-progress"]
    dry = run_cli(*args, "--dry-run", env=e)
    assert dry.returncode == 0, dry.stderr
    assert "currency BTC: would be enabled" in dry.stdout and "deposit: 0.5 BTC" in dry.stdout, dry.stdout
    assert "conversion pairs BTC/USDT" in dry.stdout, dry.stdout
    ran = run_cli(*args, env=e)
    assert ran.returncode == 0, ran.stderr + ran.stdout

    with market_db.connect("auditor") as conn:
        currencies = dict(conn.execute(
            "SELECT currency, enabled FROM api.book_currencies WHERE account = %s", (ACCOUNT,)).fetchall())
        orders = dict(conn.execute(
            "SELECT split_part(symbol, '/', 2), count(*) FROM api.orders WHERE account = %s GROUP BY 1",
            (ACCOUNT,)).fetchall())
        fills = dict(conn.execute(
            "SELECT split_part(symbol, '/', 2), count(*) FROM api.fills WHERE account = %s GROUP BY 1",
            (ACCOUNT,)).fetchall())
        last = conn.execute(
            "SELECT hour, equity, valuation FROM api.hourly_states WHERE account = %s ORDER BY hour DESC LIMIT 1",
            (ACCOUNT,)).fetchone()
        # Each ETH/BTC entry was sized against the BTC cash: its notional (in BTC) never above that cash.
        over = conn.execute(
            """SELECT count(*) FROM api.decisions d
                WHERE d.account = %s AND d.symbol = 'ETH/BTC' AND d.outcome = 'admitted' AND d.direction = 'buy'
                  AND (d.figures ->> 'notional')::numeric > (d.figures -> 'valuation' ->> 'quote_cash')::numeric""",
            (ACCOUNT,)).fetchone()
    assert currencies == {"USDT": True, "BTC": True}, currencies
    assert orders.get("USDT", 0) > 0 and orders.get("BTC", 0) > 0, orders
    assert fills.get("USDT", 0) > 0 and fills.get("BTC", 0) > 0, fills
    assert last is not None and last[0] == END
    btc = last[2]["currencies"]["BTC"]
    assert btc["symbol"] == "BTC/USDT" and Decimal(str(btc["rate"])) > 10000, btc  # BTC valued through BTC/USDT
    assert over is not None and over[0] == 0

    validated = run_cli("validate", "--account", ACCOUNT, env=e)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    verified = run_cli("verify", env=e)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    replayed = run_cli("replay", "--account", ACCOUNT, "--no-progress", env=e)
    assert replayed.returncode == 0 and "REPLAY PARITY: TRUE" in replayed.stdout, replayed.stdout + replayed.stderr

    # The per-currency cap: BTC-quoted exposure capped at 10 USDT refuses an ETH/BTC entry the BTC cash could pay.
    with psycopg.connect(market_db.dsn, autocommit=True) as conn:
        conn.execute("SELECT api.set_limit('default', 'max_quote_exposure', 'abs', 10, 'test: BTC cap', 'BTC')")
        row = conn.execute(
            "SELECT outcome, reasons FROM api.submit_signal("
            "%s, 'trend', 'ETH/BTC', %s, 'buy', 0.6, 500, %s, 0.01)", (ACCOUNT, END, END + timedelta(hours=1))
        ).fetchone()
        refused = conn.execute(
            "SELECT outcome, reasons FROM api.decisions WHERE account = %s ORDER BY signal_seq DESC LIMIT 1",
            (ACCOUNT,)).fetchone()
    assert row is not None and row[0] == "refused" and "quote_cap" in row[1], row
    assert refused == ("refused", ["quote_cap"]), refused
