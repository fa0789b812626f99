-- risk._set_halt(p_scope_kind, p_scope_key, p_book_id, p_action, p_reason, p_source, p_ts, p_incident)
--   -> bigint (event seq)
-- Records a halt or resume at one scope and updates risk.halt_state. A global or lane halt takes the
-- halt lock exclusively first, so it waits for admissions in flight and every later admission sees it
-- (DESIGN.md §3.8); an account or strategy halt takes its book's lock, which every admission of that
-- book holds (lock order everywhere: halt lock, then book lock).
-- A resume of a scope that is not halted raises PD014. p_ts: business time for system halts.
-- Every halt has an incident: p_incident when the caller opened one (a breaker trip, a reconciliation
-- mismatch, a withdrawal), else one is opened here, category risk: severity 1 for a global halt the
-- system decided (it blocks api.resume until resolved), 2 for an operator's halt or a narrower scope.
CREATE OR REPLACE FUNCTION risk._set_halt(
    p_scope_kind text, p_scope_key text, p_book_id integer, p_action text,
    p_reason text, p_source text, p_ts timestamptz, p_incident bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seq    bigint;
    v_active boolean;
BEGIN
    IF p_scope_kind IN ('global', 'lane') THEN
        PERFORM ops._lock_halts(true);
    ELSE
        PERFORM ops._lock_book(p_book_id);
    END IF;
    SELECT h.active INTO v_active FROM risk.halt_state h WHERE h.scope_kind = p_scope_kind AND h.scope_key = p_scope_key;
    IF p_action = 'resume' AND NOT coalesce(v_active, false) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume refused: %s %s is not halted', p_scope_kind, p_scope_key),
            HINT = 'See api.halts for the active halts.';
    END IF;
    IF p_action = 'halt' AND p_incident IS NULL THEN
        PERFORM ops._open_incident(coalesce(p_book_id, 0),
            CASE WHEN p_scope_kind = 'global' AND p_source = 'system' THEN 1 ELSE 2 END, 'risk',
            p_scope_kind || ':' || p_scope_key, format('%s halt of %s %s', p_source, p_scope_kind, p_scope_key), p_reason,
            jsonb_build_object('hours', CASE WHEN p_ts IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(p_ts) END),
            p_ts, p_source);
    END IF;
    INSERT INTO risk.halt_event (book_id, scope_kind, scope_key, action, reason, source, actor, ts, effective_at)
    VALUES (coalesce(p_book_id, 0), p_scope_kind, p_scope_key, p_action, p_reason, p_source,
            CASE p_source WHEN 'system' THEN 'system' ELSE ops.actor() END, p_ts, clock_timestamp())
    RETURNING seq INTO v_seq;
    INSERT INTO risk.halt_state AS h (scope_kind, scope_key, active, reason, since)
    VALUES (p_scope_kind, p_scope_key, p_action = 'halt', p_reason, clock_timestamp())
    ON CONFLICT (scope_kind, scope_key) DO UPDATE
        SET active = EXCLUDED.active, reason = EXCLUDED.reason,
            since = CASE WHEN h.active = EXCLUDED.active THEN h.since ELSE EXCLUDED.since END;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION risk._set_halt(text, text, integer, text, text, text, timestamptz, bigint) IS 'Internal: records a halt or resume at a scope (global and lane under the exclusive halt lock, account and strategy under the book lock), updates risk.halt_state and makes sure every halt has an incident; PD014 when resuming a scope that is not halted.';
