-- 04_ledger.sql — the double-entry journal (DESIGN.md §3.2–3.4, §3.9).
--
-- Double entry: postings that do not sum to zero per currency, a transaction posted in pieces and a
-- header without its legs are refused (PD002). No leverage: a trading (or reserve) balance never goes
-- below zero (PD003), also when a fill costs more than the cash the book holds. Continuity: a posting
-- with a seq, balance_after or prev_hash that does not continue its (account, currency) chain is refused
-- (PD004); a chained insert with a wrong seq or prev_hash is refused (PD009). After deposits and fills the
-- running balances, sequences and hash links hold, every transaction sums to zero per currency, and the
-- balance heads equal the last postings.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(42);

SELECT pg_temp.busy_book('lg') AS book \gset
SELECT pg_temp.new_account('poor', 1000) AS poor \gset

-- PD002: double entry ------------------------------------------------------------------------------
SELECT throws_ok(format($$
    WITH h AS (INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
               VALUES (%s, 'transfer', 'unbalanced', 2, '2024-01-01T06:00:00Z') RETURNING book_id, seq)
    INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
    SELECT h.book_id, h.seq, x.leg, x.acct, 'USDT', x.amt, '2024-01-01T06:00:00Z'
      FROM h, (VALUES (1, 'trading', 100), (2, 'external', -90)) x(leg, acct, amt)$$, :book),
    'PD002', NULL, 'postings that do not sum to zero are refused (PD002)');
SELECT throws_ok(format($$
    WITH h AS (INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
               VALUES (%s, 'transfer', 'mixed currencies', 2, '2024-01-01T06:00:00Z') RETURNING book_id, seq)
    INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
    SELECT h.book_id, h.seq, x.leg, x.acct, x.ccy, x.amt, '2024-01-01T06:00:00Z'
      FROM h, (VALUES (1, 'trading', 'USDT', 100), (2, 'external', 'USDC', -100)) x(leg, acct, ccy, amt)$$, :book),
    'PD002', NULL, 'postings that sum to zero only across currencies are refused (PD002)');

