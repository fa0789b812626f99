-- api.execution_quality(p_account, p_from, p_to) -> one row per account
-- Worker, operator, auditor. The execution figures of seed 002 §4.3 over a period, the one definition the daily
-- report (predator report) and the metrics exporter (predator metrics serve) both use. p_account NULL: every
-- account; the period is (p_from, p_to] in business time (defaults: everything), except admission decisions,
-- stamped with their decision time, which count in [p_from, p_to) (a decision at 00:00 belongs to the day it opens).
--   orders              orders created (order_request.ts) in the period;
--   acknowledged, rejected, filled_orders: of those, how many the venue acknowledged, rejected, or filled at
--                       least in part (at any time since);
--   fill_rate           filled_orders / orders;  rejection_rate  rejected / orders (NULL without orders);
--   decisions, refused, refusal_rate: admitted + refused signals, the refused ones, refused / decisions;
--   fills               fills dated in the period, voided ones left out; slippage_fills those with a decision
--                       price, slippage_bps_sum and mean_slippage_bps over them (api.fills.slippage_bps: basis
--                       points, positive = adverse);
--   answered_orders     orders of the period the venue answered (acknowledged, rejected or filled); ack_latency_*:
--                       wall-clock seconds from the order's recording (the decision, api.submit_signal) to the
--                       recording of the venue's first answer: sum, mean and max.
-- PD011 an unknown account; PD012 a NULL bound or p_from after p_to.
-- Tables read: trading.account, trading.order_request, trading.order_state, trading.order_event, api.fills,
-- risk.decision.
CREATE OR REPLACE FUNCTION api.execution_quality(p_account text DEFAULT NULL, p_from timestamptz DEFAULT '-infinity',
                                                 p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (account text, orders bigint, acknowledged bigint, rejected bigint, filled_orders bigint,
               fill_rate numeric, rejection_rate numeric, decisions bigint, refused bigint, refusal_rate numeric,
               fills bigint, slippage_fills bigint, slippage_bps_sum numeric, mean_slippage_bps numeric,
               answered_orders bigint, ack_latency_seconds_sum numeric, mean_ack_latency_seconds numeric,
               max_ack_latency_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    PERFORM ops._report_period('api.execution_quality', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    ord AS (
        SELECT r.book_id, r.client_order_id, r.recorded_at, s.filled_qty,
               EXISTS (SELECT FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                          AND e.kind = 'acknowledged') AS acked,
               EXISTS (SELECT FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                          AND e.kind = 'rejected') AS rejected,
               (SELECT min(e.recorded_at) FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                   AND e.kind IN ('acknowledged', 'rejected', 'fill')) AS answered_at
          FROM trading.order_request r JOIN trading.order_state s USING (client_order_id)
         WHERE r.book_id IN (SELECT x.book_id FROM accts x) AND r.ts > p_from AND r.ts <= p_to),
    o AS (
        SELECT ord.book_id, count(*) AS n, count(*) FILTER (WHERE ord.acked) AS acked,
               count(*) FILTER (WHERE ord.rejected) AS rejected, count(*) FILTER (WHERE ord.filled_qty > 0) AS filled,
               count(ord.answered_at) AS answered,
               sum(extract(epoch FROM ord.answered_at - ord.recorded_at)) AS lat_sum,
               max(extract(epoch FROM ord.answered_at - ord.recorded_at)) AS lat_max
          FROM ord GROUP BY ord.book_id),
    d AS (
        SELECT x.book_id, count(*) FILTER (WHERE d.outcome IN ('admitted', 'refused')) AS n,
               count(*) FILTER (WHERE d.outcome = 'refused') AS refused
          FROM accts x JOIN risk.decision d ON d.book_id = x.book_id
         WHERE d.ts >= p_from AND d.ts < p_to GROUP BY x.book_id),
    f AS (
        SELECT x.book_id, count(*) AS n, count(f.slippage_bps) AS slipped, sum(f.slippage_bps) AS slip_sum
          FROM accts x JOIN api.fills f ON f.account = x.name
         WHERE NOT f.voided AND f.ts > p_from AND f.ts <= p_to GROUP BY x.book_id)
    SELECT x.name, coalesce(o.n, 0), coalesce(o.acked, 0), coalesce(o.rejected, 0), coalesce(o.filled, 0),
           o.filled::numeric / nullif(o.n, 0), o.rejected::numeric / nullif(o.n, 0),
           coalesce(d.n, 0), coalesce(d.refused, 0), d.refused::numeric / nullif(d.n, 0),
           coalesce(f.n, 0), coalesce(f.slipped, 0), coalesce(f.slip_sum, 0), f.slip_sum / nullif(f.slipped, 0),
           coalesce(o.answered, 0), coalesce(o.lat_sum, 0), o.lat_sum / nullif(o.answered, 0), o.lat_max
      FROM accts x
      LEFT JOIN o ON o.book_id = x.book_id
      LEFT JOIN d ON d.book_id = x.book_id
      LEFT JOIN f ON f.book_id = x.book_id
     ORDER BY x.name;
END
$$;

COMMENT ON FUNCTION api.execution_quality(text, timestamptz, timestamptz) IS 'Reads: per account over (p_from, p_to] (decisions [p_from, p_to)), the execution figures the report and the metrics share: orders, acknowledged, rejected, filled at least in part, fill_rate and rejection_rate (fractions of the orders), admission refusal_rate, fills (not voided) and their slippage (sum and mean, bps, positive = adverse), and the wall-clock seconds from an order''s recording to the venue''s first answer (sum, mean, max). PD011 unknown account, PD012 bad period.';
