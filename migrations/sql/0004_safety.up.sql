-- 0004_safety.up.sql — reconciliation, incidents, circuit breakers, venue health, withdrawals seen.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.reconciliation (
    book_id           integer     NOT NULL REFERENCES trading.account,
    seq               bigint      NOT NULL,
    kind              text        NOT NULL CONSTRAINT reconciliation_kind_is_known CHECK (kind IN ('hourly', 'startup', 'manual')),
    ts                timestamptz NOT NULL,
    venue_balances    jsonb       NOT NULL,
    book_balances     jsonb       NOT NULL,
    venue_open_orders text[]      NOT NULL,
    book_open_orders  text[]      NOT NULL,
    tolerance         numeric     NOT NULL CONSTRAINT tolerance_is_non_negative CHECK (tolerance >= 0),
    diffs             jsonb       NOT NULL,
    clean             boolean     NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash         bytea       NOT NULL,
    row_hash          bytea       NOT NULL,
    CONSTRAINT reconciliation_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT clean_means_no_diff CHECK (clean = (diffs = '[]'::jsonb))
);
COMMENT ON TABLE ops.reconciliation IS 'Every comparison of the book with the venue''s truth (balances per currency, open orders), the differences beyond the tolerance, and whether it was clean. Append-only, chained per book.';

CREATE TABLE ops.incident (
    book_id     integer     NOT NULL DEFAULT 0,
    seq         bigint      NOT NULL,
    severity    smallint    NOT NULL CONSTRAINT severity_is_1_to_3 CHECK (severity BETWEEN 1 AND 3),
    category    text        NOT NULL CONSTRAINT incident_category_is_known
                            CHECK (category IN ('data', 'model', 'execution', 'risk', 'infrastructure')),
    scope       text        NOT NULL,
    title       text        NOT NULL,
    description text        NOT NULL,
    links       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source      text        NOT NULL CONSTRAINT incident_source_is_known CHECK (source IN ('system', 'operator')),
    actor       text        NOT NULL,
    ts          timestamptz,
    opened_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT incident_pk PRIMARY KEY (book_id, seq)
);
COMMENT ON TABLE ops.incident IS 'Append-only incident log: severity (1 = highest), category (data, model, execution, risk, infrastructure), scope, what happened, links to the orders, hours, reconciliations and gates involved, who or what opened it, business time ts and wall time opened_at. Chained per book; book_id 0 for incidents that span books.';

CREATE TABLE ops.incident_update (
    book_id          integer     NOT NULL DEFAULT 0,
    seq              bigint      NOT NULL,
    incident_book_id integer     NOT NULL,
    incident_seq     bigint      NOT NULL,
    action           text        NOT NULL CONSTRAINT incident_action_is_known CHECK (action IN ('acknowledged', 'resolved', 'comment')),
    reason           text        NOT NULL CONSTRAINT incident_update_has_reason CHECK (length(btrim(reason)) > 0),
    actor            text        NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash        bytea       NOT NULL,
    row_hash         bytea       NOT NULL,
    CONSTRAINT incident_update_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT update_has_incident FOREIGN KEY (incident_book_id, incident_seq) REFERENCES ops.incident (book_id, seq)
);
COMMENT ON TABLE ops.incident_update IS 'Acknowledgements, resolutions and comments on incidents: who and why. Append-only, chained per book.';

CREATE TABLE risk.breaker_kind (
    breaker     text PRIMARY KEY,
    unit        text NOT NULL,
    description text NOT NULL
);
COMMENT ON TABLE risk.breaker_kind IS 'The circuit breakers the database evaluates, with the unit of their threshold.';

