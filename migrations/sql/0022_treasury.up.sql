-- 0022_treasury.up.sql — treasury and self-financing (issue 15, docs/treasury.md).
--
-- * ledger.ledger_account: new memo codes principal, realized_pnl, fee_expense, operations, treasury (reserve
--   and ops_cost existed; nothing posted to them). They never touch trading, venue, fees or external, so
--   reconciliation, cash and equity are unchanged; every book gets them (existing books here, new books in
--   api.create_account).
-- * ledger.transaction kinds: principal (the memo of a deposit) and realized (realized PnL and fee expense of a
--   fill); ops_cost, reserve and transfer existed.
-- * ledger.operating_cost: declared recurring operating costs (name, amount, currency, period, effective from a
--   business hour), append-only revisions; ended by a revision with active = false.
-- * ledger.treasury_transfer: transfers of surplus to the operations bucket: proposed by the day close, approved
--   by an operator (or automatic). Append-only, chained per book.
-- * portfolio.treasury_status: the self-financing status per UTC day (window_days 1) and per rolling window,
--   stored at the close of 00:00 UTC. Append-only, chained per book.
-- * risk.limit_kind: the treasury limits (off when unset).
SET LOCAL ROLE predator_owner;

ALTER TABLE ledger.ledger_account DROP CONSTRAINT ledger_account_code_is_known;
ALTER TABLE ledger.ledger_account ADD CONSTRAINT ledger_account_code_is_known
    CHECK (code IN ('trading', 'venue', 'fees', 'external', 'reserve', 'ops_cost',
                    'principal', 'realized_pnl', 'fee_expense', 'operations', 'treasury'));
COMMENT ON TABLE ledger.ledger_account IS 'The accounts of a book: trading (what the book holds at the venue, never negative), venue (trade counterparty), fees (as charged, per currency), external (capital in and out); the treasury memo accounts (docs/treasury.md), in the reporting currency: principal, realized_pnl, fee_expense, ops_cost, reserve and operations (earmarks, never negative), treasury (their counterpart: free capital).';

ALTER TABLE ledger.transaction DROP CONSTRAINT ledger_tx_kind_is_known;
ALTER TABLE ledger.transaction ADD CONSTRAINT ledger_tx_kind_is_known
    CHECK (kind IN ('deposit', 'withdrawal', 'fill', 'fee', 'ops_cost', 'reserve', 'transfer', 'principal', 'realized'));

INSERT INTO ledger.ledger_account (book_id, code, non_negative)
SELECT a.book_id, c.code, c.non_negative
  FROM trading.account a
 CROSS JOIN (VALUES ('principal', false), ('realized_pnl', false), ('fee_expense', false),
                    ('operations', true), ('treasury', false)) AS c(code, non_negative)
ON CONFLICT DO NOTHING;

CREATE TABLE ledger.operating_cost (
    book_id        integer     NOT NULL REFERENCES trading.account,
    name           text        NOT NULL CONSTRAINT operating_cost_name_is_identifier CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    revision       integer     NOT NULL CONSTRAINT operating_cost_revision_is_positive CHECK (revision > 0),
    active         boolean     NOT NULL,
    amount         numeric     NOT NULL CONSTRAINT operating_cost_amount_not_negative CHECK (amount >= 0),
    currency       text        NOT NULL REFERENCES market.asset,
    period         text        NOT NULL CONSTRAINT operating_cost_period_is_known CHECK (period IN ('day', 'week', 'month', 'year')),
    effective_from timestamptz NOT NULL,
    reason         text        NOT NULL CONSTRAINT operating_cost_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor          text        NOT NULL DEFAULT session_user,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT operating_cost_pk PRIMARY KEY (book_id, name, revision),
    CONSTRAINT operating_cost_hour_is_aligned CHECK (date_trunc('hour', effective_from) = effective_from)
);
COMMENT ON TABLE ledger.operating_cost IS 'Declared recurring operating costs of a book (infrastructure, data, subscriptions): amount in currency per period (day, week, calendar month, calendar year), in force from a business hour; each change a new revision, an end a revision with active false. Accrued hour by hour by api.close_hour (ops_cost postings). Append-only; written by api.declare_operating_cost and api.end_operating_cost.';

