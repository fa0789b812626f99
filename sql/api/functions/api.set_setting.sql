-- api.set_setting(p_name, p_value, p_reason) -> integer (revision)
-- Operator. Sets an operator setting of the database (ops.setting; a new revision, history kept, audited).
-- Settings: max_clock_skew_seconds (0..3600): how far a business time may run ahead of the wall clock
-- before the api routines refuse it (PD015) and gate 14 reports it; reconcile_tolerance (0..1): the largest
-- balance difference per currency that api.reconcile still counts as clean; live_burn_in_days (0..365): the
-- forward (sync-fed) paper or shadow days a strategy needs on a venue before a live account may register it.
-- Raises PD011 for an unknown setting, PD012 for a value outside its range or not finite, or no reason.
-- Tables: ops.setting, ops.audit_log.
CREATE OR REPLACE FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rev integer;
    v_max numeric;
BEGIN
    PERFORM ops._require_finite('api.set_setting', ARRAY['p_value'], ARRAY[p_value]);
    IF p_name IS NULL OR p_name NOT IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown setting %L', p_name),
            DETAIL = format('name=%s', p_name),
            HINT = 'Settings: max_clock_skew_seconds, reconcile_tolerance, live_burn_in_days.';
    END IF;
    v_max := CASE p_name WHEN 'max_clock_skew_seconds' THEN 3600 WHEN 'live_burn_in_days' THEN 365 ELSE 1 END;
    IF p_value IS NULL OR p_value < 0 OR p_value > v_max THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('setting %s refused: value %s is out of range', p_name, p_value),
            DETAIL = format('name=%s value=%s', p_name, p_value),
            HINT = 'max_clock_skew_seconds is 0..3600 seconds; reconcile_tolerance is 0..1 (in each currency); live_burn_in_days is 0..365.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -4);
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM ops.setting s WHERE s.name = p_name;
    PERFORM ops._audit(0, 'set_setting', p_name, jsonb_build_object('value', p_value, 'revision', v_rev), p_reason);
    INSERT INTO ops.setting (name, revision, value, reason, actor) VALUES (p_name, v_rev, p_value, p_reason, ops.actor());
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_setting(text, numeric, text) IS 'Operator: sets an operator setting (new revision; audited): max_clock_skew_seconds 0..3600, how far business time may run ahead of the wall clock; reconcile_tolerance 0..1, the balance difference reconciliation still counts as clean; live_burn_in_days 0..365, the forward paper or shadow days before live. PD011 unknown setting, PD012 value out of range or not finite.';
