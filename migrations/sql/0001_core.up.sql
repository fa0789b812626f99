-- 0001_core.up.sql — the governed core: roles, schemas, tables and their declarative rules.
--
-- Functions, triggers, views and grants are not here: they are current definitions under sql/,
-- re-applied on every migrate (see sql/manifest.txt). Tables change only through numbered migrations.
-- This file runs as a superuser (it creates cluster roles), then switches to the NOLOGIN owner so that
-- every object below is owned by predator_owner.

-- Roles (cluster-wide; created once, shared by every database of the cluster) ---------------------
DO $roles$
DECLARE
    r record;
BEGIN
    -- Another database of the cluster may be migrating at the same moment: a role it created first is fine.
    FOR r IN SELECT * FROM (VALUES ('predator_owner', 'NOLOGIN'), ('predator_worker', 'LOGIN'),
                                   ('predator_operator', 'LOGIN'), ('predator_auditor', 'LOGIN')) v(name, login) LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', r.name, r.login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
    EXECUTE format('GRANT CREATE, TEMPORARY ON DATABASE %I TO predator_owner', current_database());
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC', current_database());
END
$roles$;

-- The operator may do everything the worker may, and more.
GRANT predator_worker TO predator_operator;

SET LOCAL ROLE predator_owner;

CREATE SCHEMA market;
CREATE SCHEMA trading;
CREATE SCHEMA ledger;
CREATE SCHEMA risk;
CREATE SCHEMA portfolio;
CREATE SCHEMA ops;

COMMENT ON SCHEMA market IS 'Venues, assets, clusters, instruments, the universe, candles, their loads, quarantine and corrections.';
COMMENT ON SCHEMA trading IS 'Accounts (books), strategies, signals, order requests and their events, fills, FIFO lots, round trips, positions.';
COMMENT ON SCHEMA ledger IS 'The double-entry journal: transactions, chained postings with running balances, balance heads.';
COMMENT ON SCHEMA risk IS 'Risk profiles and limits, admission decisions, halts.';
COMMENT ON SCHEMA portfolio IS 'Hourly portfolio and risk state, exposures by instrument, cluster and quote currency.';
COMMENT ON SCHEMA ops IS 'Hash-chain heads, operator audit log, runs, reconciliation, incidents.';

-- No function is executable by PUBLIC unless granted explicitly.
ALTER DEFAULT PRIVILEGES FOR ROLE predator_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ops ----------------------------------------------------------------------------------------------
CREATE TABLE ops.chain_head (
    chain       text    PRIMARY KEY,
    book_id     integer NOT NULL,
    seq         bigint  NOT NULL CONSTRAINT chain_seq_is_non_negative CHECK (seq >= 0),
    head_hash   bytea   NOT NULL CONSTRAINT chain_head_is_sha256 CHECK (octet_length(head_hash) = 32)
);
COMMENT ON TABLE ops.chain_head IS 'Head (last sequence number and row hash) of every hash chain; one row per chain "<schema>.<table>:<book_id>" (book 0 = control plane). A cache of the chained rows, re-derived by api.verify_chains().';

CREATE TABLE ops.audit_log (
    book_id     integer     NOT NULL DEFAULT 0,
    seq         bigint      NOT NULL,
    action      text        NOT NULL,
    target      text        NOT NULL DEFAULT '*',
    args        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    reason      text        NOT NULL CONSTRAINT audit_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT audit_log_pk PRIMARY KEY (book_id, seq)
);
COMMENT ON TABLE ops.audit_log IS 'Append-only log of every operator action: who (actor), when (recorded_at, wall time), what (action, target, args) and why (reason). Chained per book; book_id 0 is the control plane (actions that span books).';

-- market -------------------------------------------------------------------------------------------
CREATE TABLE market.venue (
    venue           text    PRIMARY KEY CONSTRAINT venue_is_lowercase_identifier CHECK (venue ~ '^[a-z][a-z0-9_]*$'),
    name            text    NOT NULL,
    maker_fee_bps   numeric NOT NULL CONSTRAINT maker_fee_is_non_negative CHECK (maker_fee_bps >= 0),
    taker_fee_bps   numeric NOT NULL CONSTRAINT taker_fee_is_non_negative CHECK (taker_fee_bps >= 0)
);
COMMENT ON TABLE market.venue IS 'Trading venues (ccxt exchange ids) and their default spot fee tier in basis points.';

CREATE TABLE market.cluster (
    cluster     text PRIMARY KEY CONSTRAINT cluster_is_lowercase_identifier CHECK (cluster ~ '^[a-z][a-z0-9_]*$'),
    description text NOT NULL
);
COMMENT ON TABLE market.cluster IS 'Groups of assets whose exposure is capped together (for example smart-contract L1s).';

