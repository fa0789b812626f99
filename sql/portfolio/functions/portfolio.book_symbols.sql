-- portfolio.book_symbols(p_book_id, p_hour) -> text[] (sorted, distinct)
-- The symbols an hour of a book covers (issue 17 item 4: thresholds live in the database): the hour's inputs
-- (api.close_hour's inputs hash) and the set the stale-data and data-quality breakers watch (stale_data_hours,
-- flat_feed_hours, bar_outlier_pct). Derived from what the database records, never a worker argument:
--   * the symbols and conversion pairs (config 'symbols' and 'rate_symbols') of the book's latest registered
--     run (ops.run; a run id is fixed to its configuration, PD010 on a change), so a runner's hour covers every
--     feed it reads, as it passed them before;
--   * every symbol the book holds (trading.position, quantity > 0);
--   * every symbol with an open order of the book (trading.order_state new, open, partially_filled);
--   * every symbol the book submitted a signal for in the week before p_hour (trading.signal, any strategy and
--     direction; the week is the look-back of a mark, market.marks), so a worker cannot trade a symbol outside
--     its run's configuration without the breaker watching it.
-- A symbol of the set without a bar within the week has no mark and trips nothing (it cannot be traded at all:
-- its signals are refused with data_stale).
-- PL/pgSQL, not SQL: a SQL function with a SET clause is neither inlined nor cached, so this query was parsed and
-- planned again at every hour close; its plan is now kept for the session (the same query, the same array).
CREATE OR REPLACE FUNCTION portfolio.book_symbols(p_book_id integer, p_hour timestamptz)
RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_symbols text[];
BEGIN
    WITH run AS (
        SELECT r.config FROM ops.run r WHERE r.book_id = p_book_id ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1
    )
    SELECT coalesce(array_agg(DISTINCT s.symbol ORDER BY s.symbol), '{}') INTO v_symbols
      FROM (SELECT e.symbol
              FROM run, LATERAL (VALUES (run.config -> 'symbols'), (run.config -> 'rate_symbols')) v(list),
                   LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.list) = 'array' THEN v.list ELSE '[]'::jsonb END) e(symbol)
            UNION
            SELECT q.symbol FROM trading.position q WHERE q.book_id = p_book_id AND q.quantity > 0
            UNION
            SELECT o.symbol FROM trading.order_state o
             WHERE o.book_id = p_book_id AND o.status IN ('new', 'open', 'partially_filled')
            UNION
            SELECT g.symbol FROM trading.signal g
             WHERE g.book_id = p_book_id AND g.ts > p_hour - interval '7 days' AND g.ts < p_hour) s;
    RETURN v_symbols;
END
$$;

COMMENT ON FUNCTION portfolio.book_symbols(integer, timestamptz) IS 'The symbols an hour of a book covers (inputs hash, stale-data and data-quality breakers): the latest registered run''s symbols and conversion pairs, every held symbol, every symbol with an open order and every symbol signalled in the week before the hour. Never a worker argument (issue 17 item 4).';
