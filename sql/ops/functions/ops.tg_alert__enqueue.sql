-- ops.tg_alert__enqueue() — AFTER INSERT row trigger (_500_alert, sql/triggers/alerts.sql) on the tables that
-- record alertable events; appends the alert to ops.alert_outbox in the same transaction (ops._enqueue_alert).
--   risk.halt_event         a halt (critical at global or lane scope, warning at account or strategy scope) or
--                           a resume (info); the kill switch's own global halt is left to its audit row;
--   ops.audit_log           action kill_switch (critical);
--   risk.breaker_trip       a trip: stale_feed for the feed breakers (stale_data_hours, flat_feed_hours,
--                           bar_outlier_pct), breaker for the others; critical when it halted a lane or
--                           everything, warning for a paper pause;
--   risk.state_event        a move into reducing by a loss or deficit rule (risk_breach, warning): the daily-loss
--                           stop, the drawdown halt tier, a treasury deficit, a strategy's reduce tiers (a breaker
--                           pause is the breaker's alert);
--   ops.venue_transfer      a withdrawal (critical: Predator never withdraws);
--   ops.reconciliation      a dirty reconciliation whose previous one for the book was clean or absent
--                           (reconciliation_mismatch, critical): the turn, not every dirty hour;
--   portfolio.treasury_status a complete rolling window (window_days > 1) whose surplus is negative while the
--                           book's previous rolling status of that length was not (treasury_deficit, warning).
-- The WHEN clauses of the triggers filter the rows first, so an hourly clean reconciliation costs no call.
-- Not SECURITY DEFINER: the governed routines insert those rows as the owner. Reads only owner tables.
CREATE OR REPLACE FUNCTION ops.tg_alert__enqueue()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n      jsonb := to_jsonb(NEW);
    v_tbl  text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    v_book integer := (n ->> 'book_id')::integer;
    v_key  text := (n ->> 'book_id') || ':' || (n ->> 'seq');
    v_acct text := (SELECT a.name FROM trading.account a WHERE a.book_id = (n ->> 'book_id')::integer);
    v_cat  text;
    v_sev  text;
