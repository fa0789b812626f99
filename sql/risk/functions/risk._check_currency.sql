-- risk._check_currency(p_trade_currencies, p_missing_rates, p_quote, p_side) -> text[] (reason codes)
-- Internal, for admission (issue 13 item 6): quote_currency_mismatch when the instrument's quote (p_quote:
-- portfolio._quote_figures) is neither the book's reporting currency nor a currency enabled for the book
-- (api.enable_book_currency), any side; conversion_rate_missing for an entry (buy) when the quote, or any
-- currency the book's equity counts (p_missing_rates from portfolio.valuation), has no conversion rate into the
-- reporting currency: without it the caps cannot be compared.
CREATE OR REPLACE FUNCTION risk._check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text)
RETURNS text[]
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN NOT (p_quote ->> 'quote' = ANY (p_trade_currencies)) THEN ARRAY['quote_currency_mismatch']
        WHEN p_side = 'buy' AND (p_quote ->> 'rate' IS NULL OR cardinality(p_missing_rates) > 0) THEN ARRAY['conversion_rate_missing']
        ELSE '{}'::text[] END
$$;

COMMENT ON FUNCTION risk._check_currency(text[], text[], jsonb, text) IS 'Internal: quote_currency_mismatch (the quote is neither the reporting currency nor enabled for the book) and, for an entry, conversion_rate_missing (no rate for the quote or for a currency the equity counts).';
