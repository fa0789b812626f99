"""Candle files without a database: names, headers, gzip, chunking, COPY escaping, bar formatting, the
canonical numbers of the dataset hash."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from predator.errors import DataError
from predator.marketdata import loader
from predator.marketdata.dataset import canonical_number, dataset_hash_of, symbol_digest

GOOD = "2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T01:00:00Z,1.5,2,1,1.2,3\n"


def _write(path: Path, text: str | bytes, compress: bool = True) -> Path:
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def _lines(path: Path, chunk_bytes: int = loader.CHUNK_BYTES) -> list[bytes]:
    reader = loader._Reader(path)
    try:
        reader.read_header()
        return b"".join(reader.chunks(chunk_bytes)).splitlines(keepends=True)
    finally:
        reader.close()


def test_file_name_gives_venue_symbol_and_interval() -> None:
    feed = loader.feed_from_file_name("/x/binance_BTC-USDT_1h.csv.gz")
    assert feed == loader.Feed("binance", "BTC/USDT", "1h")
    assert loader.feed_from_file_name("kraken_ETH-USD_1m.csv").symbol == "ETH/USD"
    assert feed.slug == "binance_BTC-USDT_1h"


def test_file_name_without_the_pattern_is_a_data_error_unless_flags_name_everything() -> None:
    with pytest.raises(DataError, match="venue_BASE-QUOTE_interval"):
        loader.feed_from_file_name("btc.csv")
    assert loader.resolve_feed("btc.csv", "binance", "BTC/USDT", "1h") == loader.Feed("binance", "BTC/USDT", "1h")
    assert loader.resolve_feed("binance_BTC-USDT_1h.csv", symbol="ETH/USDT").symbol == "ETH/USDT"


def test_gzip_and_plain_files_give_the_same_lines(tmp_path: Path) -> None:
    text = loader.HEADER + "\n" + GOOD
    gz = _lines(_write(tmp_path / "a.csv.gz", text))
    plain = _lines(_write(tmp_path / "b.csv", text, compress=False))
    assert gz == plain == [b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n", b"2024-01-01T01:00:00Z,1.5,2,1,1.2,3\n"]


def test_gzip_is_detected_by_content_not_by_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "binance_BTC-USDT_1h.csv", loader.HEADER + "\n" + GOOD)
    assert len(_lines(path)) == 2


@pytest.mark.parametrize("header, message", [
    ("ts,open,high,low,close", "missing column"),
    ("time,open,high,low,close,volume", "wrong header"),
    ("TS,OPEN,HIGH,LOW,CLOSE,VOLUME", "case or spacing"),
    ("2024-01-01T00:00:00Z,1,2,0.5,1.5,10", "wrong header"),
])
def test_a_bad_header_is_a_data_error(tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        _lines(_write(tmp_path / "x.csv.gz", header + "\n" + GOOD))


def test_a_bom_and_crlf_header_are_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", "\ufeff" + loader.HEADER + "\r\n" + GOOD.replace("\n", "\r\n"), compress=False)
    assert _lines(path) == [b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\r\n", b"2024-01-01T01:00:00Z,1.5,2,1,1.2,3\r\n"]


def test_empty_file_and_empty_gzip_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="empty file"):
        _lines(_write(tmp_path / "e.csv", b"", compress=False))
    with pytest.raises(DataError, match="empty gzip"):
        _lines(_write(tmp_path / "e.csv.gz", b""))


def test_truncated_gzip_is_a_data_error(tmp_path: Path) -> None:
    data = gzip.compress((loader.HEADER + "\n" + GOOD * 5000).encode(), mtime=0)
    path = tmp_path / "t.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated gzip"):
        _lines(path)


def test_corrupt_gzip_is_a_data_error(tmp_path: Path) -> None:
    data = bytearray(gzip.compress((loader.HEADER + "\n" + GOOD * 100).encode(), mtime=0))
    data[-8:-4] = b"\0\0\0\0"  # wrong CRC
    path = tmp_path / "c.csv.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="corrupt gzip"):
        _lines(path)


def test_nul_byte_and_invalid_utf8_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="NUL byte"):
        _lines(_write(tmp_path / "n.csv", (loader.HEADER + "\n" + GOOD).encode() + b"\0\n", compress=False))
    with pytest.raises(DataError, match="not UTF-8"):
        _lines(_write(tmp_path / "u.csv", (loader.HEADER + "\n" + GOOD).encode() + b"\xff\xfe\n", compress=False))


def test_lines_longer_than_a_chunk_stay_whole(tmp_path: Path) -> None:
    long = "2024-01-01T02:00:00Z," + "9" * 50_000 + ",2,1,1.2,3\n"
    lines = _lines(_write(tmp_path / "l.csv.gz", loader.HEADER + "\n" + GOOD + long + GOOD), chunk_bytes=1024)
    good = [len(x) for x in GOOD.encode().splitlines(keepends=True)]
    assert [len(x) for x in lines] == [*good, len(long), *good]


def test_trailing_blank_lines_are_not_rows_but_inner_ones_are(tmp_path: Path) -> None:
    lines = _lines(_write(tmp_path / "b.csv", loader.HEADER + "\n" + GOOD + "\n" + GOOD + "\n\r\n\n", compress=False))
    assert lines == [b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n", b"2024-01-01T01:00:00Z,1.5,2,1,1.2,3\n", b"\n",
                     b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n", b"2024-01-01T01:00:00Z,1.5,2,1,1.2,3\n"]


def test_a_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    assert _lines(_write(tmp_path / "n.csv", loader.HEADER + "\n" + GOOD.rstrip("\n"), compress=False))[-1] \
        == b"2024-01-01T01:00:00Z,1.5,2,1,1.2,3\n"


def test_copy_escaping_keeps_backslash_tab_and_cr_literal() -> None:
    assert loader.escape_copy_text(b"a\\N,\tb\r\n") == b"a\\\\N,\\tb\\r\n"
    assert loader.escape_copy_text(b"\\.\n") == b"\\\\.\n"


def test_format_bar_is_exact() -> None:
    ts = datetime(2024, 1, 1, tzinfo=UTC)
    assert loader.format_bar(ts, 1.5, Decimal("2.50"), "0.5", 1e-05, None) == "2024-01-01T00:00:00Z,1.5,2.50,0.5,1e-05,"
    assert loader.format_bar(1704067200000, 106038.2, 1, 1, 1, 0.0) == "2024-01-01T00:00:00Z,106038.2,1,1,1,0.0"


@pytest.mark.parametrize("value, text", [
    ("60685.22000000", "60685.22"), ("100", "100"), ("1E+2", "100"), ("0.00001412", "0.00001412"),
    ("1e-05", "0.00001"), ("0.000", "0"), ("-0", "0"), ("15274305779676", "15274305779676"),
])
def test_canonical_numbers_match_trim_scale(value: str, text: str) -> None:
    assert canonical_number(value) == text


def test_dataset_hash_ignores_order_and_number_spelling_but_not_values() -> None:
    t0, t1 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, 1, tzinfo=UTC)
    a = [(t0, Decimal("1.0"), Decimal(2), Decimal("0.5"), Decimal("1.5"), Decimal(10)),
         (t1, Decimal("1.5"), Decimal(2), Decimal(1), Decimal("1.2"), Decimal(3))]
    b = [(t1, Decimal("1.50"), Decimal("2"), Decimal(1), Decimal("1.20"), Decimal(3)),
         (t0, Decimal(1), Decimal(2), Decimal("0.50"), Decimal("1.5"), Decimal("10.000"))]
    end = datetime(2024, 1, 2, tzinfo=UTC)
    assert dataset_hash_of("binance", "1h", t0, end, {"X/USDT": a}) == dataset_hash_of("binance", "1h", t0, end,
                                                                                      {"X/USDT": b})
    c = [a[0], (t1, Decimal("1.5"), Decimal(2), Decimal(1), Decimal("1.2"), Decimal("3.1"))]
    assert dataset_hash_of("binance", "1h", t0, end, {"X/USDT": a}) != dataset_hash_of("binance", "1h", t0, end,
                                                                                      {"X/USDT": c})
    assert symbol_digest([])[0] == 0
