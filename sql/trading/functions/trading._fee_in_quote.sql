-- trading._fee_in_quote(p_venue, p_symbol, p_fee, p_fee_currency, p_price, p_ts) -> numeric
-- A fill's fee in the instrument's quote currency: a fee in the quote as it is; a fee in the base at the
-- fill's price; a fee in a third currency (Binance's BNB) at the mark of FEE/QUOTE on the venue at the
-- fill's time (market.marks: the last 1h bar closed by p_ts, within 7 days), 0 when there is no such bar
-- (the fee is still journaled in its own currency; only its quote value, which PnL and the hour's fees
-- count, is unknown). Units: p_fee in p_fee_currency, p_price quote per base; returns quote.
CREATE OR REPLACE FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text,
                                                 p_price numeric, p_ts timestamptz)
RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_quote text := split_part(p_symbol, '/', 2);
    v_mark  numeric;
BEGIN
    IF p_fee = 0 OR p_fee_currency = v_quote THEN
        RETURN p_fee;
    ELSIF p_fee_currency = split_part(p_symbol, '/', 1) THEN
        RETURN p_fee * p_price;
    END IF;
    SELECT m.close INTO v_mark FROM market.marks(p_venue, ARRAY[p_fee_currency || '/' || v_quote], p_ts) m;
    RETURN coalesce(p_fee * v_mark, 0);
END
$$;

COMMENT ON FUNCTION trading._fee_in_quote(text, text, numeric, text, numeric, timestamptz) IS 'Internal: a fill''s fee in quote: as is in the quote, at the fill price in the base, at the FEE/QUOTE mark by the fill''s time in a third currency (0 without a bar within 7 days).';
