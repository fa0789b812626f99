"""The schema stays distributable by book (DESIGN.md §9, issue 17 item 8; docs/architecture.md "Distribution by
book"): on an engine that shards by a column (Citus), a table is either distributed by its book column, or a
reference table copied to every node. What that needs of the catalog, checked here on a migrated database:

* every table of the governed schemas (trading, ledger, portfolio, risk, ops, ml) is classified: it carries a book
  column (``book_id``, or the column named in DISTRIBUTION) and is distributed by it, or it is listed in
  REFERENCE with the reason it is shared by every book (market data is reference as a whole schema);
* a distributed table's primary key and every unique constraint or index include its book column (a unique
  key without it cannot be enforced per shard);
* a foreign key between two distributed tables maps the book column onto the book column (so it never
  references another book's row); a reference table references no distributed table.

The model registry (schema ml, migration 0043) is control-plane data like ops.audit_log's book 0: a model is
trained on market data every book shares, so its tables carry book_id = 0 (a CHECK), are chained per (table, book)
like every other governed record, and are distributed by book_id like the rest (on a sharded engine, in book 0's
shard): their keys and foreign keys include book_id, so they need no entry in REFERENCE or KNOWN.

What does not hold today is listed in KNOWN, one entry per violation with its reason, and the test asserts the
violations are exactly those: a new violation fails, and so does an entry that no longer applies (fixed)."""

from __future__ import annotations

from typing import Any

import psycopg

from predator.db.connection import Target

SCHEMAS = ("trading", "ledger", "portfolio", "risk", "ops", "ml")

#: Distributed tables whose book column is not called book_id.
DISTRIBUTION = {
    "risk.shadow_pair": "shadow_book_id",
    "risk.shadow_comparison": "shadow_book_id",
}

#: Reference tables: shared by every book, copied to every node. The reason each is not per book.
REFERENCE = {
    "trading.account": "the directory of books: a name is unique across books and maps to its book_id; every per-book"
                       " table references it",
    "trading.order_transition": "the order state machine's legal moves (static)",
    "risk.state_transition": "the risk state machine's legal moves (static)",
    "risk.limit_kind": "the kinds of limit (static)",
    "risk.breaker_kind": "the kinds of circuit breaker (static)",
    "risk.pool": "the capital pools every book may use (CORE, AGGRESSIVE, TAIL_RISK)",
    "risk.profile": "risk profiles, shared by the books that name them",
    "risk.limit_setting": "limits per profile and scope, revisions set by an operator for every book of the profile",
    "risk.limit_policy": "the operator's policy ceilings per profile",
    "risk.breaker_setting": "breaker thresholds per lane (and account), set by an operator",
    "risk.lane_setting": "lane budgets and risk envelopes (control plane), set by an operator",
    "ops.session_transition": "the live-session state machine's legal moves (static)",
    "risk.lane_pool_setting": "pool budgets per lane",
    "risk.arbitration_setting": "arbitration mode per profile",
    "risk.safe_mode_template": "the shipped safe-mode templates",
    "risk.safe_mode_limit": "the shipped safe-mode templates' limits",
    "risk.halt_state": "the halts in force at every scope (global, account, lane, strategy): the global halt is one row"
                       " every book's admission reads; a book's own hour close writes its account-scope halts here (on"
                       " a sharded engine a write to a reference table, committed on every node)",
    "ops.setting": "the operator's settings of the database (clock skew, tolerance, alerts, retention)",
    "ops.approval_request": "the two-person rule's requests (control plane: global halts, limits, settings)",
    "ops.approval": "the two-person rule's approvals",
    "ops.approval_use": "the two-person rule's approvals used",
    "ops.safe_mode_application": "safe modes applied to a profile (control plane)",
    "ops.safe_mode_revert": "safe modes reverted (control plane)",
    "ops.anchor_key": "the operator's anchor signing keys (control plane; the anchors themselves are per book)",
    "ops.anchor_key_revocation": "revocations of anchor keys",
    "ops.alert_attempt": "the notifier's delivery attempts of the alert outbox (control plane, see KNOWN for the"
                         " outbox)",
    "ops.chaos_fault": "the faults of a chaos campaign (test tooling, see KNOWN for the campaign)",
}

