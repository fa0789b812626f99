"""A model strategy (issue 19 item 6): decides with a registered LightGBM model of the model lane.

Parameters: ``model_id`` (an ``ml.model`` row, required), ``threshold`` (buy above it), ``exit_threshold`` (exit
below it), ``max_weight`` (the largest fraction of equity one entry buys), ``edge_bps`` (reported edge). It is
registered on a book like any strategy (``api.register_strategy``), which for a model strategy requires a passed
promotion of the model for the book's lane (docs/ml.md "Inference").

**Binding.** The strategy is pure and never reads the database (DESIGN.md §8): the runner reads the model's
registry row (``api.models`` through :func:`predator.db.ml_api.model`) at start and hands it to :meth:`bind`,
which reads the artefact file at ``artefact_path`` (relative paths from the project root), and refuses with
:class:`~predator.errors.ModelRefused`

* a registry row of another model id, or none (the model is not registered);
* an artefact whose sha256 is not the registry's ``artefact_sha256`` (a tampered or replaced file);
* a registered feature list other than :data:`predator.ml.dataset.FEATURE_NAMES` (what
  :func:`predator.ml.dataset.features` computes, in that order), or an artefact whose own feature names differ.

**Decision at T** (the close of bar t, bars <= t only): the features of :func:`predator.ml.dataset.features` at
bar t — causal and of finite memory (169 bars), computed by :meth:`features` over the run's window — as one row,
and p = :func:`predator.ml.train.predict_proba` (P(upper barrier first), the model's target).

* flat and p > ``threshold`` → **buy**, confidence p, w × equity at the last close with
  w = min(``max_weight``, 0.95 × each of the profile's instrument, order, cluster and portfolio caps), no more than
  the cash pays with the fee and a 1 % margin (:mod:`predator.strategies.sizing`), skipped below the venue's
  minimums;
* holding and p < ``exit_threshold`` → **exit** the whole position, confidence 1 − p (the model's probability that
  the price does not reach the upper barrier first);
* otherwise nothing, and nothing either when bar t's features are not all finite (fewer than 169 bars of history).

Every signal carries ``model_id``; ``api.submit_signal`` records it in ``trading.signal.model_id`` and checks it
against ``ml.model`` and the strategy's registration. ``threshold`` defaults to 0.5, the threshold the walk-forward
folds of :func:`predator.ml.train.train_family` were measured with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from predator.errors import ModelRefused
from predator.ml.dataset import FEATURE_NAMES, WARMUP_BARS, features
from predator.ml.train import predict_proba
from predator.strategies.base import Context, History, Signal, hold_expiry
from predator.strategies.sizing import meets_minimums, quantity_for_weight

#: The profile's percentage caps (fractions of equity, :attr:`Context.limits`) an entry is sized under, with a 5 %
#: margin: the database refuses an order beyond any of them.
SIZING_CAPS = ("max_instrument_exposure", "max_order_notional", "max_cluster_exposure", "max_portfolio_exposure")


class ModelRecord(Protocol):
    """What :meth:`ModelStrategy.bind` needs of a registry row (:class:`predator.db.ml_api.Model`)."""

    model_id: str
    features: list[str]
    artefact_sha256: str
    artefact_path: str


def artefact_file(path: str) -> Path:
    """The artefact's file: ``path`` as registered, relative paths from the project root."""
    from predator.config import PROJECT_ROOT

    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


@dataclass
class BoundModel:
    """The binding shared by the strategies that decide with a registered model (:class:`ModelStrategy`,
    :class:`predator.ml.meta_strategy.MetaModelStrategy`): ``model_id`` and the verified artefact text; see the
    module docstring ("Binding")."""

    model_id: str
    _text: str | None = field(default=None, init=False, repr=False)

    def _check_model_id(self) -> None:
        if not isinstance(self.model_id, str) or not self.model_id:
            raise ValueError("model_id must name a registered model (ml.model)")

    @property
    def bound(self) -> bool:
        return self._text is not None

    def bind(self, registered: ModelRecord | None) -> None:
        """Load and verify the artefact of the registry row ``registered`` (see the module docstring).

        Raises :class:`~predator.errors.ModelRefused` naming what differs: no row, another model id, a feature
        list other than :data:`FEATURE_NAMES`, a missing file, a sha256 other than the registry's."""
        if registered is None:
            raise ModelRefused(f"model {self.model_id!r} is not registered (ml.model): register it with "
                               "api.register_model and have it promoted before a strategy uses it")
        if registered.model_id != self.model_id:
            raise ModelRefused(f"registry row of {registered.model_id!r} handed to the strategy of {self.model_id!r}")
        if tuple(registered.features) != FEATURE_NAMES:
            raise ModelRefused(
                f"model {self.model_id}: its registered features {list(registered.features)} are not those "
                f"predator.ml.dataset.features computes, in order: {list(FEATURE_NAMES)}")
        path = artefact_file(registered.artefact_path)
        try:
            blob = path.read_bytes()
        except OSError as e:
            raise ModelRefused(f"model {self.model_id}: artefact {path} cannot be read: {e}") from None
        digest = hashlib.sha256(blob).hexdigest()
        if digest != registered.artefact_sha256:
            raise ModelRefused(
                f"model {self.model_id}: artefact {path} has sha256 {digest}, the registry says "
                f"{registered.artefact_sha256}: the file is not the registered model (tampered or replaced)")
        text = blob.decode()
        names = _artefact_feature_names(text)
        if names != FEATURE_NAMES:
            raise ModelRefused(f"model {self.model_id}: the artefact's features {list(names)} are not "
                               f"{list(FEATURE_NAMES)}")
        self._text = text

    def model_text(self) -> str:
        """The bound artefact's text dump; :class:`~predator.errors.ModelRefused` before :meth:`bind`."""
        if self._text is None:
            raise ModelRefused(f"model strategy {self.model_id}: no artefact bound; the runner binds it at start "
                               "(bind with the registry row)")
        return self._text


