"""A real keyring backend for tests: a ``keyring.backend.KeyringBackend`` keeping its passwords in a JSON file
(mode 0600) named by ``PREDATOR_TEST_KEYRING`` (or given to the constructor). keyrings.alt is not in the
project's package index and a headless test machine has no Secret Service, so this stands in for the OS
keyring; Predator reaches it only through the keyring library's API (``get_password``, ``set_password``,
``delete_password``), exactly as it reaches the OS keyring.

In-process: ``keyring.set_keyring(FileKeyring(path))``. In a subprocess:
``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring`` and ``PREDATOR_TEST_KEYRING=path``.

Its priority is negative so that keyring never picks it on its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = -1  # type: ignore[assignment]  # never chosen by keyring's discovery, only when named

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self._path = path  # keyring instantiates every backend class when it looks for one: no failure here

    @property
    def path(self) -> Path:
        return Path(self._path or os.environ["PREDATOR_TEST_KEYRING"])

    def _load(self) -> dict[str, Any]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def _save(self, data: dict[str, Any]) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)

    def get_password(self, service: str, username: str) -> str | None:
        value = self._load().get(service, {}).get(username)
        return value if isinstance(value, str) else None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(f"{service}/{username} not found")
        del data[service][username]
        self._save(data)
