"""predator.source: the commit the code runs from, one definition for the audit export, the registry and the
benchmarks."""

from __future__ import annotations

import re
import subprocess

from predator import config, source


def test_commit_is_the_checkouts_head() -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    assert source.commit() == head
    assert re.fullmatch(r"[0-9a-f]{40}", head)
    assert source.label().startswith(head)
    short = source.label(short=True)
    assert head.startswith(short.split(" ")[0]) and len(short.split(" ")[0]) < 40
