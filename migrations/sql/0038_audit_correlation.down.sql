-- 0038_audit_correlation.down.sql — undoes 0038 (the correlation ids of audit rows are lost; no hash covers them).
SET LOCAL ROLE predator_owner;

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
    INSERT INTO ops.audit_log (book_id, action, target, args, reason, actor)
    VALUES (coalesce(p_book_id, 0), p_action, coalesce(p_target, '*'), coalesce(p_args, '{}'::jsonb), p_reason, ops.actor())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;
DROP FUNCTION IF EXISTS ops.correlation_id();
ALTER TABLE ops.audit_log DROP COLUMN correlation_id;
