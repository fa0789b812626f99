"""The peers' virtual environment, ``.predator/peers-venv`` (never the project's ``.venv``).

``ensure("backtesting")`` installs backtesting.py and its dependencies from ``requirements-backtesting.txt``;
``ensure("freqtrade")`` installs the full pinned set of ``requirements-freqtrade.txt`` (freqtrade, TA-Lib's
self-contained wheel, backtesting.py). Both pin the same versions, so the small set is a subset of the big
one. A stamp file per set records the hash of the requirements it installed; a file lock serialises
concurrent set-ups (the test suite runs in parallel).

Usage: ``python bench/peers/setup_env.py [backtesting|freqtrade]``.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import venv as _venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import VENV  # noqa: E402

HERE = Path(__file__).resolve().parent
SETS = {"backtesting": HERE / "requirements-backtesting.txt", "freqtrade": HERE / "requirements-freqtrade.txt"}


def python() -> Path:
    return VENV / "bin" / "python"


def _stamp(kind: str) -> tuple[Path, str]:
    return VENV / f".installed-{kind}", hashlib.sha256(SETS[kind].read_bytes()).hexdigest()


def is_ready(kind: str) -> bool:
    stamp, digest = _stamp(kind)
    if kind == "backtesting" and is_ready("freqtrade"):
        return True
    return python().exists() and stamp.exists() and stamp.read_text().strip() == digest


def ensure(kind: str = "freqtrade", quiet: bool = True) -> Path:
    """Create the venv and install the pinned set ``kind`` when missing or changed; returns its python."""
    if kind not in SETS:
        raise ValueError(f"unknown set {kind!r}: {', '.join(SETS)}")
    if is_ready(kind):
        return python()
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "peers-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_ready(kind):
            return python()
        if not python().exists():
            print(f"peers: creating {VENV}", file=sys.stderr, flush=True)
            _venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        print(f"peers: installing {SETS[kind].name} into {VENV} (a minute or two)", file=sys.stderr, flush=True)
        cmd = [str(python()), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(SETS[kind])]
        if quiet:
            cmd.insert(4, "-q")
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            tail = "\n".join(line for line in done.stdout.splitlines() if "is ignored" not in line)[-4000:]
            raise RuntimeError(f"pip install -r {SETS[kind]} failed:\n{tail}")
        stamp, digest = _stamp(kind)
        stamp.write_text(digest + "\n")
    return python()


if __name__ == "__main__":
    print(ensure(sys.argv[1] if len(sys.argv) > 1 else "freqtrade", quiet=False))
