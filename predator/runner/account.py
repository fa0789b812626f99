"""Account set-up for a run (docs/architecture.md §4, "set-up"): the paper account, its principal, its
strategy registration, and what the hour step reads once (instrument rules, the profile's caps); and the
run's figures as the database recorded them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import psycopg

from predator import errors
from predator.db import api, reads
from predator.db.connection import Target
from predator.runner.config import RunConfig, RunSummary
from predator.strategies.base import InstrumentRules


def ensure_account(target: Target, config: RunConfig) -> None:
    """Create the account, deposit the principal (and, for a multi-currency book, enable its extra quote currencies
    and deposit their cash: :attr:`RunConfig.currencies`, :attr:`RunConfig.deposits`) and register the strategy and
    the run's extra strategies (each in its pool, :attr:`RunConfig.extra_strategies`) (operator role), once; refuse
    (ConfigurationError) an account that already ran another configuration. A live account's strategy needs a
    forward burn-in (the database refuses it with PD014 otherwise: api.register_strategy, api.burn_in)."""
    c = config
    with target.connect("operator") as op:
        if reads.account(op, c.account) is None:
            with op.transaction():
                api.create_account(
                    op,
                    c.account,
                    mode=c.mode,
                    venue=c.venue.venue,
                    base_currency=c.base_currency,
                    # Paper and shadow run in the paper lane; a live account starts in the canary lane, and
                    # only an operator promotes it (issue 11; api.create_account refuses live in the paper lane).
                    lane="paper" if c.mode in ("paper", "shadow") else "live_canary",
                    initial_principal=c.principal,
                    risk_profile=c.risk_profile,
                    reason=f"{c.mode} run {c.run_id}",
                )
                api.deposit(
                    op, c.account, c.principal, c.start, reason=f"initial principal of {c.run_id}", ref="principal"
                )
                # A multi-currency book: each extra quote currency enabled (the database then admits its
                # instruments against its own cash), and its cash deposited.
                for currency in c.currencies:
                    api.enable_book_currency(op, c.account, currency, reason=f"{c.mode} run {c.run_id}")
                for currency, amount in c.deposits:
                    api.deposit(op, c.account, amount, c.start, reason=f"initial {currency} of {c.run_id}",
                                currency=currency, ref=f"principal-{currency}")
        registered = reads.strategy(op, c.account, c.strategy)
        if registered is None or registered.params != json.loads(json.dumps(c.params)):
            with op.transaction():
                api.register_strategy(op, c.account, c.strategy, c.params, reason=f"{c.mode} run {c.run_id}")
        for spec in c.extra_strategies:
            known = reads.strategy(op, c.account, spec.name)
            if known is None or known.params != json.loads(json.dumps(spec.params)):
                with op.transaction():
                    api.register_strategy(op, c.account, spec.name, spec.params, reason=f"{c.mode} run {c.run_id}",
                                          pool=spec.pool, priority=spec.priority)
        runs = reads.other_run_ids(op, c.account, c.run_id)
        if runs:
            raise errors.ConfigurationError(
                f"account {c.account} already ran {runs[0]} with another configuration; "
                "use a new account name for a different run"
            )


def instrument_rules(conn: psycopg.Connection[Any], config: RunConfig) -> dict[str, InstrumentRules]:
    """The trading rules of the run's symbols, as the strategy sizes against them."""
    return {
        r.symbol: InstrumentRules(r.tick_size, r.step_size, r.min_qty, r.min_notional)  # type: ignore[arg-type]
        for r in reads.instruments(conn, config.venue.venue, config.symbols)
    }


def pct_limits(conn: psycopg.Connection[Any], profile: str) -> dict[str, float | None]:
    """The risk profile's percentage caps as fractions (the strategy sizes against them; SQL enforces)."""
    return {
        r.limit_name: None if r.value is None else float(r.value) / 100
        for r in reads.profile_limits(conn, profile)
        if r.mode == "pct"
    }


def summarize(conn: psycopg.Connection[Any], config: RunConfig) -> RunSummary:
    """Counts and figures of an account as recorded in the database."""
    figures = reads.account_figures(conn, config.account)
    s = RunSummary(config.run_id, config.account)
    s.hours, s.signals, s.orders = figures.hours, figures.signals, figures.orders
    s.fills, s.round_trips = figures.fills, figures.round_trips
    s.refusals = {r.reason: r.count for r in reads.refusal_counts(conn, config.account)}
    if figures.equity is not None:
        s.fees = figures.fees if figures.fees is not None else Decimal(0)
        s.final_equity = figures.equity
    s.max_drawdown = figures.max_drawdown
    conn.commit()
    return s


def what_happened(target: Target, config: RunConfig) -> list[reads.AccountEvent]:
    """Every halt, resume, pause and flatten that affected the run's account, with business time, reason and
    incident (:func:`predator.db.reads.account_events`, read as the auditor)."""
    with target.connect("auditor") as conn:
        return reads.account_events(conn, config.account)


def run_summary(target: Target, config: RunConfig) -> RunSummary:
    """The run's figures and events as the database recorded them (for a caller without a runner
    connection, e.g. after ``predator run`` stops)."""
    with target.connect("worker") as conn:
        summary = summarize(conn, config)
    summary.events = what_happened(target, config)
    return summary
