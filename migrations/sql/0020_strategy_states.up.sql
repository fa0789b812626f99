-- 0020_strategy_states.up.sql — the risk state machine per strategy, next to the book's (issue 13 items 3, 7;
-- docs/risk.md).
--
-- * risk.state_event and risk.state_current take the scope 'strategy' (scope_key = the strategy's name, the book
--   being book_id): the same legal moves (risk.state_transition), the same chain per book (ops.chained_tables
--   is unchanged: a strategy's moves are rows of its book's chain), the same trigger.
-- * risk.state_current.hold: the cause of a reducing state that only an operator lifts (a drawdown, a live
--   lane's strategy daily loss); kept across a further cause, cleared when the state leaves reducing.
-- * Limits: strategy_reduce_daily_loss and strategy_reduce_drawdown, the reduce tier of a strategy's own loss
--   (below the kill tier strategy_max_daily_loss / strategy_max_drawdown).
SET LOCAL ROLE predator_owner;

ALTER TABLE risk.state_event DROP CONSTRAINT state_scope_is_known,
    ADD CONSTRAINT state_scope_is_known CHECK (scope_kind IN ('book', 'strategy'));
COMMENT ON TABLE risk.state_event IS 'Append-only moves of the risk state machine of a book (scope_kind book) or of one of its strategies (scope_kind strategy, scope_key its name): before and after, cause (daily_loss_halt, breaker:<name>, drawdown_halt_tier, strategy_daily_loss, strategy_drawdown, halt, halt_lifted, next_utc_day, breaker_cleared, cooldown_elapsed, operator_resume), a reason, the business time ts and, for a stop the system lifts itself, the earliest business time until_ts it may lift. Chained per book; every move is a row of risk.state_transition (PD020).';

ALTER TABLE risk.state_current ADD COLUMN hold text;
COMMENT ON COLUMN risk.state_current.hold IS 'While reducing: the cause that only an operator lifts (drawdown_halt_tier of a paper book, strategy_drawdown, a live lane''s strategy_daily_loss); NULL otherwise. risk._advance_state and risk._advance_strategy_state never lift a held state; api.resume_reducing and api.resume_strategy do.';

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('strategy_reduce_daily_loss', '{pct,abs}', 'Reduce tier of a strategy''s own loss since 00:00 UTC (scope = strategy or *; pct of the book''s day-start equity or an amount): the strategy moves to reducing (entries refused strategy_reducing, exits admitted); in a paper lane until the next 00:00 UTC, in a live lane until an operator resumes it.'),
    ('strategy_reduce_drawdown', '{pct,abs}', 'Reduce tier of a strategy''s own PnL below its peak (scope = strategy or *; pct of the book''s peak equity or an amount): the strategy moves to reducing until an operator resumes it (api.resume_strategy).');

-- The net arbitration rule (issue 13 item 2; docs/risk.md "Arbitration"): opposing quantities of strategies that
-- disagree on a symbol in the same hour offset; the residual of the larger side trades, owned by one strategy.
-- A residual of an order already admitted is a new order of origin arbitration_net (its strategy's; the original
-- is cancelled); risk._check_arbitration takes the signal's quantity and unit price for it.
ALTER TABLE risk.arbitration_setting DROP CONSTRAINT arbitration_rule_is_known,
    ADD CONSTRAINT arbitration_rule_is_known CHECK (rule IN ('refuse_both', 'priority', 'net'));
COMMENT ON TABLE risk.arbitration_setting IS 'The arbitration rule of a risk profile when two strategies of a book disagree on a symbol in the same hour: refuse_both (the default without a row), priority (the higher trading.strategy.priority wins, a tie refuses both) or net (opposing quantities offset, the larger side''s residual trades, owned by its strategy). Append-only; the highest revision is in force (api.set_arbitration, audited).';
ALTER TABLE trading.order_request DROP CONSTRAINT order_origin_is_known,
    ADD CONSTRAINT order_origin_is_known CHECK (origin IN ('signal', 'kill_switch', 'risk_flatten', 'strategy_kill', 'arbitration_net'));
DROP FUNCTION IF EXISTS risk._check_arbitration(integer, text, text, timestamptz, text, boolean);
