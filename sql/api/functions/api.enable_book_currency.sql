-- api.enable_book_currency(p_account, p_currency, p_reason, p_enabled) -> integer (revision)
-- Operator. Enables (or, with p_enabled false, disables) an extra quote currency for a book (issue 13 item 6): a
-- new revision of trading.book_currency (history kept) and an audit row. The book's reporting currency
-- (trading.account.base_currency) is always enabled. While a currency is enabled, the book's entries in
-- instruments quoted in it are admitted against its own cash (api.submit_signal: cash sufficiency in the quote,
-- every cap in the reporting currency through market.conversion_rate); otherwise they are refused
-- quote_currency_mismatch. The cash of a currency enabled at any revision keeps counting in equity after a
-- disable (portfolio.valuation), so a disable never makes money vanish.
-- PD011 unknown account or currency; PD012 the reporting currency itself, enabled NULL, or no reason.
-- Tables: trading.book_currency, ops.audit_log.
CREATE OR REPLACE FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text,
                                                    p_enabled boolean DEFAULT true)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_rev  integer;
BEGIN
    v_acct := trading._account(p_account);
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('enable_book_currency refused: unknown currency %L', p_currency),
            HINT = 'See api.assets; an operator adds assets with api.add_asset.';
    END IF;
    IF p_currency = v_acct.base_currency OR p_enabled IS NULL OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('enable_book_currency refused: account %L currency %L enabled %s', p_account, p_currency, p_enabled),
            DETAIL = format('account=%s currency=%s reporting_currency=%s enabled=%s reason=%s',
                            p_account, p_currency, v_acct.base_currency, p_enabled, p_reason),
            HINT = 'The reporting currency (the account''s base currency) is always enabled; pass true or false and a reason.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);  -- admissions read the book's currencies under the book lock
    SELECT coalesce(max(c.revision), 0) + 1 INTO v_rev
      FROM trading.book_currency c WHERE c.book_id = v_acct.book_id AND c.currency = p_currency;
    INSERT INTO trading.book_currency (book_id, currency, revision, enabled, reason, actor)
    VALUES (v_acct.book_id, p_currency, v_rev, p_enabled, p_reason, ops.actor());
    PERFORM ops._audit(v_acct.book_id, 'enable_book_currency', p_account || '/' || p_currency,
                       jsonb_build_object('currency', p_currency, 'enabled', p_enabled, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.enable_book_currency(text, text, text, boolean) IS 'Operator: enables (or disables) an extra quote currency of a book (new revision of trading.book_currency; audited): its instruments trade against their own quote cash, valued in the reporting currency. PD011 unknown account or currency; PD012 the reporting currency, no reason.';
