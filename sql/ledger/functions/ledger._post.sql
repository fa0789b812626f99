-- ledger._post(p_book_id, p_kind, p_ref, p_ts, p_accounts[], p_currencies[], p_amounts[]) -> bigint
-- Posts one journal transaction: a header and its legs in a single statement, skipping zero amounts.
-- Amounts are signed, in the leg's currency; they must sum to zero per currency (PD002 from the
-- trigger). Returns the transaction seq.
CREATE OR REPLACE FUNCTION ledger._post(
    p_book_id    integer,
    p_kind       text,
    p_ref        text,
    p_ts         timestamptz,
    p_accounts   text[],
    p_currencies text[],
    p_amounts    numeric[])
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_tx   bigint;
    v_legs integer;
BEGIN
    SELECT count(*) INTO v_legs FROM unnest(p_amounts) a WHERE a <> 0;
    INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
    VALUES (p_book_id, p_kind, p_ref, v_legs, p_ts)
    RETURNING seq INTO v_tx;

    INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
    SELECT p_book_id, v_tx, row_number() OVER (ORDER BY l.ord), l.acct, l.ccy, l.amt, p_ts
      FROM unnest(p_accounts, p_currencies, p_amounts) WITH ORDINALITY AS l(acct, ccy, amt, ord)
     WHERE l.amt <> 0
     ORDER BY l.ord;
    RETURN v_tx;
END
$$;

COMMENT ON FUNCTION ledger._post(integer, text, text, timestamptz, text[], text[], numeric[]) IS 'Posts one balanced journal transaction (header plus non-zero legs in one statement) and returns its seq.';
