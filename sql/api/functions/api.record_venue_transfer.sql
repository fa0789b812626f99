-- api.record_venue_transfer(p_account, p_kind, p_currency, p_amount, p_venue_ref, p_ts) -> text ('recorded' | 'duplicate')
-- Worker. Relays a deposit or withdrawal seen on the venue account (idempotent on the venue's reference).
-- Predator has no code path that withdraws: a withdrawal seen here halts trading globally and opens a
-- severity-1 incident. A deposit is recorded; it reaches the ledger only through an operator's
-- api.deposit, so until then reconciliation reports the difference.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing); a business time that is infinite or later
-- than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric,
                                                     p_venue_ref text, p_ts timestamptz)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_inc  bigint;
BEGIN
    PERFORM ops._require_finite('api.record_venue_transfer', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.record_venue_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_kind NOT IN ('deposit', 'withdrawal') OR p_amount IS NULL OR p_amount <= 0 OR p_venue_ref IS NULL OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue transfer refused: kind, positive amount, reference and time are required',
            DETAIL = format('kind=%s amount=%s ref=%s', p_kind, p_amount, p_venue_ref),
            HINT = 'kind is deposit or withdrawal, as the venue reports it.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    IF EXISTS (SELECT FROM ops.venue_transfer t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref) THEN
        RETURN 'duplicate';
    END IF;
    INSERT INTO ops.venue_transfer (book_id, kind, currency, amount, venue_ref, ts)
    VALUES (v_acct.book_id, p_kind, p_currency, p_amount, p_venue_ref, p_ts);
    IF p_kind = 'withdrawal' THEN
        v_inc := ops._open_incident(v_acct.book_id, 1, 'risk', 'global',
            format('withdrawal seen on the venue account of %s', p_account),
            format('%s %s withdrawn (venue reference %s) at %s; Predator never withdraws', p_amount, p_currency, p_venue_ref, p_ts),
            jsonb_build_object('venue_ref', p_venue_ref, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
        IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            PERFORM risk._set_halt('global', '*', 0, 'halt',
                format('withdrawal of %s %s seen on %s (incident %s of account %s)', p_amount, p_currency, p_account, v_inc, p_account),
                'system', p_ts, v_inc);
        END IF;
    END IF;
    RETURN 'recorded';
END
$$;

COMMENT ON FUNCTION api.record_venue_transfer(text, text, text, numeric, text, timestamptz) IS 'Worker: records a deposit or withdrawal seen on the venue (idempotent on the venue reference); any withdrawal halts globally and opens a severity-1 incident.';
