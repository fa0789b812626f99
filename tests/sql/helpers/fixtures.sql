-- tests/sql/helpers/fixtures.sql — shared set-up helpers for the pgTAP suite, \i'd by each tests/sql/NN_*.sql
-- after BEGIN. Everything is created in pg_temp (call as pg_temp.<name>) and disappears with the session;
-- the data they create is rolled back with the test's transaction.
--
-- The helpers call the governed api procedures as the superuser the suite connects as (they are SECURITY
-- DEFINER, so they run exactly as they do for the worker and operator).

\set QUIET 1
-- (psql stays quiet, as pg_prove runs it, so that only TAP reaches the harness.)
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- pg_temp.load_bars(symbol, first open time, closes[], venue) -> rows loaded
-- Loads one flat 1h bar per close (open = high = low = close, volume 1000), hourly from p_from, through
-- api.load_candles with the wall clock (now()) as the load's clock.
CREATE FUNCTION pg_temp.load_bars(p_symbol text, p_from timestamptz, p_closes numeric[], p_venue text DEFAULT 'binance')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_key    uuid := api.begin_candle_load();
    v_loaded bigint;
BEGIN
    INSERT INTO market.candle_stage (load_key, raw)
    SELECT v_key, concat_ws(',', to_char(p_from + (i - 1) * interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), c, c, c, c, 1000)
      FROM unnest(p_closes) WITH ORDINALITY AS x(c, i)
     ORDER BY i;
    SELECT l.loaded + l.corrected INTO v_loaded
      FROM api.load_candles(v_key, p_venue, p_symbol, '1h', 'pgtap', now()) l;
    RETURN v_loaded;
END
$$;

