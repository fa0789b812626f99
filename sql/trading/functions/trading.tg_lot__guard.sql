-- trading.tg_lot__guard() — BEFORE UPDATE row trigger on trading.lot.
-- Lots are append-only except remaining, which may only decrease (an allocation consumed it). PD001.
CREATE OR REPLACE FUNCTION trading.tg_lot__guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (to_jsonb(NEW) - 'remaining') IS DISTINCT FROM (to_jsonb(OLD) - 'remaining') OR NEW.remaining > OLD.remaining THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('update of lot %s/%s refused: only remaining may change, and only downwards', OLD.symbol, OLD.lot_no),
            HINT = 'Lots are consumed by sell fills (api.record_fill); corrections are new rows.';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_lot__guard() IS 'Lots are append-only except remaining, which only an allocation may decrease; PD001 otherwise.';
