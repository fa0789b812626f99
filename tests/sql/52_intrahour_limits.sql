-- 52_intrahour_limits.sql — the intra-hour loss limits after a fill (risk._evaluate_intrahour; issue 18,
-- docs/performance.md "The fill path").
--
-- The limits a fill is checked against are the ones risk._evaluate_hour applies; risk._evaluate_intrahour values the
-- book only when its risk profile sets at least one of them. Checked here: its list of limits is the one
-- risk._evaluate_hour reads (a limit added there and not here would go unchecked after fills); a book on the default
-- profile (daily_loss_halt 10 %) is valued after a fill and stopped (the paper book moves to reducing) by one that
-- loses more than 10 % of its day-start equity; a book on the unconstrained profile (none of them set) takes the
-- same fill without being valued or stopped; before the first closed hour nothing is checked or valued.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(6);

SET LOCAL track_functions = 'pl';

-- The names of the limits a function reads with risk.cap(v_limits, '<name>', ...).
CREATE FUNCTION pg_temp.limit_names(p_fn regprocedure, p_pattern text) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) FROM regexp_matches(pg_get_functiondef(p_fn), p_pattern, 'g') m $$;
SELECT is((SELECT array_agg(x ORDER BY x) FROM unnest(string_to_array(
              (regexp_match(pg_get_functiondef('risk._evaluate_intrahour(integer, timestamptz)'::regprocedure),
                            $$c_limits constant text\[\] := ARRAY\[([^]]*)\]$$))[1], ', ')) x),
          (SELECT array_agg(quote_literal(n) ORDER BY n)
             FROM unnest(pg_temp.limit_names('risk._evaluate_hour(integer, timestamptz, numeric, numeric, numeric, jsonb)'::regprocedure,
                                             $$risk\.cap\(v_limits, '([a-z_]+)'$$)) n),
          'risk._evaluate_intrahour lists exactly the limits risk._evaluate_hour applies');

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 100, 100, 100, 100, 100]::numeric[]) AS bars \gset

-- Valuations (portfolio.valuation calls) made by a trade of p_qty BTC filled at p_price, decided at p_hour.
CREATE FUNCTION pg_temp.valuations_by_fill(p_account text, p_hour integer, p_qty numeric, p_price numeric, p_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_before bigint;
    v_dec    record;
    v_ts     timestamptz := '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour';
BEGIN
    SELECT * INTO v_dec FROM pg_temp.signal(p_account, 'BTC/USDT', v_ts, 'buy', p_qty);
    PERFORM api.record_order_event(v_dec.client_order_id, 'acknowledged', v_ts, 'V-' || p_id);
    v_before := coalesce((SELECT f.calls FROM pg_stat_xact_user_functions f
                           WHERE f.schemaname = 'portfolio' AND f.funcname = 'valuation'), 0);
    PERFORM api.record_fill(v_dec.client_order_id, p_id, v_dec.quantity, p_price, 0, 'USDT', 'taker',
                            v_ts + interval '1 minute');
    RETURN coalesce((SELECT f.calls FROM pg_stat_xact_user_functions f
                      WHERE f.schemaname = 'portfolio' AND f.funcname = 'valuation'), 0) - v_before;
END $$;

SELECT pg_temp.new_account('ih_default', 10000, 'default') AS d, pg_temp.new_account('ih_open', 10000, 'unconstrained') AS u \gset
SELECT is(pg_temp.valuations_by_fill('ih_default', 1, 1, 100, 'D1'), 0::bigint,
          'before the first closed hour a fill is not valued, whatever the profile');
SELECT 1 FROM api.close_hour('ih_default', '2024-01-01T02:00:00Z') a, api.close_hour('ih_open', '2024-01-01T02:00:00Z') b;

-- 10 BTC filled at 250 against a mark of 100: cash -2,500, position +1,000, a loss of 1,500 (15 % of 10,000).
SELECT is(pg_temp.valuations_by_fill('ih_default', 2, 10, 250, 'D2'), 1::bigint,
          'default profile: the fill is valued once for its intra-hour limits');
SELECT is((SELECT c.state FROM risk.state_current c WHERE c.book_id = :d AND c.scope_kind = 'book'), 'reducing',
          'default profile: a fill losing 15 % of the day-start equity trips daily_loss_halt (10 %) at once: the paper book reduces');
SELECT is(pg_temp.valuations_by_fill('ih_open', 2, 10, 250, 'U2'), 0::bigint,
          'unconstrained profile (no loss limit set): the same fill is not valued');
SELECT is((SELECT count(*) FROM risk.state_current c WHERE c.book_id = :u AND c.state <> 'normal'), 0::bigint,
          'unconstrained profile: the same fill changes no risk state');

SELECT * FROM finish();
ROLLBACK;
