-- ops._audit_system(p_book_id, p_action, p_target, p_args, p_reason) -> bigint (audit seq)
-- Internal: an audit row (the change log) of an action the database took by itself, with actor 'system': the
-- demotion of a session that breached its lane's envelope at an hour close, inside the worker's transaction,
-- is no act of the worker's login.
CREATE OR REPLACE FUNCTION ops._audit_system(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO ops.audit_log (book_id, action, target, args, reason, actor, correlation_id)
    VALUES (coalesce(p_book_id, 0), p_action, coalesce(p_target, '*'), coalesce(p_args, '{}'::jsonb), p_reason, 'system',
            ops.correlation_id())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION ops._audit_system(integer, text, text, jsonb, text) IS 'Internal: appends an audit row with actor system (an action the database took by itself, e.g. an automatic demotion), with the session''s correlation id.';
