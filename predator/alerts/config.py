"""The notifier's configuration: its channels (apprise URLs) and its pacing, from a TOML file.

The file holds secrets (bot tokens, mail passwords), so it must be readable by its owner alone (mode 0600 or
stricter): the notifier refuses to start otherwise, like SSH with a private key. Example::

    [notifier]
    poll_seconds = 5          # between passes of `predator notify run`
    retry_base_seconds = 30   # backoff after a failed attempt: base * 2^(attempt-1) ...
    retry_max_seconds = 900   # ... at most this; attempts stop at the alert_max_attempts setting
    timeout_seconds = 10      # per send (apprise's connect and read timeouts of HTTP channels)

    [[channel]]
    name = "telegram"
    url = "tgram://123456789:AAE.../-100123456"

    [[channel]]
    name = "mail"
    url = "mailtos://ops:app-password@smtp.example.org?to=oncall@example.org"

The dedup window, the rate limit per channel and the number of attempts are operator settings of the database
(``api.set_setting``: ``alert_dedup_window_seconds``, ``alert_rate_limit_per_minute``, ``alert_max_attempts``).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from predator import config as predator_config
from predator.errors import ConfigurationError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class Channel:
    """One destination: its name (recorded with each attempt) and apprise URL (a secret)."""

    name: str
    url: str

    def __repr__(self) -> str:  # the URL holds credentials: never shown
        return f"Channel(name={self.name!r}, url=<masked>)"


@dataclass(frozen=True)
class NotifierConfig:
    channels: tuple[Channel, ...]
    poll_seconds: float = 5.0
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 900.0
    timeout_seconds: float = 10.0
    batch: int = 100


def default_path() -> Path:
    """``PREDATOR_HOME/notifier.toml``."""
    return predator_config.home() / "notifier.toml"


def _number(d: dict[str, Any], key: str, default: float, lo: float, hi: float) -> float:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
        raise ConfigurationError(f"notifier config: {key} must be a number in [{lo}, {hi}], not {v!r}")
    return float(v)


def parse(data: dict[str, Any]) -> NotifierConfig:
    """A :class:`NotifierConfig` from the parsed TOML (ConfigurationError naming what is wrong)."""
    n = data.get("notifier", {})
    if not isinstance(n, dict):
        raise ConfigurationError("notifier config: [notifier] must be a table")
    raw = data.get("channel", [])
    if not isinstance(raw, list) or not raw:
        raise ConfigurationError("notifier config: no [[channel]] (each has a name and an apprise url)")
    channels: list[Channel] = []
    for i, c in enumerate(raw):
        name, url = (c.get("name"), c.get("url")) if isinstance(c, dict) else (None, None)
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigurationError(f"notifier config: channel {i + 1} needs a name of lower-case letters, digits,"
                                     " _ . - (at most 63 characters)")
        if not isinstance(url, str) or "://" not in url:
            raise ConfigurationError(f"notifier config: channel {name!r} needs an apprise url (tgram://, mailto://,"
                                     " json://, ...)")
        if any(ch.name == name for ch in channels):
            raise ConfigurationError(f"notifier config: channel {name!r} is named twice")
        channels.append(Channel(name, url))
    return NotifierConfig(
        channels=tuple(channels),
        poll_seconds=_number(n, "poll_seconds", 5.0, 0.05, 3600),
        retry_base_seconds=_number(n, "retry_base_seconds", 30.0, 0, 86400),
        retry_max_seconds=_number(n, "retry_max_seconds", 900.0, 0, 86400),
        timeout_seconds=_number(n, "timeout_seconds", 10.0, 0.1, 300),
        batch=int(_number(n, "batch", 100, 1, 1000)),
    )


def load(path: Path) -> NotifierConfig:
    """Read ``path``: refused (ConfigurationError) when missing, readable or writable by group or others, or
    malformed."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ConfigurationError(f"notifier config {path} does not exist (docs/operator.md, \"Alerts\")") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(f"notifier config {path} is open to group or others (mode "
                                 f"{stat.S_IMODE(st.st_mode):04o}); it holds secrets: chmod 600 {path}")
    if os.name == "posix" and st.st_uid != os.geteuid():
        raise ConfigurationError(f"notifier config {path} belongs to another user; it holds secrets")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigurationError(f"notifier config {path} is not valid TOML: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigurationError(f"notifier config {path} is not a text file (UTF-8: {e.reason} at byte {e.start}); "
                                 "write it as TOML") from None
    return parse(data)