-- pg_temp.new_account(name, principal, profile, ts) -> book_id
-- A paper account on binance in USDT with the principal deposited at p_ts and strategy 's1' registered.
-- Circuit breakers are off for the account unless p_breakers: these fixtures exercise the ledger, orders
-- and limits with made-up prices (a fill far from its decision price would trip the slippage breaker, an
-- hour closed after the last bar the stale-data breaker); the breakers have tests of their own.
CREATE FUNCTION pg_temp.new_account(p_name text, p_principal numeric DEFAULT 10000, p_profile text DEFAULT 'unconstrained',
                                    p_ts timestamptz DEFAULT '2024-01-01T00:00:00Z', p_breakers boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := api.create_account(p_name, 'paper', 'binance', 'USDT', 'paper', p_principal, p_profile, 'pgtap set-up');
    PERFORM api.deposit(p_name, p_principal, p_ts, 'pgtap set-up');
    PERFORM api.register_strategy(p_name, 's1', '{}'::jsonb, 'pgtap set-up');
    IF NOT p_breakers THEN
        PERFORM api.set_breaker('paper', k.breaker, NULL, 'pgtap set-up: breakers off', p_name)
           FROM risk.breaker_kind k;
    END IF;
    RETURN v_book;
END
$$;

-- pg_temp.signal(account, symbol, ts, direction, qty, edge_bps, strategy) -> the decision row
CREATE FUNCTION pg_temp.signal(p_account text, p_symbol text, p_ts timestamptz, p_direction text, p_qty numeric DEFAULT NULL,
                               p_edge_bps numeric DEFAULT 50, p_strategy text DEFAULT 's1')
RETURNS TABLE (outcome text, client_order_id text, side text, quantity numeric, decision_price numeric, reasons text[], signal_seq bigint)
LANGUAGE sql AS $$
    SELECT * FROM api.submit_signal(p_account, p_strategy, p_symbol, p_ts, p_direction, 0.6, p_edge_bps,
                                    p_ts + interval '1 hour', p_qty)
$$;

-- pg_temp.reasons(account, symbol, ts, direction, qty, edge_bps, strategy) -> text[] (the refusal reasons, '{}' if admitted)
CREATE FUNCTION pg_temp.reasons(p_account text, p_symbol text, p_ts timestamptz, p_direction text, p_qty numeric DEFAULT NULL,
                                p_edge_bps numeric DEFAULT 50, p_strategy text DEFAULT 's1')
RETURNS text[]
LANGUAGE sql AS $$ SELECT s.reasons FROM pg_temp.signal(p_account, p_symbol, p_ts, p_direction, p_qty, p_edge_bps, p_strategy) s $$;

-- pg_temp.trade(account, symbol, ts, direction, qty, price, fee, trade_id) -> client order id
-- Submits a signal, requires its admission, relays the acknowledgement (venue order id 'V-<trade id>')
-- and records one fill of the whole quantity at p_price with a fee in the quote currency, at p_ts + 1 minute.
CREATE FUNCTION pg_temp.trade(p_account text, p_symbol text, p_ts timestamptz, p_direction text, p_qty numeric,
                              p_price numeric, p_fee numeric, p_trade_id text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_dec record;
BEGIN
    SELECT * INTO v_dec FROM pg_temp.signal(p_account, p_symbol, p_ts, p_direction, p_qty);
    IF v_dec.outcome <> 'admitted' THEN
        RAISE EXCEPTION 'pg_temp.trade: % % % at % was % (%)', p_direction, p_qty, p_symbol, p_ts, v_dec.outcome, v_dec.reasons;
    END IF;
    PERFORM api.record_order_event(v_dec.client_order_id, 'acknowledged', p_ts, 'V-' || p_trade_id);
    PERFORM api.record_fill(v_dec.client_order_id, p_trade_id, v_dec.quantity, p_price, p_fee,
                            split_part(p_symbol, '/', 2), 'taker', p_ts + interval '1 minute');
    RETURN v_dec.client_order_id;
END
$$;

-- pg_temp.load_lines(symbol, lines[], venue) -> the api.load_candles row for raw CSV lines (bad ones too)
CREATE FUNCTION pg_temp.load_lines(p_symbol text, p_lines text[], p_venue text DEFAULT 'binance')
RETURNS TABLE (load_id bigint, read bigint, loaded bigint, duplicate bigint, corrected bigint, quarantined bigint,
               first_ts timestamptz, last_ts timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_key uuid := api.begin_candle_load();
BEGIN
    INSERT INTO market.candle_stage (load_key, raw) SELECT v_key, l FROM unnest(p_lines) WITH ORDINALITY AS x(l, i) ORDER BY i;
    RETURN QUERY SELECT * FROM api.load_candles(v_key, p_venue, p_symbol, '1h', 'pgtap', now());
END
$$;

-- pg_temp.busy_book(name) -> book_id
-- A book with a row in every append-only table: BTC/USDT bars 2024-01-01 00:00..07:00 (closes 100..107),
-- one quarantined line and one corrected bar; an account (10000 USDT deposited at 00:00, strategy s1);
-- buy 2 BTC decided 02:00, filled 02:01 at 101 (fee 0.2 USDT); hour 03:00 closed (exposures); sell 2
-- decided 03:00, filled 03:01 at 103 (fee 0.2) — a round trip; hour 04:00 closed; buy 1 decided 04:00,
-- filled 04:01 at 103 (fee 0.1), an open lot; an account halt and resume; a registered run.
CREATE FUNCTION pg_temp.busy_book(p_name text)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
BEGIN
    IF NOT EXISTS (SELECT FROM market.candle c WHERE c.venue = 'binance' AND c.symbol = 'BTC/USDT' AND c.ts = '2024-01-01T00:00:00Z') THEN
        PERFORM pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103, 104, 105, 106, 107]::numeric[]);
        -- one corrected bar (07:00, close 107 -> 107.5) and one quarantined line.
        PERFORM pg_temp.load_lines('BTC/USDT', ARRAY['2024-01-01T07:00:00Z,107,108,106,107.5,1000', 'not,a,bar']);
    END IF;
    v_book := pg_temp.new_account(p_name);
    PERFORM pg_temp.trade(p_name, 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 2, 101, 0.2, p_name || '-T1');
    PERFORM api.close_hour(p_name, '2024-01-01T03:00:00Z');
    PERFORM pg_temp.trade(p_name, 'BTC/USDT', '2024-01-01T03:00:00Z', 'sell', 2, 103, 0.2, p_name || '-T2');
    PERFORM api.close_hour(p_name, '2024-01-01T04:00:00Z');
    PERFORM pg_temp.trade(p_name, 'BTC/USDT', '2024-01-01T04:00:00Z', 'buy', 1, 103, 0.1, p_name || '-T3');
    PERFORM api.halt('pgtap set-up', 'account', p_name);
    PERFORM api.resume('pgtap set-up', 'account', p_name);
    PERFORM api.register_run('run-' || p_name, p_name, 'paper', '{"seed": 1}'::jsonb, NULL);
    RETURN v_book;
END
$$;


-- pg_temp.approve_as(login, request, reason) -> request id
-- Approves an approval request as another operator login (the two-person rule tells operators apart by their
-- login, session_user): SET LOCAL SESSION AUTHORIZATION to p_login for the one call, then back to the suite's
-- superuser (the role set before, e.g. SET LOCAL ROLE predator_operator, is restored).
CREATE FUNCTION pg_temp.approve_as(p_login text, p_request bigint, p_reason text DEFAULT 'pgtap: second operator')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_role text := current_setting('role');
BEGIN
    EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
    PERFORM api.approve(p_request, p_reason);
    RESET SESSION AUTHORIZATION;
    IF v_role <> 'none' THEN
        EXECUTE format('SET LOCAL ROLE %I', v_role);
    END IF;
    RETURN p_request;
END
$$;

-- pg_temp.approve_resume(reason) -> request id
-- The two-person rule for a resume of the global halt: the suite's login asks (api.request_approval) and
-- predator_approver_login approves, so that the next api.resume of global by this session may go through.
CREATE FUNCTION pg_temp.approve_resume(p_reason text DEFAULT 'pgtap: resume')
RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN pg_temp.approve_as('predator_approver_login', api.request_approval('resume', 'global', p_reason));
END
$$;

-- pg_temp.approve_setting(name, value, reason) -> request id
-- The two-person rule for raising a threshold setting (api.set_setting: reconcile_tolerance or
-- max_clock_skew_seconds): the suite's login asks, predator_approver_login
-- approves, so that this session's next api.set_setting(name, value, ...) may go through.
CREATE FUNCTION pg_temp.approve_setting(p_name text, p_value numeric, p_reason text DEFAULT 'pgtap: setting')
RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN pg_temp.approve_as('predator_approver_login',
                              api.request_approval('set_setting', p_name, p_reason, NULL, p_value));
END
$$;

-- pg_temp.run_feeds(account, symbols[], run id) -> run id
-- Registers a run of the account whose configuration lists p_symbols (api.register_run): the latest run's
-- symbols are part of every hour's symbol set of the book (portfolio.book_symbols; api.close_hour takes none).
CREATE FUNCTION pg_temp.run_feeds(p_account text, p_symbols text[], p_run text DEFAULT NULL)
RETURNS text
LANGUAGE sql AS $$
    SELECT api.register_run(coalesce(p_run, 'pgtap-' || p_account), p_account, 'paper',
                            jsonb_build_object('account', p_account, 'symbols', to_jsonb(p_symbols)), NULL)
$$;
