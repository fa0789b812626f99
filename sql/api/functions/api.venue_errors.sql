-- api.venue_errors(p_account, p_from, p_to) -> one row per account
-- Worker, operator, auditor. The venue API errors the worker saw over (p_from, p_to] (business time), from its
-- health reports (api.venue_health, written by api.record_venue_health): reports, calls, errors (failed calls:
-- transient errors, timeouts), error_rate = errors / calls (NULL without calls), disconnected_reports (reports
-- with the venue unreachable), fatal_errors (errors classified as halt) and their distinct reasons (fatal), and
-- the trips of the breakers these reports feed (api_error_rate, connectivity_loss, venue_fatal_error). A run
-- whose worker reported nothing (a simulated paper venue reports nothing) shows zero reports: it is not evidence
-- that no error happened. Order rejects are not API errors: they are in api.execution_quality and
-- api.order_events. PD011 an unknown account; PD012 a NULL bound or p_from after p_to.
-- Tables read: trading.account, ops.venue_health, risk.breaker_trip.
CREATE OR REPLACE FUNCTION api.venue_errors(p_account text DEFAULT NULL, p_from timestamptz DEFAULT '-infinity',
                                            p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (account text, reports bigint, calls bigint, errors bigint, error_rate numeric,
               disconnected_reports bigint, fatal_errors bigint, fatal text[], breaker_trips bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    PERFORM ops._report_period('api.venue_errors', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    h AS (
        SELECT x.book_id, count(*) AS n, sum(v.calls) AS calls, sum(v.errors) AS errors,
               count(*) FILTER (WHERE NOT v.connected) AS down,
               sum(CASE WHEN jsonb_typeof(v.detail -> 'fatal_errors') = 'number'
                        THEN (v.detail ->> 'fatal_errors')::numeric ELSE 0 END)::bigint AS fatal_n,
               array_agg(DISTINCT r.reason ORDER BY r.reason) FILTER (WHERE r.reason IS NOT NULL) AS fatal
          FROM accts x JOIN ops.venue_health v ON v.book_id = x.book_id
          LEFT JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.detail -> 'fatal') = 'array'
                                                           THEN v.detail -> 'fatal' ELSE '[]' END) r(reason) ON true
         WHERE v.ts > p_from AND v.ts <= p_to GROUP BY x.book_id),
    t AS (
        SELECT x.book_id, count(*) AS n
          FROM accts x JOIN risk.breaker_trip b ON b.book_id = x.book_id
         WHERE b.breaker IN ('api_error_rate', 'connectivity_loss', 'venue_fatal_error')
           AND b.ts > p_from AND b.ts <= p_to GROUP BY x.book_id)
    SELECT x.name, coalesce(h.n, 0), coalesce(h.calls, 0)::bigint, coalesce(h.errors, 0)::bigint,
           h.errors::numeric / nullif(h.calls, 0), coalesce(h.down, 0), coalesce(h.fatal_n, 0),
           coalesce(h.fatal, '{}'), coalesce(t.n, 0)
      FROM accts x LEFT JOIN h ON h.book_id = x.book_id LEFT JOIN t ON t.book_id = x.book_id
     ORDER BY x.name;
END
$$;

COMMENT ON FUNCTION api.venue_errors(text, timestamptz, timestamptz) IS 'Reads: per account over (p_from, p_to], the venue API errors from the worker''s health reports: reports, calls, errors, error_rate, reports with the venue unreachable, errors classified as halt and their reasons, and the trips of the api_error_rate, connectivity_loss and venue_fatal_error breakers. Zero reports means the worker reported nothing, not that nothing failed. PD011, PD012.';