#: Violations that hold today, each with its reason (what a sharded deployment would change). Keys:
#: (table, constraint or index name).
KNOWN = {
    ("trading.order_request", "order_request_pk"):
        "the client order id is the primary key, unique across books: it is what the venue sees, derived from the"
        " account, strategy, symbol and time, so it cannot collide across books; sharding needs the key"
        " (book_id, client_order_id) and the lookups by client order id to name the book",
    ("trading.order_state", "order_state_pkey"):
        "keyed by the client order id like trading.order_request",
    ("trading.order_event", "order_event_no_is_unique"):
        "event numbers per client order id (see trading.order_request)",
    ("trading.order_event", "order_event_client_order_id_fkey"):
        "references the order by its client order id alone (see trading.order_request); the order is of the same"
        " book by construction (api.record_order_event reads it first)",
    ("trading.order_state", "order_state_client_order_id_fkey"): "as trading.order_event",
    ("trading.fill", "fill_client_order_id_fkey"): "as trading.order_event",
    ("trading.fill_void", "fill_void_client_order_id_fkey"): "as trading.order_event",
    ("risk.decision", "decision_order"): "as trading.order_event",
    ("ops.chain_head", "chain_head_pkey"):
        "the chain's name (\"<table>:<book_id>\") carries the book, but the key is the text alone; sharding needs"
        " (book_id, chain) and the chain trigger's lookup to name the book",
    ("ops.alert_outbox", "alert_outbox_pk"):
        "the notifier's outbox is one queue for every book (seq across books); per book it would be (book_id, seq)",
    ("ops.alert_outbox", "alert_outbox_source_once"): "dedup key of the outbox (one queue)",
    ("ops.alert_attempt", "alert_attempt_alert"):
        "a reference (control-plane) table referencing the outbox, which carries a book (see the outbox)",
    ("ops.alert_attempt", "alert_attempt_duplicate_of"): "as alert_attempt_alert",
    ("ops.run", "run_pkey"):
        "a run's id is the hash of its configuration, unique across books; per book it would be (book_id, run_id)",
    ("ops.chaos_campaign", "chaos_campaign_pkey"):
        "chaos campaigns are test tooling keyed by campaign id; per book it would be (book_id, campaign_id)",
    ("ops.chaos_fault", "chaos_fault_campaign_id_fkey"): "as ops.chaos_campaign",
}


def _rows(conn: psycopg.Connection[Any], query: str) -> list[tuple[Any, ...]]:
    return conn.execute(query, (list(SCHEMAS),)).fetchall()


