-- api.set_arbitration(p_profile, p_rule, p_reason) -> integer (revision)
-- Operator. Sets how the books of a risk profile arbitrate when two strategies disagree on a symbol in the same
-- hour (issue 13 item 2, docs/risk.md): refuse_both (the default) refuses the later signal
-- (arbitration_refused) and cancels the earlier one's order; priority lets the higher trading.strategy.priority
-- win (the lower is refused arbitration_lost, or its order cancelled), a tie refusing both; net offsets the
-- opposing quantities and trades the larger side's residual, owned by one strategy (arbitration_netted;
-- risk._net_arbitration). A new revision of risk.arbitration_setting and an audit row. PD011 unknown profile;
-- PD012 unknown rule or no reason.
CREATE OR REPLACE FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_rev integer;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L', p_profile),
            HINT = 'See risk.profile (api.limits lists the profiles in use).';
    END IF;
    IF p_rule IS NULL OR p_rule NOT IN ('refuse_both', 'priority', 'net') OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('set_arbitration refused: rule %L', p_rule),
            DETAIL = format('profile=%s rule=%s reason=%s', p_profile, p_rule, p_reason),
            HINT = 'Rules: refuse_both (default), priority or net; give a reason.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);  -- the lock api.set_limit takes
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.arbitration_setting s WHERE s.profile = p_profile;
    INSERT INTO risk.arbitration_setting (profile, revision, rule, reason, actor)
    VALUES (p_profile, v_rev, p_rule, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_arbitration', p_profile, jsonb_build_object('rule', p_rule, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_arbitration(text, text, text) IS 'Operator: sets the arbitration rule of a risk profile (refuse_both, priority or net) for strategies that disagree on a symbol in the same hour; new revision, audited. PD011 unknown profile, PD012 unknown rule or no reason.';
