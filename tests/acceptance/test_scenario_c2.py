"""Seed 001 C2 as a scenario file (issue 14; docs/chaos.md): the worker leaks memory for real, reports its
resident memory at every hour's close (api.record_worker_health), and the database trips the worker_rss_mb
breaker at the account's 400 MB ceiling: entries paused, an infrastructure incident, and the pause lifting by
itself once the memory is released."""

from __future__ import annotations

from predator.chaos import scenario
from predator.chaos.scenario_run import report_lines, run_scenario
from predator.db.connection import Target


def test_c2_a_leaking_worker_trips_the_memory_breaker_and_recovers(market_db: Target) -> None:
    result = run_scenario(market_db, scenario.find("c2_memory_leak"), seed=5)
    assert result.passed, "\n".join(report_lines(result))
    assert result.gates and result.gates_passed and result.chains_ok
    leaked = [k for k, _ in result.faults_applied if k.startswith("memory_leak +")]
    assert len(leaked) == 16  # every hour of 03:00..18:00
    assert [k for k, _ in result.faults_applied if k.startswith("memory_leak -")]  # released at 19:00
    trips = [e.value for e in result.expectations if e.expectation.name.startswith("the memory breaker trips")]
    assert trips == [1]
