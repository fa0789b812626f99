"""Where API keys live: the OS keyring (the ``keyring`` library) or a secret file the environment provides.
Never in the database, a configuration file, a log or a report.

* :class:`KeyringStore`: one keyring entry per key, service ``predator``, user name ``venue/label``, the
  password a JSON object ``{"api_key", "secret"}``; a second entry (user name ``_index``) lists the names
  stored, since a keyring cannot enumerate (names only, no secret). The backend is keyring's choice for the
  machine (Secret Service, macOS Keychain, Windows Credential Locker, KWallet; ``PYTHON_KEYRING_BACKEND``
  or ``keyring.set_keyring`` override it). A machine with no keyring (a headless server: keyring's ``fail``
  or ``null`` backend) is refused with a hint to use a secret file.
* :class:`SecretFileStore`: ``$PREDATOR_SECRETS_FILE``, a JSON object ``{"venue/label": {"api_key": ...,
  "secret": ...}}`` (a Docker or Kubernetes secret, or a file an operator wrote). Refused unless it is a
  regular file owned by this user with no group or other permission bits (mode 0600 or 0400). Written
  atomically with mode 0600 when Predator adds a key to it; a symbolic link (an environment-managed mount)
  is read, never written.

:func:`load` finds a key (the secret file first when ``PREDATOR_SECRETS_FILE`` is set, then the keyring).
Every failure is a :class:`~predator.errors.CredentialError` whose message never holds a secret.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail as keyring_fail
from keyring.backends import null as keyring_null

from predator import redaction
from predator.credentials.model import Credential, StoredKey, fingerprint, key_name, split_name
from predator.errors import CredentialError

#: Environment variable naming the secret file.
SECRETS_FILE_ENV = "PREDATOR_SECRETS_FILE"
BACKENDS = ("keyring", "file")


def _entry(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, dict) or not isinstance(value.get("api_key"), str) \
            or not isinstance(value.get("secret"), str):
        raise CredentialError(f"{where}: expected an object with string fields 'api_key' and 'secret'")
    return value["api_key"], value["secret"]


class CredentialStore(ABC):
    """A place keys are kept. ``backend``: ``keyring`` or ``file``."""

    backend: ClassVar[str]

    @abstractmethod
    def location(self) -> str:
        """Where the keys are (the keyring backend's name, the file's path)."""

    @abstractmethod
    def get(self, venue: str, label: str) -> Credential | None:
        """The key stored under ``venue/label``, or None."""

    @abstractmethod
    def put(self, credential: Credential, replace: bool = False) -> None:
        """Store ``credential``; CredentialError if one is already stored under its name and not ``replace``."""

    @abstractmethod
    def delete(self, venue: str, label: str) -> bool:
        """Remove the key stored under ``venue/label``; False if there was none."""

    @abstractmethod
    def stored(self) -> tuple[StoredKey, ...]:
        """Every key stored, sorted by name, without secrets."""


class KeyringStore(CredentialStore):
    """Keys in the OS keyring. ``ring``: a keyring backend to use instead of keyring's choice (tests)."""

    backend = "keyring"
    SERVICE = "predator"
    INDEX = "_index"

    def __init__(self, ring: keyring.backend.KeyringBackend | None = None) -> None:
        self._given = ring

    def ring(self) -> keyring.backend.KeyringBackend:
        """The keyring backend; CredentialError when this machine has none usable."""
        ring = self._given or keyring.get_keyring()
        if isinstance(ring, keyring_fail.Keyring | keyring_null.Keyring):
            raise CredentialError(
                f"no OS keyring is available on this machine (keyring chose {self.chosen()}): set "
                f"{SECRETS_FILE_ENV} to a secret file (mode 0600) and use --backend file, or configure a keyring "
                "backend (PYTHON_KEYRING_BACKEND)")
        return ring

    def chosen(self) -> str:
        """The class of the backend keyring chose (or was given), usable or not."""
        ring = self._given or keyring.get_keyring()
        return f"{type(ring).__module__}.{type(ring).__name__}"

    def available(self) -> bool:
        try:
            self.ring()
        except CredentialError:
            return False
        return True

    def location(self) -> str:
        try:
            ring = self.ring()
        except CredentialError:
            return "unavailable"
        return f"{type(ring).__module__}.{type(ring).__name__}"

    def _call(self, what: str, fn: Any, *args: str) -> Any:
        ring = self.ring()
        try:
            return getattr(ring, fn)(*args)
        except keyring.errors.PasswordDeleteError:
            raise
        except Exception as e:  # a keyring backend may raise anything (D-Bus, locked collection, ...)
            redaction.scrub_exception(e)
            raise CredentialError(f"the keyring ({self.location()}) could not {what}: "
                                  f"{type(e).__name__}: {redaction.redact(str(e))}") from e

    def _names(self) -> list[str]:
        raw = self._call("read the key index", "get_password", self.SERVICE, self.INDEX)
        if not raw:
            return []
        try:
            names = json.loads(raw)
        except json.JSONDecodeError as e:
            raise CredentialError(f"the keyring's predator index is not JSON: {e.msg}") from None
        return sorted({n for n in names if isinstance(n, str)})

    def _set_names(self, names: list[str]) -> None:
        self._call("write the key index", "set_password", self.SERVICE, self.INDEX, json.dumps(sorted(set(names))))

    def get(self, venue: str, label: str) -> Credential | None:
        name = key_name(venue, label)
        raw = self._call(f"read {name}", "get_password", self.SERVICE, name)
        if raw is None:
            return None
        redaction.register(raw)
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise CredentialError(f"the keyring entry {self.SERVICE}/{name} is not JSON") from None
        api_key, secret = _entry(value, f"the keyring entry {self.SERVICE}/{name}")
        return Credential(venue, label, api_key, secret)

    def put(self, credential: Credential, replace: bool = False) -> None:
        name = credential.name
        if not replace and self.get(credential.venue, credential.label) is not None:
            raise CredentialError(f"{name} is already in the keyring: `predator keys remove` it first, or --replace")
        payload = json.dumps({"api_key": credential.api_key, "secret": credential.secret})
        self._call(f"store {name}", "set_password", self.SERVICE, name, payload)
        self._set_names([*self._names(), name])

    def delete(self, venue: str, label: str) -> bool:
        name = key_name(venue, label)
        found = self._call(f"read {name}", "get_password", self.SERVICE, name) is not None
        if found:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                self._call(f"delete {name}", "delete_password", self.SERVICE, name)
        names = self._names()
        if name in names:
            self._set_names([n for n in names if n != name])
        return found

    def stored(self) -> tuple[StoredKey, ...]:
        out = []
        for name in self._names():
            venue, label = split_name(name)
            cred = self.get(venue, label)
            if cred is not None:
                out.append(StoredKey(venue, label, self.backend, cred.fingerprint, self.location()))
        return tuple(out)


