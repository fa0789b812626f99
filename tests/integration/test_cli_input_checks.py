"""Bad input to the ``predator`` command ends in one line and the exit code of its class (docs/cli.md, "Exit
codes"), before anything is created: never a silent acceptance of meaningless input, never an internal error (70)
for a user's mistake. The defects of the bad-input review (review_b), each with the input that reproduced it.

The commands run in process (click's CliRunner) on a fresh copy of the market template (PREDATOR_DSN)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from predator.cli import exits, main
from predator.db.connection import Target

DAY = ["--from", "2023-03-01", "--to", "2023-03-02"]
SMA = ["--strategy", "sma_cross", "--params", '{"fast": 2, "slow": 6, "max_positions": 5}']
PAPER = ["paper", "--account", "cf_p", "--symbols", "BTC/USDT", *SMA, *DAY, "--no-progress"]


@pytest.fixture()
def cli(market_db: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("PREDATOR_DSN", market_db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    monkeypatch.delenv("PREDATOR_DEBUG", raising=False)
    yield CliRunner()


def _invoke(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args), catch_exceptions=False)


def _refused(result: Result, code: int) -> str:
    """The last stderr line of a refused command (its exit code checked, no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output, result.output
    return result.stderr.strip().splitlines()[-1]


def _count(db: Target, sql: str) -> int:
    with db.connect("auditor") as conn:
        row = conn.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _accounts(db: Target) -> int:
    return _count(db, "SELECT count(*) FROM api.accounts")


# H1, L6: a --target without --scope would halt every book; a scoped halt without its target names nothing.
def test_halt_and_resume_need_a_scope_with_a_target_and_a_target_with_a_scope(cli: CliRunner,
                                                                             market_db: Target) -> None:
    line = _refused(_invoke(cli, "halt", "--reason", "cf test", "--target", "cf_acct"), exits.USAGE)
    assert "--target cf_acct needs --scope account|lane|strategy" in line, line
    line = _refused(_invoke(cli, "halt", "--reason", "cf test", "--scope", "global", "--target", "cf_acct"),
                    exits.USAGE)
    assert "needs --scope account|lane|strategy" in line, line
    for scope in ("account", "lane", "strategy"):
        line = _refused(_invoke(cli, "halt", "--reason", "cf test", "--scope", scope), exits.USAGE)
        assert f"--scope {scope} needs --target" in line, line
    line = _refused(_invoke(cli, "resume", "--reason", "cf test", "--target", "cf_acct"), exits.USAGE)
    assert "--target cf_acct needs --scope" in line, line
    line = _refused(_invoke(cli, "resume", "--reason", "cf test", "--scope", "account"), exits.USAGE)
    assert "--scope account needs --target" in line, line
    assert _count(market_db, "SELECT count(*) FROM api.halts WHERE active") == 0
    # a scoped halt of a lane still works
    done = _invoke(cli, "halt", "--reason", "cf test", "--scope", "lane", "--target", "paper")
    assert done.exit_code == 0 and "halted lane paper" in done.output, done.output


# H2, M2: the fill model's settings that cannot be meant are refused before anything is created.
FILL_MODEL = [
    ("--slippage-bps", "-500"), ("--impact-bps", "-1000"), ("--fee-bps", "-10"), ("--maker-fee-bps", "-5"),
    ("--participation", "0"), ("--participation", "-1"), ("--participation", "1.5"), ("--reject-rate", "1.5"),
    ("--reject-rate", "-0.5"), ("--latency-ms", "-100000"), ("--latency-jitter-ms", "-1"),
    ("--fee-bps", "nan"), ("--slippage-bps", "inf"), ("--reject-rate", "nan"), ("--participation", "NaN"),
    ("--maker-fee-bps", "-Infinity"), ("--principal", "-100"), ("--principal", "0"), ("--principal", "NaN"),
]


@pytest.mark.parametrize(("option", "value"), FILL_MODEL)
def test_paper_refuses_a_meaningless_fill_model(cli: CliRunner, option: str, value: str) -> None:
    line = _refused(_invoke(cli, *PAPER, "--dry-run", option, value), exits.USAGE)
    assert f"'{option}'" in line, line


def test_the_fill_model_is_checked_before_the_account_and_its_edges_are_admitted(cli: CliRunner,
                                                                                market_db: Target) -> None:
    line = _refused(_invoke(cli, *PAPER, "--fee-bps", "-10"), exits.USAGE)
    assert "-10 is out of range; give a number >= 0" in line, line
    line = _refused(_invoke(cli, *PAPER, "--slippage-bps", "inf"), exits.USAGE)
    assert "inf is not a finite number" in line, line
    assert _accounts(market_db) == 0
    for option, value in (("--participation", "1"), ("--reject-rate", "1"), ("--reject-rate", "0"),
                          ("--fee-bps", "0"), ("--maker-fee-bps", "0"), ("--latency-ms", "0")):
        dry = _invoke(cli, *PAPER, "--dry-run", option, value)
        assert dry.exit_code == 0, (option, value, dry.output)
    sweep = _invoke(cli, "sweep", "--strategy", "sma_cross", "--param", "fast=2", "--param", "slow=6",
                    "--symbols", "BTC/USDT", *DAY, "--prefix", "cf_sw", "--slippage-bps", "-1", "--no-progress")
    assert "'--slippage-bps'" in _refused(sweep, exits.USAGE)


# M11: a time warp that cannot run (or never stops) is refused.
@pytest.mark.parametrize(("option", "value"), [
    ("--speed", "0"), ("--speed", "-100"), ("--speed", "nan"), ("--max-seconds", "-5"), ("--max-seconds", "0"),
    ("--max-seconds", "inf"), ("--delay-minutes", "-90"), ("--poll-seconds", "0"), ("--bar-wait-seconds", "-1"),
])
def test_run_refuses_a_meaningless_clock(cli: CliRunner, option: str, value: str) -> None:
    args = ["run", "--account", "cf_r", "--symbols", "BTC/USDT", *SMA, "--from", "2023-03-01", "--to", "2023-03-02",
            "--dry-run"]
    if option != "--speed":
        args += ["--speed", "3600"]
    line = _refused(_invoke(cli, *args, option, value), exits.USAGE)
    assert f"'{option}'" in line, line


# H3, L9: the look-ahead check passes nothing that checks nothing.
@pytest.mark.parametrize(("args", "code", "expected"), [
    (["--from", "2023-06-03", "--to", "2023-06-01", "--symbols", "BTC/USDT"], exits.USAGE,
     "--from 2023-06-03T00:00Z is not before --to 2023-06-01T00:00Z"),
    (["--from", "2023-06-01", "--to", "2023-06-01", "--symbols", "BTC/USDT"], exits.USAGE, "is not before --to"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", "BTC/USDT", "--cuts", "0"], exits.USAGE,
     "'--cuts'"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", "BTC/USDT", "--cuts", "-3"], exits.USAGE,
     "'--cuts'"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", ""], exits.USAGE, "names no symbol"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", " , ,"], exits.USAGE, "names no symbol"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", "BTCUSDT"], exits.NOT_FOUND,
     "BTCUSDT (did you mean BTC/USDT?)"),
    (["--from", "2023-06-01", "--to", "2023-06-03", "--symbols", "BTC/USDT", "--params", '{"fast": -5}'],
     exits.USAGE, "fast must be a whole number >= 1"),
])
def test_check_strategy_refuses_input_that_checks_nothing(cli: CliRunner, args: list[str], code: int,
                                                          expected: str) -> None:
    line = _refused(_invoke(cli, "check-strategy", "trend", *args), code)
    assert expected in line, line


