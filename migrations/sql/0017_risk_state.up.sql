-- 0017_risk_state.up.sql — the risk state machine of a book (issue 13 items 3, 7, 8; docs/risk.md).
--
-- A book is in one of four risk states: normal (everything the gate allows), reducing (exits and reductions
-- only: api.submit_signal refuses entries with risk_reducing), halted (a halt covers the book: nothing but
-- kill-switch and risk-flatten exits) and cooldown (a halt has lifted; entries wait until the cooldown ends:
-- risk_cooldown). The legal moves are rows of risk.state_transition, like trading.order_transition; every
-- move is an append-only, hash-chained row of risk.state_event with its cause, and risk.state_current is the
-- cache the gate reads (maintained only by the trigger of risk.state_event). The routines live under sql/
-- (risk._transition, risk._admission_state, risk._advance_state, risk._loss_stop, risk._breaker_pause,
-- risk._note_breaker, risk.tg_state_event__apply).
--
-- Limits an operator sets (api.set_limit; risk.limit_kind rows below): cooldown_hours, breaker_clear_hours,
-- breaker_clear_pct.
SET LOCAL ROLE predator_owner;

CREATE TABLE risk.state_transition (
    state_before text NOT NULL CONSTRAINT state_before_is_known CHECK (state_before IN ('normal', 'reducing', 'halted', 'cooldown')),
    state_after  text NOT NULL CONSTRAINT state_after_is_known CHECK (state_after IN ('normal', 'reducing', 'halted', 'cooldown')),
    description  text NOT NULL,
    CONSTRAINT state_transition_pk PRIMARY KEY (state_before, state_after)
);
COMMENT ON TABLE risk.state_transition IS 'The legal moves of the risk state machine of a book (docs/risk.md): normal, reducing (exits only), halted (a halt covers the book), cooldown (after a halt lifts). risk.state_event references it by foreign key; anything else is refused with PD020.';
INSERT INTO risk.state_transition (state_before, state_after, description) VALUES
    ('normal', 'reducing', 'a loss limit (daily_loss_halt) or, in a paper lane, a circuit breaker: entries refused, exits admitted'),
    ('normal', 'halted', 'a halt (operator, drawdown tier, breaker, live escalation) covers the book'),
    ('reducing', 'reducing', 'a further cause while reducing (for example a breaker during a daily-loss stop)'),
    ('reducing', 'normal', 'every cause has cleared: the next UTC day for a daily limit, breaker_clear_hours clean hours for a breaker'),
    ('reducing', 'halted', 'a halt covers the book while it is reducing'),
    ('halted', 'cooldown', 'every halt covering the book has been lifted'),
    ('cooldown', 'normal', 'cooldown_hours have passed since the halt lifted'),
    ('cooldown', 'reducing', 'a loss limit or a paper breaker during the cooldown'),
    ('cooldown', 'halted', 'a halt covers the book again during the cooldown');

CREATE TABLE risk.state_event (
    book_id      integer     NOT NULL REFERENCES trading.account,
    seq          bigint      NOT NULL,
    scope_kind   text        NOT NULL DEFAULT 'book' CONSTRAINT state_scope_is_known CHECK (scope_kind IN ('book')),
    scope_key    text        NOT NULL,
    state_before text        NOT NULL,
    state_after  text        NOT NULL,
    cause        text        NOT NULL CONSTRAINT state_cause_is_given CHECK (length(btrim(cause)) > 0),
    reason       text        NOT NULL CONSTRAINT state_reason_is_given CHECK (length(btrim(reason)) > 0),
    until_ts     timestamptz,
    ts           timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash    bytea       NOT NULL,
    row_hash     bytea       NOT NULL,
    CONSTRAINT state_event_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT state_event_until_ts_is_finite CHECK (until_ts > '-infinity' AND until_ts < 'infinity'),
    CONSTRAINT state_event_ts_is_finite CHECK (ts > '-infinity' AND ts < 'infinity'),
    CONSTRAINT state_event_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT state_move_is_legal FOREIGN KEY (state_before, state_after) REFERENCES risk.state_transition
);
COMMENT ON TABLE risk.state_event IS 'Append-only moves of the risk state machine of a book: before and after, cause (daily_loss_halt, breaker:<name>, halt, halt_lifted, next_utc_day, breaker_cleared, cooldown_elapsed), a reason, the business time ts and, for a stop the system lifts itself, the earliest business time until_ts it may lift. Chained per book; every move is a row of risk.state_transition (PD020).';

CREATE TABLE risk.state_current (
    book_id     integer     NOT NULL REFERENCES trading.account,
    scope_kind  text        NOT NULL DEFAULT 'book',
    scope_key   text        NOT NULL,
    state       text        NOT NULL,
    cause       text        NOT NULL,
    since_ts    timestamptz NOT NULL,
    until_ts    timestamptz,
    breaker     text,
    last_breach timestamptz,
    CONSTRAINT state_current_pk PRIMARY KEY (book_id, scope_kind, scope_key),
    CONSTRAINT state_current_state_is_known CHECK (state IN ('normal', 'reducing', 'halted', 'cooldown')),
    CONSTRAINT state_current_since_ts_is_finite CHECK (since_ts > '-infinity' AND since_ts < 'infinity'),
    CONSTRAINT state_current_until_ts_is_finite CHECK (until_ts > '-infinity' AND until_ts < 'infinity'),
    CONSTRAINT state_current_last_breach_is_finite CHECK (last_breach > '-infinity' AND last_breach < 'infinity')
);
COMMENT ON TABLE risk.state_current IS 'Current risk state per book: a cache of the latest risk.state_event (state, cause, since, until), plus the breaker that paused a paper book and the business time of its last breach (a figure at or above breaker_clear_pct of the threshold), which the clean-hour count starts from. Written only by the trigger of risk.state_event and risk._note_breaker.';

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('cooldown_hours', '{count}', 'Hours after every halt covering a book has lifted before entries are admitted again (risk state cooldown); 0 or unset: the next hour close'),
    ('breaker_clear_hours', '{count}', 'Paper lanes: closed hours without a breach of the breaker that paused the book before it returns to normal; unset: only an operator'),
    ('breaker_clear_pct', '{pct}', 'Paper lanes, hysteresis: a breaker figure at or above this percent of its threshold is a breach that restarts the clean-hour count (100 when unset)');

INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor)
SELECT p.profile, l.limit_name, '*', 1, l.mode, l.value, 'shipped default', 'migration'
  FROM risk.profile p
 CROSS JOIN (VALUES ('cooldown_hours', 'count', 0::numeric), ('breaker_clear_hours', 'count', 6),
                    ('breaker_clear_pct', 'pct', 80)) l(limit_name, mode, value)
 WHERE p.profile IN ('default', 'live_canary', 'unconstrained');

COMMENT ON TABLE risk.breaker_trip IS 'Every circuit-breaker trip: the figure that tripped it against its threshold, what it did (trip_scope: global, lane or account for a halt; reducing when a paper book was paused instead) and the incident opened. Append-only, chained per book.';
