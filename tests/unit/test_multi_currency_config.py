"""A multi-currency run's configuration and the money a strategy sizes with (docs/risk.md, Multi-currency runs):
a book in one currency keeps its configuration (and so its run id) byte for byte; the extra currencies, deposits
and conversion pairs round-trip through the stored configuration a replay reads; the money in an instrument's quote
is the cash the database counts at admission and the equity converted at the close's rate."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from predator.runner.config import RunConfig
from predator.runner.step import quote_money

BASE = {"account": "a", "symbols": ("SOL/USDT", "ETH/BTC"), "strategy": "trend", "params": {},
        "start": datetime(2023, 3, 1, tzinfo=UTC), "end": datetime(2023, 3, 2, tzinfo=UTC)}


def test_a_single_currency_config_is_unchanged() -> None:
    one = RunConfig(**BASE)  # type: ignore[arg-type]
    assert not {"currencies", "deposits", "rate_symbols"} & set(one.as_dict())
    assert one.feeds == one.symbols


def test_a_multi_currency_config_round_trips() -> None:
    mc = RunConfig(**BASE, currencies=("BTC",), deposits=(("BTC", Decimal("0.5")),),  # type: ignore[arg-type]
                   rate_symbols=("BTC/USDT",))
    back = RunConfig.from_dict(mc.as_dict())
    assert (back.currencies, back.deposits, back.rate_symbols) == (mc.currencies, mc.deposits, mc.rate_symbols)
    assert back.as_dict() == mc.as_dict()
    assert mc.feeds == ("SOL/USDT", "ETH/BTC", "BTC/USDT")
    assert mc.run_id != RunConfig(**BASE).run_id  # type: ignore[arg-type]


def test_a_config_refuses_the_reporting_currency_as_extra_and_a_deposit_not_enabled() -> None:
    with pytest.raises(ValueError, match="reporting currency"):
        RunConfig(**BASE, currencies=("USDT",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="enable them"):
        RunConfig(**BASE, deposits=(("BTC", Decimal(1)),))  # type: ignore[arg-type]


def test_money_in_the_quote_is_the_admission_cash_and_the_equity_at_the_rate() -> None:
    valuation = {"currencies": {"BTC": {"cash": Decimal("0.5"), "open_buys": Decimal("0.1"), "rate": Decimal(20000)},
                                "CAD": {"cash": Decimal(100), "open_buys": Decimal(0), "rate": None}}}
    cash, equity = quote_money(valuation, "BTC", Decimal(30000), 0.001) or (None, None)
    assert cash == Decimal("0.5") - Decimal("0.1") * Decimal("1.001")
    assert equity == Decimal("1.5")
    assert quote_money(valuation, "CAD", Decimal(30000), 0.001) is None  # no rate: not decided on
    assert quote_money(valuation, "EUR", Decimal(30000), 0.001) is None
