-- risk.tg_state_event__apply() — BEFORE INSERT row trigger _100_apply of risk.state_event (sql/triggers/risk_state.sql).
-- The risk state machine of a book (docs/risk.md): state_before must be the book's current state (normal when
-- it has none yet) and (state_before, state_after) a row of risk.state_transition, else PD020. Then moves
-- risk.state_current: state, cause, since (the event's business time), until (kept across a self-move,
-- the later of the two), the breaker that paused a paper book (cause breaker:<name>; kept across a
-- self-move, cleared otherwise) and its last breach (the event's time when a breaker paused the book), and the
-- hold: a move into reducing without an until and without a breaker is held (only an operator lifts it: a
-- paper book's drawdown_halt_tier, a strategy's drawdown, a live lane's strategy daily loss); the hold is kept
-- across a further cause and cleared when the state leaves reducing. Scope strategy (issue 13 item 3): the
-- scope key must be a strategy registered on the book (PD020 otherwise).
CREATE OR REPLACE FUNCTION risk.tg_state_event__apply()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cur risk.state_current;
    v_brk text := CASE WHEN NEW.cause LIKE 'breaker:%' THEN substr(NEW.cause, 9) END;
    v_hold text := CASE WHEN NEW.state_after = 'reducing' AND NEW.until_ts IS NULL AND NEW.cause NOT LIKE 'breaker:%'
                        THEN NEW.cause END;
BEGIN
    IF NEW.scope_kind = 'strategy' AND NOT EXISTS (SELECT FROM trading.strategy s
                                                    WHERE s.book_id = NEW.book_id AND s.strategy = NEW.scope_key) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD020',
            MESSAGE = format('risk state of strategy %s refused: not a strategy of book %s', NEW.scope_key, NEW.book_id),
            HINT = 'A strategy''s risk state moves only for a strategy registered on the book (api.register_strategy).';
    END IF;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = NEW.book_id AND c.scope_kind = NEW.scope_kind AND c.scope_key = NEW.scope_key
       FOR UPDATE;
    IF NEW.state_before IS DISTINCT FROM coalesce(v_cur.state, 'normal')
       OR NOT EXISTS (SELECT FROM risk.state_transition t
                       WHERE t.state_before = NEW.state_before AND t.state_after = NEW.state_after) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD020',
            MESSAGE = format('risk state of %s %s: move %s -> %s (%s) refused', NEW.scope_kind, NEW.scope_key,
                             NEW.state_before, NEW.state_after, NEW.cause),
            DETAIL = format('current_state=%s', coalesce(v_cur.state, 'normal')),
            HINT = 'Only the moves of risk.state_transition (docs/risk.md) from the current state are accepted.';
    END IF;
    INSERT INTO risk.state_current AS c (book_id, scope_kind, scope_key, state, cause, since_ts, until_ts, breaker, last_breach, hold)
    VALUES (NEW.book_id, NEW.scope_kind, NEW.scope_key, NEW.state_after, NEW.cause, NEW.ts, NEW.until_ts, v_brk,
            CASE WHEN v_brk IS NOT NULL THEN NEW.ts END, v_hold)
    ON CONFLICT (book_id, scope_kind, scope_key) DO UPDATE
        SET state = EXCLUDED.state, cause = EXCLUDED.cause, since_ts = EXCLUDED.since_ts,
            until_ts = CASE WHEN c.state = EXCLUDED.state THEN greatest(c.until_ts, EXCLUDED.until_ts) ELSE EXCLUDED.until_ts END,
            breaker = CASE WHEN EXCLUDED.breaker IS NOT NULL THEN EXCLUDED.breaker
                           WHEN c.state = EXCLUDED.state THEN c.breaker END,
            last_breach = CASE WHEN EXCLUDED.breaker IS NOT NULL THEN greatest(c.last_breach, EXCLUDED.last_breach)
                               WHEN c.state = EXCLUDED.state THEN c.last_breach END,
            hold = CASE WHEN EXCLUDED.state <> 'reducing' THEN NULL
                        WHEN c.state = EXCLUDED.state THEN coalesce(c.hold, EXCLUDED.hold) ELSE EXCLUDED.hold END;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION risk.tg_state_event__apply() IS 'Risk state machine: a move must start from the book''s current state and be a row of risk.state_transition (PD020), a strategy scope names a registered strategy; keeps risk.state_current (with the operator hold of a reducing state).';
