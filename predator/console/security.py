"""The console's security model (docs/operator.md, "Security model"): the bearer token and its file, loopback
addresses, the Host allow-list, browser sessions and their CSRF tokens.

* **The token** lives in a file readable by its owner only (default ``PREDATOR_HOME/secrets/console.token``,
  created 0600 by ``predator serve --init-token``); the console refuses to start when the file is readable or
  writable by group or others. A request authenticates with ``Authorization: Bearer <token>``, compared in
  constant time (:func:`hmac.compare_digest`).
* **A secret path**: each start draws a random base path (:func:`new_base_path`, ``/c/<128 random bits>``) and
  serves every page, form and API route under it only (anything else: 404). Browsers do not separate cookies by
  port (RFC 6265 section 8.5), so a cookie scoped ``Path=/`` would also go to any other server a local user runs
  on another port of the same host; scoped to the base path, it goes to no URL outside it, and no other user
  knows it (it is printed on the terminal only, masked in logs).
* **Browsers** log in once with the token (a form); the console answers with a random session id in a cookie
  (``HttpOnly; SameSite=Strict; Path=<the base path>``) and keeps, per session, a random CSRF token that every
  state-changing request of the session must carry (form field ``csrf_token`` or header ``X-CSRF-Token``).
* **DNS rebinding and cross-site requests**: every request's ``Host`` header must name this console's own
  address (``127.0.0.1:PORT``, ``localhost:PORT``, the address it listens on) or it is refused with 421; a
  state-changing request whose ``Origin`` is another one, or whose ``Sec-Fetch-Site`` is not ``same-origin``
  (or ``none``), is refused with 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from predator import config, redaction, seams
from predator.errors import ConfigurationError

#: The session cookie's name.
COOKIE = "predator_console"
#: The header and the form field that carry a session's CSRF token.
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
#: Methods that change nothing; every other one is state-changing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The shortest token the console accepts (``--init-token`` writes 43 characters, 256 bits).
MIN_TOKEN_LENGTH = 32
#: How long a browser session lasts (seconds).
SESSION_TTL_S = 12 * 3600
#: Random bytes of the base path drawn at each start (128 bits).
BASE_PATH_BYTES = 16


def default_token_path() -> Path:
    """``PREDATOR_HOME/secrets/console.token``."""
    return config.home() / "secrets" / "console.token"


def new_base_path() -> str:
    """A new random base path, ``/c/<BASE_PATH_BYTES random bytes, URL-safe base64>``: the console serves
    everything under it and scopes its session cookie to it (see the module's docstring)."""
    return "/c/" + secrets.token_urlsafe(BASE_PATH_BYTES)


def under_base(path: str, base: str) -> bool:
    """Whether the request path ``path`` lies under ``base`` (``base`` itself or ``base/...``), compared in
    constant time (the base path is a secret)."""
    head = path[:len(base)]
    return hmac.compare_digest(head.encode(), base.encode()) and (len(path) == len(base) or path[len(base)] == "/")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def init_token(path: Path) -> bool:
    """Create ``path`` holding a new random token (mode 0600 from the start; its directory 0700 when this
    creates it). True when created, False when a file is there already and passes :func:`read_token`'s checks
    (it is left as it is); one that does not (another user's, readable by others, too short) is refused
    (:class:`ConfigurationError`): a file planted by someone else is never kept."""
    if path.exists() or path.is_symlink():
        read_token(path)
        return False
    if not path.parent.exists():
        path.parent.mkdir(parents=True)
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32) + "\n")
    os.chmod(path, 0o600)  # whatever the umask
    return True


def read_token(path: Path) -> str:
    """The token in ``path``. Refused (:class:`ConfigurationError`, one line saying what to do): a missing
    file, not a regular file, a file owned by another user than the one running (root's is accepted, as ssh
    does), a file any group or other user may read or write, a token shorter than :data:`MIN_TOKEN_LENGTH`.
    The checks are made on the open descriptor the token is read from (no swap between check and read). The
    token is registered with :mod:`predator.redaction` (masked in every log)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as e:
        raise ConfigurationError(f"no console token file {path}: create one with predator serve --init-token"
                                 f"{'' if path == default_token_path() else f' --token-file {path}'}") from e
    except OSError as e:
        raise ConfigurationError(f"refused: cannot open the console token file {path} ({e.strerror})") from e
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ConfigurationError(f"refused: the console token file {path} is not a regular file")
        if st.st_uid not in (os.geteuid(), 0):
            raise ConfigurationError(f"refused: the console token file {path} is owned by uid {st.st_uid}, not by "
                                     f"the user running the console (uid {os.geteuid()}); someone else may know its "
                                     f"token: remove it and write a new one (rm {path}; predator serve --init-token)")
        if st.st_mode & 0o077:
            raise ConfigurationError(f"refused: the console token file {path} has mode "
                                     f"{stat.S_IMODE(st.st_mode):04o}; it must be readable by its owner only: "
                                     f"chmod 600 {path}")
        raw = f.read(64 * 1024)
    try:
        token = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigurationError(f"refused: the console token file {path} is not a text file (UTF-8); write a new "
                                 f"one (rm {path}; predator serve --init-token)") from None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ConfigurationError(f"refused: the console token in {path} is shorter than {MIN_TOKEN_LENGTH} characters "
                                 f"or holds white space; write a new one (rm {path}; predator serve --init-token)")
    redaction.register(token)
    return token


def token_matches(supplied: str, token: str) -> bool:
    """Constant-time comparison of a supplied token (any text) with the console's."""
    return hmac.compare_digest(supplied.encode(), token.encode())


def allowed_hosts(listen_host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values this console answers: ``127.0.0.1:PORT``, ``localhost:PORT`` and the address
    it listens on (``[::1]:PORT`` for IPv6)."""
    own = f"[{listen_host}]" if ":" in listen_host else listen_host
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"{own}:{port}"})


@dataclass(frozen=True)
class Session:
    """A browser session: its CSRF token, when it ends (monotonic seconds) and the operator login it writes as
    (``operator``, or ``approver`` for a session opened with the approver's token)."""

    csrf: str
    expires: float
    login: str = "operator"


class Sessions:
    """The browser sessions of one console process (in memory: a restart logs every browser out)."""

    def __init__(self, ttl_s: float = SESSION_TTL_S) -> None:
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._by_id: dict[str, Session] = {}

    def create(self, login: str = "operator") -> tuple[str, Session]:
        """A new session writing as ``login``: its id (the cookie's value) and the session."""
        sid, session = (secrets.token_urlsafe(32),
                        Session(secrets.token_urlsafe(32), seams.monotonic() + self._ttl, login))
        with self._lock:
            now = seams.monotonic()
            for old in [k for k, s in self._by_id.items() if s.expires <= now]:
                del self._by_id[old]
            self._by_id[sid] = session
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        """The live session of ``sid``, or None (unknown or expired)."""
        if not sid:
            return None
        with self._lock:
            session = self._by_id.get(sid)
            if session is not None and session.expires <= seams.monotonic():
                del self._by_id[sid]
                return None
            return session

    def drop(self, sid: str | None) -> None:
        with self._lock:
            if sid:
                self._by_id.pop(sid, None)
