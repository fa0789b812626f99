"""SmaCross: crossings on synthetic closes, sizing, and that only the given history is used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from predator.strategies.base import Context, History, InstrumentRules, load_strategy
from predator.strategies.sma_cross import SmaCross, cross_at_last, cross_series

T0 = datetime(2023, 1, 1, tzinfo=UTC)


def history(closes: list[float] | np.ndarray) -> History:
    c = np.asarray(closes, dtype=np.float64)
    ts = int(T0.timestamp()) + 3600 * np.arange(c.shape[0], dtype=np.int64)
    return History(ts, c.copy(), c.copy(), c.copy(), c.copy(), np.ones_like(c))


def context(closes: list[float] | np.ndarray, position: str = "0", cash: str = "10000", equity: str | None = None,
            fee_rate: float = 0.001, features: bool = True, strategy: SmaCross | None = None,
            rules: InstrumentRules | None = None) -> Context:
    h = history(closes)
    s = strategy or SmaCross()
    decision = datetime.fromtimestamp(int(h.ts[-1]) + 3600, UTC)
    return Context(decision_time=decision, symbol="BTC/USDT", history=h, position=Decimal(position),
                   cash=Decimal(cash), equity=Decimal(equity or cash), fee_rate=fee_rate,
                   rules=rules or InstrumentRules(min_notional=Decimal(5)),
                   last_close=Decimal(repr(float(h.close[-1]))),
                   features=s.features("BTC/USDT", h) if features else {})


def falling_then_rising(n_down: int = 60, n_up: int = 1, jump: float = 150.0) -> list[float]:
    """A slow decline (fast below slow), then one bar that lifts the fast average over the slow one."""
    closes = [200.0 - 0.5 * i for i in range(n_down)]
    return closes + [closes[-1] + jump] * n_up


def rising_then_falling(n_up: int = 60, jump: float = 125.0) -> list[float]:
    closes = [100.0 + 0.5 * i for i in range(n_up)]
    return closes + [closes[-1] - jump]


@pytest.mark.parametrize("features", [True, False])
def test_cross_up_when_flat_buys_the_whole_cash(features: bool) -> None:
    closes = falling_then_rising()
    ctx = context(closes, features=features)
    signal = SmaCross().generate_signal(ctx)
    assert signal is not None and signal.direction == "buy"
    price = Decimal(repr(closes[-1]))
    expected = (Decimal(10000) / (price * Decimal("1.001") * Decimal("1.01"))).quantize(Decimal("1e-8"), "ROUND_DOWN")
    assert signal.quantity == expected
    assert signal.quantity * price * Decimal("1.001") <= Decimal(10000)
    assert signal.ts == ctx.decision_time and signal.expiry == ctx.decision_time + timedelta(hours=1)


@pytest.mark.parametrize("features", [True, False])
def test_cross_down_while_long_exits(features: bool) -> None:
    signal = SmaCross().generate_signal(context(rising_then_falling(), position="0.5", cash="10", equity="90",
                                                features=features))
    assert signal is not None and signal.direction == "exit" and signal.quantity == Decimal("0.5")


def test_cross_up_while_long_and_cross_down_while_flat_do_nothing() -> None:
    assert SmaCross().generate_signal(context(falling_then_rising(), position="0.5", cash="1", equity="101")) is None
    assert SmaCross().generate_signal(context(rising_then_falling())) is None


def test_no_cross_gives_no_signal() -> None:
    up = [100.0 + i for i in range(80)]
    assert SmaCross().generate_signal(context(up)) is None
    assert SmaCross().generate_signal(context(up, position="1", cash="0", equity="180")) is None
    flat = [100.0] * 80
    assert SmaCross().generate_signal(context(flat)) is None


def test_too_short_a_history_gives_no_signal() -> None:
    assert SmaCross().generate_signal(context(falling_then_rising()[-50:])) is None


def test_a_cross_that_is_not_at_the_last_bar_gives_no_signal() -> None:
    closes = falling_then_rising() + [320.5 + 0.1 * i for i in range(1, 4)]
    assert cross_series(np.asarray(closes), 10, 50)[60] == 1
    assert SmaCross().generate_signal(context(closes)) is None


def test_exact_tie_at_the_previous_bar_counts_as_below() -> None:
    # prices chosen so that fast == slow exactly at bar t-1 (a float mean may not see the tie)
    closes = [1.1] * 60 + [1.2]
    assert cross_at_last(np.asarray(closes), 10, 50) == 1
    assert cross_series(np.asarray(closes), 10, 50)[-1] == 1
    assert cross_series(np.asarray(closes), 10, 50)[:-1].tolist() == [0] * 60


def test_vectorised_and_last_bar_crossings_agree() -> None:
    rng = np.random.default_rng(3)
    closes = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 2000))), 2)
    series = cross_series(closes, 10, 50)
    assert (series != 0).sum() > 20
    for i in range(0, 2000, 7):
        assert cross_at_last(closes[: i + 1], 10, 50) == series[i]


def test_uses_only_the_history_given() -> None:
    """The decision on a prefix of the data does not change when later bars exist (features are causal)."""
    rng = np.random.default_rng(11)
    closes = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 600))), 2)
    s = SmaCross()
    full = s.features("X", history(closes))["cross"]
    for n in range(51, 600, 13):
        prefix = closes[:n]
        assert s.features("X", history(prefix))["cross"].tolist() == full[:n].tolist()
        with_features = s.generate_signal(context(prefix, strategy=s))
        without = s.generate_signal(context(prefix, strategy=s, features=False))
        assert with_features == without
        assert (with_features is not None) == (full[n - 1] == 1)


def test_one_position_at_a_time_skips_a_buy_while_another_symbol_is_held() -> None:
    ctx = context(falling_then_rising(), cash="50", equity="10050")
    assert SmaCross().generate_signal(ctx) is None


def test_several_positions_split_the_equity() -> None:
    s = SmaCross(max_positions=4)
    signal = s.generate_signal(context(falling_then_rising(), cash="9000", equity="10000", strategy=s))
    assert signal is not None
    assert signal.quantity * Decimal(repr(falling_then_rising()[-1])) <= Decimal(2500)
    assert signal.quantity * Decimal(repr(falling_then_rising()[-1])) > Decimal(2400)


def test_buy_below_the_minimum_notional_is_skipped() -> None:
    assert SmaCross().generate_signal(context(falling_then_rising(), cash="4")) is None


def test_quantity_is_rounded_down_to_the_step() -> None:
    signal = SmaCross().generate_signal(context(falling_then_rising(),
                                                rules=InstrumentRules(step_size=Decimal("0.01"))))
    assert signal is not None and signal.quantity == signal.quantity.quantize(Decimal("0.01"))


def test_parameters_are_validated_and_loadable_by_name() -> None:
    with pytest.raises(ValueError):
        SmaCross(fast=50, slow=10)
    s = load_strategy("predator.strategies.sma_cross:SmaCross", {"fast": 5, "slow": 20})
    assert isinstance(s, SmaCross) and (s.fast, s.slow, s.warmup_bars) == (5, 20, 21)


def test_quiet_bars_are_the_bars_without_a_crossing_and_the_hour_step_counts_them_without_revealing() -> None:
    # sma_cross declares a bar quiet exactly when no crossing happened at its close: generate_signal signals only
    # on a crossing, whatever the position. The hour step asks about hours ahead of the one it is at (a stretch of
    # quiet hours is chosen before its hours run) and must not reveal their bars: a decision taken at one of them
    # after all (the stretch stopped early) sees only the bars closed by its own time.
    from predator.runner.config import RunConfig
    from predator.runner.market import MarketData, SymbolData
    from predator.runner.step import HourStep

    closes = falling_then_rising() + [230.0 - 3.0 * i for i in range(30)] + [150.0 + 4.0 * i for i in range(30)]
    s = SmaCross(fast=5, slow=20)
    h = history(closes)
    quiet = s.quiet("BTC/USDT", s.features("BTC/USDT", h))
    cross = cross_series(np.asarray(closes), 5, 20)
    assert quiet.dtype == bool and len(quiet) == len(closes)
    assert list(quiet) == [c == 0 for c in cross] and not quiet.all() and quiet.any()
    for i in np.flatnonzero(~quiet[25:]) + 25:  # at every bar it does not call quiet, a position allows a signal
        held = "0" if cross[i] > 0 else "1"
        assert s.generate_signal(context(closes[: i + 1], position=held, strategy=s)) is not None

    exact = {k: [Decimal(repr(x)) for x in closes] for k in ("open", "high", "low", "close")}
    exact["volume"] = [Decimal(1)] * len(closes)
    data = SymbolData.of("BTC/USDT", [int(t) for t in h.ts], exact)
    end = datetime.fromtimestamp(int(h.ts[-1]) + 3600, UTC)
    config = RunConfig(account="q", symbols=("BTC/USDT",), strategy="sma_cross", params={"fast": 5, "slow": 20},
                       start=T0 + timedelta(hours=1), end=end)
    full = History(data.ts, data.open, data.high, data.low, data.close, data.volume)
    step = HourStep(conn=None, config=config, relay=None, strategy=s, market=MarketData({"BTC/USDT": data}),  # type: ignore[arg-type]
                    log=None, fee_rate=0.001, features={"BTC/USDT": s.features("BTC/USDT", full)})
    for n in range(1, len(closes)):
        t = T0 + timedelta(hours=n)  # the decision time whose last closed bar is bar n - 1
        assert step.quiet(t) == bool(quiet[n - 1]), n
    assert step.quiet(end), "no decision at the run's end"
    assert data.revealed == 0, "asking whether an hour is quiet revealed bars"
