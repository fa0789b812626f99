-- api.close_hours(p_account, p_hours, p_correlation_ids, p_venue_balances, p_venue_open_orders, p_calls, p_errors)
--   -> one row of hourly state per hour closed (the columns of api.close_hour)
-- Worker. Quiet hours in one call (issue 18 item 2; docs/performance.md "Quiet hours in one call"): for each hour of
-- p_hours, in order, exactly what the hour step sends for an hour with no venue event, no transfer and no
-- decision: the hour's correlation id (predator.correlation_id, as the worker sets it for the hour), then
-- api.reconcile(p_account, hour, p_venue_balances, p_venue_open_orders), api.record_venue_health(p_account, hour,
-- p_calls[i], p_errors[i], true) and api.close_hour(p_account, hour). Every rule is the called routine's, applied
-- as it is for a single hour: this routine adds none (it reads only the book's last closed hour, to refuse a
-- stretch that does not follow it) and writes nothing itself, so the rows and hashes are those of the per-hour
-- calls. It stops after the first hour whose close leaves an order open or a halt in force (the worker then has
-- the venue's requests to carry out before the next hour) and returns the hours it closed; the caller goes on
-- hour by hour from there.
-- PD012: arrays NULL, empty, longer than 168 hours or of different lengths, hours not consecutive whole hours, a
-- negative count; PD013: a first hour not after the book's last closed hour; PD015: an hour that is infinite or
-- later than the wall clock plus max_clock_skew_seconds; and whatever the called routines refuse (the statement
-- fails as a whole: nothing of the stretch is stored).
CREATE OR REPLACE FUNCTION api.close_hours(
    p_account text, p_hours timestamptz[], p_correlation_ids text[], p_venue_balances jsonb,
    p_venue_open_orders text[], p_calls integer[], p_errors integer[])
RETURNS TABLE (hour timestamptz, cash numeric, positions_value numeric, equity numeric, peak_equity numeric,
               drawdown numeric, daily_pnl numeric, realized_pnl numeric, unrealized_pnl numeric, fees numeric,
               gross_exposure numeric, open_orders integer, stale_marks text[], positions jsonb,
               inputs_hash text, outputs_hash text, halts text[])
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    n      integer := coalesce(cardinality(p_hours), 0);
    i      integer;
    v_row  record;
    v_acct trading.account;
    v_last timestamptz;
BEGIN
    IF n = 0 OR n > 168 OR array_ndims(p_hours) <> 1
       OR coalesce(cardinality(p_correlation_ids), -1) <> n OR coalesce(cardinality(p_calls), -1) <> n
       OR coalesce(cardinality(p_errors), -1) <> n THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('close_hours refused: %s hours with %s correlation ids, %s call counts and %s error counts',
                             n, cardinality(p_correlation_ids), cardinality(p_calls), cardinality(p_errors)),
            HINT = 'Pass 1 to 168 consecutive hours and, for each, its correlation id and the venue calls and errors since the previous report.';
    END IF;
    PERFORM ops._require_business_time('api.close_hours', array_fill('p_hours'::text, ARRAY[n]), p_hours);
    FOR i IN 1 .. n LOOP
        IF p_hours[i] IS NULL OR date_trunc('hour', p_hours[i], 'UTC') <> p_hours[i]
           OR (i > 1 AND p_hours[i] <> p_hours[i - 1] + interval '1 hour')
           OR p_calls[i] IS NULL OR p_calls[i] < 0 OR p_errors[i] IS NULL OR p_errors[i] < 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('close_hours refused: hour %s of the call (%s, %s calls, %s errors) does not follow the one before as a whole hour with counts',
                                 i, p_hours[i], p_calls[i], p_errors[i]),
                HINT = 'Pass consecutive whole hours (close times, UTC) and non-negative counts.';
        END IF;
    END LOOP;
    -- Only hours not closed yet (api.close_hour would return a closed hour's state again, but its reconciliation
    -- and venue-health report would be new rows no hour step sends).
    v_acct := trading._account(p_account);
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id;
    IF p_hours[1] <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('close_hours refused: %s is not after the last closed hour %s', p_hours[1], v_last),
            HINT = 'Quiet hours follow the last closed hour; hours close in order and once.';
    END IF;
    FOR i IN 1 .. n LOOP
        PERFORM set_config('predator.correlation_id', coalesce(p_correlation_ids[i], ''), false);
        PERFORM api.reconcile(p_account, p_hours[i], p_venue_balances, p_venue_open_orders, 'hourly');
        PERFORM api.record_venue_health(p_account, p_hours[i], p_calls[i], p_errors[i], true, '{}'::jsonb);
        SELECT * INTO v_row FROM api.close_hour(p_account, p_hours[i]);
        hour := v_row.hour; cash := v_row.cash; positions_value := v_row.positions_value; equity := v_row.equity;
        peak_equity := v_row.peak_equity; drawdown := v_row.drawdown; daily_pnl := v_row.daily_pnl;
        realized_pnl := v_row.realized_pnl; unrealized_pnl := v_row.unrealized_pnl; fees := v_row.fees;
        gross_exposure := v_row.gross_exposure; open_orders := v_row.open_orders; stale_marks := v_row.stale_marks;
        positions := v_row.positions; inputs_hash := v_row.inputs_hash; outputs_hash := v_row.outputs_hash;
        halts := v_row.halts;
        RETURN NEXT;
        EXIT WHEN v_row.open_orders > 0 OR cardinality(v_row.halts) > 0;
    END LOOP;
END
$$;

COMMENT ON FUNCTION api.close_hours(text, timestamptz[], text[], jsonb, text[], integer[], integer[]) IS 'Worker: quiet hours in one call: for each consecutive hour, under its correlation id, api.reconcile, api.record_venue_health and api.close_hour exactly as the hour step calls them for an hour without venue activity or decisions (no rule of its own: the rows and hashes are the per-hour calls''). Stops after an hour that leaves an order open or a halt in force; returns the hours closed. PD012 malformed arrays or hours, PD013 a first hour not after the last closed one, PD015.';
