"""The broken-file corpus: every bad input gets a clear error (nothing of the file loaded) or a quarantine row
with its reason, the good rows beside it still load, and nothing already stored is lost or changed (the
dataset hash of the stored window is the same before and after)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from predator.db import market_api
from predator.db.connection import Target
from predator.errors import DataError
from predator.marketdata import loader
from tests.helpers import shared_file

FEED = dict(venue="binance", symbol="BTC/USDT", interval="1h")
T0 = datetime(2018, 1, 1, tzinfo=UTC)
HOURS = 48


def _base_lines() -> list[str]:
    with gzip.open(shared_file("candles", "binance_BTC-USDT_1h.csv.gz"), "rt") as f:
        next(f)
        return [next(f).rstrip("\n") for _ in range(HOURS)]


def _ts(n: int) -> str:
    return (T0 + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path: Path, body: str | bytes, header: str | None = loader.HEADER, compress: bool = False) -> Path:
    data = body.encode() if isinstance(body, str) else body
    if header is not None:
        data = (header + "\n").encode() + data
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def _quarantine(conn: psycopg.Connection, load_id: int) -> list[tuple[int, list[str], int]]:
    return conn.execute("SELECT line_no, reasons, raw_length FROM api.candle_quarantine WHERE load_id = %s"
                        " ORDER BY line_no", (load_id,)).fetchall()


def test_the_broken_file_corpus(db: Target, tmp_path: Path) -> None:
    base = _base_lines()
    stored = [line.split(",") for line in base]
    ts3, o3, h3, l3, c3, v3 = stored[3]
    with db.connect("worker", autocommit=True) as conn:
        first = loader.load_file(conn, _write(tmp_path / "base.csv", "\n".join(base) + "\n"), **FEED).result
        assert (first.loaded, first.quarantined) == (HOURS, 0)
        window = (T0, T0 + timedelta(hours=HOURS))
        before = market_api.dataset_hash(conn, "binance", ["BTC/USDT"], "1h", *window)

        # Files that cannot be read at all: a clear DataError, and no load is even recorded.
        unreadable = {
            "wrong_header.csv": (_write(tmp_path / "wrong_header.csv", base[0] + "\n", header="time,o,h,l,c,v"),
                                 "wrong header"),
            "missing_column.csv": (_write(tmp_path / "missing_column.csv", "2018-01-01T00:00:00Z,1,2,0.5,1.5\n",
                                          header="ts,open,high,low,close"), r"missing column\(s\) volume"),
            "empty.csv": (_write(tmp_path / "empty.csv", b"", header=None), "empty file"),
            "empty.csv.gz": (_write(tmp_path / "empty.csv.gz", b"", header=None, compress=True), "empty gzip"),
            "nul.csv": (_write(tmp_path / "nul.csv", base[0] + "\n\0\n"), "NUL byte"),
            "latin1.csv": (_write(tmp_path / "latin1.csv", (base[0] + "\n").encode() + b"caf\xe9\n"), "not UTF-8"),
        }
        whole = gzip.compress(("\n".join([loader.HEADER] + base * 50) + "\n").encode(), mtime=0)
        truncated = tmp_path / "truncated.csv.gz"
        truncated.write_bytes(whole[: len(whole) * 2 // 3])
        unreadable["truncated.csv.gz"] = (truncated, "truncated gzip")
        loads_before = conn.execute("SELECT count(*) FROM api.candle_loads").fetchone()
        for name, (path, message) in unreadable.items():
            with pytest.raises(DataError, match=message):
                loader.load_file(conn, path, **FEED)
            assert conn.execute("SELECT count(*) FROM api.candle_loads").fetchone() == loads_before, name

        # Rows the gates refuse: quarantined with every reason that applies, at their file line number.
        ten_mb = "9" * (10 * 1024 * 1024)
        refused = {
            "nan.csv": (f"{ts3},{o3},{h3},{l3},NaN,{v3}", ["close_not_a_number"]),
            "text_in_number.csv": (f"{ts3},{o3},abc,{l3},{c3},{v3}", ["high_not_a_number"]),
            "infinity.csv": (f"{ts3},{o3},{h3},{l3},{c3},Infinity", ["volume_not_a_number"]),
            "negative_price.csv": (f"{ts3},{o3},{h3},-1,{c3},{v3}", ["non_positive_price"]),
            "negative_volume.csv": (f"{ts3},{o3},{h3},{l3},{c3},-5", ["negative_volume"]),
            "high_below_low.csv": (f"{ts3},100,90,110,100,{v3}", ["high_below_open_close", "low_above_open_close"]),
            "misaligned.csv": (f"2018-01-01T03:30:00Z,{o3},{h3},{l3},{c3},{v3}", ["misaligned_ts"]),
            "future.csv": (f"2099-01-01T00:00:00Z,{o3},{h3},{l3},{c3},{v3}", ["future_bar"]),
            "before_2009.csv": (f"2008-01-01T00:00:00Z,{o3},{h3},{l3},{c3},{v3}", ["ts_out_of_range"]),
            "word_timestamp.csv": (f"epoch,{o3},{h3},{l3},{c3},{v3}", ["bad_timestamp"]),
            "impossible_date.csv": (f"2018-02-30T00:00:00Z,{o3},{h3},{l3},{c3},{v3}", ["bad_timestamp"]),
            "missing_field.csv": (f"{ts3},{o3},{h3},{l3},{c3}", ["wrong_column_count"]),
            "extra_field.csv": (f"{ts3},{o3},{h3},{l3},{c3},{v3},7", ["wrong_column_count"]),
            "ten_mb_line.csv": (f"{ts3},{ten_mb},{h3},{l3},{c3},{v3}", ["open_not_a_number"]),
        }
        for name, (line, reasons) in refused.items():
            r = loader.load_file(conn, _write(tmp_path / name, line + "\n"), **FEED).result
            assert (r.read, r.loaded, r.duplicate, r.corrected, r.quarantined) == (1, 0, 0, 0, 1), name
            assert _quarantine(conn, r.load_id) == [(2, reasons, len(line))], name
        raw = conn.execute("SELECT raw FROM api.candle_quarantine WHERE raw_length > 1000").fetchone()
        assert raw is not None and len(raw[0]) == 1000

        # A duplicate with different values within one file: the first line counts (here it equals the
        # stored bar: a duplicate), the conflicting one is quarantined.
        conflicting = f"{ts3},{o3},{h3},{l3},{c3},1"
        r = loader.load_file(conn, _write(tmp_path / "dup.csv", f"{base[3]}\n{conflicting}\n"), **FEED).result
        assert (r.read, r.duplicate, r.quarantined) == (2, 1, 1)
        assert _quarantine(conn, r.load_id) == [(3, ["conflicting_duplicate_in_file"], len(conflicting))]

        # A new bar sent twice (identical, then conflicting) in one file: loaded once, a duplicate, a refusal.
        twice = f"{_ts(HOURS + 20)},{o3},{h3},{l3},{c3},{v3}"
        r = loader.load_file(conn, _write(tmp_path / "twice.csv", f"{twice}\n{twice}\n{twice}9\n"), **FEED).result
        assert (r.read, r.loaded, r.duplicate, r.quarantined) == (3, 1, 1, 1)
        assert [q[1] for q in _quarantine(conn, r.load_id)] == [["conflicting_duplicate_in_file"]]

        # A mixed file: good new rows load, the bad ones beside them are quarantined, inner blank lines too.
        new = [f"{_ts(HOURS + i)},{o3},{h3},{l3},{c3},{v3}" for i in range(3)]
        body = "\r\n".join([new[0], f"{_ts(HOURS + 9)},1,2,3", new[1], "", new[2], base[5]]) + "\r\n\r\n"
        r = loader.load_file(conn, _write(tmp_path / "mixed.csv", body), **FEED).result
        assert (r.read, r.loaded, r.duplicate, r.corrected, r.quarantined) == (6, 3, 1, 0, 2)
        assert [(q[0], q[1]) for q in _quarantine(conn, r.load_id)] == [(3, ["wrong_column_count"]),
                                                                          (5, ["wrong_column_count"])]

        # Nothing stored before was lost or changed.
        assert market_api.dataset_hash(conn, "binance", ["BTC/USDT"], "1h", *window) == before
        loads = conn.execute("SELECT sum(read), sum(loaded + duplicate + corrected + quarantined),"
                             " sum(corrected) FROM api.candle_loads").fetchone()
        assert loads[0] == loads[1] and loads[2] == 0
