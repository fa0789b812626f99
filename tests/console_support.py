"""A ``predator serve`` process for tests: started on a free loopback port against a test database, spoken to
over HTTP, stopped. Shared by the console's API tests (tests/integration/test_console_api.py) and its browser
tests (tests/browser/)."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from predator.config import PROJECT_ROOT
from predator.db.connection import Target


@dataclass
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Console:
    """A running ``predator serve``: its port, token, process and base path (the random ``/c/<...>`` every page and
    route is under, from the URL it printed)."""

    port: int
    token: str
    proc: subprocess.Popen[str]
    cookies: dict[str, str] = field(default_factory=dict)
    approver_token: str | None = None  # the second operator's (--approver-token-file), when started with one
    base: str = ""

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The URL the console printed: its origin and base path."""
        return f"{self.origin}{self.base}/"

    def path(self, path: str) -> str:
        """``path`` (``/admin?...``) under the base path: what the console's links and redirects carry."""
        return self.base + path

    def request(self, method: str, path: str, *, body: Any = None, form: dict[str, str] | None = None,
                token: str | None = None, host: str | None = None, cookie: str | None = None,
                headers: dict[str, str] | None = None, raw: bool = False) -> Answer:
        """One HTTP request over a fresh connection to ``path`` under the base path (unless it is there already,
        as in a redirect's location, or ``raw``: the path as given); ``token`` adds ``Authorization: Bearer``,
        ``cookie`` the session cookie, ``form`` an urlencoded body, ``body`` a JSON body."""
        if not raw and not path.startswith(self.base + "/"):
            path = self.base + path
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"Host": host or f"127.0.0.1:{self.port}", **(headers or {})}
        data: bytes | None = None
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            hdrs["Cookie"] = f"predator_console={cookie}"
        if body is not None:
            data, hdrs["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data, hdrs["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            out: dict[str, list[str]] = {}
            for k, v in resp.getheaders():
                out.setdefault(k.lower(), []).append(v)
            return Answer(resp.status, out, resp.read())
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Answer:
        return self.request("POST", path, **kw)


def console_env(target: Target, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PREDATOR_DSN=target.dsn, **extra)
    env.pop("PREDATOR_DEBUG", None)
    return env


def console_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "predator.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def make_token_file(directory: Path, env: dict[str, str]) -> tuple[Path, str]:
    path = directory / "secrets" / "console.token"
    made = console_cli(env, "serve", "--init-token", "--token-file", str(path))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    return path, path.read_text().strip()


def make_approver_token_file(directory: Path, env: dict[str, str]) -> tuple[Path, str]:
    """The second operator's token file (``predator serve --init-token --approver-token-file``)."""
    operator = directory / "secrets" / "console.token"
    path = directory / "secrets" / "console_approver.token"
    made = console_cli(env, "serve", "--init-token", "--token-file", str(operator), "--approver-token-file", str(path))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path, path.read_text().strip()


def start_console(target: Target, token_file: Path, token: str, approver: tuple[Path, str] | None = None,
                  **env: str) -> Console:
    """``predator serve --port 0`` as a process (with ``approver``: ``--approver-token-file``); its port and base
    path from the URL on its first line on stdout."""
    extra = ["--approver-token-file", str(approver[0])] if approver else []
    proc = subprocess.Popen([sys.executable, "-m", "predator.cli", "serve", "--port", "0", "--token-file",
                             str(token_file), *extra], env=console_env(target, **env), cwd=PROJECT_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else ""
    found = re.search(r"http://127\.0\.0\.1:(\d+)(/c/[A-Za-z0-9_-]{22})/ ", line)
    if not found:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"predator serve did not start: {line!r} {err}")
    return Console(int(found.group(1)), token, proc, approver_token=approver[1] if approver else None,
                   base=found.group(2))


def stop_console(console: Console) -> None:
    console.proc.terminate()
    try:
        console.proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        console.proc.kill()
        console.proc.communicate(timeout=10)
    assert console.proc.returncode is not None


def active_halts(target: Target) -> list[tuple[str, str, str]]:
    with target.connect("auditor") as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT scope_kind, scope_key, reason FROM api.halts WHERE active ORDER BY scope_kind, scope_key")]


def last_halt_event(target: Target) -> tuple[str, str, str, str]:
    with target.connect("auditor") as conn:
        row = conn.execute("SELECT action, reason, source, actor FROM api.halt_events"
                           " ORDER BY effective_at DESC, seq DESC LIMIT 1").fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]


