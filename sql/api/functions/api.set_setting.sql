-- api.set_setting(p_name, p_value, p_reason) -> integer (revision)
-- Operator. Sets an operator setting of the database (ops.setting; a new revision, history kept, audited).
-- Settings: max_clock_skew_seconds (0..3600): how far a business time may run ahead of the wall clock
-- before the api routines refuse it (PD015) and gate 14 reports it; reconcile_tolerance (0..1): the largest
-- balance difference per currency that api.reconcile still counts as clean; live_burn_in_days (0..365): the
-- forward (sync-fed) paper or shadow days a strategy needs on a venue before a live account may register it;
-- the notifier's alert_dedup_window_seconds (0..86400), alert_rate_limit_per_minute (1..600, per channel) and
-- alert_max_attempts (1..20) (docs/operator.md, "Alerts"); two_person_rule (0 or 1, on when unset): 0 lets
-- one operator resume a global halt and set limits above their policy alone; turning it off (1 -> 0) is itself
-- a high-risk action that consumes a second operator's approval (PD017 without one; docs/operator.md), and so
-- is raising reconcile_tolerance or max_clock_skew_seconds above the value in force (lowering them needs no
-- approval) and lowering live_burn_in_days below it (30 when unset; raising it needs no approval);
-- retention_log_days, retention_report_days, retention_chaos_days (whole days 0..3650, 0 = for ever): how long
-- `predator retention apply` keeps log files, reports and chaos work directories (files only, never rows;
-- docs/recovery.md, "Retention"); the model promotion gate's thresholds (api.evaluate_promotion, docs/ml.md):
-- ml_min_confidence (0.5..0.9999, the DSR threshold and MinTRL's confidence), ml_pbo_max (0..1),
-- ml_paper_max_drawdown, ml_live_canary_max_drawdown (0..1), ml_paper_max_turnover, ml_live_canary_max_turnover
-- (0..1000); lowering ml_min_confidence or raising the others above the value in force needs an approval;
-- ml_min_slippage_bps (0..500, bps of notional): the least slippage a model's recorded out-of-sample figures may
-- assume (the gate's costs_understated), lowering it needs an approval; the retraining job's drift rule
-- (predator.ml.drift, docs/ml.md "Retraining"): ml_drift_psi_threshold (0.01..10), raising it needs an approval,
-- ml_drift_ks_alpha and ml_drift_hit_rate_alpha (0.0001..0.5), lowering them needs an approval (less drift is
-- detected either way).
-- Raises PD011 for an unknown setting, PD012 for a value outside its range or not finite, or no reason, PD017
-- for a high-risk change without an approval.
-- Tables: ops.setting, ops.audit_log.
CREATE OR REPLACE FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text)
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
    v_max numeric;
    v_min numeric;
    v_request bigint;
    v_current numeric;
BEGIN
    PERFORM ops._require_finite('api.set_setting', ARRAY['p_value'], ARRAY[p_value]);
    IF p_name IS NULL OR p_name NOT IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                                        'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts',
                                        'two_person_rule', 'retention_log_days', 'retention_report_days',
                                        'retention_chaos_days', 'ml_min_confidence', 'ml_pbo_max',
                                        'ml_paper_max_drawdown', 'ml_paper_max_turnover',
                                        'ml_live_canary_max_drawdown', 'ml_live_canary_max_turnover',
                                        'ml_min_slippage_bps', 'ml_drift_psi_threshold', 'ml_drift_ks_alpha',
                                        'ml_drift_hit_rate_alpha') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown setting %L', p_name),
            DETAIL = format('name=%s', p_name),
            HINT = 'Settings: max_clock_skew_seconds, reconcile_tolerance, live_burn_in_days, alert_dedup_window_seconds, alert_rate_limit_per_minute, alert_max_attempts, two_person_rule, retention_log_days, retention_report_days, retention_chaos_days, ml_min_confidence, ml_pbo_max, ml_paper_max_drawdown, ml_paper_max_turnover, ml_live_canary_max_drawdown, ml_live_canary_max_turnover, ml_min_slippage_bps, ml_drift_psi_threshold, ml_drift_ks_alpha, ml_drift_hit_rate_alpha.';
    END IF;
    v_max := CASE p_name WHEN 'max_clock_skew_seconds' THEN 3600 WHEN 'live_burn_in_days' THEN 365
                         WHEN 'alert_dedup_window_seconds' THEN 86400 WHEN 'alert_rate_limit_per_minute' THEN 600
                         WHEN 'alert_max_attempts' THEN 20
                         WHEN 'retention_log_days' THEN 3650 WHEN 'retention_report_days' THEN 3650
                         WHEN 'retention_chaos_days' THEN 3650 WHEN 'ml_min_confidence' THEN 0.9999
                         WHEN 'ml_paper_max_turnover' THEN 1000 WHEN 'ml_live_canary_max_turnover' THEN 1000
                         WHEN 'ml_min_slippage_bps' THEN 500 WHEN 'ml_drift_psi_threshold' THEN 10
                         WHEN 'ml_drift_ks_alpha' THEN 0.5 WHEN 'ml_drift_hit_rate_alpha' THEN 0.5 ELSE 1 END;
    v_min := CASE WHEN p_name IN ('alert_rate_limit_per_minute', 'alert_max_attempts') THEN 1
                  WHEN p_name = 'ml_min_confidence' THEN 0.5 WHEN p_name = 'ml_drift_psi_threshold' THEN 0.01
                  WHEN p_name IN ('ml_drift_ks_alpha', 'ml_drift_hit_rate_alpha') THEN 0.0001 ELSE 0 END;
    IF p_value IS NULL OR p_value < v_min OR p_value > v_max
       OR (p_name IN ('alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule', 'retention_log_days',
                      'retention_report_days', 'retention_chaos_days') AND p_value <> trunc(p_value)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('setting %s refused: value %s is out of range', p_name, p_value),
            DETAIL = format('name=%s value=%s', p_name, p_value),
            HINT = 'max_clock_skew_seconds is 0..3600 seconds; reconcile_tolerance is 0..1 (in each currency); live_burn_in_days is 0..365; alert_dedup_window_seconds is 0..86400; alert_rate_limit_per_minute 1..600 and alert_max_attempts 1..20 are whole numbers; two_person_rule is 0 or 1; retention_*_days are whole days 0..3650 (0 = for ever); ml_min_confidence is 0.5..0.9999; ml_pbo_max and ml_*_max_drawdown are 0..1; ml_*_max_turnover is 0..1000; ml_min_slippage_bps is 0..500; ml_drift_psi_threshold is 0.01..10; ml_drift_ks_alpha and ml_drift_hit_rate_alpha are 0.0001..0.5.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -4);
    IF p_name = 'two_person_rule' AND p_value = 0 THEN   -- no-op while the rule is off
        v_request := ops._require_approval('set_setting', 'two_person_rule', jsonb_build_object('value', 0),
                                           'set_setting two_person_rule 0 (one operator alone)');
    END IF;
    -- Loosening a threshold that decides a halt or a refusal is a high-risk action (no-op while the rule is
    -- off): a wider reconciliation tolerance hides a desync that would halt, a wider clock skew admits business
    -- times further ahead of the wall clock, a shorter burn-in lets a strategy onto a live account with less
    -- forward record (api.register_strategy's PD014). Tightening needs no one else.
    v_current := CASE p_name WHEN 'reconcile_tolerance' THEN ops.reconcile_tolerance()
                             WHEN 'max_clock_skew_seconds' THEN extract(epoch FROM ops.clock_skew())
                             WHEN 'live_burn_in_days' THEN coalesce(ops.setting_value('live_burn_in_days'), 30)
                             ELSE ops.setting_value(p_name) END;
    -- The model promotion gate's thresholds (api.evaluate_promotion) likewise: a lower confidence, a higher
    -- PBO, drawdown or turnover ceiling admits a model the gate would refuse; a lower slippage floor admits figures
    -- that assumed cheaper trading; a higher PSI threshold or a lower drift test level detects less drift.
    IF (p_name IN ('reconcile_tolerance', 'max_clock_skew_seconds') AND p_value > v_current)
       OR (p_name IN ('live_burn_in_days', 'ml_min_confidence', 'ml_min_slippage_bps', 'ml_drift_ks_alpha',
                      'ml_drift_hit_rate_alpha') AND p_value < v_current)
       OR (p_name IN ('ml_pbo_max', 'ml_paper_max_drawdown', 'ml_paper_max_turnover', 'ml_live_canary_max_drawdown',
                      'ml_live_canary_max_turnover', 'ml_drift_psi_threshold') AND p_value > v_current) THEN
        v_request := ops._require_approval('set_setting', p_name, jsonb_build_object('value', p_value),
                                           format('set_setting %s %s (from %s; one operator alone)', p_name, p_value, v_current));
    END IF;
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM ops.setting s WHERE s.name = p_name;
    PERFORM ops._audit(0, 'set_setting', p_name, jsonb_build_object('value', p_value, 'revision', v_rev)
                       || CASE WHEN v_request IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('approval', v_request) END, p_reason);
    INSERT INTO ops.setting (name, revision, value, reason, actor) VALUES (p_name, v_rev, p_value, p_reason, ops.actor());
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_setting(text, numeric, text) IS 'Operator: sets an operator setting (new revision; audited): max_clock_skew_seconds 0..3600, how far business time may run ahead of the wall clock; reconcile_tolerance 0..1, the balance difference reconciliation still counts as clean; live_burn_in_days 0..365, the forward paper or shadow days before live; alert_dedup_window_seconds 0..86400, alert_rate_limit_per_minute 1..600, alert_max_attempts 1..20, the notifier''s pacing; two_person_rule 0|1 (turning it off needs a second operator''s approval, PD017, as does raising reconcile_tolerance or max_clock_skew_seconds or lowering live_burn_in_days); retention_log_days, retention_report_days, retention_chaos_days 0..3650 whole days (0 = for ever), how long predator retention apply keeps log files, reports and chaos work directories (files, never rows); ml_min_confidence 0.5..0.9999, ml_pbo_max 0..1, ml_<lane>_max_drawdown 0..1, ml_<lane>_max_turnover 0..1000, the model promotion gate''s thresholds, ml_min_slippage_bps 0..500, the least slippage a model''s figures may assume, ml_drift_psi_threshold 0.01..10, ml_drift_ks_alpha and ml_drift_hit_rate_alpha 0.0001..0.5, the retraining job''s drift rule (loosening one — a lower confidence, slippage floor or test level, a higher ceiling or PSI threshold — needs an approval). PD011 unknown setting, PD012 value out of range or not finite, PD017 a high-risk change without an approval.';
