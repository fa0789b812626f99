"""Replay parity: re-execute a run's hours from its stored inputs in a scratch database and compare hashes.

1. Read the run's configuration (``api.runs``) and the per-hour hashes of the original database
   (``api.hour_digests``): the hashes recorded when each hour closed, and the same digests recomputed now
   from the rows' content.
2. Create a scratch database on the same server, migrate it, and copy the inputs through the governed
   path: the instruments' venue rules, the risk profile's limits, and the candles (warm-up included).
3. Run the same :class:`~predator.runner.hour.HourRunner` configuration from the run's start.
4. Compare every hour in the requested range: inputs, each output chain's digest, and the hourly state.

An hour is a mismatch when the replay differs from the original, or when the original's rows no longer
match what was recorded at close (an edited row). The verdict is ``REPLAY PARITY: TRUE`` only when every
hour matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg

from predator.db import api, market_api, migrate
from predator.db.connection import Target
from predator.runner.hour import HOUR, HourRunner, RunConfig
from predator.strategies.base import load_strategy


@dataclass
class HourMismatch:
    """One hour whose hashes differ: which digests, and why."""

    hour: datetime
    problems: list[str]


@dataclass
class ReplayResult:
    account: str
    run_id: str
    hours_compared: int
    mismatches: list[HourMismatch] = field(default_factory=list)
    scratch_database: str | None = None

    @property
    def parity(self) -> bool:
        return self.hours_compared > 0 and not self.mismatches


def _run_config(conn: psycopg.Connection, account: str) -> tuple[str, RunConfig]:
    rows = conn.execute(
        "SELECT run_id, config FROM api.runs WHERE account = %s ORDER BY started_at", (account,)
    ).fetchall()
    if not rows:
        raise LookupError(f"account {account} has no registered run to replay")
    run_id, config = rows[-1]
    return run_id, RunConfig.from_dict(config)


def _copy_candles(
    src: psycopg.Connection, dst: psycopg.Connection, venue: str, symbol: str, start: datetime, end: datetime
) -> None:
    from predator.marketdata.loader import Feed, begin_load, gate

    with dst.transaction():
        key = begin_load(dst)
        with (
            src.cursor().copy(
                "COPY (SELECT %s::uuid, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                " || ',' || open || ',' || high"
                " || ',' || low || ',' || close || ',' || volume FROM api.candles WHERE venue = %s AND symbol = %s"
                " AND interval = '1h' AND ts >= %s AND ts < %s ORDER BY ts) TO STDOUT",
                (key, venue, symbol, start, end),
            ) as out,
            dst.cursor().copy("COPY market.candle_stage (load_key, raw) FROM STDIN") as into,
        ):
            for chunk in out:
                into.write(chunk)
        gate(dst, key, Feed(venue, symbol, "1h"), "replay", None, line_offset=0)
    src.commit()


def _copy_reference(src: psycopg.Connection, dst_op: psycopg.Connection, config: RunConfig) -> None:
    """Limits of the run's risk profile, and the venue rules of its instruments, into the scratch database."""
    limits = src.execute(
        "SELECT limit_name, scope, mode, value FROM api.limits WHERE profile = %s ORDER BY 1, 2", (config.risk_profile,)
    ).fetchall()
    with dst_op.transaction():
        for name, scope, mode, value in limits:
            api.set_limit(dst_op, config.risk_profile, name, mode, value, "replay: limits of the original run", scope)
    rules = src.execute(
        "SELECT symbol, base, quote, tick_size, step_size, min_qty, min_notional, source"
        " FROM api.instruments WHERE venue = %s AND symbol = ANY(%s) ORDER BY symbol",
        (config.venue.venue, list(config.symbols)),
    ).fetchall()
    src.commit()
    changed = [
        {
            "symbol": r[0],
            "base": r[1],
            "quote": r[2],
            "tick_size": r[3],
            "step_size": r[4],
            "min_qty": r[5],
            "min_notional": r[6],
        }
        for r in rules
        if r[7] != "seed"
    ]
    if changed:
        with dst_op.transaction():
            market_api.upsert_instruments(dst_op, config.venue.venue, changed, "replay of the original's venue rules")


def compare(original: list[api.HourDigest], replayed: list[api.HourDigest]) -> list[HourMismatch]:
    """Per-hour differences between the original database's digests and a replay's."""
    by_hour = {d.hour: d for d in replayed}
    out: list[HourMismatch] = []
    for o in original:
        problems: list[str] = []
        for key, recorded in sorted(o.digests.items()):
            if o.recomputed.get(key) != recorded:
                problems.append(f"{key}: stored rows no longer match the hash recorded at close")
        if o.recomputed_outputs_hash != o.outputs_hash:
            problems.append("outputs: stored rows no longer match the outputs hash recorded at close")
        r = by_hour.get(o.hour)
        if r is None:
            problems.append("hour missing from the replay")
        else:
            if r.inputs_hash != o.inputs_hash:
                problems.append("inputs differ")
            for key in sorted(set(o.recomputed) | set(r.digests)):
                if o.recomputed.get(key) != r.digests.get(key):
                    problems.append(f"{key}: replay differs")
            if r.state_hash != o.state_hash:
                problems.append("hourly state differs")
        if problems:
            out.append(HourMismatch(o.hour, problems))
    return out


def replay(
    target: Target,
    account: str,
    start: datetime | None = None,
    end: datetime | None = None,
    keep: bool = False,
    progress: bool = False,
) -> ReplayResult:
    """Replay ``account``'s run into a scratch database and compare the hours in [start, end]."""
    with target.connect("auditor") as src:
        run_id, config = _run_config(src, account)
        start = start or config.start
        end = end or config.end
        original = api.hour_digests(src, account, start, end)
        src.commit()
        strategy = load_strategy(config.strategy, config.params)
        warmup = timedelta(hours=int(getattr(strategy, "warmup_bars", 500)) + 24)

        with migrate.scratch_database(target, "predator_replay", keep=keep) as scratch:
            with scratch.connect("operator") as op:
                _copy_reference(src, op, config)
            with scratch.connect("worker") as dst:
                for symbol in config.symbols:
                    _copy_candles(src, dst, config.venue.venue, symbol, config.start - warmup, config.end + HOUR)
            last = min(end, config.end)
            runner = HourRunner(scratch, config, strategy=strategy, progress=progress, durable=False)
            try:
                runner.prepare()
                runner.stop_after = int((last - config.start) / HOUR) + 1
                runner.run()
            finally:
                runner.close()
            with scratch.connect("auditor") as rconn:
                replayed = api.hour_digests(rconn, account, start, end)
            scratch_name = scratch.dbname
    return ReplayResult(account, run_id, len(original), compare(original, replayed), scratch_name if keep else None)
