-- ledger.operating_cost_hours(p_book_id, p_after, p_hour) -> (name, hour, currency, accrual)
-- The hours a close at p_hour accrues and what each declared cost accrues in each: the hours starting after
-- p_after (the previous close; NULL: none) up to and including p_hour (a close accrues the hour it opens, in
-- advance), each at the revision of the cost in force at the hour's start (the highest effective_from at or
-- before it, then the highest revision), when that revision is active.
-- PL/pgSQL, not SQL: a SQL function with a SET clause is neither inlined nor cached, so its query was parsed and
-- planned again at every call (twice an hour close: 0.15-0.18 ms a call); the same query, the same result.
CREATE OR REPLACE FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamptz, p_hour timestamptz)
RETURNS TABLE (name text, hour timestamptz, currency text, accrual numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT c.name, h.hour, c.currency, ledger.operating_cost_rate(c.amount, c.period, h.hour)
      FROM generate_series(coalesce(p_after + interval '1 hour', p_hour), p_hour, interval '1 hour') AS h(hour)
     CROSS JOIN LATERAL (
        SELECT DISTINCT ON (o.name) o.*
          FROM ledger.operating_cost o
         WHERE o.book_id = p_book_id AND o.effective_from <= h.hour
         ORDER BY o.name, o.effective_from DESC, o.revision DESC) c
     WHERE c.active AND c.amount > 0;
END
$$;

COMMENT ON FUNCTION ledger.operating_cost_hours(integer, timestamptz, timestamptz) IS 'The hours a close at p_hour accrues (after p_after up to p_hour inclusive: each hour in advance) and each declared cost''s accrual in them at the revision in force at the hour''s start.';
