"""The container starts (issue 12 item 8): the image creates and owns PREDATOR_HOME, runs as an unprivileged
user, and the compose file loads the candles of every symbol its worker trades.

Without an engine: the Dockerfile is read (its final USER, ENV PREDATOR_HOME, the user it creates and the
mkdir/chown of PREDATOR_HOME and its logs), that layout is made in a fresh temporary directory owned as the
image owns it, and the image's entrypoint (docker/entrypoint.sh) runs there as an unprivileged user
(``runuser -u nobody`` when the tests run as root; skipped otherwise): it starts ``predator --help`` and
the worker's first write (the log file), and refuses a PREDATOR_HOME it cannot write with a clear message
instead of a PermissionError. With a Docker engine that already holds the base image (no network pull in a
test), the image is built and started on a fresh volume.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from predator import config

ROOT = config.PROJECT_ROOT
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
UNPRIVILEGED = "nobody"   # stands in for the image's `predator` user, which this machine does not have


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in (ROOT / "Dockerfile").read_text().splitlines()
                                         if not line.lstrip().startswith("#")))
    out = []
    for line in text.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(args.split())))
    return out


def env_of(instructions: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in instructions:
        if keyword == "ENV":
            for item in shlex.split(args):
                name, _, value = item.partition("=")
                env[name] = value
    return env


def test_the_dockerfile_creates_and_hands_over_predator_home_to_an_unprivileged_user() -> None:
    instructions = dockerfile()
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users, "the image runs as root: no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0", "nobody", "65534"}, f"the image runs as {user}"

    home = env_of(instructions).get("PREDATOR_HOME")
    assert home == "/var/lib/predator"
    runs = " && ".join(args for keyword, args in instructions if keyword == "RUN")
    assert re.search(rf"useradd [^&]*--home-dir {home}\b[^&]* {user}\b", runs), f"no user {user} with home {home}"
    assert f"mkdir -p {home}/logs" in runs, "PREDATOR_HOME/logs is not created"
    assert re.search(rf"chown -R {user}:{user} {home}\b", runs), "PREDATOR_HOME is not handed to the user"
    user_at = max(i for i, (k, _) in enumerate(instructions) if k == "USER")
    chown_at = max(i for i, (k, a) in enumerate(instructions) if k == "RUN" and "chown" in a)
    assert chown_at < user_at, "the chown must run as root, before USER"

    entry = [args for keyword, args in instructions if keyword == "ENTRYPOINT"][-1]
    assert entry == '["predator-entrypoint"]'
    assert any(k == "COPY" and a.endswith("docker/entrypoint.sh /usr/local/bin/predator-entrypoint")
               for k, a in instructions)
    assert os.access(ENTRYPOINT, os.X_OK)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_loads_the_candles_of_every_symbol_the_worker_trades() -> None:
    services = compose()["services"]
    worker, load = services["worker"], services["load"]
    assert worker["depends_on"]["load"] == {"condition": "service_completed_successfully"}
    assert load["command"] == ["load-candles"]
    assert "$$PREDATOR_SYMBOLS" in " ".join(worker["command"]), "the worker must trade PREDATOR_SYMBOLS"
    assert worker["environment"]["PREDATOR_SYMBOLS"] == load["environment"]["PREDATOR_SYMBOLS"]
    assert set(worker["environment"]["PREDATOR_SYMBOLS"].split(",")) >= {"BTC/USDT", "ETH/USDT"}
    for service in (worker, load):
        assert "user" not in service, "a user: override would not own PREDATOR_HOME (the image's user does)"
        assert "worker:/var/lib/predator" in service["volumes"]

    # the files the entrypoint loads are the shared data's candles of exactly those symbols
    env = {**os.environ, **load["environment"], "PREDATOR_DATA": str(config.data_dir()),
           "PREDATOR_HOME": str(config.home())}
    files = subprocess.run([str(ENTRYPOINT), "candle-files"], env=env, capture_output=True, text=True, check=True)
    paths = [Path(p) for p in files.stdout.split()]
    assert [p.name for p in paths] == ["binance_BTC-USDT_1h.csv.gz", "binance_ETH-USDT_1h.csv.gz"]
    assert all(p.is_file() for p in paths), paths


@pytest.fixture()
def image_home() -> Iterator[Path]:
    """A fresh PREDATOR_HOME laid out as the Dockerfile lays it out (home/logs, owned by the unprivileged
    user, 0750), in a directory that user can reach (pytest's own tmp_path is root's, mode 0700)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("running the entrypoint as another user needs root and runuser")
    parent = Path(tempfile.mkdtemp(prefix="predator-image-"))
    try:
        parent.chmod(0o755)
        home = parent / "var-lib-predator"
        (home / "logs").mkdir(parents=True)
        nobody = pwd.getpwnam(UNPRIVILEGED)
        for path in (home, home / "logs"):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        home.chmod(0o750)
        yield home
    finally:
        shutil.rmtree(parent)


