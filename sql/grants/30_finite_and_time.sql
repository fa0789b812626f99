-- grants/30_finite_and_time.sql — privileges of the operator settings and the business-time gate (issue 9).
GRANT EXECUTE ON FUNCTION api.set_setting(text, numeric, text) TO predator_operator;
-- Gate 14 reads the clock skew in force when each row was recorded.
GRANT EXECUTE ON FUNCTION ops.clock_skew(timestamptz), ops.setting_value(text, timestamptz), ops.is_finite(numeric)
    TO predator_auditor;
