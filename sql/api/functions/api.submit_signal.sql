-- api.submit_signal(p_account, p_strategy, p_symbol, p_ts, p_direction, p_confidence, p_edge_bps,
--                   p_expiry, p_quantity, p_order_type, p_limit_price, p_model_id)
--   -> (outcome, client_order_id, side, quantity, decision_price, reasons, signal_seq)
-- Worker. Records a normalised signal and runs the whole pre-trade risk gate (DESIGN.md §3.7) in the
-- same transaction: either an order request is created (outcome admitted, deterministic client order
-- id) or the refusal is recorded with every reason code that applies (outcome refused). hold records the
-- review and creates nothing.
--   p_ts          decision time (UTC; the close of the hour just ended). Only bars closed by p_ts are used.
--   p_direction   buy | sell | reduce | exit | hold; sell and reduce need p_quantity, exit sells the
--                 whole free position, buy needs p_quantity (base units).
--   p_edge_bps    expected edge after fees and slippage, basis points.
-- Idempotent: the same signal again returns the first decision; a different signal for the same
-- (strategy, symbol, p_ts) raises PD010. PD011 unknown account/strategy/instrument, PD012 bad
-- arguments, PD013 a decision time before the last closed hour.
-- Reason codes: halted_global halted_lane halted_account halted_strategy strategy_paused risk_reducing risk_cooldown
-- strategy_reducing strategy_cooldown data_stale
-- quote_currency_mismatch edge_below_minimum insufficient_cash order_notional_cap instrument_cap
-- cluster_cap quote_cap portfolio_cap daily_loss_limit drawdown_limit below_min_notional below_min_qty
-- qty_not_multiple_of_step order_rate_limit no_position sell_exceeds_position; issue 13: pool_disabled pool_budget
-- pool_daily_loss pool_drawdown strategy_allocation strategy_daily_loss strategy_drawdown (risk._check_pool,
-- risk._check_strategy_allocation, risk._check_strategy_loss) and arbitration_refused arbitration_lost
-- arbitration_netted (risk._check_arbitration; under the net rule an admitted signal trades its residual), their figures under figures->'rules'.
-- Issue 15: treasury_budget_cut (risk._treasury_budget: the entry caps scaled by the treasury's risk-budget cut,
-- figures under caps treasury_budget_scale and treasury_budget). A strategy sells only what it holds itself
-- (risk._strategy_position). Beyond the profile's
-- drawdown_reduce_tier the order cap is halved. An admission feeds the runaway-trading breaker
-- (orders_per_hour), which halts the account when it trips.
-- Issue 19: p_model_id (default NULL) names the registered model (ml.model) that decided the signal, stored in
-- trading.signal.model_id (a NULL one is not in the row hash: signals of other strategies hash as before). A
-- strategy registered with params->>'model_id' (a model strategy, api.register_strategy) must send exactly that
-- model id, and no other strategy may send one: PD012 otherwise; PD011 a model id ml.model does not know.
-- Tables: trading.signal, risk.decision, trading.order_request, trading.order_event (+ order_state).
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing); a business time that is infinite or later
-- than the wall clock plus max_clock_skew_seconds: PD015 (the expiry only when infinite).
CREATE OR REPLACE FUNCTION api.submit_signal(
    p_account     text,
    p_strategy    text,
    p_symbol      text,
    p_ts          timestamptz,
    p_direction   text,
    p_confidence  numeric,
    p_edge_bps    numeric,
    p_expiry      timestamptz,
    p_quantity    numeric DEFAULT NULL,
    p_order_type  text DEFAULT 'market',
    p_limit_price numeric DEFAULT NULL,
    p_model_id    text DEFAULT NULL)
