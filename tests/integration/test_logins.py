"""Least-privilege logins (issue 9, problem 2): every component logs in as its own login role with the
generated password of ``PREDATOR_HOME/secrets/pgpass``, and no login can reach the owner or a superuser.

* each login role logs in with its passfile credentials (no password in the DSN), and ``SET ROLE`` to the
  owner or to any superuser, ``SET SESSION AUTHORIZATION`` to a superuser, ``RESET ROLE`` and
  ``SET ROLE NONE`` all leave it what it is (refusals asserted by SQLSTATE 42501);
* the membership graph from each login role (pg_auth_members, recursively) reaches no superuser, no owner
  and no role that may create roles or databases, replicate or bypass row security;
* the group roles cannot log in;
* the embedded cluster's pg_hba.conf trusts nobody, and a wrong password is refused over its socket (28P01);
* ``predator db url --role worker`` prints a DSN that connects as the worker login;
* provisioning is idempotent and safe when several processes run it at once;
* docker-compose.yml holds no literal password.
"""

from __future__ import annotations

import os
import pwd
import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from predator import config
from predator.cli import main
from predator.db import cluster, logins
from predator.db.connection import Target

ROLES = ("worker", "operator", "auditor", "notifier")
GROUP = {"worker": "predator_worker", "operator": "predator_operator", "auditor": "predator_auditor",
         "notifier": "predator_notifier"}


def _superusers(target: Target) -> list[str]:
    with psycopg.connect(target.dsn) as conn:
        return [r[0] for r in conn.execute("SELECT rolname::text FROM pg_roles WHERE rolsuper ORDER BY 1")]


def _who(conn: psycopg.Connection) -> tuple[str, str, str]:
    row = conn.execute("SELECT current_user::text, session_user::text, current_setting('is_superuser')").fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def _refused(conn: psycopg.Connection, statement: sql.Composable | str) -> str | None:
    """Run ``statement`` (autocommit); the SQLSTATE it was refused with, or None when it went through."""
    try:
        conn.execute(statement)  # type: ignore[arg-type]
    except psycopg.Error as e:
        return e.sqlstate
    return None


#: libpq reports no SQLSTATE for a refused connection (the server's FATAL arrives before a session exists and
#: psycopg sees only the message), so a refusal is told by PostgreSQL's own message for each SQLSTATE (the
#: embedded cluster runs with lc_messages = 'C'; so does the usual PREDATOR_TEST_DSN server).
_LOGIN_REFUSALS = {
    "28P01": re.compile(r'FATAL:  password authentication failed for user "'),
    "28000": re.compile(r'FATAL:  (role ".*" is not permitted to log in|Peer authentication failed|'
                        r'no pg_hba.conf entry)'),
}


def _login_refusal(dsn: str) -> str:
    """Try to connect with ``dsn``; the SQLSTATE of the refusal (fails the test when it connects)."""
    try:
        psycopg.connect(dsn).close()
    except psycopg.OperationalError as e:
        text = str(e)
        return next((code for code, pattern in _LOGIN_REFUSALS.items() if pattern.search(text)), f"other: {text}")
    pytest.fail(f"connected: {dsn}")


@pytest.mark.parametrize("role", ROLES)
def test_login_role_connects_with_its_passfile_and_no_password_in_the_dsn(db: Target, role: str) -> None:
    dsn = db.role_dsn(role)  # type: ignore[arg-type]
    params = conninfo_to_dict(dsn)
    assert "password" not in params
    assert params["user"] == logins.LOGINS[role]  # type: ignore[index]
    own = logins.role_passfile_path(logins.LOGINS[role])  # type: ignore[index]
    assert params["passfile"] == str(own)
    # The login's own passfile names that login alone: a component holds no other login's password.
    assert {e.user for e in logins.read_passfile(own)} == {logins.LOGINS[role]}  # type: ignore[index]
    assert stat.S_IMODE(own.stat().st_mode) == 0o600
    assert "role=" not in str(params.get("options", ""))
    with db.connect(role) as conn:  # type: ignore[arg-type]
        assert _who(conn) == (logins.LOGINS[role], logins.LOGINS[role], "off")  # type: ignore[index]
        member = conn.execute("SELECT pg_has_role(current_user, %s, 'USAGE')", (GROUP[role],)).fetchone()
        assert member == (True,), f"{logins.LOGINS[role]} does not use {GROUP[role]}'s privileges"  # type: ignore[index]


