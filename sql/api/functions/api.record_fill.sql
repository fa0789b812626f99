-- api.record_fill(p_client_order_id, p_venue_trade_id, p_quantity, p_price, p_fee, p_fee_currency,
--                 p_liquidity, p_ts) -> text ('recorded' | 'duplicate')
-- Worker. Records one execution reported by the venue, in one transaction:
--   * the fill (idempotent on the venue trade id: the same report again returns 'duplicate', a
--     different report under the same trade id raises PD010);
--   * the order event (open|partially_filled -> partially_filled|filled; PD005, PD006 from the trigger);
--   * one balanced journal transaction: the base and quote legs against the venue, and the fee
--     (trading -> fees) in the currency the venue charged it in (PD002, PD003 from the ledger triggers):
--     the base, the quote, or a third currency such as Binance's BNB. A third-currency fee is taken from
--     what the book holds of that currency; the part the book does not hold is owed to the venue (a
--     'venue' leg: the venue charged a balance the book never recorded, which reconciliation then shows),
--     so such a fee never refuses the fill. Its quote value (for the lots, the order's fees and the
--     round trip) is the FEE/QUOTE mark at p_ts (trading._fee_in_quote; 0 without a bar);
--   * FIFO lots: a buy opens a lot, a sell consumes the oldest open lots first and records each
--     allocation with its realized PnL = qty * (exit - entry) - entry fee share - exit fee share
--     (PD007 when the open lots do not cover the sell);
--   * the position and, when it returns to flat, the executed round trip;
--   * the treasury postings (ledger._treasury_fill: realized PnL, fee expense, reserve accrual; docs/treasury.md);
--   * then the abnormal-slippage breaker (adverse slippage against the order's decision price, bps) and
--     the intra-hour loss limits (risk._after_fill). The trip counts what its lots
--     held: a fee paid in the base asset is a fee (in quote at the fill price), not bought or sold
--     quantity, so the buy and sell sides are the lot quantities at their prices, and net_pnl equals the
--     sum of the realized PnL of the trip's allocations.
-- Units: p_quantity base, p_price quote per base, p_fee in p_fee_currency (the base, the quote or a known
-- third currency), p_ts the venue's execution time (UTC).
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing); a business time that is infinite or later
-- than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.record_fill(
    p_client_order_id text,
    p_venue_trade_id  text,
    p_quantity        numeric,
    p_price           numeric,
    p_fee             numeric,
    p_fee_currency    text,
    p_liquidity       text,
    p_ts              timestamptz)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- plans built once per session, not per hour (docs/performance.md "Plans and statistics")
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book       integer;
    v_req        trading.order_request;
    v_state      trading.order_state;
    v_prior      trading.fill;
    v_base       text;
    v_quote      text;
    v_notional   numeric;
    v_fee_quote  numeric;
    v_fee_base   numeric;
    v_pos        trading.position;
    v_lot        record;
    v_left       numeric;
    v_take       numeric;
    v_entry_fee  numeric;
    v_exit_fee   numeric;
    v_exit_left  numeric;
    v_lot_qty    numeric;
    v_cost_out   numeric := 0;
    v_consumed   numeric;
    v_acct       trading.account;
    v_fee_held   numeric;
    v_fee_owed   numeric := 0;
