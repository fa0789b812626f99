"""Datasets and causal features for the model lane (issue 19 item 1).

A dataset is a query over ``market.candle``: the effective 1h bars of ``symbols`` with open time in [start, end)
on one venue, read through the gateway (:func:`predator.db.reads.candles`, ``api.candles``), with the dataset
hash of ``api.dataset_hash`` (:func:`predator.db.market_api.dataset_hash`) over the same window. The bars read
are hashed again in Python (:func:`predator.marketdata.dataset.dataset_hash_of`, the same canonical form) and a
mismatch is refused, so the hash recorded is the hash of exactly the bars the model saw.

Features follow the strategies' convention (:meth:`predator.strategies.base.Strategy.features`): a function of
a :class:`~predator.strategies.base.History` returning arrays aligned with its bars, where the value at bar i is
known at the decision time H = close of bar i (open time + 1h) and uses bars 0…i only. :class:`FeatureProbe` is a
strategy with these features, so ``predator check-strategy``'s look-ahead check
(:func:`predator.runner.lookahead.check`) applies to them unchanged. Every feature has a finite memory (rolling
windows of at most :data:`WARMUP_BARS` bars, no exponential smoothing), so truncating the start of history
changes no feature after warm-up (:func:`truncation_differences`, the recursive check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg

from predator.db import market_api, ml_api, reads
from predator.marketdata.dataset import dataset_hash_of
from predator.strategies.base import Context, History, Signal

HOUR = 3600
#: Slippage per change of position used when the database holds no ``ml_min_slippage_bps`` (basis points of
#: notional; the paper venue's default fixed slippage, predator.venues.paper).
DEFAULT_MIN_SLIPPAGE_BPS = 2.0

#: Taker fee used when the database holds no fee tier for the venue (basis points of notional).
DEFAULT_TAKER_FEE_BPS = 10.0

FloatArray = npt.NDArray[np.float64]


class DatasetHashMismatch(RuntimeError):
    """The bars read do not hash to what ``api.dataset_hash`` says for the same window."""


@dataclass(frozen=True, eq=False)
class SymbolBars:
    """One symbol's effective bars, oldest first: ``ts`` open times (unix seconds, UTC, int64), prices in quote,
    volume in base (float64 of the exact decimals)."""

    symbol: str
    ts: npt.NDArray[np.int64]
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray

    def __len__(self) -> int:
        return int(self.ts.size)

    def history(self, start: int = 0, stop: int | None = None) -> History:
        """Bars [start, stop) as a read-only :class:`History` (the form strategies see)."""
        views = {k: np.array(getattr(self, k)[start:stop]) for k in ("ts", "open", "high", "low", "close", "volume")}
        for v in views.values():
            v.flags.writeable = False
        return History(**views)


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset is: venue, symbols (sorted, distinct), interval (1h) and the window [start, end) of open
    times (timezone-aware UTC)."""

    venue: str
    symbols: tuple[str, ...]
    start: datetime
    end: datetime
    interval: str = "1h"

    def __post_init__(self) -> None:
        if self.interval != "1h":
            raise ValueError(f"datasets are of 1h bars (interval {self.interval!r})")
        if not self.symbols or tuple(sorted(set(self.symbols))) != self.symbols:
            raise ValueError(f"symbols must be sorted and distinct, at least one: {self.symbols}")
        if self.start.tzinfo is None or self.end.tzinfo is None or not self.start < self.end:
            raise ValueError(f"the window [{self.start}, {self.end}) is not an aware, non-empty interval")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded dataset: its spec, ``dataset_hash`` (``api.dataset_hash``'s, checked against the bars read),
    per-symbol digests, the venue's taker fee in bps (:data:`DEFAULT_TAKER_FEE_BPS` when the database holds
    none, ``fee_from_db`` False), the bars, and the least slippage per change of position the model lane's figures
    assume, ``min_slippage_bps`` (the operator setting ``ml_min_slippage_bps``; :data:`DEFAULT_MIN_SLIPPAGE_BPS`
    when unset, ``slippage_from_db`` False)."""

    spec: DatasetSpec
    dataset_hash: str
    digests: Mapping[str, Any]
    taker_fee_bps: float
    fee_from_db: bool
    bars: tuple[SymbolBars, ...]
    min_slippage_bps: float = DEFAULT_MIN_SLIPPAGE_BPS
    slippage_from_db: bool = False

    def symbol(self, name: str) -> SymbolBars:
        for b in self.bars:
            if b.symbol == name:
                return b
        raise KeyError(name)


def load_dataset(conn: psycopg.Connection[Any], spec: DatasetSpec) -> Dataset:
    """Read the dataset ``spec`` through the gateway and record its hash. Raises :class:`DatasetHashMismatch`
    when the bars read hash differently from ``api.dataset_hash`` (they changed between the two reads)."""
    exact: dict[str, list[tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal]]] = {}
    bars: list[SymbolBars] = []
    for symbol in spec.symbols:
        cols = reads.candles(conn, venue=spec.venue, symbol=symbol, start=spec.start, end=spec.end)
        exact[symbol] = [(datetime.fromtimestamp(t, spec.start.tzinfo), o, h, lo, c, v)
                         for t, o, h, lo, c, v in zip(cols.ts, cols.open, cols.high, cols.low, cols.close,
                                                      cols.volume, strict=True)]

        def floats(values: tuple[Decimal, ...]) -> FloatArray:
            return np.array([float(x) for x in values], dtype=np.float64)

        bars.append(SymbolBars(symbol, np.array(cols.ts, dtype=np.int64), floats(cols.open), floats(cols.high),
                               floats(cols.low), floats(cols.close), floats(cols.volume)))
    recorded = market_api.dataset_hash(conn, spec.venue, spec.symbols, spec.interval, spec.start, spec.end)
    local = dataset_hash_of(spec.venue, spec.interval, spec.start, spec.end, exact)
    if local != recorded.dataset_hash:
        raise DatasetHashMismatch(f"the bars read hash to {local}, api.dataset_hash says {recorded.dataset_hash}")
    tier = reads.fee_tier(conn, spec.venue)
    fee = float(tier.taker_fee_bps) if tier is not None else DEFAULT_TAKER_FEE_BPS
    slippage = ml_api.min_slippage_bps(conn)
    return Dataset(spec, recorded.dataset_hash, recorded.digests, fee, tier is not None, tuple(bars),
                   DEFAULT_MIN_SLIPPAGE_BPS if slippage is None else float(slippage), slippage is not None)


# --- features -----------------------------------------------------------------------------------------------

#: The longest window any feature uses (bars): a feature at bar i depends on bars i - WARMUP_BARS … i only.
WARMUP_BARS = 169


def _window(x: FloatArray, n: int, fn: Callable[[FloatArray], FloatArray]) -> FloatArray:
    """``fn`` over each window of the last n values (inclusive), NaN before the first full window. Each window is
    reduced on its own (no running sums), so a value does not depend on where the array starts."""
    out = np.full(x.shape[0], np.nan)
    if x.shape[0] >= n:
        out[n - 1:] = fn(np.lib.stride_tricks.sliding_window_view(x, n))
    return out


def _lag_return(close: FloatArray, k: int) -> FloatArray:
    out = np.full(close.shape[0], np.nan)
    if close.shape[0] > k:
        out[k:] = np.log(close[k:] / close[:-k])
    return out


def _mean(w: FloatArray) -> FloatArray:
    m: FloatArray = w.mean(axis=1)
    return m


def _std(w: FloatArray) -> FloatArray:
    s: FloatArray = w.std(axis=1)
    return s


def features(history: History) -> dict[str, FloatArray]:
    """The model lane's example features, each aligned with ``history``'s bars, causal and of finite memory:

    * ``ret_1``, ``ret_4``, ``ret_24``, ``ret_72``: log return over the last k bars, ln(close(i)/close(i-k));
    * ``vol_24``, ``vol_168``: standard deviation of the one-bar log returns over the last n;
    * ``sma_gap_24``, ``sma_gap_168``: close(i) / mean(close over the last n) - 1;
    * ``rsi_14``: 100 · mean gain / (mean gain + mean loss) over the last 14 one-bar changes (simple means,
      Cutler's RSI: Wilder's smoothing has an infinite memory that truncation would show);
    * ``range_1``: (high(i) - low(i)) / close(i);
    * ``volume_z_168``: (volume(i) - mean) / std of the volume over the last 168 bars (0 when std is 0);
    * ``hour``: the hour of day (UTC) of the decision time, the bar's close.
    """
    close = np.asarray(history.close, dtype=np.float64)
    n = close.shape[0]
    logret = np.full(n, np.nan)
    if n > 1:
        logret[1:] = np.log(close[1:] / close[:-1])
    delta = np.full(n, np.nan)
    if n > 1:
        delta[1:] = close[1:] - close[:-1]
    gain = _window(np.where(delta > 0, delta, 0.0), 14, _mean)
    loss = _window(np.where(delta < 0, -delta, 0.0), 14, _mean)
    total = gain + loss
    rsi = np.where(total > 0, 100.0 * gain / np.where(total > 0, total, 1.0), 50.0)
    rsi[:15] = np.nan
    volume = np.asarray(history.volume, dtype=np.float64)
    vmean = _window(volume, 168, _mean)
    vstd = _window(volume, 168, _std)
    vz = np.where(vstd > 0, (volume - vmean) / np.where(vstd > 0, vstd, 1.0), 0.0)
    vz[np.isnan(vmean)] = np.nan
    vol_24 = _window(logret, 24, _std)
    vol_168 = _window(logret, 168, _std)
    return {
        "ret_1": _lag_return(close, 1),
        "ret_4": _lag_return(close, 4),
        "ret_24": _lag_return(close, 24),
        "ret_72": _lag_return(close, 72),
        "vol_24": vol_24,
        "vol_168": vol_168,
        "sma_gap_24": close / _window(close, 24, _mean) - 1.0,
        "sma_gap_168": close / _window(close, 168, _mean) - 1.0,
        "rsi_14": rsi,
        "range_1": (np.asarray(history.high, dtype=np.float64) - np.asarray(history.low, dtype=np.float64)) / close,
        "volume_z_168": vz,
        "hour": (((np.asarray(history.ts, dtype=np.int64) + HOUR) // HOUR) % 24).astype(np.float64),
    }


FEATURE_NAMES: tuple[str, ...] = ("ret_1", "ret_4", "ret_24", "ret_72", "vol_24", "vol_168", "sma_gap_24",
                                  "sma_gap_168", "rsi_14", "range_1", "volume_z_168", "hour")


def feature_matrix(history: History) -> FloatArray:
    """The features as an (n bars × len(FEATURE_NAMES)) matrix, columns in :data:`FEATURE_NAMES` order."""
    f = features(history)
    return np.column_stack([f[name] for name in FEATURE_NAMES]) if len(history) else np.empty((0, len(FEATURE_NAMES)))


def truncation_differences(history: History, drop: int, *, warmup: int = WARMUP_BARS) -> list[tuple[str, int]]:
    """The recursive check: features of ``history`` against features of ``history`` without its first ``drop``
    bars, at every bar from ``drop + warmup`` on; returns (feature, first differing bar index of the full
    history) for each feature that differs (exact equality, NaN equal to NaN). Empty: truncation changes
    nothing after warm-up."""
    full = features(history)
    cut = History(**{k: getattr(history, k)[drop:] for k in ("ts", "open", "high", "low", "close", "volume")})
    short = features(cut)
    out: list[tuple[str, int]] = []
    for name in FEATURE_NAMES:
        a = full[name][drop + warmup:]
        b = short[name][warmup:]
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        if not same.all():
            out.append((name, drop + warmup + int(np.argmin(same))))
    return out


class FeatureProbe:
    """A strategy that only computes :func:`features` and never signals: what ``predator check-strategy``'s
    look-ahead check (:func:`predator.runner.lookahead.check`) runs to prove the features causal. A model
    strategy's decisions are a function of these features and its fixed artefact."""

    name = "ml_feature_probe"
    warmup_bars = WARMUP_BARS

    def features(self, symbol: str, history: History) -> dict[str, FloatArray]:
        return features(history)

    def generate_signal(self, context: Context) -> Signal | None:
        return None
