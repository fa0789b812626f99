"""A canary key and secret go through the whole credential path — ``predator keys add`` from a file, ``keys
check``, a ``data sync`` into a test database in the same environment, a check against a venue that echoes
the request's headers in its errors, and a process that logs the secret every way it can and then crashes —
and appear nowhere but in the two files meant to hold them: not in any command's output, not in the log
file, not in a ``pg_dump`` of the database, not in a crash's stderr, not in any other file written."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from predator import config
from predator.db.connection import Target
from predator.emulator import ApiKey, EmulatorServer
from predator.tools.schema_snapshot import pg_dump_binary
from tests.emulator_support import start
from tests.integration.test_key_gateway import _Echo

pytestmark = pytest.mark.xdist_group("emulator")

KEY = "CANARYKEY" + secrets.token_hex(24)
SECRET = "CANARYSECRET" + secrets.token_hex(24)


@pytest.fixture(scope="module")
def venue() -> Iterator[EmulatorServer]:
    srv = start("binance", at=datetime(2024, 1, 1, 10, 30, tzinfo=UTC), keys=[ApiKey(KEY, SECRET)])
    yield srv
    srv.stop()


@pytest.fixture()
def echo_url() -> Iterator[str]:
    import http.server
    import threading

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.update(PREDATOR_LOG=str(tmp_path / "logs" / "predator.jsonl"),
               PREDATOR_SECRETS_FILE=str(tmp_path / "secrets" / "predator.json"),
               PYTHONPATH=str(config.PROJECT_ROOT), **extra)
    return env


def _predator(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _clean(*texts: str) -> None:
    for text in texts:
        assert KEY not in text and SECRET not in text


def test_the_canary_never_leaves_the_secret_store(tmp_path: Path, db: Target, venue: EmulatorServer,
                                                  echo_url: str) -> None:
    env = _env(tmp_path, PREDATOR_DSN=db.dsn)
    given = tmp_path / "given" / "key.json"
    given.parent.mkdir()
    fd = os.open(given, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f'{{"api_key": "{KEY}", "secret": "{SECRET}"}}')
    runs = [
        _predator(env, "keys", "add", "--venue", "binance", "--from-file", str(given), "--url", venue.url),
        _predator(env, "keys", "check", "--venue", "binance", "--url", venue.url),
        _predator(env, "keys", "list"),
        _predator(env, "data", "sync", "--venue", "binance", "--symbols", "BTC/USDT", "--url", venue.url),
        _predator(env, "keys", "check", "--venue", "binance", "--url", echo_url),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 6], [r.stderr for r in runs]  # 6: the venue failed
    echoed = runs[-1].stderr
    assert '"X-MBX-APIKEY": "[REDACTED]"' in echoed and "Traceback" not in echoed  # the venue echoed the key
    _clean(*(r.stdout + r.stderr for r in runs))

    log = (tmp_path / "logs" / "predator.jsonl").read_text()
    assert '"event": "key_added"' in log and '"event": "key_checked"' in log
    _clean(log)

    dump = subprocess.run([pg_dump_binary(), f"--dbname={db.dsn}"], capture_output=True, text=True, check=True)
    assert "COPY market.candle" in dump.stdout  # the sync wrote the database the key's process used
    _clean(dump.stdout)

    holders = {tmp_path / "secrets" / "predator.json", given}
    for path in tmp_path.rglob("*"):
        if path.is_file() and path not in holders:
            _clean(path.read_text(errors="replace"))
    assert (tmp_path / "secrets" / "predator.json").stat().st_mode & 0o777 == 0o600
    assert SECRET in (tmp_path / "secrets" / "predator.json").read_text()  # it is where it belongs


CRASH = textwrap.dedent("""
    import logging, sys, threading
    import structlog
    from predator.credentials import load

    cred, store = load("binance", "default")
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    logging.getLogger("anything").error("secret %s key %s", cred.secret, cred.api_key)
    try:
        raise ValueError("inner " + cred.secret)
    except ValueError:
        logging.getLogger("anything").exception("caught")
    structlog.get_logger("unconfigured").error("leak", secret=cred.secret, key=cred.api_key)
    print("stdout", cred, repr(cred), f"{cred}")
    t = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError("thread " + cred.secret)))
    t.start(); t.join()
    try:
        raise KeyError(cred.api_key)
    except KeyError as e:
        raise RuntimeError("crash with " + cred.secret) from e
""")


def test_a_crashing_process_holding_the_canary_prints_it_nowhere(tmp_path: Path) -> None:
    env = _env(tmp_path)
    secrets_file = Path(env["PREDATOR_SECRETS_FILE"])
    secrets_file.parent.mkdir()
    fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f'{{"binance/default": {{"api_key": "{KEY}", "secret": "{SECRET}"}}}}')
    proc = subprocess.run([sys.executable, "-c", CRASH], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 1
    err = proc.stderr
    assert "RuntimeError: crash with [REDACTED]" in err and "KeyError: '[REDACTED]'" in err
    assert "Exception in thread" in err and "RuntimeError: thread [REDACTED]" in err
    assert "ERROR:anything:secret [REDACTED] key [REDACTED]" in err and "ValueError: inner [REDACTED]" in err
    assert "stdout Credential(venue='binance', label='default', fingerprint='sha256:" in proc.stdout
    assert "key=[REDACTED] secret=[REDACTED]" in proc.stdout  # structlog never configured: its default chain
    _clean(err, proc.stdout)
