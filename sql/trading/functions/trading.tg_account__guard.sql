-- trading.tg_account__guard() — BEFORE UPDATE on trading.account (trigger _010_guard)
-- An account is never changed but for its lane, and its lane only to the lane of its latest trading.account_lane
-- row, from the lane that row left (trading._set_account_lane writes the row, then the UPDATE). Anything else is
-- refused with PD001.
CREATE OR REPLACE FUNCTION trading.tg_account__guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_last trading.account_lane;
BEGIN
    SELECT * INTO v_last FROM trading.account_lane l WHERE l.book_id = OLD.book_id ORDER BY l.seq DESC LIMIT 1;
    IF (NEW.book_id, NEW.name, NEW.mode, NEW.venue, NEW.base_currency, NEW.initial_principal, NEW.risk_profile, NEW.created_at)
       IS DISTINCT FROM
       (OLD.book_id, OLD.name, OLD.mode, OLD.venue, OLD.base_currency, OLD.initial_principal, OLD.risk_profile, OLD.created_at)
       OR (NEW.lane IS DISTINCT FROM OLD.lane
           AND NOT (v_last.to_lane IS NOT DISTINCT FROM NEW.lane AND v_last.from_lane IS NOT DISTINCT FROM OLD.lane)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('trading.account %s: an account never changes but for its lane, and its lane only by a promotion or a demotion', OLD.name),
            HINT = 'Promote with api.promote_session or demote with api.demote_session (each with a second operator''s approval); both record trading.account_lane.';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_account__guard() IS 'Trigger: trading.account is immutable but for lane, which changes only to the lane of its latest trading.account_lane row (PD001 otherwise).';
