-- api.reconciliation_status(p_account, p_from, p_to) -> one row per account
-- Worker, operator, auditor. The comparisons of the book with the venue (api.reconcile: hourly, at start-up,
-- manual) dated in (p_from, p_to] (business time): how many, how many clean, how many mismatched, the first and
-- last mismatch, the differences they named (distinct "kind:key", e.g. "balance:USDT", "missing_at_venue:<coid>"),
-- and the latest comparison by p_to (it may predate the period: the state the period started or ended in) with
-- whether it was clean. PD011 an unknown account; PD012 a NULL bound or p_from after p_to.
-- Tables read: trading.account, ops.reconciliation.
CREATE OR REPLACE FUNCTION api.reconciliation_status(p_account text DEFAULT NULL,
                                                     p_from timestamptz DEFAULT '-infinity',
                                                     p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (account text, comparisons bigint, clean bigint, mismatches bigint, first_mismatch_ts timestamptz,
               last_mismatch_ts timestamptz, mismatched text[], latest_ts timestamptz, latest_clean boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    PERFORM ops._report_period('api.reconciliation_status', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    r AS (
        SELECT x.book_id, count(*) AS n, count(*) FILTER (WHERE c.clean) AS clean,
               min(c.ts) FILTER (WHERE NOT c.clean) AS first_bad, max(c.ts) FILTER (WHERE NOT c.clean) AS last_bad
          FROM accts x JOIN ops.reconciliation c ON c.book_id = x.book_id
         WHERE c.ts > p_from AND c.ts <= p_to GROUP BY x.book_id),
    k AS (
        SELECT x.book_id, array_agg(DISTINCT (d ->> 'kind') || ':' || (d ->> 'key') ORDER BY (d ->> 'kind') || ':' || (d ->> 'key')) AS keys
          FROM accts x JOIN ops.reconciliation c ON c.book_id = x.book_id
         CROSS JOIN LATERAL jsonb_array_elements(c.diffs) d
         WHERE NOT c.clean AND c.ts > p_from AND c.ts <= p_to GROUP BY x.book_id),
    l AS (
        SELECT DISTINCT ON (c.book_id) c.book_id, c.ts, c.clean
          FROM ops.reconciliation c WHERE c.book_id IN (SELECT x.book_id FROM accts x) AND c.ts <= p_to
         ORDER BY c.book_id, c.ts DESC, c.seq DESC)
    SELECT x.name, coalesce(r.n, 0), coalesce(r.clean, 0), coalesce(r.n - r.clean, 0), r.first_bad, r.last_bad,
           coalesce(k.keys, '{}'), l.ts, l.clean
      FROM accts x LEFT JOIN r ON r.book_id = x.book_id LEFT JOIN k ON k.book_id = x.book_id
      LEFT JOIN l ON l.book_id = x.book_id
     ORDER BY x.name;
END
$$;

COMMENT ON FUNCTION api.reconciliation_status(text, timestamptz, timestamptz) IS 'Reads: per account over (p_from, p_to], the reconciliations with the venue: comparisons, clean, mismatches, first and last mismatch, the differences named (kind:key), and the latest comparison by p_to with its verdict. PD011, PD012.';
