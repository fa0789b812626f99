-- 0012_venue_adapters.down.sql — undoes 0012.
-- The venue_fatal_error breaker goes away with its settings unless it has tripped (risk.breaker_trip is
-- append-only and chained: a trip stays, and so does its kind). Fills already recorded with a fee in a
-- third currency stay as they are (append-only); after the downgrade such fees are refused again.
SET LOCAL ROLE predator_owner;

COMMENT ON TABLE trading.fill IS 'Executions reported by the venue: base quantity, price in quote, fee in fee_currency (base or quote). Idempotent on the venue trade id. Append-only, chained per book.';

DO $down$
BEGIN
    IF EXISTS (SELECT FROM risk.breaker_trip t WHERE t.breaker = 'venue_fatal_error') THEN
        RAISE NOTICE 'risk.breaker_trip holds venue_fatal_error trips: the breaker kind and its settings stay';
        RETURN;
    END IF;
    ALTER TABLE risk.breaker_setting DISABLE TRIGGER USER;
    DELETE FROM risk.breaker_setting WHERE breaker = 'venue_fatal_error';
    ALTER TABLE risk.breaker_setting ENABLE TRIGGER USER;
    DELETE FROM risk.breaker_kind WHERE breaker = 'venue_fatal_error';
END
$down$;
