"""``predator data ...`` end to end on a test database (PREDATOR_DSN pointed at it)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator import config
from predator.cli import main
from predator.db.connection import Target
from tests.helpers import shared_file

CANDLES = config.data_dir() / "candles"
FIXTURES = config.data_dir() / "exchange_fixtures"


@pytest.fixture()
def cli(db: Target, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    return CliRunner()


def test_data_load_prints_one_accounting_line_per_file_and_refuses_unreadable_ones(cli: CliRunner,
                                                                                   tmp_path: Path) -> None:
    path = shared_file("candles", "binance_SUI-USDT_1h.csv.gz")
    broken = tmp_path / "binance_SUI-USDT_1h.csv.gz"
    broken.write_bytes(gzip.compress(b"time,open,high,low,close,volume\n1,2,3,4,5,6\n"))
    result = cli.invoke(main, ["data", "load", "--no-progress", str(path), str(broken)])
    assert result.exit_code == 2
    assert "[binance SUI/USDT 1h] load 1: loaded 8999 + duplicate 0 + corrected 0 + quarantined 0 = read 8999" \
        in result.output
    assert "error: binance_SUI-USDT_1h.csv.gz: wrong header: got 'time,open,high,low,close,volume'" in result.output
    assert "total: 1 file(s) loaded + 1 refused" in result.output

    again = cli.invoke(main, ["data", "load", "--no-progress", str(path)])
    assert again.exit_code == 0 and "loaded 0 + duplicate 8999" in again.output

    gaps = cli.invoke(main, ["data", "gaps", "--symbol", "SUI/USDT"])
    assert gaps.exit_code == 0 and gaps.output.endswith("0 gap(s), 0 missing bar(s) in 0 feed(s)\n")

    h = cli.invoke(main, ["data", "hash", "--symbols", "SUI/USDT", "--from", "2023-01-01", "--to", "2025-01-01"])
    assert h.exit_code == 0 and len(h.output.strip()) == 64

    stale = cli.invoke(main, ["data", "feed", "--clock", "2024-06-01T00:00Z"])
    assert stale.exit_code == 1 and "SUI/USDT" in stale.output and "stale" in stale.output
    fresh = cli.invoke(main, ["data", "feed", "--clock", "2024-05-12T11:00Z"])
    assert fresh.exit_code == 0 and " ok " in fresh.output

    flagged = cli.invoke(main, ["data", "anomalies", "--symbol", "SUI/USDT"])
    assert "2023-05-03T12:00:00Z range_spike" in flagged.output


def test_data_markets_from_a_fixture(cli: CliRunner) -> None:
    fixture = shared_file("exchange_fixtures", "nautilus_binance_http_spot_market_exchange_info.json")
    result = cli.invoke(main, ["data", "markets", "--venue", "binance", "--fixture", str(fixture)])
    assert result.exit_code == 0, result.output
    assert "BTC/USDT       updated" in result.output and result.output.endswith("2 updated\n")


def test_data_resample_loads_complete_hours_as_duplicates(cli: CliRunner) -> None:
    minute = shared_file("candles", "binance_ETH-USDT_1m.csv.gz")
    hourly = shared_file("candles", "binance_ETH-USDT_1h.csv.gz")
    assert cli.invoke(main, ["data", "load", "--no-progress", str(minute), str(hourly)]).exit_code == 0
    result = cli.invoke(main, ["data", "resample", "--symbol", "ETH/USDT", "--load"])
    assert result.exit_code == 0, result.output
    assert "721 bucket(s), 719 complete, 2 partial" in result.output
    assert "loaded 0 + duplicate 719 + corrected 0 + quarantined 0 = read 719" in result.output
