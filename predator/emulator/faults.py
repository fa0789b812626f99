"""Declared faults: what the emulated venue does wrong, on purpose, and when.

A fault plan is a YAML or JSON document (a file given to ``predator emulate --faults FILE``, or the body
of ``POST /__emulator/faults``)::

    latency_ms: 20          # added to every venue request
    jitter_ms: 10           # ± uniform, drawn from a generator seeded by ``seed``
    seed: 1
    faults:
      - kind: http_error    # answer 503 (or ``status``) instead of serving the request
        endpoint: AddOrder  # a substring of the request path; omitted = every venue endpoint
        times: 1            # how many matching requests it hits; omitted = until cleared
      - kind: rate_limit    # Binance: HTTP 429 (or status: 418) with Retry-After; Kraken: EAPI:Rate limit exceeded
        retry_after: 2
      - kind: drop          # the connection is closed in the middle of the response
      - kind: latency       # delay_ms more on matching requests only
        delay_ms: 200
      - kind: timeout_after_accept   # the order is accepted, the answer comes delay_ms later (after the client gave up)
        delay_ms: 3000
      - kind: partial_fills # the paper engine fills at most ``participation`` of each bar's volume
        participation: 0.0001
      - kind: ghost_fill    # a trade is reported for this order although the venue never filled it
        client_order_id: abc
      - kind: duplicate_trades       # my trades lists every trade twice
      - kind: out_of_order_trades    # my trades comes newest first
      - kind: withdrawal    # a withdrawal appears in the account's history (and leaves the balance)
        asset: USDT
        amount: 25
        at: 2024-01-01T05:00:00Z     # when the clock passes this time; omitted = at once
      - kind: stall_candles # no bar opening at/after ``since`` is served (default: the clock when declared)
        symbol: BTC/USDT    # omitted = every symbol
      - kind: revise_candle # the bar at ``ts`` is served with these values instead of the stored ones
        symbol: BTC/USDT
        ts: 2024-01-01T03:00:00Z
        close: "42000.5"
      - kind: fee_asset     # fees are charged in this asset (Binance's "pay fees with BNB") while the
        asset: BNB          # account holds enough, at the asset's price in the quote, ``discount`` off
        discount: "0.25"    # (default 0.25); a fill whose quote has no ASSET/QUOTE series pays in the quote

Kinds other than those above are refused, as are unknown keys (a typo must not silently disable a fault).
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from predator import seams

HTTP_KINDS = ("http_error", "rate_limit", "drop", "latency", "timeout_after_accept")
STATE_KINDS = (
    "partial_fills",
    "ghost_fill",
    "duplicate_trades",
    "out_of_order_trades",
    "withdrawal",
    "stall_candles",
    "revise_candle",
    "fee_asset",
)
KINDS = HTTP_KINDS + STATE_KINDS
_OHLCV = ("open", "high", "low", "close", "volume")


class FaultPlanError(ValueError):
    """A fault plan that cannot be understood."""


def _when(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as e:
        raise FaultPlanError(f"{what}: {value!r} is not an ISO-8601 time") from e
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as e:
        raise FaultPlanError(f"{what}: {value!r} is not a number") from e


@dataclass(frozen=True)
class Fault:
    """One declared fault (see the module docstring for the kinds and their keys)."""

    kind: str
    endpoint: str | None = None
    method: str | None = None
    times: int | None = None
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int | None = None
    participation: Decimal | None = None
    client_order_id: str | None = None
    asset: str | None = None
    amount: Decimal | None = None
    at: datetime | None = None
    symbol: str | None = None
    since: datetime | None = None
    ts: datetime | None = None
    discount: Decimal | None = None
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, raw: Any, n: int) -> Fault:
        where = f"fault #{n + 1}"
        if not isinstance(raw, dict):
            raise FaultPlanError(f"{where}: expected a mapping, got {raw!r}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise FaultPlanError(f"{where}: unknown kind {kind!r}; known kinds: {', '.join(KINDS)}")
        known = {f.name for f in fields(cls)} - {"values"} | set(_OHLCV)
        unknown = set(raw) - known
        if unknown:
            raise FaultPlanError(f"{where} ({kind}): unknown keys {sorted(unknown)}")
        args: dict[str, Any] = {"kind": kind}
        for key in ("endpoint", "method", "client_order_id", "asset", "symbol"):
            if raw.get(key) is not None:
                args[key] = str(raw[key])
        for key in ("times", "status", "retry_after", "delay_ms"):
            if raw.get(key) is not None:
                args[key] = int(raw[key])
        for key in ("participation", "amount", "discount"):
            if raw.get(key) is not None:
                args[key] = _decimal(raw[key], f"{where}.{key}")
        for key in ("at", "since", "ts"):
            if raw.get(key) is not None:
                args[key] = _when(raw[key], f"{where}.{key}")
        args["values"] = tuple((k, str(_decimal(raw[k], f"{where}.{k}"))) for k in _OHLCV if raw.get(k) is not None)
        fault = cls(**args)
        fault._check(where)
        return fault

    def _check(self, where: str) -> None:
        need: dict[str, tuple[str, ...]] = {
            "partial_fills": ("participation",),
            "ghost_fill": ("client_order_id",),
            "withdrawal": ("asset", "amount"),
            "revise_candle": ("symbol", "ts"),
            "fee_asset": ("asset",),
        }
        missing = [k for k in need.get(self.kind, ()) if getattr(self, k) is None]
        if missing:
            raise FaultPlanError(f"{where} ({self.kind}): missing {', '.join(missing)}")
        if self.kind == "revise_candle" and not self.values:
            raise FaultPlanError(f"{where} (revise_candle): give at least one of {', '.join(_OHLCV)}")
        if self.kind == "rate_limit" and self.status not in (None, 429, 418):
            raise FaultPlanError(f"{where} (rate_limit): status must be 429 or 418")
        if self.kind == "http_error" and self.status is not None and not 500 <= self.status <= 599:
            raise FaultPlanError(f"{where} (http_error): status must be 5xx")
        if self.discount is not None and not Decimal(0) <= self.discount < 1:
            raise FaultPlanError(f"{where}: discount must be in [0, 1)")
        if self.participation is not None and not Decimal(0) < self.participation <= 1:
            raise FaultPlanError(f"{where}: participation must be in (0, 1]")

    def matches(self, method: str, path: str) -> bool:
        return (self.endpoint is None or self.endpoint in path) and (
            self.method is None or self.method.upper() == method.upper()
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("kind", "values") or v is None:
                continue
            out[f.name] = v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, Decimal) else v
        out.update(dict(self.values))
        return out


@dataclass(frozen=True)
class FaultPlan:
    latency_ms: int = 0
    jitter_ms: int = 0
    seed: int = 0
    faults: tuple[Fault, ...] = ()

    @classmethod
    def parse(cls, doc: Any) -> FaultPlan:
        if doc is None:
            return cls()
        if not isinstance(doc, dict):
            raise FaultPlanError("a fault plan is a mapping with latency_ms, jitter_ms, seed and faults")
        unknown = set(doc) - {"latency_ms", "jitter_ms", "seed", "faults"}
        if unknown:
            raise FaultPlanError(f"fault plan: unknown keys {sorted(unknown)}")
        raw = doc.get("faults") or []
        if not isinstance(raw, list):
            raise FaultPlanError("fault plan: faults must be a list")
        return cls(
            latency_ms=int(doc.get("latency_ms", 0)),
            jitter_ms=int(doc.get("jitter_ms", 0)),
            seed=int(doc.get("seed", 0)),
            faults=tuple(Fault.parse(f, i) for i, f in enumerate(raw)),
        )

    @classmethod
    def load(cls, path: Path) -> FaultPlan:
        text = path.read_text(encoding="utf-8")
        try:
            doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as e:
            raise FaultPlanError(f"{path}: {e}") from e
        return cls.parse(doc)


@dataclass
class _Active:
    fault: Fault
    remaining: int | None
    declared_at: datetime


@dataclass
class FaultBook:
    """The faults in force, with their remaining counts. Thread-safe."""

    latency_ms: int = 0
    jitter_ms: int = 0
    active: list[_Active] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: seams.seeded(0))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self, plan: FaultPlan, now: datetime, replace: bool = True) -> None:
        with self._lock:
            if replace:
                self.active = []
                self.latency_ms, self.jitter_ms = plan.latency_ms, plan.jitter_ms
                self.rng = seams.seeded(plan.seed)
            else:
                self.latency_ms = plan.latency_ms or self.latency_ms
                self.jitter_ms = plan.jitter_ms or self.jitter_ms
            self.active.extend(_Active(f, f.times, now) for f in plan.faults)

    def clear(self) -> None:
        with self._lock:
            self.active = []
            self.latency_ms = self.jitter_ms = 0

    def delay_seconds(self) -> float:
        with self._lock:
            jitter = self.rng.randint(-self.jitter_ms, self.jitter_ms) if self.jitter_ms else 0
            return max(0, self.latency_ms + jitter) / 1000

    def take(self, kinds: tuple[str, ...], method: str, path: str,
             default: tuple[str, str] | None = None) -> list[Fault]:
        """The HTTP faults of ``kinds`` that hit this request (their counts are spent). ``default``:
        (method, path) a fault without ``endpoint`` is limited to."""
        hit: list[Fault] = []
        with self._lock:
            for a in self.active:
                if a.fault.endpoint is None and default is not None and (method, path) != default:
                    continue
                if a.fault.kind in kinds and a.fault.matches(method, path) and (a.remaining is None or a.remaining > 0):
                    hit.append(a.fault)
                    if a.remaining is not None:
                        a.remaining -= 1
            self.active = [a for a in self.active if a.remaining is None or a.remaining > 0]
        return hit

    def state(self, kind: str) -> list[tuple[Fault, datetime]]:
        """Declared state faults of one kind, with the clock time they were declared at."""
        with self._lock:
            return [(a.fault, a.declared_at) for a in self.active if a.fault.kind == kind]

    def discard(self, fault: Fault) -> None:
        with self._lock:
            self.active = [a for a in self.active if a.fault is not fault]

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency_ms,
                "jitter_ms": self.jitter_ms,
                "faults": [dict(a.fault.as_dict(), remaining=a.remaining) for a in self.active],
            }
