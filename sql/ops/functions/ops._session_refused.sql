-- ops._session_refused(p_errcode, p_what, p_codes, p_figures) -> void (raises when p_codes is not empty)
-- Internal: the refusal of a session action by its rules, naming every rule that failed as a reason code:
-- MESSAGE '<what> refused: code, code', DETAIL 'reasons=code,code figures=<json>', HINT one line per code (what
-- must change first). p_errcode is PD022 (start, resume, set_lane) or PD023 (promotion).
CREATE OR REPLACE FUNCTION ops._session_refused(p_errcode text, p_what text, p_codes text[], p_figures jsonb)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hint text;
BEGIN
    IF p_codes IS NULL OR cardinality(p_codes) = 0 THEN
        RETURN;
    END IF;
    SELECT string_agg(c || ': ' || CASE c
        WHEN 'lane_budget' THEN 'the lane''s running and suspended allocations would exceed its capital budget (api.lanes); complete, roll back or demote a session, or raise the budget (api.set_lane, two-person rule)'
        WHEN 'lane_currency' THEN 'the allocation''s currency is not the lane''s (api.lanes); set the lane''s currency with api.set_lane or schedule in it'
        WHEN 'lane_changed' THEN 'the account is no longer in the session''s lane; roll this session back and schedule one in the account''s lane'
        WHEN 'account_has_active_session' THEN 'the account runs another session; complete or roll it back first'
        WHEN 'halted_global' THEN 'a global halt is in force; resume it first (api.resume, two-person rule)'
        WHEN 'halted_lane' THEN 'the lane is halted; resume it first (api.resume scope lane)'
        WHEN 'halted_strategy' THEN 'the session''s strategy is halted; resume it first (api.resume scope strategy)'
        WHEN 'reconciliation_dirty' THEN 'the book''s latest reconciliation is dirty; reconcile clean first'
        WHEN 'open_severity1_incident' THEN 'a severity-1 incident of the account or a global one is open; resolve it first (api.update_incident)'
        WHEN 'session_not_running' THEN 'only a running session is promoted; resume it first'
        WHEN 'not_canary' THEN 'only a session of the live_canary lane, with its account in that lane, is promoted'
        WHEN 'no_closed_hours' THEN 'no hour of the account closed while the session ran: there is no evidence yet'
        WHEN 'min_days' THEN 'the session has not run the lane''s minimum days (api.lanes min_days) of closed hours'
        WHEN 'drawdown_envelope' THEN 'the session''s drawdown from its peak went beyond the lane''s max_drawdown_pct'
        WHEN 'daily_loss_envelope' THEN 'the account''s loss today is beyond the lane''s max_daily_loss_pct'
        WHEN 'not_promoted' THEN 'only a session of the live_promoted lane is demoted'
        ELSE 'see docs/operator.md, "Lanes and sessions"' END, ' | ' ORDER BY o)
      INTO v_hint FROM unnest(p_codes) WITH ORDINALITY AS x(c, o);
    RAISE EXCEPTION USING ERRCODE = p_errcode,
        MESSAGE = format('%s refused: %s', p_what, array_to_string(p_codes, ', ')),
        DETAIL = format('reasons=%s figures=%s', array_to_string(p_codes, ','), coalesce(p_figures, '{}'::jsonb)),
        HINT = v_hint;
END
$$;

COMMENT ON FUNCTION ops._session_refused(text, text, text[], jsonb) IS 'Internal: raises p_errcode (PD022 session refused, PD023 promotion refused) naming every failed rule as a reason code (MESSAGE and DETAIL reasons=...) with one hint per code; returns when there is none.';
