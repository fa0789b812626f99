"""Vectorised, causal indicators: the value at index i uses inputs at indices <= i only (NaN until enough
bars exist). Floats are fine here; quantities leave strategies as Decimal."""

from __future__ import annotations

import math

import numpy as np

HOURS_PER_YEAR = 24 * 365


def sma(x: np.ndarray, n: int) -> np.ndarray:
    """Simple moving average over the last n values (inclusive)."""
    out = np.full(x.shape[0], np.nan)
    if x.shape[0] >= n:
        c = np.cumsum(np.insert(x.astype(np.float64), 0, 0.0))
        out[n - 1:] = (c[n:] - c[:-n]) / n
    return out


def rolling_std(x: np.ndarray, n: int) -> np.ndarray:
    """Population standard deviation over the last n values (inclusive), computed on demeaned windows."""
    out = np.full(x.shape[0], np.nan)
    if x.shape[0] >= n:
        # The view sliding_window_view(x, n) builds (shape (len - n + 1, n), both strides one element), made
        # directly: the same array, so the same std bits, without its argument checks' cost every hour.
        v = np.ascontiguousarray(x, dtype=np.float64)
        step = v.strides[0]
        windows = np.lib.stride_tricks.as_strided(v, shape=(v.shape[0] - n + 1, n), strides=(step, step),
                                                  writeable=False)
        out[n - 1:] = windows.std(axis=1)
    return out


def realized_vol(close: np.ndarray, n: int) -> np.ndarray:
    """Annualised volatility of hourly log returns over the last n returns: std × sqrt(24 × 365)."""
    out = np.full(close.shape[0], np.nan)
    if close.shape[0] > n:
        r = np.diff(np.log(close))
        out[n:] = rolling_std(r, n)[n - 1:] * math.sqrt(HOURS_PER_YEAR)
    return out


def rsi(close: np.ndarray, n: int = 14) -> np.ndarray:
    """Wilder's relative strength index (0..100): average gain / average loss smoothed with alpha 1/n."""
    out = np.full(close.shape[0], np.nan)
    if close.shape[0] <= n:
        return out
    delta = np.diff(close.astype(np.float64))
    gain = np.where(delta > 0, delta, 0.0)
    loss = np.where(delta < 0, -delta, 0.0)
    # The recursion runs on Python floats: the same IEEE-754 double operations in the same order as on numpy
    # float64 scalars (so the same bits: tests/unit/test_indicators.py), without a numpy scalar per operation.
    avg_gain = float(gain[:n].mean())
    avg_loss = float(loss[:n].mean())
    values = [100.0 if avg_loss == 0 else 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)]
    for g, lo in zip(gain[n:].tolist(), loss[n:].tolist(), strict=True):
        avg_gain = (avg_gain * (n - 1) + g) / n
        avg_loss = (avg_loss * (n - 1) + lo) / n
        values.append(100.0 if avg_loss == 0 else 100.0 - 100.0 / (1.0 + avg_gain / avg_loss))
    out[n:] = values
    return out
