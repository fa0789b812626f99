"""Key stores: the keyring backend (through the keyring library, on a file-backed keyring backend) and the
secret file (mode 0600, owned by this user), named per venue and label; a machine with no keyring is refused
with a hint, and nothing a store says in an error holds a secret."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from predator.credentials import Credential, KeyringStore, SecretFileStore, fingerprint, load, stores
from predator.errors import CredentialError
from tests.file_keyring import FileKeyring


def cred(venue: str = "binance", label: str = "default") -> Credential:
    if venue == "kraken":
        return Credential(venue, label, secrets.token_urlsafe(42), base64.b64encode(secrets.token_bytes(64)).decode())
    return Credential(venue, label, secrets.token_hex(32), secrets.token_hex(32))


@pytest.fixture()
def ring(tmp_path: Path) -> Iterator[FileKeyring]:
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture()
def secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "secrets" / "predator.json"
    monkeypatch.setenv("PREDATOR_SECRETS_FILE", str(path))
    return path


def test_keyring_round_trip_per_venue_and_label(ring: FileKeyring) -> None:
    store = KeyringStore()
    a, b, c = cred("binance"), cred("binance", "second"), cred("kraken")
    for x in (a, b, c):
        store.put(x)
    assert store.get("binance", "default") == a and store.get("kraken", "default") == c
    assert [(k.name, k.backend, k.fingerprint) for k in store.stored()] == [
        ("binance/default", "keyring", a.fingerprint), ("binance/second", "keyring", b.fingerprint),
        ("kraken/default", "keyring", c.fingerprint)]
    with pytest.raises(CredentialError, match="already in the keyring"):
        store.put(cred("binance"))
    store.put(replacement := cred("binance"), replace=True)
    assert store.get("binance", "default") == replacement
    assert store.delete("binance", "second") and not store.delete("binance", "second")
    assert [k.name for k in store.stored()] == ["binance/default", "kraken/default"]
    stored = json.loads((ring.path).read_text())["predator"]
    assert set(stored) == {"_index", "binance/default", "kraken/default"}
    assert "secret" not in stored["_index"]


def test_a_machine_without_keyring_is_refused_with_a_hint() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(CredentialError, match="no OS keyring .*PREDATOR_SECRETS_FILE"):
            KeyringStore().put(cred())
        assert not KeyringStore().available()
    finally:
        keyring.set_keyring(previous)


def test_secret_file_round_trip_written_0600_whatever_the_umask(secret_file: Path) -> None:
    store = SecretFileStore()
    old = os.umask(0)
    try:
        store.put(a := cred("kraken", "main"))
    finally:
        os.umask(old)
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert store.get("kraken", "main") == a
    assert [k.fingerprint for k in store.stored()] == [fingerprint(a.api_key)]
    assert store.delete("kraken", "main") and store.stored() == ()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_secret_file_readable_by_others_is_refused(secret_file: Path, mode: int) -> None:
    a = cred()
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text(json.dumps({a.name: {"api_key": a.api_key, "secret": a.secret}}))
    secret_file.chmod(mode)
    with pytest.raises(CredentialError, match=f"mode {mode:04o}.*chmod 600") as info:
        SecretFileStore().get("binance", "default")
    assert a.secret not in str(info.value)
    secret_file.chmod(0o400)
    assert SecretFileStore().get("binance", "default") == a


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_secret_file_owned_by_another_user_is_refused(secret_file: Path) -> None:
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text("{}")
    secret_file.chmod(0o600)
    os.chown(secret_file, 65534, 65534)
    with pytest.raises(CredentialError, match="belongs to uid 65534"):
        SecretFileStore().stored()


def test_an_injected_symlinked_secret_file_is_read_but_never_written(secret_file: Path, tmp_path: Path) -> None:
    a = cred()
    target = tmp_path / "mounted" / "secret.json"
    target.parent.mkdir()
    target.write_text(json.dumps({a.name: {"api_key": a.api_key, "secret": a.secret}}))
    target.chmod(0o400)
    secret_file.parent.mkdir(parents=True)
    secret_file.symlink_to(target)
    assert SecretFileStore().get("binance", "default") == a
    with pytest.raises(CredentialError, match="symbolic link"):
        SecretFileStore().put(cred("kraken"))


def test_malformed_secret_file_errors_never_echo_it(secret_file: Path) -> None:
    secret_file.parent.mkdir(parents=True)
    leaked = secrets.token_hex(32)
    secret_file.write_text('{"binance/default": {"api_key": "' + leaked + '"')  # truncated JSON
    secret_file.chmod(0o600)
    with pytest.raises(CredentialError, match="not JSON") as info:
        SecretFileStore().get("binance", "default")
    assert leaked not in str(info.value)
    secret_file.write_text(json.dumps({"binance/default": {"api_key": leaked}}))
    with pytest.raises(CredentialError, match="'api_key' and 'secret'") as info:
        SecretFileStore().get("binance", "default")
    assert leaked not in str(info.value)


def test_load_looks_in_the_secret_file_then_the_keyring(secret_file: Path, ring: FileKeyring) -> None:
    in_file, in_ring = cred("binance"), cred("kraken")
    SecretFileStore().put(in_file)
    KeyringStore().put(in_ring)
    assert [s.backend for s in stores()] == ["file", "keyring"]
    found, store = load("binance", "default")
    assert found == in_file and store.backend == "file"
    found, store = load("kraken", "default")
    assert found == in_ring and store.backend == "keyring"
    with pytest.raises(CredentialError, match="no API key binance/other: looked in file .*; keyring"):
        load("binance", "other")


def test_load_without_keyring_names_why(secret_file: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(CredentialError, match="keyring \\(unavailable: no OS keyring"):
            load("binance", "default")
    finally:
        keyring.set_keyring(previous)


def test_bad_labels_are_refused() -> None:
    for label in ("", "Main", "a/b", "x" * 33, "-x"):
        with pytest.raises(CredentialError, match="bad key label"):
            Credential("binance", label, "k" * 40, "s" * 40)
