"""Campaign segmenting, kill-point arming and the C2 leak reporter (issue 14; docs/chaos.md "Checks")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from predator.chaos import killpoints, schedule
from predator.chaos.campaign import segments
from predator.chaos.memleak import LEAK_MB, WorkerHealth, resident_kb


@pytest.mark.parametrize(("days", "check_hours"), [(2, 24), (10, 24), (30, 72), (365, 24), (365, 96), (5, 1)])
def test_segments_cover_every_hour_once_and_check_the_liveness_phase_every_six_hours(days: int,
                                                                                     check_hours: int) -> None:
    ends = segments(days, [], check_hours)
    total, live = days * 24, schedule.faulted_hours(days)
    assert ends == sorted(set(ends)) and ends[-1] == total - 1 and ends[0] >= 0
    assert live - 1 in ends  # the faults' end is a segment end: liveness is judged from there
    starts = [0] + [e + 1 for e in ends[:-1]]
    assert all(0 < e - s + 1 <= max(check_hours, 6) for s, e in zip(starts, ends, strict=True))
    assert all(b - a <= 6 for a, b in zip(ends, ends[1:], strict=False) if a >= live - 1)


def test_default_segments_are_days_while_faults_may_occur() -> None:
    ends = segments(10, [])
    assert ends[:9] == [23 + 24 * d for d in range(9)]


def test_arm_replaces_the_kill_points() -> None:
    h = datetime(2023, 3, 1, 5, tzinfo=UTC)
    try:
        killpoints.arm(f"after_ack@{h.isoformat()};mid_close@{(h + timedelta(hours=2)).isoformat()}")
        assert killpoints._points == {("after_ack", h), ("mid_close", h + timedelta(hours=2))}
        killpoints.arm("")
        assert killpoints._points == frozenset()
        killpoints.reached("after_ack", h)  # armed with nothing: returns
    finally:
        killpoints.arm("")


def test_the_leak_is_seeded_grows_in_its_window_and_is_released_after() -> None:
    t0 = datetime(2023, 3, 1, tzinfo=UTC)
    hours = [t0 + timedelta(hours=i) for i in range(5)]
    runs = []
    for _ in range(2):
        leak = WorkerHealth([(hours[1], hours[2])], seed=9)
        reports = [leak(t) for t in hours]
        runs.append(leak.applied)
        assert leak.held_mb == 0 and not leak.held
    assert runs[0] == runs[1]  # the same seed, the same megabytes
    (a, mb1), (b, mb2), (c, released) = runs[0]
    assert (a, b, c) == (hours[1], hours[2], hours[3])
    assert all(LEAK_MB[0] <= mb <= LEAK_MB[1] for mb in (mb1, mb2)) and released == -(mb1 + mb2)
    if resident_kb() is not None:
        assert all(r is not None and r[0] > 0 and r[2] == {"leak_mb": r[2]["leak_mb"]} for r in reports)


def test_no_leak_reports_the_process_alone() -> None:
    got = WorkerHealth()(datetime(2023, 3, 1, tzinfo=UTC))
    if resident_kb() is not None:
        assert got is not None and got[0] > 0 and got[2] == {}


def test_a_kill_switch_ends_a_segment_at_its_hour_and_two_hours_later() -> None:
    f = schedule.Fault(40, "operator", "kill_switch", (("flatten", 1), ("phase", "mid_kill_switch")))
    ends = segments(10, [f])
    assert {40, 42} <= set(ends) and ends == sorted(set(ends))
    assert set(ends) - {40, 42} == set(segments(10, []))
