-- ops._update_incident(p_incident, p_action, p_reason) -> text (status after)
-- Internal: the one definition of an incident update (api.update_incident; api.resume resolving the incidents
-- it answers): acknowledges, resolves or comments on an incident (INC-<book>-<seq>), with who (the acting role)
-- and why; audited (incident_<action>). A resolved incident stays resolved. PD011 unknown incident, PD012 bad
-- action or no reason.
CREATE OR REPLACE FUNCTION ops._update_incident(p_incident text, p_action text, p_reason text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_book integer;
    v_seq  bigint;
BEGIN
    IF p_incident !~ '^INC-[0-9]+-[0-9]+$' OR p_action NOT IN ('acknowledged', 'resolved', 'comment') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('incident update refused: %L / %L', p_incident, p_action),
            HINT = 'Name the incident INC-<book>-<seq> (see predator incidents); actions: acknowledged, resolved, comment.';
    END IF;
    v_book := split_part(p_incident, '-', 2)::integer;
    v_seq := split_part(p_incident, '-', 3)::bigint;
    IF NOT EXISTS (SELECT FROM ops.incident i WHERE i.book_id = v_book AND i.seq = v_seq) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown incident %s', p_incident),
            HINT = 'See predator incidents.';
    END IF;
    IF p_action <> 'comment' AND EXISTS (SELECT FROM ops.incident_update u WHERE u.book_id = v_book
                                           AND u.incident_seq = v_seq AND u.action = 'resolved') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('incident %s is already resolved', p_incident),
            HINT = 'Open a new incident for a new problem; comments are still accepted.';
    END IF;
    PERFORM ops._audit(v_book, 'incident_' || p_action, p_incident, '{}', p_reason);
    -- incident_book_id stays NULL: the update lives in its incident's book (migration 0009).
    INSERT INTO ops.incident_update (book_id, incident_seq, action, reason, actor)
    VALUES (v_book, v_seq, p_action, p_reason, ops.actor());
    RETURN (SELECT i.status FROM api.incidents i WHERE i.book_id = v_book AND i.seq = v_seq);
END
$$;

COMMENT ON FUNCTION ops._update_incident(text, text, text) IS 'Internal: acknowledges, resolves or comments on an incident with a reason; audited (api.update_incident, api.resume). PD011 unknown, PD012 invalid or already resolved.';
