"""Indicators whose values are hashed with the hour (a signal's confidence and edge come from them): a faster
computation must give the same bits as the one it replaces."""

from __future__ import annotations

import numpy as np

from predator.strategies import indicators


def _rsi_numpy_scalars(close: np.ndarray, n: int) -> np.ndarray:
    """Wilder's RSI as it was computed before (the recursion on numpy float64 scalars)."""
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


def test_rsi_same_bits_as_the_numpy_scalar_recursion() -> None:
    rng = np.random.default_rng(14)
    cases: list[np.ndarray] = []
    for size in (0, 1, 14, 15, 16, 74, 524):
        cases.append(np.cumprod(1 + rng.normal(0, 0.01, size)) * 30000)  # a random walk of prices
    cases.append(np.full(60, 1.2345))                                    # flat: no loss, no gain
    cases.append(np.arange(1, 61, dtype=np.float64))                     # rising only: avg_loss == 0
    cases.append(np.arange(60, 0, -1, dtype=np.float64))                 # falling only
    cases.append(np.round(rng.uniform(0.01, 1e5, 200), 8))               # jumps of every size
    cases.append(np.array([1.0, 1e300, 1e-300, 1e300, 2.0] * 8))         # extreme ratios
    for close in cases:
        for n in (2, 7, 14, 30):
            got, want = indicators.rsi(close, n), _rsi_numpy_scalars(close, n)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes(), (close[:5], n)


def test_rolling_std_same_bits_as_sliding_window_view() -> None:
    rng = np.random.default_rng(17)
    for size in (1, 2, 47, 48, 49, 73, 74, 524):
        close = np.cumprod(1 + rng.normal(0, 0.02, size)) * 2.5
        for n in (1, 2, 14, 48, 72):
            want = np.full(size, np.nan)
            if size >= n:
                want[n - 1:] = np.lib.stride_tricks.sliding_window_view(close.astype(np.float64), n).std(axis=1)
            assert indicators.rolling_std(close, n).tobytes() == want.tobytes(), (size, n)
            # Not contiguous, not float64: converted first, as before.
            assert indicators.rolling_std(close[::-1].astype(np.float32), n).tobytes() == \
                indicators.rolling_std(close[::-1].astype(np.float32).astype(np.float64), n).tobytes()