def capped_weight(context: Context, max_weight: float) -> float:
    """The largest fraction of equity one entry buys: min(``max_weight``, 0.95 × each of the profile's
    :data:`SIZING_CAPS` present in ``context.limits``)."""
    weight = max_weight
    for cap in SIZING_CAPS:
        limit = context.limits.get(cap)
        if limit is not None:
            weight = min(weight, limit * 0.95)
    return weight


def entry_quantity(context: Context, weight: float) -> Decimal | None:
    """:func:`predator.strategies.sizing.quantity_for_weight` of ``weight`` (rounded down to the step), None below
    the venue's minimums."""
    qty = quantity_for_weight(context, weight)
    return qty if meets_minimums(context, qty) else None


@dataclass
class ModelStrategy(BoundModel):
    """Buys when the registered model's P(up) exceeds ``threshold``, exits below ``exit_threshold``; see the
    module docstring."""

    threshold: float = 0.5
    exit_threshold: float = 0.5
    max_weight: float = 1.0
    edge_bps: float = 0.0
    name: str = field(default="model", init=False)

    def __post_init__(self) -> None:
        self._check_model_id()
        if not 0.0 < self.exit_threshold <= self.threshold < 1.0:
            raise ValueError(f"need 0 < exit_threshold <= threshold < 1, got exit_threshold={self.exit_threshold} "
                             f"threshold={self.threshold}")
        if not 0.0 < self.max_weight <= 1.0:
            raise ValueError(f"max_weight must be in (0, 1], got {self.max_weight}")

    @property
    def warmup_bars(self) -> int:
        return WARMUP_BARS + 1

    def features(self, symbol: str, history: History) -> dict[str, npt.NDArray[np.float64]]:
        """:func:`predator.ml.dataset.features` (the model's inputs), causal, aligned with ``history``."""
        return features(history)

    def probability(self, context: Context) -> float | None:
        """P(up) by the bound model at bar t (the last bar of ``context.history``); None without finite
        features at t."""
        text = self.model_text()
        n = len(context.history)
        if n == 0:
            return None
        given = context.features
        if all(k in given and len(given[k]) == n for k in FEATURE_NAMES):
            row = np.array([[float(given[k][-1]) for k in FEATURE_NAMES]], dtype=np.float64)
        else:
            f = features(context.history)
            row = np.array([[float(f[k][-1]) for k in FEATURE_NAMES]], dtype=np.float64)
        if not np.isfinite(row).all():
            return None
        return float(predict_proba(text, row)[0])

    def generate_signal(self, context: Context) -> Signal | None:
        p = self.probability(context)
        if p is None:
            return None
        ts = context.decision_time
        if context.position <= 0 and p > self.threshold:
            qty = self._entry_quantity(context)
            if qty is None:
                return None
            return Signal(ts, context.symbol, "buy", p, self.edge_bps, hold_expiry(ts), qty, model_id=self.model_id)
        if context.position > 0 and p < self.exit_threshold:
            return Signal(ts, context.symbol, "exit", 1.0 - p, self.edge_bps, hold_expiry(ts), context.position,
                          model_id=self.model_id)
        return None

    def _entry_quantity(self, context: Context) -> Decimal | None:
        return entry_quantity(context, capped_weight(context, self.max_weight))

    def params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("model_id", "threshold", "exit_threshold", "max_weight", "edge_bps")}


def _artefact_feature_names(text: str) -> tuple[str, ...]:
    """The feature names a LightGBM text dump declares (its ``feature_names=`` header line)."""
    for line in text.splitlines():
        if line.startswith("feature_names="):
            return tuple(line.split("=", 1)[1].split())
        if line.startswith("Tree="):
            break
    return ()
