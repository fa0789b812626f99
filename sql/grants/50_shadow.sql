-- grants/50_shadow.sql — shadow mode (migration 0011): the operator pairs, the worker compares; the view
-- api.shadow_comparisons is readable by every role through 00_core.sql.
GRANT EXECUTE ON FUNCTION api.compare_shadow(text, timestamptz) TO predator_worker;
GRANT EXECUTE ON FUNCTION api.pair_shadow(text, text, text) TO predator_operator;
-- The burn-in records (api.burn_in) are read by every role; api.register_strategy checks them for live accounts.
GRANT EXECUTE ON FUNCTION api.burn_in(text, text) TO predator_worker, predator_auditor;
