-- 0018_pools_strategies.up.sql — capital pools and several strategies per book (issue 13 items 1 and 2).
--
-- * risk.pool: the three capital pools of every book, CORE, AGGRESSIVE and TAIL_RISK. A pool's budget and
--   loss limits are limits of the book's risk profile scoped by the pool's name (pool_budget,
--   pool_max_daily_loss, pool_max_drawdown, set with api.set_limit like every other cap).
-- * risk.lane_pool_setting: which pools a lane enables (append-only history, highest revision wins; set with
--   api.set_lane_pool). Seeded: paper and live_promoted enable every pool, live_canary CORE only (seed 000).
-- * trading.strategy gains its pool (default CORE) and an arbitration priority (higher wins).
-- * Per-strategy limits, scoped by the strategy's name or '*': strategy_allocation, strategy_max_daily_loss,
--   strategy_max_drawdown.
-- * risk.arbitration_setting: the arbitration rule per risk profile (refuse_both, the default, or priority)
--   when two strategies of a book disagree on a symbol in the same hour (api.set_arbitration).
-- * portfolio.strategy_hour: each strategy's figures at each hour close (risk.strategy_figures), from which
--   its day-start and peak PnL are read; append-only.
SET LOCAL ROLE predator_owner;

CREATE TABLE risk.pool (
    pool        text PRIMARY KEY CONSTRAINT pool_is_known CHECK (pool IN ('CORE', 'AGGRESSIVE', 'TAIL_RISK')),
    description text NOT NULL
);
COMMENT ON TABLE risk.pool IS 'The capital pools of every book: CORE, AGGRESSIVE, TAIL_RISK. A strategy belongs to one pool; the pool''s budget and loss limits are limits of the book''s risk profile scoped by the pool name (pool_budget, pool_max_daily_loss, pool_max_drawdown).';
INSERT INTO risk.pool (pool, description) VALUES
    ('CORE', 'Core capital: the strategies trusted first; the only pool a live_canary lane enables.'),
    ('AGGRESSIVE', 'Higher-risk strategies with a smaller budget of their own.'),
    ('TAIL_RISK', 'Tail-risk and convex bets, with a small budget of their own.');

CREATE TABLE risk.lane_pool_setting (
    lane        text        NOT NULL CONSTRAINT lane_pool_lane_is_known CHECK (lane IN ('paper', 'live_canary', 'live_promoted')),
    pool        text        NOT NULL REFERENCES risk.pool,
    revision    integer     NOT NULL CONSTRAINT lane_pool_revision_is_positive CHECK (revision > 0),
    enabled     boolean     NOT NULL,
    reason      text        NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT lane_pool_setting_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT lane_pool_setting_pk PRIMARY KEY (lane, pool, revision)
);
COMMENT ON TABLE risk.lane_pool_setting IS 'Which capital pools each lane enables: append-only history, the highest revision of (lane, pool) is in force (api.set_lane_pool, audited). A strategy of a disabled pool is refused pool_disabled. A (lane, pool) without a row is disabled.';
INSERT INTO risk.lane_pool_setting (lane, pool, revision, enabled, reason, actor) VALUES
    ('paper', 'CORE', 1, true, 'migration 0018: paper lanes try every pool', 'migration'),
    ('paper', 'AGGRESSIVE', 1, true, 'migration 0018: paper lanes try every pool', 'migration'),
    ('paper', 'TAIL_RISK', 1, true, 'migration 0018: paper lanes try every pool', 'migration'),
    ('live_canary', 'CORE', 1, true, 'migration 0018: seed 000, the first live phase trades CORE only', 'migration'),
    ('live_canary', 'AGGRESSIVE', 1, false, 'migration 0018: seed 000, the first live phase trades CORE only', 'migration'),
    ('live_canary', 'TAIL_RISK', 1, false, 'migration 0018: seed 000, the first live phase trades CORE only', 'migration'),
    ('live_promoted', 'CORE', 1, true, 'migration 0018: a promoted lane may use every pool', 'migration'),
    ('live_promoted', 'AGGRESSIVE', 1, true, 'migration 0018: a promoted lane may use every pool', 'migration'),
    ('live_promoted', 'TAIL_RISK', 1, true, 'migration 0018: a promoted lane may use every pool', 'migration');

CREATE TABLE risk.arbitration_setting (
    profile     text        NOT NULL REFERENCES risk.profile,
    revision    integer     NOT NULL CONSTRAINT arbitration_revision_is_positive CHECK (revision > 0),
    rule        text        NOT NULL CONSTRAINT arbitration_rule_is_known CHECK (rule IN ('refuse_both', 'priority')),
    reason      text        NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT arbitration_setting_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT arbitration_setting_pk PRIMARY KEY (profile, revision)
);
COMMENT ON TABLE risk.arbitration_setting IS 'The arbitration rule of a risk profile when two strategies of a book disagree on a symbol in the same hour: refuse_both (the default without a row) or priority (the higher trading.strategy.priority wins, a tie refuses both). Append-only; the highest revision is in force (api.set_arbitration, audited).';

