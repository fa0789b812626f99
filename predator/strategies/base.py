"""The strategy plug-in interface: ``generate_signal(context) -> Signal | None``.

A strategy is pure: it sees only the :class:`Context` the runner builds for one symbol at one decision
time, and never touches the database or a venue (DESIGN.md §8). The context holds market history with
timestamps before the decision time only, the current position and the account state. Indicators may use
floats; quantities leave the strategy as :class:`decimal.Decimal`.

Strategies are registered by entry point (group ``predator.strategies``) or named ``module:Class``; see
:func:`load_strategy`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

Direction = Literal["buy", "sell", "hold", "reduce", "exit"]
DIRECTIONS: tuple[str, ...] = ("buy", "sell", "hold", "reduce", "exit")


@dataclass(frozen=True)
class History:
    """Bars of one symbol that closed by the decision time, oldest first.

    ``ts`` are bar open times in unix seconds (int64); prices in quote per base, volume in base (float64).
    The arrays are read-only copies: a strategy cannot reach data after the decision time through them.
    """

    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])


@dataclass(frozen=True)
class InstrumentRules:
    """Venue rules of the instrument: tick size (quote), step size and minimum quantity (base), minimum
    notional (quote)."""

    tick_size: Decimal | None = None
    step_size: Decimal | None = None
    min_qty: Decimal = Decimal(0)
    min_notional: Decimal = Decimal(0)

    def round_qty(self, qty: Decimal) -> Decimal:
        """Round a base quantity down to the step size (no step: 8 decimals)."""
        step = self.step_size or Decimal("0.00000001")
        return (qty / step).to_integral_value(rounding=ROUND_DOWN) * step


@dataclass(frozen=True)
class Context:
    """What a strategy may know when deciding for ``symbol`` at ``decision_time`` (UTC, the close of an hour).

    Amounts are in the account's base currency (the quote currency of the instrument); ``position`` and
    quantities in base units; ``last_close`` is the exact close of the last bar (quote per base);
    ``fee_rate`` is the taker fee as a fraction (0.001 = 10 bps); ``limits`` holds caps as fractions of
    equity (``max_instrument_exposure``, ``max_order_notional``), None when off. ``features`` holds the
    strategy's own vectorised features (see :meth:`Strategy.features`) up to and including the last bar.
    """

    decision_time: datetime
    symbol: str
    history: History
    position: Decimal
    cash: Decimal
    equity: Decimal
    fee_rate: float
    rules: InstrumentRules
    last_close: Decimal = Decimal(0)
    features: dict[str, np.ndarray] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Signal:
    """A normalised signal: decision time ``ts`` (UTC), instrument, direction, confidence 0..1, expected
    edge after fees and slippage (basis points), expiry, and for buy/sell/reduce a base quantity. ``model_id``: the
    registered model (``ml.model``) that decided it, for a model strategy (recorded in ``trading.signal.model_id``);
    None for every other strategy."""

    ts: datetime
    symbol: str
    direction: Direction
    confidence: float
    edge_bps: float
    expiry: datetime
    quantity: Decimal | None = None
    order_type: Literal["market", "limit"] = "market"
    limit_price: Decimal | None = None
    model_id: str | None = None

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")
        if self.expiry <= self.ts:
            raise ValueError("expiry must be after the decision time")
        if self.direction in ("buy", "sell", "reduce") and (self.quantity is None or self.quantity <= 0):
            raise ValueError(f"{self.direction} needs a positive quantity")


@runtime_checkable
class Strategy(Protocol):
    """A strategy: ``name``, ``warmup_bars`` and ``generate_signal``.

    A strategy may also define ``features(symbol, history) -> dict[str, np.ndarray]``: vectorised
    indicators computed once per symbol over every bar a run loaded, each array aligned with
    ``history.ts``; the runner hands each decision the values up to its last closed bar
    (``context.features``). Such features must only use past values at every index — a feature that
    looks ahead is caught by the look-ahead check (``predator check-strategy``), which compares the
    decisions made on the full data with those made on data cut at several points.

    A strategy with features may also define ``quiet(symbol, features) -> np.ndarray`` (booleans aligned with
    the features): True at bar i when a decision whose last closed bar is i emits no signal whatever the
    position, cash and equity (:class:`~predator.strategies.sma_cross.SmaCross`: no crossing). A backtest closes
    stretches of hours quiet for every symbol, on an idle venue, in one call (``api.close_hours``); the rows are
    those of the hour-by-hour path, so a wrong True changes the run (tests/integration/test_batched_hours.py).
    """

    name: str
    warmup_bars: int

    def generate_signal(self, context: Context) -> Signal | None: ...


@runtime_checkable
class ModelBacked(Protocol):
    """A strategy that decides with a registered model (:class:`predator.ml.strategy.ModelStrategy`): the
    runner hands :meth:`bind` the model's registry row (``api.models``) at start, and the strategy loads and
    verifies the artefact (docs/ml.md "Inference")."""

    model_id: str

    def bind(self, registered: Any) -> None: ...


def require_int(name: str, value: object, minimum: int = 1) -> None:
    """A strategy parameter that must be a whole number >= ``minimum`` (a window in bars); ValueError naming
    it otherwise (:func:`load_strategy` turns it into a StrategyParametersError, exit 2 at the command line)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")