RETURNS TABLE (outcome text, client_order_id text, side text, quantity numeric,
               decision_price numeric, reasons text[], signal_seq bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- plans built once per session, not per hour (docs/performance.md "Plans and statistics")
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct        trading.account;
    v_inst        market.instrument;
    v_cluster     text;
    v_status      text;
    v_strat_model text;                  -- issue 19: the model the strategy was registered with (params->>'model_id')
    v_fee_rate    numeric;
    v_sig         trading.signal;
    v_sig_seq     bigint;
    v_last        portfolio.hourly_state;
    v_reasons     text[] := '{}';
    v_price       numeric;
    v_bar_close   timestamptz;
    v_cash        numeric;
    v_pos_value   numeric;
    v_equity      numeric;
    v_peak        numeric;
    v_day_start   numeric;
    v_drawdown    numeric;
    v_daily_pnl   numeric;
    v_pos_qty     numeric;
    v_open_sell   numeric;
    v_open_buys   numeric;
    v_inst_after  numeric;
    v_clus_after  numeric;
    v_quote_after numeric;
    v_port_after  numeric;
    v_side        text;
    v_qty         numeric;
    v_notional    numeric;
    v_limits      jsonb;
    v_cap         numeric;
    v_tier        numeric;
    v_caps        jsonb := '{}'::jsonb;
    v_orders_hour bigint;
    v_coid        text;
    v_figures     jsonb;
    v_rules       jsonb := '{}'::jsonb;  -- issue 13: pools, strategy allocation and loss, arbitration
    v_val         record;                -- issue 13 item 6, issue 17 item 1: portfolio.valuation
    v_ccy         jsonb;                 -- the instrument's quote: rate, quote cash and open buys, notional value
    v_notional_value numeric;
BEGIN
    PERFORM ops._require_finite('api.submit_signal', ARRAY['p_confidence', 'p_edge_bps', 'p_quantity', 'p_limit_price'],
                                ARRAY[p_confidence, p_edge_bps, p_quantity, p_limit_price]);
    PERFORM ops._require_business_time('api.submit_signal', ARRAY['p_ts'], ARRAY[p_ts]);
    PERFORM ops._require_business_time('api.submit_signal', ARRAY['p_expiry'], ARRAY[p_expiry], false);
    v_acct := trading._account(p_account);
    IF p_direction NOT IN ('buy', 'sell', 'hold', 'reduce', 'exit') OR p_direction IS NULL
       OR p_ts IS NULL OR p_expiry IS NULL OR p_expiry <= p_ts
       OR p_confidence IS NULL OR p_confidence < 0 OR p_confidence > 1 OR p_edge_bps IS NULL
       OR p_order_type NOT IN ('market', 'limit') OR ((p_order_type = 'limit') <> (p_limit_price IS NOT NULL))
       OR (p_direction IN ('buy', 'sell', 'reduce') AND (p_quantity IS NULL OR p_quantity <= 0)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('signal refused: invalid arguments for %s %s at %s', p_direction, p_symbol, p_ts),
            DETAIL = format('direction=%s confidence=%s edge_bps=%s expiry=%s quantity=%s order_type=%s limit_price=%s',
                            p_direction, p_confidence, p_edge_bps, p_expiry, p_quantity, p_order_type, p_limit_price),
            HINT = 'direction buy|sell|reduce|exit|hold; confidence 0..1; expiry after ts; buy, sell and reduce need a positive quantity; a limit order needs a limit price.';
    END IF;

    PERFORM ops._lock_halts(false);
    PERFORM ops._lock_book(v_acct.book_id);

    -- Idempotency: one signal per (strategy, symbol, decision time).
    SELECT * INTO v_sig FROM trading.signal s
     WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy AND s.symbol = p_symbol AND s.ts = p_ts;
    IF FOUND THEN
        IF (v_sig.direction, v_sig.quantity, v_sig.order_type, v_sig.limit_price, v_sig.expiry, v_sig.confidence, v_sig.edge_bps, v_sig.model_id)
           IS DISTINCT FROM (p_direction, p_quantity, p_order_type, p_limit_price, p_expiry, p_confidence, p_edge_bps, p_model_id) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('signal refused: %s/%s at %s differs from the signal already recorded', p_strategy, p_symbol, p_ts),
                DETAIL = format('recorded_direction=%s recorded_quantity=%s given_direction=%s given_quantity=%s',
                                v_sig.direction, v_sig.quantity, p_direction, p_quantity),
                HINT = 'A strategy decides once per symbol and decision time; replays must send the same signal.';
        END IF;
        RETURN QUERY
            SELECT d.outcome, d.client_order_id, r.side, r.quantity, r.decision_price, d.reasons, d.signal_seq
              FROM risk.decision d LEFT JOIN trading.order_request r ON r.client_order_id = d.client_order_id
             WHERE d.book_id = v_acct.book_id AND d.signal_seq = v_sig.seq;
        RETURN;
    END IF;

    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    IF FOUND AND p_ts < v_last.hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('signal refused: decision time %s is before the last closed hour %s', p_ts, v_last.hour),
            HINT = 'Business time never goes backwards; decide for the current hour.';
    END IF;

    SELECT * INTO v_inst FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = p_symbol;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('signal refused: %s is not an instrument of venue %s', p_symbol, v_acct.venue),
            HINT = 'Load the venue''s markets or fix the symbol (ccxt unified form BASE/QUOTE).';
    END IF;
    SELECT s.status, s.params ->> 'model_id' INTO v_status, v_strat_model
      FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('signal refused: strategy %L is not registered on account %L', p_strategy, p_account),
            HINT = 'An operator registers strategies with api.register_strategy.';
    END IF;
    -- Issue 19: a model strategy's signal names its model, the one it was registered (and promoted) with.
    IF p_model_id IS NOT NULL THEN
        PERFORM ml._require_model('signal', p_model_id, format('strategy=%s', p_strategy));
    END IF;
    IF p_model_id IS DISTINCT FROM v_strat_model THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('signal refused: strategy %L of account %L may not sign with model %L',
                             p_strategy, p_account, left(p_model_id, 200)),
            DETAIL = format('registered_model_id=%s given_model_id=%s', v_strat_model, left(p_model_id, 200)),
            HINT = 'A model strategy sends the model id it was registered with (params model_id, api.register_strategy); other strategies send none.';
    END IF;

    INSERT INTO trading.signal (book_id, strategy, symbol, ts, direction, confidence, edge_bps, expiry,
                                quantity, order_type, limit_price, model_id)
    VALUES (v_acct.book_id, p_strategy, p_symbol, p_ts, p_direction, p_confidence, p_edge_bps, p_expiry,
            p_quantity, p_order_type, p_limit_price, p_model_id)
    RETURNING seq INTO v_sig_seq;

    IF p_direction = 'hold' THEN
        INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome)
        VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'hold');
        RETURN QUERY SELECT 'hold'::text, NULL::text, NULL::text, NULL::numeric, NULL::numeric, '{}'::text[], v_sig_seq;
        RETURN;
    END IF;

    -- Market state as of the decision time: only bars closed by p_ts.
    SELECT b.close, b.bar_close INTO v_price, v_bar_close FROM market.last_bar(v_acct.venue, p_symbol, p_ts) b;
    IF v_bar_close IS NULL OR v_bar_close < p_ts THEN
        v_reasons := v_reasons || 'data_stale'::text;
    END IF;
    SELECT a.cluster INTO v_cluster FROM market.asset a WHERE a.asset = v_inst.base;
    v_fee_rate := (SELECT v.taker_fee_bps FROM market.venue v WHERE v.venue = v_acct.venue) / 10000;

    -- The one valuation (portfolio.valuation): cash per currency and positions at mark (at cost basis without a
    -- recent bar) converted into the reporting currency, open buys at their limit (or decision) price, equity,
    -- peak, day start; the instrument's, cluster's and quote's exposure in the reporting currency.
    SELECT * INTO v_val FROM portfolio.valuation(v_acct.book_id, p_ts);
    SELECT v_val.cash, v_val.positions_value, v_val.open_buy_notional, v_val.equity, v_val.peak_equity, v_val.day_start_equity,
           v_val.drawdown, v_val.daily_pnl, x.position_qty, x.instrument, x.cluster, x.quote
      INTO v_cash, v_pos_value, v_open_buys, v_equity, v_peak, v_day_start, v_drawdown, v_daily_pnl,
           v_pos_qty, v_inst_after, v_clus_after, v_quote_after
      FROM portfolio._exposure(v_val.lines, p_symbol, v_cluster, v_inst.quote) x;

    SELECT coalesce(sum(s.quantity - s.filled_qty), 0) INTO v_open_sell
      FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.symbol = p_symbol AND s.side = 'sell'
       AND s.status IN ('new', 'open', 'partially_filled');
    SELECT x.position_qty, x.open_sell_qty INTO v_pos_qty, v_open_sell
      FROM risk._strategy_position(v_acct.book_id, p_strategy, p_symbol, v_pos_qty, v_open_sell) x;

    -- Side and quantity.
    IF p_direction = 'buy' THEN
        v_side := 'buy';
        v_qty := p_quantity;
    ELSE
        v_side := 'sell';
        v_qty := CASE WHEN p_direction = 'exit' THEN v_pos_qty - v_open_sell ELSE p_quantity END;
        -- An exit sells what the venue takes: the free position rounded down to the instrument's step. A position
        -- off the step (a venue fee charged in the base, a partly filled order canceled) would otherwise be sent
        -- whole, the venue (or ccxt's amount_to_precision) would truncate it, and the book would wait for the
        -- remainder for ever; the remainder below one step stays held (dust).
        IF p_direction = 'exit' THEN
            v_qty := risk._sellable(v_qty, v_inst.step_size);
        END IF;
        IF v_pos_qty - v_open_sell <= 0 THEN
            v_reasons := v_reasons || 'no_position'::text;
        ELSIF v_qty > v_pos_qty - v_open_sell THEN
            v_reasons := v_reasons || 'sell_exceeds_position'::text;
        ELSIF v_qty <= 0 THEN
            v_reasons := v_reasons || 'below_min_qty'::text;  -- an exit of dust: less than one step held
        ELSIF v_inst.step_size > 0 AND mod(v_qty, v_inst.step_size) <> 0 THEN
            v_reasons := v_reasons || 'qty_not_multiple_of_step'::text;
        END IF;
    END IF;
    v_notional := coalesce(v_qty * coalesce(p_limit_price, v_price), 0);
    v_ccy := portfolio._quote_figures(v_val.currencies, v_inst.quote, v_notional);  -- multi-currency: rate, quote cash
    v_notional_value := (v_ccy ->> 'notional_value')::numeric;                     -- the notional in the reporting currency

    -- Halts and pauses cover every order.
    v_reasons := v_reasons || risk._active_halts(v_acct.name, v_acct.lane, p_strategy);
    v_reasons := v_reasons || risk._admission_state(v_acct.book_id, v_side, p_ts);  -- risk_reducing, risk_cooldown
    v_reasons := v_reasons || risk._strategy_admission_state(v_acct.book_id, p_strategy, v_side, p_ts, v_day_start, v_peak);  -- strategy_reducing, strategy_cooldown
    IF v_status = 'paused' THEN
        v_reasons := v_reasons || 'strategy_paused'::text;
    END IF;
    v_reasons := v_reasons || risk._check_currency(v_val.trade_currencies, v_val.missing_rates, v_ccy, v_side);  -- quote_currency_mismatch, conversion_rate_missing

    v_limits := risk.current_limits(v_acct.risk_profile);
    v_cap := risk.cap(v_limits, 'max_orders_per_hour', '*', NULL);
    IF v_cap IS NOT NULL THEN
        SELECT count(*) INTO v_orders_hour FROM trading.order_request r
         WHERE r.book_id = v_acct.book_id AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
        v_caps := v_caps || jsonb_build_object('max_orders_per_hour', v_cap);
        IF v_orders_hour >= v_cap THEN
            v_reasons := v_reasons || 'order_rate_limit'::text;
        END IF;
    END IF;

    -- Entries (buys) must also pass every cap.
    IF v_side = 'buy' THEN
        v_inst_after := v_inst_after + v_notional_value;
        v_clus_after := v_clus_after + v_notional_value;
        v_quote_after := v_quote_after + v_notional_value;
        v_port_after := v_pos_value + v_open_buys + v_notional_value;

        v_cap := risk.cap(v_limits, 'min_edge_bps', p_symbol, NULL);
        v_caps := v_caps || jsonb_build_object('min_edge_bps', v_cap);
        IF v_cap IS NOT NULL AND p_edge_bps < v_cap THEN
            v_reasons := v_reasons || 'edge_below_minimum'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_claimed_edge_bps', p_symbol, NULL);
        v_caps := v_caps || jsonb_build_object('max_claimed_edge_bps', v_cap);
        IF v_cap IS NOT NULL AND p_edge_bps > v_cap THEN
            v_reasons := v_reasons || 'implausible_edge'::text;  -- seed 001 F1: a corrupted score is refused, not believed
        END IF;
        IF v_notional * (1 + v_fee_rate) > (v_ccy ->> 'quote_cash')::numeric - (v_ccy ->> 'quote_open_buys')::numeric * (1 + v_fee_rate) THEN
            v_reasons := v_reasons || 'insufficient_cash'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_order_notional', p_symbol, v_equity);
        -- Drawdown reduce tier: beyond it, entries are limited to half the order cap (half the equity when
        -- no order cap is set).
        v_tier := risk.cap(v_limits, 'drawdown_reduce_tier', '*', v_peak);
        IF v_tier IS NOT NULL AND v_peak > v_equity AND v_peak - v_equity >= v_tier THEN
            v_cap := coalesce(v_cap, v_equity) / 2;
            v_caps := v_caps || jsonb_build_object('drawdown_reduce_tier_active', true);
        END IF;
        v_caps := v_caps || jsonb_build_object('max_order_notional', v_cap);
        IF v_cap IS NOT NULL AND v_notional_value > v_cap THEN
            v_reasons := v_reasons || 'order_notional_cap'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps
          FROM risk._health_cap(v_acct.book_id, p_strategy, v_limits, v_cap, v_equity, v_notional_value) x;
        v_cap := risk.cap(v_limits, 'max_instrument_exposure', p_symbol, v_equity);
        v_caps := v_caps || jsonb_build_object('max_instrument_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_inst_after > v_cap THEN
            v_reasons := v_reasons || 'instrument_cap'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps
          FROM risk._volatility_cap(v_acct.venue, p_symbol, p_ts, v_limits, v_equity, v_inst_after) x;
        v_cap := risk.cap(v_limits, 'max_cluster_exposure', v_cluster, v_equity);
        v_caps := v_caps || jsonb_build_object('max_cluster_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_clus_after > v_cap THEN
            v_reasons := v_reasons || 'cluster_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_quote_exposure', v_inst.quote, v_equity);
        v_caps := v_caps || jsonb_build_object('max_quote_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_quote_after > v_cap THEN
            v_reasons := v_reasons || 'quote_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_portfolio_exposure', '*', v_equity);
        v_caps := v_caps || jsonb_build_object('max_portfolio_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_port_after > v_cap THEN
            v_reasons := v_reasons || 'portfolio_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_daily_loss', '*', v_day_start);
        v_caps := v_caps || jsonb_build_object('max_daily_loss', v_cap);
        IF v_cap IS NOT NULL AND -v_daily_pnl >= v_cap AND v_daily_pnl < 0 THEN
            v_reasons := v_reasons || 'daily_loss_limit'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_drawdown', '*', v_peak);
        v_caps := v_caps || jsonb_build_object('max_drawdown', v_cap);
        IF v_cap IS NOT NULL AND v_peak - v_equity >= v_cap AND v_peak > v_equity THEN
            v_reasons := v_reasons || 'drawdown_limit'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps  -- the treasury's risk-budget cut
          FROM risk._treasury_budget(v_acct.book_id, p_ts, v_limits, p_symbol, v_cluster, v_inst.quote, v_equity,
                                     v_notional_value, v_inst_after, v_clus_after, v_quote_after, v_port_after) x;
        v_rules := v_rules || jsonb_build_object(
            'pool', risk._check_pool(v_acct.book_id, p_strategy, p_ts, v_side, v_notional_value, v_limits, v_equity, v_day_start, v_peak),
            'strategy_allocation', risk._check_strategy_allocation(v_acct.book_id, p_strategy, p_ts, v_side, v_notional_value, v_limits, v_equity),
            'strategy_loss', risk._check_strategy_loss(v_acct.book_id, p_strategy, p_ts, v_side, v_limits, v_day_start, v_peak));
        v_reasons := v_reasons || risk._rule_reasons(v_rules);
        IF v_notional < v_inst.min_notional THEN
            v_reasons := v_reasons || 'below_min_notional'::text;
        END IF;
        IF v_qty < v_inst.min_qty THEN
            v_reasons := v_reasons || 'below_min_qty'::text;
        END IF;
        IF v_inst.step_size IS NOT NULL AND mod(v_qty, v_inst.step_size) <> 0 THEN
            v_reasons := v_reasons || 'qty_not_multiple_of_step'::text;
        END IF;
    END IF;
    v_rules := v_rules || jsonb_build_object('arbitration', risk._check_arbitration(v_acct.book_id, p_strategy, p_symbol, p_ts, v_side, cardinality(v_reasons) > 0 OR v_price IS NULL, v_qty, coalesce(p_limit_price, v_price)));
    SELECT x.quantity, x.notional INTO v_qty, v_notional FROM risk._arbitrated_quantity(v_rules -> 'arbitration', v_qty, v_notional) x;  -- net: the residual
    v_ccy := portfolio._quote_figures(v_val.currencies, v_inst.quote, v_notional);  -- the residual's value (caps were judged on the larger whole)
    v_reasons := v_reasons || risk._rule_reasons(v_rules -> 'arbitration');

    v_figures := jsonb_build_object(
        'price', v_price, 'bar_close', v_bar_close, 'cash', v_cash, 'positions_value', v_pos_value,
        'equity', v_equity, 'peak_equity', v_peak, 'drawdown', v_drawdown, 'daily_pnl', v_daily_pnl,
        'open_buy_notional', v_open_buys, 'position_qty', v_pos_qty, 'open_sell_qty', v_open_sell,
        'notional', v_notional, 'fee_rate', v_fee_rate, 'instrument_after', v_inst_after,
        'cluster', v_cluster, 'cluster_after', v_clus_after, 'quote_after', v_quote_after,
        'portfolio_after', v_port_after, 'caps', v_caps, 'rules', v_rules,
        'valuation', v_ccy || jsonb_build_object('reporting', v_val.reporting, 'rates', v_val.currencies));

    IF cardinality(v_reasons) > 0 OR v_price IS NULL THEN
        IF v_price IS NULL AND NOT ('data_stale' = ANY (v_reasons)) THEN
            v_reasons := v_reasons || 'data_stale'::text;
        END IF;
        INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome, reasons, figures)
        VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'refused', v_reasons, v_figures);
        RETURN QUERY SELECT 'refused'::text, NULL::text, v_side, v_qty, v_price, v_reasons, v_sig_seq;
        RETURN;
    END IF;

    v_coid := trading.client_order_id(v_acct.name, p_strategy, p_symbol, p_ts, p_direction);
    INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                       quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
    VALUES (v_acct.book_id, v_coid, v_sig_seq, p_strategy, p_symbol, v_side, p_order_type,
            v_qty, p_limit_price, v_price, v_side = 'sell', 'signal', p_ts, p_expiry);
    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, ts)
    VALUES (v_acct.book_id, v_coid, 'created', 'new', 0, p_ts);
    INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome, reasons, client_order_id, figures)
    VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'admitted', '{}', v_coid, v_figures);
    -- Runaway-trading breaker: orders admitted for the account within the last hour.
    SELECT count(*) INTO v_orders_hour FROM trading.order_request r
     WHERE r.book_id = v_acct.book_id AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
    PERFORM risk._check_breaker(v_acct.book_id, 'orders_per_hour', p_ts, v_orders_hour, v_orders_hour,
                                jsonb_build_object('last_client_order_id', v_coid));
    RETURN QUERY SELECT 'admitted'::text, v_coid, v_side, v_qty, v_price, '{}'::text[], v_sig_seq;
END
$$;

COMMENT ON FUNCTION api.submit_signal(text, text, text, timestamptz, text, numeric, numeric, timestamptz, numeric, text, numeric, text) IS
'Worker: records a signal and runs the pre-trade risk gate in one transaction (halts, pause, stale data, edge, cash, order/instrument/cluster/quote/portfolio caps, daily loss, drawdown, venue minimums, order rate, no shorting). Returns admitted with a deterministic client order id, refused with reason codes, or hold. Idempotent per (strategy, symbol, decision time); PD010 conflicting resubmission, PD011 unknown references, PD012 bad arguments, PD013 time before the last closed hour. p_model_id (issue 19): the registered model of a model strategy, stored in trading.signal.model_id; PD011 an unknown model, PD012 a model id other than the one the strategy was registered with (or none from a model strategy).';
