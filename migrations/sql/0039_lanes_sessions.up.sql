-- 0039_lanes_sessions.up.sql — lanes and live sessions (issue 16 item 4; seed 003 §3.2, §5; docs/operator.md,
-- "Lanes and sessions").
--
-- * risk.lane_setting: one row per lane and revision (the highest is in force, like the other settings): the
--   lane's capital budget (an amount in one currency) and its risk envelope (max drawdown % of a session from its
--   own peak, max daily loss % of the day-start equity, minimum days a session runs before it may be promoted out
--   of the lane). Written by api.set_lane (audited); raising a live lane's budget (or changing its currency) is a
--   high-risk action of the two-person rule (ops._approval_target 'set_lane').
-- * ops.session: the sessions registry, the authoritative list of runs of an account (optionally one strategy) in
--   a lane with a capital allocation. Its status follows ops.session_transition (scheduled -> running ->
--   suspended -> running, -> completed | rolled_back; scheduled -> rolled_back), moved only by an insert into
--   ops.session_event (trigger _100_apply, PD021 on an illegal move), each with its cause, reason and links.
--   At most one running or suspended session per account.
-- * trading.account_lane: the account's lane changes (promotion live_canary -> live_promoted, demotion back),
--   each with its session, approval and reason; every one an operator's decision (source 'operator': the system
--   suspends a session and halts its account on an envelope breach, it never changes a lane). trading.account stays append-only in spirit: its one mutable
--   column is lane, and an UPDATE of it must follow such a row (trigger _010_guard, PD001 otherwise), so halts,
--   breakers and pools keep reading trading.account.lane.
-- * ops.approval_request.action: 'set_lane', 'promote_session' and 'demote_session' join the high-risk actions.
SET LOCAL ROLE predator_owner;

