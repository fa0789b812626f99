"""The CLI's table of top-level commands (``predator.cli.COMMANDS``): each command's module is imported only when the
command is looked up, so the table must name every command the modules register, and the module that defines it."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

import predator.cli as cli


def test_the_table_names_every_registered_command_and_its_module() -> None:
    cli.load_all()
    assert set(cli.main.commands) == set(cli.COMMANDS)
    for name, module in cli.COMMANDS.items():
        command = cli.main.commands[name]
        assert command.callback is not None, name
        assert command.callback.__module__ == f"predator.cli.{module}", name


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli.main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()}
    assert listed == set(cli.COMMANDS)


def test_a_command_imports_only_its_own_module() -> None:
    """In a fresh interpreter, ``predator paper --help`` loads the trading commands and none of the heavy libraries
    other commands need (ccxt for venues and data sync, alembic for migrations, LightGBM for the model lane)."""
    probe = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from predator.cli import main\n"
        "r = CliRunner().invoke(main, ['paper', '--help'])\n"
        "print(json.dumps({'code': r.exit_code, 'usage': r.output.splitlines()[0] if r.output else '',\n"
        "                  'cli': sorted(m for m in sys.modules if m.startswith('predator.cli.')),\n"
        "                  'heavy': sorted(m for m in ('ccxt', 'alembic', 'lightgbm', 'sqlalchemy')\n"
        "                                  if m in sys.modules)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0 and seen["usage"].startswith("Usage: main paper"), seen
    assert seen["heavy"] == [], seen
    assert "predator.cli.trading" in seen["cli"] and "predator.cli.ml" not in seen["cli"], seen
