"""The built-in example model family ``lgbm_tb`` (issue 19): LightGBM on triple-barrier labels of BTC/USDT and
ETH/USDT 1h bars, per coin and global, its three trials (:data:`predator.ml.train.LGBM_TB_TRIALS`) selected on
walk-forward folds of 2019–2022 only. The dataset spans [2019-01-01, 2025-01-01) so that its hash covers the
2023–2024 out-of-sample years the promotion gate evaluates on; training and selection read no sample whose label
ends on or after :data:`SELECTION_END`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from predator.ml.dataset import HOUR, DatasetSpec, load_dataset
from predator.ml.train import TrainedModel, train_family

EXAMPLE_SYMBOLS: tuple[str, ...] = ("BTC/USDT", "ETH/USDT")
DATASET_START = datetime(2019, 1, 1, tzinfo=UTC)
SELECTION_END = datetime(2023, 1, 1, tzinfo=UTC)
DATASET_END = datetime(2025, 1, 1, tzinfo=UTC)


def example_spec(venue: str = "binance", symbols: tuple[str, ...] = EXAMPLE_SYMBOLS) -> DatasetSpec:
    return DatasetSpec(venue, tuple(sorted(symbols)), DATASET_START, DATASET_END)


def train_example(conn: psycopg.Connection[Any], out_dir: Path, *, venue: str = "binance",
                  symbols: tuple[str, ...] = EXAMPLE_SYMBOLS, version: str | None = None) -> list[TrainedModel]:
    """Train the example family per coin and global on the example dataset; one :class:`TrainedModel` each."""
    ds = load_dataset(conn, example_spec(venue, symbols))
    end_hour = int(SELECTION_END.timestamp()) // HOUR
    scopes = [*ds.spec.symbols, "global"]
    return [train_family(ds, scope=scope, out_dir=out_dir, selection_end=end_hour, n_groups=5, embargo=24,
                         version=version) for scope in scopes]
