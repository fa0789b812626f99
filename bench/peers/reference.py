"""The plain-Python reference of the cross-check: the same rules as the three engines, in a loop over hours,
with Predator's account arithmetic (Decimal cash, quantities rounded down to 10⁻⁸, the paper venue's fill
and cash rules) and nothing else — no database, no venue, no framework.

Per decision time T in [start, end) (see :mod:`common`): the strategy of
``predator.strategies.sma_cross`` decides for each symbol on the last bar closed by T; a buy is sized from
the account's cash and equity at T (positions marked at their last close), admitted when its cost at the
last close plus fee fits the cash left after the hour's earlier buys, and filled at the open of the bar
that opens at T (no bar: the market order expires), rejected when the cash cannot pay it at that open.

Runs in any venv with numpy: ``python bench/peers/reference.py --symbols BTC/USDT --from 2023-01-01 --to
2024-01-01 --out trades.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOUR, Candles, LegResult, Trade, common_return, cross_series, parse_time, read_candles  # noqa: E402

STEP = Decimal("1e-8")
MIN_NOTIONAL = Decimal(5)


def dec(x: float) -> Decimal:
    """The decimal a float was parsed from (the shortest repr round-trips the file's text)."""
    return Decimal(repr(float(x)))


@dataclass
class _Symbol:
    candles: Candles
    cross: np.ndarray
    index: dict[int, int]
    qty: Decimal = Decimal(0)
    entry: tuple[int, Decimal, Decimal] | None = None   # (ts, price, quantity)


@dataclass
class Account:
    cash: Decimal
    symbols: dict[str, _Symbol] = field(default_factory=dict)


def run(symbols: list[str], start: int, end: int, *, fee: float = 0.001, fast: int = 10, slow: int = 50,
        principal: Decimal = Decimal(10000), max_positions: int = 1, cash_buffer: float = 0.01,
        candles: dict[str, Candles] | None = None) -> LegResult:
    """Trade ``symbols`` over [start, end) (unix s); returns the completed round trips and the account's return."""
    f = dec(fee)
    buffer = dec(1.0 + cash_buffer)
    one_plus_fee = dec(1.0 + fee)
    acct = Account(principal)
    for s in symbols:
        c = (candles or {}).get(s) or read_candles(s)
        c = c.window(start - (slow + 200) * HOUR, end - HOUR)
        acct.symbols[s] = _Symbol(c, cross_series(c.close, fast, slow), {int(t): i for i, t in enumerate(c.ts)})
    trades: list[Trade] = []
    pending: list[tuple[str, str, Decimal]] = []   # (symbol, side, quantity) placed at the previous decision
    rejected = 0
    for t in range(start, end + 1, HOUR):
        # the orders placed at t - 1h fill at the open of the bar that opened at t - 1h
        for sym, side, q in pending:
            st = acct.symbols[sym]
            i = st.index.get(t - HOUR)
            if i is None:
                continue  # no bar: the market order expires
            price = dec(st.candles.open[i])
            cost = q * price
            fee_cost = cost * f
            if side == "buy":
                if cost + fee_cost > acct.cash:
                    rejected += 1
                    continue
                acct.cash -= cost + fee_cost
                st.qty += q
                st.entry = (t - HOUR, price, q)
            else:
                acct.cash += cost - fee_cost
                st.qty -= q
                assert st.entry is not None
                ets, eprice, eq = st.entry
                raw = (q * price - fee_cost - eq * eprice * (1 + f)) / (eq * eprice * (1 + f))
                trades.append(Trade(sym, ets, t - HOUR, float(eprice), float(price), float(q),
                                    common_return(float(eprice), float(price), fee), float(raw)))
                st.entry = None
        pending = []
        if t >= end:
            break
        # the account at t, positions at their last close
        last: dict[str, int] = {}
        equity = acct.cash
        for sym, st in acct.symbols.items():
            n = int(np.searchsorted(st.candles.ts, t - HOUR, side="right"))
            last[sym] = n - 1
            if st.qty > 0 and n > 0:
                equity += st.qty * dec(st.candles.close[n - 1])
        open_buys = Decimal(0)
        for sym, st in acct.symbols.items():
            i = last[sym]
            if i < 0:
                continue
            cross = int(st.cross[i])
            close = dec(st.candles.close[i])
            if cross > 0 and st.qty == 0:
                if max_positions == 1:
                    if equity - acct.cash > equity * Decimal("1e-9"):
                        continue
                    budget = acct.cash
                else:
                    budget = min(acct.cash, equity / max_positions)
                q = (budget / (close * one_plus_fee * buffer) / STEP).to_integral_value(ROUND_DOWN) * STEP
                if q <= 0 or q * close < MIN_NOTIONAL:
                    continue
                if q * close * one_plus_fee > acct.cash - open_buys * one_plus_fee:
                    rejected += 1  # refused at admission: insufficient cash
                    continue
                open_buys += q * close
                pending.append((sym, "buy", q))
            elif cross < 0 and st.qty > 0:
                pending.append((sym, "sell", st.qty))
    equity = acct.cash
    for st in acct.symbols.values():
        if st.qty > 0:
            equity += st.qty * dec(st.candles.close[int(np.searchsorted(st.candles.ts, end - HOUR, "right")) - 1])
    notes = [f"{rejected} buys refused or rejected for cash"] if rejected else []
    return LegResult("reference", trades, float(equity / principal - 1), notes=notes)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--symbols", required=True)
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--fee", type=float, default=0.001)
    p.add_argument("--max-positions", type=int, default=1)
    p.add_argument("--principal", default="10000")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    res = run(a.symbols.split(","), int(parse_time(a.start).timestamp()), int(parse_time(a.end).timestamp()),
              fee=a.fee, max_positions=a.max_positions, principal=Decimal(a.principal))
    res.seconds = time.perf_counter() - t0
    res.dump(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
