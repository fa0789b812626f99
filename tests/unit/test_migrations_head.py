"""The head revision a command's readiness check compares its database with: alembic's answer, kept per migration
scripts' fingerprint so that the check does not import alembic (predator.db.migrate.head_revision)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from predator.config import PROJECT_ROOT
from predator.db import migrate


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREDATOR_HOME", str(tmp_path))
    return tmp_path


def test_head_is_alembics_and_is_kept_with_the_scripts_fingerprint(home: Path) -> None:
    cache = home / "cache" / "migrations-head"
    assert not cache.exists()
    head = migrate.head_revision()
    assert head == migrate.alembic_head_revision()
    assert cache.read_text().split() == [migrate.migrations_fingerprint(), head]


def test_a_cache_of_the_same_scripts_is_used(home: Path) -> None:
    migrate.head_revision()
    cache = home / "cache" / "migrations-head"
    cache.write_text(f"{migrate.migrations_fingerprint()} 9999\n")
    assert migrate.head_revision() == "9999"  # read from the cache, not from alembic


@pytest.mark.parametrize("content", ["0123abcd 9999\n", "", "garbage\n", "a b c\n"])
def test_a_stale_or_unreadable_cache_is_computed_again(home: Path, content: str) -> None:
    cache = home / "cache" / "migrations-head"
    cache.parent.mkdir(parents=True)
    cache.write_text(content)
    head = migrate.head_revision()
    assert head == migrate.alembic_head_revision()
    assert cache.read_text().split() == [migrate.migrations_fingerprint(), head]


def test_a_cache_that_cannot_be_written_is_only_not_kept(home: Path) -> None:
    (home / "cache").write_text("a file where the cache directory would be")
    assert migrate.head_revision() == migrate.alembic_head_revision()


def test_the_fingerprint_follows_every_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "versions"
    shutil.copytree(migrate.VERSIONS_DIR, copy)
    monkeypatch.setattr(migrate, "VERSIONS_DIR", copy)
    before = migrate.migrations_fingerprint()
    assert before == migrate.migrations_fingerprint()
    script = sorted(copy.glob("*.py"))[0]
    script.write_text(script.read_text() + "\n# changed\n")
    changed = migrate.migrations_fingerprint()
    assert changed != before
    (copy / "9999_new.py").write_text("revision = '9999'\n")
    assert migrate.migrations_fingerprint() not in (before, changed)


def test_the_readiness_check_does_not_import_alembic(home: Path) -> None:
    migrate.head_revision()  # the cache is warm
    code = ("import sys\n"
            "from predator.db import migrate\n"
            "migrate.head_revision()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'sqlalchemy')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT,
                          env={**os.environ, "PREDATOR_HOME": str(home)})
    assert done.stdout.strip() == "[]", done.stdout
