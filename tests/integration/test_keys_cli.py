"""``predator keys add|check|list|remove`` end to end against the emulated venues (``--url``), with the OS
keyring played by a file-backed keyring backend (tests/file_keyring.py) and the secret-file backend on a
temporary ``PREDATOR_SECRETS_FILE``. A refusal is a one-line error with exit code 2, never a traceback, and
nothing is stored."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from click.testing import CliRunner, Result
from keyring.backends import fail

from predator.cli import main
from predator.emulator import ApiKey, EmulatorServer
from tests.emulator_support import start
from tests.file_keyring import FileKeyring

pytestmark = pytest.mark.xdist_group("emulator")


@pytest.fixture()
def ring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    monkeypatch.delenv("PREDATOR_SECRETS_FILE", raising=False)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def binance() -> Iterator[EmulatorServer]:
    srv = start("binance")
    yield srv
    srv.stop()


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["keys", *args], input=input)


def test_add_check_list_remove_through_the_keyring(ring: FileKeyring, binance: EmulatorServer) -> None:
    key = binance.key
    added = run("add", "--venue", "binance", "--url", binance.url, input=f"{key.key}\n{key.secret}\n")
    assert added.exit_code == 0, added.output
    assert "binance/default (sha256:" in added.output and "rights accepted" in added.output
    assert "POST /api/v3/order/test accepted buy" in added.output and "without placing it" in added.output
    assert "stored binance/default in the keyring (tests.file_keyring.FileKeyring)" in added.output
    listed = run("list")
    assert listed.exit_code == 0
    assert "binance  default keyring  sha256:" in listed.output
    checked = run("check", "--venue", "binance", "--url", binance.url)
    assert checked.exit_code == 0 and "rights accepted" in checked.output
    again = run("add", "--venue", "binance", "--url", binance.url, input=f"{key.key}\n{key.secret}\n")
    assert again.exit_code == 2 and "already stored" in again.output
    for r in (added, listed, checked, again):
        assert key.secret not in r.output and key.key not in r.output
    assert binance.core.orders() == []
    removed = run("remove", "--venue", "binance", "--yes")
    assert removed.exit_code == 0 and "revoke it at the venue" in removed.output
    assert "no keys stored" in run("list").output
    assert run("check", "--venue", "binance", "--url", binance.url).exit_code == 2


@pytest.mark.parametrize("venue,rights,reason", [
    ("kraken", {"can_withdraw": True}, "permission withdraw-funds: the key can move money"),
    ("kraken", {"nonce_window": 3000}, "nonceWindow is 3000"),
    ("binance", {"can_withdraw": True}, "enableWithdrawals is true"),
])
def test_a_refused_key_is_a_clear_error_and_is_not_stored(ring: FileKeyring, venue: str, rights: dict[str, Any],
                                                          reason: str) -> None:
    key = ApiKey.generate(venue, **rights)
    srv = start(venue, keys=[key])
    try:
        result = run("add", "--venue", venue, "--label", "main", "--url", srv.url, input=f"{key.key}\n{key.secret}\n")
    finally:
        srv.stop()
    assert result.exit_code == 2
    assert f"error: refused: {venue}/main: " in result.output and reason in result.output
    assert "Traceback" not in result.output and key.secret not in result.output
    assert "no keys stored" in run("list").output


def test_from_file_and_the_secret_file_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               binance: EmulatorServer) -> None:
    store = tmp_path / "secrets.json"
    monkeypatch.setenv("PREDATOR_SECRETS_FILE", str(store))
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    given = tmp_path / "key.json"
    given.write_text(json.dumps({"api_key": binance.key.key, "secret": binance.key.secret}))
    given.chmod(0o644)
    refused = run("add", "--venue", "binance", "--from-file", str(given), "--url", binance.url)
    assert refused.exit_code == 2 and "mode 0644" in refused.output and "chmod 600" in refused.output
    given.chmod(0o600)
    added = run("add", "--venue", "binance", "--from-file", str(given), "--url", binance.url)
    assert added.exit_code == 0, added.output
    assert f"stored binance/default in the file ({store})" in added.output
    assert store.stat().st_mode & 0o777 == 0o600
    assert json.loads(store.read_text())["binance/default"]["api_key"] == binance.key.key
    store.chmod(0o640)
    unsafe = run("check", "--venue", "binance", "--url", binance.url)
    assert unsafe.exit_code == 2 and "mode 0640" in unsafe.output
    store.chmod(0o600)
    assert run("check", "--venue", "binance", "--no-smoke", "--url", binance.url).exit_code == 0
    two_lines = tmp_path / "key.txt"
    fd = os.open(two_lines, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{binance.key.key}\n{binance.key.secret}\n")
    added = run("add", "--venue", "binance", "--label", "two", "--from-file", str(two_lines), "--url", binance.url)
    assert added.exit_code == 0, added.output
    assert "binance  two" in run("list", "--backend", "file").output


def test_no_keyring_is_refused_before_asking_for_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREDATOR_SECRETS_FILE", raising=False)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        result = run("add", "--venue", "kraken", input="x\ny\n")
        listed = run("list")
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 2 and "no OS keyring is available" in result.output
    assert "PREDATOR_SECRETS_FILE" in result.output and "API key" not in result.output
    assert listed.exit_code == 0 and "keyring: unavailable" in listed.output
