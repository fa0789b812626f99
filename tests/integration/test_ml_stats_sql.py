"""Schema ml and its Python mirror predator.ml.stats agree to 1e-9 on a seeded grid, refuse the same inputs, and
ml.norm_cdf / ml.norm_inv (in-house: PostgreSQL 15 has no erf) are within 1e-9 of statistics.NormalDist.

Each function is called as the auditor (SET ROLE predator_auditor), the role that recomputes what a gate decided.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator

import numpy as np
import psycopg
import pytest

from predator.errors import StatisticsInputError
from predator.ml import stats

TOLERANCE = 1e-9
SEED = 20260519


@pytest.fixture()
def conn(db) -> Iterator[psycopg.Connection]:  # type: ignore[no-untyped-def]
    with psycopg.connect(db.dsn) as c:
        c.execute("SET ROLE predator_auditor")
        yield c


def _grid(n: int) -> list[tuple[float, float, float, float, float, float, float, int]]:
    """(sr, benchmark, n_obs, skew, kurtosis, confidence, trial variance, n_trials), seeded."""
    rng = np.random.default_rng(SEED)
    out = []
    for _ in range(n):
        skew = float(rng.uniform(-3, 3))
        sr = float(rng.uniform(-0.6, 0.6))
        out.append((sr, float(sr - rng.uniform(1e-3, 0.5)), float(rng.integers(2, 20000)), skew,
                    float(1 + skew * skew + rng.exponential(4.0)), float(rng.uniform(0.5, 0.9999)),
                    float(rng.uniform(0, 0.05)), int(rng.choice([1, 2, 7, 100, 10**4, 10**9]))))
    return out


def test_psr_dsr_mintrl_and_sr0_agree_with_python(conn: psycopg.Connection) -> None:
    grid = _grid(400)
    rows = conn.execute(
        "SELECT ml.probabilistic_sharpe_ratio(sr, bench, n, sk, ku),"
        "       ml.expected_max_sharpe(v, nt),"
        "       ml.deflated_sharpe_ratio(sr, v, nt, n, sk, ku),"
        "       ml.min_track_record_length(sr, bench, sk, ku, conf)"
        "  FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[],"
        "              %s::float8[], %s::bigint[]) WITH ORDINALITY g(sr, bench, n, sk, ku, conf, v, nt, i)"
        " ORDER BY i",
        [list(col) for col in zip(*grid, strict=True)]).fetchall()
    worst = 0.0
    for (sr, bench, n, sk, ku, conf, v, nt), (psr, sr0, dsr, trl) in zip(grid, rows, strict=True):
        assert psr == pytest.approx(stats.probabilistic_sharpe_ratio(sr, bench, n, sk, ku), abs=TOLERANCE)
        assert sr0 == pytest.approx(stats.expected_max_sharpe(v, nt), abs=TOLERANCE)
        assert dsr == pytest.approx(stats.deflated_sharpe_ratio(sr, v, nt, n, sk, ku), abs=TOLERANCE)
        py_trl = stats.min_track_record_length(sr, bench, sk, ku, conf)
        assert trl == pytest.approx(py_trl, rel=TOLERANCE)
        worst = max(worst, abs(psr - stats.probabilistic_sharpe_ratio(sr, bench, n, sk, ku)),
                    abs(dsr - stats.deflated_sharpe_ratio(sr, v, nt, n, sk, ku)))
    assert worst < TOLERANCE


def test_published_values_in_sql(conn: psycopg.Connection) -> None:
    # The worked values of tests/unit/test_ml_stats.py (papers, sections and figures named there), in SQL.
    psr, psr_normal, trl, sr0, dsr, dsr46, dsr88 = conn.execute(
        "SELECT ml.probabilistic_sharpe_ratio(0.458, 0, 24, -2.448, 10.164),"
        "       ml.probabilistic_sharpe_ratio(0.458, 0, 24, 0, 3),"
        "       ml.min_track_record_length(2 / sqrt(12), 1 / sqrt(12), -0.72, 5.78, 0.95),"
        "       ml.expected_max_sharpe(0.5 / 250, 100),"
        "       ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 100, 1250, -3, 10),"
        "       ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 46, 1250, -3, 10),"
        "       ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 88, 1250, 0, 3)").fetchone()
    assert (round(psr, 3), round(psr_normal, 3), round(trl, 3)) == (0.913, 0.982, 59.895)
    assert (round(sr0, 4), round(dsr, 4), round(dsr46, 4), round(dsr88, 4)) == (0.1132, 0.9004, 0.9505, 0.9505)


def test_norm_cdf_and_inverse_are_accurate_to_1e_9(conn: psycopg.Connection) -> None:
    nd = statistics.NormalDist()
    rng = np.random.default_rng(SEED)
    xs = sorted({*np.linspace(-40, 40, 8001).tolist(), *rng.normal(0, 4, 2000).tolist(),
                 0.0, 1e-300, -1e-300, 2.1213, -2.1213, 36.7, -36.7, 38.5, -38.5, 1e300, -1e300})
    got = conn.execute("SELECT ml.norm_cdf(x) FROM unnest(%s::float8[]) WITH ORDINALITY u(x, i) ORDER BY i",
                       [xs]).fetchall()
    errors = [abs(g - nd.cdf(x)) for (g,), x in zip(got, xs, strict=True)]
    assert max(errors) < TOLERANCE
    assert max(errors) < 1e-14  # what the series and continued fraction actually achieve
    ps = sorted({*np.linspace(1e-6, 1 - 1e-6, 4001).tolist(), *rng.uniform(0, 1, 2000).tolist(),
                 1e-300, 1e-100, 1e-20, 1e-10, 0.02425, 0.075, 0.5, 0.925, 0.97575, 1 - 1e-10, 1 - 1e-16})
    got = conn.execute("SELECT ml.norm_inv(p) FROM unnest(%s::float8[]) WITH ORDINALITY u(p, i) ORDER BY i",
                       [ps]).fetchall()
    assert max(abs(g - nd.inv_cdf(p)) for (g,), p in zip(got, ps, strict=True)) < TOLERANCE
    # round trip inside SQL
    assert conn.execute("SELECT max(abs(ml.norm_cdf(ml.norm_inv(p)) - p)) FROM unnest(%s::float8[]) p",
                        [ps]).fetchone()[0] < TOLERANCE


@pytest.mark.parametrize("seed", range(6))
def test_pbo_agrees_with_python(conn: psycopg.Connection, seed: int) -> None:
    rng = np.random.default_rng(SEED + seed)
    s = [2, 4, 6, 8, 10, 16][seed]
    t = s * int(rng.integers(1 if s >= 4 else 2, 8))
    n = int(rng.integers(2, 12))
    m = rng.normal(0.0003, 0.01, size=(t, n)) + rng.normal(0, 0.003, size=n)
    if seed == 2:
        m[:, 1] = m[:, 0]  # a duplicated trial: exact ties in and out of sample
    if seed == 3:
        m[:, 2] = 0.0      # a trial that never trades: zero variance, Sharpe ratio 0
    got = conn.execute("SELECT ml.pbo(%s::float8[], %s)", [m.tolist(), s]).fetchone()[0]
    assert got == pytest.approx(stats.pbo(m, s).pbo, abs=TOLERANCE)


def test_pbo_handles_array_bounds_other_than_one(conn: psycopg.Connection) -> None:
    m = [[0.02, -0.01], [0.01, -0.02], [-0.02, 0.01], [-0.01, 0.02]]
    shifted = "[0:3][5:6]={{0.02,-0.01},{0.01,-0.02},{-0.02,0.01},{-0.01,0.02}}"
    assert conn.execute("SELECT ml.pbo(%s::float8[], 2), ml.pbo(%s::float8[], 2)",
                        [shifted, m]).fetchone() == (1.0, 1.0)


BAD = [
    ("ml.probabilistic_sharpe_ratio(%s, %s, %s, %s, %s)", stats.probabilistic_sharpe_ratio,
     [(math.nan, 0, 24, 0, 3), (0.1, math.inf, 24, 0, 3), (0.1, 0, 1, 0, 3), (0.1, 0, 24, 0, 0),
      (0.1, 0, 24, -2, 4), (1.0, 0, 24, 2, 5), (2000, 0, 24, 0, 3), (0.1, 0, 24, 0, 2e7)]),
    ("ml.expected_max_sharpe(%s, %s)", stats.expected_max_sharpe, [(-1e-3, 5), (0.1, 0), (math.inf, 5), (2e4, 5)]),
    ("ml.deflated_sharpe_ratio(%s, %s, %s, %s, %s, %s)", stats.deflated_sharpe_ratio,
     [(0.1, 0.01, 0, 100, 0, 3), (0.1, -0.01, 5, 100, 0, 3), (0.1, 0.01, 5, 1, 0, 3), (0.1, 0.01, 5, 100, 1.0, 1.5)]),
    ("ml.min_track_record_length(%s, %s, %s, %s, %s)", stats.min_track_record_length,
     [(0.1, 0.1, 0, 3, 0.95), (0.1, 0.2, 0, 3, 0.95), (0.1, 0, 0, 3, 1.0), (0.1, 0, 0, 3, 0.49),
      (0.1, -math.inf, 0, 3, 0.95)]),
    ("ml.norm_inv(%s)", stats.norm_inv, [(0.0,), (1.0,), (-0.5,), (math.nan,)]),
    ("ml.norm_cdf(%s)", stats.norm_cdf, [(math.inf,), (-math.inf,), (math.nan,)]),
]


@pytest.mark.parametrize("sql, py, cases", BAD, ids=[b[0].split("(")[0] for b in BAD])
def test_both_sides_refuse_the_same_inputs(conn: psycopg.Connection, sql: str, py: object, cases: list[tuple]) -> None:  # type: ignore[type-arg]
    for args in cases:
        with pytest.raises(StatisticsInputError):
            py(*args)  # type: ignore[operator]
        with pytest.raises(psycopg.Error) as e, conn.transaction():
            conn.execute(f"SELECT {sql}", [float(a) if isinstance(a, float) else a for a in args])
        assert e.value.sqlstate == "PD012", (sql, args, e.value)
        assert e.value.diag.message_hint, (sql, args)
        assert "argument=" in (e.value.diag.message_detail or ""), (sql, args)