@pytest.mark.parametrize("role", ROLES)
def test_login_role_cannot_become_the_owner_or_a_superuser(db: Target, role: str) -> None:
    login = logins.LOGINS[role]  # type: ignore[index]
    superusers = _superusers(db)
    assert superusers, "the server has no superuser to try"
    with db.connect(role, autocommit=True) as conn:  # type: ignore[arg-type]
        attempts: list[sql.Composable | str] = [sql.SQL("SET ROLE {}").format(sql.Identifier("predator_owner"))]
        for su in superusers:
            attempts.append(sql.SQL("SET ROLE {}").format(sql.Identifier(su)))
            attempts.append(sql.SQL("SET SESSION AUTHORIZATION {}").format(sql.Identifier(su)))
        attempts.append(sql.SQL("SET SESSION AUTHORIZATION {}").format(sql.Identifier("predator_owner")))
        for statement in attempts:
            assert _refused(conn, statement) == "42501", f"{login}: {statement!r} was not refused with 42501"
            assert _who(conn) == (login, login, "off")
        # Going back to "no role" lands on the login role itself, never on anyone more powerful.
        for statement in ("RESET ROLE", "SET ROLE NONE", "RESET SESSION AUTHORIZATION",
                          "SET SESSION AUTHORIZATION DEFAULT"):
            assert _refused(conn, statement) is None
            assert _who(conn) == (login, login, "off"), f"{login}: {statement} changed who the session is"
        # Its own group role is the only one it may take, and that is no more than it already has.
        assert _refused(conn, sql.SQL("SET ROLE {}").format(sql.Identifier(GROUP[role]))) is None
        assert _who(conn) == (GROUP[role], login, "off")
        assert _refused(conn, "SET ROLE predator_owner") == "42501"


_REACH = """
WITH RECURSIVE reach(roleid, path) AS (
    SELECT oid, ARRAY[rolname::text] FROM pg_roles WHERE rolname = %s
    UNION
    SELECT m.roleid, reach.path || m.roleid::regrole::text
      FROM reach JOIN pg_auth_members m ON m.member = reach.roleid)
SELECT r.rolname::text, reach.path, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls
  FROM reach JOIN pg_roles r ON r.oid = reach.roleid
"""


@pytest.mark.parametrize("role", ROLES)
def test_membership_graph_from_each_login_reaches_no_privileged_role(db: Target, role: str) -> None:
    login = logins.LOGINS[role]  # type: ignore[index]
    with psycopg.connect(db.dsn) as conn:
        rows = conn.execute(_REACH, (login,)).fetchall()
    reached = {r[0] for r in rows}
    assert GROUP[role] in reached
    bad = [(name, path) for name, path, *flags in rows if name == "predator_owner" or any(flags)]
    assert bad == [], f"{login} reaches a privileged role: {bad}"
    expected = {login, GROUP[role]} | ({"predator_worker"} if role == "operator" else set())
    assert reached == expected


def test_group_roles_and_the_owner_cannot_log_in(db: Target) -> None:
    with psycopg.connect(db.dsn) as conn:
        rows = dict(conn.execute("SELECT rolname::text, rolcanlogin FROM pg_roles WHERE rolname = ANY (%s)",
                                 ([*GROUP.values(), "predator_owner", *logins.LOGINS.values()],)).fetchall())
    assert rows == {**dict.fromkeys([*GROUP.values(), "predator_owner"], False),
                    **dict.fromkeys(logins.LOGINS.values(), True)}
    for group in GROUP.values():
        refusal = _login_refusal(make_conninfo(db.dsn, user=group, password="anything", passfile="/nonexistent"))
        assert refusal in ("28000", "28P01"), f"{group}: {refusal}"


