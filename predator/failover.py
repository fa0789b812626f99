"""The failover drill (``predator drill failover``, ``make drill-failover``; docs/recovery.md, "Standby and
failover").

On the embedded cluster of ``PREDATOR_HOME`` (the CLI gives it a scratch home of its own unless told
otherwise): a synchronous streaming standby (:mod:`predator.db.standby`), a paper run in a worker process
against the primary, and, once the client has seen ``kill_after`` hours closed, the heads of every hash chain
as the client sees them recorded and the primary's postmaster killed (SIGKILL: no shutdown, no checkpoint).
The standby is promoted, ``PREDATOR_HOME/cluster.json`` follows it, and the same paper command is started
again: it connects to the new primary and resumes after the last closed hour, to the end of the run. Then:

* **RPO**: every chain head the client saw before the kill must be on the promoted standby with the same
  hash (a row's hash covers every row before it in its chain): the rows lost are counted, 0 with
  synchronous commit;
* **RTO**: wall seconds from the kill to the first hour the resumed worker committed on the new primary;
* every chain verifies (``api.verify_chains``), every gate passes, every hour of the run is closed once, and
  (unless skipped) a replay of the account has parity: the failed-over run is the run an uninterrupted one
  would have been.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from predator import config, gates, seams
from predator.db import cluster, standby
from predator.db.connection import Target, default_target
from predator.marketdata.loader import load_file
from predator.runner.replay import replay


@dataclass(frozen=True)
class DrillConfig:
    """The run the drill trades: a paper account over stored candles, killed after ``kill_after`` closed
    hours (counted by the client)."""

    account: str
    start: datetime
    end: datetime
    kill_after: int
    symbols: tuple[str, ...] = ("BTC/USDT",)
    strategy: str = "trend"
    params: str = '{"fast": 6, "slow": 24, "vol_window": 24}'
    replay: bool = True
    worker_timeout: float = 600.0

    @property
    def hours(self) -> int:
        return int((self.end - self.start) / timedelta(hours=1)) + 1

    def command(self) -> list[str]:
        return [sys.executable, "-m", "predator.cli", "paper", "--account", self.account,
                "--symbols", ",".join(self.symbols), "--strategy", self.strategy, "--params", self.params,
                "--from", self.start.isoformat(), "--to", self.end.isoformat(), "--no-progress"]


@dataclass(frozen=True)
class DrillResult:
    """What the drill measured. ``lost`` names every chain whose recorded head is missing or differs on the new
    primary (RPO in rows: ``len(lost)`` chains short); ``rto_seconds`` is from the kill to the resumed worker's
    first committed hour; ``promote_seconds`` the promotion alone."""

    account: str
    hours_expected: int
    hours_seen_before_kill: int
    chains_seen_before_kill: int
    hours_at_promotion: int
    hours_closed: int
    lost: tuple[str, ...]
    kill_to_promoted_seconds: float
    promote_seconds: float
    rto_seconds: float
    chains_verified: int
    chain_breaks: tuple[str, ...]
    failed_gates: tuple[str, ...]
    replay_parity: bool | None
    worker_exits: tuple[int | None, int]
    notes: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return (not self.lost and not self.chain_breaks and not self.failed_gates
                and self.hours_closed == self.hours_expected and self.replay_parity is not False
                and self.worker_exits[1] == 0)

    def lines(self) -> list[str]:
        return [
            f"account {self.account}: {self.hours_seen_before_kill} hours and {self.chains_seen_before_kill} chain "
            f"heads seen by the client before the kill; {self.hours_at_promotion} hours on the promoted standby",
            f"RPO: {len(self.lost)} chains short of what the client saw (rows lost: "
            f"{'none' if not self.lost else '; '.join(self.lost)})",
            f"RTO: {self.rto_seconds:.1f} s from the kill to the first hour committed on the new primary "
            f"(kill to promoted: {self.kill_to_promoted_seconds:.1f} s, of which pg_ctl promote "
            f"{self.promote_seconds:.1f} s)",
            f"hours closed: {self.hours_closed} of {self.hours_expected}",
            f"VERIFY: {'OK' if not self.chain_breaks else 'FAIL'} ({self.chains_verified} chains)"
            + ("" if not self.chain_breaks else ": " + "; ".join(self.chain_breaks)),
            f"VALIDATION: {'PASS' if not self.failed_gates else 'FAIL: ' + ', '.join(self.failed_gates)}",
            "REPLAY PARITY: " + ("skipped" if self.replay_parity is None else str(self.replay_parity).upper()),
            *self.notes,
            f"FAILOVER DRILL: {'PASS' if self.passed else 'FAIL'}",
        ]


def _wait_exit(proc: subprocess.Popen[bytes], timeout: float) -> int | None:
    """The worker's exit code; a worker still running after ``timeout`` is killed (None)."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def run_drill(cfg: DrillConfig, say: Callable[[str], None] = print) -> DrillResult:
    """Run the drill on the embedded cluster of the current ``PREDATOR_HOME`` (started, migrated and given the
    candles of ``cfg.symbols`` as needed). Leaves the promoted standby running as the primary (the caller stops
    it) and the killed primary's files in place."""
    if config.external_dsn():
        raise ValueError("the failover drill runs on the embedded cluster: unset PREDATOR_DSN")
    if cfg.kill_after < 1 or cfg.kill_after >= cfg.hours - 1:
        raise ValueError(f"kill_after must leave hours on both sides of the kill (1..{cfg.hours - 2})")
    cluster.up(replication=True)
    target = default_target()
    with target.connect("worker") as conn:
        for symbol in cfg.symbols:
            load_file(conn, config.data_dir() / "candles" / f"binance_{symbol.replace('/', '-')}_1h.csv.gz")
    sb = standby.create()
    say(f"standby {sb.name} streaming, synchronous: {sb.layout.dsn()}")
    env = dict(os.environ, PREDATOR_HOME=str(config.home()))
    env.setdefault("PREDATOR_LOG", os.devnull)
    notes: list[str] = []

    err_path = config.home() / "failover-worker.err"   # the first worker's stderr (why it stopped)
    with err_path.open("wb") as err:
        worker = subprocess.Popen(cfg.command(), env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        with target.connect("auditor") as conn:
            while True:
                seen = standby.hours_closed(conn, cfg.account)
                if seen >= cfg.kill_after:
                    heads = standby.chain_heads(conn)   # read after the hours: they cover at least those
                    break
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker ended (exit {worker.returncode}) before hour {cfg.kill_after}: "
                                       f"{err_path.read_text(errors='replace').strip()[-500:]}")
                seams.sleep(0.02)
        killed_at = seams.monotonic()
        pid = standby.kill_primary()
        say(f"primary killed (SIGKILL postmaster {pid}) after {seen} hours seen closed")
        first_exit = _wait_exit(worker, 60.0)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    promoted = standby.promote()
    kill_to_promoted = seams.monotonic() - killed_at
    say(f"standby promoted in {promoted.seconds:.1f} s; PREDATOR_HOME/cluster.json now names {promoted.layout.pgdata}")
    new = Target(promoted.layout.dsn(), embedded=True)
    with new.connect("auditor") as conn:
        at_promotion = standby.hours_closed(conn, cfg.account)
        lost = standby.missing_rows(conn, heads)
    resumed = subprocess.Popen(cfg.command(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first_hour_at: float | None = None
        with new.connect("auditor") as conn:
            while first_hour_at is None and resumed.poll() is None:
                if standby.hours_closed(conn, cfg.account) > at_promotion:
                    first_hour_at = seams.monotonic()
                else:
                    seams.sleep(0.02)
        second_exit = _wait_exit(resumed, cfg.worker_timeout)
    finally:
        if resumed.poll() is None:
            resumed.kill()
            resumed.wait()
    if first_hour_at is None:
        first_hour_at = seams.monotonic()
        notes.append("the resumed worker ended before a new hour was seen: RTO measured to its end")
    with new.connect("auditor") as conn:
        hours = standby.hours_closed(conn, cfg.account)
        verification = gates.verify(conn)
        results = gates.run_gates(conn)
    parity = replay(new, cfg.account).parity if cfg.replay else None
    return DrillResult(
        account=cfg.account, hours_expected=cfg.hours, hours_seen_before_kill=seen,
        chains_seen_before_kill=len(heads), hours_at_promotion=at_promotion, hours_closed=hours,
        lost=tuple(lost), kill_to_promoted_seconds=kill_to_promoted, promote_seconds=promoted.seconds,
        rto_seconds=first_hour_at - killed_at, chains_verified=verification.chains,
        chain_breaks=tuple(f"{b.chain} seq {b.seq}: {b.problem}" for b in verification.breaks),
        failed_gates=tuple(r.name for r in results if r.error is not None or r.violations),
        replay_parity=parity, worker_exits=(first_exit, second_exit if second_exit is not None else -1),
        notes=tuple(notes))


def stop_home(home: Path) -> None:
    """Stop every cluster the drill started under ``home`` (the promoted one, a standby, the killed primary) and
    remove their files and the home."""
    records = [home / "cluster.json", *home.glob("cluster.json.former-*"), *home.glob("standby-*/cluster.json")]
    for record in records:
        if not record.exists():
            continue
        lay = cluster.layout(record.parent) if record.name == "cluster.json" else None
        if lay is None:
            data = json.loads(record.read_text())
            lay = cluster.Layout(home, Path(data["pgdata"]), Path(data["socket_dir"]), Path(data["logfile"]),
                                 data.get("run_as"))
        with contextlib.suppress(Exception):
            if cluster.is_running(lay):
                cluster.run_as_server(lay, [str(cluster.find_bindir() / "pg_ctl"), "stop", "-D", str(lay.pgdata),
                                            "-m", "immediate", "-w"])
        cluster.remove_files(lay, keep_under=home)
    shutil.rmtree(home, ignore_errors=True)
