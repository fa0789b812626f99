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
        windows = np.lib.stride_tricks.sliding_window_view(x.astype(np.float64), n)
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
    avg_gain = gain[:n].mean()
    avg_loss = loss[:n].mean()
    out[n] = 100.0 if avg_loss == 0 else 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)
    for i in range(n, delta.shape[0]):
        avg_gain = (avg_gain * (n - 1) + gain[i]) / n
        avg_loss = (avg_loss * (n - 1) + loss[i]) / n
        out[i + 1] = 100.0 if avg_loss == 0 else 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)
    return out
