"""Preflight: what ``predator paper``, ``predator run`` and ``predator replay`` check before they create or
touch anything permanent (an account is append-only: a run that cannot work must not leave one behind).

:func:`check_run` refuses, with one :class:`~predator.errors.PreflightError` line that says what is wrong and
what to do:

* a range that is empty (``--from`` not before ``--to``) or not on the hour;
* a venue, quote or ``--deposit`` currency, or (for a new account) a risk profile the database does not know,
  and a new account's name that the database's CHECK ``account_name_is_identifier`` refuses (read from the
  catalog and evaluated by the database, not repeated here);
* a symbol that is not an instrument of the venue (``BTCUSDT``: "did you mean BTC/USDT?"; an instrument of
  another venue is named as such), or whose quote is not the book's quote currency (every signal of it
  would be refused ``quote_currency_mismatch``);
* stored candles (``feed="stored"``) that do not cover the range: a symbol with no bar in it (a 2030
  range), one that starts after ``--from`` or (``require_end``) ends before ``--to`` — each named with its
  first and last stored bar — unless ``allow_partial`` (then it is a warning);
* an existing account whose venue, quote currency or mode differs from the run's, or that already ran
  another configuration (the options that differ are named).

Exit codes of the CLI (docs/cli.md): what is not there (an unknown venue, symbol or account, no candles in
the range, no closed hour to replay) is a :class:`~predator.errors.PreflightNotFound` (5); the rest (a bad
range, another quote currency, partial data, an account that differs) a
:class:`~predator.errors.PreflightError` (2).

It reads only, through :mod:`predator.db.reads` as the auditor, and returns a :class:`RunPreflight` that
says what the run would create (account, deposit, strategy registration) and which hours it would run:
``--dry-run`` prints :meth:`RunPreflight.lines` and stops. :func:`check_replay` does the same for a replay
(an account with a registered run and a closed hour, a sane range); a replay books in the account's quote
currency.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from predator.db import reads, replay_db
from predator.db.connection import Target
from predator.errors import PreflightError, PreflightNotFound
from predator.runner.config import HOUR, RunConfig

#: The quote currency of a book when neither ``--quote`` nor the symbols say (the venue's usual quote).
VENUE_QUOTES: Mapping[str, str] = {"binance": "USDT", "kraken": "USD"}


def default_quote(venue: str, symbols: Sequence[str]) -> str:
    """The quote currency a book gets without ``--quote``: the quote all ``symbols`` share, else the venue's
    usual one (:data:`VENUE_QUOTES`; USDT for a venue not listed)."""
    quotes = {s.rsplit("/", 1)[-1].upper() for s in symbols if "/" in s}
    if len(quotes) == 1:
        return quotes.pop()
    return VENUE_QUOTES.get(venue, "USDT")


def rate_pairs(target: Target, venue: str, quote: str, currencies: Sequence[str]) -> tuple[str, ...]:
    """The conversion pair a multi-currency run reads for each extra currency ``c`` of a book reporting in
    ``quote``: ``c/quote`` when it is an instrument of ``venue``, else ``quote/c`` (market.conversion_rate takes
    either, inverting the second); a currency with neither is left out (the preflight's data check then has
    nothing to say about it, and the database refuses its entries conversion_rate_missing)."""
    with target.connect("auditor") as conn:
        here = {r.symbol for r in reads.venue_instruments(conn, venue)}
        conn.rollback()
    out = []
    for c in currencies:
        for pair in (f"{c}/{quote}", f"{quote}/{c}"):
            if pair in here:
                out.append(pair)
                break
    return tuple(out)


def _t(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%dT%H:%MZ") if ts else "-"


def _squash(symbol: str) -> str:
    return "".join(ch for ch in symbol.upper() if ch.isalnum())


@dataclass(frozen=True)
class SymbolData:
    """The stored 1h bars of one symbol for a run: first and last bar with open time in the run's window
    (None: none), how many, and how many in the warm-up before it."""

    symbol: str
    first: datetime | None
    last: datetime | None
    bars: int
    warmup_bars: int


@dataclass(frozen=True)
class RunPreflight:
    """What a run would do, once every check passed. ``creates_account``: the account does not exist yet
    (it would be created with ``principal`` deposited at ``start``); ``registers_strategy``: the strategy
    (or its parameters) is new on the account; ``first_hour`` .. ``last_hour``: the decision times still to
    run (``hours`` of them; 0 when the account already closed its last hour); ``data``: per symbol, its
    stored bars (empty for a sync-fed run); ``warnings``: what is allowed but worth knowing."""

    account: str
    run_id: str
    mode: str
    venue: str
    quote: str
    lane: str
    principal: Decimal
    risk_profile: str
    strategy: str
    params: Mapping[str, Any]
    symbols: tuple[str, ...]
    start: datetime
    end: datetime
    feed: str
    creates_account: bool
    registers_strategy: bool
    last_closed: datetime | None
    first_hour: datetime
    last_hour: datetime
    hours: int
    data: tuple[SymbolData, ...]
    warnings: tuple[str, ...]
    #: A multi-currency book: the extra quote currencies it would enable, the cash deposited in them, and the
    #: conversion pairs it reads (empty for a book in one currency).
    currencies: tuple[str, ...] = ()
    deposits: tuple[tuple[str, Decimal], ...] = ()
    rate_symbols: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """A human description, one line each: account, deposit, strategy, symbols, hours, data."""
        out = []
        if self.creates_account:
            out.append(f"account {self.account}: would be created ({self.mode}, venue {self.venue}, quote "
                       f"{self.quote}, lane {self.lane}, risk profile {self.risk_profile})")
            out.append(f"deposit: {self.principal} {self.quote} at {_t(self.start)} (the initial principal)")
            for currency in self.currencies:
                out.append(f"currency {currency}: would be enabled (api.enable_book_currency), valued in {self.quote}")
            for currency, amount in self.deposits:
                out.append(f"deposit: {amount} {currency} at {_t(self.start)}")
        else:
            out.append(f"account {self.account}: exists ({self.mode}, venue {self.venue}, quote {self.quote}, "
                       f"lane {self.lane}); last closed hour {_t(self.last_closed)}")
        params = json.dumps(self.params, sort_keys=True, default=str)
        out.append(f"strategy {self.strategy}: "
                   + (f"would be registered with {params}" if self.registers_strategy
                      else f"registered with {params}"))
        out.append(f"run {self.run_id}: symbols {', '.join(self.symbols)}; feed {self.feed}"
                   + (f"; conversion pairs {', '.join(self.rate_symbols)}" if self.rate_symbols else ""))
        if self.hours:
            out.append(f"hours: {_t(self.first_hour)} .. {_t(self.last_hour)} ({self.hours} hour(s) to run)")
        else:
            out.append(f"hours: none left to run (the account closed {_t(self.last_closed)})")
        for d in self.data:
            out.append(f"data {d.symbol}: {d.bars} bar(s) from {_t(d.first)} to {_t(d.last)}, "
                       f"{d.warmup_bars} warm-up bar(s) before")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


def _check_range(start: datetime, end: datetime) -> None:
    for name, value in (("--from", start), ("--to", end)):
        if value.minute or value.second or value.microsecond:
            raise PreflightError(f"{name} {value.isoformat()} is not on the hour: runs decide on whole UTC hours "
                                 f"(e.g. {_t(value.replace(minute=0, second=0, microsecond=0))})")
    if start > end:
        raise PreflightError(f"--from {_t(start)} is after --to {_t(end)}: the range holds no hour; "
                             "give --from before --to")
    if start == end:  # docs/cli.md, "Exit codes": a --from not before --to is bad input (2)
        raise PreflightError(f"--from {_t(start)} is the same hour as --to: a run's range goes from --from to a "
                             f"later --to; give --from before --to (e.g. --to {_t(start + HOUR)})")


def _check_symbols(conn: Any, venue: str, symbols: Sequence[str], quote: str, extra: Sequence[str] = (),
                   rate_symbols: Sequence[str] = ()) -> None:
    """Every symbol an instrument of ``venue`` quoted in ``quote`` or in one of the book's ``extra`` quote
    currencies, every conversion pair in ``rate_symbols`` an instrument of ``venue`` too; PreflightError naming
    each that is not."""
    venues = reads.venue_names(conn)
    if venue not in venues:
        raise PreflightNotFound(f"unknown venue {venue!r}: the database knows {', '.join(venues)} "
                             f"(add one: predator instruments add-venue --venue {venue} ...)")
    here = {r.symbol: r for r in reads.venue_instruments(conn, venue)}
    if len(set(symbols)) != len(symbols):
        twice = sorted({s for s in symbols if symbols.count(s) > 1})
        raise PreflightError(f"--symbols names {', '.join(twice)} more than once")
    unknown = [s for s in [*symbols, *rate_symbols] if s not in here]
    if unknown:
        everywhere = reads.venue_instruments(conn)
        by_squash = {_squash(r.symbol): r.symbol for r in everywhere if r.venue == venue}
        parts = []
        for s in unknown:
            guess = by_squash.get(_squash(s))
            elsewhere = sorted({r.venue for r in everywhere if r.symbol == s})
            if guess:
                parts.append(f"{s} (did you mean {guess}?)")
            elif elsewhere:
                parts.append(f"{s} (an instrument of {', '.join(elsewhere)}, not of {venue})")
            else:
                parts.append(f"{s} (unknown)")
        raise PreflightNotFound(
            f"not an instrument of {venue}: {'; '.join(parts)}. Symbols are ccxt BASE/QUOTE; list them with "
            f"predator instruments list --venue {venue}, add one with predator instruments add")
    foreign = [s for s in symbols if here[s].quote != quote and here[s].quote not in extra]
    if foreign:
        quotes = sorted({here[s].quote for s in foreign})
        raise PreflightError(
            f"{', '.join(foreign)} quoted in {', '.join(quotes)}, but the book's quote currency is {quote}: every "
            f"signal would be refused quote_currency_mismatch; pass --quote {quotes[0]} or symbols quoted in "
            f"{quote}")


def _check_data(conn: Any, config: RunConfig, warmup: timedelta, require_end: bool,
                allow_partial: bool) -> tuple[tuple[SymbolData, ...], list[str]]:
    """The stored bars of every symbol over the run's decision window [start - 1h, end)."""
    c = config
    window_start = c.start - HOUR
    rows = reads.candle_coverage(conn, venue=c.venue.venue, symbols=c.feeds, start=window_start,
                                 end=max(c.end, c.start), before=window_start - warmup)
    data = tuple(SymbolData(r.symbol, r.first_in, r.last_in, r.bars_in, r.bars_before) for r in rows)
    empty = [r.symbol for r in rows if r.bars_in == 0]
    if empty:
        spans = reads.candle_spans(conn, venue=c.venue.venue, symbols=empty)
        parts = [f"{r.symbol} (stored: {_t(r.first)} to {_t(r.last)})" if r.first else f"{r.symbol} (none stored)"
                 for r in spans]
        raise PreflightNotFound(
            f"no {c.venue.venue} 1h candles between {_t(window_start)} and {_t(c.end)} for {'; '.join(parts)}: "
            "load them first (predator data load FILE, predator data backfill) or choose a range they cover")
    problems = []
    for r in rows:
        assert r.first_in is not None and r.last_in is not None
        if r.first_in > window_start:
            problems.append(f"{r.symbol} starts late: its first bar is {_t(r.first_in)}, the run's first decision "
                            f"at {_t(c.start)} needs the bar of {_t(window_start)}")
        if require_end and r.last_in < c.end - HOUR:
            problems.append(f"{r.symbol} ends early: its last bar is {_t(r.last_in)}, the run closes {_t(c.end)}")
    if problems and not allow_partial:
        raise PreflightError("stored candles do not cover the range: " + "; ".join(problems)
                             + " (move --from/--to, load the missing bars, or pass --allow-partial-data)")
    warnings = list(problems)
    wanted = int(warmup / HOUR)
    for r in rows:
        if r.bars_before < wanted:
            warnings.append(f"{r.symbol}: {r.bars_before} bar(s) stored in the {wanted} hours before --from that "
                            "the strategy's warm-up reads: its first decisions may be none")
    return data, warnings


