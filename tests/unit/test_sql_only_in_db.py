"""Only ``predator.db`` speaks SQL (docs/architecture.md §1, §6), checked statically over ``predator/``.

Outside ``predator/db`` a module may call the typed gateway (``predator.db.api``, ``market_api``) and the
named reads (``reads``, ``ops_reads``, ``report_reads``, ``replay_db``, ``audit``, ``catalog``, ``notify``),
never send SQL itself. Found with the ``ast`` module, in every module outside ``predator/db``:

* a call of ``.execute(…)``, ``.executemany(…)``, ``.stream(…)`` or ``.notifies(…)`` (psycopg's names: nothing
  else in the package has them), ``.copy(…)`` with an argument (``COPY``; NumPy's ``.copy()`` takes none), or
  ``.cursor(…)``;
* any use of ``psycopg.sql`` (``from psycopg import sql``, ``import psycopg.sql``, ``psycopg.sql.X``);
* a string literal (docstrings excepted) that starts with an uppercase SQL keyword followed by more text, e.g.
  ``"SELECT count(*) FROM api.orders …"`` handed to ``api.scalar``.

:data:`ALLOWED` names the files that may still do so, each with its reason. Issue 10 moved the last of them
into ``predator.db``, so it is empty; an entry for a file that no longer speaks SQL fails too (a stale
exemption would hide SQL added to that file later). Keep it empty.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from predator.config import PROJECT_ROOT

#: path (relative to the project root) -> why it may still speak SQL. Empty since issue 10; only shrink it.
ALLOWED: dict[str, str] = {}

DB_PACKAGE = "predator/db/"
CALLS_ALWAYS = frozenset({"execute", "executemany", "stream", "notifies", "cursor"})
CALLS_WITH_ARGUMENTS = frozenset({"copy"})
SQL_KEYWORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "WITH", "CALL", "SET", "SHOW",
                "RESET", "CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "COMMENT", "EXPLAIN", "VALUES", "LOCK",
                "LISTEN", "NOTIFY", "UNLISTEN", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "DO", "TABLE", "VACUUM",
                "ANALYZE", "CHECKPOINT", "DISCARD", "PREPARE", "DECLARE", "FETCH")
#: A keyword, then whitespace and more text: ``"DELETE"`` alone (an HTTP method) is not SQL, and neither is
#: ``"Select a limit"`` (keywords are matched in upper case only).
_SQL_RE = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(" + "|".join(SQL_KEYWORDS) + r")\s+\S")


@dataclass(frozen=True)
class Finding:
    where: str  # path:line
    what: str


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def sql_findings(source: str, filename: str) -> list[Finding]:
    """Every place in a module that speaks SQL (see the module docstring), in line order."""
    tree = ast.parse(source, filename)
    docstrings = _docstrings(tree)
    found: list[Finding] = []

    def add(node: ast.AST, what: str) -> None:
        found.append(Finding(f"{filename}:{getattr(node, 'lineno', 0)}", what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in CALLS_ALWAYS or (name in CALLS_WITH_ARGUMENTS and (node.args or node.keywords)):
                add(node, f".{name}(…)")
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == "psycopg.sql" or node.module.startswith("psycopg.sql."):
                add(node, f"from {node.module} import …")
            elif node.module == "psycopg" and any(a.name == "sql" for a in node.names):
                add(node, "from psycopg import sql")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "psycopg.sql" or alias.name.startswith("psycopg.sql."):
                    add(node, f"import {alias.name}")
        elif (isinstance(node, ast.Attribute) and node.attr == "sql" and isinstance(node.value, ast.Name)
              and node.value.id == "psycopg"):
            add(node, "psycopg.sql")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and _SQL_RE.match(node.value)):
            add(node, f"SQL text {node.value.strip()[:60]!r}")
    return sorted(found, key=lambda f: (f.where.rsplit(":", 1)[0], int(f.where.rsplit(":", 1)[1]), f.what))


def package_findings() -> dict[str, list[Finding]]:
    """Findings per file of ``predator/`` outside ``predator/db`` (files without any left out)."""
    out: dict[str, list[Finding]] = {}
    for path in sorted((PROJECT_ROOT / "predator").rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        if rel.startswith(DB_PACKAGE):
            continue
        findings = sql_findings(path.read_text(), rel)
        if findings:
            out[rel] = findings
    return out


def test_only_predator_db_speaks_sql() -> None:
    offenders = [f"{f.where}: {f.what}" for rel, fs in package_findings().items() if rel not in ALLOWED for f in fs]
    assert not offenders, (
        "SQL outside predator.db (move it into a named read or gateway function of predator.db):\n"
        + "\n".join(offenders)
    )


def test_allowlist_only_names_existing_files_with_a_reason() -> None:
    missing = [rel for rel in ALLOWED if not (PROJECT_ROOT / rel).is_file()]
    assert not missing, f"remove from ALLOWED (no such file): {missing}"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_allowlist_has_no_stale_entry() -> None:
    """Every allowlisted file still speaks SQL: an exemption outliving its SQL is removed, not kept."""
    findings = package_findings()
    stale = [rel for rel in ALLOWED if rel not in findings]
    assert not stale, f"remove from ALLOWED (no SQL left in them): {stale}"


def test_the_scan_sees_the_gateway() -> None:
    """The same scan finds the SQL of predator.db itself (it would not, were it blind)."""
    api = (PROJECT_ROOT / "predator" / "db" / "api.py").read_text()
    whats = [f.what for f in sql_findings(api, "predator/db/api.py")]
    assert any("api.record_fill" in w for w in whats) and any(w == ".execute(…)" for w in whats)


def test_the_scan_flags_sql_and_spares_look_alikes() -> None:
    source = '''
"""Module docstring: SELECT api.halt(reason) is prose here."""
import numpy as np
import psycopg
import psycopg.sql
from psycopg import sql
from predator.db import api

def f(conn, target, a):
    """SELECT in a docstring is prose."""
    conn.execute("SELECT 1")
    n = api.scalar(conn, "SELECT count(*) FROM api.orders WHERE account = %s", (a,))
    with conn.cursor() as cur:
        cur.execute(a)
    with conn.cursor().copy("COPY market.candle_stage (load_key, raw) FROM STDIN") as cp:
        pass
    conn.notifies(timeout=1)
    q = psycopg.sql.SQL("LISTEN {}")
    b = np.zeros(3).copy()
    method = "DELETE"
    label = "Select a limit"
    routes = [("/api/v3/order", "DELETE")]
    return n, q, b, method, label, routes
'''
    got = [(int(f.where.rsplit(":", 1)[1]), f.what) for f in sql_findings(source, "synthetic.py")]
    lines = {line for line, _ in got}
    assert {5, 6, 11, 12, 13, 14, 15, 17, 18} <= lines, got
    assert not lines & {2, 10, 16, 19, 20, 21, 22}, got
    assert (12, "SQL text 'SELECT count(*) FROM api.orders WHERE account = %s'") in got
