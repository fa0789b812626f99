-- ops.tg_hourly_state__session_envelope() — AFTER INSERT on portfolio.hourly_state (trigger _600_sessions)
-- The lane's risk envelope, judged at every hour close of a book whose session runs in a live lane, on the
-- session's figures as api.sessions computes them from the closed hours (drawdown from the session's own peak,
-- the account's loss today against its day-start equity): when either is beyond the lane's envelope
-- (max_drawdown_pct, max_daily_loss_pct), a risk incident (severity 2) is opened with the figures and
--   * a live_promoted session is demoted (ops._demote_session: rolled back, the account back to live_canary and
--     halted, audited by the system);
--   * a live_canary session is suspended and its account halted.
-- Paper sessions are only flagged (api.sessions.envelope_breached): a paper book's halts are part of its replayed
-- hours, and a registry a replay does not copy must not change them.
CREATE OR REPLACE FUNCTION ops.tg_hourly_state__session_envelope()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v        record;
    v_inc    bigint;
    v_figs   jsonb;
    v_reason text;
BEGIN
    IF NOT EXISTS (SELECT FROM ops.session s WHERE s.book_id = NEW.book_id AND s.status = 'running' AND s.lane <> 'paper') THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v FROM api.sessions x
     WHERE x.book_id = NEW.book_id AND x.status = 'running' AND x.lane <> 'paper';
    IF NOT FOUND OR NOT coalesce(v.envelope_breached, false) THEN
        RETURN NULL;
    END IF;
    v_figs := jsonb_build_object('hour', NEW.hour, 'drawdown', v.drawdown, 'max_drawdown_pct', v.max_drawdown_pct,
                                 'daily_loss', v.daily_loss, 'max_daily_loss_pct', v.max_daily_loss_pct,
                                 'equity', v.equity, 'peak_equity', v.peak_equity);
    v_reason := format('session %s breached the %s envelope at %s: drawdown %s%% (max %s%%), daily loss %s%% (max %s%%)',
                       v.session, v.lane, NEW.hour, round(v.drawdown * 100, 4), v.max_drawdown_pct,
                       round(v.daily_loss * 100, 4), v.max_daily_loss_pct);
    v_inc := ops._open_incident(NEW.book_id, 2, 'risk', 'account:' || v.account,
                                format('session %s breached the %s envelope', v.session, v.lane), v_reason,
                                jsonb_build_object('session', v.session, 'hours', jsonb_build_array(NEW.hour)), NEW.hour, 'system');
    IF v.lane = 'live_promoted' THEN
        PERFORM ops._demote_session(v.session_id, 'system', v_reason, v_figs, NEW.hour, v_inc);
    ELSE
        PERFORM ops._session_move(v.session_id, 'suspended', 'envelope', 'system', v_reason,
                                  jsonb_build_object('incident', format('INC-%s-%s', NEW.book_id, v_inc), 'figures', v_figs));
        PERFORM ops._session_halt(NEW.book_id, v_reason, 'system', NEW.hour, v_inc, v.session_id);
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ops.tg_hourly_state__session_envelope() IS 'Trigger: at an hour close, a running live session beyond its lane''s envelope (drawdown from its peak, daily loss) opens a risk incident and is demoted (live_promoted) or suspended with its account halted (live_canary).';
