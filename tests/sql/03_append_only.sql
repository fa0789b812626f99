-- 03_append_only.sql — append-only tables refuse UPDATE, DELETE and TRUNCATE with PD001 (DESIGN.md §3.1).
--
-- Runs as the superuser (the strongest session short of disabling triggers). The append-only tables are
-- every hash-chained table of ops.chained_tables(), the journal postings, the candle tables (run-time
-- partitions included), the limit history, the run registry and any other table that attaches
-- ops.tg_append_only__refuse. Each has its triggers in place; UPDATE and DELETE of its rows and TRUNCATE are
-- refused with PD001 (the journals of DESIGN.md §3.1 all hold rows here; a table the set-up leaves empty
-- has its row checks skipped with the reason). The owner role is refused just the same. A lot's remaining
-- may decrease (an allocation consumed it) but never increase, and no other lot column may change (PD001).
BEGIN;
\i tests/sql/helpers/fixtures.sql

SELECT pg_temp.busy_book('ao') AS book \gset
-- Run the deferred journal checks now: TRUNCATE refuses a table with pending trigger events before its
-- own triggers fire.
SET CONSTRAINTS ALL IMMEDIATE;

CREATE FUNCTION pg_temp.rows_of(p_tbl regclass) RETURNS SETOF integer LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT 1 FROM %s LIMIT 1', p_tbl);
END
$$;

CREATE TEMP TABLE append_only AS
SELECT c.oid::regclass AS tbl, t.tbl IS NOT NULL AS chained,
       (SELECT quote_ident(a.attname) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''
         ORDER BY a.attnum LIMIT 1) AS col
  FROM pg_class c
  LEFT JOIN ops.chained_tables() t ON t.tbl::regclass = c.oid
 WHERE t.tbl IS NOT NULL
    OR c.oid IN ('ledger.posting'::regclass, 'market.candle_load'::regclass, 'market.candle_quarantine'::regclass,
                 'market.candle_correction'::regclass, 'risk.limit_setting'::regclass, 'ops.run'::regclass)
    OR c.oid IN (SELECT 'market.candle'::regclass UNION ALL SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = 'market.candle'::regclass)
    -- and any other table that declares itself append-only
    OR c.oid IN (SELECT g.tgrelid FROM pg_trigger g WHERE g.tgfoid = 'ops.tg_append_only__refuse'::regproc);

-- The tables this file must exercise with rows: the journals of DESIGN.md §3.1 that the set-up fills.
CREATE TEMP TABLE must_hold_rows (tbl regclass);
INSERT INTO must_hold_rows
SELECT unnest(ARRAY['trading.signal', 'risk.decision', 'trading.order_request', 'trading.order_event', 'trading.fill',
                    'trading.lot', 'trading.lot_allocation', 'trading.round_trip', 'ledger.transaction', 'ledger.posting',
                    'portfolio.hourly_state', 'risk.halt_event', 'ops.audit_log',
                    'market.candle', 'market.candle_load', 'market.candle_quarantine', 'market.candle_correction',
                    'risk.limit_setting', 'ops.run']::regclass[]);

-- For every append-only table: its triggers are in place (BEFORE UPDATE OR DELETE FOR EACH ROW and BEFORE
-- TRUNCATE FOR EACH STATEMENT, both ops.tg_append_only__refuse; trading.lot: the guard on UPDATE); UPDATE
-- and DELETE of its rows are refused with PD001 (skipped, with the reason, for a table the set-up leaves
-- empty: row triggers have nothing to refuse there); TRUNCATE is refused with PD001.
-- trgtype bits: 1 row, 2 before, 8 delete, 16 update, 32 truncate.
CREATE FUNCTION pg_temp.refusals() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint;
BEGIN
    FOR r IN SELECT * FROM pg_temp.append_only ORDER BY tbl::text LOOP
        RETURN NEXT ok(
            EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = r.tbl AND g.tgenabled <> 'D' AND g.tgtype & 35 = 32 + 2
                       AND g.tgfoid = 'ops.tg_append_only__refuse'::regproc)
            AND EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = r.tbl AND g.tgenabled <> 'D' AND g.tgtype & 11 = 11
                           AND g.tgfoid = 'ops.tg_append_only__refuse'::regproc)
            AND EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = r.tbl AND g.tgenabled <> 'D' AND g.tgtype & 19 = 19
                           AND g.tgfoid = CASE WHEN r.tbl = 'trading.lot'::regclass THEN 'trading.tg_lot__guard'::regproc
                                               ELSE 'ops.tg_append_only__refuse'::regproc END),
            format('%s has its append-only triggers (UPDATE, DELETE, TRUNCATE)', r.tbl));
        EXECUTE format('SELECT count(*) FROM %s', r.tbl) INTO n;
        IF n = 0 THEN
            RETURN NEXT skip(format('%s holds no rows in this set-up', r.tbl), CASE WHEN r.tbl = 'trading.lot'::regclass THEN 1 ELSE 2 END);
        ELSE
            IF r.tbl <> 'trading.lot'::regclass THEN
                RETURN NEXT throws_ok(format('UPDATE %s SET %s = %2$s', r.tbl, r.col), 'PD001', NULL, format('UPDATE %s is refused (PD001)', r.tbl));
            END IF;
            RETURN NEXT throws_ok(format('DELETE FROM %s', r.tbl), 'PD001', NULL, format('DELETE FROM %s is refused (PD001)', r.tbl));
        END IF;
        -- CASCADE: PostgreSQL refuses a plain TRUNCATE of a table that others reference before its triggers
        -- fire; with CASCADE the attempt reaches them.
        RETURN NEXT throws_ok(format('TRUNCATE %s CASCADE', r.tbl), 'PD001', NULL, format('TRUNCATE %s CASCADE is refused (PD001)', r.tbl));
    END LOOP;
