"""The thin-worker rule, checked statically: no SQL in ``predator/`` writes a governed table or calls a routine
outside schema ``api`` (DESIGN.md §2; the grants make the same rule true at run time).

SQL is found with the ``ast`` module: every string literal (docstrings excepted) that starts with an
uppercase SQL keyword, and the first argument of every ``Call(...)`` (folded when it is built from
literals with ``+`` or an f-string). Each statement is parsed with sqlglot (postgres dialect):

* a write — INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY … FROM — into a table of schema market, trading,
  ledger, risk, portfolio or ops is a violation, except an INSERT or COPY … FROM into the load inbox
  ``market.candle_stage`` (not governed data: the one table the worker may write, and only by INSERT);
* a call of a function qualified with any schema but ``api`` (or ``pg_catalog``) is a violation, and so is
  an unqualified call of a function that the governed schemas define (``sql/``), and a search_path that
  names a governed schema (which would make such unqualified calls reach them);
* built-in functions (now(), coalesce, count …) and reading api views are fine.

Statements sqlglot cannot parse fall back to a conservative pattern scan for the same two rules.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from predator.config import PROJECT_ROOT

GOVERNED = frozenset({"market", "trading", "ledger", "risk", "portfolio", "ops"})
#: Tables the worker may INSERT into (COPY ... FROM included), and do nothing else with.
INBOXES = frozenset({"market.candle_stage"})
ALLOWED_FUNCTION_SCHEMAS = frozenset({"api", "pg_catalog"})
SQL_KEYWORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "WITH", "CALL", "SET",
                "CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "DO", "COMMENT", "EXPLAIN", "VALUES", "LOCK",
                "BEGIN", "RESET", "SHOW", "TABLE")
_KEYWORD_RE = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(" + "|".join(SQL_KEYWORDS) + r")\b")
_GOVERNED_RE = "|".join(sorted(GOVERNED))
_FALLBACK_WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?\"?("
    + _GOVERNED_RE + r")\"?\.\"?(\w+)", re.IGNORECASE)
_FALLBACK_CALL = re.compile(r"\b(" + _GOVERNED_RE + r")\.\"?\w+\"?\s*\(", re.IGNORECASE)
_SEARCH_PATH = re.compile(r"search_path[^;]*\b(" + _GOVERNED_RE + r")\b", re.IGNORECASE)

logging.getLogger("sqlglot").setLevel(logging.ERROR)


@dataclass(frozen=True)
class SqlText:
    where: str     # file:line
    text: str


def governed_function_names() -> frozenset[str]:
    """Names of the functions the governed schemas define under sql/ (e.g. client_order_id, _post)."""
    names: set[str] = set()
    pattern = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+(\w+)\.(\w+)", re.IGNORECASE)
    for path in (PROJECT_ROOT / "sql").rglob("*.sql"):
        for schema, name in pattern.findall(path.read_text()):
            if schema.lower() in GOVERNED:
                names.add(name.lower())
    return frozenset(names)


GOVERNED_FUNCTIONS = governed_function_names()


def _fold(node: ast.AST) -> str | None:
    """A string built from literals: a constant, ``a + b``, or an f-string (expressions become ``x``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _fold(node.left), _fold(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
    return None


def sql_in_source(source: str, filename: str) -> Iterator[SqlText]:
    """Every SQL text in a Python module: keyword-led string literals and ``Call(...)`` first arguments."""
    tree = ast.parse(source, filename)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    seen: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "Call":
                text = _fold(node.args[0])
                if text is not None:
                    seen.update(id(n) for n in ast.walk(node.args[0]))
                    yield SqlText(f"{filename}:{node.lineno}", text)
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and id(node) not in seen and _KEYWORD_RE.match(node.value)):
            yield SqlText(f"{filename}:{node.lineno}", node.value)


def _schema_of_call(func: exp.Func) -> str | None:
    parent = func.parent
    if isinstance(parent, exp.Dot) and parent.expression is func:
        qualifier = parent.this
        while isinstance(qualifier, exp.Dot):
            qualifier = qualifier.expression
        return qualifier.name.lower() if isinstance(qualifier, exp.Identifier | exp.Column) else str(qualifier).lower()
    if isinstance(parent, exp.Table) and parent.this is func:
        return parent.db.lower() or None
    return None


def _write_targets(stmt: exp.Expression) -> Iterator[exp.Table]:
    for node in stmt.find_all(exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.TruncateTable, exp.Copy):
        if isinstance(node, exp.Copy) and not node.args.get("kind"):
            continue   # COPY ... TO: a read
        targets = node.expressions if isinstance(node, exp.TruncateTable) else [node.this]
        for target in targets:
            if isinstance(target, exp.Schema):
                target = target.this
            if isinstance(target, exp.Table):
                yield target


def violations(text: str) -> list[str]:
    """What a SQL text does that the thin-worker rule forbids (empty: nothing)."""
    problems: list[str] = []
    if _SEARCH_PATH.search(text):
        problems.append("sets a search_path that names a governed schema")
    try:
        statements = [s for s in sqlglot.parse(text, read="postgres") if s is not None]
    except SqlglotError:
        statements = []
    if not statements or any(isinstance(s, exp.Command) for s in statements):
        problems += [f"writes {m.group(2)}.{m.group(3)} (pattern scan)" for m in _FALLBACK_WRITE.finditer(text)
                     if not (m.group(1).split()[0].upper() in ("INSERT", "COPY")
                             and f"{m.group(2)}.{m.group(3)}".lower() in INBOXES)]
        problems += [f"calls {m.group(0).rstrip('(').strip()} (pattern scan)" for m in _FALLBACK_CALL.finditer(text)]
    for stmt in statements:
        for table in _write_targets(stmt):
            inbox = (isinstance(table.parent, exp.Insert | exp.Copy) or isinstance(table.parent, exp.Schema)
                     and isinstance(table.parent.parent, exp.Insert | exp.Copy))
            if inbox and f"{table.db}.{table.name}".lower() in INBOXES:
                continue
            if table.db.lower() in GOVERNED:
                problems.append(f"writes governed table {table.db}.{table.name}")
        for func in stmt.find_all(exp.Func):
            schema = _schema_of_call(func)
            name = (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()
            if schema is not None and schema not in ALLOWED_FUNCTION_SCHEMAS:
                problems.append(f"calls {schema}.{name}() outside api")
            elif schema is None and isinstance(func, exp.Anonymous) and name in GOVERNED_FUNCTIONS:
                problems.append(f"calls {name}() unqualified, a routine of a governed schema")
    return problems


def python_files() -> list[Path]:
    return sorted((PROJECT_ROOT / "predator").rglob("*.py"))


def all_sql() -> list[SqlText]:
    found: list[SqlText] = []
    for path in python_files():
        found += sql_in_source(path.read_text(), str(path.relative_to(PROJECT_ROOT)))
    return found


def test_sql_is_found_in_the_package() -> None:
    texts = all_sql()
    assert any("api.record_fill" in t.text for t in texts), "the gateway's SQL was not found"
    assert any("api.submit_signal" in t.text for t in texts)


def test_no_statement_in_predator_writes_a_governed_table_or_calls_outside_api() -> None:
    offenders = [f"{t.where}: {p}: {t.text.strip()[:100]!r}" for t in all_sql() for p in violations(t.text)]
    assert not offenders, "thin-worker rule broken:\n" + "\n".join(offenders)


@pytest.mark.parametrize("text", [
    "INSERT INTO trading.fill (book_id, seq) VALUES (%s, %s)",
    "WITH x AS (INSERT INTO trading.fill SELECT * FROM api.fills RETURNING 1) SELECT count(*) FROM x",
    "UPDATE ledger.balance SET balance = 0",
    "DELETE FROM risk.halt_event WHERE seq = %s",
    "MERGE INTO portfolio.hourly_state t USING api.accounts a ON a.book_id = t.book_id WHEN MATCHED THEN DELETE",
    "TRUNCATE ops.audit_log",
    "COPY market.candle (ts) FROM STDIN",
    "SELECT trading.client_order_id(%s, %s, %s, %s, %s)",
    "SELECT * FROM ledger._post(1, 'fill', 'x', now(), '{}', '{}', '{}')",
    "SELECT client_order_id('a', 'b', 'c', now(), 'buy')",
    "SET search_path = trading, pg_catalog",
    "SET LOCAL ROLE predator_owner; INSERT INTO trading.fill VALUES (1)",
    "UPDATE market.candle_stage SET raw = ''",
    "DELETE FROM market.candle_stage",
    "TRUNCATE market.candle_stage",
])
def test_the_rule_flags_writes_and_calls_outside_api(text: str) -> None:
    assert violations(text), text


@pytest.mark.parametrize("text", [
    "SELECT * FROM api.submit_signal(%s::text, %s::text, %s::timestamptz)",
    "SELECT api.record_fill(%s::text, %s::numeric)",
    "SELECT count(*), coalesce(max(seq), 0), now() FROM api.fills WHERE account = %(account)s",
    "COPY market.candle_stage (load_key, raw) FROM STDIN",
    "INSERT INTO market.candle_stage (load_key, raw) VALUES (%s, %s)",
    "COPY (SELECT * FROM api.candles) TO STDOUT",
    "SELECT pg_catalog.set_config('application_name', 'predator', false)",
])
def test_the_rule_allows_api_calls_views_builtins_and_staging(text: str) -> None:
    assert violations(text) == [], text


def test_sql_is_extracted_from_literals_and_call_arguments() -> None:
    source = '''
"""Module docstring: SELECT this is prose, not SQL."""
from predator.db.api import Call
A = Call("INSERT INTO trading.fill " + "(seq) VALUES (%s)", (1,), None)
B = "UPDATE ledger.posting SET amount = 0"
C = "Select a limit (help text)"
def f(x):
    return Call(f"SELECT {x} FROM api.fills", (), None)
'''
    texts = [t.text for t in sql_in_source(source, "synthetic.py")]
    assert "INSERT INTO trading.fill (seq) VALUES (%s)" in texts
    assert "UPDATE ledger.posting SET amount = 0" in texts
    assert "SELECT x FROM api.fills" in texts
    assert not any(t.startswith(("Module", "Select a limit")) for t in texts)
    flagged = [t for t in texts if violations(t)]
    assert len(flagged) == 2
