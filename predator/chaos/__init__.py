"""Chaos engineering (issue 14, seed 001), docs/chaos.md: scenarios (:mod:`predator.chaos.scenario`, files in
``predator/chaos/scenarios/``, run by :mod:`predator.chaos.scenario_run`) and campaigns (a seeded fault schedule
over a paper run, a supervisor that runs the worker as its own process and restarts it and PostgreSQL, and the
metrics and report of a campaign)."""
