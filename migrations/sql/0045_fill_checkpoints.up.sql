-- 0045_fill_checkpoints.up.sql — a strategy's own fill totals, checkpointed once a UTC day (issue 18 item 6).
--
-- risk.strategies_figures (admission, the hour close, gate 17) summed every fill of a strategy since its first: the
-- cost of an hour grew with the book's history (docs/performance.md, "Cost as work grows": 4.8 -> 22.9 ms an hour
-- over 6 years). A checkpoint holds, per strategy and symbol, the sums that computation starts from — net base
-- quantity, quote cash flow (fees in a third currency left out: their quote value is read at every call, as it
-- was), bought quantity and bought notional — over an exactly defined set of fills: those with seq <= fill_seq
-- and ts <= as_of, less those voided by a void with seq <= void_seq and ts <= as_of. A call at time T >= as_of adds
-- the fills outside that set dated by T (seq > fill_seq, or ts > as_of), so fills relayed late and voids recorded
-- later are counted exactly as before; a void the checkpoint did not see, of a fill it summed, makes the call
-- ignore the checkpoint (risk._fill_totals). Sums of numeric are exact: the figures are the same numbers, digit for
-- digit, with or without checkpoints (tests/integration/test_fill_checkpoints.py; gate 22 recomputes every
-- checkpoint from the fills).
--
-- Written by the 00:00 UTC hour close (risk._evaluate_strategies -> risk._write_fill_checkpoint), once per book and
-- day (the primary key); append-only; not chained and no input of any hash: a checkpoint is derived from chained
-- rows and re-derivable from them, like a materialised sum.
SET LOCAL ROLE predator_owner;

CREATE TABLE risk.fill_checkpoint (
    book_id     integer     NOT NULL REFERENCES trading.account,
    as_of       timestamptz NOT NULL
        CONSTRAINT fill_checkpoint_as_of_is_finite CHECK (as_of > '-infinity' AND as_of < 'infinity'),
    fill_seq    bigint      NOT NULL CONSTRAINT fill_checkpoint_fill_seq_is_non_negative CHECK (fill_seq >= 0),
    void_seq    bigint      NOT NULL CONSTRAINT fill_checkpoint_void_seq_is_non_negative CHECK (void_seq >= 0),
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT fill_checkpoint_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT fill_checkpoint_pk PRIMARY KEY (book_id, as_of)
);
COMMENT ON TABLE risk.fill_checkpoint IS 'Checkpoints of the strategies'' own fill totals (risk._write_fill_checkpoint, at each 00:00 UTC hour close): as_of and the fill and void heads (seq) at writing; the set summed is the fills with seq <= fill_seq and ts <= as_of, less those voided by a void with seq <= void_seq and ts <= as_of. Append-only; not chained, no input of any hash (derived from chained rows; gate 22 recomputes it).';

CREATE TABLE risk.fill_checkpoint_total (
    book_id      integer     NOT NULL,
    as_of        timestamptz NOT NULL
        CONSTRAINT fill_checkpoint_total_as_of_is_finite CHECK (as_of > '-infinity' AND as_of < 'infinity'),
    strategy     text        NOT NULL,
    symbol       text        NOT NULL,
    qty          numeric     NOT NULL
        CONSTRAINT fill_checkpoint_total_qty_is_finite CHECK (qty > '-Infinity' AND qty < 'Infinity'),
    flow         numeric     NOT NULL
        CONSTRAINT fill_checkpoint_total_flow_is_finite CHECK (flow > '-Infinity' AND flow < 'Infinity'),
    buy_qty      numeric
        CONSTRAINT fill_checkpoint_total_buy_qty_is_finite CHECK (buy_qty > '-Infinity' AND buy_qty < 'Infinity'),
    buy_notional numeric
        CONSTRAINT fill_checkpoint_total_buy_notional_is_finite CHECK (buy_notional > '-Infinity' AND buy_notional < 'Infinity'),
    CONSTRAINT fill_checkpoint_total_pk PRIMARY KEY (book_id, as_of, strategy, symbol),
    CONSTRAINT fill_checkpoint_total_of_checkpoint FOREIGN KEY (book_id, as_of) REFERENCES risk.fill_checkpoint
);
COMMENT ON TABLE risk.fill_checkpoint_total IS 'Per checkpoint (risk.fill_checkpoint), strategy and symbol, the sums over the checkpoint''s fills of the strategy''s orders: qty = buys - sells - fees paid in the base (base units); flow = sell proceeds - buy cost - fees in the quote or the base (quote; fees in a third currency excluded, re-read at every call); buy_qty and buy_notional (quote) of the buys, NULL without one. Append-only; derived, not chained.';

-- The fills whose fee is in a third currency (Binance''s BNB): risk._fill_totals reads their fee''s quote value at
-- every call (the FEE/QUOTE mark may be revised after a checkpoint), through this index rather than every fill.
CREATE INDEX fill_third_currency_fee_idx ON trading.fill (book_id, seq)
    WHERE fee > 0 AND fee_currency <> split_part(symbol, '/', 1) AND fee_currency <> split_part(symbol, '/', 2);

-- The principal's postings (deposits and withdrawals of principal): portfolio.treasury_figures sums them from the
-- book's start at every day close; with this index it reads them alone, not the whole journal up to the day.
CREATE INDEX posting_principal_idx ON ledger.posting (book_id, ts) WHERE account_code = 'principal';

-- The order requests of a book by decision time: the orders-per-hour cap and breaker and the arbitration check
-- (api.submit_signal, risk._check_arbitration) count the last hour's requests at every admission; without it each
-- was a sequential scan of the book's every request (about 25,000 of them over 6 years of 9 symbols, 170 million
-- rows read).
CREATE INDEX order_request_ts_idx ON trading.order_request (book_id, ts);
