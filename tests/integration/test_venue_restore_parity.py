"""A simulated venue restored from the book after a restart holds exactly what an uninterrupted one holds.

Campaign 3 seed 529029589 (docs/chaos.md) failed replay parity from the first restart after a partial-fill storm:
a partial fill of a partial fill costs more than 28 significant digits, the paper venue's arithmetic (Python's
default decimal context) rounded its balances there while the book (PostgreSQL numeric) is exact, and a venue
restored from the book reported the book's exact balance where the uninterrupted replay reported the rounded one:
the hashed hourly reconciliation rows differed. Here, in one account over a few hours: a storm, a restart (a new
worker, its venue rebuilt from the book) and a replay; every hourly reconciliation's venue balances must be the
book's to the last digit, and the replay reach parity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig

START = datetime(2023, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
BTC = "BTC/USDT"


def _digits(x: object) -> int:
    """Significant digits of a number as stored (no decimal context involved)."""
    return len(str(x).replace(".", "").lstrip("0").rstrip("0"))


def _config(account: str) -> RunConfig:
    # Every order placed 01:00-04:00 fills a seeded 30-40 %: the buy's partial fill leaves a position with
    # more decimals, whose exit is filled partly again (quantity × price beyond 28 significant digits).
    plan = [[(START + HOUR).isoformat(), BTC, "buy", "0.0560321537"], [(START + 3 * HOUR).isoformat(), BTC, "exit"]]
    storm = [[(START + HOUR).isoformat(), (START + 4 * HOUR).isoformat(), "partial_fill_storm"]]
    return RunConfig(account=account, symbols=(BTC,), strategy="predator.strategies.scripted:Scripted",
                     params={"plan": plan}, start=START, end=START + 9 * HOUR, chaos={"venue": storm})


def test_a_venue_restored_after_partial_fills_reports_the_books_balances_and_replays_to_parity(
    market_db: Target,
) -> None:
    cfg = _config("exact")
    first = HourRunner(market_db, cfg, stop_after=6)
    try:
        first.run()
    finally:
        first.close()
    second = HourRunner(market_db, cfg)  # a restart: the venue rebuilt from the book (predator.runner.restore)
    try:
        second.run()
    finally:
        second.close()
    with market_db.connect("auditor") as conn:
        fills = conn.execute("SELECT side, quantity * price FROM api.fills WHERE account = %s ORDER BY ts",
                             ("exact",)).fetchall()
        rows = conn.execute(
            "SELECT ts, kind, venue_balances::text, book_balances::text, book_balances->>'USDT'"
            " FROM api.reconciliations WHERE account = %s ORDER BY seq",
            ("exact",)).fetchall()
    assert [s for s, _ in fills][:2] == ["buy", "sell"]
    assert _digits(fills[1][1]) > 28  # beyond a 28-digit context
    assert [r[1] for r in rows].count("startup") == 2 and len(rows) == 2 + 10
    assert any(_digits(usdt) > 28 for *_, usdt in rows)
    # Compared as stored (text), to the last digit.
    differing = [(ts, kind, v, b) for ts, kind, v, b, _ in rows if v != b]
    assert differing == []
    result = replay_mod.replay(market_db, "exact")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == 10
