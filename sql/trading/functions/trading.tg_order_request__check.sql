-- trading.tg_order_request__check() — BEFORE INSERT row trigger on trading.order_request.
-- Defence in depth for the halt (DESIGN.md §3.8): no order is created while a halt covers it, whoever
-- inserts it, except the reduce-only exits the kill switch or a risk flatten creates (PD008).
-- The instrument must exist on the account's venue (PD011).
CREATE OR REPLACE FUNCTION trading.tg_order_request__check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct   trading.account;
    v_halts  text[];
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = NEW.book_id;
    IF NOT EXISTS (SELECT FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = NEW.symbol) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('order refused: %s is not an instrument of venue %s', NEW.symbol, v_acct.venue),
            HINT = 'Load the venue''s markets (predator data markets) or fix the symbol.';
    END IF;
    IF NEW.origin = 'signal' OR NOT NEW.reduce_only THEN
        v_halts := risk._active_halts(v_acct.name, v_acct.lane, NEW.strategy);
        IF cardinality(v_halts) > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'PD008',
                MESSAGE = format('order %s refused: trading is halted (%s)', NEW.client_order_id, array_to_string(v_halts, ', ')),
                HINT = 'An operator lifts a halt with api.resume(reason) after inspection; nothing resumes by itself.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_order_request__check() IS 'Refuses any order request created while a halt covers it (PD008), except reduce-only kill-switch or risk-flatten exits, and orders on unknown instruments (PD011).';
