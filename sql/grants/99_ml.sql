-- grants/99_ml.sql — the model lane (migrations 0042 and 0043, issue 19). Schema ml holds pure functions (no
-- write): PSR, DSR, MinTRL, PBO and the normal CDF and quantile they need, with their internal
-- checks (ml._refuse, ml._require_finite, ml._sr_variance_term, which the public ones call as their caller).
-- The operator (who will run the promotion gate) and the auditor (who recomputes what a gate decided) execute
-- them all; the worker, which never judges a model, none; PUBLIC none (every function of the owner is closed
-- to PUBLIC by default, migration 0001, and REVOKE says it again here).
REVOKE ALL ON SCHEMA ml FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ml FROM PUBLIC;
GRANT USAGE ON SCHEMA ml TO predator_operator, predator_auditor;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ml TO predator_operator, predator_auditor;

-- The registry (migration 0043): its tables and the view ml.champion are read by the operator and the auditor
-- (no login role writes them: the api doors below do, as the owner). Training and evaluation jobs run as the
-- worker: they register models, trials and fold metrics (the operator too, a member of predator_worker). The
-- promotion gate is an operator action: a candidate never promotes itself, and the worker cannot call it.
GRANT SELECT ON ALL TABLES IN SCHEMA ml TO predator_operator, predator_auditor;
GRANT EXECUTE ON FUNCTION api.register_model(text, text, text, text, text[], jsonb, text, text) TO predator_worker;
GRANT EXECUTE ON FUNCTION api.record_trial(text, jsonb, integer, numeric, jsonb, numeric[]) TO predator_worker;
GRANT EXECUTE ON FUNCTION api.record_fold_metric(text, text, integer, timestamptz, timestamptz, integer, numeric, numeric,
                                                 numeric, numeric, numeric, numeric, numeric, numeric, numeric) TO predator_worker;
-- The forward track record (issue 19 item 5): the worker that ran the paper book (and the operator) records it; the
-- figures are the database's (ml._forward_figures, executed by the operator and the auditor to re-derive a fold).
GRANT EXECUTE ON FUNCTION api.record_forward_fold(text, text, timestamptz, timestamptz) TO predator_worker;
GRANT EXECUTE ON FUNCTION api.evaluate_promotion(text, text, text) TO predator_operator;
