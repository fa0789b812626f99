"""A definer never reads or reuses a relation its caller can create or alter (issue 9).

``api.load_candles`` used to read the caller's temporary table ``candle_stage``, and it and
``api.upsert_instruments`` created their work tables with ``CREATE TEMP TABLE IF NOT EXISTS``: a worker
could plant a temporary view, or a temporary table with a trigger, under those names and run its own code
as ``predator_owner``. Proven here, generally and not only for those two routines:

* no Predator role (every ``predator%`` role of the cluster, login roles added since included) may create
  a temporary table, view or function, whether its session is fresh or already has a temporary schema;
  the copies the tests and the tools make of a migrated database hold that too, and gate 15 names any role
  that may;
* every SECURITY DEFINER routine of the database, and every routine of the owner's schemas (a definer
  calls them as the owner), depends only on relations and routines of the owner's schemas or
  ``pg_catalog`` (plpgsql_check's ``plpgsql_show_dependency_tb`` for PL/pgSQL, the parsed body for SQL),
  never names ``pg_temp`` or creates a temporary object, and every definer pins its search_path; the
  checker is shown to catch each of those faults in planted routines;
* the two escalations of the issue, run as the worker exactly as the attacker would, fail at their first
  step, and trading.fill stays append-only and closed to the worker; the same objects planted by a
  superuser (who can still create them) are never touched by the routines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
import sqlglot
from click.testing import CliRunner
from psycopg import sql
from sqlglot import exp
from sqlglot.errors import SqlglotError

from predator import gates
from predator.cli import main
from predator.db import market_api, migrate
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import Book, build_book

#: The schemas the owner owns; with pg_catalog, the only places a definer may reach.
OWNER_SCHEMAS = ("market", "trading", "ledger", "risk", "portfolio", "ops", "ml", "api")
ALLOWED_SCHEMAS = frozenset((*OWNER_SCHEMAS, "pg_catalog"))
PINNED = "search_path=pg_catalog, pg_temp"
#: Routines that run dynamic SQL (which no static check can read), each reviewed: every name it builds is
#: schema-qualified (market.%I; regclass text under the pinned search_path). api.verify_book_chains (which
#: api.verify_chains calls for every book) builds its table names from ops.chained_tables() (a fixed list of
#: schema-qualified names) and its book filter from an integer argument. ops._validation_resume (reached from
#: api.validation_checkpoint and api.record_validation) takes its table names from ops.chained_tables() too,
#: its column from a fixed CASE (ts, hour, exit_ts; checked in pg_attribute), the book and seq as integers and
#: the range end as a quoted literal (%L). api.verify_book_chains_since is api.verify_book_chains with the
#: recorded heads' seq (a bigint) and hash (a quoted literal, %L) in its predicates. api.verify_anchors takes
#: its table names from ops.chained_tables() too (an input chain whose table is not listed is reported, never
#: queried) and passes the input heads to each query as a bound parameter ($1).
DYNAMIC_SQL_REVIEWED = frozenset({
    "api.verify_anchors(jsonb)",
    "market.ensure_partitions(timestamp with time zone,timestamp with time zone)",
    "api.verify_book_chains(integer)",
    "ops._validation_resume(integer)",
    "api.verify_book_chains_since(integer,bigint)",
})
_TEMP_IN_SOURCE = re.compile(r"\bpg_temp\b|\bTEMP(?:ORARY)?\s+(?:TABLE|VIEW|SEQUENCE)\b|\bON\s+COMMIT\s+DROP\b",
                             re.IGNORECASE)
_DYNAMIC_SQL = re.compile(r"\bEXECUTE\s+(?!FUNCTION\b|PROCEDURE\b)", re.IGNORECASE)
_LINE_COMMENT = re.compile(r"--[^\n]*")

#: Ways to create a temporary object; each must be refused with 42501 for every Predator role.
TEMP_STATEMENTS = (
    ("temp table", "CREATE TEMP TABLE probe_t (x int)"),
    ("temporary table", "CREATE TEMPORARY TABLE probe_t (x int)"),
    ("table in pg_temp", "CREATE TABLE pg_temp.probe_t (x int)"),
    ("temp table as select", "CREATE TEMP TABLE probe_t AS SELECT 1 AS x"),
    ("select into temp", "SELECT 1 AS x INTO TEMP probe_t"),
    ("temp view", "CREATE TEMP VIEW candle_stage AS SELECT 1::bigint AS line_no, 'x'::text AS raw"),
    ("temp sequence", "CREATE TEMP SEQUENCE probe_s"),
    ("function in pg_temp", "CREATE FUNCTION pg_temp.probe_f() RETURNS int LANGUAGE sql AS 'SELECT 1'"),
)


def _predator_roles(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'predator%' ORDER BY 1")]


def _sqlstate(conn: psycopg.Connection, statement: str) -> str:
    try:
        conn.execute(statement)
    except psycopg.Error as e:
        return e.sqlstate or "?"
    return "created"


# --- a. no role creates a temporary object ---------------------------------------------------------------

def test_every_predator_role_is_refused_every_kind_of_temporary_object(db: Target) -> None:
    with psycopg.connect(db.dsn, autocommit=True) as admin:
        roles = _predator_roles(admin)
    assert {"predator_owner", "predator_worker", "predator_operator", "predator_auditor"} <= set(roles)
    outcomes: dict[tuple[str, str, str], str] = {}
    for role in roles:
        for warm in (False, True):
            for what, statement in TEMP_STATEMENTS:
                with psycopg.connect(db.dsn, autocommit=True) as conn:
                    if warm:   # the session's temporary schema exists already (made by the superuser)
                        conn.execute("CREATE TEMP TABLE warm_up (x int)")
                    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
                    outcomes[(role, "warm" if warm else "fresh", what)] = _sqlstate(conn, statement)
    allowed = {k: v for k, v in outcomes.items() if v != "42501"}
    assert not allowed, f"temporary objects not refused with 42501: {allowed}"


@pytest.mark.parametrize("role", ["worker", "operator", "auditor"])
def test_a_login_as_each_role_is_refused_temporary_objects(db: Target, role: str) -> None:
    with db.connect(role, autocommit=True) as conn:  # type: ignore[arg-type]
        outcomes = {what: _sqlstate(conn, statement) for what, statement in TEMP_STATEMENTS}
    assert set(outcomes.values()) == {"42501"}, outcomes


def test_copies_of_a_migrated_database_keep_temporary_revoked(server: Target, template_db: Target) -> None:
    """CREATE DATABASE ... TEMPLATE copies no database privileges: a raw copy gives PUBLIC TEMPORARY back,
    which revoke_temporary takes again; the tests' copies and scratch databases are made that way."""
    public_temp = "SELECT has_database_privilege('public', current_database(), 'TEMPORARY')"
    raw = f"predator_rawcopy_{template_db.dbname[-10:]}"
    with psycopg.connect(server.with_dbname("postgres").dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(raw),
                                                                      sql.Identifier(template_db.dbname)))
        try:
            with psycopg.connect(server.with_dbname(raw).dsn) as conn:
                assert conn.execute(public_temp).fetchone() == (True,), "a raw copy was expected to get it back"
            migrate.revoke_temporary(admin, raw)
            with psycopg.connect(server.with_dbname(raw).dsn) as conn:
                assert conn.execute(public_temp).fetchone() == (False,)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(raw)))
    copy = create_database(server, template=template_db.dbname, prefix="predator_copy")
    try:
        with psycopg.connect(copy.dsn) as conn:
            assert conn.execute(public_temp).fetchone() == (False,)
    finally:
        drop_database(server, copy.dbname)
    with migrate.scratch_database(server, "predator_scratch_temp") as scratch, psycopg.connect(scratch.dsn) as conn:
        assert conn.execute(public_temp).fetchone() == (False,)


