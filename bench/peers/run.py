"""Predator against freqtrade and backtesting.py: same candles, same strategy, same trades — and how fast.

For each case (BTC/USDT and ETH/USDT 1h over 2022–2024; 10 symbols over 2023) the harness runs the SMA
crossover in four ways on the same shared candles:

* **predator** — ``predator paper`` on a scratch account of the default database (candles loaded with
  ``predator data load``), every decision and fill through the governed procedures;
* **freqtrade** — ``freqtrade_launcher.py`` (offline backtesting with a static market structure);
* **backtesting.py** — ``backtesting_strategy.py`` (``FractionalBacktest``, one run per symbol);
* **reference** — ``reference.py``, the rules in plain Python with Predator's account arithmetic;

then compares every trade (entry bar, exit bar, return after fees) and prints a table per case, every
unmatched trade or return difference above 1e-6 with its reason, and the whole-process wall time of each
engine on the 10-symbol year; the last line gives the ratios Predator/freqtrade and Predator/backtesting.py.

Sizing: one symbol trades the whole equity (``max_positions`` 1). With n symbols each symbol trades on its
own and an entry gets equity / (2n) (Predator ``max_positions`` = 2n, freqtrade ``max_open_trades`` = 2n
with stake ``unlimited``), so capital never decides whether a trade happens — backtesting.py runs each
symbol alone with the whole cash. Trade returns do not depend on size (``common.py``).

Usage: ``make peers`` or ``.venv/bin/python bench/peers/run.py [--quick] [--no-freqtrade] [--no-predator]``.
It creates the peers venv (``.predator/peers-venv``) when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare  # noqa: E402
import reference  # noqa: E402
import setup_env  # noqa: E402
from common import WORK, LegResult, parse_time, read_candles  # noqa: E402

TEN = ["BTC/USDT", "ETH/USDT", "BNB/USDT", "XRP/USDT", "SOL/USDT", "ADA/USDT", "DOT/USDT", "LINK/USDT", "LTC/USDT",
       "TRX/USDT"]
FEE = 0.001
PRINCIPAL = Decimal(10000)


@dataclass(frozen=True)
class Case:
    name: str
    symbols: tuple[str, ...]
    start: str
    end: str

    @property
    def slots(self) -> int:
        return 1 if len(self.symbols) == 1 else 2 * len(self.symbols)

    @property
    def span(self) -> tuple[int, int]:
        return int(parse_time(self.start).timestamp()), int(parse_time(self.end).timestamp())


CASES = [
    Case("BTC+ETH 2022-2024", ("BTC/USDT", "ETH/USDT"), "2022-01-01", "2025-01-01"),
    Case("10 symbols 2023", tuple(TEN), "2023-01-01", "2024-01-01"),
]
QUICK = [Case("BTC 2023", ("BTC/USDT",), "2023-01-01", "2024-01-01")]


def _timed(cmd: list[str], log: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parents[1])
    seconds = time.perf_counter() - t0
    log.write_text(" ".join(cmd) + "\n\n" + done.stdout + "\n" + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[1]} failed ({done.returncode}), see {log}:\n{done.stderr[-3000:]}")
    return seconds, done


def out_dir(case: Case) -> Path:
    d = WORK / "runs" / case.name.replace(" ", "_").replace("+", "_")
    d.mkdir(parents=True, exist_ok=True)
    return d


def backtesting_leg(case: Case, python: Path, out: Path | None = None) -> LegResult:
    d = out or out_dir(case)
    seconds, _ = _timed([str(python), str(HERE / "backtesting_strategy.py"), "--symbols", ",".join(case.symbols),
                         "--from", case.start, "--to", case.end, "--fee", str(FEE), "--principal", str(PRINCIPAL),
                         "--out", str(d / "backtesting.json")], d / "backtesting.log")
    leg = LegResult.load(d / "backtesting.json")
    leg.seconds = seconds
    return leg


def freqtrade_prepare(symbols: list[str], python: Path) -> None:
    d = WORK / "runs"
    d.mkdir(parents=True, exist_ok=True)
    _timed([str(python), str(HERE / "freqtrade_launcher.py"), "prepare", "--symbols", ",".join(symbols)],
           d / "freqtrade_prepare.log")


def freqtrade_leg(case: Case, python: Path) -> LegResult:
    d = out_dir(case)
    seconds, _ = _timed([str(python), str(HERE / "freqtrade_launcher.py"), "run", "--symbols", ",".join(case.symbols),
                         "--from", case.start, "--to", case.end, "--fee", str(FEE), "--principal", str(PRINCIPAL),
                         "--max-open-trades", str(case.slots), "--out", str(d / "freqtrade.json"),
                         "--log", str(d / "freqtrade_internal.log")], d / "freqtrade.log")
    leg = LegResult.load(d / "freqtrade.json")
    leg.seconds = seconds
    return leg


def predator_leg(case: Case) -> LegResult:
    import predator_leg as pl

    start, end = case.span
    pl.load_candles(list(case.symbols), start, end)
    leg = pl.run(list(case.symbols), start, end, params={"max_positions": case.slots}, fee=FEE, principal=PRINCIPAL,
                 log=out_dir(case) / "predator.log")
    return leg


def reference_leg(case: Case) -> LegResult:
    start, end = case.span
    t0 = time.perf_counter()
    leg = reference.run(list(case.symbols), start, end, fee=FEE, principal=PRINCIPAL, max_positions=case.slots)
    leg.seconds = time.perf_counter() - t0
    return leg


def predator_available() -> tuple[bool, str]:
    import predator_leg as pl

    pl.pin_home()
    try:
        if not pl.has_paper_command():
            return False, "`predator paper` is not available yet"
        pl.ensure_database()
    except Exception as e:  # noqa: BLE001  (report and go on with the other engines)
        return False, f"Predator leg skipped: {e}"
    return True, ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="only BTC/USDT 2023 (no timing table)")
    p.add_argument("--no-freqtrade", action="store_true")
    p.add_argument("--no-predator", action="store_true")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    a = p.parse_args(argv)
    cases = QUICK if a.quick else CASES
    started = datetime.now(UTC)
    python = setup_env.ensure("backtesting" if a.no_freqtrade else "freqtrade")
    with_predator, why = (False, "--no-predator") if a.no_predator else predator_available()
    if not with_predator:
        print(f"note: {why}", flush=True)
    if not a.no_freqtrade:
        freqtrade_prepare(sorted({s for c in cases for s in c.symbols}), python)

    comparisons = []
    missing = {s: read_candles(s).missing_hours() for c in cases for s in c.symbols}
    for case in cases:
        print(f"running {case.name} ({len(case.symbols)} symbols, {case.start} .. {case.end})", flush=True)
        legs = []
        if with_predator:
            legs.append(predator_leg(case))
        if not a.no_freqtrade:
            legs.append(freqtrade_leg(case, python))
        legs.append(backtesting_leg(case, python))
        legs.append(reference_leg(case))
        comparisons.append(compare.compare(case.name, legs, missing))

    print()
    print(compare.table(comparisons))
    print()
    print(compare.findings_text(comparisons))
    for c in comparisons:
        for leg in c.legs:
            for note in (leg.notes or [])[:12]:
                print(f"  note [{c.case} / {leg.engine}] {note}")
    timed = comparisons[-1]
    secs = {leg.engine: leg.seconds for leg in timed.legs}
    print()
    print(f"wall time, whole process, {timed.case} ({started:%Y-%m-%d}, {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}):")
    for name, s in secs.items():
        if name != "reference":
            print(f"  {name:<15} {s:8.1f} s")
    if a.json:
        a.json.write_text(json.dumps({
            "date": started.isoformat(), "cores": os.cpu_count(),
            "cases": [{"case": c.case, "matched": c.matched, "largest_diff": c.largest_diff,
                       "findings": [f.__dict__ for f in c.findings],
                       "engines": {leg.engine: {"trades": len(leg.trades), "seconds": leg.seconds,
                                                "account_return": leg.total_return,
                                                "sum_returns": compare.sum_returns(leg)} for leg in c.legs}}
                      for c in comparisons]}, indent=1, default=str))
    pr = secs.get("predator")
    ft = secs.get("freqtrade")
    bt = secs.get("backtesting.py")
    ratio = lambda x, y: f"{x / y:.2f}" if x and y else "n/a"  # noqa: E731
    print(f"speed ratio ({timed.case}, whole-process wall time): Predator/freqtrade = {ratio(pr, ft)}, "
          f"Predator/backtesting.py = {ratio(pr, bt)}")
    return 0 if all(c.ok for c in comparisons) else 1


if __name__ == "__main__":
    sys.exit(main())