# M1, M2, M3: strategy parameters and symbols are checked before the account is created.
@pytest.mark.parametrize(("strategy", "params", "expected"), [
    ("trend", '{"fast": "abc"}', "fast must be a whole number >= 1, got 'abc'"),
    ("trend", '{"fast": -5}', "fast must be a whole number >= 1, got -5"),
    ("trend", '{"fast": 0}', "fast must be a whole number >= 1, got 0"),
    ("trend", '{"fast": 50, "slow": 20}', "need 0 < fast < slow"),
    ("trend", '{"entry": "bogus"}', "entry must be 'cross' or 'regime'"),
    ("trend", '{"band": -0.1}', "band must be a finite number >= 0"),
    ("meanrev", '{"window": -3}', "window must be a whole number >= 1, got -3"),
    ("meanrev", '{"rsi_entry": 150}', "rsi_entry must be a finite number >= 0 and <= 100"),
    ("trend", '{"fast": NaN}', "holds NaN"),
    ("trend", '{"band": Infinity}', "holds Infinity"),
])
def test_paper_refuses_bad_strategy_parameters_before_the_account(cli: CliRunner, market_db: Target, strategy: str,
                                                                  params: str, expected: str) -> None:
    line = _refused(_invoke(cli, "paper", "--account", "cf_p", "--symbols", "BTC/USDT", "--strategy", strategy,
                            "--params", params, *DAY, "--no-progress"), exits.USAGE)
    assert expected in line, line
    assert _accounts(market_db) == 0


