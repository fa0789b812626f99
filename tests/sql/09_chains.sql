-- 09_chains.sql — hash chains name the row an edit broke (DESIGN.md §3.9; issue item 8).
--
-- api.verify_chains() is empty on a healthy database. A superuser who switches the triggers off
-- (session_replication_role = replica) and edits a journal posting is caught at exactly that row: chain,
-- table, book, seq and the problem (a running balance that no longer adds up, content that no longer
-- matches its hash, or — when the forger recomputes the hash too — the next row's broken link). The same
-- holds for the per-book chains (an edited fill, a deleted audit row) and for the chain and balance heads.
-- Each edit is undone before the next, and the database verifies again. Last, the worked examples of
-- docs/hashing.md are recomputed.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(22);

SELECT pg_temp.busy_book('ch') AS book \gset
-- pg_temp.raw(sql) — runs one statement with the triggers off, as an attacker with superuser rights would.
CREATE FUNCTION pg_temp.raw(p_sql text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL session_replication_role = replica;
    EXECUTE p_sql;
    SET LOCAL session_replication_role = origin;
END
$$;
CREATE FUNCTION pg_temp.verify() RETURNS TABLE (chain text, tbl text, book_id integer, seq bigint, problem text) LANGUAGE sql AS $$
    SELECT * FROM api.verify_chains() ORDER BY 1, 2, 3, 4 $$;

SELECT is_empty('SELECT * FROM api.verify_chains()', 'a healthy database verifies: api.verify_chains() is empty');
SELECT results_eq(format($$SELECT seq, amount, balance_after FROM ledger.posting
                            WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq BETWEEN 2 AND 4 ORDER BY seq$$, :book),
                  $$VALUES (2::bigint, -202::numeric, 9798::numeric), (3, -0.2, 9797.8), (4, 206, 10003.8)$$,
                  'the journal row to be edited: trading USDT seq 3, the fee of the first fill');

-- An edited amount: the running balance breaks at that row ----------------------------------------------------
SELECT pg_temp.raw(format($$UPDATE ledger.posting SET amount = -0.02 WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ledger.posting:%s:trading:USDT'::text, 'ledger.posting'::text, %1$s, 3::bigint, 'balance_after breaks continuity'::text)$$, :book),
                  'an edited posting amount is named exactly: ledger.posting, book, trading/USDT, seq 3, broken running balance');
SELECT pg_temp.raw(format($$UPDATE ledger.posting SET amount = -0.2 WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'undone: the database verifies again');

-- An edited amount with a matching balance_after: the first broken row is still seq 3, whose content no longer
-- matches its hash (seq 4's running balance is broken too, but verification names the first broken row).
SELECT pg_temp.raw(format($$UPDATE ledger.posting SET amount = -0.02, balance_after = 9797.98 WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ledger.posting:%s:trading:USDT'::text, 'ledger.posting'::text, %1$s, 3::bigint, 'row_hash does not match the row''s content'::text)$$, :book),
                  'a consistent edit of amount and balance_after is named at seq 3: content does not match its hash');
SELECT pg_temp.raw(format($$UPDATE ledger.posting SET amount = -0.2, balance_after = 9797.8 WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'undone: the database verifies again');

-- An edit that keeps every balance: only the hash tells -------------------------------------------------------
SELECT pg_temp.raw(format($$UPDATE ledger.posting SET ts = ts + interval '1 day' WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ledger.posting:%s:trading:USDT'::text, 'ledger.posting'::text, %1$s, 3::bigint, 'row_hash does not match the row''s content'::text)$$, :book),
                  'an edited posting time is named exactly: seq 3, content does not match its hash');
-- The forger recomputes the edited row's hash: the next row's link breaks.
SELECT pg_temp.raw(format($$UPDATE ledger.posting p SET row_hash = ops.row_hash(p.prev_hash, to_jsonb(p))
                            WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ledger.posting:%s:trading:USDT'::text, 'ledger.posting'::text, %1$s, 4::bigint, 'prev_hash is not the previous row''s row_hash'::text)$$, :book),
                  'with its hash recomputed, the chain breaks at the next row: seq 4''s prev_hash');
SELECT pg_temp.raw(format($$UPDATE ledger.posting p SET ts = ts - interval '1 day' WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT pg_temp.raw(format($$UPDATE ledger.posting p SET row_hash = ops.row_hash(p.prev_hash, to_jsonb(p))
                            WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' AND seq = 3$$, :book));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'undone: the database verifies again');

-- Per-book chains --------------------------------------------------------------------------------------------------
SELECT seq AS fill_seq FROM trading.fill WHERE book_id = :book AND venue_trade_id = 'ch-T2' \gset
SELECT pg_temp.raw(format($$UPDATE trading.fill SET price = 104 WHERE book_id = %s AND seq = %s$$, :book, :fill_seq));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('trading.fill:%s'::text, 'trading.fill'::text, %1$s, %2$s::bigint, 'row_hash does not match the row''s content'::text)$$, :book, :fill_seq),
                  'an edited fill price is named exactly: trading.fill, book, seq');
SELECT pg_temp.raw(format($$UPDATE trading.fill SET price = 103 WHERE book_id = %s AND seq = %s$$, :book, :fill_seq));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'undone: the database verifies again');

CREATE TEMP TABLE saved_audit AS SELECT * FROM ops.audit_log WHERE book_id = :book AND seq = 2;
SELECT pg_temp.raw(format($$DELETE FROM ops.audit_log WHERE book_id = %s AND seq = 2$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ops.audit_log:%s'::text, 'ops.audit_log'::text, %1$s, 3::bigint, 'sequence gap'::text)$$, :book),
                  'a deleted audit row shows as a sequence gap at the next row');
SELECT pg_temp.raw('INSERT INTO ops.audit_log SELECT * FROM saved_audit');
SELECT is_empty('SELECT * FROM api.verify_chains()', 'restored: the database verifies again');

-- Heads --------------------------------------------------------------------------------------------------------------
SELECT pg_temp.raw(format($$UPDATE ops.chain_head SET head_hash = sha256('forged') WHERE chain = 'trading.signal:%s'$$, :book));
SELECT results_eq('SELECT chain, tbl, book_id, problem FROM pg_temp.verify()',
                  format($$VALUES ('trading.signal:%s'::text, 'trading.signal'::text, %1$s, 'chain head does not match the last row'::text)$$, :book),
                  'a forged chain head is named');
SELECT pg_temp.raw(format($$UPDATE ops.chain_head h SET head_hash = (SELECT s.row_hash FROM trading.signal s WHERE s.book_id = %1$s ORDER BY s.seq DESC LIMIT 1)
                            WHERE chain = 'trading.signal:%1$s'$$, :book));
SELECT pg_temp.raw(format($$UPDATE ledger.balance SET balance = balance + 1 WHERE book_id = %s AND account_code = 'fees' AND currency = 'USDT'$$, :book));
SELECT results_eq('SELECT * FROM pg_temp.verify()',
                  format($$VALUES ('ledger.posting:%s:fees:USDT'::text, 'ledger.balance'::text, %1$s, 3::bigint, 'balance head does not match the last posting'::text)$$, :book),
                  'a forged balance is named: its chain, ledger.balance, book and head seq');
SELECT pg_temp.raw(format($$UPDATE ledger.balance SET balance = balance - 1 WHERE book_id = %s AND account_code = 'fees' AND currency = 'USDT'$$, :book));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'undone: every chain and head verifies');

-- The lot's remaining is outside its hash (it changes by design); everything else of a lot is inside.
SELECT pg_temp.raw(format($$UPDATE trading.lot SET remaining = 0.5 WHERE book_id = %s AND lot_no = 2$$, :book));
SELECT is_empty('SELECT * FROM api.verify_chains()', 'a lot''s remaining is not covered by its hash (it changes by allocation)');
SELECT pg_temp.raw(format($$UPDATE trading.lot SET price = 1 WHERE book_id = %s AND lot_no = 2$$, :book));
SELECT results_eq('SELECT tbl, problem FROM pg_temp.verify()', $$VALUES ('trading.lot'::text, 'row_hash does not match the row''s content'::text)$$,
                  'a lot''s price is');

-- The worked example of docs/hashing.md, recomputed (so that the document stays true).
SELECT api.create_account('demo', 'paper', 'binance', 'USDT', 'paper', 1000, 'default', 'docs example') AS demo \gset
SELECT api.deposit('demo', 1000, '2024-01-01T00:00:00Z', 'docs example') AS tx \gset
SELECT results_eq(format($$SELECT ops.canonical(to_jsonb(p)), encode(p.row_hash, 'hex') FROM ledger.posting p WHERE p.book_id = %s AND p.tx_seq = 1 ORDER BY p.leg$$, :demo),
    $$VALUES ('{"ts": "2024-01-01T00:00:00+00:00", "leg": 1, "seq": 1, "amount": 1000, "tx_seq": 1, "currency": "USDT", "account_code": "trading", "balance_after": 1000}'::text,
              'c2def93fb097ef7311376807bb73d286cd307c6ddda3097d3257850e866418f8'::text),
             ('{"ts": "2024-01-01T00:00:00+00:00", "leg": 2, "seq": 1, "amount": -1000, "tx_seq": 1, "currency": "USDT", "account_code": "external", "balance_after": -1000}',
              '8d65d7ee987bb8aecde7b9f4c193aaa7fe43bd8df8e5d1033db2605266b852e8')$$,
    'docs/hashing.md: the deposit postings'' canonical text and row hashes');
SELECT is((SELECT encode(sha256(p.prev_hash || convert_to((jsonb_strip_nulls(to_jsonb(p)) - ARRAY['book_id', 'prev_hash', 'row_hash', 'recorded_at', 'effective_at', 'admitted_at'])::text, 'UTF8')), 'hex')
             FROM ledger.posting p WHERE p.book_id = :demo AND p.tx_seq = 1 AND p.leg = 1),
          'c2def93fb097ef7311376807bb73d286cd307c6ddda3097d3257850e866418f8', 'docs/hashing.md: the plain-SQL recomputation gives the same hash');
SELECT results_eq(format($$SELECT ops.canonical(to_jsonb(t)), encode(t.row_hash, 'hex') FROM ledger.transaction t WHERE t.book_id = %s AND t.kind = 'deposit'$$, :demo),
    $$VALUES ('{"ts": "2024-01-01T00:00:00+00:00", "ref": "deposit", "seq": 1, "kind": "deposit", "legs": 2}'::text,
              '8cd6e4be9d98403162cd312ac8a225ae4a16215ec954251843536dce7a9fb215'::text)$$,
    'docs/hashing.md: the transaction header''s canonical text and row hash');
SELECT is(trading.client_order_id('paper1', 'trend', 'BTC/USDT', '2024-01-01T13:00:00Z', 'buy'), 'PDfa5a284aeb53b6be928120fc35ebdc',
          'docs/hashing.md: the client order id example');

SELECT * FROM finish();
ROLLBACK;