def _runs_as_unprivileged(*command: str) -> bool:
    return subprocess.run(["runuser", "-u", UNPRIVILEGED, "--", *command], capture_output=True,
                          check=False).returncode == 0


def image_path(home: Path) -> list[str]:
    """``PATH=…`` (and ``PYTHONPATH=…``) giving the unprivileged user ``python`` and ``predator`` as the
    image installs them: this interpreter's when that user may run it; else (an interpreter under root's
    home, e.g. pyenv) a system Python of the same version, with a ``predator`` script like pip's, over this
    environment's packages and the checkout. Skips when neither exists."""
    if _runs_as_unprivileged(sys.executable, "-c", "pass"):
        return [f"PATH={Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin")
    if system is None or not _runs_as_unprivileged(system, "-c", "pass"):
        pytest.skip(f"no {version} the user {UNPRIVILEGED} may run (this one is {sys.executable})")
    shims = home.parent / "bin"
    if not shims.exists():
        shims.mkdir()
        (shims / "python").symlink_to(system)
        (shims / "predator").write_text(f"#!{system}\nimport sys\nfrom predator.cli import main\n"   # as pip does
                                        "sys.argv[0] = 'predator'\nsys.exit(main())\n")
        (shims / "predator").chmod(0o755)
    packages = sysconfig.get_paths()["purelib"]
    return [f"PATH={shims}:/usr/local/bin:/usr/bin:/bin", f"PYTHONPATH={ROOT}:{packages}"]


def as_unprivileged(home: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """The image's entrypoint with ``command`` as the unprivileged user, with the image's environment."""
    env = ["env", "-i", *image_path(home), f"PREDATOR_HOME={home}", f"HOME={home}", "PYTHONDONTWRITEBYTECODE=1"]
    return subprocess.run(["runuser", "-u", UNPRIVILEGED, "--", *env, str(ENTRYPOINT), *command],
                          capture_output=True, text=True, check=False, timeout=120)


def test_the_entrypoint_starts_as_an_unprivileged_user_in_a_fresh_predator_home(image_home: Path) -> None:
    started = as_unprivileged(image_home, "predator", "--help")
    assert started.returncode == 0, started.stderr
    assert "Usage: predator" in started.stdout
    assert "PermissionError" not in started.stderr

    # the worker's first write: its log file under PREDATOR_HOME/logs (the PermissionError of issue 12)
    logged = as_unprivileged(image_home, "python", "-c",
                             "from predator.logs import configure_logging; print(configure_logging())")
    assert logged.returncode == 0, logged.stderr
    log = Path(logged.stdout.strip())
    assert log == image_home / "logs" / "predator.jsonl" and log.exists()
    assert log.stat().st_uid == pwd.getpwnam(UNPRIVILEGED).pw_uid


def test_the_entrypoint_refuses_a_predator_home_it_cannot_write(image_home: Path) -> None:
    os.chown(image_home, 0, 0)   # e.g. an old volume, or a bind mount owned by someone else
    os.chown(image_home / "logs", 0, 0)
    image_home.chmod(0o755)
    refused = as_unprivileged(image_home, "predator", "--help")
    assert refused.returncode == 78
    assert f"PREDATOR_HOME={image_home} must be a directory writable by uid" in refused.stderr
    assert "Traceback" not in refused.stderr and "PermissionError" not in refused.stderr


def _engine() -> str | None:
    """None when a Docker engine answers and holds the base image, else why the image cannot be built here."""
    docker = shutil.which("docker")
    if docker is None:
        return "no docker client on this machine"
    probe = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                           timeout=20, check=False)
    if probe.returncode != 0 or not probe.stdout.strip():
        return "no Docker engine answers (docker info failed)"
    base = next(a for k, a in dockerfile() if k == "FROM")
    if subprocess.run([docker, "image", "inspect", base], capture_output=True, check=False).returncode != 0:
        return f"the base image {base} is not present (tests pull nothing: docker pull {base} first)"
    return None


def test_the_image_builds_and_starts_on_a_fresh_volume() -> None:
    reason = _engine()
    if reason:
        pytest.skip(reason)
    tag, volume = f"predator-test:{uuid.uuid4().hex[:8]}", f"predator-test-{uuid.uuid4().hex[:8]}"
    build = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr[-4000:]
    try:
        user = subprocess.run(["docker", "run", "--rm", tag, "id", "-un"], capture_output=True, text=True, check=False)
        assert user.stdout.strip() == "predator", user.stderr
        started = subprocess.run(["docker", "run", "--rm", "-v", f"{volume}:/var/lib/predator", tag, "python", "-c",
                                  "from predator.logs import configure_logging; print(configure_logging())"],
                                 capture_output=True, text=True, check=False)
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip() == "/var/lib/predator/logs/predator.jsonl"
    finally:
        subprocess.run(["docker", "volume", "rm", "-f", volume], capture_output=True, check=False)
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, check=False)
