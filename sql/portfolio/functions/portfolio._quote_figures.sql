-- portfolio._quote_figures(p_currencies, p_quote, p_notional) -> jsonb
-- Internal, for admission: the instrument's quote currency as portfolio.valuation saw it, recorded in the
-- decision's figures -> 'valuation': {quote, rate, rate_symbol, rate_bar_close, inverted, quote_cash (the trading
-- balance in the quote), quote_open_buys (open buys of instruments quoted in it, in the quote), notional_value
-- (p_notional × rate: the order in the reporting currency; 0 without a rate, which refuses the entry)}. A quote the
-- book does not hold or trade (refused quote_currency_mismatch) has no cash figures (null), so that refusal stands
-- alone.
CREATE OR REPLACE FUNCTION portfolio._quote_figures(p_currencies jsonb, p_quote text, p_notional numeric)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object(
               'quote', p_quote, 'rate', c -> 'rate', 'rate_symbol', c -> 'symbol', 'rate_bar_close', c -> 'bar_close',
               'inverted', c -> 'inverted',
               'quote_cash', (c ->> 'cash')::numeric,
               'quote_open_buys', (c ->> 'open_buys')::numeric,
               'notional_value', p_notional * coalesce((c ->> 'rate')::numeric, 0))
      FROM (SELECT p_currencies -> p_quote AS c) x
$$;

COMMENT ON FUNCTION portfolio._quote_figures(jsonb, text, numeric) IS 'Internal: the quote currency''s rate, cash, open buys and the order''s notional in the reporting currency, as admission records them under figures -> ''valuation''.';
