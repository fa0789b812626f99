-- grants/70_multi_currency.sql — multi-currency books (issue 13 item 6) and the one valuation (issue 17 item 1).
-- The operator enables a book's extra quote currencies; the auditor may compute the valuation and the conversion
-- rates (gates 11 and 20 recompute with them).
GRANT EXECUTE ON FUNCTION api.enable_book_currency(text, text, text, boolean) TO predator_operator;
GRANT EXECUTE ON FUNCTION
    market.conversion_rate(text, text, text, timestamptz, bigint, bigint),
    market.bar_known(text, text, timestamptz, bigint, interval),
    market.bars_known(text, text[], timestamptz, bigint, interval),  -- the rule bar_known, last_bar and marks read
    portfolio.valuation(integer, timestamptz),
    portfolio._to_reporting(text, text, text, numeric, timestamptz)
TO predator_auditor;
