-- trading._account(p_account text) -> trading.account
-- Resolves an account by name; PD011 when there is none. Internal helper of the api procedures.
CREATE OR REPLACE FUNCTION trading._account(p_account text)
RETURNS trading.account
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v trading.account;
BEGIN
    SELECT * INTO v FROM trading.account a WHERE a.name = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown account %L', p_account),
            HINT = 'Create it with api.create_account (predator account create).';
    END IF;
    RETURN v;
END
$$;

COMMENT ON FUNCTION trading._account(text) IS 'Internal: the account row for a name, PD011 when unknown.';
