"""The small peer cross-check: BTC/USDT 2023, Predator against backtesting.py (and the plain reference).

The same candles, the same SMA(10/50) crossover, the same fill rule (next bar's open, no slippage) and fee
(0.1% per side): every trade must be found in both engines at the same entry and exit bars, with returns
after fees equal within 1e-6. The full harness (freqtrade too, more cases, timings) is ``make peers``;
``docs/peer_crosscheck.md`` explains the rules and each engine's configuration.

Creates the peers venv (``.predator/peers-venv``, backtesting.py only) when missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from predator.db.connection import Target

PEERS = Path(__file__).resolve().parents[2] / "bench" / "peers"
sys.path.insert(0, str(PEERS))

import compare  # noqa: E402
import predator_leg  # noqa: E402
import reference  # noqa: E402
import run as harness  # noqa: E402
import setup_env  # noqa: E402
from common import common_return, read_candles  # noqa: E402

pytestmark = pytest.mark.slow

CASE = harness.Case("BTC 2023", ("BTC/USDT",), "2023-01-01", "2024-01-01")


def test_btc_2023_trades_match_backtesting_py(db: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = setup_env.ensure("backtesting")
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    start, end = CASE.span

    predator_leg.load_candles(list(CASE.symbols), start, end, window_dir=tmp_path / "candles")
    predator = predator_leg.run(list(CASE.symbols), start, end, params={"max_positions": 1}, account="peers_btc_2023",
                                log=tmp_path / "predator.log")
    backtesting = harness.backtesting_leg(CASE, python, out=tmp_path)
    ref = reference.run(list(CASE.symbols), start, end)

    result = compare.compare(CASE.name, [predator, backtesting, ref],
                             {s: read_candles(s).missing_hours() for s in CASE.symbols})
    report = compare.table([result]) + "\n" + compare.findings_text([result]) + "\n" + "\n".join(predator.notes or [])
    assert len(predator.trades) > 50, report
    assert result.findings == [], report
    assert result.matched == len(predator.trades) == len(backtesting.trades), report
    assert result.largest_diff <= 1e-6, report
    # Predator's account follows the same arithmetic as the reference (Decimal cash, 1e-8 quantities)
    assert predator.total_return == pytest.approx(ref.total_return, abs=1e-9), report


def test_backtesting_py_return_converts_to_the_common_return() -> None:
    """backtesting.py's ReturnPct is relative to the entry value without its fee; divided by (1 + fee) it is
    the common return, Predator's net_return."""
    entry, exit_, fee = 100.0, 110.0, 0.001
    bt_return_pct = (exit_ - entry) / entry - fee * (entry + exit_) / entry
    predator_net_return = (exit_ - entry - fee * (entry + exit_)) / (entry * (1 + fee))
    assert bt_return_pct / (1 + fee) == pytest.approx(predator_net_return, abs=1e-15)
    assert common_return(entry, exit_, fee) == pytest.approx(predator_net_return, abs=1e-15)


def test_comparison_lists_unmatched_trades_and_return_differences() -> None:
    """The harness's comparison names what differs: a trade missing in one engine, a return off by > 1e-6."""
    from common import LegResult, Trade

    h = 3600
    a = LegResult("predator", [Trade("BTC/USDT", 10 * h, 20 * h, 100.0, 110.0, 1.0, 0.0978, 0.0978),
                               Trade("BTC/USDT", 30 * h, 40 * h, 100.0, 90.0, 1.0, -0.1018, -0.1018)])
    b = LegResult("backtesting.py", [Trade("BTC/USDT", 10 * h, 20 * h, 100.0, 110.0, 1.0, 0.0978 + 2e-6, 0.0),
                                     Trade("BTC/USDT", 30 * h, 41 * h, 100.0, 90.0, 1.0, -0.1018, 0.0)])
    result = compare.compare("synthetic", [a, b], {"BTC/USDT": [39 * h]})
    assert result.matched == 1
    kinds = sorted(f.kind for f in result.findings)
    assert kinds == ["return", "unmatched", "unmatched"]
    text = compare.findings_text([result])
    assert "exits the same entry at" in text and "missing in the data" in text
    assert result.largest_diff == pytest.approx(2e-6)