class SecretFileStore(CredentialStore):
    """Keys in a JSON secret file (``path``, default ``$PREDATOR_SECRETS_FILE``), readable by its owner only."""

    backend = "file"

    def __init__(self, path: Path | str | None = None) -> None:
        value = path if path is not None else os.environ.get(SECRETS_FILE_ENV, "").strip()
        if not value:
            raise CredentialError(f"no secret file: set {SECRETS_FILE_ENV} to its path")
        self.path = Path(value).expanduser()

    def location(self) -> str:
        return str(self.path)

    def check(self) -> os.stat_result | None:
        """The file's status (None if it does not exist); CredentialError unless it is a regular file owned by
        this user with mode 0600 or 0400 (no group or other bits)."""
        try:
            st = self.path.stat()  # follows a symbolic link: the target is what must be private
        except FileNotFoundError:
            return None
        except OSError as e:
            raise CredentialError(f"secret file {self.path}: {e.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise CredentialError(f"secret file {self.path} is not a regular file")
        if st.st_uid != os.geteuid():
            raise CredentialError(f"refused: secret file {self.path} belongs to uid {st.st_uid}, not to this user "
                                  f"(uid {os.geteuid()})")
        if st.st_mode & 0o077:
            raise CredentialError(f"refused: secret file {self.path} has mode {stat.S_IMODE(st.st_mode):04o}; "
                                  f"a secret file must be readable by its owner only: chmod 600 {self.path}")
        return st

    def _read(self) -> dict[str, Any]:
        if self.check() is None:
            return {}
        try:
            text = self.path.read_text()
        except OSError as e:
            raise CredentialError(f"secret file {self.path}: {e.strerror}") from None
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as e:
            raise CredentialError(f"secret file {self.path} is not JSON (line {e.lineno}): expected "
                                  '{"venue/label": {"api_key": ..., "secret": ...}}') from None
        if not isinstance(data, dict):
            raise CredentialError(f"secret file {self.path}: expected a JSON object keyed by venue/label")
        for name, value in data.items():
            if isinstance(value, dict):
                redaction.register(*(v for v in value.values() if isinstance(v, str)))
            split_name(name)
            _entry(value, f"secret file {self.path}, {name!r}")
        return data

    def _write(self, data: dict[str, Any]) -> None:
        if self.path.is_symlink():
            raise CredentialError(f"secret file {self.path} is a symbolic link (managed by the environment): "
                                  "Predator reads it and never writes it")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(data, f, indent=2, sort_keys=True)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)  # whatever the umask
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def get(self, venue: str, label: str) -> Credential | None:
        name = key_name(venue, label)
        value = self._read().get(name)
        if value is None:
            return None
        api_key, secret = _entry(value, f"secret file {self.path}, {name!r}")
        return Credential(venue, label, api_key, secret)

    def put(self, credential: Credential, replace: bool = False) -> None:
        data = self._read()
        if credential.name in data and not replace:
            raise CredentialError(f"{credential.name} is already in {self.path}: `predator keys remove` it first, "
                                  "or --replace")
        data[credential.name] = {"api_key": credential.api_key, "secret": credential.secret}
        self._write(data)

    def delete(self, venue: str, label: str) -> bool:
        name = key_name(venue, label)
        data = self._read()
        if name not in data:
            return False
        del data[name]
        self._write(data)
        return True

    def stored(self) -> tuple[StoredKey, ...]:
        out = []
        for name, value in sorted(self._read().items()):
            venue, label = split_name(name)
            api_key, _ = _entry(value, f"secret file {self.path}, {name!r}")
            out.append(StoredKey(venue, label, self.backend, fingerprint(api_key), str(self.path)))
        return tuple(out)


