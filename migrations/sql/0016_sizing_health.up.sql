-- 0016_sizing_health.up.sql — sizing enforced, not advised; strategy health (issue 13, items 4 and 5;
-- docs/risk.md "Volatility cap", "Adaptive horizon", "Strategy health").
--
-- Limits (api.set_limit, per risk profile; a limit that is not set means no cap / no action):
--   vol_target            annualised volatility target (pct): an entry is refused (volatility_cap) when the
--                         instrument's position after it exceeds equity × vol_target / realized volatility;
--   vol_window_hours      hourly log returns in the realized-volatility estimate (count; 168 when not set);
--   health_window_hours   the rolling window of a strategy's health score (count; 720 when not set);
--   health_min_trades     closed lot allocations needed before a strategy is scored (count; 10 when not set);
--   health_edge_fraction  share of its claimed edge a strategy must still earn (pct; 50 when not set);
--   health_demote_score   score below which a strategy is demoted (pct of 1);
--   health_pause_score    score below which a demoted strategy is paused (pct of 1);
--   health_demoted_size   a demoted strategy's entries are limited to this share of the order cap (pct; 50).
SET LOCAL ROLE predator_owner;

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('vol_target', '{pct}', 'Annualised volatility target (percent): an entry is refused when the instrument''s position after it exceeds equity × target / realized annualised volatility of hourly log returns'),
    ('vol_window_hours', '{count}', 'Hourly log returns in the realized-volatility estimate of the volatility cap and the horizon review (168 when not set)'),
    ('health_window_hours', '{count}', 'Rolling window of the strategy health score, hours (720 when not set)'),
    ('health_min_trades', '{count}', 'Closed lot allocations a strategy needs in the window before it is scored (10 when not set)'),
    ('health_edge_fraction', '{pct}', 'Share of the claimed edge a strategy''s realized edge is tested against (50 when not set)'),
    ('health_demote_score', '{pct}', 'Health score (percent of 1) below which a strategy is demoted: its entries are cut to health_demoted_size'),
    ('health_pause_score', '{pct}', 'Health score (percent of 1) below which a demoted strategy is paused'),
    ('health_demoted_size', '{pct}', 'A demoted strategy''s entries: at most this percent of the order cap (of equity when no order cap; 50 when not set)');

CREATE TABLE risk.strategy_health (
    book_id           integer     NOT NULL REFERENCES trading.account,
    seq               bigint      NOT NULL,
    strategy          text        NOT NULL,
    hour              timestamptz NOT NULL,
    scored_from       timestamptz NOT NULL,
    trades            integer     NOT NULL CONSTRAINT health_trades_non_negative CHECK (trades >= 0),
    claimed_edge_bps  numeric,
    realized_edge_bps numeric,
    hit_rate          numeric     CONSTRAINT health_hit_rate_is_a_share CHECK (hit_rate >= 0 AND hit_rate <= 1),
    claimed_hit_rate  numeric     CONSTRAINT health_claimed_hit_rate_is_a_share CHECK (claimed_hit_rate >= 0 AND claimed_hit_rate <= 1),
    decisions         integer     NOT NULL CONSTRAINT health_decisions_non_negative CHECK (decisions >= 0),
    refused           integer     NOT NULL CONSTRAINT health_refused_within_decisions CHECK (refused >= 0 AND refused <= decisions),
    edge_psr          numeric     CONSTRAINT health_psr_is_a_probability CHECK (edge_psr >= 0 AND edge_psr <= 1),
    hit_p             numeric     CONSTRAINT health_hit_p_is_a_probability CHECK (hit_p >= 0 AND hit_p <= 1),
    score             numeric     CONSTRAINT health_score_is_a_probability CHECK (score >= 0 AND score <= 1),
    state_before      text        NOT NULL CONSTRAINT health_state_before_is_known CHECK (state_before IN ('normal', 'demoted', 'paused')),
    state             text        NOT NULL CONSTRAINT health_state_is_known CHECK (state IN ('normal', 'demoted', 'paused')),
    action            text        CONSTRAINT health_action_is_known CHECK (action IN ('demote', 'restore', 'pause', 'resumed')),
    cause             text,
    thresholds        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash         bytea       NOT NULL,
    row_hash          bytea       NOT NULL,
    CONSTRAINT strategy_health_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT strategy_health_once_per_hour UNIQUE (book_id, strategy, hour),
    CONSTRAINT strategy_health_hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT strategy_health_action_has_cause CHECK ((action IS NULL) = (cause IS NULL)),
    CONSTRAINT strategy_health_action_moves_state CHECK (action IS NULL OR state <> state_before),
    CONSTRAINT strategy_health_strategy_is_registered FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy
);
CREATE INDEX strategy_health_latest_idx ON risk.strategy_health (book_id, strategy, hour DESC);
COMMENT ON TABLE risk.strategy_health IS 'Per strategy and closed hour: its rolling health score (docs/risk.md "Strategy health") from the lot allocations its entries closed in the window (claimed against realized edge, hit rate against claimed confidence) and its refused signals; the state (normal, demoted, paused) before and after, and the action taken with its cause (demote, restore, pause; resumed when an operator resumed a strategy health had paused). Append-only, chained per book.';
COMMENT ON COLUMN risk.strategy_health.hour IS 'Close time of the hour (UTC) at which the score was computed (api.close_hour).';
COMMENT ON COLUMN risk.strategy_health.scored_from IS 'Start of the evidence: the later of hour − window and the hour an operator last resumed the strategy after a health pause.';
COMMENT ON COLUMN risk.strategy_health.score IS 'min(edge_psr, hit_p) × (1 − refused / decisions), rounded to 6 places; NULL when fewer than health_min_trades allocations closed in the window (unscored: no action).';

