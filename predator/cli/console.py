"""``predator serve``: the operator console, a loopback-only control API and Mirror pages (docs/operator.md)."""

from __future__ import annotations

from pathlib import Path

import click
import structlog

from predator.cli import main
from predator.console import security
from predator.console.server import bind
from predator.db.connection import default_target
from predator.errors import ConfigurationError


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="A loopback address (127.0.0.1, localhost, ::1); any other is refused.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True,
              help="TCP port (0: a free one, printed).")
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The bearer token's file, readable by its owner only "
                   "[default: PREDATOR_HOME/secrets/console.token].")
@click.option("--init-token", is_flag=True, help="Create the token file (0600, a random token) if it is missing, "
                                                "and exit.")
@click.option("--approver-token-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The second operator's token file (0600): a client or browser session with this token writes as "
                   "predator_approver_login, the second operator of the two-person rule (with --init-token: "
                   "created too). Without it the console writes as the operator's login only.")
@click.option("--refresh", "refresh_s", type=click.IntRange(2, 3600), default=15, show_default=True,
              help="Seconds between the overview page's automatic refreshes.")
def serve(host: str, port: int, token_file: Path | None, init_token: bool, approver_token_file: Path | None,
          refresh_s: int) -> None:
    """Serve the operator console on loopback until interrupted (Ctrl-C, SIGTERM).

    Everything is served under a random base path drawn at each start and printed with the URL (the session
    cookie is scoped to it; a request outside it is 404): JSON under <base>/api/v1 (OpenAPI at
    <base>/api/v1/openapi.json) and the pages (<base>/login, <base>/, <base>/admin). Every request
    authenticates: Authorization: Bearer <token>, or a browser session opened at /login with the token; a
    browser's state-changing request also carries the session's CSRF token. Reads connect as the auditor's
    login, writes (halt, resume, kill switch, strategy pause and resume, incident updates) as the operator's,
    each one governed api.* call with its reason."""
    path = token_file or security.default_token_path()
    if init_token:
        created = security.init_token(path)
        click.echo(f"{'created' if created else 'kept the existing'} console token file {path} (mode 0600); "
                   f"log in with its content")
        if approver_token_file is not None:
            created = security.init_token(approver_token_file)
            click.echo(f"{'created' if created else 'kept the existing'} approver token file {approver_token_file} "
                       f"(mode 0600): the second operator's")
        return
    from predator.console.app import ConsoleSettings, create_app  # FastAPI only when serving
    from predator.console.server import serve as run

    sock = bind(host, port)  # a non-loopback address is refused first
    try:
        token = security.read_token(path)
        approver_token = security.read_token(approver_token_file) if approver_token_file is not None else None
        if approver_token is not None and security.token_matches(approver_token, token):
            raise ConfigurationError("refused: the approver's token is the operator's; give each its own file")
        target = default_target()
        target.connect("auditor").close()  # fail now (exit 3) rather than on the first request
        target.connect("operator").close()
        if approver_token is not None:
            target.connect("approver").close()
        bound = sock.getsockname()[1]
        settings = ConsoleSettings(target=target, token=token, host=host, port=bound, refresh_s=refresh_s,
                                   approver_token=approver_token)
        app = create_app(settings)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound}{settings.base_path}/"
        # The base path is new at each start and known to this terminal only: the session cookie is scoped to it,
        # so no server another user runs on another port of this host ever receives it (docs/operator.md).
        click.echo(f"predator console on {url} (token file {path}; reads as the auditor, writes as the operator; "
                   f"every page and /api/v1 route is under this URL's path, new at each start; Ctrl-C stops it)")
        from predator.logs import configure_logging

        configure_logging()  # one line per state-changing request, with its correlation id (predator.correlation)
        structlog.get_logger("predator.console").info("console_started", url=url)  # the base path masked
        run(app, sock)
    finally:
        sock.close()