-- A transaction posted in two statements: its first statement is refused, balanced or not.
CREATE FUNCTION pg_temp.post_in_two_statements(p_book integer, p_balanced_halves boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_tx bigint;
BEGIN
    INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
    VALUES (p_book, 'transfer', 'two statements', 4, '2024-01-01T06:00:00Z') RETURNING seq INTO v_tx;
    IF p_balanced_halves THEN
        INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
        VALUES (p_book, v_tx, 1, 'trading', 'USDT', 10, '2024-01-01T06:00:00Z'), (p_book, v_tx, 2, 'external', 'USDT', -10, '2024-01-01T06:00:00Z');
        INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
        VALUES (p_book, v_tx, 3, 'trading', 'USDT', 5, '2024-01-01T06:00:00Z'), (p_book, v_tx, 4, 'external', 'USDT', -5, '2024-01-01T06:00:00Z');
    ELSE
        INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
        VALUES (p_book, v_tx, 1, 'trading', 'USDT', 10, '2024-01-01T06:00:00Z');
        INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
        VALUES (p_book, v_tx, 2, 'external', 'USDT', -10, '2024-01-01T06:00:00Z');
    END IF;
END
$$;
SELECT throws_ok(format('SELECT pg_temp.post_in_two_statements(%s, false)', :book), 'PD002', NULL,
                 'a transaction posted leg by leg is refused at its first statement (PD002)');
SELECT throws_ok(format('SELECT pg_temp.post_in_two_statements(%s, true)', :book), 'PD002', NULL,
                 'a transaction posted in two balanced halves is refused: it must be posted whole (PD002)');

-- A header whose legs never arrive is refused at commit (the deferred check, forced here).
CREATE FUNCTION pg_temp.header_without_legs(p_book integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts) VALUES (p_book, 'transfer', 'no legs', 2, '2024-01-01T06:00:00Z');
    SET CONSTRAINTS ALL IMMEDIATE;
END
$$;
SELECT throws_ok(format('SELECT pg_temp.header_without_legs(%s)', :book), 'PD002', NULL,
                 'a transaction header without its legs is refused at commit (PD002)');
SELECT lives_ok(format($$SELECT ledger._post(%s, 'transfer', 'balanced', '2024-01-01T06:00:00Z',
                                              ARRAY['trading', 'external'], ARRAY['USDT', 'USDT'], ARRAY[1, -1]::numeric[])$$, :book),
                'a balanced transaction posted whole is accepted');

-- PD003: no leverage, no shorting ------------------------------------------------------------------
SELECT throws_ok(format($$SELECT ledger._post(%s, 'transfer', 'overdraw', '2024-01-01T06:00:00Z',
                                               ARRAY['trading', 'external'], ARRAY['USDT', 'USDT'], ARRAY[-20000, 20000]::numeric[])$$, :book),
                 'PD003', NULL, 'a trading cash balance never goes below zero (PD003)');
SELECT throws_ok(format($$SELECT ledger._post(%s, 'transfer', 'short', '2024-01-01T06:00:00Z',
                                               ARRAY['trading', 'venue'], ARRAY['BTC', 'BTC'], ARRAY[-1.5, 1.5]::numeric[])$$, :book),
                 'PD003', NULL, 'a trading asset balance never goes below zero: no shorting (PD003)');
SELECT throws_ok(format($$SELECT ledger._post(%s, 'reserve', 'reserve', '2024-01-01T06:00:00Z',
                                               ARRAY['reserve', 'trading'], ARRAY['USDT', 'USDT'], ARRAY[-1, 1]::numeric[])$$, :book),
                 'PD003', NULL, 'the reserve balance never goes below zero (PD003)');
-- A fill that costs more than the cash held: admitted at the decision price (104), filled at 120.
SELECT * FROM pg_temp.signal('poor', 'BTC/USDT', '2024-01-01T05:00:00Z', 'buy', 9) \gset poor_
SELECT is(:'poor_outcome'::text, 'admitted', 'buy 9 BTC at 104 (936 USDT) is admitted on 1000 USDT');
SELECT api.record_order_event(:'poor_client_order_id', 'acknowledged', '2024-01-01T05:00:00Z', 'VP') AS ack \gset
SELECT throws_ok(format($$SELECT api.record_fill(%L, 'POOR-1', 9, 120, 0, 'USDT', 'taker', '2024-01-01T05:01:00Z')$$, :'poor_client_order_id'),
                 'PD003', NULL, 'a fill costing 1080 USDT on 1000 USDT is refused (PD003)');
SELECT is((SELECT (status, filled_qty)::text FROM trading.order_state WHERE client_order_id = :'poor_client_order_id'), '(open,0)',
          'the refused fill left the order open and unfilled');
SELECT is((SELECT balance FROM ledger.balance WHERE book_id = :poor AND account_code = 'trading' AND currency = 'USDT'), 1000::numeric,
          'the refused fill left the cash untouched');

-- PD004: continuity of (account, currency) chains ---------------------------------------------------
CREATE FUNCTION pg_temp.post_with(p_book integer, p_seq bigint, p_balance_after numeric, p_prev bytea) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_tx bigint;
BEGIN
    INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
    VALUES (p_book, 'transfer', 'forged', 2, '2024-01-01T06:00:00Z') RETURNING seq INTO v_tx;
    INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, seq, balance_after, prev_hash, ts)
    VALUES (p_book, v_tx, 1, 'trading', 'USDT', 10, p_seq, p_balance_after, p_prev, '2024-01-01T06:00:00Z'),
           (p_book, v_tx, 2, 'external', 'USDT', -10, NULL, NULL, NULL, '2024-01-01T06:00:00Z');
END
$$;
SELECT b.seq AS usdt_seq, b.balance AS usdt_balance, encode(b.head_hash, 'hex') AS usdt_head
  FROM ledger.balance b WHERE b.book_id = :book AND b.account_code = 'trading' AND b.currency = 'USDT' \gset
SELECT throws_ok(format($$SELECT pg_temp.post_with(%s, %s, NULL, NULL)$$, :book, :usdt_seq + 2), 'PD004', NULL,
                 'a posting that skips a sequence number is refused (PD004)');
SELECT throws_ok(format($$SELECT pg_temp.post_with(%s, NULL, %s, NULL)$$, :book, :usdt_balance + 11), 'PD004', NULL,
                 'a posting whose balance_after is not the previous balance plus its amount is refused (PD004)');
SELECT throws_ok(format($$SELECT pg_temp.post_with(%s, NULL, NULL, '\x%s')$$, :book, repeat('ab', 32)), 'PD004', NULL,
                 'a posting whose prev_hash is not the chain head is refused (PD004)');
SELECT lives_ok(format($$SELECT pg_temp.post_with(%s, %s, %s, '\x%s')$$, :book, :usdt_seq + 1, :usdt_balance + 10, :'usdt_head'),
                'a posting that states its seq, balance_after and prev_hash correctly is accepted');

-- PD009: the chain of every other append-only table ---------------------------------------------------
SELECT throws_ok(format($$INSERT INTO ledger.transaction (book_id, seq, kind, ref, legs, ts)
                          VALUES (%s, 999, 'transfer', 'forged', 2, '2024-01-01T06:00:00Z')$$, :book),
                 'PD009', NULL, 'a journal header with a seq that does not continue its chain is refused (PD009)');
