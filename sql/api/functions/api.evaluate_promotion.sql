-- api.evaluate_promotion(p_model_id, p_lane, p_reason) -> (seq, passed, reasons, figures)
-- Operator. The model promotion gate (issue 19 item 5; docs/ml.md, "Registry and promotion gate"): judges a
-- registered model for a lane ('paper' or 'live_canary') from the governed record alone and records the decision
-- in ml.promotion (append-only, chained in book 0) with an audit row (ops.audit_log, book 0). A passed decision
-- makes the model the champion of its family on that lane (the view ml.champion: the latest passed promotion);
-- a refusal moves nothing. The thresholds are operator settings (ops.setting, api.set_setting), never arguments:
-- ml_min_confidence (0.95), ml_pbo_max (0.2), ml_<lane>_max_drawdown, ml_<lane>_max_turnover.
-- The out-of-sample tests are judged on the model's holdout folds alone (kind 'holdout', migration 0046: the
-- periods after its selection window, read by neither training nor selection), on both lanes; the walk_forward
-- folds (the selection window, on which the selected trial was chosen) are required as selection evidence and
-- reported, never pooled with the hold-out. live_canary adds its own tests on the forward folds.
-- Costs: every recorded figure is net of the fee and slippage the model's trainer assumed, recorded at registration
-- in its params (validation.fee_bps, validation.slippage_bps, bps of notional per change of position; the venue
-- in dataset.venue). The gate checks them against the database: the venue's taker fee (market.venue) and the
-- operator setting ml_min_slippage_bps (2).
-- Reason codes, in this order (passed exactly when there is none):
--   costs_not_recorded      the model's params lack a numeric validation.fee_bps or validation.slippage_bps, or
--                           name no venue of the database (dataset.venue): what its figures paid is unknown;
--   costs_understated       its recorded fee_bps is below the venue's taker fee, or its slippage_bps below
--                           ml_min_slippage_bps in force: its figures assumed cheaper trading than the database's;
--   no_oos_folds            the model has no walk_forward fold (ml.fold_metric): no selection evidence;
--   no_holdout              the model has no holdout fold: nothing out of sample to judge;
--   oos_below_buy_and_hold  its hold-out log return net of fees and slippage does not beat buy-and-hold on the
--                           same hours (sum over the holdout folds);
--   champion_hours_differ   the lane's champion of the family has no holdout fold on one of the candidate's
--                           holdout periods, so the two cannot be compared on the same hours;
--   oos_below_champion      the candidate's hold-out net log return does not beat the champion's over the same
--                           periods;
--   no_trials_recorded      the family has no trial in ml.trial (no honest N);
--   oos_statistics_invalid  the pooled hold-out returns have no positive variance or moments outside the domain
--                           of the deflated Sharpe ratio;
--   dsr_below_threshold     DSR = ml.deflated_sharpe_ratio(SR of the pooled hold-out returns, V = sample
--                           variance of the family's trial Sharpe ratios (0 for one trial), N = the family's trial
--                           count, n, skew, kurtosis of the pooled hold-out returns) < ml_min_confidence;
--   pbo_not_computable      two or more of the family's trials carry returns, of different lengths;
--   pbo_above_threshold     PBO = ml.pbo of the family's trials' returns (T×N; S = 8 blocks when T >= 32, 4 when
--                           T >= 8, else 2; the oldest T mod S rows dropped) > ml_pbo_max (not judged when fewer
--                           than two trials carry returns);
--   drawdown_above_limit    the worst holdout fold drawdown > ml_<lane>_max_drawdown (live_canary: forward folds
--                           too);
--   turnover_above_limit    the n-weighted mean holdout turnover > ml_<lane>_max_turnover (live_canary: forward
--                           folds too);
--   not_on_paper            (live_canary) the model has no passed paper promotion;
--   track_record_too_short  (live_canary) its forward (paper or shadow) folds hold fewer observations than
--                           MinTRL = ml.min_track_record_length(SR of the pooled forward returns, 0, skew,
--                           kurtosis, ml_min_confidence), rounded up — or none, or a Sharpe ratio not above 0.
-- figures: every number the gate computed (JSON): oos_* the walk_forward (selection) folds pooled, reported only;
-- holdout_* the holdout folds pooled, judged. Evaluations of one family are serialised.
-- PD011 an unknown model; PD012 an unknown lane or no reason.
-- Tables: ml.model, ml.trial, ml.fold_metric, ml.promotion (and its chain head), market.venue, ops.setting,
-- ops.audit_log.
CREATE OR REPLACE FUNCTION api.evaluate_promotion(p_model_id text, p_lane text, p_reason text)
RETURNS TABLE (seq bigint, passed boolean, reasons text[], figures jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_model    ml.model;
    v_conf     double precision;
    v_pbo_max  double precision;
    v_mdd_max  double precision;
    v_to_max   double precision;
    v_wf       record;
    v_ho       record;
    v_fw       record;
    v_champ    text;
    v_matched  integer;
    v_ch_net   double precision;
    v_n        bigint;
    v_var      double precision;
    v_dsr      double precision;
    v_k        integer;
    v_lengths  integer;
    v_t        integer;
    v_s        integer;
    v_matrix   double precision[];
    v_pbo      double precision;
    v_mdd      double precision;
    v_turnover double precision;
    v_mintrl   double precision;
    v_reasons  text[] := '{}';
    v_fig      jsonb := '{}';
    v_seq      bigint;
    v_fee      numeric;
    v_slip     numeric;
    v_fee_min  numeric;
    v_slip_min numeric;
BEGIN
    IF p_lane IS NULL OR p_lane NOT IN ('paper', 'live_canary') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('evaluate_promotion refused: unknown lane %L', p_lane),
            DETAIL = format('lane=%s', p_lane), HINT = 'A model is promoted to paper first, then to live_canary.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'evaluate_promotion refused: an operator action needs a reason',
            HINT = 'Pass a non-empty reason; it is kept with the decision and in the audit log.';
    END IF;
    PERFORM ml._require_model('evaluate_promotion', p_model_id);
    SELECT * INTO v_model FROM ml.model m WHERE m.book_id = 0 AND m.model_id = p_model_id;
    -- one evaluation of a family at a time: the champion it compares with is the one it may replace
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, hashtext(v_model.family));

    v_conf    := coalesce(ops.setting_value('ml_min_confidence'), 0.95);
    v_pbo_max := coalesce(ops.setting_value('ml_pbo_max'), 0.2);
    v_mdd_max := coalesce(ops.setting_value(format('ml_%s_max_drawdown', p_lane)), CASE p_lane WHEN 'paper' THEN 0.25 ELSE 0.15 END);
    v_to_max  := coalesce(ops.setting_value(format('ml_%s_max_turnover', p_lane)), CASE p_lane WHEN 'paper' THEN 1 ELSE 0.5 END);
    v_fig := jsonb_build_object('lane', p_lane, 'family', v_model.family, 'min_confidence', v_conf, 'pbo_max', v_pbo_max,
                                'max_drawdown_limit', v_mdd_max, 'max_turnover_limit', v_to_max);

    -- the costs the figures assumed, against the venue's taker fee and the slippage floor in force
    v_fee  := CASE WHEN jsonb_typeof(v_model.params #> '{validation,fee_bps}') = 'number'
                   THEN (v_model.params #>> '{validation,fee_bps}')::numeric END;
    v_slip := CASE WHEN jsonb_typeof(v_model.params #> '{validation,slippage_bps}') = 'number'
                   THEN (v_model.params #>> '{validation,slippage_bps}')::numeric END;
    SELECT v.taker_fee_bps INTO v_fee_min FROM market.venue v WHERE v.venue = v_model.params #>> '{dataset,venue}';
    v_slip_min := coalesce(ops.setting_value('ml_min_slippage_bps'), 2);
    v_fig := v_fig || jsonb_build_object('fee_bps', v_fee, 'slippage_bps', v_slip, 'venue', v_model.params #>> '{dataset,venue}',
                                         'venue_taker_fee_bps', v_fee_min, 'min_slippage_bps', v_slip_min);
    IF v_fee IS NULL OR v_slip IS NULL OR v_fee_min IS NULL THEN
        v_reasons := v_reasons || 'costs_not_recorded'::text;
    ELSIF v_fee < v_fee_min OR v_slip < v_slip_min THEN
        v_reasons := v_reasons || 'costs_understated'::text;
    END IF;

    -- selection evidence: the walk_forward folds, required and reported, not judged
    SELECT c.model_id INTO v_champ FROM ml.champion c WHERE c.family = v_model.family AND c.lane = p_lane;
    SELECT * INTO v_wf FROM ml._fold_summary(p_model_id, 'walk_forward');
    v_fig := v_fig || jsonb_build_object('oos_folds', v_wf.folds, 'oos_n_obs', v_wf.n_obs, 'oos_mean', v_wf.mean,
                                         'oos_std', v_wf.std, 'oos_skew', v_wf.skew, 'oos_kurtosis', v_wf.kurtosis,
                                         'oos_sharpe', v_wf.sharpe, 'oos_net_return', v_wf.net_return,
                                         'oos_buy_hold_return', v_wf.buy_hold_return, 'champion', v_champ);
    IF v_wf.folds = 0 THEN
        v_reasons := v_reasons || 'no_oos_folds'::text;
    END IF;

    -- out of sample, the hold-out alone: net of costs against buy-and-hold and the champion on the same hours
    SELECT * INTO v_ho FROM ml._fold_summary(p_model_id, 'holdout');
    v_fig := v_fig || jsonb_build_object('judged_on', 'holdout', 'holdout_folds', v_ho.folds, 'holdout_n_obs', v_ho.n_obs,
                                         'holdout_mean', v_ho.mean, 'holdout_std', v_ho.std, 'holdout_skew', v_ho.skew,
                                         'holdout_kurtosis', v_ho.kurtosis, 'holdout_sharpe', v_ho.sharpe,
                                         'holdout_net_return', v_ho.net_return,
                                         'holdout_buy_hold_return', v_ho.buy_hold_return);
    IF v_ho.folds = 0 THEN
        v_reasons := v_reasons || 'no_holdout'::text;
    ELSE
        IF v_ho.net_return <= v_ho.buy_hold_return THEN
            v_reasons := v_reasons || 'oos_below_buy_and_hold'::text;
        END IF;
        IF v_champ IS NOT NULL AND v_champ <> p_model_id THEN
            SELECT count(c.seq)::integer, sum(c.net_return ORDER BY m.fold) INTO v_matched, v_ch_net
              FROM ml.fold_metric m
              LEFT JOIN ml.fold_metric c ON c.book_id = 0 AND c.model_id = v_champ AND c.kind = 'holdout'
                                        AND c.period_from = m.period_from AND c.period_to = m.period_to
             WHERE m.book_id = 0 AND m.model_id = p_model_id AND m.kind = 'holdout';
            v_fig := v_fig || jsonb_build_object('champion_folds_matched', v_matched, 'champion_net_return', v_ch_net);
            IF v_matched < v_ho.folds THEN
                v_reasons := v_reasons || 'champion_hours_differ'::text;
            ELSIF v_ho.net_return <= v_ch_net THEN
                v_reasons := v_reasons || 'oos_below_champion'::text;
            END IF;
        END IF;
    END IF;

    -- the deflated Sharpe ratio of the hold-out, N from the trial ledger
    SELECT count(*), coalesce(var_samp(t.sharpe), 0) INTO v_n, v_var FROM ml.trial t WHERE t.family = v_model.family;
    v_fig := v_fig || jsonb_build_object('trials', v_n, 'trial_sharpe_variance', v_var);
    IF v_n = 0 THEN
        v_reasons := v_reasons || 'no_trials_recorded'::text;
    ELSIF v_ho.folds > 0 THEN
        BEGIN
            IF v_ho.sharpe IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'no positive variance';
            END IF;
            v_dsr := ml.deflated_sharpe_ratio(v_ho.sharpe, v_var, v_n, v_ho.n_obs::double precision, v_ho.skew, v_ho.kurtosis);
        EXCEPTION WHEN SQLSTATE 'PD012' THEN
            v_dsr := NULL;
        END;
        v_fig := v_fig || jsonb_build_object('expected_max_sharpe', ml.expected_max_sharpe(v_var, v_n), 'dsr', v_dsr);
        IF v_dsr IS NULL THEN
            v_reasons := v_reasons || 'oos_statistics_invalid'::text;
        ELSIF v_dsr < v_conf THEN
            v_reasons := v_reasons || 'dsr_below_threshold'::text;
        END IF;
    END IF;

    -- the probability of backtest overfitting over the family, when its trials carry returns
    SELECT count(*)::integer, count(DISTINCT cardinality(t.returns))::integer, max(cardinality(t.returns))
      INTO v_k, v_lengths, v_t FROM ml.trial t WHERE t.family = v_model.family AND t.returns IS NOT NULL;
    v_fig := v_fig || jsonb_build_object('pbo_trials', v_k);
    IF v_k >= 2 AND v_lengths > 1 THEN
        v_reasons := v_reasons || 'pbo_not_computable'::text;
    ELSIF v_k >= 2 THEN
        v_s := CASE WHEN v_t >= 32 THEN 8 WHEN v_t >= 8 THEN 4 ELSE 2 END;
        SELECT array_agg(r.row_values ORDER BY r.i) INTO v_matrix
          FROM (SELECT i, array_agg(t.returns[i] ORDER BY t.seq) AS row_values
                  FROM ml.trial t CROSS JOIN generate_series(v_t % v_s + 1, v_t) i
                 WHERE t.family = v_model.family AND t.returns IS NOT NULL
                 GROUP BY i) r;
        v_pbo := ml.pbo(v_matrix, v_s);
        v_fig := v_fig || jsonb_build_object('pbo', v_pbo, 'pbo_rows', v_t - v_t % v_s, 'pbo_blocks', v_s);
        IF v_pbo > v_pbo_max THEN
            v_reasons := v_reasons || 'pbo_above_threshold'::text;
        END IF;
    END IF;

    -- the lane's limits on drawdown and turnover, over the hold-out (live_canary: and the forward folds)
    SELECT max(f.max_drawdown), sum(f.n_obs * f.turnover) / nullif(sum(f.n_obs), 0) INTO v_mdd, v_turnover
      FROM ml.fold_metric f
     WHERE f.book_id = 0 AND f.model_id = p_model_id
       AND (f.kind = 'holdout' OR (p_lane = 'live_canary' AND f.kind = 'forward'));
    v_fig := v_fig || jsonb_build_object('max_drawdown', v_mdd, 'turnover', v_turnover);
    IF v_mdd > v_mdd_max THEN
        v_reasons := v_reasons || 'drawdown_above_limit'::text;
    END IF;
    IF v_turnover > v_to_max THEN
        v_reasons := v_reasons || 'turnover_above_limit'::text;
    END IF;

    -- live_canary: after paper, with a forward track record of at least MinTRL
    IF p_lane = 'live_canary' THEN
        IF NOT EXISTS (SELECT FROM ml.promotion p WHERE p.book_id = 0 AND p.model_id = p_model_id AND p.lane = 'paper' AND p.passed) THEN
            v_reasons := v_reasons || 'not_on_paper'::text;
        END IF;
        SELECT * INTO v_fw FROM ml._fold_summary(p_model_id, 'forward');
        IF v_fw.folds > 0 AND v_fw.sharpe > 1e-9 THEN
            BEGIN
                v_mintrl := ml.min_track_record_length(v_fw.sharpe, 0, v_fw.skew, v_fw.kurtosis, v_conf);
            EXCEPTION WHEN SQLSTATE 'PD012' THEN
                v_mintrl := NULL;
            END;
        END IF;
        v_fig := v_fig || jsonb_build_object('forward_folds', v_fw.folds, 'forward_n_obs', v_fw.n_obs,
                                             'forward_sharpe', v_fw.sharpe, 'min_track_record_length', v_mintrl);
        IF v_mintrl IS NULL OR v_fw.n_obs < ceil(v_mintrl) THEN
            v_reasons := v_reasons || 'track_record_too_short'::text;
        END IF;
    END IF;

    PERFORM ops._audit(0, 'evaluate_promotion', p_model_id,
                       jsonb_build_object('lane', p_lane, 'family', v_model.family, 'passed', cardinality(v_reasons) = 0,
                                          'reasons', to_jsonb(v_reasons), 'champion_before', v_champ,
                                          'moves_champion', cardinality(v_reasons) = 0 AND v_champ IS DISTINCT FROM p_model_id),
                       p_reason);
    INSERT INTO ml.promotion (model_id, family, lane, passed, reasons, figures, reason, actor)
    VALUES (p_model_id, v_model.family, p_lane, cardinality(v_reasons) = 0, v_reasons, v_fig, p_reason, ops.actor())
    RETURNING ml.promotion.seq INTO v_seq;
    RETURN QUERY SELECT v_seq, cardinality(v_reasons) = 0, v_reasons, v_fig;
END
$$;

COMMENT ON FUNCTION api.evaluate_promotion(text, text, text) IS 'Operator: the model promotion gate. Judges a registered model for paper or live_canary from the registry alone (thresholds are operator settings ml_*, never arguments) and records the decision in ml.promotion (chained) with an audit row; a passed decision makes it its family''s champion on the lane (ml.champion). Its figures must be net of costs no lower than the database''s: the recorded validation.fee_bps at least the venue''s taker fee (market.venue, the venue of dataset.venue) and validation.slippage_bps at least ml_min_slippage_bps. The out-of-sample tests are judged on the holdout folds alone (walk_forward folds are required selection evidence, reported, not pooled). Reason codes: costs_not_recorded, costs_understated, no_oos_folds, no_holdout, oos_below_buy_and_hold, champion_hours_differ, oos_below_champion, no_trials_recorded, oos_statistics_invalid, dsr_below_threshold, pbo_not_computable, pbo_above_threshold, drawdown_above_limit, turnover_above_limit, not_on_paper, track_record_too_short (docs/ml.md). PD011 unknown model; PD012 unknown lane or no reason.';