BEGIN
    PERFORM ops._require_finite('api.record_fill', ARRAY['p_quantity', 'p_price', 'p_fee'], ARRAY[p_quantity, p_price, p_fee]);
    PERFORM ops._require_business_time('api.record_fill', ARRAY['p_ts'], ARRAY[p_ts]);
    v_book := trading._order_book(p_client_order_id);
    v_notional := p_quantity * p_price;
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    v_base := split_part(v_req.symbol, '/', 1);
    v_quote := split_part(v_req.symbol, '/', 2);

    SELECT * INTO v_prior FROM trading.fill f
     WHERE f.book_id = v_book AND f.symbol = v_req.symbol AND f.venue_trade_id = p_venue_trade_id;
    IF FOUND THEN
        IF (v_prior.client_order_id, v_prior.quantity, v_prior.price, v_prior.fee, v_prior.fee_currency, v_prior.liquidity, v_prior.ts)
           IS DISTINCT FROM (p_client_order_id, p_quantity, p_price, p_fee, p_fee_currency, p_liquidity, p_ts) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('fill %s of %s refused: it conflicts with the fill already recorded under that trade id', p_venue_trade_id, v_req.symbol),
                DETAIL = format('recorded=%s/%s@%s given=%s/%s@%s', v_prior.client_order_id, v_prior.quantity, v_prior.price,
                                p_client_order_id, p_quantity, p_price),
                HINT = 'Two different executions under one venue trade id are a reconciliation incident.';
        END IF;
        RETURN 'duplicate';
    END IF;

    IF p_quantity IS NULL OR p_quantity <= 0 OR p_price IS NULL OR p_price <= 0 OR p_fee IS NULL OR p_fee < 0
       OR p_liquidity NOT IN ('maker', 'taker') OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: invalid quantity, price, fee, liquidity or time', p_venue_trade_id),
            DETAIL = format('quantity=%s price=%s fee=%s liquidity=%s ts=%s', p_quantity, p_price, p_fee, p_liquidity, p_ts),
            HINT = 'quantity and price are positive, the fee is non-negative, liquidity is maker or taker.';
    END IF;

    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    IF v_state.status NOT IN ('open', 'partially_filled') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD005',
            MESSAGE = format('fill %s refused: order %s is %s', p_venue_trade_id, p_client_order_id, v_state.status),
            HINT = 'Relay the acknowledgement first; a terminal order takes no fills (reconcile with the venue).';
    END IF;

    INSERT INTO trading.fill (book_id, client_order_id, symbol, side, venue_trade_id, quantity, price, fee,
                              fee_currency, liquidity, ts)
    VALUES (v_book, p_client_order_id, v_req.symbol, v_req.side, p_venue_trade_id, p_quantity, p_price, p_fee,
            p_fee_currency, p_liquidity, p_ts);

    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
    VALUES (v_book, p_client_order_id, 'fill',
            CASE WHEN v_state.filled_qty + p_quantity >= v_state.quantity THEN 'filled' ELSE 'partially_filled' END,
            v_state.filled_qty + p_quantity, p_venue_trade_id, p_ts);

    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_book;
    v_fee_quote := trading._fee_in_quote(v_acct.venue, v_req.symbol, p_fee, p_fee_currency, p_price, p_ts);
    v_fee_base := CASE WHEN p_fee_currency = v_base THEN p_fee ELSE 0 END;
    IF p_fee_currency NOT IN (v_base, v_quote) AND p_fee > 0 THEN
        -- A third-currency fee: what the book holds of it pays; the rest is owed to the venue.
        SELECT coalesce(max(b.balance), 0) INTO v_fee_held FROM ledger.balance b
         WHERE b.book_id = v_book AND b.account_code = 'trading' AND b.currency = p_fee_currency;
        v_fee_owed := p_fee - least(p_fee, greatest(v_fee_held, 0));
    END IF;

    UPDATE trading.order_state s
       SET filled_notional = s.filled_notional + v_notional, fees_quote = s.fees_quote + v_fee_quote
     WHERE s.client_order_id = p_client_order_id;

    IF v_req.side = 'buy' THEN
        PERFORM ledger._post(v_book, 'fill', p_venue_trade_id, p_ts,
            ARRAY['trading', 'venue', 'trading', 'venue', 'trading', 'venue', 'fees'],
            ARRAY[v_base, v_base, v_quote, v_quote, p_fee_currency, p_fee_currency, p_fee_currency],
            ARRAY[p_quantity, -p_quantity, -v_notional, v_notional, -(p_fee - v_fee_owed), -v_fee_owed, p_fee]);
    ELSE
        PERFORM ledger._post(v_book, 'fill', p_venue_trade_id, p_ts,
            ARRAY['trading', 'venue', 'trading', 'venue', 'trading', 'venue', 'fees'],
            ARRAY[v_quote, v_quote, v_base, v_base, p_fee_currency, p_fee_currency, p_fee_currency],
            ARRAY[v_notional, -v_notional, -p_quantity, p_quantity, -(p_fee - v_fee_owed), -v_fee_owed, p_fee]);
    END IF;

    SELECT * INTO v_pos FROM trading.position p WHERE p.book_id = v_book AND p.symbol = v_req.symbol FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO trading.position (book_id, symbol, quantity, cost_basis, updated_ts)
        VALUES (v_book, v_req.symbol, 0, 0, p_ts)
        RETURNING * INTO v_pos;
    END IF;

    IF v_req.side = 'buy' THEN
        -- A fee paid in base reduces what the lot holds; its value is part of the lot's cost.
        v_lot_qty := p_quantity - v_fee_base;
        INSERT INTO trading.lot (book_id, symbol, lot_no, venue_trade_id, quantity, price, fee_quote, remaining, ts)
        VALUES (v_book, v_req.symbol, v_pos.next_lot_no, p_venue_trade_id, v_lot_qty, p_price,
                CASE WHEN v_fee_base > 0 THEN v_fee_base * p_price ELSE v_fee_quote END, v_lot_qty, p_ts);
        UPDATE trading.position p
           SET quantity = p.quantity + v_lot_qty,
               cost_basis = p.cost_basis + v_notional + CASE WHEN v_fee_base > 0 THEN 0 ELSE v_fee_quote END,
               next_lot_no = p.next_lot_no + 1,
               trip_no = CASE WHEN p.quantity = 0 THEN p.trip_no + 1 ELSE p.trip_no END,
               trip_opened_at = CASE WHEN p.quantity = 0 THEN p_ts ELSE p.trip_opened_at END,
               trip_buy_qty = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_qty END + v_lot_qty,
               trip_buy_notional = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_notional END + v_lot_qty * p_price,
               trip_buy_fees = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_fees END + v_fee_quote,
               trip_sell_qty = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_sell_qty END,
               trip_sell_notional = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_sell_notional END,
               trip_fees = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_fees END + v_fee_quote,
               updated_ts = p_ts
         WHERE p.book_id = v_book AND p.symbol = v_req.symbol;
        PERFORM ledger._treasury_fill(v_book, p_venue_trade_id, v_req.symbol, v_fee_quote, p_ts);  -- docs/treasury.md
        PERFORM risk._after_fill(v_book, p_client_order_id, p_price, p_ts);
        RETURN 'recorded';
    END IF;

    -- Sell: consume open lots oldest first. A fee paid in base consumes lots too.
    v_left := p_quantity + v_fee_base;
    v_consumed := v_left;
    v_exit_left := v_fee_quote;
    FOR v_lot IN
        SELECT l.lot_no, l.quantity, l.price, l.fee_quote, l.remaining
          FROM trading.lot l
         WHERE l.book_id = v_book AND l.symbol = v_req.symbol AND l.remaining > 0
         ORDER BY l.lot_no
           FOR UPDATE OF l
    LOOP
        EXIT WHEN v_left = 0;
        v_take := least(v_left, v_lot.remaining);
        -- A lot's fee is shared by cumulative difference: an allocation takes the rounded fee share of the
        -- lot consumed after it less that consumed before it, so the shares of a lot telescope to its fee
        -- exactly without reading earlier allocations (constant cost however often a lot is split); the
        -- last allocation of a sell takes what is left of the exit fee, so exit shares add up exactly too.
        v_entry_fee := CASE WHEN v_take = v_lot.remaining THEN v_lot.fee_quote
                            ELSE round(v_lot.fee_quote * (v_lot.quantity - v_lot.remaining + v_take) / v_lot.quantity, 18) END
                     - CASE WHEN v_lot.remaining = v_lot.quantity THEN 0
                            ELSE round(v_lot.fee_quote * (v_lot.quantity - v_lot.remaining) / v_lot.quantity, 18) END;
        v_exit_fee := CASE WHEN v_take = v_left THEN v_exit_left
                           ELSE round(v_fee_quote * v_take / v_consumed, 18) END;
        v_exit_left := v_exit_left - v_exit_fee;
        INSERT INTO trading.lot_allocation (book_id, symbol, lot_no, venue_trade_id, quantity, entry_price, exit_price,
                                            entry_fee, exit_fee, realized_pnl, ts)
        VALUES (v_book, v_req.symbol, v_lot.lot_no, p_venue_trade_id, v_take, v_lot.price, p_price,
                v_entry_fee, v_exit_fee, v_take * (p_price - v_lot.price) - v_entry_fee - v_exit_fee, p_ts);
        UPDATE trading.lot l SET remaining = l.remaining - v_take
         WHERE l.book_id = v_book AND l.symbol = v_req.symbol AND l.lot_no = v_lot.lot_no;
        v_cost_out := v_cost_out + v_take * v_lot.price + v_entry_fee;
        v_left := v_left - v_take;
    END LOOP;
    IF v_left > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD007',
            MESSAGE = format('fill %s refused: the sell of %s %s exceeds the open FIFO lots', p_venue_trade_id, p_quantity, v_req.symbol),
            DETAIL = format('sell_qty=%s uncovered=%s', p_quantity + v_fee_base, v_left),
            HINT = 'No shorting: a sell never exceeds what the book holds.';
    END IF;

    UPDATE trading.position p
       SET quantity = p.quantity - v_consumed,
           cost_basis = CASE WHEN p.quantity - v_consumed = 0 THEN 0 ELSE p.cost_basis - v_cost_out END,
           trip_sell_qty = p.trip_sell_qty + v_consumed,
           trip_sell_notional = p.trip_sell_notional + v_consumed * p_price,
           trip_fees = p.trip_fees + v_fee_quote,
           updated_ts = p_ts
     WHERE p.book_id = v_book AND p.symbol = v_req.symbol
    RETURNING * INTO v_pos;

    IF v_pos.quantity = 0 THEN
        INSERT INTO trading.round_trip (book_id, symbol, trip_no, entry_ts, exit_ts, quantity, entry_avg_price,
                                        exit_avg_price, fees, gross_pnl, net_pnl, net_return)
        VALUES (v_book, v_req.symbol, v_pos.trip_no, v_pos.trip_opened_at, p_ts, v_pos.trip_buy_qty,
                v_pos.trip_buy_notional / v_pos.trip_buy_qty, v_pos.trip_sell_notional / v_pos.trip_sell_qty,
                v_pos.trip_fees, v_pos.trip_sell_notional - v_pos.trip_buy_notional,
                v_pos.trip_sell_notional - v_pos.trip_buy_notional - v_pos.trip_fees,
                (v_pos.trip_sell_notional - v_pos.trip_buy_notional - v_pos.trip_fees)
                    / (v_pos.trip_buy_notional + v_pos.trip_buy_fees));
    END IF;
    PERFORM ledger._treasury_fill(v_book, p_venue_trade_id, v_req.symbol, v_fee_quote, p_ts);  -- docs/treasury.md
    PERFORM risk._after_fill(v_book, p_client_order_id, p_price, p_ts);
    RETURN 'recorded';
END
$$;

COMMENT ON FUNCTION api.record_fill(text, text, numeric, numeric, numeric, text, text, timestamptz) IS
'Worker: records a venue execution (base qty, quote price, fee in the currency charged: base, quote or a known third currency such as BNB, UTC time): fill, order event, balanced journal, FIFO lots and allocations with realized PnL, position and round trip, in one transaction. A third-currency fee is paid from the book''s holding of it, the rest owed to the venue, valued in quote at its mark. Idempotent on the venue trade id (duplicate); PD010 conflicting report, PD005 order not open, PD006 overfill, PD007 sell beyond open lots, PD003 negative balance, PD012 unknown fee currency.';