SELECT throws_ok(format($$INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts, prev_hash)
                          VALUES (%s, 'transfer', 'forged', 2, '2024-01-01T06:00:00Z', ops.genesis_hash())$$, :book),
                 'PD009', NULL, 'a journal header with a prev_hash that is not the chain head is refused (PD009)');
SELECT throws_ok(format($$INSERT INTO ops.audit_log (book_id, seq, action, reason) VALUES (%s, 1, 'forged', 'rewrite history')$$, :book),
                 'PD009', NULL, 'an audit row that reuses a sequence number is refused (PD009)');
SELECT throws_ok(format($$INSERT INTO trading.fill (book_id, seq, client_order_id, symbol, side, venue_trade_id, quantity, price, fee,
                                                    fee_currency, liquidity, ts)
                          SELECT book_id, seq, client_order_id, symbol, side, 'forged', quantity, price, fee, fee_currency, liquidity, ts
                            FROM trading.fill WHERE book_id = %s AND seq = 1$$, :book),
                 'PD009', NULL, 'a fill that reuses a sequence number is refused (PD009)');

-- Continuity, balances and double entry after deposits and fills ------------------------------------
SELECT is_empty($$
    SELECT p.book_id, p.account_code, p.currency, p.seq
      FROM (SELECT p.*, lag(p.seq) OVER w AS prev_seq, lag(p.balance_after) OVER w AS prev_balance, lag(p.row_hash) OVER w AS prev_row
              FROM ledger.posting p WINDOW w AS (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq)) p
     WHERE p.seq <> coalesce(p.prev_seq, 0) + 1
        OR p.balance_after <> coalesce(p.prev_balance, 0) + p.amount
        OR p.prev_hash <> coalesce(p.prev_row, ops.genesis_hash())$$,
    'every posting continues its chain: seq + 1, balance_after = previous + amount, prev_hash = previous row_hash');
SELECT is_empty($$
    SELECT p.book_id, p.tx_seq, p.currency, sum(p.amount) FROM ledger.posting p GROUP BY 1, 2, 3 HAVING sum(p.amount) <> 0$$,
    'every journal transaction sums to zero in every currency');
SELECT is_empty($$
    SELECT p.book_id, p.currency, sum(p.amount) FROM ledger.posting p GROUP BY 1, 2 HAVING sum(p.amount) <> 0$$,
    'every book''s journal sums to zero per currency');
SELECT is_empty($$
    SELECT t.book_id, t.seq FROM ledger.transaction t
     WHERE t.legs <> (SELECT count(*) FROM ledger.posting p WHERE p.book_id = t.book_id AND p.tx_seq = t.seq)$$,
    'every journal header has exactly its declared legs');
SELECT is_empty($$
    SELECT b.* FROM ledger.balance b
      LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                          WHERE (p.book_id, p.account_code, p.currency) = (b.book_id, b.account_code, b.currency)
                          ORDER BY p.seq DESC LIMIT 1) l ON true
     WHERE (l.seq, l.balance_after, l.row_hash) IS DISTINCT FROM (b.seq, b.balance, b.head_hash)$$,
    'every balance head equals the last posting of its chain');
-- The trading journal (the treasury memo accounts of docs/treasury.md are tested in 28_treasury).
SELECT results_eq(format($$SELECT account_code, currency, balance FROM ledger.balance WHERE book_id = %s AND account_code NOT IN ('principal', 'realized_pnl', 'fee_expense', 'ops_cost', 'reserve', 'operations', 'treasury') ORDER BY 1, 2$$, :book),
    $$VALUES ('external', 'USDT', -10011::numeric),
             ('fees', 'USDT', 0.5::numeric),
             ('trading', 'BTC', 1::numeric),
             ('trading', 'USDT', 9911.5::numeric),
             ('venue', 'BTC', -1::numeric),
             ('venue', 'USDT', 99::numeric)$$,
    'balances after deposit 10000, buy 2 @101 (fee 0.2), sell 2 @103 (fee 0.2), buy 1 @103 (fee 0.1) and the forged-but-valid +1 and +10');
SELECT results_eq(format($$SELECT seq, amount, balance_after FROM ledger.posting
                            WHERE book_id = %s AND account_code = 'trading' AND currency = 'USDT' ORDER BY seq$$, :book),
    $$VALUES (1::bigint, 10000::numeric, 10000::numeric), (2, -202, 9798), (3, -0.2, 9797.8), (4, 206, 10003.8), (5, -0.2, 10003.6),
             (6, -103, 9900.6), (7, -0.1, 9900.5), (8, 1, 9901.5), (9, 10, 9911.5)$$,
    'the trading USDT chain: every amount and running balance');
