-- api.halt(p_reason, p_scope, p_target) -> bigint (halt event seq)
-- Operator. One call halts trading: SELECT api.halt('reason') halts globally; p_scope account|lane|strategy
-- with p_target halts one scope. From the moment it commits no order is admitted at that scope; only an
-- explicit api.resume lifts it. Audited. PD012 without a reason or with a bad scope.
CREATE OR REPLACE FUNCTION api.halt(p_reason text, p_scope text DEFAULT 'global', p_target text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_scope record;
    v_seq   bigint;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    PERFORM ops._audit(v_scope.book_id, 'halt', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);
    v_seq := risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'halt', p_reason, 'operator', NULL);
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION api.halt(text, text, text) IS 'Operator kill of new orders: SELECT api.halt(''reason'') halts globally; p_scope account|lane|strategy with p_target halts one scope. Nothing resumes by itself. Audited.';