def test_an_empty_symbol_list_is_refused(cli: CliRunner, market_db: Target) -> None:
    for symbols in ("", ",,", " "):
        line = _refused(_invoke(cli, "paper", "--account", "cf_p", "--symbols", symbols, *SMA, *DAY,
                                "--no-progress"), exits.USAGE)
        assert "names no symbol" in line and "'--symbols'" in line, line
        line = _refused(_invoke(cli, "run", "--account", "cf_r", "--symbols", symbols, *SMA, "--from", "2023-03-01",
                                "--speed", "100000", "--max-seconds", "5"), exits.USAGE)
        assert "names no symbol" in line, line
    line = _refused(_invoke(cli, "sweep", "--strategy", "trend", "--param", "fast=-5", "--symbols", "BTC/USDT",
                            *DAY, "--prefix", "cf_sw", "--no-progress"), exits.USAGE)
    assert "fast must be a whole number >= 1" in line, line
    assert _accounts(market_db) == 0


# M4: a replay over a range outside the run compares nothing: not found, not a parity failure.
def test_replay_outside_the_runs_span_is_not_found(cli: CliRunner) -> None:
    ran = _invoke(cli, "paper", "--account", "cf_rp", "--symbols", "BTC/USDT", *SMA, "--from", "2023-03-01",
                  "--to", "2023-03-01T06:00Z", "--no-progress")
    assert ran.exit_code == 0, ran.output
    for span in (["--from", "2022-01-01", "--to", "2022-02-01"], ["--from", "2024-01-01"], ["--to", "2022-02-01"]):
        line = _refused(_invoke(cli, "replay", "--account", "cf_rp", *span, "--no-progress", "--no-record"),
                        exits.NOT_FOUND)
        assert "nothing to replay between" in line and "closed hours 2023-03-01T00:00Z" in line, (span, line)
    line = _refused(_invoke(cli, "replay", "--account", "cf_rp", "--from", "2023-03-01T00:30", "--no-progress",
                            "--no-record"), exits.USAGE)
    assert "is not on the hour" in line, line
    # a range reaching before the run is clamped to it
    clamped = _invoke(cli, "replay", "--account", "cf_rp", "--from", "2022-01-01", "--no-progress", "--no-record")
    assert clamped.exit_code == 0 and "REPLAY PARITY: TRUE" in clamped.output, clamped.output


# M14: a sweep parameter given twice is bad input, with the message already written for it.
def test_sweep_with_a_parameter_given_twice_is_bad_usage(cli: CliRunner, market_db: Target) -> None:
    line = _refused(_invoke(cli, "sweep", "--strategy", "sma_cross", "--param", "fast=2", "--param", "fast=3",
                            "--param", "slow=6", "--symbols", "BTC/USDT", *DAY, "--prefix", "cf_sw", "--no-progress"),
                    exits.USAGE)
    assert "parameter fast given twice" in line and "'--param'" in line, line
    assert _accounts(market_db) == 0


# M5, M6: the data commands say so when the venue, symbol or interval names nothing, instead of an empty success.
HASH = ["data", "hash", "--from", "2023-06-01", "--to", "2023-06-02"]