def require_number(name: str, value: object, low: float | None = None, high: float | None = None, *,
                   low_open: bool = False, high_open: bool = False) -> None:
    """A strategy parameter that must be a finite number within ``[low, high]`` (an open end with
    ``low_open``/``high_open``; None: unbounded); ValueError naming it and its range otherwise."""
    import math

    bounds = " and ".join(
        [f"{'>' if low_open else '>='} {low}"] * (low is not None) + [f"{'<' if high_open else '<='} {high}"]
        * (high is not None))
    ok = not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
    if ok:
        number = float(value)  # type: ignore[arg-type]
        ok = not ((low is not None and (number < low or (low_open and number == low)))
                  or (high is not None and (number > high or (high_open and number == high))))
    if not ok:
        raise ValueError(f"{name} must be a finite number{' ' + bounds if bounds else ''}, got {value!r}")


def hold_expiry(ts: datetime, hours: int = 1) -> datetime:
    """Default expiry of a signal: the end of the next hour."""
    return ts + timedelta(hours=hours)


def effective_params(strategy: object, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parameters a strategy instance actually runs with: its dataclass init fields (defaults
    included), else the parameters given. Runs record these, so a later change of defaults cannot change
    what a replay does."""
    import dataclasses

    if dataclasses.is_dataclass(strategy):
        return {f.name: getattr(strategy, f.name) for f in dataclasses.fields(strategy) if f.init}
    return dict(given or {})


def load_strategy(name: str, params: dict[str, Any] | None = None) -> Strategy:
    """Instantiate a strategy by entry-point name (group ``predator.strategies``) or ``module:Class``.

    Raises :class:`~predator.errors.StrategyNotFound` (a ValueError) when the name resolves to nothing, and
    :class:`~predator.errors.StrategyParametersError` (a ValueError) when ``params`` holds a key the strategy
    does not take or a value it refuses; both messages name what the strategy accepts.
    """
    from predator.errors import StrategyNotFound, StrategyParametersError

    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as e:
            raise StrategyNotFound(f"unknown strategy {name!r}: {e}; give a registered name ("
                                   f"{', '.join(_registered())}) or an importable module:Class") from None
    else:
        matches = [ep for ep in entry_points(group="predator.strategies") if ep.name == name]
        if not matches:
            raise StrategyNotFound(f"unknown strategy {name!r}; registered: {', '.join(_registered())} "
                                   f"(or use module:Class)")
        cls = matches[0].load()
    given = dict(params or {})
    accepted = _parameters(cls)
    unknown = sorted(set(given) - set(accepted)) if accepted is not None else []
    if unknown:
        raise StrategyParametersError(
            f"strategy {name!r} takes no parameter {', '.join(map(repr, unknown))}; it takes "
            f"{', '.join(accepted or ()) or 'no parameters'}")
    try:
        strategy: Strategy = cls(**given)
    except (TypeError, ValueError) as e:
        raise StrategyParametersError(f"strategy {name!r} refused its parameters {given}: {e}") from None
    return strategy


def _registered() -> list[str]:
    return sorted(ep.name for ep in entry_points(group="predator.strategies"))


def _parameters(cls: Any) -> list[str] | None:
    """The keyword parameters a strategy class takes (None when it takes ``**kwargs`` or cannot be read)."""
    import dataclasses
    import inspect

    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls) if f.init]
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return None
    return [n for n, p in sig.parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
