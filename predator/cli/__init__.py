"""The ``predator`` command. One module per command group; each registers its commands on :data:`main`.

Exit codes: 0 success, 1 a check failed (validation, verification, replay parity), 2 bad usage or a
refusal by the database (the message carries its SQLSTATE).
"""

from __future__ import annotations

import sys

import click

from predator import errors, redaction


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except errors.PredatorError as e:
            click.echo(f"error: {redaction.redact(str(e))}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="predator")
def main() -> None:
    """Predator: a database-enforced trading core for crypto spot markets."""


from predator.cli import db as _db  # noqa: E402,F401  (registers commands)

for _module in ("gates", "data", "trading", "safety", "emulate", "keys"):
    try:
        __import__(f"predator.cli.{_module}")
    except ModuleNotFoundError as _e:  # a command group not built yet
        if _e.name != f"predator.cli.{_module}":
            raise
