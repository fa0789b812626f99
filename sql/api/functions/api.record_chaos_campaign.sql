-- api.record_chaos_campaign(p_account, p_campaign, p_faults, p_reason) -> bigint (campaign id)
-- Operator. Records one chaos campaign run (predator chaos run) and its faults: p_campaign is a JSON object
-- with campaign, seed, days, schedule_digest, first_hour, last_hour, faults_end_hour, worker_starts,
-- worker_kills, db_stops, operator_resumes, failed_gate_checks, failed_chain_checks, segments, liveness_hour
-- (or null), replay_parity (or null), passed, failures (array), wall_seconds; p_faults an array of objects
-- hour, layer, kind, params, outcome, recovery_seconds. One transaction; audited. PD011 unknown account,
-- PD012 a malformed argument, PD015 an hour in the future.
CREATE OR REPLACE FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book integer;
    v_id   bigint;
    c      jsonb := p_campaign;
BEGIN
    v_book := (trading._account(p_account)).book_id;
    IF jsonb_typeof(c) IS DISTINCT FROM 'object' OR jsonb_typeof(p_faults) IS DISTINCT FROM 'array'
       OR NOT c ?& ARRAY['campaign', 'seed', 'days', 'schedule_digest', 'first_hour', 'last_hour', 'faults_end_hour',
                         'worker_starts', 'worker_kills', 'db_stops', 'operator_resumes', 'failed_gate_checks',
                         'failed_chain_checks', 'segments', 'passed', 'wall_seconds'] THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'chaos campaign refused: the campaign must be a JSON object with every figure, the faults an array',
            HINT = 'predator chaos run records its campaigns; see api.record_chaos_campaign''s comment for the keys.';
    END IF;
    PERFORM ops._require_finite_json('api.record_chaos_campaign', 'p_campaign',
        jsonb_build_object('seed', c -> 'seed', 'days', c -> 'days', 'wall_seconds', c -> 'wall_seconds'));
    PERFORM ops._require_business_time('api.record_chaos_campaign', ARRAY['first_hour', 'last_hour', 'liveness_hour'],
        ARRAY[(c ->> 'first_hour')::timestamptz, (c ->> 'last_hour')::timestamptz, (c ->> 'liveness_hour')::timestamptz]);
    PERFORM ops._audit(v_book, 'record_chaos_campaign', p_account,
                       jsonb_build_object('campaign', c -> 'campaign', 'seed', c -> 'seed', 'days', c -> 'days',
                                          'passed', c -> 'passed'), p_reason);
    -- Ids 1, 2, ... without a sequence: one recording at a time.
    LOCK TABLE ops.chaos_campaign IN SHARE ROW EXCLUSIVE MODE;
    SELECT coalesce(max(campaign_id), 0) + 1 INTO v_id FROM ops.chaos_campaign;
    INSERT INTO ops.chaos_campaign (campaign_id, campaign, seed, days, book_id, schedule_digest, first_hour, last_hour, faults_end_hour,
                                    worker_starts, worker_kills, db_stops, operator_resumes, failed_gate_checks,
                                    failed_chain_checks, segments, liveness_hour, replay_parity, passed, failures, wall_seconds)
    VALUES (v_id, (c ->> 'campaign')::integer, (c ->> 'seed')::bigint, (c ->> 'days')::integer, v_book, c ->> 'schedule_digest',
            (c ->> 'first_hour')::timestamptz, (c ->> 'last_hour')::timestamptz, (c ->> 'faults_end_hour')::timestamptz,
            (c ->> 'worker_starts')::integer, (c ->> 'worker_kills')::integer, (c ->> 'db_stops')::integer,
            (c ->> 'operator_resumes')::integer, (c ->> 'failed_gate_checks')::integer,
            (c ->> 'failed_chain_checks')::integer, (c ->> 'segments')::integer, (c ->> 'liveness_hour')::timestamptz,
            (c ->> 'replay_parity')::boolean, (c ->> 'passed')::boolean, coalesce(c -> 'failures', '[]'),
            (c ->> 'wall_seconds')::numeric);
    INSERT INTO ops.chaos_fault (campaign_id, seq, hour, layer, kind, params, outcome, recovery_seconds)
    SELECT v_id, f.ord::integer, (f.value ->> 'hour')::timestamptz, f.value ->> 'layer', f.value ->> 'kind',
           coalesce(f.value -> 'params', '{}'), coalesce(f.value ->> 'outcome', 'scheduled'),
           coalesce((f.value ->> 'recovery_seconds')::numeric, 0)
      FROM jsonb_array_elements(p_faults) WITH ORDINALITY f(value, ord);
    RETURN v_id;
EXCEPTION
    WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR numeric_value_out_of_range THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('chaos campaign refused: a figure is malformed (%s)', SQLERRM),
            HINT = 'Hours are ISO-8601 timestamps, counts integers, wall_seconds a number, passed and replay_parity booleans.';
END
$$;

COMMENT ON FUNCTION api.record_chaos_campaign(text, jsonb, jsonb, text) IS 'Operator: records a chaos campaign run (ops.chaos_campaign) and its faults (ops.chaos_fault) in one call; returns the campaign id. PD011 unknown account, PD012 malformed figures, PD015 an hour in the future. Audited.';
