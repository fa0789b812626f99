-- ops.tg_hourly_state__session_envelope() — AFTER INSERT on portfolio.hourly_state (trigger _600_sessions)
-- The lane's risk envelope, judged at every hour close of a book whose session runs in a live lane, on the
-- session's figures as api.sessions computes them from the closed hours (drawdown from the session's own peak,
-- the account's loss today against its day-start equity). When either is beyond the lane's envelope, by reason
-- code:
--   drawdown_envelope     the drawdown beyond the lane's max_drawdown_pct
--   daily_loss_envelope   the daily loss beyond the lane's max_daily_loss_pct
-- a risk incident (severity 2) is opened naming the codes, with the figures, and the session (live_canary or
-- live_promoted alike) is suspended (cause envelope, by the system) and its account halted: protective and
-- immediate, so no approval (a halt never needs one). The lane is never changed here: demoting a promoted
-- session is an operator's decision with a second operator's approval (api.demote_session); running it on
-- instead is an operator's api.resume_session.
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
    v_codes  text[] := '{}';
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
    IF v.drawdown * 100 > v.max_drawdown_pct THEN
        v_codes := v_codes || 'drawdown_envelope'::text;
    END IF;
    IF v.daily_loss * 100 > v.max_daily_loss_pct THEN
        v_codes := v_codes || 'daily_loss_envelope'::text;
    END IF;
    v_figs := jsonb_build_object('hour', NEW.hour, 'drawdown', v.drawdown, 'max_drawdown_pct', v.max_drawdown_pct,
                                 'daily_loss', v.daily_loss, 'max_daily_loss_pct', v.max_daily_loss_pct,
                                 'equity', v.equity, 'peak_equity', v.peak_equity);
    v_reason := format('session %s breached the %s envelope at %s (%s): drawdown %s%% (max %s%%), daily loss %s%% (max %s%%)',
                       v.session, v.lane, NEW.hour, array_to_string(v_codes, ', '), round(v.drawdown * 100, 4),
                       v.max_drawdown_pct, round(v.daily_loss * 100, 4), v.max_daily_loss_pct);
    v_inc := ops._open_incident(NEW.book_id, 2, 'risk', 'account:' || v.account,
                                format('session %s breached the %s envelope: %s', v.session, v.lane,
                                       array_to_string(v_codes, ', ')),
                                v_reason,
                                jsonb_build_object('session', v.session, 'hours', jsonb_build_array(NEW.hour),
                                                   'reasons', to_jsonb(v_codes), 'figures', v_figs),
                                NEW.hour, 'system');
    PERFORM ops._session_move(v.session_id, 'suspended', 'envelope', 'system', v_reason,
                              jsonb_build_object('incident', format('INC-%s-%s', NEW.book_id, v_inc),
                                                 'reasons', to_jsonb(v_codes), 'figures', v_figs));
    PERFORM ops._session_halt(NEW.book_id, v_reason, 'system', NEW.hour, v_inc, v.session_id);
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ops.tg_hourly_state__session_envelope() IS 'Trigger: at an hour close, a running live session (live_canary or live_promoted) beyond its lane''s envelope opens a risk incident naming the breach (drawdown_envelope, daily_loss_envelope) with the figures, is suspended and its account halted; it never changes the lane (a demotion is an operator''s, api.demote_session, with approval).';
