"""predator.seams: per-component generators are a function of (component, seed) alone; the paper venue's
per-order draws are what they were before the seam (sha256 of ``seed|client order id``); the session seed
follows PREDATOR_SEED."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC

import pytest

from predator import seams


def test_a_component_generator_depends_on_its_component_and_seed_only() -> None:
    a = [seams.rng("venue", 7).random() for _ in range(3)]
    assert a == [seams.rng("venue", 7).random() for _ in range(3)]
    assert seams.rng("venue", 7).random() != seams.rng("venue", 8).random()
    assert seams.rng("venue", 7).random() != seams.rng("faults", 7).random()
    assert seams.seeded(1).random() == random.Random(1).random()


def test_the_paper_venue_draws_what_it_drew_before_the_seam() -> None:
    digest = hashlib.sha256(b"7|PABC").digest()
    before = random.Random(int.from_bytes(digest[:8], "big"))
    assert seams.rng("PABC", 7).randint(-250, 250) == before.randint(-250, 250)


def test_the_session_seed_comes_from_the_environment_or_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seams, "_session_seed", None)
    monkeypatch.setenv(seams.SEED_ENV, "42")
    assert seams.session_seed() == 42
    seams.set_session_seed(5)
    assert seams.session_seed() == 5
    monkeypatch.setattr(seams, "_session_seed", None)
    monkeypatch.setenv(seams.SEED_ENV, "forty-two")
    with pytest.raises(ValueError, match="PREDATOR_SEED must be an integer"):
        seams.session_seed()
    monkeypatch.setattr(seams, "_session_seed", None)


def test_the_clock_seam_reads_utc_wall_time() -> None:
    assert seams.wall_now().tzinfo is UTC
    t0 = seams.monotonic()
    assert seams.monotonic() >= t0 and seams.perf_counter() > 0 and seams.epoch_seconds() > 1.7e9
    assert len(seams.unique_hex(12)) == 12 and seams.unique_hex(12) != seams.unique_hex(12)
