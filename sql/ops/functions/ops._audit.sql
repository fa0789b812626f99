-- ops._audit(p_book_id, p_action, p_target, p_args, p_reason) -> bigint (audit seq)
-- Appends one operator action to ops.audit_log (actor = ops.actor(), correlation_id = ops.correlation_id(): the
-- session's advisory correlation id, NULL when unset or malformed). Raises PD012 without a reason.
CREATE OR REPLACE FUNCTION ops._audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seq bigint;
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('%s refused: an operator action needs a reason', p_action),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    INSERT INTO ops.audit_log (book_id, action, target, args, reason, actor, correlation_id)
    VALUES (coalesce(p_book_id, 0), p_action, coalesce(p_target, '*'), coalesce(p_args, '{}'::jsonb), p_reason, ops.actor(),
            ops.correlation_id())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION ops._audit(integer, text, text, jsonb, text) IS 'Appends an operator action (who = session_user, what, target, arguments, why) to ops.audit_log, with the session''s correlation id (ops.correlation_id(): advisory, caller-supplied, NULL when malformed; never a decision input); PD012 without a reason.';