@pytest.mark.parametrize(("args", "code", "expected"), [
    ([*HASH, "--symbols", "BTCUSDT"], exits.USAGE, "'BTCUSDT' is not a ccxt unified symbol BASE/QUOTE; did you mean "
                                                   "BTC/USDT?"),
    ([*HASH, "--symbols", "NOPE/USDT"], exits.NOT_FOUND, "NOPE/USDT: not an instrument of binance and no candles"),
    ([*HASH, "--symbols", "BTC/USDT", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch'"),
    (["data", "hash", "--symbols", "BTC/USDT", "--from", "1990-06-01", "--to", "1990-06-02"], exits.NOT_FOUND,
     "no 1h bars of BTC/USDT at binance"),
    (["data", "hash", "--symbols", "BTC/USDT", "--from", "2023-06-03", "--to", "2023-06-01"], exits.USAGE,
     "is not before --to"),
    ([*HASH, "--symbols", "BTC/USDT", "--interval", "7x"], exits.USAGE, "'--interval'"),
    (["data", "gaps", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch': the database knows binance"),
    (["data", "gaps", "--symbol", "BTCUSDT"], exits.USAGE, "did you mean BTC/USDT?"),
    (["data", "gaps", "--symbol", "NOPE/USDT"], exits.NOT_FOUND, "NOPE/USDT: not an instrument"),
    (["data", "gaps", "--symbol", "BTC/USDT", "--from", "2023-06-03", "--to", "2023-06-01"], exits.USAGE,
     "is not before --to"),
    (["data", "gaps", "--interval", "7x"], exits.USAGE, "'--interval'"),
    (["data", "feed", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch'"),
    (["data", "anomalies", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch'"),
    (["data", "anomalies", "--symbol", "BTCUSDT"], exits.USAGE, "did you mean BTC/USDT?"),
    (["data", "anomalies", "--interval", "7x"], exits.USAGE, "'--interval'"),
    (["data", "resample", "--symbol", "BTCUSDT"], exits.USAGE, "did you mean BTC/USDT?"),
    (["data", "resample", "--symbol", "BTC/USDT", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch'"),
    (["instruments", "list", "--venue", "nosuch"], exits.NOT_FOUND, "unknown venue 'nosuch'"),
    (["instruments", "list", "--quote", "XYZ"], exits.NOT_FOUND, "unknown currency 'XYZ'"),
])
def test_data_commands_refuse_names_that_name_nothing(cli: CliRunner, args: list[str], code: int,
                                                      expected: str) -> None:
    line = _refused(_invoke(cli, *args), code)
    assert expected in line, line


def test_data_commands_still_answer_for_what_is_stored(cli: CliRunner) -> None:
    hashed = _invoke(cli, *HASH, "--symbols", "btc-usdt")
    assert hashed.exit_code == 0 and len(hashed.stdout.strip()) == 64, hashed.output
    gaps = _invoke(cli, "data", "gaps", "--symbol", "BTC/USDT", "--from", "2023-06-01", "--to", "2023-06-02")
    assert gaps.exit_code == 0 and "gap(s)" in gaps.stdout, gaps.output
    listed = _invoke(cli, "instruments", "list", "--venue", "kraken", "--quote", "usd")
    assert listed.exit_code == 0 and "BTC/USD" in listed.stdout, listed.output


# M7: a market-structure fixture that is not JSON is bad input.
def test_data_markets_refuses_a_fixture_that_is_not_json(cli: CliRunner, tmp_path: Path) -> None:
    for name, content in (("markets.csv", b"time,open\n1,2\n"), ("markets.json", b"\xff\xfe\x00binary")):
        path = tmp_path / name
        path.write_bytes(content)
        line = _refused(_invoke(cli, "data", "markets", "--venue", "binance", "--fixture", str(path)), exits.USAGE)
        assert f"{path}: not a readable JSON file" in line, line


# M12: an output path that cannot be written is bad input, said before any work.
def test_unwritable_out_paths_are_bad_input(cli: CliRunner, tmp_path: Path) -> None:
    ran = _invoke(cli, "paper", "--account", "cf_out", "--symbols", "BTC/USDT", *SMA, "--from", "2023-03-01",
                  "--to", "2023-03-01T03:00Z", "--no-progress")
    assert ran.exit_code == 0, ran.output
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    for args in (["report", "--account", "cf_out", "--no-gates", "--out", str(blocker / "sub")],
                 ["audit", "export", "--account", "cf_out", "--out", str(blocker / "sub")],
                 ["audit", "anchor", "export", "--out", str(blocker / "sub" / "anchors.jsonl")],
                 ["backup", "dump", "--out", str(blocker / "sub.dump")]):
        line = _refused(_invoke(cli, *args), exits.USAGE)
        assert f"cannot write to {blocker}" in line and "choose another --out" in line, (args, line)


# M13: an input file that is not UTF-8 text is bad input, not an internal error.
def test_input_files_that_are_not_text_are_bad_input(cli: CliRunner, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00\x81binary junk\x00")
    binary.chmod(0o600)
    line = _refused(_invoke(cli, "verify", "--anchors", str(binary)), exits.USAGE)
    assert "not a text file (UTF-8" in line, line
    line = _refused(_invoke(cli, "scenario", "run", str(binary.rename(tmp_path / "binary.toml"))), exits.USAGE)
    assert "is not a text file (UTF-8" in line, line
    binary = tmp_path / "binary.toml"
    line = _refused(_invoke(cli, "notify", "run", "--once", "--config", str(binary)), exits.USAGE)
    assert "is not a text file (UTF-8" in line, line
    line = _refused(_invoke(cli, "serve", "--port", "0", "--token-file", str(binary)), exits.USAGE)
    assert "is not a text file (UTF-8)" in line, line
    monkeypatch.setenv("PREDATOR_SECRETS_FILE", str(tmp_path / "secrets.json"))
    line = _refused(_invoke(cli, "keys", "add", "--venue", "binance", "--from-file", str(binary), "--url",
                            "http://127.0.0.1:1"), exits.USAGE)
    assert "not a text file (UTF-8" in line, line


# M9, M10, M16: ports out of range, a negative timeout, a negative or NaN opening balance.
@pytest.mark.parametrize("args", [
    ["serve", "--port", "70000"], ["serve", "--port", "-1"], ["emulate", "--venue", "binance", "--port", "70000"],
    ["emulate", "--venue", "binance", "--port", "-1"],
    ["keys", "add", "--venue", "binance", "--from-file", "/nonexistent", "--timeout-ms", "-5"],
    ["keys", "add", "--venue", "binance", "--from-file", "/nonexistent", "--timeout-ms", "0"],
])
def test_ports_and_timeouts_out_of_range_are_bad_usage(cli: CliRunner, args: list[str]) -> None:
    result = _invoke(cli, *args)
    assert result.exit_code == exits.USAGE and "Invalid value for" in result.output, result.output


@pytest.mark.parametrize("balance", ["USDT=-5", "USDT=NaN", "USDT=inf", "=5"])
def test_emulate_refuses_a_balance_it_cannot_hold(balance: str) -> None:
    import subprocess
    import sys

    from predator.config import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-m", "predator.cli", "emulate", "--venue", "binance", "--port", "0",
                           "--balance", balance], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == exits.USAGE, (done.returncode, done.stdout, done.stderr)
    assert "finite amount >= 0" in done.stderr, done.stderr


# M8: a venue that cannot be reached is the venue's failure (6); `data sync --json` prints JSON lines only.
def test_an_unreachable_venue_is_exit_6_and_sync_json_stays_json(cli: CliRunner, market_db: Target) -> None:
    import json

    result = _invoke(cli, "data", "sync", "--symbols", "BTC/USDT", "--url", "http://127.0.0.1:1", "--attempts", "1",
                     "--json")
    assert result.exit_code == exits.VENUE, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["symbol"] for r in lines] == ["BTC/USDT"] and lines[0]["error"], result.stdout
    line = _refused(_invoke(cli, "run", "--account", "cf_sync", "--symbols", "BTC/USDT", *SMA, "--from",
                            "2023-03-01", "--venue-url", "http://127.0.0.1:1", "--max-seconds", "5"), exits.VENUE)
    assert "could not load the venue's markets" in line, line
    assert _accounts(market_db) == 0


# M15: migrate --to an unknown revision was an internal error, and revisions were compared as strings.
def test_migrate_to_an_unknown_revision_is_bad_usage_and_revisions_are_ordered_by_the_chain(cli: CliRunner) -> None:
    from predator.db import migrate

    for revision in ("nosuchrev", "48", "0"):
        line = _refused(_invoke(cli, "migrate", "--to", revision), exits.USAGE)
        assert f"no migration '{revision}'" in line, line
    known = migrate.revisions()
    assert known[0] == "0001" and known[-1] == migrate.head_revision() and len(known) == len(set(known))


# M17: ml train/retrain --family took any text, and a typo registered models under a new family for good.
@pytest.mark.parametrize("command", [["ml", "train"], ["ml", "retrain", "--once"]])
def test_ml_family_is_one_the_code_trains(cli: CliRunner, command: list[str]) -> None:
    result = _invoke(cli, *command, "--family", "nosuch")
    assert result.exit_code == exits.USAGE and "'nosuch' is not 'lgbm_tb'" in result.output, result.output


# L4: a database name the server does not have was reported as an unreachable server (3, "run it again").
def test_a_database_the_server_does_not_have_is_not_found(cli: CliRunner, tmp_path: Path) -> None:
    line = _refused(_invoke(cli, "backup", "dump", "--database", "cf_no_such_db", "--out", str(tmp_path / "d")),
                    exits.NOT_FOUND)
    assert "the server has no database cf_no_such_db" in line, line


# L2: equal bounds close nothing docs/cli.md calls a range: `--from` not before `--to` is bad usage, as `--from` after.
def test_paper_with_from_equal_to_to_is_bad_usage(cli: CliRunner, market_db: Target) -> None:
    same = ["--from", "2023-03-01T05:00Z", "--to", "2023-03-01T05:00Z"]
    base = ["paper", "--account", "cf_eq", "--symbols", "BTC/USDT", *SMA, *same, "--no-progress"]
    for extra in (["--dry-run"], []):
        line = _refused(_invoke(cli, *base, *extra), exits.USAGE)
        assert "--from 2023-03-01T05:00Z is the same hour as --to" in line and "--to 2023-03-01T06:00Z" in line, line
    assert _accounts(market_db) == 0
    after = _invoke(cli, *base[:-5], "--from", "2023-03-01T06:00Z", "--to", "2023-03-01T05:00Z", "--dry-run")
    assert "is after --to" in _refused(after, exits.USAGE)


# L3: a report period that holds no hour is bad usage (it was "not found"); --day and --from/--to exclude each other.
@pytest.mark.parametrize(("args", "expected"), [
    (["--from", "2023-06-03", "--to", "2023-06-01"], "--from 2023-06-03T00:00Z is not before --to 2023-06-01T00:00Z"),
    (["--from", "2023-06-01", "--to", "2023-06-01"], "is not before --to"),
    (["--day", "2023-06-01", "--from", "2023-06-02"], "--day is one whole UTC day and --from/--to a period"),
    (["--day", "2023-06-01", "--to", "2023-06-02"], "give one or the other"),
])
def test_report_refuses_a_period_that_holds_no_hour_and_day_with_a_range(cli: CliRunner, args: list[str],
                                                                          expected: str) -> None:
    line = _refused(_invoke(cli, "report", "--account", "cf_nobody", "--no-gates", *args), exits.USAGE)
    assert expected in line, line


# L5: a candle file of no data row, or not a CSV text file, is refused (no load record, no binary echo); the
# "its candles are stored" warning only for a file whose candles were stored.
def _loads(db: Target) -> int:
    return _count(db, "SELECT count(*) FROM api.candle_loads")


def test_data_load_refuses_a_file_without_rows_or_text_and_warns_only_when_candles_are_stored(
        cli: CliRunner, market_db: Target, tmp_path: Path) -> None:
    import gzip
    import os

    header_only = tmp_path / "binance_RVC-USDT_1h.csv"
    header_only.write_text("ts,open,high,low,close,volume\n\n\n")
    before = _loads(market_db)
    result = _invoke(cli, "data", "load", str(header_only), "--no-progress")
    line = _refused(result, exits.USAGE)
    assert "binance_RVC-USDT_1h.csv: no data rows after the header" in line, line
    assert "warning" not in result.stderr and "its candles are stored" not in result.output, result.output
    assert _loads(market_db) == before  # refused before the database opened a load

    junk = os.urandom(600)
    for name, content in (("binance_RVD-USDT_1h.csv.gz", b"t\x10N\xffc\x00" + junk),   # named .gz, not gzip
                          ("binance_RVE-USDT_1h.csv.gz", gzip.compress(b"\x89\xfe\x01" + junk)),  # gzip of junk
                          ("binance_RVF-USDT_1h.csv", b"ts,op\xe9n,high\n1,2,3\n"),  # a first line not UTF-8
                          ("binance_RVG-USDT_1h.csv", b"ts\x01\x02\x03,open\n1\n")):  # control characters
        path = tmp_path / name
        path.write_bytes(content)
        line = _refused(_invoke(cli, "data", "load", str(path), "--no-progress"), exits.USAGE)
        assert f"{name}: not a CSV text file" in line and "first line is 'ts,open,high,low,close,volume'" in line, line
        assert "got" not in line and "\\x" not in line and "\ufffd" not in line and len(line) < 250, line
    assert _loads(market_db) == before

    quarantined = tmp_path / "binance_RVH-USDT_1h.csv"
    quarantined.write_text("ts,open,high,low,close,volume\n2023-01-01T00:00:00Z,nan,1,1,1,1\n")
    done = _invoke(cli, "data", "load", str(quarantined), "--no-progress")
    assert done.exit_code == 0 and "quarantined 1 = read 1" in done.output, done.output
    assert "its candles are stored" not in done.stderr, done.stderr
    stored = tmp_path / "binance_RVI-USDT_1h.csv"
    stored.write_text("ts,open,high,low,close,volume\n2023-01-01T00:00:00Z,1,2,0.5,1.5,10\n")
    done = _invoke(cli, "data", "load", str(stored), "--no-progress")
    assert done.exit_code == 0 and "loaded 1 +" in done.output, done.output
    assert "warning: RVI/USDT is not an instrument of binance: its candles are stored" in done.stderr, done.stderr


# L7: a session id is SES-N (as printed) or N; an unknown session is not found (5), not bad usage.
def test_sessions_take_ses_n_or_n_and_an_unknown_session_is_not_found(cli: CliRunner, market_db: Target) -> None:
    from decimal import Decimal

    from predator.db import api

    with market_db.connect("operator") as conn, conn.transaction():
        api.create_account(conn, "cf_canary", mode="shadow", venue="binance", base_currency="USDT",
                           lane="live_canary", initial_principal=Decimal("10000"), risk_profile="unconstrained",
                           reason="test account")
        session = api.schedule_session(conn, "cf_canary", Decimal("100"), "cf test", None, None)
    for given in (f"SES-{session}", f"ses-{session}", str(session)):
        shown = _invoke(cli, "sessions", "show", given)
        assert shown.exit_code == 0 and shown.output.startswith(f"SES-{session} scheduled"), (given, shown.output)
    for given in ("SES-999999", "999999"):
        line = _refused(_invoke(cli, "sessions", "show", given), exits.NOT_FOUND)
        assert "unknown session SES-999999" in line, line
        line = _refused(_invoke(cli, "sessions", "start", given, "--reason", "cf"), exits.NOT_FOUND)
        assert "unknown session SES-999999" in line, line
    for given in ("abc", "SES-", "SES-x", "0", "SES--3", "SES-99999999999999999999"):
        result = _invoke(cli, "sessions", "show", given)
        assert result.exit_code == exits.USAGE and "is not a session id: give SES-N or N" in result.output, \
            (given, result.output)
    rolled = _invoke(cli, "sessions", "roll-back", f"SES-{session}", "--reason", "cf test")
    assert rolled.exit_code == 0 and rolled.output.strip() == f"SES-{session}: rolled_back", rolled.output


# L1: the dry run refuses what the real run would be refused, from the database's own rules, and neither leaves an
# account behind.
@pytest.mark.parametrize(("args", "code", "expected"), [
    (["--account", "RV_Upper"], exits.USAGE,
     "--account 'RV_Upper' is not a name the database accepts: an account name matches ^[a-z0-9][a-z0-9_.-]{0,62}$"),
    (["--account", ""], exits.USAGE, "--account '' is not a name the database accepts"),
    (["--account", "a" * 64], exits.USAGE, "is not a name the database accepts"),
    (["--account", "-lead"], exits.USAGE, "is not a name the database accepts"),
    (["--risk-profile", "nosuch"], exits.NOT_FOUND,
     "unknown risk profile 'nosuch': the database knows default, live_canary, unconstrained"),
    (["--deposit", "XYZ=5"], exits.NOT_FOUND, "unknown currency XYZ (--quote or --deposit): the database knows"),
    (["--deposit", "USDT=0"], exits.USAGE, "a deposit in the book's quote currency USDT is its principal"),
])
def test_paper_dry_run_refuses_what_the_real_run_is_refused(cli: CliRunner, market_db: Target, args: list[str],
                                                            code: int, expected: str) -> None:
    command = ["paper", "--account", "cf_dry", "--symbols", "BTC/USDT", *SMA, *DAY, "--no-progress", *args]
    for extra in (["--dry-run"], []):
        line = _refused(_invoke(cli, *command, *extra), code)
        assert expected in line, (extra, line)
    assert _accounts(market_db) == 0


def test_paper_dry_run_still_accepts_a_good_name_profile_and_deposit(cli: CliRunner) -> None:
    dry = _invoke(cli, "paper", "--account", "cf.dry-1_ok", "--symbols", "BTC/USDT", *SMA, *DAY, "--no-progress",
                  "--risk-profile", "unconstrained", "--deposit", "USDT=500", "--deposit", "BTC=0.1", "--dry-run")
    assert dry.exit_code == 0 and "account cf.dry-1_ok: would be created" in dry.output, dry.output
    assert "risk profile unconstrained" in dry.output and "deposit: 0.1 BTC" in dry.output, dry.output


# M15: bad values of chaos run and the failover drill are bad usage (they were internal errors), before anything runs.
@pytest.mark.parametrize(("args", "expected"), [
    (["chaos", "run", "--campaign", "1", "--from", "garbage", "--days", "1"], "'garbage' is not an ISO-8601 date"),
    (["chaos", "run", "--campaign", "1", "--from", "2023-03-01T00:30", "--days", "1"], "is not on the hour"),
    (["drill", "failover", "--days", "0"], "'--days'"),
    (["drill", "failover", "--days", "-1", "--kill-after", "5"], "'--days'"),
    (["drill", "failover", "--days", "1", "--kill-after", "0"], "'--kill-after'"),
    (["drill", "failover", "--days", "1", "--kill-after", "23"], "give 1 .. 22, or more --days"),
])
def test_chaos_and_drill_values_that_cannot_run_are_bad_usage(cli: CliRunner, args: list[str], expected: str) -> None:
    result = _invoke(cli, *args)
    assert result.exit_code == exits.USAGE and expected in result.output, result.output
    assert "chaos seed" not in result.output and "failover drill in" not in result.output, result.output


# M9: emulate --port 0 prints the port it bound; a port in use is bad usage (2) that says so, not 3.
def test_emulate_prints_the_bound_port_and_refuses_a_port_in_use(cli: CliRunner) -> None:
    import re
    import socket
    import subprocess
    import sys
    import urllib.request

    from predator.config import PROJECT_ROOT

    proc = subprocess.Popen([sys.executable, "-m", "predator.cli", "emulate", "--venue", "binance", "--port", "0"],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.search(r"on http://127\.0\.0\.1:(\d+) ", first)
        assert found is not None and found.group(1) != "0", first
        port = int(found.group(1))
        for line in iter(proc.stdout.readline, ""):
            if line.startswith("ccxt:"):
                assert f"'http://127.0.0.1:{port}/api/v3'" in line, line
                break
        import time

        deadline = time.monotonic() + 30  # uvicorn binds the port printed once the emulator is built
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v3/ping", timeout=10) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the emulator did not come up on the port it printed"
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        line = _refused(_invoke(cli, "emulate", "--venue", "binance", "--port", str(busy)), exits.USAGE)
    assert f"port {busy} is in use; choose another --port" in line, line


# L10: a cron expression that is none, an --account that names no account.
def test_ml_retrain_refuses_a_bad_cron_even_with_once(cli: CliRunner) -> None:
    for command in (["ml", "retrain", "--once", "--cron", "bad cron"], ["ml", "retrain", "--cron", "99 * * * *"]):
        result = _invoke(cli, *command)
        assert result.exit_code == exits.USAGE and "is not a crontab expression" in result.output, result.output


# L10, L8: an unknown --account is not found (5) for every command that takes one.
@pytest.mark.parametrize("command", [
    ["incidents", "--account", "nosuch"], ["incidents", "--all", "--account", "nosuch"],
    ["sessions", "list", "--account", "nosuch"], ["validate", "--account", "nosuch"],
    ["verify", "--account", "nosuch"], ["audit", "reconstruct", "--account", "nosuch"],
    ["audit", "export", "--account", "nosuch", "--out", "OUT"],
])
def test_an_unknown_account_is_not_found(cli: CliRunner, tmp_path: Path, command: list[str]) -> None:
    command = [str(tmp_path / "export") if c == "OUT" else c for c in command]
    line = _refused(_invoke(cli, *command), exits.NOT_FOUND)
    assert line.startswith("error: unknown account 'nosuch'; accounts: "), line
