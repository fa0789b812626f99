"""The ``predator`` command. One module per command group; each registers its commands on :data:`main`.

Exit codes (:mod:`predator.cli.exits`, docs/cli.md): 0 success, 1 a check failed (validation, verification,
replay parity), 2 bad usage or bad input, 3 the database unreachable or the connection lost, 4 a refusal by the
database (the line carries its SQLSTATE and hint), 5 not found (an unknown name or missing data), 6 the venue
failed, 70 an internal error. An expected failure prints one line on stderr and no traceback; ``predator
--debug`` (or ``PREDATOR_DEBUG=1``) adds the traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from predator import correlation, redaction, seams
from predator.cli import exits


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get("PREDATOR_DEBUG", "") not in ("", "0")


def _log_internal(exc: BaseException) -> None:
    """Append an internal error's (redacted) traceback to the log, one JSON line. It never raises: when the log
    cannot be written, it says so on stderr (the operator then reruns with ``--debug``)."""
    import json
    from pathlib import Path

    from predator import config

    try:
        path = Path(os.environ.get("PREDATOR_LOG") or (config.home() / "logs" / "predator.jsonl"))
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"event": "internal_error", "level": "error", "timestamp": seams.wall_now().isoformat(),
                "command": " ".join(sys.argv[1:]), "exception": "".join(traceback.format_exception(exc))}
        with path.open("a") as f:
            f.write(redaction.redact(json.dumps(line, sort_keys=True)) + "\n")
    except Exception as e:  # noqa: BLE001 - reporting a bug must not raise another, but must not go quiet
        click.echo(f"warning: the traceback could not be written to the log ({type(e).__name__}: "
                   f"{redaction.redact(str(e))}); rerun with predator --debug to see it", err=True)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | COMMANDS.keys())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"predator.cli.{module}")  # registers its commands on main
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - every failure ends in one line and an exit code
            failure = exits.classify(e)
            if failure is None:
                failure = exits.internal(e)
                _log_internal(e)
            if _debug(ctx):
                click.echo(redaction.redact("".join(traceback.format_exception(e))).rstrip(), err=True)
            click.echo(f"error: {redaction.redact(failure.message)}", err=True)
            sys.exit(failure.code)


@click.group(cls=_Group)
@click.version_option(package_name="predator")
@click.option("--debug", is_flag=True, help="Print the traceback of a failure (also PREDATOR_DEBUG=1).")
def main(debug: bool) -> None:
    """Predator: a database-enforced trading core for crypto spot markets.

    Exit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 database unreachable, 4 refused by the
    database, 5 not found, 6 venue failed, 70 internal error (docs/cli.md). Logs: PREDATOR_LOG or
    PREDATOR_HOME/logs/predator.jsonl."""
    # One correlation id per command (PREDATOR_CORRELATION_ID when well-formed): on its log lines and, through
    # every database session it opens, on its audit rows (predator.correlation).
    correlation.bind(correlation.accept(os.environ.get(correlation.ENV)))


# The top-level commands and the module of ``predator.cli`` that defines each. A command's module is imported only
# when that command is looked up (to run it, or to list it in ``--help``), so ``predator paper`` does not import ccxt,
# alembic, SQLAlchemy and LightGBM first (about 1.5 s of every run; docs/performance.md). click has no lazy group of
# its own; tests/unit/test_cli_commands.py keeps this table equal to what the modules register.
COMMANDS: dict[str, str] = {
    "approval": "approvals", "audit": "audit", "backup": "backup", "breaker": "safety", "chaos": "chaos",
    "check-strategy": "trading", "data": "data", "db": "db", "demo": "trading", "drill": "standby",
    "emulate": "emulate", "halt": "safety", "incident": "safety", "incidents": "safety", "instruments": "instruments",
    "keys": "keys", "kill": "safety", "lanes": "lanes", "metrics": "alerts", "migrate": "db", "ml": "ml",
    "notify": "alerts", "pair-shadow": "safety", "paper": "trading", "replay": "trading", "report": "trading",
    "restore": "backup", "resume": "safety", "retention": "retention", "run": "trading", "safe-mode": "approvals",
    "scenario": "scenario", "serve": "console", "sessions": "lanes", "standby": "standby", "sweep": "sweep",
    "treasury": "treasury", "validate": "gates", "verify": "gates",
}


def load_all() -> None:
    """Import every command module (each registers its commands on ``main``)."""
    for module in sorted(set(COMMANDS.values())):
        importlib.import_module(f"predator.cli.{module}")
