"""Serving the console: a socket on a loopback address, uvicorn in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import socket

import uvicorn
from starlette.types import ASGIApp

from predator.console.security import is_loopback
from predator.errors import ConfigurationError


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (``port`` 0: a free one; the bound port is ``getsockname()[1]``).
    Refused (:class:`ConfigurationError`): an address that is not loopback, or one that cannot be bound."""
    if not is_loopback(host):
        raise ConfigurationError(f"refused: the console listens on a loopback address only (127.0.0.1, localhost, "
                                 f"::1), not {host!r}; reach it from elsewhere through an SSH tunnel")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port} ({e.strerror}); choose another --port") from e
    sock.listen(128)  # connections queue from here on, before uvicorn serves them
    return sock


def serve(app: ASGIApp, sock: socket.socket, log_level: str = "warning") -> None:
    """Serve ``app`` on ``sock`` until interrupted (uvicorn ends gracefully on SIGINT and SIGTERM)."""
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", ws="none", http="h11", loop="asyncio",
                            access_log=False, proxy_headers=False, server_header=False, date_header=True,
                            timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])