def test_embedded_hba_trusts_nobody_and_refuses_a_wrong_password(db: Target) -> None:
    if not db.embedded:
        pytest.skip("the server is PREDATOR_TEST_DSN/PREDATOR_DSN: its pg_hba.conf is not Predator's")
    lay = cluster.layout()
    rules = [line.split() for line in (lay.pgdata / "pg_hba.conf").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert rules and all("trust" not in rule for rule in rules), rules
    assert ["local", "all", "postgres", "peer", "map=predator"] in rules
    assert all(rule[-1] in ("scram-sha-256", "reject") for rule in rules if rule[0] == "host")
    # The running server applies the file: a wrong password over the socket is refused ...
    assert _login_refusal(make_conninfo(db.role_dsn("worker"), password="not-the-password")) == "28P01"
    # ... the peer map names only the OS user running Predator and the server's, and the owner has no
    # password to log in with.
    ident = (lay.pgdata / "pg_ident.conf").read_text()
    assert set(re.findall(r"^predator\s+(\S+)\s+postgres$", ident, re.M)) == set(cluster.superuser_os_users(lay.run_as))
    assert _login_refusal(make_conninfo(db.dsn, user="predator_owner", password="x", passfile="/nonexistent")) \
        == "28P01"


def test_predator_db_url_prints_the_worker_logins_dsn(db: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    monkeypatch.delenv("PREDATOR_WORKER_DSN", raising=False)
    result = CliRunner().invoke(main, ["db", "url", "--role", "worker"])
    assert result.exit_code == 0, result.output
    dsn = result.output.strip()
    assert "password" not in conninfo_to_dict(dsn)
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT current_user::text, current_database()::text").fetchone()
    assert row == ("predator_worker_login", db.dbname)


def test_operator_actions_are_recorded_under_the_operators_login(db: Target) -> None:
    with db.connect("operator") as conn, conn.transaction():
        conn.execute("SELECT api.halt('test: who halts')")
    with db.connect("auditor") as conn:
        row = conn.execute("SELECT actor FROM ops.audit_log WHERE action = 'halt' ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("predator_operator_login",)


def test_passfile_is_private_and_matches_the_server(db: Target) -> None:
    path = logins.passfile_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with psycopg.connect(db.dsn) as conn:
        verifiers = dict(conn.execute("SELECT rolname::text, rolpassword FROM pg_authid WHERE rolname = ANY (%s)",
                                      (list(logins.LOGINS.values()),)).fetchall())
        host, port = conn.info.host, str(conn.info.port)
    entries = {e.user: e.password for e in logins.read_passfile() if e.host == host and e.port == port}
    for login in logins.LOGINS.values():
        assert verifiers[login].startswith("SCRAM-SHA-256$"), f"{login}: not a SCRAM verifier"
        assert logins.scram_matches(verifiers[login], entries[login]), f"{login}: passfile and server differ"
        assert not logins.scram_matches(verifiers[login], entries[login] + "x")


def test_provisioning_is_idempotent_under_concurrent_callers(db: Target) -> None:
    before = logins.passfile_path().read_text()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: logins.provision_logins(db.dsn), range(8)))
    assert all(r.roles == tuple(logins.LOGINS.values()) for r in results)
    assert all(r.generated == () and r.set_on_server == () for r in results), "an existing password was rotated"
    assert logins.passfile_path().read_text() == before
    with db.connect("worker") as conn:
        assert _who(conn)[0] == "predator_worker_login"


def test_compose_file_holds_no_literal_password() -> None:
    text = (config.PROJECT_ROOT / "docker-compose.yml").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"password\s*=\s*\S", body, re.I), "a DSN in docker-compose.yml carries a password"
    assert not re.search(r"^\s*POSTGRES_PASSWORD\s*:", body, re.M), "POSTGRES_PASSWORD is a literal"
    assert "POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password" in body
    assert "-c role=" not in body and "user=postgres password" not in body
    for secret in ("postgres_password", "admin.pgpass", "predator_worker_login.pgpass",
                   "predator_operator_login.pgpass"):
        assert f"/secrets/{secret}\n" in body
    # The worker container gets its own login's passfile and the operator's (account set-up), nothing else.
    assert "/secrets/pgpass\n" not in body and "predator_auditor_login" not in body


def test_db_secrets_generates_the_compose_admin_secret_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREDATOR_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["db", "secrets"])
    assert result.exit_code == 0, result.output
    d = tmp_path / "home" / "secrets"
    password = (d / "postgres_password").read_text().strip()
    assert len(password) >= 40
    assert logins.read_passfile(d / "admin.pgpass") == [logins.PassEntry("*", "*", "*", "postgres", password)]
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert {stat.S_IMODE((d / f).stat().st_mode) for f in ("postgres_password", "admin.pgpass")} == {0o600}
    assert CliRunner().invoke(main, ["db", "secrets"]).exit_code == 0
    assert (d / "postgres_password").read_text().strip() == password, "a second run rotated the password"


def test_peer_map_names_the_os_user_running_predator_and_the_servers() -> None:
    me = pwd.getpwuid(os.geteuid()).pw_name
    assert cluster.superuser_os_users(None) == [me]            # an ordinary user runs the server itself
    assert cluster.superuser_os_users("postgres") == ([me, "postgres"] if me != "postgres" else [me])
    assert f"predator   {me}   postgres\n" in cluster.ident_conf(None)


def test_passfile_fields_with_colons_and_backslashes_round_trip(tmp_path: Path) -> None:
    entry = logins.PassEntry("/a:b\\c", "5432", "*", "predator_worker_login", "p:w\\d")
    (tmp_path / "pgpass").write_text("# comment\n" + entry.line() + "\n")
    assert logins.read_passfile(tmp_path / "pgpass") == [entry]


def test_provisioning_reuses_a_password_the_server_accepts_from_another_address(
        db: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with psycopg.connect(db.dsn) as conn:
        host, port = conn.info.host, str(conn.info.port)
    known = {e.user: e.password for e in logins.read_passfile() if e.host == host and e.port == port}
    monkeypatch.setenv("PREDATOR_HOME", str(tmp_path / "home"))
    logins.ensure_secrets_dir()
    logins.passfile_path().write_text("".join(logins.PassEntry("elsewhere", "1", "*", user, pw).line() + "\n"
                                              for user, pw in known.items()))
    done = logins.provision_logins(db.dsn, also=[("127.0.0.1", 55999)])
    assert done.generated == () and done.set_on_server == (), "a password the server accepts was replaced"
    entries = logins.read_passfile()
    for user, pw in known.items():
        assert logins.PassEntry(host, port, "*", user, pw) in entries
        assert logins.PassEntry("127.0.0.1", "55999", "*", user, pw) in entries
    assert stat.S_IMODE(logins.passfile_path().stat().st_mode) == 0o600
