"""The notifier's configuration and pacing, without a database: the TOML file is refused unless private and well
formed, the backoff is bounded, a message carries what an operator needs."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from predator.alerts import config
from predator.alerts.notifier import backoff_seconds, message
from predator.db.alerts import PendingAlert
from predator.errors import ConfigurationError


def test_a_config_open_to_others_or_malformed_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "n.toml"
    f.write_text('[[channel]]\nname = "tg"\nurl = "tgram://123456789:AAEabcdefghijklmnopqrstuv/-100"\n')
    os.chmod(f, 0o640)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        config.load(f)
    os.chmod(f, 0o600)
    cfg = config.load(f)
    assert [c.name for c in cfg.channels] == ["tg"] and "AAE" not in repr(cfg)
    for bad in ('[[channel]]\nname = "Bad Name"\nurl = "json://x"\n', '[notifier]\npoll_seconds = 1\n',
                '[[channel]]\nname = "a"\nurl = "json://x"\n[[channel]]\nname = "a"\nurl = "json://y"\n',
                '[notifier]\nretry_base_seconds = -1\n[[channel]]\nname = "a"\nurl = "json://x"\n'):
        f.write_text(bad)
        with pytest.raises(ConfigurationError):
            config.load(f)
    with pytest.raises(ConfigurationError, match="does not exist"):
        config.load(tmp_path / "missing.toml")


def test_the_backoff_doubles_and_is_capped() -> None:
    assert [backoff_seconds(n, 30, 900) for n in range(7)] == [0, 30, 60, 120, 240, 480, 900]
    assert backoff_seconds(10_000, 30, 900) == 900


def test_a_message_names_the_event() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    alert = PendingAlert(7, t, t, "withdrawal", "critical", "acct", "withdrawal:acct:w1", "WITHDRAWAL seen on acct",
                         {"amount": "25"}, "tg", 0, None, None, 0)
    title, body = message(alert)
    assert title == "[CRITICAL] Predator: WITHDRAWAL seen on acct"
    assert "account: acct" in body and "#7" in body and '"amount": "25"' in body