def secrets_file() -> Path | None:
    """``$PREDATOR_SECRETS_FILE`` as a path, or None when unset."""
    value = os.environ.get(SECRETS_FILE_ENV, "").strip()
    return Path(value).expanduser() if value else None


def stores(backend: str | None = None) -> list[CredentialStore]:
    """The stores to use: ``backend`` alone when given; else the secret file (when ``PREDATOR_SECRETS_FILE``
    is set) then the keyring."""
    if backend is not None and backend not in BACKENDS:
        raise CredentialError(f"unknown key backend {backend!r}; use {' or '.join(BACKENDS)}")
    if backend == "file":
        return [SecretFileStore()]
    if backend == "keyring":
        return [KeyringStore()]
    out: list[CredentialStore] = []
    if secrets_file() is not None:
        out.append(SecretFileStore())
    out.append(KeyringStore())
    return out


def default_store(backend: str | None = None) -> CredentialStore:
    """Where a new key goes: ``backend`` when given; else the secret file when ``PREDATOR_SECRETS_FILE`` is
    set, else the keyring."""
    return stores(backend)[0]


def load(venue: str, label: str, backend: str | None = None) -> tuple[Credential, CredentialStore]:
    """The key ``venue/label`` and the store it came from; CredentialError when no store has it (naming the
    stores looked in and why an unusable one was skipped)."""
    name = key_name(venue, label)
    looked: list[str] = []
    for store in stores(backend):
        try:
            found = store.get(venue, label)
        except CredentialError as e:
            if backend is None and isinstance(store, KeyringStore) and not store.available():
                looked.append(f"keyring (unavailable: {e})")
                continue
            raise
        if found is not None:
            return found, store
        looked.append(f"{store.backend} ({store.location()})")
    raise CredentialError(f"no API key {name}: looked in {'; '.join(looked)}. Add one with "
                          f"`predator keys add --venue {venue} --label {label}`")
