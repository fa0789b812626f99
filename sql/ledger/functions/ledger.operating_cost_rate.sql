-- ledger.operating_cost_rate(p_amount, p_period, p_hour) -> numeric
-- The accrual of one hour starting at p_hour of a cost of p_amount per p_period: amount / hours of the period,
-- the period being a day (24), a week (168), or the calendar month or year (UTC) containing p_hour; rounded
-- to 10 decimals. One definition, used by the hour close (ledger._accrue_operating_costs) and gate 21.
CREATE OR REPLACE FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamptz)
RETURNS numeric
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT round(p_amount / CASE p_period
        WHEN 'day' THEN 24
        WHEN 'week' THEN 168
        WHEN 'month' THEN extract(epoch FROM (date_trunc('month', p_hour AT TIME ZONE 'UTC') + interval '1 month')
                                             - date_trunc('month', p_hour AT TIME ZONE 'UTC')) / 3600
        WHEN 'year' THEN extract(epoch FROM (date_trunc('year', p_hour AT TIME ZONE 'UTC') + interval '1 year')
                                            - date_trunc('year', p_hour AT TIME ZONE 'UTC')) / 3600
    END, 10)
$$;

COMMENT ON FUNCTION ledger.operating_cost_rate(numeric, text, timestamptz) IS 'The accrual of one hour (starting at p_hour) of a cost of p_amount per day, week, calendar month or calendar year (UTC), rounded to 10 decimals.';