CREATE TABLE market.asset (
    asset   text PRIMARY KEY CONSTRAINT asset_is_uppercase_code CHECK (asset ~ '^[A-Z0-9]{2,12}$'),
    kind    text NOT NULL CONSTRAINT asset_kind_is_known CHECK (kind IN ('crypto', 'stablecoin', 'fiat')),
    cluster text REFERENCES market.cluster,
    CONSTRAINT crypto_asset_has_cluster CHECK (kind <> 'crypto' OR cluster IS NOT NULL)
);
COMMENT ON TABLE market.asset IS 'Currencies: crypto assets (each in one cluster), stablecoins and fiat used as quote or base currency.';

CREATE TABLE market.instrument (
    venue        text    NOT NULL REFERENCES market.venue,
    symbol       text    NOT NULL,
    base         text    NOT NULL REFERENCES market.asset,
    quote        text    NOT NULL REFERENCES market.asset,
    tick_size    numeric CONSTRAINT tick_size_is_positive CHECK (tick_size > 0),
    step_size    numeric CONSTRAINT step_size_is_positive CHECK (step_size > 0),
    min_qty      numeric NOT NULL DEFAULT 0 CONSTRAINT min_qty_is_non_negative CHECK (min_qty >= 0),
    min_notional numeric NOT NULL DEFAULT 0 CONSTRAINT min_notional_is_non_negative CHECK (min_notional >= 0),
    source       text    NOT NULL DEFAULT 'seed',
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT instrument_pk PRIMARY KEY (venue, symbol),
    CONSTRAINT symbol_is_base_slash_quote CHECK (symbol = base || '/' || quote)
);
COMMENT ON TABLE market.instrument IS 'Spot instruments per venue under their ccxt unified symbol (BASE/QUOTE), with the venue''s precision and minimums (tick and step in quote/base units, min_qty in base, min_notional in quote).';

CREATE TABLE market.universe (
    universe text NOT NULL,
    symbol   text NOT NULL,
    CONSTRAINT universe_pk PRIMARY KEY (universe, symbol)
);
COMMENT ON TABLE market.universe IS 'Named, versioned trading universes (V1 = the 30 top non-stable assets quoted in USDT).';

CREATE TABLE market.candle_load (
    load_id      bigint      PRIMARY KEY,
    venue        text        NOT NULL,
    symbol       text        NOT NULL,
    interval     text        NOT NULL,
    source       text        NOT NULL,
    clock        timestamptz NOT NULL,
    read         bigint      NOT NULL CONSTRAINT read_is_non_negative CHECK (read >= 0),
    loaded       bigint      NOT NULL,
    duplicate    bigint      NOT NULL,
    corrected    bigint      NOT NULL,
    quarantined  bigint      NOT NULL,
    first_ts     timestamptz,
    last_ts      timestamptz,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT load_accounts_for_every_row CHECK (loaded + duplicate + corrected + quarantined = read)
);
CREATE SEQUENCE market.candle_load_id_seq;
COMMENT ON TABLE market.candle_load IS 'One row per gated candle load: every row read is loaded, a duplicate, a correction or quarantined.';

CREATE TABLE market.candle (
    venue     text        NOT NULL,
    symbol    text        NOT NULL,
    interval  text        NOT NULL,
    ts        timestamptz NOT NULL,
    revision  smallint    NOT NULL DEFAULT 0 CONSTRAINT revision_is_non_negative CHECK (revision >= 0),
    open      numeric     NOT NULL,
    high      numeric     NOT NULL,
    low       numeric     NOT NULL,
    close     numeric     NOT NULL,
    volume    numeric     NOT NULL,
    load_id   bigint      NOT NULL,
    CONSTRAINT candle_pk PRIMARY KEY (venue, symbol, interval, ts, revision),
    CONSTRAINT candle_prices_are_positive CHECK (open > 0 AND high > 0 AND low > 0 AND close > 0
                                                AND 'NaN'::numeric NOT IN (open, high, low, close)),
    CONSTRAINT candle_high_is_highest CHECK (high >= open AND high >= close AND high >= low),
    CONSTRAINT candle_low_is_lowest CHECK (low <= open AND low <= close),
    CONSTRAINT candle_volume_is_non_negative CHECK (volume >= 0 AND volume <> 'NaN'::numeric)
) PARTITION BY RANGE (ts);
COMMENT ON TABLE market.candle IS 'OHLCV bars keyed by (venue, symbol, interval, open time ts UTC); prices in quote currency, volume in base. Append-only: a revised bar is a new revision with evidence in market.candle_correction. Monthly range partitions are created on demand.';

CREATE TABLE market.candle_quarantine (
    load_id     bigint      NOT NULL,
    line_no     bigint      NOT NULL,
    venue       text        NOT NULL,
    symbol      text        NOT NULL,
    interval    text        NOT NULL,
    ts          timestamptz,
    raw         text        NOT NULL,
    raw_length  integer     NOT NULL,
    reasons     text[]      NOT NULL CONSTRAINT quarantine_has_reason CHECK (cardinality(reasons) > 0),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT candle_quarantine_pk PRIMARY KEY (load_id, line_no)
);
COMMENT ON TABLE market.candle_quarantine IS 'Input rows refused by the candle gates, with reason codes and the raw line (first 1,000 characters; raw_length is the full length).';

