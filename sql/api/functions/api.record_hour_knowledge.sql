-- api.record_hour_knowledge(p_account, p_hour, p_symbols, p_interval) -> (symbol, load_id)
-- Worker. For a run fed by the live sync: fixes what the hour p_hour (its close time, UTC) knows of the
-- market. Takes the advisory lock of every feed (venue of the account, symbol, p_interval) in symbol order
-- — the lock api.load_candles takes before it draws a load id — so no load of these feeds commits until
-- the caller's transaction ends; records per symbol the feed's highest load_id (NULL: nothing loaded) in
-- portfolio.hour_knowledge and returns it. Call it first in the transaction that closes the hour
-- (api.close_hour): the bars the hour decides on (api.candles_known) and the bars its inputs hash covers
-- are then the same. Idempotent within the hour: an hour already recorded returns what was recorded.
-- PD011 unknown account; PD012 misaligned hour, empty or NULL symbols, unknown interval; PD013 an hour
-- already closed (the record would come after the decision); PD015 an infinite hour or one later than
-- the wall clock plus the operator's max_clock_skew_seconds.
-- Tables read: trading.account, market.candle_load, portfolio.hourly_state, portfolio.hour_knowledge.
CREATE OR REPLACE FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamptz, p_symbols text[],
                                                     p_interval text DEFAULT '1h')
RETURNS TABLE (symbol text, load_id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_symbol text;
BEGIN
    PERFORM ops._require_business_time('api.record_hour_knowledge', ARRAY['p_hour'], ARRAY[p_hour]);
    v_acct := trading._account(p_account);
    IF p_hour IS NULL OR date_trunc('hour', p_hour) <> p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_hour_knowledge refused: %s is not a whole hour', p_hour),
            HINT = 'Pass the close time of the hour, for example 2024-03-01T13:00:00Z.';
    END IF;
    IF p_symbols IS NULL OR cardinality(p_symbols) = 0 OR array_position(p_symbols, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'record_hour_knowledge refused: give the run''s symbols (a non-empty array without NULL)',
            HINT = 'Pass the symbols the run trades, e.g. ARRAY[''BTC/USD''].';
    END IF;
    IF p_interval IS NULL OR market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_hour_knowledge refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id AND h.hour >= p_hour) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('record_hour_knowledge refused: the hour %s of %s is already closed', p_hour, p_account),
            HINT = 'Record what an hour knows in the transaction that closes it, before api.close_hour.';
    END IF;
    -- The loads' own lock (api.load_candles): loads of these feeds wait until this transaction ends.
    FOREACH v_symbol IN ARRAY ARRAY(SELECT DISTINCT s FROM unnest(p_symbols) s ORDER BY 1) LOOP
        PERFORM pg_catalog.pg_advisory_xact_lock(1349731650,
            pg_catalog.hashtext(v_acct.venue || '|' || v_symbol || '|' || p_interval));
    END LOOP;
    INSERT INTO portfolio.hour_knowledge (book_id, hour, symbol, interval, load_id)
    SELECT v_acct.book_id, p_hour, s.sym, p_interval,
           (SELECT max(l.load_id) FROM market.candle_load l
             WHERE l.venue = v_acct.venue AND l.symbol = s.sym AND l.interval = p_interval)
      FROM (SELECT DISTINCT u AS sym FROM unnest(p_symbols) u) s
    ON CONFLICT DO NOTHING;
    RETURN QUERY
    SELECT k.symbol, k.load_id FROM portfolio.hour_knowledge k
     WHERE k.book_id = v_acct.book_id AND k.hour = p_hour AND k.interval = p_interval AND k.symbol = ANY (p_symbols)
     ORDER BY k.symbol;
END
$$;

COMMENT ON FUNCTION api.record_hour_knowledge(text, timestamptz, text[], text) IS 'Worker: for a run fed by the live sync, locks the feeds of p_symbols against new loads until the transaction ends and records (portfolio.hour_knowledge) and returns each feed''s last load id: what the hour p_hour decides on. Call first in the transaction that closes the hour. PD011, PD012, PD013, PD015.';
