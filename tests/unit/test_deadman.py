"""The dead-man switch (predator.venues.deadman) on a fake venue and a fake clock: refreshed while the worker
beats, cancels the traded symbols once when the heartbeat is lost, and re-arms when it comes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from predator.errors import TransientVenueError
from predator.venues.deadman import DeadManSwitch


class FakeVenue:
    def __init__(self, has_switch: bool) -> None:
        self.name = "fake"
        self.has_switch = has_switch
        self.armed: list[int] = []
        self.canceled: list[str] = []
        self.fail = False

    def arm_dead_man(self, timeout_s: int) -> datetime | None:
        if self.fail:
            raise TransientVenueError("unreachable")
        self.armed.append(timeout_s)
        return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=timeout_s) if self.has_switch else None

    def cancel_symbol(self, symbol: str) -> int:
        self.canceled.append(symbol)
        return 2


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.mark.parametrize("has_switch", [True, False], ids=["kraken-like", "binance-like"])
def test_refreshed_while_alive_cancels_once_when_lost_and_rearms(has_switch: bool) -> None:
    venue, clock = FakeVenue(has_switch), Clock()
    switch = DeadManSwitch(venue, ["BTC/USD", "ETH/USD"], clock=clock)
    assert switch.tick() == ("armed" if has_switch else "idle")
    assert venue.armed == [60] and switch.refreshes == (1 if has_switch else 0)
    clock.t += 59
    assert switch.tick() in ("armed", "idle") and not venue.canceled     # 59 s: still alive
    clock.t += 2                                                          # 61 s without a beat: lost
    assert switch.tick() == "canceled" and venue.canceled == ["BTC/USD", "ETH/USD"] and switch.cancels == 4
    armed = len(venue.armed)
    assert switch.tick() == "lost" and venue.canceled == ["BTC/USD", "ETH/USD"] and len(venue.armed) == armed
    switch.beat()
    assert switch.tick() in ("armed", "idle") and len(venue.armed) == armed + 1


def test_a_failed_refresh_is_tried_again_and_the_interval_stays_within_15_to_30_seconds() -> None:
    venue = FakeVenue(True)
    switch = DeadManSwitch(venue, ["BTC/USD"], clock=Clock())
    venue.fail = True
    assert switch.tick() == "failed"
    venue.fail = False
    assert switch.tick() == "armed"
    assert all(15 <= switch.next_interval() <= 30 for _ in range(200))
    with pytest.raises(ValueError):
        DeadManSwitch(venue, ["BTC/USD"], timeout_s=20, refresh_s=(15, 30))
