-- ledger._accrue_operating_costs(p_book_id, p_after, p_hour) -> numeric (total accrued)
-- Called by api.close_hour for the close at p_hour (business time, never the wall clock, so a replay posts the
-- same): one journal transaction per declared cost (kind ops_cost, ref opcost:<name>:<p_hour>, at p_hour):
-- ops_cost +a / treasury -a in the cost's currency, a = its accruals over ledger.operating_cost_hours.
CREATE OR REPLACE FUNCTION ledger._accrue_operating_costs(p_book_id integer, p_after timestamptz, p_hour timestamptz)
RETURNS numeric
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r       record;
    v_total numeric := 0;
BEGIN
    FOR r IN SELECT c.name, c.currency, sum(c.accrual) AS amount
               FROM ledger.operating_cost_hours(p_book_id, p_after, p_hour) c
              GROUP BY c.name, c.currency ORDER BY c.name LOOP
        CONTINUE WHEN r.amount = 0;
        PERFORM ledger._post(p_book_id, 'ops_cost', 'opcost:' || r.name || ':' || to_char(p_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                             p_hour, ARRAY['ops_cost', 'treasury'], ARRAY[r.currency, r.currency], ARRAY[r.amount, -r.amount]);
        v_total := v_total + r.amount;
    END LOOP;
    RETURN v_total;
END
$$;

COMMENT ON FUNCTION ledger._accrue_operating_costs(integer, timestamptz, timestamptz) IS 'Internal: posts the accrual of every declared operating cost for the hours a close at p_hour accrues (ops_cost + / treasury -), at business time p_hour.';