ALTER TABLE trading.strategy
    ADD COLUMN pool text NOT NULL DEFAULT 'CORE' REFERENCES risk.pool,
    ADD COLUMN priority integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN trading.strategy.pool IS 'The capital pool the strategy belongs to (CORE by default); its entries count against the pool''s budget.';
COMMENT ON COLUMN trading.strategy.priority IS 'Arbitration priority under the priority rule: the higher wins a disagreement on a symbol in the same hour.';

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('pool_budget', '{pct,abs}', 'Budget of a capital pool (scope = pool name): exposure of the pool''s strategies'' positions at mark + their open buys + the new order; pct of equity or an amount in the base currency. Refused pool_budget.'),
    ('pool_max_daily_loss', '{pct,abs}', 'Loss of a pool''s strategies since 00:00 UTC (scope = pool name) beyond which the pool''s entries are refused (pool_daily_loss); pct of the day-start equity or an amount.'),
    ('pool_max_drawdown', '{pct,abs}', 'Fall of a pool''s strategies'' PnL from its peak (scope = pool name) beyond which the pool''s entries are refused (pool_drawdown); pct of the peak equity or an amount.'),
    ('strategy_allocation', '{pct,abs}', 'Capital allocated to a strategy (scope = strategy name or *): its positions at mark + open buys + the new order; pct of equity or an amount. Refused strategy_allocation.'),
    ('strategy_max_daily_loss', '{pct,abs}', 'A strategy''s own loss since 00:00 UTC, realized and marked (scope = strategy or *); pct of the book''s day-start equity or an amount. Entries refused strategy_daily_loss; at an hour close the strategy is killed alone.'),
    ('strategy_max_drawdown', '{pct,abs}', 'A strategy''s own PnL below its peak (scope = strategy or *); pct of the book''s peak equity or an amount. Entries refused strategy_drawdown; at an hour close the strategy is killed alone.');

CREATE TABLE portfolio.strategy_hour (
    book_id           integer     NOT NULL,
    strategy          text        NOT NULL,
    hour              timestamptz NOT NULL
        CONSTRAINT strategy_hour_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    pool              text        NOT NULL REFERENCES risk.pool,
    position_value    numeric     NOT NULL
        CONSTRAINT strategy_hour_position_value_is_finite CHECK (position_value > '-Infinity' AND position_value < 'Infinity'),
    open_buy_notional numeric     NOT NULL
        CONSTRAINT strategy_hour_open_buy_notional_is_finite CHECK (open_buy_notional > '-Infinity' AND open_buy_notional < 'Infinity'),
    realized_pnl      numeric     NOT NULL
        CONSTRAINT strategy_hour_realized_pnl_is_finite CHECK (realized_pnl > '-Infinity' AND realized_pnl < 'Infinity'),
    unrealized_pnl    numeric     NOT NULL
        CONSTRAINT strategy_hour_unrealized_pnl_is_finite CHECK (unrealized_pnl > '-Infinity' AND unrealized_pnl < 'Infinity'),
    pnl               numeric     NOT NULL
        CONSTRAINT strategy_hour_pnl_is_finite CHECK (pnl > '-Infinity' AND pnl < 'Infinity'),
    day_start_pnl     numeric     NOT NULL
        CONSTRAINT strategy_hour_day_start_pnl_is_finite CHECK (day_start_pnl > '-Infinity' AND day_start_pnl < 'Infinity'),
    peak_pnl          numeric     NOT NULL
        CONSTRAINT strategy_hour_peak_pnl_is_finite CHECK (peak_pnl > '-Infinity' AND peak_pnl < 'Infinity'),
    actions           text[]      NOT NULL DEFAULT '{}',
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT strategy_hour_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT strategy_hour_pk PRIMARY KEY (book_id, strategy, hour),
    CONSTRAINT strategy_hour_strategy_fk FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy (book_id, strategy),
    CONSTRAINT strategy_hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT strategy_peak_is_at_least_pnl CHECK (peak_pnl >= pnl)
);
COMMENT ON TABLE portfolio.strategy_hour IS 'Each strategy''s own figures at each hour close (risk.strategy_figures, in the base currency): its positions at mark and open buys, realized and unrealized PnL of its own fills, PnL at the day start and its peak, and the actions its limits took (strategy_killed). Written by api.close_hour; append-only.';

-- A strategy killed by its own loss limit is reduced by its own exit orders (origin strategy_kill).
ALTER TABLE trading.order_request DROP CONSTRAINT order_origin_is_known,
    ADD CONSTRAINT order_origin_is_known CHECK (origin IN ('signal', 'kill_switch', 'risk_flatten', 'strategy_kill'));