CREATE TABLE market.candle_correction (
    venue          text        NOT NULL,
    symbol         text        NOT NULL,
    interval       text        NOT NULL,
    ts             timestamptz NOT NULL,
    from_revision  smallint    NOT NULL,
    to_revision    smallint    NOT NULL,
    old_values     jsonb       NOT NULL,
    new_values     jsonb       NOT NULL,
    load_id        bigint      NOT NULL,
    source         text        NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT candle_correction_pk PRIMARY KEY (venue, symbol, interval, ts, to_revision),
    CONSTRAINT correction_moves_forward CHECK (to_revision = from_revision + 1)
);
COMMENT ON TABLE market.candle_correction IS 'Evidence for every revised bar: old and new OHLCV, the load and source that revised it, and when.';

-- risk (profiles first: accounts refer to them) ----------------------------------------------------
CREATE TABLE risk.profile (
    profile     text PRIMARY KEY CONSTRAINT profile_is_identifier CHECK (profile ~ '^[a-z][a-z0-9_]*$'),
    description text NOT NULL
);
COMMENT ON TABLE risk.profile IS 'Named sets of risk limits; each account uses one profile.';

CREATE TABLE risk.limit_kind (
    limit_name    text   PRIMARY KEY,
    allowed_modes text[] NOT NULL,
    description   text   NOT NULL
);
COMMENT ON TABLE risk.limit_kind IS 'Every limit the admission gate knows (DESIGN.md §3.7) and the modes it may be set in: pct (percent of equity), abs (amount in the account''s base currency), bps, count.';

CREATE TABLE risk.limit_setting (
    profile     text        NOT NULL REFERENCES risk.profile,
    limit_name  text        NOT NULL REFERENCES risk.limit_kind,
    scope       text        NOT NULL DEFAULT '*',
    revision    integer     NOT NULL CONSTRAINT limit_revision_is_positive CHECK (revision > 0),
    mode        text        NOT NULL CONSTRAINT limit_mode_is_known CHECK (mode IN ('pct', 'abs', 'bps', 'count')),
    value       numeric     CONSTRAINT limit_value_is_non_negative CHECK (value >= 0),
    reason      text        NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT limit_setting_pk PRIMARY KEY (profile, limit_name, scope, revision),
    CONSTRAINT pct_limit_is_a_fraction_of_100 CHECK (mode <> 'pct' OR value <= 100)
);
COMMENT ON TABLE risk.limit_setting IS 'Append-only history of limit values; the current value of (profile, limit, scope) is its highest revision. NULL value = limit disabled. Scope * applies to all; a cluster, quote currency or symbol name overrides it for that key.';

-- trading ------------------------------------------------------------------------------------------
CREATE TABLE trading.account (
    book_id           integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text        NOT NULL UNIQUE CONSTRAINT account_name_is_identifier CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    mode              text        NOT NULL CONSTRAINT account_mode_is_known CHECK (mode IN ('paper', 'shadow', 'live')),
    venue             text        NOT NULL REFERENCES market.venue,
    base_currency     text        NOT NULL REFERENCES market.asset,
    lane              text        NOT NULL CONSTRAINT lane_is_known CHECK (lane IN ('paper', 'live_canary', 'live_promoted')),
    initial_principal numeric     NOT NULL CONSTRAINT principal_is_positive CHECK (initial_principal > 0),
    risk_profile      text        NOT NULL REFERENCES risk.profile,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT live_mode_is_not_in_paper_lane CHECK (mode <> 'live' OR lane <> 'paper'),
    CONSTRAINT paper_mode_is_in_paper_lane CHECK (mode <> 'paper' OR lane = 'paper')
);
COMMENT ON TABLE trading.account IS 'Trading accounts. Each account with its counter-accounts in the ledger is a book (book_id), the unit of isolation: every governed row carries its book_id.';

CREATE TABLE trading.strategy (
    book_id     integer NOT NULL REFERENCES trading.account,
    strategy    text    NOT NULL CONSTRAINT strategy_is_identifier CHECK (strategy ~ '^[A-Za-z0-9_.:-]{1,100}$'),
    params      jsonb   NOT NULL DEFAULT '{}'::jsonb,
    status      text    NOT NULL DEFAULT 'active' CONSTRAINT strategy_status_is_known CHECK (status IN ('active', 'paused')),
    CONSTRAINT strategy_pk PRIMARY KEY (book_id, strategy)
);
COMMENT ON TABLE trading.strategy IS 'Strategies registered on an account and whether they are active or paused (an operator action).';