BEGIN
    CASE v_tbl
    WHEN 'risk.halt_event' THEN
        IF n ->> 'action' = 'halt' THEN
            IF n ->> 'scope_kind' = 'global' AND n ->> 'source' = 'operator' AND n ->> 'reason' LIKE 'kill switch: %' THEN
                RETURN NULL;   -- the kill switch's halt: its audit row raises the one alert
            END IF;
            PERFORM ops._enqueue_alert('halt', CASE WHEN n ->> 'scope_kind' IN ('global', 'lane') THEN 'critical' ELSE 'warning' END,
                v_book, 'halt:' || (n ->> 'scope_kind') || ':' || (n ->> 'scope_key'),
                format('HALT %s:%s (%s): %s', n ->> 'scope_kind', n ->> 'scope_key', n ->> 'source', n ->> 'reason'),
                jsonb_build_object('scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key', 'reason', n -> 'reason',
                                   'source', n -> 'source', 'actor', n -> 'actor', 'effective_at', n -> 'effective_at'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        ELSE
            PERFORM ops._enqueue_alert('resume', 'info', v_book,
                'resume:' || (n ->> 'scope_kind') || ':' || (n ->> 'scope_key'),
                format('RESUME %s:%s: %s', n ->> 'scope_kind', n ->> 'scope_key', n ->> 'reason'),
                jsonb_build_object('scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key', 'reason', n -> 'reason',
                                   'source', n -> 'source', 'actor', n -> 'actor', 'effective_at', n -> 'effective_at'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        END IF;
    WHEN 'ops.audit_log' THEN
        PERFORM ops._enqueue_alert('kill_switch', 'critical', v_book, 'kill_switch',
            format('KILL SWITCH (flatten %s): %s', coalesce(n -> 'args' ->> 'flatten', 'false'), n ->> 'reason'),
            jsonb_build_object('reason', n -> 'reason', 'flatten', n -> 'args' -> 'flatten', 'actor', n -> 'actor',
                               'recorded_at', n -> 'recorded_at'),
            v_tbl, v_key, NULL);
    WHEN 'risk.breaker_trip' THEN
        v_cat := CASE WHEN n ->> 'breaker' IN ('stale_data_hours', 'flat_feed_hours', 'bar_outlier_pct') THEN 'stale_feed' ELSE 'breaker' END;
        v_sev := CASE WHEN n ->> 'trip_scope' IN ('global', 'lane') THEN 'critical' ELSE 'warning' END;
        PERFORM ops._enqueue_alert(v_cat, v_sev, v_book, 'breaker:' || (n ->> 'breaker') || ':' || coalesce(v_acct, '*'),
            format('BREAKER %s tripped on %s: %s against %s (%s)', n ->> 'breaker', coalesce(v_acct, '*'), n ->> 'value',
                   n ->> 'threshold', n ->> 'trip_scope'),
            jsonb_build_object('breaker', n -> 'breaker', 'value', n -> 'value', 'threshold', n -> 'threshold',
                               'trip_scope', n -> 'trip_scope', 'figures', n -> 'figures',
                               'incident', CASE WHEN n ->> 'incident_seq' IS NOT NULL
                                                THEN 'INC-' || (n ->> 'book_id') || '-' || (n ->> 'incident_seq') END),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'risk.state_event' THEN
        PERFORM ops._enqueue_alert('risk_breach', 'warning', v_book,
            'risk:' || (n ->> 'cause') || ':' || coalesce(v_acct, '*')
                || CASE WHEN n ->> 'scope_kind' = 'strategy' THEN ':' || (n ->> 'scope_key') ELSE '' END,
            format('RISK %s: %s %s moved %s -> %s: %s', n ->> 'cause', n ->> 'scope_kind', n ->> 'scope_key',
                   n ->> 'state_before', n ->> 'state_after', n ->> 'reason'),
            jsonb_build_object('cause', n -> 'cause', 'scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key',
                               'state_before', n -> 'state_before', 'state_after', n -> 'state_after',
                               'reason', n -> 'reason', 'until_ts', n -> 'until_ts'),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'ops.venue_transfer' THEN
        PERFORM ops._enqueue_alert('withdrawal', 'critical', v_book, 'withdrawal:' || coalesce(v_acct, '*') || ':' || (n ->> 'venue_ref'),
            format('WITHDRAWAL seen on %s: %s %s (venue ref %s)', coalesce(v_acct, '*'), n ->> 'amount', n ->> 'currency', n ->> 'venue_ref'),
            jsonb_build_object('currency', n -> 'currency', 'amount', n -> 'amount', 'venue_ref', n -> 'venue_ref'),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'ops.reconciliation' THEN
        IF coalesce((SELECT r.clean FROM ops.reconciliation r
                      WHERE r.book_id = v_book AND r.seq < (n ->> 'seq')::bigint ORDER BY r.seq DESC LIMIT 1), true) THEN
            PERFORM ops._enqueue_alert('reconciliation_mismatch', 'critical', v_book, 'reconciliation:' || coalesce(v_acct, '*'),
                format('RECONCILIATION MISMATCH on %s (%s): %s difference(s)', coalesce(v_acct, '*'), n ->> 'kind',
                       jsonb_array_length(n -> 'diffs')),
                jsonb_build_object('kind', n -> 'kind', 'diffs', n -> 'diffs', 'tolerance', n -> 'tolerance'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        END IF;
    WHEN 'portfolio.treasury_status' THEN
        IF coalesce((SELECT s.surplus >= 0 FROM portfolio.treasury_status s
                      WHERE s.book_id = v_book AND s.window_days = (n ->> 'window_days')::integer
                        AND s.seq < (n ->> 'seq')::bigint
                      ORDER BY s.seq DESC LIMIT 1), true) THEN
            PERFORM ops._enqueue_alert('treasury_deficit', 'warning', v_book, 'treasury:' || coalesce(v_acct, '*'),
                format('ROLLING SURPLUS NEGATIVE on %s: %s %s over %s days to %s', coalesce(v_acct, '*'), n ->> 'surplus',
                       n ->> 'currency', n ->> 'window_days', n ->> 'day'),
                jsonb_build_object('surplus', n -> 'surplus', 'currency', n -> 'currency', 'window_days', n -> 'window_days',
                                   'day', n -> 'day', 'principal_protected', n -> 'principal_protected',
                                   'policy_action', n -> 'policy_action'),
                v_tbl, v_key, (n ->> 'period_to')::timestamptz);
        END IF;
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('no alert rule for %s', v_tbl),
            HINT = 'Attach ops.tg_alert__enqueue only to the tables it knows (sql/triggers/alerts.sql).';
    END CASE;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ops.tg_alert__enqueue() IS 'AFTER INSERT trigger: appends the alert of a halt or resume, the kill switch, a breaker trip (stale_feed for the feed breakers), a risk breach, a withdrawal, a reconciliation turning dirty or a rolling surplus turning negative to ops.alert_outbox, in the same transaction.';
