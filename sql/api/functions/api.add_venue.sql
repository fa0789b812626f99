-- api.add_venue(p_venue, p_name, p_maker_fee_bps, p_taker_fee_bps, p_reason) -> text (inserted | unchanged)
-- Operator. Adds a trading venue (market.venue: its ccxt exchange id, a name and its spot fee tier in basis
-- points) so that its instruments can be stored (api.upsert_instruments) and accounts opened on it. Reference
-- data is added, never changed: the same venue again with the same name and fees is 'unchanged' (nothing
-- written); with other values it is refused (fees already admitted and charged orders; a fee change is an
-- administrator's migration, not an operator's call). Every insert is kept in ops.audit_log (action
-- add_venue, target the venue, args name and fees, actor the session user).
-- PD010 the venue exists with another name or other fees; PD012 an id that is not a lowercase ccxt id
-- ([a-z][a-z0-9_]*), no name, a fee that is negative, above 1000 bps or not finite, or no reason.
-- Tables: market.venue, ops.audit_log.
CREATE OR REPLACE FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric,
                                         p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_old market.venue;
BEGIN
    PERFORM ops._require_finite('api.add_venue', ARRAY['p_maker_fee_bps', 'p_taker_fee_bps'],
                                ARRAY[p_maker_fee_bps, p_taker_fee_bps]);
    IF p_venue IS NULL OR p_venue !~ '^[a-z][a-z0-9_]*$' OR p_name IS NULL OR btrim(p_name) = ''
       OR p_maker_fee_bps IS NULL OR p_taker_fee_bps IS NULL
       OR p_maker_fee_bps NOT BETWEEN 0 AND 1000 OR p_taker_fee_bps NOT BETWEEN 0 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('venue %s refused: invalid id, name or fees', coalesce(p_venue, '<null>')),
            DETAIL = format('venue=%s name=%s maker_fee_bps=%s taker_fee_bps=%s', p_venue, p_name, p_maker_fee_bps, p_taker_fee_bps),
            HINT = 'The id is the ccxt exchange id in lowercase (e.g. binanceus); the name is not empty; fees are 0..1000 basis points.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731651, pg_catalog.hashtext(p_venue));
    SELECT * INTO v_old FROM market.venue v WHERE v.venue = p_venue;
    IF FOUND THEN
        IF (v_old.name, v_old.maker_fee_bps, v_old.taker_fee_bps) = (p_name, p_maker_fee_bps, p_taker_fee_bps) THEN
            RETURN 'unchanged';
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD010', MESSAGE = format('venue %s refused: it exists with another name or fees', p_venue),
            DETAIL = format('stored name=%s maker_fee_bps=%s taker_fee_bps=%s; given name=%s maker_fee_bps=%s taker_fee_bps=%s',
                            v_old.name, v_old.maker_fee_bps, v_old.taker_fee_bps, p_name, p_maker_fee_bps, p_taker_fee_bps),
            HINT = 'Venues are added, never changed (see api.venues); give the stored values, or a new id.';
    END IF;
    PERFORM ops._audit(0, 'add_venue', p_venue,
                       jsonb_build_object('name', p_name, 'maker_fee_bps', p_maker_fee_bps, 'taker_fee_bps', p_taker_fee_bps),
                       p_reason);
    INSERT INTO market.venue (venue, name, maker_fee_bps, taker_fee_bps)
    VALUES (p_venue, p_name, p_maker_fee_bps, p_taker_fee_bps);
    RETURN 'inserted';
END
$$;

COMMENT ON FUNCTION api.add_venue(text, text, numeric, numeric, text) IS
'Operator: adds a trading venue (ccxt id, name, spot maker and taker fee in bps) so that its instruments can be stored; audited. The same values again: unchanged. PD010 exists with other values (venues are added, never changed); PD012 invalid id, empty name, fee outside 0..1000 bps or not finite, no reason.';
