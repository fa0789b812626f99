-- 11_finite_numbers.sql — NaN, Infinity and -Infinity pass no door and sit in no table (issue 9).
--
-- Generated from pg_proc, not from a hand list: every routine of schema api with a numeric argument is
-- called once per numeric argument position and per non-finite value ('NaN', 'Infinity', '-Infinity'),
-- with plausible values everywhere else, and must refuse with PD012 naming that argument in DETAIL. A
-- routine added later is covered without touching this file. Nothing may be stored: the row counts of
-- every governed table are unchanged after all the calls. Numbers inside jsonb (api.reconcile's venue
-- balances) are refused the same way. Every numeric and timestamptz column of the governed schemas carries
-- the CHECK <table>_<column>_is_finite (migration 0007), and a direct insert of NaN is refused by it.
BEGIN;
\i tests/sql/helpers/fixtures.sql

-- pg_temp.governed_counts() -> {"schema.table": rows, ...} over every table of the governed schemas
CREATE FUNCTION pg_temp.governed_counts() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v_n bigint;
    v_out jsonb := '{}';
BEGIN
    FOR r IN SELECT c.oid::regclass AS tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'ml')
                AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.tbl) INTO v_n;
        v_out := v_out || jsonb_build_object(r.tbl::text, v_n);
    END LOOP;
    RETURN v_out;
END
$$;

-- pg_temp.dummy(argument name, type) -> a SQL literal with cast: a plausible value for the argument
CREATE FUNCTION pg_temp.dummy(p_name text, p_type regtype) RETURNS text LANGUAGE sql AS $$
    SELECT CASE
        WHEN p_type = 'numeric'::regtype THEN '1::numeric'
        WHEN p_type = 'timestamptz'::regtype THEN quote_literal('2024-01-01T02:00:00Z') || '::timestamptz'
        WHEN p_type = 'jsonb'::regtype THEN quote_literal(CASE p_name WHEN 'p_venue_balances' THEN '{"USDT": "10000"}' ELSE '{}' END) || '::jsonb'
        WHEN p_type = 'text[]'::regtype THEN '''{}''::text[]'
        WHEN p_type = 'integer'::regtype THEN '1'
        WHEN p_type = 'boolean'::regtype THEN 'false'
        WHEN p_type = 'text'::regtype THEN quote_literal(CASE p_name
            WHEN 'p_account' THEN 'fin' WHEN 'p_name' THEN 'fin_new' WHEN 'p_strategy' THEN 's1'
            WHEN 'p_symbol' THEN 'BTC/USDT' WHEN 'p_direction' THEN 'buy' WHEN 'p_order_type' THEN 'limit'
            WHEN 'p_reason' THEN 'pgtap' WHEN 'p_currency' THEN 'USDT' WHEN 'p_base_currency' THEN 'USDT'
            WHEN 'p_venue' THEN 'binance' WHEN 'p_lane' THEN 'paper' WHEN 'p_risk_profile' THEN 'unconstrained'
            WHEN 'p_profile' THEN 'unconstrained' WHEN 'p_limit' THEN 'max_order_notional'
            WHEN 'p_mode' THEN 'abs' WHEN 'p_breaker' THEN 'slippage_bps' WHEN 'p_trip_scope' THEN 'account' WHEN 'p_liquidity' THEN 'taker'
            WHEN 'p_fee_currency' THEN 'USDT' WHEN 'p_scope' THEN '*'
            ELSE 'x' END) || '::text'
        ELSE 'NULL::' || p_type::text END
$$;

-- pg_temp.cases() -> one row per (api routine, numeric argument position, non-finite value): the call
-- and the DETAIL its refusal must carry.
CREATE FUNCTION pg_temp.cases() RETURNS TABLE (routine text, arg text, val text, call text, detail text)
LANGUAGE sql AS $$
    SELECT p.oid::regprocedure::text, a.name, v.val,
           format('SELECT * FROM api.%I(%s)', p.proname,
                  (SELECT string_agg(CASE WHEN b.i = a.i THEN quote_literal(v.val) || '::numeric'
                                          ELSE pg_temp.dummy(b.name, b.typ) END, ', ' ORDER BY b.i)
                     FROM unnest(p.proargtypes::regtype[], p.proargnames[1:p.pronargs]) WITH ORDINALITY b(typ, name, i))),
           format('argument=%s value=%s', a.name, v.val)
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'api'
     CROSS JOIN LATERAL unnest(p.proargtypes::regtype[], p.proargnames[1:p.pronargs]) WITH ORDINALITY a(typ, name, i)
     CROSS JOIN (VALUES ('NaN'), ('Infinity'), ('-Infinity')) v(val)
     WHERE p.prokind = 'f' AND a.typ = 'numeric'::regtype
     ORDER BY 1, a.i, v.val
$$;

-- pg_temp.refusal(sql) -> 'SQLSTATE: DETAIL' of the error the statement raises (NULL if none; its effects
-- are rolled back either way)
CREATE FUNCTION pg_temp.refusal(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_detail text;
BEGIN
    BEGIN
        EXECUTE p_sql;
        RAISE EXCEPTION USING ERRCODE = 'P0004', MESSAGE = 'no error';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
    END;
    RETURN CASE WHEN v_state = 'P0004' THEN NULL ELSE v_state || ': ' || v_detail END;
END
$$;

-- The checks below: 2 per case, plus the fixed ones.
SELECT plan((SELECT 2 * count(*)::integer FROM pg_temp.cases()) + 14);

-- Set-up: an account with cash, an acknowledged open order and a bar, so that every call would otherwise
-- have what it needs.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[4])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('fin', 10000) AS fin \gset
SELECT pg_temp.governed_counts() AS before \gset

SELECT ok((SELECT count(DISTINCT routine) FROM pg_temp.cases()) >= 8,
          'the generated cases cover every api routine with a numeric argument (at least the 8 known today)');
SELECT ok(EXISTS (SELECT FROM pg_temp.cases() WHERE routine LIKE 'api.submit_signal(%' AND arg = 'p_edge_bps'),
          'submit_signal''s expected edge is among the generated cases');

SELECT throws_ok(c.call, 'PD012', NULL, format('%s refuses %s = %s with PD012', c.routine, c.arg, c.val))
  FROM pg_temp.cases() c;
SELECT is(pg_temp.refusal(c.call), 'PD012: ' || c.detail, format('%s names %s in DETAIL', c.routine, c.arg))
  FROM pg_temp.cases() c;

SELECT is(pg_temp.governed_counts(), :'before'::jsonb, 'no governed table gained or lost a row through a non-finite call');

-- Numbers inside jsonb: api.reconcile reads the venue balances as numbers.
SELECT throws_ok($$SELECT * FROM api.reconcile('fin', '2024-01-01T02:00:00Z', '{"USDT": "NaN"}', '{}')$$, 'PD012', NULL,
                 'a NaN venue balance is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.reconcile('fin', '2024-01-01T02:00:00Z', '{"USDT": "Infinity"}', '{}')$$, 'PD012', NULL,
                 'an Infinity venue balance is refused (PD012)');
SELECT is(pg_temp.refusal($$SELECT * FROM api.reconcile('fin', '2024-01-01T02:00:00Z', '{"USDT": "10000", "BTC": "-inf"}', '{}')$$),
          'PD012: argument=p_venue_balances key=BTC value="-inf"', 'the refusal names the argument and the key');
SELECT is(pg_temp.governed_counts(), :'before'::jsonb, 'nothing stored by the refused reconciliations');

-- Every numeric and timestamptz column of the governed tables has its finiteness CHECK.
SELECT is((SELECT coalesce(array_agg(format('%s.%s', c.oid::regclass, a.attname) ORDER BY 1), '{}')
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'ml')
              AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
              AND a.atttypid IN ('numeric'::regtype, 'timestamptz'::regtype)
              AND NOT EXISTS (SELECT FROM pg_constraint k
                               WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated
                                 AND k.conname = left(c.relname || '_' || a.attname || '_is_finite', 63)
                                 AND k.conkey = ARRAY[a.attnum]
                                 AND pg_get_constraintdef(k.oid) ~ '> ''-[Ii]nfinity''.* < ''[Ii]nfinity''')),
          '{}'::text[], 'every numeric and timestamptz column of the governed schemas has a <table>_<column>_is_finite CHECK');
