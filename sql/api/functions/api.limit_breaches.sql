-- api.limit_breaches(p_account, p_from, p_to) -> one row per (account, kind, key)
-- Worker, operator, auditor. What a limit stopped or halted over the period, by kind:
--   refusal     admission refusals by reason code (risk.decision, decision time in [p_from, p_to): the caps,
--               daily loss, drawdown, halts, stale data, … of docs/risk.md); a refused signal counts once per reason;
--   breaker     circuit-breaker trips by breaker (risk.breaker_trip, ts in (p_from, p_to]); detail: the last
--               trip's value, threshold, scope and incident;
--   halt        halts (not resumes) of the account, one of its strategies or its lane, and global ones, by
--               "scope_kind:scope_key", with their distinct reasons (risk.halt_event, at coalesce(ts, effective_at):
--               an operator's halt outside the business clock counts at its wall time);
--   risk_state  moves of the book or a strategy into reducing, halted or cooldown by cause (risk.state_event,
--               ts in (p_from, p_to]), with their distinct reasons.
-- count, first_ts, last_ts per row. PD011 an unknown account; PD012 a NULL bound or p_from after p_to.
-- Tables read: trading.account, risk.decision, risk.breaker_trip, risk.halt_event, risk.state_event.
CREATE OR REPLACE FUNCTION api.limit_breaches(p_account text DEFAULT NULL, p_from timestamptz DEFAULT '-infinity',
                                              p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (account text, kind text, key text, count bigint, first_ts timestamptz, last_ts timestamptz,
               detail text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    PERFORM ops._report_period('api.limit_breaches', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name, a.lane FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    b AS (
        SELECT x.name, 'refusal'::text AS kind, r.reason AS key, count(*) AS n, min(d.ts) AS first_ts,
               max(d.ts) AS last_ts, NULL::text AS detail
          FROM accts x JOIN risk.decision d ON d.book_id = x.book_id CROSS JOIN LATERAL unnest(d.reasons) r(reason)
         WHERE d.outcome = 'refused' AND d.ts >= p_from AND d.ts < p_to
         GROUP BY x.name, r.reason
        UNION ALL
        SELECT x.name, 'breaker', t.breaker, count(*), min(t.ts), max(t.ts),
               (array_agg(format('value %s, threshold %s, %s halted, INC-%s-%s', round(t.value, 6), t.threshold,
                                 t.trip_scope, t.book_id, t.incident_seq) ORDER BY t.ts DESC, t.seq DESC))[1]
          FROM accts x JOIN risk.breaker_trip t ON t.book_id = x.book_id
         WHERE t.ts > p_from AND t.ts <= p_to
         GROUP BY x.name, t.breaker
        UNION ALL
        SELECT x.name, 'halt', h.scope_kind || ':' || h.scope_key, count(*), min(coalesce(h.ts, h.effective_at)),
               max(coalesce(h.ts, h.effective_at)), string_agg(DISTINCT h.reason, '; ')
          FROM accts x JOIN risk.halt_event h
            ON (h.book_id = x.book_id AND h.scope_kind IN ('account', 'strategy'))
               OR (h.scope_kind = 'global') OR (h.scope_kind = 'lane' AND h.scope_key = x.lane)
         WHERE h.action = 'halt' AND coalesce(h.ts, h.effective_at) > p_from AND coalesce(h.ts, h.effective_at) <= p_to
         GROUP BY x.name, h.scope_kind, h.scope_key
        UNION ALL
        SELECT x.name, 'risk_state', e.cause, count(*), min(e.ts), max(e.ts), string_agg(DISTINCT e.reason, '; ')
          FROM accts x JOIN risk.state_event e ON e.book_id = x.book_id
         WHERE e.state_after IN ('reducing', 'halted', 'cooldown') AND e.ts > p_from AND e.ts <= p_to
         GROUP BY x.name, e.cause)
    SELECT b.name, b.kind, b.key, b.n, b.first_ts, b.last_ts, b.detail
      FROM b ORDER BY b.name, array_position(ARRAY['refusal', 'breaker', 'halt', 'risk_state'], b.kind), b.n DESC, b.key;
END
$$;

COMMENT ON FUNCTION api.limit_breaches(text, timestamptz, timestamptz) IS 'Reads: per account over the period, what a limit stopped or halted: admission refusals by reason code, breaker trips by breaker (last trip''s figures), halts by scope with their reasons, risk-state moves into reducing/halted/cooldown by cause. PD011, PD012.';
