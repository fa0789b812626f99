"""Secrets of notification URLs never leave the notifier in clear.

An apprise URL carries its credentials: a Telegram bot token (``tgram://<token>/<chat>``), an e-mail password
(``mailto://user:password@host``), a webhook's ``user:password@`` or ``?token=``. :func:`secrets_of` lists the
secret parts of a URL, :func:`mask_url` shows a URL with them masked (for logs and messages) and :func:`mask`
masks a text (an apprise error, an exception) against the configured URLs and the usual shapes of such secrets.
The notifier also registers every secret with :mod:`predator.redaction`, so the log handlers mask them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from predator.redaction import MASK

#: Query parameters whose value is a secret in apprise URLs.
SECRET_PARAMS = frozenset({"pass", "password", "token", "secret", "apikey", "api_key", "key", "bot_token", "auth"})
#: Schemes whose first path element (the host part) is a bot token.
_TOKEN_HOST_SCHEMES = frozenset({"tgram", "telegram"})

_USERINFO = re.compile(r"(?P<pre>[a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]+@", re.IGNORECASE)
_BOT_TOKEN = re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{20,}")
_PARAM = re.compile(r"(?P<pre>\b(?:" + "|".join(sorted(SECRET_PARAMS)) + r")=)[^&\s'\"]+", re.IGNORECASE)


def secrets_of(url: str) -> list[str]:
    """The secret parts of ``url``: the password of its user info, a bot token, secret query values (raw and
    decoded forms)."""
    parts: list[str] = []
    try:
        u = urlsplit(url)
    except ValueError:
        return [url]
    scheme = u.scheme.lower()
    netloc = u.netloc
    if "@" in netloc:
        info = netloc.rsplit("@", 1)[0]
        if ":" in info:
            parts.append(info.split(":", 1)[1])
    if scheme in _TOKEN_HOST_SCHEMES:
        # tgram://123456789:ABC.../chat: urlsplit reads "123456789" as host and the rest as a port
        host_and_token = netloc.rsplit("@", 1)[-1]
        parts.append(host_and_token)
        if ":" in host_and_token:
            parts.append(host_and_token.split(":", 1)[1])
    for k, v in parse_qsl(u.query, keep_blank_values=False):
        if k.lower() in SECRET_PARAMS and v:
            parts.append(v)
    out: list[str] = []
    for p in parts:
        for form in (p, unquote(p)):
            if form and form not in out:
                out.append(form)
    return out


def mask(text: str, urls: Iterable[str] = ()) -> str:
    """``text`` with the secrets of ``urls`` and anything shaped like a URL password, a bot token or a secret
    query value replaced by ``[REDACTED]``."""
    secrets = sorted({s for u in urls for s in secrets_of(u) if len(s) >= 3}, key=len, reverse=True)
    for s in secrets:
        text = text.replace(s, MASK)
    text = _USERINFO.sub(lambda m: f"{m.group('pre')}:{MASK}@", text)
    text = _BOT_TOKEN.sub(MASK, text)
    return _PARAM.sub(lambda m: f"{m.group('pre')}{MASK}", text)


def mask_url(url: str) -> str:
    """``url`` as it may be shown: its secrets masked."""
    return mask(url, [url])