def _check_new_account(conn: Any, c: RunConfig) -> None:
    """What ``api.create_account`` would refuse, asked of the database's own rules before anything is created: a
    name its CHECK ``account_name_is_identifier`` refuses (2), a risk profile it does not know (5)."""
    pattern = reads.account_name_refused(conn, c.account)
    if pattern is not None:
        raise PreflightError(f"--account {c.account!r} is not a name the database accepts: an account name matches "
                             f"{pattern} (e.g. book_1 or btc.trend-2); give another --account")
    profiles = reads.risk_profiles(conn)
    if c.risk_profile not in profiles:
        raise PreflightNotFound(f"unknown risk profile {c.risk_profile!r}: the database knows {', '.join(profiles)}; "
                                "give one of them with --risk-profile")


def _check_currencies(conn: Any, currencies: Sequence[str]) -> None:
    """The book's quote currency and every ``--deposit`` currency known to the database (``api.assets``)."""
    known = set(reads.currency_codes(conn))
    unknown = [x for x in dict.fromkeys(currencies) if x not in known]
    if unknown:
        raise PreflightNotFound(f"unknown currency {', '.join(unknown)} (--quote or --deposit): the database knows "
                                f"{', '.join(sorted(known))}; add one with predator instruments add-asset")


#: The command-line option that sets each key of a run's configuration (RunConfig.as_dict).
_OPTIONS = {"start": "--from", "end": "--to", "symbols": "--symbols", "strategy": "--strategy",
            "params": "--params", "principal": "--principal", "base_currency": "--quote",
            "risk_profile": "--risk-profile", "venue": "the venue options", "mode": "--mode", "feed": "--feed",
            "account": "--account", "currencies": "--deposit", "deposits": "--deposit",
            "rate_symbols": "--rate-symbols"}


