-- 0019_multi_currency.up.sql — multi-currency books (issue 13 item 6) and one definition of equity (issue 17
-- item 1).
--
-- * trading.account.base_currency is the book's reporting currency: equity, exposures, caps and PnL are
--   valued in it (the column keeps its name).
-- * trading.book_currency: the extra quote currencies an operator enables per book (api.enable_book_currency,
--   audited; append-only history, the highest revision of (book, currency) is in force). A book trades an
--   instrument only when its quote is the reporting currency or an enabled one (else quote_currency_mismatch);
--   the cash of every currency ever enabled counts in equity, converted at market.conversion_rate.
-- * portfolio.hourly_state.valuation: what an hour close valued, per currency (cash, positions at mark, the
--   conversion rate, its pair and bar close, inverted or not). Nullable: rows closed before 0019 keep NULL and
--   their row hashes (the canonical encoding drops null fields).
SET LOCAL ROLE predator_owner;

CREATE TABLE trading.book_currency (
    book_id     integer     NOT NULL REFERENCES trading.account,
    currency    text        NOT NULL REFERENCES market.asset,
    revision    integer     NOT NULL CONSTRAINT book_currency_revision_is_positive CHECK (revision > 0),
    enabled     boolean     NOT NULL,
    reason      text        NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT book_currency_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT book_currency_pk PRIMARY KEY (book_id, currency, revision)
);
COMMENT ON TABLE trading.book_currency IS 'Extra quote currencies an operator enables per book (the reporting currency, trading.account.base_currency, always is): append-only history, the highest revision of (book, currency) is in force (api.enable_book_currency, audited). Entries of an instrument quoted in a currency neither reporting nor enabled are refused quote_currency_mismatch; the cash of every currency with a row counts in equity (portfolio.valuation).';

ALTER TABLE portfolio.hourly_state ADD COLUMN valuation jsonb;
COMMENT ON COLUMN portfolio.hourly_state.valuation IS 'What the close valued (portfolio.valuation): {"reporting": currency, "currencies": {CCY: {"cash", "positions", "open_buys", "rate", "symbol", "bar_close", "inverted", "cash_currency"}}}: per cash or quote currency its trading balance (cash currencies only), positions at mark and open buys in that currency and the conversion rate to the reporting currency with its pair and bar close (rate null: none, valued 0). NULL on rows closed before migration 0019.';
COMMENT ON COLUMN trading.account.base_currency IS 'The book''s reporting currency: equity, exposures, caps and PnL are valued in it (docs/risk.md, Multi-currency valuation). Its cash is always counted; other quote currencies are enabled per book (trading.book_currency).';
