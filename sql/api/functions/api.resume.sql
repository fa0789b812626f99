-- api.resume(p_reason, p_scope, p_target, p_incidents) -> bigint (halt event seq)
-- Operator. Lifts a halt explicitly, with a reason; never automatic. Refused (PD014) when the scope is
-- not halted, while a reconciliation it covers is dirty (the latest comparison of any book for a global
-- or lane resume, of the account for an account or strategy resume, was not clean), or while a
-- severity-1 incident it covers is open (not resolved).
-- Issue 16: p_incidents names the incidents (INC-<book>-<seq>) the resume answers: each one the scope covers
-- (any for a global or lane resume; the book's own and the global ones, book 0, for an account or strategy)
-- is resolved by it first ("answered by the resume of <scope>: <reason>", ops._update_incident, audited; one
-- already resolved is only named) and the list is kept in the resume's audit row (args.incidents). PD011 an
-- unknown incident, PD012 a malformed one or one the scope does not cover.
-- The resume of a global halt is a high-risk action: while the two-person rule holds it consumes a second
-- operator's approval of this login's request (api.request_approval('resume', 'global', reason), api.approve);
-- PD017 without one (ops._require_approval). The rule is checked after the halt and the resumability, so a
-- resume that would be refused anyway says why first.
CREATE OR REPLACE FUNCTION api.resume(p_reason text, p_scope text DEFAULT 'global', p_target text DEFAULT NULL,
                                      p_incidents text[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_scope    record;
    v_incident text;
    v_book     integer;
    v_request  bigint;
    v_args     jsonb := '{}'::jsonb;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);  -- PD012
    END IF;
    IF p_incidents IS NOT NULL AND cardinality(p_incidents) > 0 THEN
        FOREACH v_incident IN ARRAY p_incidents LOOP
            IF v_incident IS NULL OR v_incident !~ '^INC-[0-9]+-[0-9]+$' THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('resume refused: malformed incident %L', v_incident),
                    HINT = 'Name each incident INC-<book>-<seq> (see predator incidents).';
            END IF;
            v_book := split_part(v_incident, '-', 2)::integer;
            IF v_scope.scope_kind IN ('account', 'strategy') AND v_book NOT IN (0, v_scope.book_id) THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012',
                    MESSAGE = format('resume of %s %s refused: incident %s is not one it answers', v_scope.scope_kind,
                                     v_scope.scope_key, v_incident),
                    HINT = 'An account or strategy resume answers the account''s own incidents and the global ones (INC-0-n).';
            END IF;
            IF NOT EXISTS (SELECT FROM api.incidents i WHERE i.incident = v_incident AND i.status = 'resolved') THEN
                PERFORM ops._update_incident(v_incident, 'resolved',
                    format('answered by the resume of %s %s: %s', v_scope.scope_kind, v_scope.scope_key, p_reason));
            END IF;
        END LOOP;
        v_args := jsonb_build_object('incidents', to_jsonb(p_incidents));
    END IF;
    -- Dirty reconciliation, open severity-1 incident: the one rule, shared with api.resume_strategy.
    PERFORM risk._require_resumable(format('resume of %s %s', v_scope.scope_kind, v_scope.scope_key),
                                    v_scope.scope_kind, v_scope.scope_key, v_scope.book_id);
    IF v_scope.scope_kind = 'global' THEN
        IF NOT EXISTS (SELECT FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.active) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD014',
                MESSAGE = format('resume refused: %s %s is not halted', v_scope.scope_kind, v_scope.scope_key),
                HINT = 'See api.halts for the active halts.';
        END IF;
        v_request := ops._require_approval('resume', 'global', '{}'::jsonb, 'resume of global *');
        IF v_request IS NOT NULL THEN
            v_args := v_args || jsonb_build_object('approval', v_request);
        END IF;
    END IF;
    PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, v_args, p_reason);
    RETURN risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'resume', p_reason, 'operator', NULL);
END
$$;

COMMENT ON FUNCTION api.resume(text, text, text, text[]) IS 'Operator: lifts a halt at a scope with a reason (never automatic), resolving the incidents it names as answered (p_incidents); PD014 when the scope is not halted, reconciliation is dirty or a severity-1 incident is open; a global resume consumes a second operator''s approval while the two-person rule holds (PD017 without one). Audited.';
