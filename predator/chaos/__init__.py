"""Chaos engineering (issue 14, seed 001): scenarios (:mod:`predator.chaos.scenario`, files in
``predator/chaos/scenarios/``, run by :mod:`predator.chaos.scenario_run`) and campaigns. See docs/chaos.md."""
