-- portfolio._exposure(p_lines, p_symbol, p_cluster, p_quote) -> (position_qty, instrument, cluster, quote)
-- Internal, for admission: from the lines of portfolio.valuation, the position held in p_symbol (base units) and
-- the exposure (positions at mark + open buys, reporting currency) of the symbol, of its cluster and of the
-- instruments quoted in p_quote.
CREATE OR REPLACE FUNCTION portfolio._exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text)
RETURNS TABLE (position_qty numeric, instrument numeric, cluster numeric, quote numeric)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(sum((l ->> 'quantity')::numeric) FILTER (WHERE l ->> 'symbol' = p_symbol), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'symbol' = p_symbol), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'cluster' = p_cluster), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'quote' = p_quote), 0)
      FROM jsonb_array_elements(p_lines) l
$$;

COMMENT ON FUNCTION portfolio._exposure(jsonb, text, text, text) IS 'Internal: from portfolio.valuation''s lines, the position in a symbol and the exposure (positions at mark + open buys, reporting currency) of the symbol, its cluster and its quote currency.';