END
$$;

SELECT plan(4 * (SELECT count(*) FROM append_only)::integer - 1 + 6 + 13 + 5);

-- What is covered.
SELECT is((SELECT count(*) FROM append_only WHERE chained), (SELECT count(*) FROM ops.chained_tables()),
          'every chained table of ops.chained_tables() is covered');
SELECT is_empty('SELECT tbl FROM must_hold_rows EXCEPT SELECT tbl FROM append_only', 'every journal of DESIGN.md §3.1 is covered');
SELECT is_empty($$SELECT m.tbl FROM must_hold_rows m WHERE NOT EXISTS (SELECT FROM pg_temp.rows_of(m.tbl))$$,
                'every journal of DESIGN.md §3.1 holds rows, so its row triggers are exercised');
SELECT ok(EXISTS (SELECT FROM append_only WHERE tbl::text LIKE 'market.candle\_y%'), 'a candle partition created at run time is covered');
SELECT ok(EXISTS (SELECT FROM append_only WHERE tbl = 'ledger.posting'::regclass), 'ledger.posting is covered');
SELECT ok(EXISTS (SELECT FROM append_only WHERE tbl = 'risk.limit_setting'::regclass), 'risk.limit_setting is covered');

SELECT * FROM pg_temp.refusals();

-- Lots: remaining only decreases; nothing else changes.
SELECT is((SELECT remaining FROM trading.lot WHERE book_id = :book AND lot_no = 2), 1::numeric, 'lot 2 is open with 1 BTC remaining');
SELECT lives_ok(format('UPDATE trading.lot SET remaining = remaining - 0.25 WHERE book_id = %s AND lot_no = 2', :book),
                'remaining may decrease');
SELECT is((SELECT remaining FROM trading.lot WHERE book_id = :book AND lot_no = 2), 0.75::numeric, 'remaining decreased to 0.75');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = remaining + 0.1 WHERE book_id = %s AND lot_no = 2', :book),
                 'PD001', NULL, 'remaining may not increase (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = quantity WHERE book_id = %s AND lot_no = 1', :book),
                 'PD001', NULL, 'a consumed lot may not be reopened (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET price = price + 1 WHERE book_id = %s AND lot_no = 2', :book),
                 'PD001', NULL, 'a lot''s price may not change (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET quantity = quantity + 1 WHERE book_id = %s AND lot_no = 2', :book),
                 'PD001', NULL, 'a lot''s quantity may not change (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET fee_quote = 0 WHERE book_id = %s AND lot_no = 2', :book),
                 'PD001', NULL, 'a lot''s fee may not change (PD001)');
SELECT throws_ok(format($$UPDATE trading.lot SET ts = ts - interval '1 hour' WHERE book_id = %s AND lot_no = 2$$, :book),
                 'PD001', NULL, 'a lot''s time may not change (PD001)');
SELECT throws_ok(format($$UPDATE trading.lot SET venue_trade_id = 'X' WHERE book_id = %s AND lot_no = 2$$, :book),
                 'PD001', NULL, 'a lot''s trade id may not change (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = remaining - 0.25, price = 1 WHERE book_id = %s AND lot_no = 2', :book),
                 'PD001', NULL, 'a decrease of remaining does not carry another change with it (PD001)');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = -1 WHERE book_id = %s AND lot_no = 2', :book),
                 '23514', NULL, 'remaining never goes below zero (check lot_remaining_within_quantity, 23514)');
SELECT is((SELECT (quantity, price, fee_quote, remaining)::text FROM trading.lot WHERE book_id = :book AND lot_no = 2),
          '(1,103,0.1,0.75)', 'lot 2 is as the allowed decrease left it');

-- The owner role is refused just the same.
SET LOCAL ROLE predator_owner;
SELECT throws_ok('UPDATE ledger.posting SET amount = amount * 2', 'PD001', NULL, 'predator_owner cannot UPDATE ledger.posting (PD001)');
SELECT throws_ok('DELETE FROM trading.fill', 'PD001', NULL, 'predator_owner cannot DELETE FROM trading.fill (PD001)');
SELECT throws_ok('TRUNCATE ops.audit_log', 'PD001', NULL, 'predator_owner cannot TRUNCATE ops.audit_log (PD001)');
SELECT throws_ok($$UPDATE risk.limit_setting SET value = 100 WHERE profile = 'default'$$, 'PD001', NULL,
                 'predator_owner cannot rewrite a limit (PD001): limits change by new revisions');
RESET ROLE;
SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain still verifies after the refused edits');

SELECT * FROM finish();
ROLLBACK;