def _differences(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The options whose values differ between a stored run configuration and the one asked for."""
    keys = sorted(set(stored) | set(wanted))
    return [_OPTIONS.get(k, k) for k in keys if json.dumps(stored.get(k), sort_keys=True, default=str)
            != json.dumps(wanted.get(k), sort_keys=True, default=str)]


def check_run(target: Target, config: RunConfig, *, warmup_bars: int = 500, require_end: bool = True,
              allow_partial: bool = False, check_data: bool | None = None) -> RunPreflight:
    """Check a run before anything is written (see the module docstring); PreflightError (one line) when it
    cannot work. ``warmup_bars``: the strategy's warm-up (only for the warning); ``require_end``: the stored
    candles must reach ``--to`` (a scheduled run's end is open, so ``predator run`` passes False);
    ``check_data``: check the stored candles (default: for a run on the stored feed)."""
    c = config
    _check_range(c.start, c.end)
    with target.connect("auditor") as conn:
        existing = reads.account_config(conn, c.account)
        quote = c.base_currency
        if existing is None:
            _check_new_account(conn, c)
        _check_currencies(conn, (quote, *c.currencies))
        _check_symbols(conn, c.venue.venue, c.symbols, quote, c.currencies, c.rate_symbols)
        last_closed: datetime | None = None
        registers = True
        if existing is not None:
            asked = {"venue": c.venue.venue, "quote currency": quote, "mode": c.mode}
            has = {"venue": existing.venue, "quote currency": existing.base_currency, "mode": existing.mode}
            differ = [k for k in asked if asked[k] != has[k]]
            if differ:
                raise PreflightError(
                    f"account {c.account} exists with " + ", ".join(f"{k} {has[k]}" for k in differ)
                    + "; this run asks for " + ", ".join(f"{k} {asked[k]}" for k in differ)
                    + ": accounts are permanent, use a new account name"
                    + (f" (or --quote {existing.base_currency})" if differ == ["quote currency"] else ""))
            others = reads.other_run_ids(conn, c.account, c.run_id)
            if others:
                latest = replay_db.latest_run(conn, account=c.account)
                what = ""
                if latest is not None and latest.run_id != c.run_id:
                    keys = _differences(latest.config, c.as_dict())
                    what = f" (it differs in {', '.join(keys)})" if keys else ""
                raise PreflightError(
                    f"account {c.account} already ran {others[-1]} with another configuration{what}: run it again "
                    "with the same options to resume it, or use a new account name for a different run")
            last_closed = reads.last_closed_hour(conn, c.account)
            registered = reads.strategy(conn, c.account, c.strategy)
            registers = registered is None or registered.params != json.loads(json.dumps(c.params))
        feed_stored = c.feed == "stored"
        data: tuple[SymbolData, ...] = ()
        warnings: list[str] = []
        if check_data if check_data is not None else feed_stored:
            data, warnings = _check_data(conn, c, timedelta(hours=warmup_bars), require_end, allow_partial)
        for currency in c.currencies:
            if not {f"{currency}/{quote}", f"{quote}/{currency}"} & set(c.rate_symbols):
                warnings.append(f"{currency}: no conversion pair {currency}/{quote} or {quote}/{currency} among the "
                                f"run's rate symbols: its cash and positions are valued 0 and its entries refused "
                                "conversion_rate_missing unless another run stores the pair's bars")
        conn.rollback()
    first = c.start if last_closed is None else max(c.start, last_closed + HOUR)
    hours = max(0, int((c.end - first) / HOUR) + 1) if first <= c.end else 0
    return RunPreflight(
        account=c.account, run_id=c.run_id, mode=c.mode, venue=c.venue.venue, quote=quote,
        lane=existing.lane if existing else ("paper" if c.mode in ("paper", "shadow") else "live_canary"),
        principal=existing.initial_principal if existing else c.principal,
        risk_profile=existing.risk_profile if existing else c.risk_profile, strategy=c.strategy,
        params=c.params, symbols=c.symbols, start=c.start, end=c.end, feed=c.feed,
        creates_account=existing is None, registers_strategy=registers, last_closed=last_closed,
        first_hour=first, last_hour=c.end, hours=hours, data=data, warnings=tuple(warnings),
        currencies=c.currencies, deposits=c.deposits, rate_symbols=c.rate_symbols,
    )


@dataclass(frozen=True)
class ReplayPreflight:
    """What a replay would compare: the account's last registered run, its quote currency (the account's,
    which the replay books in), and the hours ``first_hour`` .. ``last_hour``."""

    account: str
    run_id: str
    quote: str
    first_hour: datetime
    last_hour: datetime


def check_replay(target: Target, account: str, start: datetime | None = None,
                 end: datetime | None = None) -> ReplayPreflight:
    """Check a replay before its scratch database is created; PreflightError (one line) for an account that
    does not exist, has no registered run or no closed hour, a range outside what it closed, or a run whose
    venue or mode is not the account's."""
    with target.connect("auditor") as conn:
        existing = reads.account_config(conn, account)
        if existing is None:
            raise PreflightNotFound(str(reads.unknown_account(conn, account)))
        run = replay_db.latest_run(conn, account=account)
        if run is None:
            raise PreflightNotFound(f"account {account} has no registered run to replay (it was not created by "
                                    "predator paper or predator run)")
        last_closed = reads.last_closed_hour(conn, account)
        conn.rollback()
    if last_closed is None:
        raise PreflightNotFound(f"account {account} has no closed hour to replay: run it first")
    config = RunConfig.from_dict(run.config)
    if config.venue.venue != existing.venue or config.mode != existing.mode:
        raise PreflightError(
            f"account {account} is a {existing.mode} account at {existing.venue}, but its run {run.run_id} is "
            f"{config.mode} at {config.venue.venue}: it cannot be replayed")
    for name, value in (("--from", start), ("--to", end)):
        if value is not None and (value.minute or value.second or value.microsecond):
            raise PreflightError(f"{name} {value.isoformat()} is not on the hour: a replay compares whole UTC hours "
                                 f"(e.g. {_t(value.replace(minute=0, second=0, microsecond=0))})")
    if start is not None and end is not None and start > end:
        raise PreflightError(f"--from {_t(start)} is after --to {_t(end)}: the range holds no hour; "
                             "give --from before --to")
    # A range reaching outside the run is clamped to it; one wholly outside holds nothing to compare.
    first = max(start or config.start, config.start)
    last = min(end or last_closed, last_closed, config.end)
    if first > last:
        raise PreflightNotFound(f"nothing to replay between {_t(first)} and {_t(last)}: account {account} closed "
                             f"hours {_t(config.start)} .. {_t(min(last_closed, config.end))}")
    return ReplayPreflight(account, run.run_id, existing.base_currency, first, last)
