"""``predator notify run`` (the alerts notifier) and ``predator metrics serve`` (the Prometheus exporter); issue 16
items 5 and 6, docs/operator.md "Alerts" and "Metrics"."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from types import FrameType

import click

from predator.cli import main
from predator.db.connection import default_target


@main.group()
def notify() -> None:
    """Deliver the database's alerts (halts, kill switch, breakers, withdrawals, ...) through apprise."""


@notify.command("run")
@click.option("--once", is_flag=True, help="One pass over the pending alerts, then exit.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help="The notifier's TOML file (channels as apprise URLs; mode 0600)."
                   " Default: PREDATOR_HOME/notifier.toml.")
def notify_run(once: bool, config_file: Path | None) -> None:
    """Deliver pending alerts to every configured channel, deduplicated, rate-limited and retried with a bounded
    backoff; every attempt is recorded in the database (api.alert_attempts). Connects as predator_notifier_login.

    Exit 2 for a missing, malformed or group-readable config file."""
    from predator.alerts import config as alert_config
    from predator.alerts.notifier import Notifier
    from predator.logs import configure_logging

    configure_logging()
    cfg = alert_config.load(config_file or alert_config.default_path())
    notifier = Notifier(default_target(), cfg)
    if once:
        click.echo(notifier.run_once().line())
        return
    stopping = {"now": False}

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"notifier: {len(cfg.channels)} channel(s), a pass every {cfg.poll_seconds:g} s (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        notifier.run(stop=lambda: stopping["now"])


@main.group()
def metrics() -> None:
    """Prometheus metrics read from the database at scrape time."""


@metrics.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=9187, show_default=True,
              help="TCP port on 127.0.0.1 (loopback only).")
def metrics_serve(port: int) -> None:
    """Serve the Prometheus text exposition on http://127.0.0.1:PORT/metrics; each scrape reads the api views as
    the auditor (nothing is cached). Ctrl-C stops."""
    from predator.logs import configure_logging
    from predator.metrics.exporter import make_exporter

    configure_logging()
    server = make_exporter(default_target(), port)
    click.echo(f"metrics: http://127.0.0.1:{server.server_port}/metrics (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
