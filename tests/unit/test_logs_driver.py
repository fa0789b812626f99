"""A library's warning does not reach the worker's stderr (tests/acceptance/test_durability.py expects exactly one
line there when the connection is lost), and is not lost either: psycopg's warnings go to the log file as JSON
lines. In a process of its own, so that the logging set-up is the CLI's, from scratch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from predator.config import PROJECT_ROOT

# What psycopg logs when a pipeline cannot be closed while the error of its block is propagating
# (psycopg/_pipeline.py, Pipeline.__exit__), with the server's multi-line message.
EMIT = (
    "import logging\n"
    "from predator import logs\n"
    "logs.configure_logging()\n"
    "logging.getLogger('psycopg').warning('error ignored terminating %r: %s', '<psycopg.Pipeline [BAD]>',\n"
    "    'consuming input failed: server closed the connection unexpectedly\\n\\tThis probably means the server'\n"
    "    ' terminated abnormally\\n\\tbefore or while processing the request.')\n"
)


def test_psycopg_warnings_go_to_the_log_file_as_json_not_to_stderr(tmp_path: Path) -> None:
    log = tmp_path / "predator.jsonl"
    done = subprocess.run([sys.executable, "-c", EMIT], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PREDATOR_LOG=str(log)), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = log.read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["logger"] == "psycopg" and record["level"] == "warning"
    assert record["event"].startswith("error ignored terminating '<psycopg.Pipeline [BAD]>': consuming input failed")
    assert "before or while processing the request." in record["event"]
    assert record["timestamp"].endswith("Z")
