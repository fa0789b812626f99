-- api.record_forward_fold(p_model_id, p_account, p_period_from, p_period_to) -> bigint (seq in ml.fold_metric)
-- Worker and operator (issue 19 item 5). Records the next 'forward' fold of a model (fold = 1 + the highest forward
-- fold recorded, 0 for the first) from its strategy's paper run on p_account over the hour closes
-- [p_period_from, p_period_to): the figures are computed by the database (ml._forward_figures, the one
-- definition, which the auditor calls to re-derive the fold) from the governed book, never passed by the caller,
-- and inserted through api.record_fold_metric (its validations apply). The account, strategy and book are written
-- to ops.audit_log (action record_forward_fold, target the model id) beside the fold's seq.
-- PD015 an infinite period or one ending after the wall clock (ops._require_business_time); PD012 a period that
-- overlaps a forward fold already recorded for the model (no hour counts twice), and every refusal of
-- ml._forward_figures (PD011 unknown model or account or no strategy of the model there; PD012 live or shadow
-- account, no sync-fed run, an hour not closed, a missing mark, a bad period) and of api.record_fold_metric.
-- Tables: ml.fold_metric (and its chain head), ops.audit_log; reads the book (ml._forward_figures).
CREATE OR REPLACE FUNCTION api.record_forward_fold(p_model_id text, p_account text, p_period_from timestamptz,
                                                   p_period_to timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_f       record;
    v_fold    integer;
    v_overlap record;
    v_seq     bigint;
BEGIN
    PERFORM ops._require_business_time('record_forward_fold', ARRAY['p_period_from', 'p_period_to'], ARRAY[p_period_from, p_period_to]);
    -- One forward fold of a model at a time: the overlap check and the fold number hold until commit.
    PERFORM pg_advisory_xact_lock(hashtextextended('ml.forward_fold:' || coalesce(p_model_id, ''), 0));
    SELECT * INTO v_f FROM ml._forward_figures(p_model_id, p_account, p_period_from, p_period_to);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_forward_fold refused: no figures for model %s on account %s', left(p_model_id, 200), left(p_account, 200)),
            DETAIL = format('period_from=%s period_to=%s', p_period_from, p_period_to),
            HINT = 'Every hour of the period must be closed with the strategy''s figures (api.strategy_hours).';
    END IF;
    SELECT f.fold, f.period_from, f.period_to INTO v_overlap
      FROM ml.fold_metric f
     WHERE f.book_id = 0 AND f.model_id = p_model_id AND f.kind = 'forward'
       AND f.period_from < p_period_to AND f.period_to > p_period_from
     ORDER BY f.fold LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_forward_fold refused: [%s, %s) overlaps forward fold %s of model %s ([%s, %s))', p_period_from,
                             p_period_to, v_overlap.fold, p_model_id, v_overlap.period_from, v_overlap.period_to),
            DETAIL = format('model_id=%s account=%s fold=%s', p_model_id, p_account, v_overlap.fold),
            HINT = 'An hour of a track record counts once: record the hours after the last forward fold (ml.fold_metric, kind forward).';
    END IF;
    SELECT coalesce(max(f.fold) + 1, 0) INTO v_fold
      FROM ml.fold_metric f WHERE f.book_id = 0 AND f.model_id = p_model_id AND f.kind = 'forward';
    v_seq := api.record_fold_metric(p_model_id, 'forward', v_fold, p_period_from, p_period_to, v_f.n_obs,
                                    v_f.mean, v_f.std, v_f.skew, v_f.kurtosis, v_f.sharpe, v_f.net_return,
                                    v_f.buy_hold_return, v_f.turnover, v_f.max_drawdown);
    PERFORM ops._audit(v_f.book_id, 'record_forward_fold', p_model_id,
                       jsonb_build_object('account', p_account, 'strategy', v_f.strategy, 'fold', v_fold, 'seq', v_seq,
                                          'period_from', p_period_from, 'period_to', p_period_to),
                       'forward fold computed from the book (ml._forward_figures)');
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION api.record_forward_fold(text, text, timestamptz, timestamptz) IS 'Worker and operator: records the next forward fold of a model from its strategy''s sync-fed paper run on an account over the hour closes [from, to), the figures computed by the database (ml._forward_figures, which the auditor calls to re-derive it) and inserted through api.record_fold_metric; audited with the account and strategy. PD015 an infinite or future period; PD012 an overlap with a recorded forward fold, a live or shadow account, no sync-fed run, an unclosed hour, a missing mark; PD011 an unknown model or account or no strategy of the model on it.';