CREATE TABLE trading.signal (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    strategy    text        NOT NULL,
    symbol      text        NOT NULL,
    ts          timestamptz NOT NULL,
    direction   text        NOT NULL CONSTRAINT signal_direction_is_known CHECK (direction IN ('buy', 'sell', 'hold', 'reduce', 'exit')),
    confidence  numeric     NOT NULL CONSTRAINT confidence_is_a_probability CHECK (confidence >= 0 AND confidence <= 1),
    edge_bps    numeric     NOT NULL,
    expiry      timestamptz NOT NULL,
    quantity    numeric     CONSTRAINT signal_qty_is_positive CHECK (quantity > 0),
    order_type  text        NOT NULL DEFAULT 'market' CONSTRAINT signal_order_type_is_known CHECK (order_type IN ('market', 'limit')),
    limit_price numeric     CONSTRAINT limit_price_is_positive CHECK (limit_price > 0),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT signal_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT signal_is_unique_per_decision UNIQUE (book_id, strategy, symbol, ts),
    CONSTRAINT signal_expires_after_decision CHECK (expiry > ts),
    CONSTRAINT limit_order_has_price CHECK ((order_type = 'limit') = (limit_price IS NOT NULL)),
    CONSTRAINT strategy_is_registered FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy
);
COMMENT ON TABLE trading.signal IS 'Normalised strategy signals: decision time ts (UTC), direction, confidence 0..1, expected edge after fees and slippage in basis points, expiry, optional base quantity. Append-only, chained per book; one signal per (strategy, symbol, decision time).';

CREATE TABLE trading.order_request (
    book_id         integer     NOT NULL REFERENCES trading.account,
    seq             bigint      NOT NULL,
    client_order_id text        NOT NULL CONSTRAINT client_order_id_is_venue_safe CHECK (client_order_id ~ '^[A-Za-z0-9_-]{8,36}$'),
    signal_seq      bigint,
    strategy        text,
    symbol          text        NOT NULL,
    side            text        NOT NULL CONSTRAINT order_side_is_known CHECK (side IN ('buy', 'sell')),
    order_type      text        NOT NULL CONSTRAINT order_type_is_known CHECK (order_type IN ('market', 'limit')),
    quantity        numeric     NOT NULL CONSTRAINT order_qty_is_positive CHECK (quantity > 0),
    limit_price     numeric     CONSTRAINT order_limit_price_is_positive CHECK (limit_price > 0),
    decision_price  numeric     NOT NULL CONSTRAINT decision_price_is_positive CHECK (decision_price > 0),
    reduce_only     boolean     NOT NULL DEFAULT false,
    origin          text        NOT NULL DEFAULT 'signal' CONSTRAINT order_origin_is_known CHECK (origin IN ('signal', 'kill_switch', 'risk_flatten')),
    ts              timestamptz NOT NULL,
    expiry          timestamptz NOT NULL,
    admitted_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash       bytea       NOT NULL,
    row_hash        bytea       NOT NULL,
    CONSTRAINT order_request_pk PRIMARY KEY (client_order_id),
    CONSTRAINT order_request_seq_is_unique UNIQUE (book_id, seq),
    CONSTRAINT order_limit_has_price CHECK ((order_type = 'limit') = (limit_price IS NOT NULL)),
    CONSTRAINT sell_only_reduces CHECK (side = 'sell' OR NOT reduce_only),
    CONSTRAINT signal_order_has_signal CHECK ((origin = 'signal') = (signal_seq IS NOT NULL)),
    CONSTRAINT order_has_signal FOREIGN KEY (book_id, signal_seq) REFERENCES trading.signal (book_id, seq)
);
COMMENT ON TABLE trading.order_request IS 'Admitted order requests. The client order id is derived deterministically from the decision (see docs/hashing.md), so a retried submission can never create a second order. Append-only, chained per book; the current status lives in trading.order_state.';

CREATE TABLE trading.order_transition (
    status_before text NOT NULL,
    status_after  text NOT NULL,
    CONSTRAINT order_transition_pk PRIMARY KEY (status_before, status_after)
);
COMMENT ON TABLE trading.order_transition IS 'The legal order state transitions (docs/state_machine.md); order events reference it by foreign key. new->new and open->open are legal only for cancel_requested events, partially_filled->partially_filled only for fills.';
INSERT INTO trading.order_transition (status_before, status_after) VALUES
    ('new', 'new'), ('open', 'open'),
    ('new', 'open'), ('new', 'rejected'), ('new', 'canceled'), ('new', 'expired'),
    ('open', 'partially_filled'), ('open', 'filled'), ('open', 'canceled'), ('open', 'expired'),
    ('partially_filled', 'partially_filled'), ('partially_filled', 'filled'),
    ('partially_filled', 'canceled'), ('partially_filled', 'expired');

