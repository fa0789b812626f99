-- api.create_account(p_name, p_mode, p_venue, p_base_currency, p_lane, p_initial_principal, p_risk_profile, p_reason)
--   -> integer (book_id)
-- Operator. Creates a trading account (a book) and its ledger accounts: trading and reserve (never
-- negative), venue, fees, external, ops_cost, and the treasury memo accounts principal, realized_pnl, fee_expense,
-- operations (never negative) and treasury (docs/treasury.md). The principal is deposited separately (api.deposit).
-- Raises PD012 on a duplicate name or an inconsistent mode/lane, PD011 on an unknown venue/profile/currency.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing).
CREATE OR REPLACE FUNCTION api.create_account(
    p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text,
    p_initial_principal numeric, p_risk_profile text, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book integer;
BEGIN
    PERFORM ops._require_finite('api.create_account', ARRAY['p_initial_principal'], ARRAY[p_initial_principal]);
    IF EXISTS (SELECT FROM trading.account a WHERE a.name = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('account %L already exists', p_name),
            HINT = 'Choose another name; accounts are never renamed or deleted.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue)
       OR NOT EXISTS (SELECT FROM risk.profile r WHERE r.profile = p_risk_profile)
       OR NOT EXISTS (SELECT FROM market.asset s WHERE s.asset = p_base_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('account %L refused: unknown venue %L, risk profile %L or currency %L', p_name, p_venue, p_risk_profile, p_base_currency),
            HINT = 'See market.venue, risk.profile and market.asset for the known values.';
    END IF;
    BEGIN
        INSERT INTO trading.account (name, mode, venue, base_currency, lane, initial_principal, risk_profile)
        VALUES (p_name, p_mode, p_venue, p_base_currency, p_lane, p_initial_principal, p_risk_profile)
        RETURNING book_id INTO v_book;
    EXCEPTION WHEN check_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('account %L refused: %s', p_name, SQLERRM),
            HINT = 'mode is paper|shadow|live, lane is paper|live_canary|live_promoted; paper runs in the paper lane, live never does; the principal is positive.';
    END;
    INSERT INTO ledger.ledger_account (book_id, code, non_negative)
    VALUES (v_book, 'trading', true), (v_book, 'reserve', true), (v_book, 'venue', false),
           (v_book, 'fees', false), (v_book, 'external', false), (v_book, 'ops_cost', false),
           -- the treasury memo accounts (docs/treasury.md)
           (v_book, 'principal', false), (v_book, 'realized_pnl', false), (v_book, 'fee_expense', false),
           (v_book, 'operations', true), (v_book, 'treasury', false);
    PERFORM ops._audit(v_book, 'create_account', p_name,
        jsonb_build_object('mode', p_mode, 'venue', p_venue, 'base_currency', p_base_currency, 'lane', p_lane,
                           'initial_principal', p_initial_principal, 'risk_profile', p_risk_profile), p_reason);
    RETURN v_book;
END
$$;

COMMENT ON FUNCTION api.create_account(text, text, text, text, text, numeric, text, text) IS 'Operator: creates a trading account (book) with its ledger accounts; returns book_id. PD011 unknown venue/profile/currency, PD012 duplicate or inconsistent.';