def _gate14(target: Target) -> gates.GateResult:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        return gates.run_gates(conn, [gates.VALIDATIONS_DIR / "15_no_temporary_privilege.sql"])[0]


def test_gate_14_names_every_role_that_may_create_temporary_objects(db: Target) -> None:
    assert _gate14(db).passed
    with psycopg.connect(db.dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT TEMPORARY ON DATABASE {} TO predator_worker").format(sql.Identifier(db.dbname)))
        holders = [r[0] for r in admin.execute(   # the worker, and the roles that inherit its privileges
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'predator%'"
            " AND pg_has_role(oid, 'predator_worker', 'USAGE') ORDER BY 1")]
    result = _gate14(db)
    assert "predator_operator" in holders
    assert result.error is None and [r[0] for r in result.rows] == holders
    with psycopg.connect(db.dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT TEMPORARY ON DATABASE {} TO PUBLIC").format(sql.Identifier(db.dbname)))
        roles = _predator_roles(admin)
    flagged = {r[0] for r in _gate14(db).rows}
    assert flagged == {"PUBLIC", *roles}
    outcome = CliRunner().invoke(main, ["validate", "--dsn", db.role_dsn("auditor")])
    assert outcome.exit_code == 1 and "15_no_temporary_privilege" in outcome.output.strip().splitlines()[-1]


# --- b. every definer reaches only the owner's schemas -------------------------------------------------

@dataclass(frozen=True)
class Routine:
    oid: int
    name: str
    language: str
    source: str
    config: list[str] | None
    definer: bool
    trigger_table: str | None


def _routines(conn: psycopg.Connection) -> list[Routine]:
    """Every SECURITY DEFINER routine of the database, and every routine of the owner's schemas (a definer
    calls those as the owner, with its pinned search_path)."""
    rows = conn.execute(
        "SELECT p.oid, p.oid::regprocedure::text, l.lanname, p.prosrc, p.proconfig, p.prosecdef,"
        "       (SELECT min(t.tgrelid::regclass::text) FROM pg_trigger t WHERE t.tgfoid = p.oid AND NOT t.tgisinternal)"
        "  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE p.prosecdef OR n.nspname = ANY (%s) ORDER BY 2", (list(OWNER_SCHEMAS),)).fetchall()
    return [Routine(*r) for r in rows]


def _sql_body_problems(r: Routine) -> list[str]:
    try:
        statements = [s for s in sqlglot.parse(r.source, read="postgres") if s is not None]
    except SqlglotError as e:
        return [f"{r.name}: its SQL body does not parse for the check ({e})"]
    problems: list[str] = []
    ctes = {cte.alias for s in statements for cte in s.find_all(exp.CTE)}
    for s in statements:
        for table in s.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier):
                continue   # a set-returning function in FROM (unnest, jsonb_each ...)
            if not table.db:
                if table.name not in ctes:
                    problems.append(f"{r.name}: unqualified relation {table.name} (resolved through the search_path)")
            elif table.db.lower() not in ALLOWED_SCHEMAS:
                problems.append(f"{r.name}: uses relation {table.db}.{table.name}")
        for func in s.find_all(exp.Anonymous):
            parent = func.parent
            if isinstance(parent, exp.Dot) and parent.expression is func:
                schema = parent.this.name.lower()
                if schema not in ALLOWED_SCHEMAS:
                    problems.append(f"{r.name}: calls {schema}.{func.name}()")
    return problems


def definer_problems(conn: psycopg.Connection) -> tuple[int, list[str]]:
    """(number of definers checked, every fault found). ``conn`` is a superuser's, in a transaction."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    routines = _routines(conn)
    problems: list[str] = []
    for r in routines:
        if r.definer and PINNED not in (r.config or []):
            problems.append(f"{r.name}: SECURITY DEFINER without SET {PINNED} (config {r.config})")
        body = _LINE_COMMENT.sub("", r.source)
        if _TEMP_IN_SOURCE.search(body):
            problems.append(f"{r.name}: its source names pg_temp or creates a temporary object")
        if _DYNAMIC_SQL.search(body) and r.language == "plpgsql" and r.name not in DYNAMIC_SQL_REVIEWED:
            problems.append(f"{r.name}: runs dynamic SQL that no static check can read (review it, then list it)")
        if r.language == "sql":
            problems += _sql_body_problems(r)
        elif r.language == "plpgsql":
            relid = r.trigger_table or "0"
            try:
                with conn.transaction():
                    deps = conn.execute("SELECT type, schema, name FROM plpgsql_show_dependency_tb("
                                        "%s::oid::regprocedure, %s::regclass)", (r.oid, relid)).fetchall()
                    errors = conn.execute(
                        "SELECT lineno, sqlstate, message FROM plpgsql_check_function_tb(%s::oid::regprocedure,"
                        " %s::regclass, fatal_errors => false) WHERE level = 'error'", (r.oid, relid)).fetchall()
            except psycopg.Error as e:
                problems.append(f"{r.name}: plpgsql_check failed on it ({e.sqlstate}: {e})")
                continue
            problems += [f"{r.name}: uses {kind.lower()} {schema}.{name}" for kind, schema, name in deps
                         if schema is None or schema.lower() not in ALLOWED_SCHEMAS]
            if r.definer:
                problems += [f"{r.name}: line {line}: {state} {message}" for line, state, message in errors]
        elif r.definer:
            problems.append(f"{r.name}: a definer in language {r.language}, which this check cannot read")
    return sum(1 for r in routines if r.definer), problems


def test_no_definer_reaches_outside_the_owner_schemas_or_pg_catalog(db: Target) -> None:
    with psycopg.connect(db.dsn) as conn:
        definers, problems = definer_problems(conn)
        names = {r.name for r in _routines(conn)}
    assert definers >= 30, "the api routines (and ledger's definer trigger) were expected among the definers"
    assert "api.load_candles(uuid,text,text,text,text,timestamp with time zone,integer)" in names
    assert names >= DYNAMIC_SQL_REVIEWED, "a reviewed dynamic-SQL routine is gone: update DYNAMIC_SQL_REVIEWED"
    assert not problems, "definers reach outside the owner's schemas:\n" + "\n".join(problems)


PLANTED = {
    "ops.bad_unqualified()": ("CREATE FUNCTION ops.bad_unqualified() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER"
                              " SET search_path = pg_catalog, pg_temp AS $$ BEGIN"
                              " RETURN (SELECT count(*) FROM candle_stage); END $$",
                              "uses relation pg_temp_"),
    "ops.bad_pg_temp()": ("CREATE FUNCTION ops.bad_pg_temp() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER"
                          " SET search_path = pg_catalog, pg_temp AS $$ BEGIN"
                          " RETURN (SELECT count(*) FROM pg_temp.candle_stage); END $$",
                          "names pg_temp"),
    "ops.bad_temp_table()": ("CREATE FUNCTION ops.bad_temp_table() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER"
                             " SET search_path = pg_catalog, pg_temp AS $$ BEGIN"
                             " CREATE TEMP TABLE IF NOT EXISTS _work (x int) ON COMMIT DROP;"
                             " RETURN (SELECT count(*) FROM _work); END $$",
                             "creates a temporary object"),
    "ops.bad_path()": ("CREATE FUNCTION ops.bad_path() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN"
                       " RETURN (SELECT count(*) FROM ops.incident); END $$",
                       "without SET search_path"),
    "ops.bad_sql()": ("CREATE FUNCTION ops.bad_sql() RETURNS bigint LANGUAGE sql SECURITY DEFINER"
                      " SET search_path = pg_catalog, pg_temp AS $$ SELECT count(*) FROM _instrument_in $$",
                      "unqualified relation _instrument_in"),
    "ops.bad_public()": ("CREATE FUNCTION ops.bad_public() RETURNS int LANGUAGE plpgsql SECURITY DEFINER"
                         " SET search_path = pg_catalog, pg_temp AS $$ BEGIN RETURN public.planted(); END $$",
                         "uses function public.planted"),
    "ops.bad_helper()": ("CREATE FUNCTION ops.bad_helper() RETURNS bigint LANGUAGE sql"
                         " AS $$ SELECT count(*) FROM public.planted_t $$",
                         "uses relation public.planted_t"),
}


def test_the_definer_check_catches_each_planted_fault(db: Target) -> None:
    with psycopg.connect(db.dsn) as conn:
        conn.execute("SET LOCAL check_function_bodies = off")   # ops.bad_sql names a relation that does not exist
        conn.execute("CREATE TEMP TABLE candle_stage (line_no bigint, raw text)")
        conn.execute("CREATE FUNCTION public.planted() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        conn.execute("CREATE TABLE public.planted_t (x int)")
        for statement, _ in PLANTED.values():
            conn.execute(statement)
        _, problems = definer_problems(conn)
        conn.rollback()
    for name, (_, expected) in PLANTED.items():
        assert any(p.startswith(name) and expected in p for p in problems), (name, expected, problems)


# --- c. the two escalations of the issue, as the worker ---------------------------------------------------

@pytest.fixture(scope="module")
def book(server: Target, template_db: Target) -> Iterator[Book]:
    """A populated book (fills included) in a database of its own, for the module."""
    target = create_database(server, template=template_db.dbname, prefix="predator_defiso")
    try:
        yield build_book(target)
    finally:
        drop_database(server, target.dbname)


def _fill_is_closed_and_append_only(target: Target) -> None:
    """trading.fill: the worker can neither update nor read it; the append-only trigger is on; the
    worker holds no privilege in schema trading; the tampering UPDATE of the issue is refused."""
    with target.connect("worker", autocommit=True) as worker:
        for statement in ("UPDATE trading.fill SET price = price * 2 WHERE book_id = 1 AND seq = 2",
                          "SELECT count(*) FROM trading.fill"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                worker.execute(statement)
    with psycopg.connect(target.dsn, autocommit=True) as admin:
        state = admin.execute(
            "SELECT has_schema_privilege('predator_worker', 'trading', 'USAGE'),"
            "       has_table_privilege('predator_worker', 'trading.fill', 'SELECT, UPDATE, DELETE, TRUNCATE'),"
            "       (SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'trading.fill'::regclass"
            "         AND tgname = '_010_append_only'),"
            "       (SELECT count(*) FROM trading.fill)").fetchone()
        assert state is not None and state[:3] == (False, False, "O") and state[3] > 0, state
        with pytest.raises(psycopg.Error) as refused:   # the owner's rule itself: append-only (PD001)
            admin.execute("UPDATE trading.fill SET price = price * 2 WHERE seq = (SELECT min(seq) FROM trading.fill)")
        assert refused.value.sqlstate == "PD001"


ESCALATE = """CREATE FUNCTION pg_temp.x() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA trading TO predator_worker';
  EXECUTE 'GRANT SELECT, UPDATE ON trading.fill TO predator_worker';
  EXECUTE 'ALTER TABLE trading.fill DISABLE TRIGGER _010_append_only';
  RETURN '2025-01-01T00:00:00Z,1,1,1,1,1'; END $f$"""


def test_escalation_through_a_temp_view_candle_stage_is_refused(book: Book) -> None:
    with book.target.connect("worker", autocommit=True) as worker:
        steps = {   # the attack, statement by statement: the first is refused, so nothing after it exists
            "function": _sqlstate(worker, ESCALATE),
            "view": _sqlstate(worker, "CREATE TEMP VIEW candle_stage AS"
                                      " SELECT 1::bigint AS line_no, pg_temp.x() AS raw"),
            "grant": _sqlstate(worker, "GRANT SELECT ON candle_stage TO predator_owner"),
            "view without the function": _sqlstate(worker, "CREATE TEMP VIEW candle_stage AS"
                                                           " SELECT 1::bigint AS line_no, 'x'::text AS raw"),
        }
        # 3F000: pg_temp does not exist for a session that may not create it
        assert steps == {"function": "42501", "view": "3F000", "grant": "42P01",
                         "view without the function": "42501"}, steps
        with worker.transaction():   # and the load the attacker then ran goes through, touching nothing else
            key = market_api.begin_candle_load(worker)
            list(market_api.copy_stage(worker, key, [b"2025-01-01T00:00:00Z,1,1,1,1,1\n"]))
            loaded = worker.execute("SELECT read, loaded FROM api.load_candles(%s, 'binance', 'PWN/USDT', '1h', 'x',"
                                    " now(), 1)", (key,)).fetchone()
        assert loaded == (1, 1)
    _fill_is_closed_and_append_only(book.target)


ESCALATE_TRIGGER = """CREATE FUNCTION pg_temp.x() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA trading TO predator_worker';
  EXECUTE 'GRANT SELECT, UPDATE ON trading.fill TO predator_worker';
  EXECUTE 'ALTER TABLE trading.fill DISABLE TRIGGER _010_append_only';
  RETURN NEW; END $f$"""


def test_escalation_through_a_temp_table_instrument_in_with_a_trigger_is_refused(book: Book) -> None:
    with book.target.connect("worker", autocommit=True) as worker:
        steps = {
            "function": _sqlstate(worker, ESCALATE_TRIGGER),
            "table": _sqlstate(worker, "CREATE TEMP TABLE _instrument_in (ord bigint, symbol text, base text,"
                                       " quote text, tick_size numeric, step_size numeric, min_qty numeric,"
                                       " min_notional numeric, numbers_ok boolean, action text, detail text,"
                                       " old_values jsonb)"),
            "trigger": _sqlstate(worker, "CREATE TRIGGER t BEFORE INSERT ON _instrument_in FOR EACH ROW"
                                         " EXECUTE FUNCTION pg_temp.x()"),
        }
        assert steps == {"function": "42501", "table": "42501", "trigger": "42P01"}, steps
        rows = market_api.upsert_instruments(worker, "binance", [{"symbol": "ETH/BTC", "base": "ETH", "quote": "BTC",
                                                                  "tick_size": "0.00001"}], "escalation test")
        assert [(r.symbol, r.action) for r in rows] == [("ETH/BTC", "inserted")]
    _fill_is_closed_and_append_only(book.target)


PLANTED_BY_SUPERUSER = """
CREATE FUNCTION pg_temp.planted() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN
  RAISE EXCEPTION 'planted code ran as %', current_user; END $f$;
CREATE FUNCTION pg_temp.planted_tg() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN
  RAISE EXCEPTION 'planted trigger ran as %', current_user; END $f$;
CREATE TEMP VIEW candle_stage AS SELECT 1::bigint AS line_no, pg_temp.planted() AS raw;
CREATE TEMP TABLE _candle_parsed (line_no bigint, raw text);
CREATE TEMP TABLE _candle_classified (line_no bigint, raw text);
CREATE TEMP TABLE _instrument_in (ord bigint, symbol text);
GRANT ALL ON candle_stage, _candle_parsed, _candle_classified, _instrument_in TO PUBLIC;
"""
PLANTED_TRIGGER = ("CREATE TRIGGER planted BEFORE INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW"
                   " EXECUTE FUNCTION pg_temp.planted_tg()")


def test_temp_objects_planted_under_the_old_names_are_never_touched(db: Target) -> None:
    """Defence in depth: a superuser (who can still create temporary objects) plants the old names in a
    session, then runs both routines in it as the worker, on the guarded path too; the planted code never
    runs, because no routine names a temporary relation any more."""
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute(PLANTED_BY_SUPERUSER)
        for table in ("_candle_parsed", "_candle_classified", "_instrument_in"):
            conn.execute(sql.SQL(PLANTED_TRIGGER).format(sql.Identifier(table)))
        conn.execute("SET ROLE predator_worker")
        lines = [b"2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n", b"2024-01-01T01:00:00Z,1,2,0.5,1.5,10\n",
                 b"2024-01-01T01:00:00Z,1,2,0.5,1.6,10\n", b"not a bar\n"]
        results = []
        for _ in range(2):   # the second load overlaps the first: the guarded path, classification included
            with conn.transaction():
                key = market_api.begin_candle_load(conn)
                list(market_api.copy_stage(conn, key, lines))
                results.append(conn.execute(
                    "SELECT read, loaded, duplicate, corrected, quarantined FROM api.load_candles(%s, 'binance',"
                    " 'BTC/USDT', '1h', 'planted', %s, 0)", (key, datetime(2025, 1, 1, tzinfo=UTC))).fetchone())
        rows = market_api.upsert_instruments(conn, "binance", [{"symbol": "ETH/BTC", "base": "ETH", "quote": "BTC"}],
                                             "planted")
    assert results == [(4, 2, 0, 0, 2), (4, 0, 2, 0, 2)]
    assert [r.action for r in rows] == ["inserted"]
