-- ledger.tg_transaction__complete() — deferred constraint trigger on ledger.transaction.
-- At commit, every transaction header has exactly its declared number of legs posted (PD002).
-- SECURITY DEFINER: deferred triggers run at commit as the session's role, outside the procedure.
CREATE OR REPLACE FUNCTION ledger.tg_transaction__complete()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_posted bigint;
BEGIN
    SELECT count(*) INTO v_posted FROM ledger.posting p WHERE p.book_id = NEW.book_id AND p.tx_seq = NEW.seq;
    IF v_posted <> NEW.legs THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused at commit: %s of %s legs posted',
                             NEW.seq, NEW.book_id, v_posted, NEW.legs),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ledger.tg_transaction__complete() IS 'Deferred check that every journal transaction has all its declared legs posted by commit; PD002 otherwise.';
