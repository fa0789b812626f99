-- 0007_finite_and_time.up.sql — Finite numbers and bounded business time in every governed table.
--
-- PostgreSQL's numeric accepts 'NaN', 'Infinity' and '-Infinity', orders NaN above every number and finds
-- NaN = NaN true, so a NaN passes comparisons such as qty <= cap; timestamptz accepts '±infinity'. This
-- migration:
--   * adds ops.setting, the operator settings of the database (append-only revisions, like risk limits),
--     with max_clock_skew_seconds = 300: how far a business time may run ahead of the wall clock, and
--     reconcile_tolerance = 1e-8: the balance difference reconciliation still counts as clean (a worker
--     argument before: a worker could have declared any mismatch clean, and a clean reconciliation unlocks
--     api.resume);
--   * adds a CHECK <table>_<column>_is_finite to every numeric column of the governed schemas (market,
--     trading, ledger, risk, portfolio, ops): -Infinity < value < Infinity, which also refuses NaN
--     (numeric orders NaN above Infinity); NULL stays allowed where the column allows it;
--   * adds the same CHECK to every timestamptz column of those schemas: '-infinity' < value < 'infinity'.
-- The constraints are generated from the catalog, so the list cannot miss a column; stored rows are finite,
-- so validation passes (a database holding a non-finite value fails here and names the column).
-- The upper bound of business time (wall clock + skew) is not a CHECK (it depends on the clock): the api
-- routines refuse it (ops._require_business_time, PD015) and gate 14 finds stored rows beyond it.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.setting (
    name        text        NOT NULL CONSTRAINT setting_name_is_known CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance')),
    revision    integer     NOT NULL CONSTRAINT setting_revision_is_positive CHECK (revision > 0),
    value       numeric     NOT NULL,
    reason      text        NOT NULL CONSTRAINT setting_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT setting_pk PRIMARY KEY (name, revision),
    CONSTRAINT clock_skew_is_small CHECK (name <> 'max_clock_skew_seconds' OR (value >= 0 AND value <= 3600)),
    CONSTRAINT reconcile_tolerance_is_small CHECK (name <> 'reconcile_tolerance' OR (value >= 0 AND value <= 1))
);
COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time (hour close, signal, fill, order event, transfer, deposit, reconciliation, venue health, candle load clock) may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency (in that currency) that reconciliation still counts as clean, 0..1.';

INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('max_clock_skew_seconds', 1, 300, 'shipped default: five minutes of clock skew between a venue and the database', 'migration'),
       ('reconcile_tolerance', 1, 0.00000001, 'shipped default: the venues'' balance precision (1e-8)', 'migration');

DO $finite$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS tbl, c.relname, a.attname, t.typname
          FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops')
           AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND a.attnum > 0 AND NOT a.attisdropped
           AND t.typname IN ('numeric', 'timestamptz')
         ORDER BY n.nspname, c.relname, a.attnum
    LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%I > %L AND %I < %L)',
                       r.tbl, left(r.relname || '_' || r.attname || '_is_finite', 63),
                       r.attname, CASE r.typname WHEN 'numeric' THEN '-Infinity' ELSE '-infinity' END,
                       r.attname, CASE r.typname WHEN 'numeric' THEN 'Infinity' ELSE 'infinity' END);
    END LOOP;
END
$finite$;
