"""The operator console's hardening (security review D1 to D6) over real HTTP: ``predator serve`` runs as a real
process on a free loopback port against a test database of its own.

* D1: everything is served under a random base path printed at start (``/c/<128 bits>``), anything outside it is
  404, every link, form and redirect carries it, and the session cookie is scoped to it (so a browser sends it to
  no other port's server); the base path stays out of the log.
* D2: a request body beyond ``MAX_BODY_BYTES`` is refused (413) before it is read, with or without a
  ``Content-Length``; an unauthenticated write is answered 401 without its body being read or parsed.
* D3: the admin page's kill switch while a global halt is in force tells the operator it ran.
* D6: a NUL character in a text is the request's fault (400), not an unreachable database; FastAPI's own 404 and
  405 answers carry the security headers.
* D4: a token file owned by another user is refused, by ``serve`` and by ``serve --init-token``.
* D5: the pause form of a strategy named ``.`` or ``..`` reaches its route once a browser resolves its action.

Every process started here is stopped here.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from predator.config import PROJECT_ROOT
from predator.console import security
from predator.console.app import MAX_BODY_BYTES, SECURITY_HEADERS
from predator.db import api
from predator.db.connection import Target
from predator.errors import ConfigurationError
from tests.conftest import create_database, drop_database
from tests.console_support import (
    Answer,
    Console,
    active_halts,
    console_cli,
    console_env,
    make_token_file,
    start_console,
    stop_console,
)
from tests.helpers import approve_global_resume, new_account

pytestmark = pytest.mark.xdist_group("console")


@pytest.fixture(scope="module")
def hardening_db(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_harden")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture(scope="module")
def token(hardening_db: Target, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return make_token_file(tmp_path_factory.mktemp("harden"), console_env(hardening_db))


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("harden_logs") / "console.jsonl"


@pytest.fixture(scope="module")
def console(hardening_db: Target, token: tuple[Path, str], log_path: Path) -> Iterator[Console]:
    running = start_console(hardening_db, *token, PREDATOR_LOG=str(log_path))
    try:
        yield running
    finally:
        stop_console(running)


def _login(console: Console) -> tuple[str, str]:
    """A browser session of the operator: (cookie, CSRF token)."""
    login = console.post("/login", form={"token": console.token},
                         headers={"Origin": console.origin, "Sec-Fetch-Site": "same-origin"})
    found = re.match(r"predator_console=([^;]+);", login.header("set-cookie") or "")
    assert login.status == 303 and found, login.body
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', console.get("/admin", cookie=found.group(1)).text)
    assert csrf
    return found.group(1), csrf.group(1)


def _same(console: Console) -> dict[str, str]:
    return {"Origin": console.origin, "Sec-Fetch-Site": "same-origin"}


def _has_security_headers(answer: Answer) -> bool:
    return all(answer.header(name) == value for name, value in SECURITY_HEADERS.items())


def _raw(console: Console, head: str, body: bytes = b"", timeout: float = 10) -> tuple[int, bytes]:
    """One request written on a socket as given (``head``: request line and headers, without the blank line),
    then ``body``; (status, whole answer). A server that waits for a body it was not sent times out here."""
    with socket.create_connection(("127.0.0.1", console.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        data = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" in data and b"content-length" in data.lower():
                    head_end = data.index(b"\r\n\r\n") + 4
                    length = int(re.search(rb"(?i)content-length: *(\d+)", data[:head_end]).group(1))  # type: ignore[union-attr]
                    if len(data) >= head_end + length:
                        break
        except TimeoutError:
            pytest.fail(f"no answer within {timeout} s (the console waits for the body): {data[:200]!r}")
    status = re.match(rb"HTTP/1\.1 (\d{3})", data)
    assert status, data[:200]
    return int(status.group(1)), data


# --- D1: the base path and the cookie's scope ----------------------------------------------------------------


def test_everything_is_under_a_random_base_path_the_cookie_is_scoped_to(console: Console, log_path: Path) -> None:
    assert re.fullmatch(r"/c/[A-Za-z0-9_-]{22}", console.base)  # 16 random bytes, URL-safe base64
    # Outside the base path: 404 for every page, form and API route, even with the token; no cookie is ever set.
    wrong = "/c/" + ("A" * 22 if console.base[3:] != "A" * 22 else "B" * 22)
    for path in ("/", "/login", "/admin", "/api/v1/status", "/c/", wrong + "/", wrong + "/api/v1/status",
                 console.base[:-1] + "/api/v1/status", console.base + "x/api/v1/status"):
        answer = console.get(path, token=console.token, raw=True)
        assert answer.status == 404 and answer.json()["code"] == "not_found", (path, answer.status)
        assert console.base not in answer.text and _has_security_headers(answer)
    answer = console.post("/login", form={"token": console.token}, headers=_same(console), raw=True)
    assert answer.status == 404 and answer.header("set-cookie") is None
    answer = console.post("/api/v1/halt", token=console.token, body={"reason": "outside"}, raw=True)
    assert answer.status == 404
    # The base path itself leads to its overview; under it the API answers as before.
    answer = console.get(console.base, raw=True)
    assert answer.status == 303 and answer.header("location") == console.base + "/"
    assert console.get("/api/v1/status", token=console.token).status == 200

    # The session cookie: Path is the base path (a browser sends it to no URL outside it, on any port).
    login = console.post("/login", form={"token": console.token}, headers=_same(console))
    assert login.status == 303 and login.header("location") == console.base + "/"
    cookie_header = login.header("set-cookie") or ""
    assert re.search(rf"; Path={re.escape(console.base)}(;|$)", cookie_header), cookie_header
    assert "HttpOnly" in cookie_header and re.search(r"SameSite=strict", cookie_header, re.IGNORECASE)
    cookie = re.match(r"predator_console=([^;]+);", cookie_header).group(1)  # type: ignore[union-attr]
    # Every link and form of every page stays under the base path.
    for page in ("/", "/admin", "/exposures", "/feeds", "/timeline", "/checks", "/incidents", "/runbooks",
                 "/changes", "/lanes"):
        text = console.get(page, cookie=cookie).text
        targets = re.findall(r'(?:href|action)="([^"]*)"', text)
        assert targets and all(t.startswith(console.base + "/") for t in targets), (page, targets)
    assert all(t.startswith(console.base + "/")
               for t in re.findall(r'action="([^"]*)"', console.get("/login").text))
    answer = console.post("/logout", cookie=cookie, headers=_same(console), form={"csrf_token": "x"})
    assert answer.status == 403
    # The printed URL (tests.console_support parsed it) carries the base path; the log masks it.
    logged = log_path.read_text()
    assert "console_started" in logged and console.base[3:] not in logged


# --- D2: the body's size, authentication before the body ------------------------------------------------------


def test_a_large_body_is_refused_before_it_is_read_and_authentication_comes_first(
        console: Console, hardening_db: Target) -> None:
    host = f"Host: 127.0.0.1:{console.port}"
    base = console.base
    # Headers announcing 100 MB, no body sent: answered at once (413), the body never awaited, token or not.
    for path, auth in ((f"{base}/api/v1/halt", ""), (f"{base}/login", ""),
                       (f"{base}/api/v1/halt", f"\r\nAuthorization: Bearer {console.token}")):
        status, data = _raw(console, f"POST {path} HTTP/1.1\r\n{host}\r\nContent-Type: application/json\r\n"
                                     f"Content-Length: 100000000{auth}")
        assert status == 413 and b"request_too_large" in data, data[:300]
        assert b"content-security-policy" in data.lower()
    # An unauthenticated write is answered 401 before its body is read: headers announcing 1000 bytes, none sent.
    status, data = _raw(console, f"POST {base}/api/v1/halt HTTP/1.1\r\n{host}\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 1000")
    assert status == 401 and b'"unauthorized"' in data
    # ... and a malformed body of an unauthenticated request is 401, never a validation answer (422).
    for auth in ("", "Authorization: Bearer wrong-token-0123456789abcdef0123456789\r\n"):
        status, data = _raw(console, f"POST {base}/api/v1/halt HTTP/1.1\r\n{host}\r\n{auth}"
                                     "Content-Type: application/json\r\nContent-Length: 9", b"{not json")
        assert status == 401, data[:300]
    # A page's form without a session: to the login page, body unread.
    status, data = _raw(console, f"POST {base}/ui/kill_switch HTTP/1.1\r\n{host}\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000")
    location = re.search(rb"(?i)\r\nlocation: *([^\r]+)", data)
    assert status == 303 and location and location.group(1).decode() == f"{base}/login", data[:300]
    # Authenticated, just over the cap: 413 with a Content-Length, and without one (chunked, counted as read).
    reason = "x" * MAX_BODY_BYTES
    answer = console.post("/api/v1/halt", token=console.token, body={"reason": reason})
    assert answer.status == 413 and answer.json()["code"] == "request_too_large" and _has_security_headers(answer)
    payload = json.dumps({"reason": reason}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 8192]), payload[i:i + 8192])
                      for i in range(0, len(payload), 8192)) + b"0\r\n\r\n"
    status, data = _raw(console, f"POST {base}/api/v1/halt HTTP/1.1\r\n{host}\r\nContent-Type: application/json\r\n"
                                 f"Authorization: Bearer {console.token}\r\nTransfer-Encoding: chunked", chunks)
    assert status == 413 and b"request_too_large" in data, data[:300]
    assert active_halts(hardening_db) == []
    # Under the cap it goes through as before (a reason of 2000 characters at most: the model's 422).
    answer = console.post("/api/v1/halt", token=console.token, body={"reason": "y" * 3000})
    assert answer.status == 422 and answer.json()["code"] == "invalid_request"


# --- D3: the kill switch while a global halt is in force ----------------------------------------------------------


def test_the_kill_switch_form_during_a_global_halt_says_it_ran(console: Console, hardening_db: Target) -> None:
    assert console.post("/api/v1/halt", token=console.token, body={"reason": "halted first"}).status == 200
    cookie, csrf = _login(console)
    answer = console.post("/ui/kill_switch", cookie=cookie, headers=_same(console),
                          form={"reason": "kill during halt", "flatten": "true", "csrf_token": csrf})
    assert answer.status == 303, (answer.status, answer.body[:500])
    location = answer.header("location") or ""
    assert location == console.path("/admin?done=kill_switch_halted&orders=0&exits=0"), location
    page = console.get(location, cookie=cookie)
    banner = re.search(r'<div class="banner notice" id="done">(.*?)</div>', page.text, re.S)
    assert banner, page.text[:2000]
    said = banner.group(1)
    assert "Kill switch fired: 0 open orders marked for cancellation, 0 flatten (exit) orders created" in said
    assert "already in force" in said
    with hardening_db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.audit_log WHERE action = 'kill_switch'"
                            " AND reason = 'kill during halt'").fetchone() == (1,)
    assert active_halts(hardening_db) == [("global", "*", "halted first")]
    with hardening_db.connect("operator") as conn:
        approve_global_resume(hardening_db, conn, "kill drill over")
        api.resume(conn, "kill drill over")
        conn.commit()
    assert active_halts(hardening_db) == []


# --- D6: a NUL character, the headers of FastAPI's own answers --------------------------------------------------


def test_a_nul_character_is_the_requests_fault_and_every_answer_has_the_security_headers(
        console: Console, hardening_db: Target) -> None:
    answer = console.get("/api/v1/positions?account=%00", token=console.token)
    assert answer.status == 400 and answer.json()["code"] == "invalid_value", answer.body
    assert "NUL" in answer.json()["message"] + answer.json()["hint"] and _has_security_headers(answer)
    answer = console.post("/api/v1/halt", token=console.token, body={"reason": "a\u0000b"})
    assert answer.status == 400 and answer.json()["code"] == "invalid_value", answer.body
    cookie, csrf = _login(console)
    answer = console.post("/ui/halt", cookie=cookie, headers=_same(console),
                          form={"reason": "a\u0000b", "scope": "global", "csrf_token": csrf})
    assert answer.status == 400 and "invalid_value" in answer.text and "cannot reach" not in answer.text
    assert active_halts(hardening_db) == []
    # FastAPI's own answers: no such route (404), a method the route does not take (405); a time out of range.
    for method, path, status in (("GET", "/api/v1/nothing", 404), ("GET", "/nothing", 404),
                                 ("GET", "/api/v1/halt", 405), ("PUT", "/api/v1/status", 405),
                                 ("GET", "/feeds?at=9999-12-31T23:59:59-14:00", 422)):
        answer = console.request(method, path, token=console.token)
        assert answer.status == status, (method, path, answer.status, answer.body[:300])
        assert _has_security_headers(answer), (method, path, answer.headers)
    assert console.get("/api/v1/halt", token=console.token).header("allow") == "POST"


# --- D4: the token file's owner ----------------------------------------------------------------------------------


def test_a_token_file_owned_by_another_user_is_refused(hardening_db: Target, token: tuple[Path, str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "shared"
    directory.mkdir()
    os.chmod(directory, 0o1777)
    path = directory / "console.token"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("planted-by-someone-else-0123456789abcdef\n")
    os.chmod(path, 0o600)
    other = 65534  # nobody
    if os.geteuid() == 0:
        os.chown(path, other, other)
    else:  # a user cannot give a file away: pretend the console runs as another one
        monkeypatch.setattr(security.os, "geteuid", lambda: os.getuid() + 4242)
        other = os.getuid()
    for call in (security.read_token, security.init_token):
        with pytest.raises(ConfigurationError, match=f"owned by uid {other}, not by the user running the console"):
            call(path)
    assert path.read_text() == "planted-by-someone-else-0123456789abcdef\n"  # left as it is, never kept
    if os.geteuid() != 0:
        return
    env = console_env(hardening_db)
    made = console_cli(env, "serve", "--init-token", "--token-file", str(path))
    assert made.returncode == 2 and "owned by uid 65534" in made.stderr and "Traceback" not in made.stderr
    assert "kept" not in made.stdout
    try:
        ran = subprocess.run([sys.executable, "-m", "predator.cli", "serve", "--port", "0", "--token-file", str(path)],
                             env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("predator serve started with a token file owned by another user")
    assert ran.returncode == 2 and "owned by uid 65534" in ran.stderr and ran.stdout == "", ran.stderr
    # The owner's own file (and root's) is taken as before.
    assert security.read_token(token[0]) == token[1]


# --- D5: strategy names made of dots ---------------------------------------------------------------------------


def test_the_pause_form_of_a_strategy_named_dot_or_dot_dot_reaches_its_route(
        console: Console, hardening_db: Target) -> None:
    with hardening_db.connect("operator") as conn:
        account = new_account(conn, name="dotted")
        with conn.transaction():
            api.register_strategy(conn, account, "..", {}, "strategy named dot-dot")
            api.register_strategy(conn, account, ".", {}, "strategy named dot")
    cookie, csrf = _login(console)
    admin = console.get("/admin", cookie=cookie).text
    for strategy in ("..", "."):
        form = re.search(rf'<form method="post" action="([^"]+)"[^>]*id="pause-{account}-{re.escape(strategy)}">'
                         r'(.*?)</form>', admin, re.S)
        assert form, strategy
        # What a browser does: resolve the action against the page's URL (dot segments removed), post the fields.
        url = urljoin(f"{console.origin}{console.base}/admin", form.group(1).replace("&amp;", "&"))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
        assert fields["csrf_token"] == csrf
        answer = console.post(url[len(console.origin):], cookie=cookie, headers=_same(console),
                              form={**fields, "reason": f"pause {strategy}"})
        assert answer.status == 303, (strategy, url, answer.status, answer.body[:300])
        assert answer.header("location") == console.path(
            f"/admin?done=strategy_pause&target={account}%2F{strategy}")
    with hardening_db.connect("auditor") as conn:
        rows = conn.execute("SELECT strategy, status FROM api.strategies WHERE account = %s ORDER BY strategy",
                            (account,)).fetchall()
    assert rows == [(".", "paused"), ("..", "paused"), ("trend", "active")]
