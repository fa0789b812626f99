-- api.deposit(p_account, p_amount, p_ts, p_reason, p_currency, p_ref) -> bigint (journal transaction seq)
-- Operator. Deposits capital: one balanced transaction, trading +amount / external -amount, in
-- p_currency (default: the account's base currency), at business time p_ts; and its treasury memo
-- (principal -amount / treasury +amount, docs/treasury.md).
-- Raises PD012 for a non-positive amount, PD011 for an unknown account or currency.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing); a business time that is infinite or later
-- than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.deposit(
    p_account text, p_amount numeric, p_ts timestamptz, p_reason text,
    p_currency text DEFAULT NULL, p_ref text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_ccy  text;
    v_tx   bigint;
BEGIN
    PERFORM ops._require_finite('api.deposit', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.deposit', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    v_ccy := coalesce(p_currency, v_acct.base_currency);
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('deposit refused: amount %s is not positive', p_amount),
            HINT = 'Deposit a positive amount; capital leaves only through a recorded withdrawal, never through Predator.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = v_ccy) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('deposit refused: unknown currency %L', v_ccy),
            HINT = 'See market.asset.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_tx := ledger._post(v_acct.book_id, 'deposit', coalesce(p_ref, 'deposit'), p_ts,
                         ARRAY['trading', 'external'], ARRAY[v_ccy, v_ccy], ARRAY[p_amount, -p_amount]);
    -- The treasury memo of the principal (docs/treasury.md): principal -amount, treasury +amount.
    PERFORM ledger._post(v_acct.book_id, 'principal', coalesce(p_ref, 'deposit'), p_ts,
                         ARRAY['principal', 'treasury'], ARRAY[v_ccy, v_ccy], ARRAY[-p_amount, p_amount]);
    PERFORM ops._audit(v_acct.book_id, 'deposit', p_account,
        jsonb_build_object('amount', p_amount, 'currency', v_ccy, 'ts', p_ts, 'tx_seq', v_tx), p_reason);
    RETURN v_tx;
END
$$;

COMMENT ON FUNCTION api.deposit(text, numeric, timestamptz, text, text, text) IS 'Operator: deposits capital into the trading account (trading +amount, external -amount); returns the journal transaction seq. PD011/PD012 on bad input.';
