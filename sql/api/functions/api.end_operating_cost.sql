-- api.end_operating_cost(p_account, p_name, p_effective_from, p_reason) -> integer (revision)
-- Operator. Ends a declared operating cost from business hour p_effective_from: a revision with active false
-- (nothing accrues from that hour); audited. PD011 an unknown account or a cost the book never declared or
-- already ended; PD012 a time not on the hour or no reason; PD013 an hour already closed; PD015 a future time.
CREATE OR REPLACE FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamptz, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_cur  ledger.operating_cost;
    v_last timestamptz;
BEGIN
    PERFORM ops._require_business_time('api.end_operating_cost', ARRAY['p_effective_from'], ARRAY[p_effective_from]);
    v_acct := trading._account(p_account);
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_cur FROM ledger.operating_cost o WHERE o.book_id = v_acct.book_id AND o.name = p_name
     ORDER BY o.revision DESC LIMIT 1;
    IF NOT FOUND OR NOT v_cur.active THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('end of operating cost %L refused: the book has no active cost of that name', p_name),
            DETAIL = format('account=%s name=%s', p_account, p_name), HINT = 'See api.operating_costs.';
    END IF;
    IF p_effective_from IS NULL OR date_trunc('hour', p_effective_from) <> p_effective_from THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('end of operating cost %s refused: %s is not a whole hour', p_name, p_effective_from),
            DETAIL = format('account=%s effective_from=%s', p_account, p_effective_from), HINT = 'A cost ends at the start of an hour.';
    END IF;
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id;
    IF v_last IS NOT NULL AND p_effective_from <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('end of operating cost %s refused: effective %s is not after the last closed hour %s', p_name, p_effective_from, v_last),
            DETAIL = format('account=%s effective_from=%s last_closed=%s', p_account, p_effective_from, v_last),
            HINT = 'Accruals already posted are never rewritten: end the cost from a later hour.';
    END IF;
    PERFORM ops._audit(v_acct.book_id, 'end_operating_cost', p_account || '/' || p_name,
        jsonb_build_object('name', p_name, 'effective_from', p_effective_from, 'revision', v_cur.revision + 1), p_reason);
    INSERT INTO ledger.operating_cost (book_id, name, revision, active, amount, currency, period, effective_from, reason, actor)
    VALUES (v_acct.book_id, p_name, v_cur.revision + 1, false, v_cur.amount, v_cur.currency, v_cur.period, p_effective_from,
            p_reason, ops.actor());
    RETURN v_cur.revision + 1;
END
$$;

COMMENT ON FUNCTION api.end_operating_cost(text, text, timestamptz, text) IS 'Operator: ends a declared operating cost from a business hour after the last closed one (a revision with active false; audited). PD011 no active cost of that name, PD012 bad hour or no reason, PD013 an hour already closed, PD015 future time.';
