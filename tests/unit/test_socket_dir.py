"""Where the embedded cluster's server puts its unix socket (predator.db.cluster.socket_dir_for): beside its files
when the socket's path fits in a unix socket address, else in a short directory of /tmp, checked before use."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from predator.db import cluster
from predator.errors import ClusterError

SOCKET = "/.s.PGSQL.65535"  # the longest name the server gives its socket


def _base(length: int) -> Path:
    """A path of ``length`` bytes whose ``run`` directory is ``length + 4`` bytes long."""
    stem = "/tmp/predator-socket-test-"
    return Path(stem + "x" * (length - len(stem)))


def test_a_socket_beside_the_files_when_it_fits() -> None:
    fits = _base(cluster.SOCKET_PATH_MAX - len(SOCKET) - len("/run"))
    assert len(str(fits / "run") + SOCKET) == cluster.SOCKET_PATH_MAX
    assert cluster.socket_dir_for(fits) == fits / "run"
    assert cluster.socket_dir_for(Path("/home/u/.predator/pg")) == Path("/home/u/.predator/pg/run")


def test_a_short_directory_when_it_does_not() -> None:
    deep = _base(cluster.SOCKET_PATH_MAX - len(SOCKET) - len("/run") + 1)
    short = cluster.socket_dir_for(deep)
    assert short.parent == Path("/tmp") and short.name.startswith("predator-")
    assert len(str(short) + SOCKET) <= cluster.SOCKET_PATH_MAX
    assert cluster.socket_dir_for(deep) == short  # the same cluster finds the same socket
    assert cluster.socket_dir_for(Path(str(deep) + "y")) != short  # another cluster does not share it


@pytest.fixture
def deep_layout(tmp_path: Path) -> Iterator[cluster.Layout]:
    base = tmp_path / ("d" * 100) / "pg"
    lay = cluster.Layout(tmp_path, base / "pgdata", cluster.socket_dir_for(base), base / "postgres.log", None)
    assert cluster.detached_socket_dir(lay) == lay.socket_dir
    yield lay
    if lay.socket_dir.is_symlink() or lay.socket_dir.is_file():
        lay.socket_dir.unlink()
    else:
        shutil.rmtree(lay.socket_dir, ignore_errors=True)


def test_the_short_directory_is_made_private(deep_layout: cluster.Layout) -> None:
    cluster.prepare_dirs(deep_layout)
    st = os.lstat(deep_layout.socket_dir)
    assert st.st_uid == os.geteuid() and st.st_mode & 0o777 == 0o700


def test_a_link_in_its_place_is_refused(deep_layout: cluster.Layout, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    deep_layout.socket_dir.symlink_to(elsewhere)
    with pytest.raises(ClusterError, match="socket directory .* refused"):
        cluster.prepare_dirs(deep_layout)
    assert elsewhere.stat().st_mode & 0o777 == 0o755  # not chmodded through the link


def test_a_file_in_its_place_is_refused(deep_layout: cluster.Layout) -> None:
    deep_layout.socket_dir.write_text("")
    with pytest.raises((ClusterError, FileExistsError)):
        cluster.prepare_dirs(deep_layout)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a directory of another user's")
def test_another_users_directory_is_refused(deep_layout: cluster.Layout) -> None:
    import pwd

    deep_layout.socket_dir.mkdir(mode=0o777)
    nobody = pwd.getpwnam("nobody")
    os.chown(deep_layout.socket_dir, nobody.pw_uid, nobody.pw_gid)
    with pytest.raises(ClusterError, match="refused"):
        cluster.prepare_dirs(deep_layout)


def test_removing_a_cluster_removes_its_socket_directory_in_tmp(deep_layout: cluster.Layout, tmp_path: Path) -> None:
    cluster.prepare_dirs(deep_layout)
    data = deep_layout.pgdata.parent
    assert data.is_dir() and deep_layout.socket_dir.is_dir()
    # Under a home its caller removes whole, the data directory is left to it; the socket directory in /tmp is not.
    assert cluster.remove_files(deep_layout, keep_under=tmp_path) == (deep_layout.socket_dir,)
    assert data.is_dir() and not deep_layout.socket_dir.exists()
    cluster.prepare_dirs(deep_layout)
    assert cluster.remove_files(deep_layout) == (data, deep_layout.socket_dir)
    assert not data.exists() and not deep_layout.socket_dir.exists()
    assert cluster.remove_files(deep_layout) == ()  # nothing left: nothing removed


def test_removing_a_cluster_with_its_socket_beside_it(tmp_path: Path) -> None:
    base = tmp_path / "pg"
    lay = cluster.Layout(tmp_path, base / "pgdata", cluster.socket_dir_for(base), base / "postgres.log", None)
    cluster.prepare_dirs(lay)
    assert cluster.detached_socket_dir(lay) is None
    assert cluster.remove_files(lay) == (base,)
    assert not base.exists() and tmp_path.is_dir()
