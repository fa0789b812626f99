"""The SMA crossover as a freqtrade ``IStrategy`` (interface version 3), for the peer cross-check.

Rules as everywhere (``common.py``): SMA(10)/SMA(50) of closes; enter long when the fast one crosses above
the slow one at a bar's close, exit when it crosses below. freqtrade settings for the same fills and fees:

* freqtrade shifts every signal by one candle and fills at the **open** of the next candle (backtesting
  docs: "assumes... buy/sell at the open of the next candle"), so a cross at bar t's close fills at bar
  t+1's open, as in Predator's paper venue.
* No ROI exit (``minimal_roi = {"0": 100}``: +10000%), no stop-loss (``stoploss = -1.0``: a stop at price
  0, never touched), no trailing stop; the exit signal is the only exit (``use_exit_signal``). Market orders
  for entry and exit.
* Fee 0.1% per side comes from the launcher's config (``"fee": 0.001``); one trade per pair at a time
  (freqtrade's rule without position stacking); stake and slots are set by the launcher.

**Missing candles.** freqtrade fills every missing candle of the data with a flat, zero-volume candle at
the previous close before the strategy sees it (``ohlcv_fill_up_missing_data`` in
``freqtrade/data/converter/converter.py``); Predator and backtesting.py see the bars as stored. So that all
engines compute the averages over the same candles, the launcher passes the hours missing from the source
file (config key ``predator_missing_hours``, per pair) and the averages are computed over the real candles
only; a signal of the last real candle before a gap is placed on the last filled candle of the gap, so
freqtrade fills it at the open of the next *real* candle, like the other engines.

The crossing test is the exact integer one of ``common.cross_series`` (shared with the other legs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from freqtrade.strategy import IStrategy

_peers = Path(__file__).resolve().parent
if not (_peers / "common.py").exists():  # copied into freqtrade's user_data/strategies by the launcher
    import os

    _peers = Path(os.environ["PREDATOR_PEERS_DIR"])
sys.path.insert(0, str(_peers))

from common import cross_series  # noqa: E402


def place_on_rows(cross_real: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Spread the crossings computed on the real rows back onto all rows: the signal of real row i goes on
    the row right before the next real row (row i itself when no candle is missing after it)."""
    out = np.zeros(real.shape[0], dtype=np.int8)
    pos = np.flatnonzero(real)
    if pos.size == 0:
        return out
    target = np.empty_like(pos)
    target[:-1] = pos[1:] - 1
    target[-1] = pos[-1]
    out[target] = cross_real
    return out


class PredatorSmaCross(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1h"
    can_short = False
    minimal_roi = {"0": 100}
    stoploss = -1.0
    trailing_stop = False
    use_exit_signal = True
    exit_profit_only = False
    ignore_roi_if_entry_signal = False
    process_only_new_candles = True
    position_adjustment_enable = False
    startup_candle_count = 250
    order_types = {"entry": "market", "exit": "market", "stoploss": "market", "stoploss_on_exchange": False}

    fast = 10
    slow = 50

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        missing = np.asarray(self.config.get("predator_missing_hours", {}).get(metadata["pair"], []), dtype=np.int64)
        ts = ((dataframe["date"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
        real = ~np.isin(ts, missing)
        close = dataframe["close"].to_numpy(dtype=np.float64)
        dataframe["cross"] = place_on_rows(cross_series(close[real], self.fast, self.slow), real)
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe.loc[dataframe["cross"] == 1, "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe.loc[dataframe["cross"] == -1, "exit_long"] = 1
        return dataframe