SELECT is((SELECT count(*) FROM ledger.transaction WHERE book_id = :book AND kind NOT IN ('principal', 'realized')), 6::bigint,
          'six journal transactions: deposit, three fills, two accepted transfers — none of the refused ones');
SELECT results_eq(format($$SELECT kind, legs::integer FROM ledger.transaction WHERE book_id = %s AND kind NOT IN ('principal', 'realized') ORDER BY seq$$, :book),
    $$VALUES ('deposit'::text, 2), ('fill', 6), ('fill', 6), ('fill', 6), ('transfer', 2), ('transfer', 2)$$,
    'transaction kinds and legs in order');
SELECT results_eq(format($$SELECT leg::integer, account_code, currency, amount FROM ledger.posting WHERE book_id = %s AND tx_seq = (SELECT min(seq) FROM ledger.transaction WHERE book_id = %s AND kind = 'fill') ORDER BY leg$$, :book, :book),
    $$VALUES (1, 'trading'::text, 'BTC'::text, 2::numeric), (2, 'venue', 'BTC', -2), (3, 'trading', 'USDT', -202),
             (4, 'venue', 'USDT', 202), (5, 'trading', 'USDT', -0.2), (6, 'fees', 'USDT', 0.2)$$,
    'a buy fill is one transaction: base and quote against the venue, the fee to fees');
SELECT results_eq(format($$SELECT leg::integer, account_code, currency, amount FROM ledger.posting WHERE book_id = %s AND tx_seq = (SELECT seq FROM ledger.transaction WHERE book_id = %s AND kind = 'fill' ORDER BY seq OFFSET 1 LIMIT 1) ORDER BY leg$$, :book, :book),
    $$VALUES (1, 'trading'::text, 'USDT'::text, 206::numeric), (2, 'venue', 'USDT', -206), (3, 'trading', 'BTC', -2),
             (4, 'venue', 'BTC', 2), (5, 'trading', 'USDT', -0.2), (6, 'fees', 'USDT', 0.2)$$,
    'a sell fill is one transaction: quote in, base out, the fee to fees');
SELECT is((SELECT count(*) FROM ledger.posting WHERE book_id = :book AND tx_seq IN (SELECT seq FROM ledger.transaction WHERE book_id = :book AND kind = 'fill')), 18::bigint,
          'three fills, six postings each');
SELECT is((SELECT count(DISTINCT (account_code, currency)) FROM ledger.posting WHERE book_id = :book AND account_code NOT IN ('principal', 'realized_pnl', 'fee_expense', 'ops_cost', 'reserve', 'operations', 'treasury')), 6::bigint,
          'six (account, currency) chains in the book');
SELECT is((SELECT balance FROM api.balances WHERE account = 'lg' AND account_code = 'trading' AND currency = 'USDT'), 9911.5::numeric,
          'api.balances shows the trading cash');
SELECT throws_ok(format($$UPDATE ledger.balance SET balance = -1 WHERE book_id = %s AND account_code = 'trading' AND currency = 'BTC'$$, :book),
                 '23514', NULL, 'the balance head of a non-negative account refuses a negative balance (check non_negative_balance, 23514)');
SELECT throws_ok(format($$SELECT ledger._post(%s, 'transfer', 'no such account', '2024-01-01T06:00:00Z',
                                               ARRAY['trading', 'nowhere'], ARRAY['USDT', 'USDT'], ARRAY[1, -1]::numeric[])$$, :book),
                 'PD011', NULL, 'a posting to a ledger account the book does not have is refused (PD011)');
SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain verifies after the refusals');

-- api.deposit arguments
SELECT throws_ok($$SELECT api.deposit('lg', 0, '2024-01-01T06:00:00Z', 'zero')$$, 'PD012', NULL, 'a zero deposit is refused (PD012)');
SELECT throws_ok($$SELECT api.deposit('lg', -5, '2024-01-01T06:00:00Z', 'negative')$$, 'PD012', NULL, 'a negative deposit is refused (PD012)');
SELECT throws_ok($$SELECT api.deposit('lg', 5, '2024-01-01T06:00:00Z', 'x', 'XYZ')$$, 'PD011', NULL, 'a deposit in an unknown currency is refused (PD011)');
SELECT throws_ok($$SELECT api.deposit('nobody', 5, '2024-01-01T06:00:00Z', 'x')$$, 'PD011', NULL, 'a deposit to an unknown account is refused (PD011)');

SELECT * FROM finish();
ROLLBACK;
