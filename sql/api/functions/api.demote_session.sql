-- api.demote_session(p_session, p_reason) -> text (the account's lane after: live_canary)
-- Operator. Demotes a live_promoted session (ops._demote_session, the same path as an envelope breach at an hour
-- close): the session is rolled back, its account returns to live_canary and is halted (a new canary session,
-- started within the canary budget, lets it trade again). It reduces risk, so it needs no second operator.
-- Audited (demote_session). PD022 (not_promoted) for a session of another lane; PD021 for a final one; PD012 no
-- reason; PD011 an unknown session.
CREATE OR REPLACE FUNCTION api.demote_session(p_session bigint, p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s ops.session := ops._session(p_session);
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'demote_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    RETURN ops._demote_session(v_s.session_id, 'operator', p_reason, NULL, NULL, NULL);
END
$$;

COMMENT ON FUNCTION api.demote_session(bigint, text) IS 'Operator: demotes a live_promoted session: rolled back, its account back to live_canary and halted (no approval: it reduces risk). PD022 not_promoted, PD021 final, PD012 no reason. Audited.';