CREATE TABLE trading.order_state (
    client_order_id text        PRIMARY KEY REFERENCES trading.order_request,
    book_id         integer     NOT NULL REFERENCES trading.account,
    symbol          text        NOT NULL,
    side            text        NOT NULL,
    quantity        numeric     NOT NULL,
    status          text        NOT NULL CONSTRAINT order_status_is_known
                                CHECK (status IN ('new', 'open', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired')),
    filled_qty      numeric     NOT NULL DEFAULT 0,
    filled_notional numeric     NOT NULL DEFAULT 0,
    fees_quote      numeric     NOT NULL DEFAULT 0,
    last_event_no   integer     NOT NULL,
    venue_order_id  text,
    cancel_requested boolean    NOT NULL DEFAULT false,
    updated_ts      timestamptz NOT NULL,
    CONSTRAINT fill_within_order_qty CHECK (filled_qty >= 0 AND filled_qty <= quantity),
    CONSTRAINT filled_means_fully_filled CHECK ((status = 'filled') = (filled_qty = quantity))
);
CREATE INDEX order_state_open_idx ON trading.order_state (book_id) WHERE status IN ('new', 'open', 'partially_filled');
COMMENT ON TABLE trading.order_state IS 'Current status, filled quantity (base), filled notional and fees (quote) of every order: a cache maintained only by the order-event trigger and re-derived by the gates.';

CREATE TABLE trading.order_event (
    book_id          integer     NOT NULL REFERENCES trading.account,
    seq              bigint      NOT NULL,
    client_order_id  text        NOT NULL REFERENCES trading.order_request,
    event_no         integer     NOT NULL CONSTRAINT event_no_is_positive CHECK (event_no > 0),
    kind             text        NOT NULL CONSTRAINT order_event_kind_is_known
                                 CHECK (kind IN ('created', 'acknowledged', 'rejected', 'cancel_requested', 'canceled', 'expired', 'fill')),
    status_before    text,
    status_after     text        NOT NULL,
    filled_qty_after numeric     NOT NULL,
    venue_order_id   text,
    reason           text,
    ts               timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash        bytea       NOT NULL,
    row_hash         bytea       NOT NULL,
    CONSTRAINT order_event_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT order_event_no_is_unique UNIQUE (client_order_id, event_no),
    CONSTRAINT only_creation_has_no_prior_status CHECK ((status_before IS NULL) = (kind = 'created')),
    CONSTRAINT creation_starts_new CHECK (kind <> 'created' OR status_after = 'new'),
    CONSTRAINT event_kind_matches_status CHECK (
        CASE kind
            WHEN 'acknowledged' THEN status_after = 'open'
            WHEN 'rejected' THEN status_after = 'rejected'
            WHEN 'canceled' THEN status_after = 'canceled'
            WHEN 'expired' THEN status_after = 'expired'
            WHEN 'fill' THEN status_after IN ('partially_filled', 'filled')
            WHEN 'cancel_requested' THEN status_after = status_before
            ELSE true
        END),
    CONSTRAINT status_stays_only_on_request_or_partial_fill CHECK (
        status_before IS DISTINCT FROM status_after OR kind IN ('cancel_requested', 'fill')),
    CONSTRAINT transition_is_legal FOREIGN KEY (status_before, status_after) REFERENCES trading.order_transition
);
CREATE INDEX order_event_ts_idx ON trading.order_event (book_id, ts);
COMMENT ON TABLE trading.order_event IS 'Append-only order lifecycle events; every status change follows a legal transition of trading.order_transition. cancel_requested keeps the status. Chained per book.';

CREATE TABLE trading.fill (
    book_id         integer     NOT NULL REFERENCES trading.account,
    seq             bigint      NOT NULL,
    client_order_id text        NOT NULL REFERENCES trading.order_request,
    symbol          text        NOT NULL,
    side            text        NOT NULL CONSTRAINT fill_side_is_known CHECK (side IN ('buy', 'sell')),
    venue_trade_id  text        NOT NULL,
    quantity        numeric     NOT NULL CONSTRAINT fill_qty_is_positive CHECK (quantity > 0),
    price           numeric     NOT NULL CONSTRAINT fill_price_is_positive CHECK (price > 0),
    fee             numeric     NOT NULL CONSTRAINT fee_is_non_negative CHECK (fee >= 0),
    fee_currency    text        NOT NULL,
    liquidity       text        NOT NULL CONSTRAINT liquidity_is_maker_or_taker CHECK (liquidity IN ('maker', 'taker')),
    ts              timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash       bytea       NOT NULL,
    row_hash        bytea       NOT NULL,
    CONSTRAINT fill_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT fill_is_unique_per_venue_trade UNIQUE (book_id, symbol, venue_trade_id)
);
CREATE INDEX fill_order_idx ON trading.fill (client_order_id);
CREATE INDEX fill_ts_idx ON trading.fill (book_id, ts);
COMMENT ON TABLE trading.fill IS 'Executions reported by the venue: base quantity, price in quote, fee in fee_currency (base or quote). Idempotent on the venue trade id. Append-only, chained per book.';

CREATE TABLE trading.lot (
    book_id        integer     NOT NULL REFERENCES trading.account,
    seq            bigint      NOT NULL,
    symbol         text        NOT NULL,
    lot_no         integer     NOT NULL CONSTRAINT lot_no_is_positive CHECK (lot_no > 0),
    venue_trade_id text        NOT NULL,
    quantity       numeric     NOT NULL CONSTRAINT lot_qty_is_positive CHECK (quantity > 0),
    price          numeric     NOT NULL CONSTRAINT lot_price_is_positive CHECK (price > 0),
    fee_quote      numeric     NOT NULL CONSTRAINT lot_fee_is_non_negative CHECK (fee_quote >= 0),
    remaining      numeric     NOT NULL,
    ts             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash      bytea       NOT NULL,
    row_hash       bytea       NOT NULL,
    CONSTRAINT lot_pk PRIMARY KEY (book_id, symbol, lot_no),
    CONSTRAINT lot_seq_is_unique UNIQUE (book_id, seq),
    CONSTRAINT lot_remaining_within_quantity CHECK (remaining >= 0 AND remaining <= quantity)
);
CREATE INDEX lot_open_idx ON trading.lot (book_id, symbol, lot_no) WHERE remaining > 0;
COMMENT ON TABLE trading.lot IS 'FIFO lots opened by buy fills (quantity in base, price and fee in quote). Only remaining may change, only downwards, and only by an allocation; the hash covers everything but remaining.';

CREATE TABLE trading.lot_allocation (
    book_id        integer     NOT NULL REFERENCES trading.account,
    seq            bigint      NOT NULL,
    symbol         text        NOT NULL,
    lot_no         integer     NOT NULL,
    venue_trade_id text        NOT NULL,
    quantity       numeric     NOT NULL CONSTRAINT allocation_qty_is_positive CHECK (quantity > 0),
    entry_price    numeric     NOT NULL,
    exit_price     numeric     NOT NULL,
    entry_fee      numeric     NOT NULL,
    exit_fee       numeric     NOT NULL,
    realized_pnl   numeric     NOT NULL,
    ts             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash      bytea       NOT NULL,
    row_hash       bytea       NOT NULL,
    CONSTRAINT lot_allocation_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT allocation_has_lot FOREIGN KEY (book_id, symbol, lot_no) REFERENCES trading.lot
);
CREATE INDEX lot_allocation_lot_idx ON trading.lot_allocation (book_id, symbol, lot_no);
CREATE INDEX lot_allocation_ts_idx ON trading.lot_allocation (book_id, ts);
COMMENT ON TABLE trading.lot_allocation IS 'A sell fill consuming an open lot, oldest first: quantity (base), entry and exit prices, the fee shares of both sides and realized PnL (quote). Append-only, chained per book.';

CREATE TABLE trading.position (
    book_id            integer     NOT NULL REFERENCES trading.account,
    symbol             text        NOT NULL,
    quantity           numeric     NOT NULL CONSTRAINT position_is_long_or_flat CHECK (quantity >= 0),
    cost_basis         numeric     NOT NULL,
    next_lot_no        integer     NOT NULL DEFAULT 1,
    trip_no            integer     NOT NULL DEFAULT 0,
    trip_opened_at     timestamptz,
    trip_buy_qty       numeric     NOT NULL DEFAULT 0,
    trip_buy_notional  numeric     NOT NULL DEFAULT 0,
    trip_sell_qty      numeric     NOT NULL DEFAULT 0,
    trip_sell_notional numeric     NOT NULL DEFAULT 0,
    trip_buy_fees      numeric     NOT NULL DEFAULT 0,
    trip_fees          numeric     NOT NULL DEFAULT 0,
    updated_ts         timestamptz NOT NULL,
    CONSTRAINT position_pk PRIMARY KEY (book_id, symbol)
);
COMMENT ON TABLE trading.position IS 'Current long position per instrument (base quantity, cost basis in quote including buy fees) and the accumulators of the open round trip. A cache maintained by api.record_fill; the gates re-derive it from lots and the ledger.';

CREATE TABLE trading.round_trip (
    book_id          integer     NOT NULL REFERENCES trading.account,
    seq              bigint      NOT NULL,
    symbol           text        NOT NULL,
    trip_no          integer     NOT NULL,
    entry_ts         timestamptz NOT NULL,
    exit_ts          timestamptz NOT NULL,
    quantity         numeric     NOT NULL,
    entry_avg_price  numeric     NOT NULL,
    exit_avg_price   numeric     NOT NULL,
    fees             numeric     NOT NULL,
    gross_pnl        numeric     NOT NULL,
    net_pnl          numeric     NOT NULL,
    net_return       numeric     NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash        bytea       NOT NULL,
    row_hash         bytea       NOT NULL,
    CONSTRAINT round_trip_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT round_trip_is_unique UNIQUE (book_id, symbol, trip_no),
    CONSTRAINT round_trip_exits_after_entry CHECK (exit_ts >= entry_ts)
);
COMMENT ON TABLE trading.round_trip IS 'Executed round trips: from flat to long and back to flat. Prices and PnL in quote; net_return = net PnL / (buy notional + buy fees). Append-only, chained per book.';

-- ledger -------------------------------------------------------------------------------------------
CREATE TABLE ledger.ledger_account (
    book_id      integer NOT NULL REFERENCES trading.account,
    code         text    NOT NULL CONSTRAINT ledger_account_code_is_known
                         CHECK (code IN ('trading', 'venue', 'fees', 'external', 'reserve', 'ops_cost')),
    non_negative boolean NOT NULL,
    CONSTRAINT ledger_account_pk PRIMARY KEY (book_id, code),
    CONSTRAINT trading_account_is_non_negative CHECK (code <> 'trading' OR non_negative)
);
COMMENT ON TABLE ledger.ledger_account IS 'The accounts of a book: trading (what the book holds at the venue, never negative), venue (trade counterparty), fees, external (capital in and out), reserve, ops_cost.';

CREATE TABLE ledger.transaction (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    kind        text        NOT NULL CONSTRAINT ledger_tx_kind_is_known
                            CHECK (kind IN ('deposit', 'withdrawal', 'fill', 'fee', 'ops_cost', 'reserve', 'transfer')),
    ref         text        NOT NULL,
    legs        smallint    NOT NULL CONSTRAINT transaction_has_two_legs CHECK (legs >= 2),
    ts          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT transaction_pk PRIMARY KEY (book_id, seq)
);
CREATE INDEX transaction_ts_idx ON ledger.transaction (book_id, ts);
COMMENT ON TABLE ledger.transaction IS 'Journal transaction headers: one per economic event (deposit, fill, fee, ...), with the number of legs posted. Append-only, chained per book.';

CREATE TABLE ledger.posting (
    book_id       integer     NOT NULL,
    tx_seq        bigint      NOT NULL,
    leg           smallint    NOT NULL CONSTRAINT leg_is_positive CHECK (leg > 0),
    account_code  text        NOT NULL,
    currency      text        NOT NULL REFERENCES market.asset,
    amount        numeric     NOT NULL CONSTRAINT posting_amount_is_non_zero CHECK (amount <> 0),
    seq           bigint      NOT NULL,
    balance_after numeric     NOT NULL,
    ts            timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash     bytea       NOT NULL,
    row_hash      bytea       NOT NULL,
    CONSTRAINT posting_pk PRIMARY KEY (book_id, account_code, currency, seq),
    CONSTRAINT posting_leg_is_unique UNIQUE (book_id, tx_seq, leg),
    CONSTRAINT posting_has_transaction FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction,
    CONSTRAINT posting_has_account FOREIGN KEY (book_id, account_code) REFERENCES ledger.ledger_account
);
CREATE INDEX posting_ts_idx ON ledger.posting (book_id, ts);
COMMENT ON TABLE ledger.posting IS 'Journal postings: amount in currency (signed), per-(account, currency) gapless seq, running balance_after, and a sha256 chain per (book, account, currency). Append-only.';

CREATE TABLE ledger.balance (
    book_id      integer NOT NULL,
    account_code text    NOT NULL,
    currency     text    NOT NULL,
    seq          bigint  NOT NULL,
    balance      numeric NOT NULL,
    head_hash    bytea   NOT NULL,
    non_negative boolean NOT NULL,
    CONSTRAINT balance_pk PRIMARY KEY (book_id, account_code, currency),
    CONSTRAINT balance_has_account FOREIGN KEY (book_id, account_code) REFERENCES ledger.ledger_account,
    CONSTRAINT non_negative_balance CHECK (NOT non_negative OR balance >= 0)
);
COMMENT ON TABLE ledger.balance IS 'Head of each (account, currency) posting chain: last seq, balance and row hash. Maintained only by the posting trigger.';

-- risk (decisions and halts) -----------------------------------------------------------------------
CREATE TABLE risk.decision (
    book_id         integer     NOT NULL REFERENCES trading.account,
    seq             bigint      NOT NULL,
    signal_seq      bigint      NOT NULL,
    strategy        text        NOT NULL,
    symbol          text        NOT NULL,
    ts              timestamptz NOT NULL,
    outcome         text        NOT NULL CONSTRAINT decision_outcome_is_known CHECK (outcome IN ('admitted', 'refused', 'hold')),
    reasons         text[]      NOT NULL DEFAULT '{}',
    client_order_id text,
    figures         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash       bytea       NOT NULL,
    row_hash        bytea       NOT NULL,
    CONSTRAINT decision_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT one_decision_per_signal UNIQUE (book_id, signal_seq),
    CONSTRAINT decision_has_signal FOREIGN KEY (book_id, signal_seq) REFERENCES trading.signal (book_id, seq),
    CONSTRAINT refusal_has_reasons CHECK (outcome <> 'refused' OR cardinality(reasons) > 0),
    CONSTRAINT admission_has_order CHECK ((outcome = 'admitted') = (client_order_id IS NOT NULL)),
    CONSTRAINT decision_order FOREIGN KEY (client_order_id) REFERENCES trading.order_request
);
CREATE INDEX decision_ts_idx ON risk.decision (book_id, ts);
COMMENT ON TABLE risk.decision IS 'The admission gate''s verdict on every signal: admitted (with its client order id), refused (with reason codes) or hold; figures holds the equity, prices, exposures and limits it used. Append-only, chained per book.';

CREATE TABLE risk.halt_event (
    book_id      integer     NOT NULL DEFAULT 0,
    seq          bigint      NOT NULL,
    scope_kind   text        NOT NULL CONSTRAINT halt_scope_is_known CHECK (scope_kind IN ('global', 'account', 'lane', 'strategy')),
    scope_key    text        NOT NULL,
    action       text        NOT NULL CONSTRAINT halt_action_is_known CHECK (action IN ('halt', 'resume')),
    reason       text        NOT NULL CONSTRAINT halt_reason_is_given CHECK (length(btrim(reason)) > 0),
    source       text        NOT NULL DEFAULT 'operator' CONSTRAINT halt_source_is_known CHECK (source IN ('operator', 'system')),
    actor        text        NOT NULL DEFAULT session_user,
    ts           timestamptz,
    effective_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash    bytea       NOT NULL,
    row_hash     bytea       NOT NULL,
    CONSTRAINT halt_event_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT global_scope_key_is_star CHECK (scope_kind <> 'global' OR scope_key = '*')
);
COMMENT ON TABLE risk.halt_event IS 'Append-only halts and resumes at global, account, lane or strategy scope, with reason, actor and effective time (wall clock after the halt lock); ts is the business time for system halts. Chained per book (account, strategy scope) or on the control-plane chain book_id 0 (global, lane).';

CREATE TABLE risk.halt_state (
    scope_kind  text        NOT NULL,
    scope_key   text        NOT NULL,
    active      boolean     NOT NULL,
    reason      text        NOT NULL,
    since       timestamptz NOT NULL,
    CONSTRAINT halt_state_pk PRIMARY KEY (scope_kind, scope_key)
);
COMMENT ON TABLE risk.halt_state IS 'Current halt status per scope; a cache of the latest risk.halt_event per scope, maintained by the halt procedures.';

-- portfolio ----------------------------------------------------------------------------------------
CREATE TABLE portfolio.hourly_state (
    book_id          integer     NOT NULL REFERENCES trading.account,
    seq              bigint      NOT NULL,
    hour             timestamptz NOT NULL,
    cash             numeric     NOT NULL,
    positions_value  numeric     NOT NULL,
    equity           numeric     NOT NULL,
    peak_equity      numeric     NOT NULL,
    drawdown         numeric     NOT NULL CONSTRAINT drawdown_is_a_fraction CHECK (drawdown >= 0 AND drawdown <= 1),
    day_start_equity numeric     NOT NULL,
    daily_pnl        numeric     NOT NULL,
    realized_pnl     numeric     NOT NULL,
    unrealized_pnl   numeric     NOT NULL,
    fees             numeric     NOT NULL,
    gross_exposure   numeric     NOT NULL,
    open_orders      integer     NOT NULL,
    stale_marks      text[]      NOT NULL DEFAULT '{}',
    inputs_hash      bytea       NOT NULL,
    outputs_hash     bytea       NOT NULL,
    digests          jsonb       NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash        bytea       NOT NULL,
    row_hash         bytea       NOT NULL,
    CONSTRAINT hourly_state_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT hourly_state_is_unique UNIQUE (book_id, hour),
    CONSTRAINT hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT equity_adds_up CHECK (equity = cash + positions_value),
    CONSTRAINT peak_is_at_least_equity CHECK (peak_equity >= equity)
);
COMMENT ON TABLE portfolio.hourly_state IS 'Portfolio and risk state at the close of each hour (hour = close time, UTC), all amounts in the account''s base currency: cash, positions at mark, equity, peak, drawdown (fraction of peak), daily PnL since 00:00 UTC, cumulative realized PnL and fees, unrealized PnL, gross exposure (fraction of equity); with the hashes of the hour''s inputs and outputs for replay parity. Append-only, chained per book.';

CREATE TABLE portfolio.hourly_exposure (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    hour        timestamptz NOT NULL,
    kind        text        NOT NULL CONSTRAINT exposure_kind_is_known CHECK (kind IN ('instrument', 'cluster', 'quote')),
    key         text        NOT NULL,
    quantity    numeric,
    mark        numeric,
    notional    numeric     NOT NULL,
    exposure    numeric     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT hourly_exposure_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT hourly_exposure_is_unique UNIQUE (book_id, hour, kind, key)
);
COMMENT ON TABLE portfolio.hourly_exposure IS 'Exposure at the close of each hour by instrument, cluster and quote currency: notional at mark (base currency) and exposure as a fraction of equity. Written just before the hour''s state so that the state''s digests cover it. Append-only, chained per book.';

-- ops (runs) ---------------------------------------------------------------------------------------
CREATE TABLE ops.run (
    run_id       text        PRIMARY KEY,
    book_id      integer     NOT NULL REFERENCES trading.account,
    kind         text        NOT NULL CONSTRAINT run_kind_is_known CHECK (kind IN ('paper', 'shadow', 'live', 'backtest')),
    config       jsonb       NOT NULL,
    dataset_hash text,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE ops.run IS 'Registered runs of the hour runner: the configuration that makes the run reproducible (symbols, strategy and parameters, venue model and seed, period) and the hash of the dataset it used.';