CREATE TABLE risk.breaker_setting (
    lane         text        NOT NULL CONSTRAINT breaker_lane_is_known CHECK (lane IN ('paper', 'live_canary', 'live_promoted')),
    account      text        NOT NULL DEFAULT '*',
    breaker      text        NOT NULL REFERENCES risk.breaker_kind,
    revision     integer     NOT NULL CONSTRAINT breaker_revision_is_positive CHECK (revision > 0),
    threshold    numeric     CONSTRAINT threshold_is_non_negative CHECK (threshold >= 0),
    window_hours integer     NOT NULL DEFAULT 1 CONSTRAINT window_is_positive CHECK (window_hours > 0),
    min_events   integer     NOT NULL DEFAULT 1 CONSTRAINT min_events_is_positive CHECK (min_events > 0),
    trip_scope   text        NOT NULL CONSTRAINT trip_scope_is_known CHECK (trip_scope IN ('global', 'lane', 'account')),
    reason       text        NOT NULL,
    actor        text        NOT NULL DEFAULT session_user,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT breaker_setting_pk PRIMARY KEY (lane, account, breaker, revision)
);
COMMENT ON TABLE risk.breaker_setting IS 'Circuit-breaker thresholds per lane and account (* = every account of the lane); the highest revision wins; NULL threshold disables. window_hours: the look-back; min_events: the smallest sample before a rate may trip; trip_scope: what a trip halts. Append-only.';

CREATE TABLE risk.breaker_trip (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    breaker     text        NOT NULL REFERENCES risk.breaker_kind,
    ts          timestamptz NOT NULL,
    value       numeric     NOT NULL,
    threshold   numeric     NOT NULL,
    trip_scope  text        NOT NULL,
    figures     jsonb       NOT NULL,
    incident_seq bigint,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT breaker_trip_pk PRIMARY KEY (book_id, seq)
);
COMMENT ON TABLE risk.breaker_trip IS 'Every circuit-breaker trip: the figure that tripped it against its threshold, the scope halted and the incident opened. Append-only, chained per book.';

CREATE TABLE ops.venue_health (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    ts          timestamptz NOT NULL,
    calls       integer     NOT NULL CONSTRAINT calls_is_non_negative CHECK (calls >= 0),
    errors      integer     NOT NULL CONSTRAINT errors_within_calls CHECK (errors >= 0 AND errors <= calls),
    connected   boolean     NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT venue_health_pk PRIMARY KEY (book_id, seq)
);
CREATE INDEX venue_health_ts_idx ON ops.venue_health (book_id, ts);
COMMENT ON TABLE ops.venue_health IS 'Venue API calls and errors observed by the worker per interval, and whether the venue was reachable: the input of the API-error-rate and connectivity breakers. Append-only, chained per book.';

CREATE TABLE ops.venue_transfer (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    kind        text        NOT NULL CONSTRAINT transfer_kind_is_known CHECK (kind IN ('deposit', 'withdrawal')),
    currency    text        NOT NULL,
    amount      numeric     NOT NULL CONSTRAINT transfer_amount_is_positive CHECK (amount > 0),
    venue_ref   text        NOT NULL,
    ts          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT venue_transfer_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT venue_transfer_is_unique UNIQUE (book_id, venue_ref)
);
COMMENT ON TABLE ops.venue_transfer IS 'Deposits and withdrawals seen on the venue account. Predator has no code path that withdraws: any withdrawal seen here halts globally. Append-only, chained per book.';

INSERT INTO risk.breaker_kind (breaker, unit, description) VALUES
    ('api_error_rate', 'fraction', 'Share of venue API calls that failed over the window'),
    ('reject_rate', 'fraction', 'Share of orders the venue rejected over the window'),
    ('slippage_bps', 'bps', 'Adverse slippage of a fill against its order''s decision price'),
    ('reconciliation_desync', 'count', 'Unclean reconciliations over the window'),
    ('stale_data_hours', 'hours', 'Hours since the last good bar of a traded symbol'),
    ('connectivity_loss', 'count', 'Consecutive observations without venue connectivity'),
    ('orders_per_hour', 'count', 'Orders admitted for the account within the last hour (runaway trading)');

INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
SELECT l.lane, '*', b.breaker, 1, b.threshold, b.window_hours, b.min_events, b.trip_scope, 'shipped default', 'migration'
  FROM (VALUES ('paper'), ('live_canary'), ('live_promoted')) l(lane)
 CROSS JOIN (VALUES ('api_error_rate', 0.5, 1, 4, 'global'),
                    ('reject_rate', 0.5, 24, 4, 'account'),
                    ('slippage_bps', 150, 1, 1, 'account'),
                    ('reconciliation_desync', 0, 1, 1, 'global'),
                    ('stale_data_hours', 3, 1, 1, 'account'),
                    ('connectivity_loss', 2, 1, 1, 'global'),
                    ('orders_per_hour', 40, 1, 1, 'account')) b(breaker, threshold, window_hours, min_events, trip_scope);
