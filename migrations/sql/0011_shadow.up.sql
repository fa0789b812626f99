-- 0011_shadow.up.sql — shadow mode: a shadow book's decisions compared hour by hour with a reference book's.
--
-- A shadow account (mode 'shadow') runs the live data and decides, but sends no order to a venue (its orders
-- fill in the paper engine, so it holds what it would have held). An operator pairs it with a reference
-- account trading the same data (a paper account, or the live account it shadows: seed 000 runs shadow and live
-- in parallel) with api.pair_shadow. After each hour both books closed, api.compare_shadow records the two
-- sets of decisions decided at that hour (symbol, direction, verdict) in risk.shadow_comparison and counts
-- those in one set and not the other; above the 'shadow_divergence' circuit breaker's threshold (per lane or
-- account, api.set_breaker) the breaker trips: an incident and a halt at its scope.
SET LOCAL ROLE predator_owner;

INSERT INTO risk.breaker_kind (breaker, unit, description) VALUES
    ('shadow_divergence', 'count', 'Decisions of a shadow book that differ from its reference book''s in one hour');

INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
SELECT l.lane, '*', 'shadow_divergence', 1, 0, 1, 1, l.scope, 'shipped default', 'migration'
  FROM (VALUES ('paper', 'account'), ('live_canary', 'global'), ('live_promoted', 'global')) l(lane, scope);

CREATE TABLE risk.shadow_pair (
    shadow_book_id integer PRIMARY KEY REFERENCES trading.account (book_id),
    reference_book_id integer NOT NULL REFERENCES trading.account (book_id),
    reason text NOT NULL CONSTRAINT shadow_pair_reason_given CHECK (btrim(reason) <> ''),
    actor text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT shadow_pair_is_two_books CHECK (shadow_book_id <> reference_book_id),
    CONSTRAINT shadow_pair_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE risk.shadow_pair IS 'Append-only. A shadow book and the reference book its decisions are compared with (api.pair_shadow), once and for good.';

CREATE TABLE risk.shadow_comparison (
    shadow_book_id integer NOT NULL REFERENCES risk.shadow_pair (shadow_book_id),
    hour timestamptz NOT NULL,
    reference_book_id integer NOT NULL REFERENCES trading.account (book_id),
    shadow_decisions jsonb NOT NULL,
    reference_decisions jsonb NOT NULL,
    divergence integer NOT NULL CONSTRAINT divergence_is_non_negative CHECK (divergence >= 0),
    threshold numeric,
    tripped boolean NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (shadow_book_id, hour),
    CONSTRAINT shadow_comparison_hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT shadow_comparison_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    CONSTRAINT shadow_comparison_threshold_is_finite CHECK (threshold > '-Infinity' AND threshold < 'Infinity'),
    CONSTRAINT shadow_comparison_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE risk.shadow_comparison IS 'Append-only. Per hour closed by a shadow book and its reference: the decisions each made at that hour (sorted [symbol, direction, outcome] triples), how many are in one and not the other (divergence, a multiset difference), the shadow_divergence threshold in force and whether it tripped.';
COMMENT ON COLUMN risk.shadow_comparison.hour IS 'Close time of the hour compared (UTC): the decisions with ts = hour.';
COMMENT ON COLUMN risk.shadow_comparison.recorded_at IS 'Wall time of the comparison (never hashed).';

-- Live needs a burn-in: a strategy is registered on a live account only when it ran forward (on live data, the
-- sync) in a paper or shadow account on the same venue for at least live_burn_in_days closed days. The days are
-- an operator setting (api.set_setting, audited), 0..365, 30 by default.
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days'));
ALTER TABLE ops.setting ADD CONSTRAINT live_burn_in_days_is_bounded
    CHECK (name <> 'live_burn_in_days' OR (value >= 0 AND value <= 365));
INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('live_burn_in_days', 1, 30, 'shipped default: 30 days of forward paper or shadow before live (seed 004 phase 7)', 'migration');
COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time (hour close, signal, fill, order event, transfer, deposit, reconciliation, venue health, candle load clock) may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency (in that currency) that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days a strategy needs on a venue before it may be registered on a live account there, 0..365.';
