-- api.hour_closes — how long each hour close took, wall clock (ops.hour_close_timing, migration 0033).
CREATE VIEW api.hour_closes AS
SELECT a.name AS account, t.hour, t.started_at, t.finished_at,
       extract(epoch FROM t.finished_at - t.started_at)::numeric AS duration_seconds
  FROM ops.hour_close_timing t JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.hour_closes IS 'Every hour api.close_hour closed (hour = close time) with the wall-clock start and end of the call and its duration in seconds: the hour-close duration metric. Hours closed before migration 0033 have no row.';
