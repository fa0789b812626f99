"""Real candle files through the gated path: accounting, duplicates, corrections, gaps vs anomalies, dataset
hash, and the whole shipped 1h data set with no false quarantine."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from predator import config
from predator.db import api as db_api
from predator.db import market_api
from predator.db.connection import Target
from predator.errors import InvalidArgument, UnknownReference
from predator.marketdata import loader
from predator.marketdata.dataset import dataset_hash_of
from tests.conftest import create_database, drop_database
from tests.helpers import shared_file

CANDLES = config.data_dir() / "candles"
START, END = datetime(2017, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)


def _file(name: str) -> Path:
    return shared_file("candles", name)


def _bars(path: Path) -> list[tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal]]:
    with gzip.open(path, "rt") as f:
        next(f)
        out = []
        for line in f:
            ts, o, h, lo, c, v = line.rstrip("\n").split(",")
            out.append((datetime.fromisoformat(ts.replace("Z", "+00:00")), Decimal(o), Decimal(h), Decimal(lo),
                        Decimal(c), Decimal(v)))
    return out


def _provenance() -> dict[str, tuple[int, int, int, int]]:
    """file -> (rows, missing bars, gaps, zero-volume rows) as PROVENANCE.md states them."""
    text = (config.data_dir() / "PROVENANCE.md").read_text()
    out = {}
    for m in re.finditer(r"^\| candles/(\S+_1h\.csv\.gz) \| [^|]+ \| (\d+) \| [^|]+ \| [^|]+ \| ([^|]+) \| (\d+) \|",
                         text, re.M):
        gaps = re.match(r"\s*(\d+) bars in (\d+) gaps", m[3])
        out[m[1]] = (int(m[2]), int(gaps[1]) if gaps else 0, int(gaps[2]) if gaps else 0, int(m[4]))
    return out


@pytest.fixture()
def worker(db: Target) -> Iterator[psycopg.Connection]:
    """A worker session in autocommit: each load is its own committed transaction."""
    with db.connect("worker", autocommit=True) as conn:
        yield conn


def _hash(conn: psycopg.Connection, symbols: list[str], venue: str = "binance") -> market_api.DatasetHash:
    return market_api.dataset_hash(conn, venue, symbols, "1h", START, END)


def test_a_file_loads_with_its_accounting_line(worker: psycopg.Connection) -> None:
    path = _file("binance_APT-USDT_1h.csv.gz")
    done = loader.load_file(worker, path)
    r = done.result
    assert (r.read, r.loaded, r.duplicate, r.corrected, r.quarantined) == (13998, 13998, 0, 0, 0)
    assert r.first_ts == datetime(2022, 10, 19, 1, tzinfo=UTC) and r.last_ts == datetime(2024, 5, 24, 7, tzinfo=UTC)
    assert done.accounting_line().endswith("loaded 13998 + duplicate 0 + corrected 0 + quarantined 0 = read 13998")
    assert done.source == "file:binance_APT-USDT_1h.csv.gz"
    load = worker.execute("SELECT read, loaded, source FROM api.candle_loads WHERE load_id = %s",
                          (r.load_id,)).fetchone()
    assert load == (13998, 13998, "file:binance_APT-USDT_1h.csv.gz")


def test_the_listing_spike_and_halt_hours_are_anomalies_and_the_outage_a_gap(worker: psycopg.Connection) -> None:
    loader.load_file(worker, _file("binance_APT-USDT_1h.csv.gz"))
    flagged = {(a.ts, tuple(a.flags)) for a in market_api.candle_anomalies(worker, "binance", "1h", "APT/USDT")}
    assert flagged == {(datetime(2022, 10, 19, 1, tzinfo=UTC), ("range_spike",)),
                       (datetime(2023, 3, 24, 12, tzinfo=UTC), ("zero_volume_flat",))}
    gaps = market_api.candle_gaps(worker, "binance", "1h", "APT/USDT")
    assert [(g.after_ts, g.next_ts, g.missing) for g in gaps] == [
        (datetime(2023, 3, 24, 12, tzinfo=UTC), datetime(2023, 3, 24, 14, tzinfo=UTC), 1)]
    assert worker.execute("SELECT count(*) FROM api.candle_quarantine").fetchone() == (0,)


def test_reloading_a_file_is_all_duplicates_and_changes_nothing(worker: psycopg.Connection) -> None:
    path = _file("binance_SUI-USDT_1h.csv.gz")
    loader.load_file(worker, path)
    before = _hash(worker, ["SUI/USDT"])
    again = loader.load_file(worker, path).result
    assert (again.read, again.loaded, again.duplicate, again.quarantined) == (8999, 0, 8999, 0)
    assert _hash(worker, ["SUI/USDT"]) == before


def test_a_revised_bar_is_a_correction_with_evidence_never_an_overwrite(db: Target, worker: psycopg.Connection,
                                                                        tmp_path: Path) -> None:
    path = _file("binance_SUI-USDT_1h.csv.gz")
    loader.load_file(worker, path)
    before = _hash(worker, ["SUI/USDT"])
    with gzip.open(path, "rt") as f:
        head = [next(f) for _ in range(4)]
    ts, o, h, lo, c, v = head[2].rstrip("\n").split(",")
    revised = f"{ts},{o},{h},{lo},{c},{Decimal(v) + 1}\n"
    patch = tmp_path / "binance_SUI-USDT_1h.csv"
    patch.write_text(head[0] + head[1] + revised + head[3])
    r = loader.load_file(worker, patch, source="vendor-fix").result
    assert (r.read, r.loaded, r.duplicate, r.corrected, r.quarantined) == (3, 0, 2, 1, 0)
    rows = worker.execute("SELECT revision, volume FROM api.candles WHERE symbol = 'SUI/USDT' AND ts = %s",
                          (datetime.fromisoformat(ts.replace("Z", "+00:00")),)).fetchall()
    assert rows == [(1, Decimal(v) + 1)]  # the effective bar is the new revision ...
    k = sqlapi_corrections(worker)
    assert len(k) == 1 and k[0][0] == 0 and k[0][1] == 1 and Decimal(str(k[0][2]["volume"])) == Decimal(v) \
        and Decimal(str(k[0][3]["volume"])) == Decimal(v) + 1 and k[0][4] == "vendor-fix"
    assert _hash(worker, ["SUI/USDT"]) != before
    # ... the original revision stays stored, and sending the original again is a correction back to it
    original = tmp_path / "binance_SUI-USDT_1h.csv.gz"
    original.write_bytes(gzip.compress("".join(head).encode()))
    back = loader.load_file(worker, original).result
    assert (back.duplicate, back.corrected) == (2, 1)
    with db.connect("auditor") as auditor:
        stored = auditor.execute("SELECT c.revision, c.volume FROM market.candle c WHERE c.symbol = 'SUI/USDT'"
                                 " AND c.ts = %s ORDER BY c.revision",
                                 (datetime.fromisoformat(ts.replace("Z", "+00:00")),))
        assert stored.fetchall() == [(0, Decimal(v)), (1, Decimal(v) + 1), (2, Decimal(v))]
    assert _hash(worker, ["SUI/USDT"]) == before


def sqlapi_corrections(conn: psycopg.Connection) -> list[tuple]:  # type: ignore[type-arg]
    return conn.execute("SELECT from_revision, to_revision, old_values, new_values, source FROM api.candle_corrections"
                        " ORDER BY ts").fetchall()


def test_unknown_venue_interval_and_symbol_are_refused(worker: psycopg.Connection, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(loader.HEADER + "\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n")
    with pytest.raises(UnknownReference, match="unknown venue"):
        loader.load_file(worker, path, venue="nowhere", symbol="BTC/USDT", interval="1h")
    with pytest.raises(InvalidArgument, match="unknown interval"):
        loader.load_file(worker, path, venue="binance", symbol="BTC/USDT", interval="7m")
    with pytest.raises(InvalidArgument, match="unified symbol"):
        loader.load_file(worker, path, venue="binance", symbol="btcusdt", interval="1h")
    assert worker.execute("SELECT count(*) FROM api.candle_loads").fetchone() == (0,)


def test_a_load_without_a_key_is_refused_with_a_hint(worker: psycopg.Connection) -> None:
    with pytest.raises(InvalidArgument, match="no load key") as info:
        db_api.load_candles(worker, None, "binance", "BTC/USDT", "1h", "test")  # type: ignore[arg-type]
    assert info.value.hint and "market.candle_stage" in info.value.hint and "api.begin_candle_load" in info.value.hint


def test_a_load_reads_only_its_own_key_and_consumes_it(db: Target, worker: psycopg.Connection) -> None:
    btc, eth = loader.Feed("binance", "BTC/USDT", "1h"), loader.Feed("binance", "ETH/USDT", "1h")
    with worker.transaction():
        mine, other = loader.begin_load(worker), loader.begin_load(worker)
        assert mine != other
        loader.stage_chunks(worker, mine, [b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n",
                                           b"2024-01-01T01:00:00Z,1,2,0.5,1.5,10\n"])
        loader.stage_chunks(worker, other, [b"2024-01-01T00:00:00Z,3,4,2.5,3.5,10\n"])
        first = loader.gate(worker, mine, btc, "test", None, line_offset=0)
        never_staged = loader.gate(worker, loader.begin_load(worker), btc, "test", None, line_offset=0)
        second = loader.gate(worker, other, eth, "test", None, line_offset=0)
        again = loader.gate(worker, mine, btc, "test", None, line_offset=0)
    assert (first.read, first.loaded, second.read, second.loaded) == (2, 2, 1, 1)
    assert (never_staged.read, again.read) == (0, 0), "a key reads nothing but its own lines, once"
    with psycopg.connect(db.dsn) as admin:
        assert admin.execute("SELECT count(*) FROM market.candle_stage").fetchone() == (0,)


def test_the_dataset_hash_matches_the_files_and_survives_a_reload(server: Target, template_db: Target,
                                                                  worker: psycopg.Connection) -> None:
    names = ["binance_SUI-USDT_1h.csv.gz", "binance_APT-USDT_1h.csv.gz"]
    for name in names:
        loader.load_file(worker, _file(name))
    first = _hash(worker, ["SUI/USDT", "APT/USDT", "TON/USDT"])
    assert first.bars == 8999 + 13998 and first.symbols == 3 and first.digests["TON/USDT"]["bars"] == 0
    expected = dataset_hash_of("binance", "1h", START, END,
                               {"SUI/USDT": _bars(_file(names[0])), "APT/USDT": _bars(_file(names[1])), "TON/USDT": []})
    assert first.dataset_hash == expected

    other = create_database(server, template=template_db.dbname)
    try:
        with other.connect("worker", autocommit=True) as conn:
            for name in reversed(names):  # another order, another database: same dataset
                loader.load_file(conn, _file(name), source="reload")
            assert _hash(conn, ["TON/USDT", "APT/USDT", "SUI/USDT"]) == first
    finally:
        drop_database(server, other.dbname)


def test_the_whole_shipped_1h_data_set_loads_without_a_false_quarantine(db: Target) -> None:
    """Every 1h file: accounting holds per file, nothing is quarantined, the rows, gaps and zero-volume bars
    are those PROVENANCE.md states (the genuine outages are gaps, the halt hours and spikes anomalies)."""
    files = sorted(CANDLES.glob("*_1h.csv.gz"))
    assert len(files) == 26, f"expected the 26 shipped 1h files in {CANDLES}, found {len(files)}"
    expected = _provenance()
    outcomes = list(loader.load_many(lambda: db.connect("worker"), files, jobs=2))
    assert not [o for o in outcomes if isinstance(o, loader.FileError)]
    with db.connect("auditor") as conn:
        for o in outcomes:
            assert isinstance(o, loader.FileLoad)
            r = o.result
            assert r.loaded + r.duplicate + r.corrected + r.quarantined == r.read
            assert (r.read, r.loaded, r.quarantined) == (expected[o.path.name][0],) * 2 + (0,), o.path.name
            gaps = market_api.candle_gaps(conn, "binance", "1h", o.feed.symbol)
            assert (sum(g.missing for g in gaps), len(gaps)) == expected[o.path.name][1:3], o.path.name
            zero = [a for a in market_api.candle_anomalies(conn, "binance", "1h", o.feed.symbol) if "zero_volume_flat"
                    in a.flags or "zero_volume" in a.flags]
            assert len(zero) == expected[o.path.name][3], o.path.name
        assert conn.execute("SELECT count(*) FROM market.candle_quarantine").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM market.candle").fetchone() == (sum(v[0] for v in expected.values()),)