CREATE TABLE ledger.treasury_transfer (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    proposal_no integer     NOT NULL CONSTRAINT treasury_transfer_proposal_is_positive CHECK (proposal_no > 0),
    action      text        NOT NULL CONSTRAINT treasury_transfer_action_is_known CHECK (action IN ('proposed', 'approved', 'automatic')),
    amount      numeric     NOT NULL CONSTRAINT treasury_transfer_amount_is_positive CHECK (amount > 0),
    currency    text        NOT NULL REFERENCES market.asset,
    day         date        NOT NULL,
    tx_seq      bigint,
    reason      text        NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    ts          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT treasury_transfer_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT treasury_transfer_once UNIQUE (book_id, proposal_no, action),
    CONSTRAINT treasury_transfer_posted CHECK ((action = 'proposed') = (tx_seq IS NULL)),
    CONSTRAINT treasury_transfer_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction (book_id, seq)
);
COMMENT ON TABLE ledger.treasury_transfer IS 'Transfers of surplus to the operations bucket: proposed by the day close when the rolling surplus is above treasury_transfer_threshold, then approved by an operator (api.approve_treasury_transfer), or automatic when treasury_auto_transfer is 1; an approved or automatic row names its journal transaction (operations +, treasury -). Append-only, chained per book.';

CREATE TABLE portfolio.treasury_status (
    book_id             integer     NOT NULL REFERENCES trading.account,
    seq                 bigint      NOT NULL,
    day                 date        NOT NULL,
    window_days         integer     NOT NULL CONSTRAINT treasury_status_window_is_positive CHECK (window_days > 0),
    period_from         timestamptz NOT NULL,
    period_to           timestamptz NOT NULL,
    complete            boolean     NOT NULL,
    currency            text        NOT NULL REFERENCES market.asset,
    realized_pnl        numeric     NOT NULL,
    trading_fees        numeric     NOT NULL,
    operating_costs     numeric     NOT NULL,
    reserve_accrual     numeric     NOT NULL,
    surplus             numeric     NOT NULL,
    equity              numeric     NOT NULL,
    principal           numeric     NOT NULL,
    principal_protected boolean     NOT NULL,
    policy_action       text        NOT NULL DEFAULT 'none'
        CONSTRAINT treasury_status_action_is_known CHECK (policy_action IN ('none', 'transfer_proposed', 'transfer_automatic', 'entries_halted')),
    policy_amount       numeric,
    recorded_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash           bytea       NOT NULL,
    row_hash            bytea       NOT NULL,
    CONSTRAINT treasury_status_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT treasury_status_once UNIQUE (book_id, day, window_days),
    CONSTRAINT treasury_status_period CHECK (period_from < period_to),
    CONSTRAINT treasury_status_surplus_formula CHECK (surplus = realized_pnl - trading_fees - operating_costs - reserve_accrual)
);
COMMENT ON TABLE portfolio.treasury_status IS 'Self-financing status of a book (docs/treasury.md), stored by api.close_hour at 00:00 UTC for the UTC day that ended (window_days 1) and the rolling window ending there (treasury_window_days, 30 when unset), from the treasury postings over [period_from, period_to): surplus = realized_pnl - trading_fees - operating_costs - reserve_accrual; principal protected = equity at period_to >= principal. complete: the window lies after the book''s first deposit. policy_action: what the policy did at that close. Gate 21 recomputes every row from the postings. Append-only, chained per book.';
COMMENT ON COLUMN portfolio.treasury_status.day IS 'The UTC day that ended at period_to (period_to = day + 1).';

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('treasury_reserve_pct', '{pct}', 'Percent of each realized gain (net of its fees) accrued to the reserve at the fill that realizes it (no reserve when unset)'),
    ('treasury_reserve_carry_forward', '{count}', '1: losses are carried forward, a gain accrues reserve only above the high-water mark of cumulative realized PnL; unset or 0: each gain accrues, losses release nothing'),
    ('treasury_window_days', '{count}', 'Days of the rolling self-financing window (30 when unset)'),
    ('treasury_transfer_threshold', '{abs}', 'Rolling surplus (reporting currency) above which surplus is transferred to the operations bucket, keeping this much undistributed (no transfer when unset)'),
    ('treasury_auto_transfer', '{count}', '1: transfers are posted at the day close; unset or 0: proposed and posted only when an operator approves them'),
    ('treasury_deficit_tolerance', '{abs}', 'Rolling surplus below minus this amount is a deficit (no deficit policy when unset)'),
    ('treasury_deficit_halt', '{count}', '1: a deficit halts new entries (the book moves to reducing, held until api.resume_reducing) with an incident');

DO $finite$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.table_schema, c.table_name, c.column_name, c.data_type
               FROM information_schema.columns c
              WHERE (c.table_schema, c.table_name) IN (('ledger', 'operating_cost'), ('ledger', 'treasury_transfer'),
                                                        ('portfolio', 'treasury_status'))
                AND c.data_type IN ('numeric', 'timestamp with time zone')
              ORDER BY c.table_name, c.ordinal_position LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I CHECK (%I > %L AND %I < %L)',
                       r.table_schema, r.table_name, r.table_name || '_' || r.column_name || '_is_finite',
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN '-Infinity' ELSE '-infinity' END,
                       r.column_name, CASE WHEN r.data_type = 'numeric' THEN 'Infinity' ELSE 'infinity' END);
    END LOOP;
END
$finite$;
