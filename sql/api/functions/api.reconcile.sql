-- api.reconcile(p_account, p_ts, p_venue_balances, p_venue_open_orders, p_kind)
--   -> (clean, diffs, reconciliation_seq)
-- Worker. Compares the book with the venue's truth and stores the comparison (ops.reconciliation):
--   balances: the trading ledger balance per currency vs p_venue_balances {"USDT": "123.45", ...}
--             (totals); a difference above the operator setting reconcile_tolerance
--             (ops.reconcile_tolerance(); never a worker argument) is a mismatch;
--   open orders: the book's acknowledged open orders (open, partially_filled) vs p_venue_open_orders
--             (client order ids): missing on either side is a mismatch.
-- A new mismatch (differing from the previous comparison's) halts trading globally (system halt, lifted
-- only by an operator), opens a severity-1 execution incident with the differences and trips the
-- reconciliation-desync breaker; their evidence names the comparison by {ts, kind}, not by its seq (a restart's
-- start-up rows shift the seqs a replay would see). Returns clean = true when everything agrees.
-- Issue 9: NaN or ±Infinity in a numeric argument or in the venue balances: PD012 (first thing); a business time
-- that is infinite or later than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.reconcile(
    p_account text, p_ts timestamptz, p_venue_balances jsonb, p_venue_open_orders text[],
    p_kind text DEFAULT 'hourly')
RETURNS TABLE (clean boolean, diffs jsonb, reconciliation_seq bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- plans built once per session, not per hour (docs/performance.md "Plans and statistics")
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct   trading.account;
    v_book   jsonb;
    v_orders text[];
    v_diffs  jsonb;
    v_seq    bigint;
    v_ref    jsonb;
    v_inc    bigint;
    v_prev_diffs jsonb;
    v_since  timestamptz;
    v_venue  jsonb;
    v_tolerance numeric := ops.reconcile_tolerance();
BEGIN
    PERFORM ops._require_finite_json('api.reconcile', 'p_venue_balances', p_venue_balances);
    PERFORM ops._require_business_time('api.reconcile', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_venue_balances IS NULL OR jsonb_typeof(p_venue_balances) <> 'object' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'reconcile refused: the venue balances must be a JSON object',
            HINT = 'Pass {"<currency>": "<total>", ...} as the venue reports it, and the business time.';
    END IF;
    -- Balances in canonical form (numbers without trailing zeros, zero balances left out), so that the
    -- stored comparison does not depend on how the venue or the book happens to scale a number.
    SELECT coalesce(jsonb_object_agg(e.key, trim_scale(e.value::numeric) ORDER BY e.key), '{}'::jsonb) INTO v_venue
      FROM jsonb_each_text(p_venue_balances) e WHERE e.value::numeric <> 0;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT r.diffs INTO v_prev_diffs FROM ops.reconciliation r WHERE r.book_id = v_acct.book_id ORDER BY r.seq DESC LIMIT 1;

    SELECT coalesce(jsonb_object_agg(b.currency, trim_scale(b.balance) ORDER BY b.currency), '{}'::jsonb) INTO v_book
      FROM ledger.balance b
     WHERE b.book_id = v_acct.book_id AND b.account_code = 'trading' AND b.balance <> 0;
    SELECT coalesce(array_agg(s.client_order_id ORDER BY s.client_order_id), '{}') INTO v_orders
      FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.status IN ('open', 'partially_filled');

    SELECT coalesce(jsonb_agg(d ORDER BY d->>'kind', d->>'key'), '[]'::jsonb) INTO v_diffs
      FROM (
        SELECT jsonb_build_object('kind', 'balance', 'key', c.ccy, 'book', coalesce((v_book ->> c.ccy)::numeric, 0),
                                  'venue', coalesce((v_venue ->> c.ccy)::numeric, 0),
                                  'difference', coalesce((v_venue ->> c.ccy)::numeric, 0) - coalesce((v_book ->> c.ccy)::numeric, 0)) AS d
          FROM (SELECT jsonb_object_keys(v_book) AS ccy UNION SELECT jsonb_object_keys(v_venue)) c
         WHERE abs(coalesce((v_venue ->> c.ccy)::numeric, 0) - coalesce((v_book ->> c.ccy)::numeric, 0)) > v_tolerance
        UNION ALL
        SELECT jsonb_build_object('kind', 'order_missing_at_venue', 'key', o) FROM unnest(v_orders) o
         WHERE NOT (o = ANY (coalesce(p_venue_open_orders, '{}')))
        UNION ALL
        SELECT jsonb_build_object('kind', 'order_unknown_to_book', 'key', o) FROM unnest(coalesce(p_venue_open_orders, '{}')) o
         WHERE NOT (o = ANY (v_orders))) x;

    INSERT INTO ops.reconciliation (book_id, kind, ts, venue_balances, book_balances, venue_open_orders, book_open_orders,
                                    tolerance, diffs, clean)
    VALUES (v_acct.book_id, p_kind, p_ts, v_venue, v_book, coalesce(p_venue_open_orders, '{}'), v_orders,
            v_tolerance, v_diffs, v_diffs = '[]'::jsonb)
    RETURNING seq INTO v_seq;
    -- The evidence names the comparison by its business time and kind, never by its seq: a restart's start-up
    -- comparisons take seqs an uninterrupted run (a replay) does not have, and the evidence is hashed.
    v_ref := jsonb_build_object('ts', p_ts, 'kind', p_kind);

    IF v_diffs <> '[]'::jsonb AND v_diffs IS DISTINCT FROM v_prev_diffs THEN
        v_inc := ops._open_incident(v_acct.book_id, 1, 'execution', 'global',
            format('reconciliation mismatch on %s', p_account),
            format('%s difference(s) between the book and the venue at %s: %s', jsonb_array_length(v_diffs), p_ts, v_diffs),
            jsonb_build_object('reconciliation', v_ref, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
        IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            PERFORM risk._set_halt('global', '*', 0, 'halt',
                format('reconciliation mismatch on %s (incident %s of account %s)', p_account, v_inc, p_account), 'system', p_ts,
                v_inc);
        END IF;
        -- The desync breaker records the trip (risk.breaker_trip, linked to the incident above; the global halt above
        -- already stopped trading).
        v_since := p_ts - risk._window_hours(v_acct.book_id, 'reconciliation_desync');
        PERFORM risk._check_breaker(v_acct.book_id, 'reconciliation_desync', p_ts,
            (SELECT count(*) FROM ops.reconciliation r WHERE r.book_id = v_acct.book_id AND NOT r.clean
                AND r.ts > v_since), 1,
            jsonb_build_object('reconciliation', v_ref, 'diffs', v_diffs, 'incident', v_inc));  -- a breaker_trip row, linked to v_inc
    END IF;
    RETURN QUERY SELECT v_diffs = '[]'::jsonb, v_diffs, v_seq;
END
$$;

COMMENT ON FUNCTION api.reconcile(text, timestamptz, jsonb, text[], text) IS 'Worker: compares the book''s trading balances and open orders with the venue''s, stores the comparison; any difference beyond the operator''s reconcile_tolerance setting halts globally and opens a severity-1 incident.';
