-- api.void_fill(p_account, p_symbol, p_venue_trade_id, p_ts, p_reason, p_incident) -> bigint (journal transaction seq)
-- Operator. Voids a fill the venue never made (a ghost fill: the venue reported FILLED, its account shows no
-- trade; docs/live.md "Corrections"), so that the book agrees with the venue again. Append-only: the fill, its
-- order events, its lot or allocations and any round trip it closed stay; the order keeps its status (filled is
-- terminal, docs/state_machine.md): its history is what the venue reported; the void says the execution never
-- happened.
--   * one journal transaction of kind void (ref the venue trade id, at p_ts) posts every leg of the fill's own
--     transaction (kind fill), of its realized memo (kind realized) and of its reserve accrual (kind reserve),
--     negated: a buy's void gives back the quote and the fee and takes the base out; a sell's void takes the quote
--     back out, gives back the base and the fee, and takes back the realized PnL, the fee expense and the reserve;
--   * a trading.fill_void row records the void: the incident it corrects, the reversing transaction, quantity the
--     base taken out of (buy) or given back to (sell) the lots and the position; lot_no the lot a buy's void
--     emptied (NULL for a sell: its allocations name the lots); round_trip_seq the round trip a voided sell had
--     closed (NULL otherwise);
--   * a buy: its lot's remaining goes to 0 and the position loses the lot's quantity and cost; when that leaves it
--     flat the trip the ghost opened is taken back (trip_no - 1);
--   * a sell: each lot it consumed gets its allocation back (trading.tg_lot__guard lets remaining rise only for
--     this), the position gets back the allocations' quantity and cost and the trip its sell side and fees; when
--     the sell had closed the trip (left the position flat), its round trip is taken back and the trip is open
--     again under the same number.
-- Gates 04, 05, 11, 13, 17, 20 and 21, the hour close (fees, realized PnL), the treasury's reserve, the strategy
-- figures and health, api.round_trips leave a voided fill, its allocations and its round trip out.
-- Scope (PD016 otherwise): a buy fill whose lot is untouched (no allocation: no later sell consumed it) and is the
-- symbol's newest lot; a sell fill that is the symbol's newest fill (no later fill of the symbol that is not voided).
-- Refusals: a business time that is infinite or in the future PD015; unknown account or fill PD011; no reason
-- PD012; the preconditions of ops._require_correctable (PD013 not after the last closed hour; PD012/PD011
-- incident; PD016 incident resolved, book not halted, latest reconciliation clean); already voided, a sell with a
-- later fill, a consumed lot or a later lot PD016; p_ts not after the fill PD013.
CREATE OR REPLACE FUNCTION api.void_fill(
    p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamptz, p_reason text, p_incident text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct  trading.account;
    v_fill  trading.fill;
    v_later trading.fill;
    v_lot   trading.lot;
    v_pos   trading.position;
    v_inc   bigint;
    v_tx    bigint;
    v_fee_quote numeric;
    v_legs  record;
    v_qty   numeric;
    v_cost  numeric;
    v_trip  bigint;
BEGIN
    PERFORM ops._require_business_time('api.void_fill', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'void refused: a correction needs a time and a reason',
            HINT = 'Say what the venue shows (no trade under this id) and why the book takes it (kept in the audit log).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_fill FROM trading.fill f
     WHERE f.book_id = v_acct.book_id AND f.symbol = p_symbol AND f.venue_trade_id = p_venue_trade_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('void refused: no fill %s of %s in account %s', p_venue_trade_id, p_symbol, p_account),
            HINT = 'Name a recorded fill by its symbol and venue trade id (api.fills).';
    END IF;
    IF EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = v_acct.book_id AND v.symbol = p_symbol
                  AND v.venue_trade_id = p_venue_trade_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('void refused: fill %s of %s is already voided', p_venue_trade_id, p_symbol),
            HINT = 'A fill is voided once (api.fill_voids).';
    END IF;
    v_inc := ops._require_correctable('api.void_fill', v_acct, p_incident, p_ts);
    IF p_ts <= v_fill.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('void refused: time %s is not after the fill at %s', p_ts, v_fill.ts),
            HINT = 'A void is booked after the fill it voids.';
    END IF;
    v_fee_quote := trading._fee_in_quote(v_acct.venue, p_symbol, v_fill.fee, v_fill.fee_currency, v_fill.price, v_fill.ts);
    SELECT * INTO v_pos FROM trading.position p WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol FOR UPDATE;

    IF v_fill.side = 'sell' THEN
        -- Only the symbol's newest fill: what came after it was decided on the position it left.
        SELECT * INTO v_later FROM trading.fill f
         WHERE f.book_id = v_acct.book_id AND f.symbol = p_symbol AND f.seq > v_fill.seq
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id)
         ORDER BY f.seq LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: sell %s of %s is not the symbol''s newest fill', p_venue_trade_id, p_symbol),
                DETAIL = format('later fill %s (%s) at %s', v_later.venue_trade_id, v_later.side, v_later.ts),
                HINT = 'Only the newest fill of a symbol can be voided as a sell (void the later ghost fills first, newest first); a sell followed by other fills needs the later lots and allocations rebuilt: not built (docs/live.md "Corrections"). Leave the book halted and escalate.';
        END IF;
        SELECT coalesce(sum(a.quantity), 0), coalesce(sum(a.quantity * a.entry_price + a.entry_fee), 0)
          INTO v_qty, v_cost
          FROM trading.lot_allocation a
         WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id;
        IF v_pos.quantity = 0 THEN
            -- The sell closed the trip: its round trip (the newest of that trip number) is taken back.
            SELECT r.seq INTO v_trip FROM trading.round_trip r
             WHERE r.book_id = v_acct.book_id AND r.symbol = p_symbol AND r.trip_no = v_pos.trip_no AND r.exit_ts = v_fill.ts
               AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = r.book_id AND v.round_trip_seq = r.seq)
             ORDER BY r.seq DESC LIMIT 1;
        END IF;
    ELSE
        SELECT * INTO v_lot FROM trading.lot l
         WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.venue_trade_id = p_venue_trade_id FOR UPDATE;
        IF v_lot.remaining <> v_lot.quantity
           OR EXISTS (SELECT FROM trading.lot_allocation a WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol
                         AND a.lot_no = v_lot.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: the lot of fill %s of %s was consumed by later sells', p_venue_trade_id, p_symbol),
                DETAIL = format('lot=%s quantity=%s remaining=%s', v_lot.lot_no, v_lot.quantity, v_lot.remaining),
                HINT = 'Voiding a consumed lot means rebuilding the later sells'' allocations: not built (docs/live.md "Corrections"). Void the later ghost sell first if it is one; otherwise leave the book halted and escalate.';
        END IF;
        IF EXISTS (SELECT FROM trading.lot l WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.lot_no > v_lot.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: a later buy of %s opened a newer lot than fill %s', p_symbol, p_venue_trade_id),
                HINT = 'Only the newest lot of a symbol can be voided (the trip it belongs to is rebuilt from its lots): not built for older lots.';
        END IF;
        v_qty := v_lot.quantity;
    END IF;

    -- The journal: every leg of the fill's own transaction, of its realized memo and of its reserve accrual,
    -- negated, in one transaction.
    SELECT array_agg(p.account_code ORDER BY t.seq, p.leg) AS accounts, array_agg(p.currency ORDER BY t.seq, p.leg) AS currencies,
           array_agg(-p.amount ORDER BY t.seq, p.leg) AS amounts
      INTO v_legs
      FROM ledger.transaction t JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
     WHERE t.book_id = v_acct.book_id AND t.kind IN ('fill', 'realized', 'reserve') AND t.ref = p_venue_trade_id AND t.ts = v_fill.ts;
    v_tx := ledger._post(v_acct.book_id, 'void', p_venue_trade_id, p_ts, v_legs.accounts, v_legs.currencies, v_legs.amounts);

    -- The void first: the lot guard lets a sell's lots rise only once it is recorded.
    INSERT INTO trading.fill_void (book_id, symbol, venue_trade_id, client_order_id, lot_no, quantity, tx_seq,
                                   incident_seq, reason, ts, round_trip_seq)
    VALUES (v_acct.book_id, p_symbol, p_venue_trade_id, v_fill.client_order_id, v_lot.lot_no, v_qty, v_tx,
            v_inc, p_reason, p_ts, v_trip);

    IF v_fill.side = 'sell' THEN
        -- The lots it consumed get their allocations back; the position its quantity and cost, the trip its sell
        -- side and the fill's fee (the trip columns still hold the trip a closing sell ended: nothing bought since).
        UPDATE trading.lot l SET remaining = l.remaining + a.quantity
          FROM trading.lot_allocation a
         WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id
           AND l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no;
        UPDATE trading.position p
           SET quantity = p.quantity + v_qty,
               cost_basis = p.cost_basis + v_cost,
               trip_sell_qty = p.trip_sell_qty - v_qty,
               trip_sell_notional = p.trip_sell_notional - v_qty * v_fill.price,
               trip_fees = p.trip_fees - v_fee_quote,
               updated_ts = p_ts
         WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
    ELSE
        UPDATE trading.lot l SET remaining = 0
         WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.lot_no = v_lot.lot_no;
        IF v_pos.quantity = v_lot.quantity THEN
            -- The ghost opened the trip (the book held nothing before it): the trip is taken back.
            UPDATE trading.position p
               SET quantity = 0, cost_basis = 0, trip_no = p.trip_no - 1, trip_buy_qty = 0, trip_buy_notional = 0,
                   trip_buy_fees = 0, trip_sell_qty = 0, trip_sell_notional = 0, trip_fees = 0, updated_ts = p_ts
             WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
        ELSE
            UPDATE trading.position p
               SET quantity = p.quantity - v_lot.quantity,
                   cost_basis = p.cost_basis - v_lot.quantity * v_lot.price - v_lot.fee_quote,
                   trip_buy_qty = p.trip_buy_qty - v_lot.quantity,
                   trip_buy_notional = p.trip_buy_notional - v_lot.quantity * v_lot.price,
                   trip_buy_fees = p.trip_buy_fees - v_fee_quote,
                   trip_fees = p.trip_fees - v_fee_quote,
                   updated_ts = p_ts
             WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
        END IF;
    END IF;

    PERFORM ops._audit(v_acct.book_id, 'void_fill', p_account || '/' || p_symbol || '/' || p_venue_trade_id,
        jsonb_build_object('symbol', p_symbol, 'venue_trade_id', p_venue_trade_id, 'side', v_fill.side, 'ts', p_ts,
                           'incident', p_incident, 'tx_seq', v_tx, 'round_trip_seq', v_trip), p_reason);
    RETURN v_tx;
END
$$;

COMMENT ON FUNCTION api.void_fill(text, text, text, timestamptz, text, text) IS 'Operator: voids a fill the venue never made (the fill stays; a fill_void row and a reversing journal transaction of its fill, realized and reserve postings): a buy whose lot is untouched and newest (its lot emptied, the position and trip taken back), or a sell that is the symbol''s newest fill (its allocations given back to their lots, the position, the trip and any round trip it closed taken back), citing the open incident it corrects, while the book is halted and its reconciliation dirty; audited. PD011/PD012/PD013/PD015/PD016 (docs/errors.md).';
