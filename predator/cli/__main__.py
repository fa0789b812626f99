"""``python -m predator.cli`` = the ``predator`` command."""

from predator.cli import main

main()