CREATE TABLE risk.lane_setting (
    lane               text        NOT NULL CONSTRAINT lane_setting_lane_is_known
                                   CHECK (lane IN ('paper', 'live_canary', 'live_promoted')),
    revision           integer     NOT NULL CONSTRAINT lane_setting_revision_is_positive CHECK (revision > 0),
    capital_budget     numeric     NOT NULL CONSTRAINT lane_setting_budget_is_non_negative CHECK (capital_budget >= 0),
    currency           text        NOT NULL REFERENCES market.asset,
    max_drawdown_pct   numeric     NOT NULL CONSTRAINT lane_setting_drawdown_is_a_percent
                                   CHECK (max_drawdown_pct > 0 AND max_drawdown_pct <= 100),
    max_daily_loss_pct numeric     NOT NULL CONSTRAINT lane_setting_daily_loss_is_a_percent
                                   CHECK (max_daily_loss_pct > 0 AND max_daily_loss_pct <= 100),
    min_days           integer     NOT NULL CONSTRAINT lane_setting_min_days_is_bounded CHECK (min_days BETWEEN 0 AND 3650),
    reason             text        NOT NULL CONSTRAINT lane_setting_has_reason CHECK (length(btrim(reason)) > 0),
    actor              text        NOT NULL DEFAULT session_user,
    recorded_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT lane_setting_pk PRIMARY KEY (lane, revision),
    CONSTRAINT lane_setting_capital_budget_is_finite CHECK (capital_budget > '-Infinity' AND capital_budget < 'Infinity'),
    CONSTRAINT lane_setting_max_drawdown_pct_is_finite CHECK (max_drawdown_pct > '-Infinity' AND max_drawdown_pct < 'Infinity'),
    CONSTRAINT lane_setting_max_daily_loss_pct_is_finite CHECK (max_daily_loss_pct > '-Infinity' AND max_daily_loss_pct < 'Infinity'),
    CONSTRAINT lane_setting_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE risk.lane_setting IS 'The lane registry (seed 003 §3.2): per lane and revision (the highest is in force; append-only, api.set_lane, audited) the capital budget (capital_budget in currency: the running and suspended sessions'' allocations of the lane never exceed it) and the risk envelope: max_drawdown_pct (a session''s drawdown from its own peak equity), max_daily_loss_pct (loss since 00:00 UTC, percent of the day-start equity), min_days (days of closed hours a session runs in the lane before it may be promoted out of it).';

INSERT INTO risk.lane_setting (lane, revision, capital_budget, currency, max_drawdown_pct, max_daily_loss_pct, min_days, reason, actor) VALUES
    ('paper', 1, 1000000, 'USDT', 50, 10, 0, 'shipped default: paper money, a wide envelope', 'migration'),
    ('live_canary', 1, 1000, 'USDT', 5, 1, 14, 'shipped default: small capital, the canary profile''s envelope, two weeks before promotion', 'migration'),
    ('live_promoted', 1, 10000, 'USDT', 10, 2, 0, 'shipped default: the main lane; min_days unused (no lane above it)', 'migration');

CREATE TABLE ops.session_transition (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    description text NOT NULL,
    CONSTRAINT session_transition_pk PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE ops.session_transition IS 'The legal moves of a session''s status (seed 003 §5.2): scheduled -> running | rolled_back; running -> suspended | completed | rolled_back; suspended -> running | completed | rolled_back. completed and rolled_back are final. Reference data.';
INSERT INTO ops.session_transition (from_status, to_status, description) VALUES
    ('scheduled', 'running', 'started by an operator (api.start_session) or by a promotion'),
    ('scheduled', 'rolled_back', 'cancelled before it ran (api.roll_back_session, a demotion)'),
    ('running', 'suspended', 'an operator (api.suspend_session), a halt covering it, a severity-1 incident of its account, or a breach of its live lane''s envelope'),
    ('running', 'completed', 'ended normally (api.complete_session) or promoted to the next lane (api.promote_session)'),
    ('running', 'rolled_back', 'abandoned (api.roll_back_session) or demoted (api.demote_session, with a second operator''s approval)'),
    ('suspended', 'running', 'resumed by an operator (api.resume_session)'),
    ('suspended', 'completed', 'ended while suspended (api.complete_session)'),
    ('suspended', 'rolled_back', 'abandoned or demoted while suspended');

CREATE TABLE ops.session (
    session_id    bigint      GENERATED ALWAYS AS IDENTITY,
    book_id       integer     NOT NULL REFERENCES trading.account,
    strategy      text,
    lane          text        NOT NULL CONSTRAINT session_lane_is_known CHECK (lane IN ('paper', 'live_canary', 'live_promoted')),
    allocation    numeric     NOT NULL CONSTRAINT session_allocation_is_positive CHECK (allocation > 0),
    currency      text        NOT NULL REFERENCES market.asset,
    planned_end   timestamptz,
    promoted_from bigint,
    status        text        NOT NULL DEFAULT 'scheduled' CONSTRAINT session_status_is_known
                              CHECK (status IN ('scheduled', 'running', 'suspended', 'completed', 'rolled_back')),
    status_since  timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at    timestamptz,
    ended_at      timestamptz,
    reason        text        NOT NULL CONSTRAINT session_has_reason CHECK (length(btrim(reason)) > 0),
    actor         text        NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Keyed by book like every governed table (distributable by book, docs/architecture.md §8); the identity
    -- alone names a session (SES-n) across the installation.
    CONSTRAINT session_pk PRIMARY KEY (book_id, session_id),
    CONSTRAINT session_id_is_unique UNIQUE (session_id, book_id),
    CONSTRAINT session_promoted_from_fkey FOREIGN KEY (book_id, promoted_from) REFERENCES ops.session (book_id, session_id),
    CONSTRAINT session_strategy_is_registered FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy (book_id, strategy),
    CONSTRAINT session_ended_iff_final CHECK ((status IN ('completed', 'rolled_back')) = (ended_at IS NOT NULL)),
    CONSTRAINT session_started_unless_scheduled CHECK (status IN ('scheduled', 'rolled_back') OR started_at IS NOT NULL),
    CONSTRAINT session_allocation_is_finite CHECK (allocation > '-Infinity' AND allocation < 'Infinity'),
    CONSTRAINT session_planned_end_is_finite CHECK (planned_end > '-infinity' AND planned_end < 'infinity'),
    CONSTRAINT session_status_since_is_finite CHECK (status_since > '-infinity' AND status_since < 'infinity'),
    CONSTRAINT session_started_at_is_finite CHECK (started_at > '-infinity' AND started_at < 'infinity'),
    CONSTRAINT session_ended_at_is_finite CHECK (ended_at > '-infinity' AND ended_at < 'infinity'),
    CONSTRAINT session_created_at_is_finite CHECK (created_at > '-infinity' AND created_at < 'infinity')
);
CREATE UNIQUE INDEX session_one_active_per_account ON ops.session (book_id) WHERE status IN ('running', 'suspended');
CREATE INDEX session_by_status ON ops.session (status, lane);
COMMENT ON TABLE ops.session IS 'The live sessions registry (seed 003 §5): a run of one account (and optionally one strategy) in a lane with a capital allocation (in the lane''s currency), its planned review or end (wall time), the session it was promoted from, and its status (scheduled, running, suspended, completed, rolled_back) with the wall times it started, last moved and ended. The definition never changes; status, status_since, started_at and ended_at move only through ops.session_event (trigger _010_guard). At most one running or suspended session per account (session_one_active_per_account).';
COMMENT ON INDEX ops.session_one_active_per_account IS 'An account runs at most one session at a time (running or suspended).';
COMMENT ON INDEX ops.session_by_status IS 'The running sessions of a lane, looked up at every halt, severity-1 incident and hour close.';

CREATE TABLE ops.session_event (
    book_id     integer     NOT NULL,   -- the session's book (set by the _100_apply trigger)
    session_id  bigint      NOT NULL,
    seq         integer     NOT NULL CONSTRAINT session_event_seq_is_positive CHECK (seq > 0),
    from_status text,
    to_status   text        NOT NULL,
    cause       text        NOT NULL CONSTRAINT session_event_cause_is_known
                            CHECK (cause IN ('operator', 'halt', 'incident', 'envelope', 'promotion', 'demotion')),
    source      text        NOT NULL CONSTRAINT session_event_source_is_known CHECK (source IN ('operator', 'system')),
    reason      text        NOT NULL CONSTRAINT session_event_has_reason CHECK (length(btrim(reason)) > 0),
    links       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    actor       text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT session_event_pk PRIMARY KEY (book_id, session_id, seq),
    CONSTRAINT session_event_of_a_session FOREIGN KEY (book_id, session_id) REFERENCES ops.session (book_id, session_id),
    CONSTRAINT session_event_is_a_legal_move FOREIGN KEY (from_status, to_status) REFERENCES ops.session_transition,
    CONSTRAINT session_event_creation_is_scheduled CHECK (from_status IS NOT NULL OR to_status = 'scheduled'),
    CONSTRAINT session_event_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE ops.session_event IS 'Every move of a session''s status: its creation (from NULL to scheduled), then each legal move (ops.session_transition) with its cause (operator, halt, incident, envelope, promotion, demotion), source (operator or system), reason, links (the halt event, the incident, the sessions of a promotion, the figures of an envelope breach) and who. Append-only; the BEFORE INSERT trigger _100_apply moves ops.session (PD021 on an illegal move).';

CREATE TABLE trading.account_lane (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         integer     NOT NULL CONSTRAINT account_lane_seq_is_positive CHECK (seq > 0),
    from_lane   text        NOT NULL,
    to_lane     text        NOT NULL CONSTRAINT account_lane_to_is_live CHECK (to_lane IN ('live_canary', 'live_promoted')),
    cause       text        NOT NULL CONSTRAINT account_lane_cause_is_known CHECK (cause IN ('promotion', 'demotion')),
    session_id  bigint      NOT NULL,
    approval    bigint      REFERENCES ops.approval_request,
    source      text        NOT NULL CONSTRAINT account_lane_source_is_operator CHECK (source = 'operator'),
    reason      text        NOT NULL CONSTRAINT account_lane_has_reason CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT account_lane_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT account_lane_of_a_session FOREIGN KEY (book_id, session_id) REFERENCES ops.session (book_id, session_id),
    CONSTRAINT account_lane_changes CHECK (from_lane <> to_lane),
    CONSTRAINT account_lane_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE trading.account_lane IS 'The lane changes of an account: a promotion (live_canary -> live_promoted, api.promote_session) or a demotion (back to live_canary, api.demote_session), each an operator''s decision (source operator; the system never changes a lane: an envelope breach suspends the session and halts the account) with the second operator''s approval while the two-person rule holds, with the session it ended, the approval it used, who and why. Append-only. trading.account.lane changes only after such a row (trigger _010_guard on trading.account).';

ALTER TABLE ops.approval_request DROP CONSTRAINT approval_action_is_known;
ALTER TABLE ops.approval_request ADD CONSTRAINT approval_action_is_known
    CHECK (action IN ('resume', 'set_limit', 'set_limit_policy', 'set_setting', 'set_lane', 'promote_session',
                      'demote_session'));
