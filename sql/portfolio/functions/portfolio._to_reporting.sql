-- portfolio._to_reporting(p_venue, p_reporting, p_currency, p_amount, p_ts) -> numeric
-- An amount in p_currency in the reporting currency at business time p_ts: the amount itself in the reporting
-- currency; else amount × market.conversion_rate(p_venue, p_currency, p_reporting, p_ts), 0 without a rate.
-- api.close_hour converts each fill's fee and each allocation's realized PnL (in its instrument's quote) at the
-- fill's or allocation's own time; gate 11 recomputes them the same way.
CREATE OR REPLACE FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric,
                                                   p_ts timestamptz)
RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_currency = p_reporting OR p_amount = 0 THEN
        RETURN p_amount;
    END IF;
    RETURN p_amount * coalesce((SELECT r.rate FROM market.conversion_rate(p_venue, p_currency, p_reporting, p_ts) r), 0);
END
$$;

COMMENT ON FUNCTION portfolio._to_reporting(text, text, text, numeric, timestamptz) IS 'Internal: an amount in a currency converted into the reporting currency at p_ts (market.conversion_rate; as is in the reporting currency, 0 without a rate).';
