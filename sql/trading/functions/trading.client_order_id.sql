-- trading.client_order_id(p_account, p_strategy, p_symbol, p_ts, p_direction) -> text
-- Deterministic client order id: 'PD' || first 30 hex digits of
-- sha256('<account>|<strategy>|<symbol>|<ts as unix seconds>|<direction>'). 32 characters, valid on
-- Binance (newClientOrderId, max 36) and Kraken (cl_ord_id). The same decision always gives the same id,
-- so a retried submission cannot create a second order.
CREATE OR REPLACE FUNCTION trading.client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamptz, p_direction text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 'PD' || left(encode(sha256(convert_to(
    concat_ws('|', p_account, p_strategy, p_symbol, extract(epoch FROM p_ts)::bigint::text, p_direction), 'UTF8')), 'hex'), 30) $$;

COMMENT ON FUNCTION trading.client_order_id(text, text, text, timestamptz, text) IS 'Deterministic 32-character client order id: PD + 30 hex digits of sha256(account|strategy|symbol|unix ts|direction).';
