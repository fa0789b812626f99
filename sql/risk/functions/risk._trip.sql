-- risk._trip(p_book_id, p_breaker, p_ts, p_value, p_threshold, p_scope, p_figures) -> boolean (tripped now)
-- A circuit breaker tripped. In a live lane (live_canary, live_promoted) every breaker halts globally; in a
-- paper lane a breaker of account scope other than shadow_divergence pauses the book instead (risk._breaker_pause: risk state reducing,
-- lifted after breaker_clear_hours clean hours). Otherwise:
-- records the trip (risk.breaker_trip) with the figures, opens an incident
-- (severity 1 for global trips, 2 otherwise; category by breaker) and halts at the breaker's scope
-- (global, the account's lane, or the account), as a system halt that only an operator lifts. Does
-- nothing and returns false when that scope is already halted (the breaker already did its job), except for
-- reconciliation_desync, whose trip api.reconcile reports after its own global halt (figures.incident): the
-- trip row is recorded, linked to the reconciliation's incident.
-- The halt reason names the incident by its seq in the account's book and the account's name, never by
-- the surrogate book id: the reason is hashed, and a replay in another database must give the same text.
CREATE OR REPLACE FUNCTION risk._trip(p_book_id integer, p_breaker text, p_ts timestamptz, p_value numeric,
                                      p_threshold numeric, p_scope text, p_figures jsonb)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct     trading.account;
    v_key      text;
    v_book     integer;
    v_incident bigint;
    v_category text;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    -- Issue 13 (docs/risk.md): in a live lane every breaker halts globally; in a paper lane a breaker of
    -- account scope pauses the book's entries (risk state reducing) until it clears; shadow_divergence (a
    -- shadow that decides differently from its reference: a defect, not a market condition) still halts.
    IF v_acct.lane <> 'paper' THEN
        p_scope := 'global';
    ELSIF p_scope = 'account' AND p_breaker <> 'shadow_divergence' THEN
        RETURN risk._breaker_pause(p_book_id, p_breaker, p_ts, p_value, p_threshold, p_figures);
    END IF;
    v_key := CASE p_scope WHEN 'global' THEN '*' WHEN 'lane' THEN v_acct.lane ELSE v_acct.name END;
    v_book := CASE p_scope WHEN 'account' THEN p_book_id ELSE 0 END;
    IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = p_scope AND h.scope_key = v_key), false) THEN
        IF p_breaker = 'reconciliation_desync' AND p_figures ? 'incident' THEN
            -- api.reconcile halts globally (with its own incident) before it evaluates this breaker: the trip is
            -- still recorded, linked to that incident, like every other breaker's.
            INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
            VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, p_scope, p_figures, (p_figures ->> 'incident')::bigint);
            RETURN true;
        END IF;
        RETURN false;
    END IF;
    v_category := CASE p_breaker
        WHEN 'api_error_rate' THEN 'infrastructure' WHEN 'connectivity_loss' THEN 'infrastructure'
        WHEN 'venue_fatal_error' THEN 'infrastructure' WHEN 'worker_rss_mb' THEN 'infrastructure'
        WHEN 'stale_data_hours' THEN 'data'
        WHEN 'flat_feed_hours' THEN 'data' WHEN 'bar_outlier_pct' THEN 'data' WHEN 'orders_per_hour' THEN 'model'
        ELSE 'execution' END;
    v_incident := ops._open_incident(p_book_id, CASE p_scope WHEN 'global' THEN 1 ELSE 2 END, v_category,
        p_scope || ':' || v_key,
        format('circuit breaker %s tripped on %s', p_breaker, v_acct.name),
        format('%s = %s reached the threshold %s; trading halted at %s scope %s', p_breaker, round(p_value, 8),
               p_threshold, p_scope, v_key),
        jsonb_build_object('breaker', p_breaker, 'figures', p_figures, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
    VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, p_scope, p_figures, v_incident);
    PERFORM risk._set_halt(p_scope, v_key, v_book, 'halt',
        format('circuit breaker %s: %s reached %s (incident %s of account %s)', p_breaker, round(p_value, 8), p_threshold,
               v_incident, v_acct.name), 'system', p_ts, v_incident);
    RETURN true;
END
$$;

COMMENT ON FUNCTION risk._trip(integer, text, timestamptz, numeric, numeric, text, jsonb) IS 'Internal: a circuit breaker tripped: records the trip and its figures, opens an incident and halts at the breaker''s scope (no-op when that scope is already halted).';
