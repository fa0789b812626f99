"""Run freqtrade's backtesting offline on the shared candles: the freqtrade leg of the peer cross-check.

freqtrade loads the venue's market list at start-up even for a backtest (its maintainers: "freqtrade needs
the exchange's market information ... also for backtesting/hyperopt ... working offline is not possible",
github.com/freqtrade/freqtrade/issues/5526, /6077, /10100). This launcher supplies a static ccxt market
structure instead: it replaces ``Exchange._load_async_markets`` (the one call that reaches the venue, made
by ``Exchange.reload_markets``) with ``set_markets`` of the static structure, so everything after it —
``reload_markets`` copying the markets to the sync ccxt object, pair and stake-currency validation,
precision and limits — runs freqtrade's own code unchanged.

Static market per pair (ccxt unified structure, Binance spot, precision mode TICK_SIZE): amount step 10⁻⁸
(the same step as Predator's quantities), price step 10^−d with d the most decimals any price of the file
has, minimum cost 5 USDT (Binance's NOTIONAL filter), taker/maker fee 0.1%.

Two sub-commands, run in the peers venv:

* ``prepare --symbols …`` converts the shared candles (read-only) into freqtrade's feather files under
  ``.predator/peers/freqtrade/data/binance`` with freqtrade's own data handler (done once per file);
* ``run --symbols … --from … --to … --out trades.json`` backtests and writes the trades (the timed step).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import HOUR, WORK, LegResult, Trade, candle_file, parse_time, read_candles  # noqa: E402

FT = WORK / "freqtrade"
DATA = FT / "user_data" / "data" / "binance"   # freqtrade's default layout: <user_data_dir>/data/<exchange>
USER = FT / "user_data"
STRATEGY = "PredatorSmaCross"


def pair_file(symbol: str) -> Path:
    return DATA / f"{symbol.replace('/', '_')}-1h.feather"


def static_market(symbol: str, price_decimals: int, fee: float) -> dict:
    base, quote = symbol.split("/")
    tick = float(f"1e-{price_decimals}") if price_decimals else 1.0
    return {
        "id": f"{base}{quote}", "symbol": symbol, "base": base, "quote": quote, "baseId": base, "quoteId": quote,
        "settle": None, "settleId": None, "type": "spot", "spot": True, "margin": False, "swap": False,
        "future": False, "option": False, "index": None, "active": True, "contract": False, "linear": None,
        "inverse": None, "contractSize": None, "expiry": None, "expiryDatetime": None, "strike": None,
        "optionType": None, "taker": fee, "maker": fee, "percentage": True, "tierBased": False,
        "precision": {"amount": 1e-8, "price": tick, "cost": None, "base": 1e-8, "quote": 1e-8},
        "limits": {"amount": {"min": 1e-8, "max": 9e15}, "price": {"min": tick, "max": 1e12},
                   "cost": {"min": 5.0, "max": 9e15}, "leverage": {"min": None, "max": None},
                   "market": {"min": 0.0, "max": 9e15}},
        "created": None, "info": {"symbol": f"{base}{quote}", "status": "TRADING"},
    }


def install_static_markets(markets: dict[str, dict]) -> None:
    """Make freqtrade's market load use ``markets`` instead of the venue's API."""
    from freqtrade.exchange.exchange import Exchange

    def _load_async_markets(self: Exchange, reload: bool = False) -> None:
        self._api_async.set_markets(markets)

    Exchange._load_async_markets = _load_async_markets  # type: ignore[method-assign]


def prepare(symbols: list[str]) -> dict[str, dict]:
    """Convert the candles of ``symbols`` into freqtrade's data dir (once per file); returns the metadata
    (price decimals, missing hours) the run needs."""
    import pandas as pd
    from freqtrade.data.history import get_datahandler
    from freqtrade.enums import CandleType

    DATA.mkdir(parents=True, exist_ok=True)
    handler = get_datahandler(DATA, "feather")
    meta_path = FT / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    for symbol in symbols:
        src = candle_file(symbol)
        key = f"{src.name}:{src.stat().st_size}:{int(src.stat().st_mtime)}"
        if meta.get(symbol, {}).get("source") == key and pair_file(symbol).exists():
            continue
        c = read_candles(symbol, src)
        df = pd.DataFrame({"date": pd.to_datetime(c.ts, unit="s", utc=True), "open": c.open, "high": c.high,
                           "low": c.low, "close": c.close, "volume": c.volume})
        handler.ohlcv_store(symbol, "1h", df, CandleType.SPOT)
        meta[symbol] = {"source": key, "price_decimals": c.decimals, "missing_hours": c.missing_hours()}
    meta_path.write_text(json.dumps(meta))
    return meta


def config(symbols: list[str], start: int, end: int, meta: dict, fee: float, principal: float,
           max_open_trades: int, gap_aware: bool = True) -> dict:
    return {
        "strategy": STRATEGY,
        "strategy_path": str(USER / "strategies"),
        "user_data_dir": str(USER),
        "dataformat_ohlcv": "feather",
        "timeframe": "1h",
        "timerange": f"{start - HOUR}-{end - HOUR}",
        "max_open_trades": max_open_trades,
        "stake_currency": "USDT",
        "stake_amount": "unlimited",
        "tradable_balance_ratio": 1.0,
        "dry_run": True,
        "dry_run_wallet": principal,
        "fee": fee,
        "trading_mode": "spot",
        "margin_mode": "",
        "cancel_open_orders_on_exit": False,
        "unfilledtimeout": {"entry": 10, "exit": 10, "unit": "minutes"},
        "entry_pricing": {"price_side": "other", "use_order_book": False, "order_book_top": 1,
                          "price_last_balance": 0.0, "check_depth_of_market": {"enabled": False}},
        "exit_pricing": {"price_side": "other", "use_order_book": False, "order_book_top": 1},
        "exchange": {"name": "binance", "key": "", "secret": "", "pair_whitelist": symbols, "pair_blacklist": [],
                     "ccxt_config": {}, "ccxt_async_config": {}, "enable_ws": False},
        "pairlists": [{"method": "StaticPairList"}],
        "export": "none",
        "internals": {},
        "predator_missing_hours": {s: meta[s]["missing_hours"] if gap_aware else [] for s in symbols},
    }


def run(symbols: list[str], start: int, end: int, fee: float, principal: float, max_open_trades: int,
        gap_aware: bool = True) -> LegResult:
    meta_path = FT / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if any(s not in meta or not pair_file(s).exists() for s in symbols):
        raise SystemExit(f"freqtrade data missing for some of {symbols}: run `{Path(__file__).name} prepare` first")
    (USER / "strategies").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "freqtrade_strategy.py", USER / "strategies" / "freqtrade_strategy.py")
    os.environ["PREDATOR_PEERS_DIR"] = str(HERE)
    cfg_path = FT / "config.json"
    cfg_path.write_text(json.dumps(config(symbols, start, end, meta, fee, principal, max_open_trades, gap_aware),
                                   indent=1))

    install_static_markets({s: static_market(s, meta[s]["price_decimals"], fee) for s in symbols})
    from freqtrade.commands import Arguments
    from freqtrade.commands.optimize_commands import setup_optimize_configuration
    from freqtrade.enums import RunMode
    from freqtrade.optimize.backtesting import Backtesting

    args = Arguments(["backtesting", "--config", str(cfg_path), "--export", "none", "--no-color"]).get_parsed_arg()
    bt = Backtesting(setup_optimize_configuration(args, RunMode.BACKTEST))
    bt.start()
    result = bt.results["strategy"][STRATEGY]
    trades, excluded = [], []
    for t in result["trades"]:
        tr = Trade(t["pair"], int(t["open_timestamp"]) // 1000, int(t["close_timestamp"]) // 1000,
                   float(t["open_rate"]), float(t["close_rate"]), float(t["amount"]), float(t["profit_ratio"]),
                   float(t["profit_ratio"]))
        (excluded if t["exit_reason"] == "force_exit" else trades).append(tr)
    notes = [f"{len(excluded)} position(s) force-exited at the end of the data (freqtrade closes what is open; "
             "not a signal exit, left out)"] if excluded else []
    return LegResult("freqtrade", trades, float(result["profit_total"]), notes=notes, excluded=excluded)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--symbols", required=True)
    pr = sub.add_parser("run")
    pr.add_argument("--symbols", required=True)
    pr.add_argument("--from", dest="start", required=True)
    pr.add_argument("--to", dest="end", required=True)
    pr.add_argument("--fee", type=float, default=0.001)
    pr.add_argument("--principal", type=float, default=10000.0)
    pr.add_argument("--max-open-trades", type=int, default=None)
    pr.add_argument("--out", type=Path, required=True)
    pr.add_argument("--log", type=Path, default=None)
    pr.add_argument("--plain-gaps", action="store_true",
                    help="let the strategy see freqtrade's filled-up candles (to show what the gap handling changes)")
    a = p.parse_args(argv)
    symbols = a.symbols.split(",")
    if a.cmd == "prepare":
        prepare(symbols)
        return 0
    t0 = time.perf_counter()
    logging.basicConfig(level=logging.INFO, filename=a.log, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    res = run(symbols, int(parse_time(a.start).timestamp()), int(parse_time(a.end).timestamp()), a.fee, a.principal,
              a.max_open_trades or len(symbols), gap_aware=not a.plain_gaps)
    res.seconds = time.perf_counter() - t0
    res.dump(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
