"""bench/scaling.py end to end on its ``--quick`` preset: 1 and 3 symbols over the last 90 days of the data, each
cell a governed backtest on a fresh copy of a template holding the candles. The report must hold every cell
with positive figures and its segments; no timing is asserted (timings are the bench's, read as ratios)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg
import pytest

from predator.db.connection import Target

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import scaling  # noqa: E402

pytestmark = pytest.mark.slow


def test_quick_preset_reports_every_cell(server: Target, template_db: Target, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scaling.json"
    assert scaling.main(["--quick", "--base", template_db.dbname, "--out", str(out)], server=server) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("scaling: ") and "last/first" in last

    report = json.loads(out.read_text())
    assert report["complete"] is True
    cells = {c["cell"]: c for c in report["cells"]}
    assert set(cells) == {"1sym×90d", "3sym×90d"}
    for name, c in cells.items():
        n = len(c["symbols"])
        assert n == c["symbols_asked"] and not c["capped"], name
        assert c["hours"] == 90 * 24 + 1, name  # every decision hour of the window and its end
        assert c["symbol_hours"] == c["hours"] * n
        assert c["wall_seconds"] > 0 and c["ms_per_symbol_hour"] > 0 and c["cycle_ms_per_symbol_hour"] > 0, name
        assert c["fills"] > 0 and c["orders"] > 0, name
        assert len(c["segments"]) == 3, name  # 30-day segments
        assert sum(s["hours"] for s in c["segments"]) == c["hours"]
        for s in c["segments"]:
            assert s["hours"] > 0 and s["cycle_ms_per_symbol_hour"] > 0 and s["close_ms_per_hour"] > 0, (name, s)
        assert c["last_over_first"] is not None and c["last_over_first"] > 0, name
        assert c["table_reads"], name
    assert cells["1sym×90d"]["symbols"] == ["BTC/USDT"]
    assert report["ratios"]["rows"]["3"]["last_over_first"] == cells["3sym×90d"]["last_over_first"]

    # every cell ran on its own copy, dropped after the run
    with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname = ANY(%s)",
                            ([c["database"] for c in cells.values()],)).fetchall()
    assert left == []