CREATE TABLE risk.horizon_flag (
    book_id          integer     NOT NULL REFERENCES trading.account,
    seq              bigint      NOT NULL,
    symbol           text        NOT NULL,
    hour             timestamptz NOT NULL,
    reason           text        NOT NULL CONSTRAINT horizon_reason_is_known CHECK (reason IN ('horizon_expired')),
    strategy         text        NOT NULL,
    entry_signal_seq bigint      NOT NULL,
    entry_ts         timestamptz NOT NULL,
    entry_edge_bps   numeric     NOT NULL,
    entry_expiry     timestamptz NOT NULL,
    vol_entry        numeric     NOT NULL,
    vol_now          numeric     NOT NULL,
    position_qty     numeric     NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash        bytea       NOT NULL,
    row_hash         bytea       NOT NULL,
    CONSTRAINT horizon_flag_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT horizon_flag_once_per_entry UNIQUE (book_id, symbol, entry_signal_seq),
    CONSTRAINT horizon_flag_hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT horizon_flag_edge_expired CHECK (entry_expiry <= hour),
    CONSTRAINT horizon_flag_risk_grew CHECK (vol_now > vol_entry),
    CONSTRAINT horizon_flag_entry_signal FOREIGN KEY (book_id, entry_signal_seq) REFERENCES trading.signal (book_id, seq)
);
COMMENT ON TABLE risk.horizon_flag IS 'Adaptive horizon (docs/risk.md): a held position flagged for exit at an hour close because the edge recorded on its entry signal had expired and its risk had grown (realized hourly volatility now above the one at entry). Once per entry; no fixed maximum holding time. Append-only, chained per book.';
COMMENT ON COLUMN risk.horizon_flag.vol_entry IS 'Realized volatility of hourly log returns (per hour, not annualised) over vol_window_hours up to the entry signal''s decision time.';
COMMENT ON COLUMN risk.horizon_flag.vol_now IS 'The same estimate up to the hour of the review.';

-- Finite numbers and times (migration 0007's rule): every numeric and timestamptz column has its CHECK.
DO $finite$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.table_name, c.column_name, c.data_type
               FROM information_schema.columns c
              WHERE c.table_schema = 'risk' AND c.table_name IN ('strategy_health', 'horizon_flag')
                AND c.data_type IN ('numeric', 'timestamp with time zone')
              ORDER BY c.table_name, c.ordinal_position LOOP
        EXECUTE format('ALTER TABLE risk.%I ADD CONSTRAINT %I CHECK (%I > %L AND %I < %L)',
                       r.table_name, r.table_name || '_' || r.column_name || '_is_finite',
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN '-Infinity' ELSE '-infinity' END,
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN 'Infinity' ELSE 'infinity' END);
    END LOOP;
END
$finite$;
