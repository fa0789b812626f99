"""Volatility-target position sizing shared by the built-in strategies.

target weight w = min(vol_target / σ, max_weight, cap) where σ is the annualised realized volatility,
vol_target the annualised volatility the position should contribute, max_weight the strategy's own cap and
cap the account's instrument exposure limit (fraction of equity, with a 5% margin). The quantity is
w × equity / price, rounded down to the venue's step, and never more than the cash can pay at
price × (1 + fee) with a 1% margin for the gap to the next bar's open.
Source: the standard volatility-targeting rule (e.g. Moreira & Muir, "Volatility-Managed Portfolios",
Journal of Finance 2017): exposure inversely proportional to recent volatility.
"""

from __future__ import annotations

from decimal import Decimal

from predator.strategies.base import Context


def target_weight(context: Context, vol: float, vol_target: float, max_weight: float) -> float:
    """Fraction of equity the position should hold (0 when volatility is unknown)."""
    if not vol > 0:
        return 0.0
    w = min(vol_target / vol, max_weight)
    cap = context.limits.get("max_instrument_exposure")
    if cap is not None:
        w = min(w, cap * 0.95)
    order_cap = context.limits.get("max_order_notional")
    if order_cap is not None:
        w = min(w, order_cap * 0.95)
    return max(w, 0.0)


def quantity_for_weight(context: Context, weight: float) -> Decimal:
    """Base quantity worth ``weight`` × equity at the last close, affordable with the cash, rounded to step."""
    price = context.last_close
    if price <= 0 or weight <= 0:
        return Decimal(0)
    want = Decimal(repr(weight)) * context.equity / price
    affordable = context.cash / (price * Decimal(repr(1 + context.fee_rate)) * Decimal("1.01"))
    return context.rules.round_qty(max(min(want, affordable), Decimal(0)))


def meets_minimums(context: Context, qty: Decimal) -> bool:
    """True when the quantity passes the venue's minimum quantity and minimum notional."""
    return qty > 0 and qty >= context.rules.min_qty and qty * context.last_close >= context.rules.min_notional