SELECT ok((SELECT count(*) FROM pg_constraint WHERE conname LIKE '%\_is\_finite' AND contype = 'c') >= 100,
          'the finiteness CHECKs are in place (over a hundred columns)');

-- A direct insert (past every door) of a non-finite number or time is refused by the CHECK, by name.
SELECT throws_ok($$INSERT INTO risk.limit_setting (profile, limit_name, revision, mode, value, reason)
                   VALUES ('unconstrained', 'max_order_notional', 999, 'abs', 'NaN', 'pgtap')$$,
                 '23514', 'new row for relation "limit_setting" violates check constraint "limit_setting_value_is_finite"',
                 'a NaN limit inserted directly violates limit_setting_value_is_finite');
SELECT throws_ok($$INSERT INTO risk.limit_setting (profile, limit_name, revision, mode, value, reason)
                   VALUES ('unconstrained', 'max_order_notional', 999, 'abs', 'Infinity', 'pgtap')$$,
                 '23514', 'new row for relation "limit_setting" violates check constraint "limit_setting_value_is_finite"',
                 'an Infinity limit inserted directly violates limit_setting_value_is_finite');
SELECT throws_ok($$INSERT INTO ops.run (run_id, book_id, kind, config, started_at) VALUES ('r-inf', $$ || :fin || $$, 'paper', '{}', 'infinity')$$,
                 '23514', 'new row for relation "run" violates check constraint "run_started_at_is_finite"',
                 'an infinite time inserted directly violates run_started_at_is_finite');
SELECT is(ops.is_finite('NaN'), false, 'ops.is_finite(NaN) is false')
UNION ALL SELECT is(ops.is_finite(-1e-30), true, 'ops.is_finite(-1e-30) is true');

SELECT * FROM finish();
ROLLBACK;
