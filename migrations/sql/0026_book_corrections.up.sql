-- 0026_book_corrections.up.sql — governed corrections of a book to the venue's truth (issue 14, seed 001 D2;
-- docs/live.md "Corrections").
--
-- * ops.transfer_posting: a deposit or withdrawal seen on the venue account, posted to the journal by an operator
--   (api.post_venue_transfer): trading +/- amount against external, and the treasury memo of the principal.
--   Append-only, chained per book; names its journal transaction and the incident it corrects.
-- * trading.fill_void: a fill the venue never made, voided by an operator (api.void_fill). The fill stays
--   (append-only); the void names the reversing journal transaction (kind void: every leg of the fill's own
--   transaction and of its realized memo, negated), the lot it emptied and the base quantity taken out of the
--   position. Every figure function and gate that rebuilds positions, lots or fees from fills honours it.
--   Append-only, chained per book.
-- * ledger.transaction kind void.
SET LOCAL ROLE predator_owner;

ALTER TABLE ledger.transaction DROP CONSTRAINT ledger_tx_kind_is_known;
ALTER TABLE ledger.transaction ADD CONSTRAINT ledger_tx_kind_is_known
    CHECK (kind IN ('deposit', 'withdrawal', 'fill', 'fee', 'ops_cost', 'reserve', 'transfer', 'principal', 'realized', 'void'));

CREATE TABLE ops.transfer_posting (
    book_id      integer     NOT NULL REFERENCES trading.account,
    seq          bigint      NOT NULL,
    kind         text        NOT NULL CONSTRAINT transfer_posting_kind_is_known CHECK (kind IN ('deposit', 'withdrawal')),
    currency     text        NOT NULL REFERENCES market.asset,
    amount       numeric     NOT NULL CONSTRAINT transfer_posting_amount_is_positive CHECK (amount > 0),
    venue_ref    text,
    tx_seq       bigint      NOT NULL,
    incident_seq bigint      NOT NULL,
    reason       text        NOT NULL CONSTRAINT transfer_posting_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor        text        NOT NULL DEFAULT session_user,
    ts           timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash    bytea       NOT NULL,
    row_hash     bytea       NOT NULL,
    CONSTRAINT transfer_posting_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT transfer_posting_once UNIQUE (book_id, venue_ref),
    CONSTRAINT transfer_posting_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction (book_id, seq),
    CONSTRAINT transfer_posting_incident FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident (book_id, seq)
);
COMMENT ON TABLE ops.transfer_posting IS 'Deposits and withdrawals seen on the venue account and posted to the journal by an operator (api.post_venue_transfer): the journal transaction (trading against external) and the incident it corrects; venue_ref, when given, is the relayed transfer (ops.venue_transfer) it posts, once. Append-only, chained per book.';

CREATE TABLE trading.fill_void (
    book_id         integer     NOT NULL REFERENCES trading.account,
    seq             bigint      NOT NULL,
    symbol          text        NOT NULL,
    venue_trade_id  text        NOT NULL,
    client_order_id text        NOT NULL REFERENCES trading.order_request,
    lot_no          integer     NOT NULL,
    quantity        numeric     NOT NULL CONSTRAINT fill_void_qty_is_positive CHECK (quantity > 0),
    tx_seq          bigint      NOT NULL,
    incident_seq    bigint      NOT NULL,
    reason          text        NOT NULL CONSTRAINT fill_void_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor           text        NOT NULL DEFAULT session_user,
    ts              timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash       bytea       NOT NULL,
    row_hash        bytea       NOT NULL,
    CONSTRAINT fill_void_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT fill_void_once UNIQUE (book_id, symbol, venue_trade_id),
    CONSTRAINT fill_void_fill FOREIGN KEY (book_id, symbol, venue_trade_id) REFERENCES trading.fill (book_id, symbol, venue_trade_id),
    CONSTRAINT fill_void_lot FOREIGN KEY (book_id, symbol, lot_no) REFERENCES trading.lot (book_id, symbol, lot_no),
    CONSTRAINT fill_void_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction (book_id, seq),
    CONSTRAINT fill_void_incident FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident (book_id, seq)
);
COMMENT ON TABLE trading.fill_void IS 'Fills the venue never made, voided by an operator (api.void_fill): the fill stays; the void names the lot it emptied (quantity: the base taken out of the lot and the position), the reversing journal transaction (kind void) and the incident it corrects. Gates 04, 05, 11, 13, 17 and 20, the hour close and the strategy figures leave a voided fill out. Append-only, chained per book.';

DO $finite$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.table_schema, c.table_name, c.column_name, c.data_type
               FROM information_schema.columns c
              WHERE (c.table_schema, c.table_name) IN (('ops', 'transfer_posting'), ('trading', 'fill_void'))
                AND c.data_type IN ('numeric', 'timestamp with time zone')
              ORDER BY c.table_name, c.ordinal_position LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I CHECK (%I > %L AND %I < %L)',
                       r.table_schema, r.table_name, r.table_name || '_' || r.column_name || '_is_finite',
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN '-Infinity' ELSE '-infinity' END,
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN 'Infinity' ELSE 'infinity' END);
    END LOOP;
END
$finite$;