def _catalog(target: Target) -> tuple[dict[str, list[str]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with psycopg.connect(target.dsn) as conn:
        columns: dict[str, list[str]] = {}
        for table, column in _rows(conn, """
                SELECT format('%%s.%%s', n.nspname, c.relname), a.attname
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                 ORDER BY 1, a.attnum"""):
            columns.setdefault(table, []).append(column)
        uniques = _rows(conn, """
                SELECT format('%%s.%%s', n.nspname, c.relname), i.relname,
                       array(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a
                                ON a.attrelid = c.oid AND a.attnum = k)::text[]
                  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                  JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ANY(%s) AND x.indisunique AND NOT c.relispartition
                 ORDER BY 1, 2""")
        fkeys = _rows(conn, """
                SELECT format('%%s.%%s', n.nspname, c.relname), k.conname,
                       format('%%s.%%s', fn.nspname, f.relname),
                       array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(att, i)
                               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.att
                              ORDER BY u.i)::text[],
                       array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(att, i)
                               JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.att
                              ORDER BY u.i)::text[]
                  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
                 WHERE k.contype = 'f' AND n.nspname = ANY(%s) AND NOT c.relispartition
                 ORDER BY 1, 2""")
    return columns, uniques, fkeys


def _book_column(table: str, columns: dict[str, list[str]]) -> str | None:
    if table in REFERENCE or table.startswith("market."):
        return None
    return DISTRIBUTION.get(table, "book_id")


def violations(target: Target) -> dict[tuple[str, str], str]:
    """Every way the catalog of ``target`` is not distributable by book, keyed (table, constraint)."""
    columns, uniques, fkeys = _catalog(target)
    found: dict[tuple[str, str], str] = {}
    for table, cols in columns.items():
        if table in REFERENCE:
            continue
        col = _book_column(table, columns)
        if col not in cols:
            found[(table, "(no book column)")] = f"{table} has no column {col} and is not a reference table"
    for table, index, cols in uniques:
        col = _book_column(table, columns)
        if col is not None and col not in cols:
            found[(table, index)] = f"unique key {index} {cols} lacks {col}"
    for table, name, ref, cols, ref_cols in fkeys:
        col, ref_col = _book_column(table, columns), _book_column(ref, columns)
        if ref_col is None:
            continue   # a reference table: every node has it
        if col is None:
            found[(table, name)] = f"reference table {table} references the distributed {ref}"
        elif (col, ref_col) not in zip(cols, ref_cols, strict=True):
            found[(table, name)] = f"foreign key {name} {cols} -> {ref} {ref_cols} does not map {col} onto {ref_col}"
    return found


def test_every_governed_table_is_classified_and_reference_tables_are_bookless(db: Target) -> None:
    columns, _, _ = _catalog(db)
    assert set(REFERENCE) <= set(columns), sorted(set(REFERENCE) - set(columns))   # no stale entry
    unclassified = sorted(t for t, cols in columns.items()
                          if t not in REFERENCE and DISTRIBUTION.get(t, "book_id") not in cols)
    assert unclassified == [], f"tables with no book column that are not listed as reference tables: {unclassified}"
    for table, column in DISTRIBUTION.items():
        assert column in columns[table]
    # A reference table carries no book: a table with a book column is distributed, but for the book directory.
    with_books = sorted(t for t in REFERENCE if "book_id" in columns[t] and t != "trading.account")
    assert with_books == []


def test_keys_and_foreign_keys_stay_within_a_book_but_the_known_exceptions(db: Target) -> None:
    found = violations(db)
    new = {k: v for k, v in found.items() if k not in KNOWN}
    fixed = sorted(set(KNOWN) - set(found))
    assert new == {}, "not distributable by book (fix it, or list it in KNOWN with the reason):\n" + "\n".join(
        f"{t} {c}: {why}" for (t, c), why in sorted(new.items()))
    assert fixed == [], f"listed in KNOWN but no longer a violation (remove them): {fixed}"


def test_the_check_catches_a_key_and_a_foreign_key_across_books(db: Target) -> None:
    """The check itself fails on what it is for: a per-book table with a unique key without its book, and a
    foreign key from one book's row to another book's."""
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE ops.t_parent (book_id integer NOT NULL, seq bigint NOT NULL, code text NOT NULL,"
                     " PRIMARY KEY (book_id, seq), UNIQUE (code))")
        conn.execute("CREATE TABLE ops.t_child (book_id integer NOT NULL, seq bigint NOT NULL, parent_book integer,"
                     " parent_seq bigint, PRIMARY KEY (book_id, seq),"
                     " CONSTRAINT t_child_parent FOREIGN KEY (parent_book, parent_seq) REFERENCES ops.t_parent)")
    found = violations(db)
    assert ("ops.t_parent", "t_parent_code_key") in found
    assert ("ops.t_child", "t_child_parent") in found
    assert ("ops.t_parent", "t_parent_pkey") not in found and ("ops.t_child", "t_child_pkey") not in found
