-- api.venue_health — the venue API calls and errors the worker observed (api.record_venue_health).
CREATE VIEW api.venue_health AS
SELECT a.name AS account, h.ts, h.calls, h.errors, h.connected,
       CASE WHEN jsonb_typeof(h.detail -> 'fatal_errors') = 'number' THEN (h.detail ->> 'fatal_errors')::numeric::integer
            ELSE 0 END AS fatal_errors,
       h.detail, h.recorded_at, h.seq
  FROM ops.venue_health h JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.venue_health IS 'What the worker reported about the venue API since its previous report (api.record_venue_health): calls made, calls that failed (transient errors, timeouts), whether the venue was reachable, and the errors it classified as halt (fatal_errors, listed in detail->fatal); business time ts, wall time recorded_at. The input of the api_error_rate, connectivity_loss and venue_fatal_error breakers.';
