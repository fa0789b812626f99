-- ledger.tg_posting__chain() — BEFORE INSERT row trigger on ledger.posting.
-- Continuity and chaining per (book, account, currency): seq = head seq + 1, balance_after = head balance
-- + amount, prev_hash = head hash, row_hash = sha256(prev_hash || canonical row); moves the head in
-- ledger.balance. Refuses a negative balance on a non-negative account (PD003: no leverage, no shorting)
-- and a supplied seq, balance_after or prev_hash that breaks continuity (PD004).
CREATE OR REPLACE FUNCTION ledger.tg_posting__chain()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET extra_float_digits = 1  -- float8 columns (ml) enter the hash as text: the session may not shorten them
AS $$
DECLARE
    v_seq      bigint;
    v_balance  numeric;
    v_prev     bytea;
    v_non_neg  boolean;
BEGIN
    SELECT b.seq, b.balance, b.head_hash, b.non_negative
      INTO v_seq, v_balance, v_prev, v_non_neg
      FROM ledger.balance b
     WHERE b.book_id = NEW.book_id AND b.account_code = NEW.account_code AND b.currency = NEW.currency
       FOR UPDATE;
    IF NOT FOUND THEN
        SELECT a.non_negative INTO v_non_neg
          FROM ledger.ledger_account a WHERE a.book_id = NEW.book_id AND a.code = NEW.account_code;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011',
                MESSAGE = format('posting refused: book %s has no ledger account %s', NEW.book_id, NEW.account_code),
                HINT = 'Create the account with api.create_account; it opens every ledger account of the book.';
        END IF;
        INSERT INTO ledger.balance (book_id, account_code, currency, seq, balance, head_hash, non_negative)
        VALUES (NEW.book_id, NEW.account_code, NEW.currency, 0, 0, ops.genesis_hash(), v_non_neg);
        v_seq := 0; v_balance := 0; v_prev := ops.genesis_hash();
    END IF;

    v_seq := v_seq + 1;
    v_balance := v_balance + NEW.amount;

    IF (NEW.seq IS NOT NULL AND NEW.seq <> v_seq)
       OR (NEW.balance_after IS NOT NULL AND NEW.balance_after <> v_balance)
       OR (NEW.prev_hash IS NOT NULL AND NEW.prev_hash <> v_prev) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD004',
            MESSAGE = format('posting refused: it breaks the continuity of %s/%s in book %s', NEW.account_code, NEW.currency, NEW.book_id),
            DETAIL = format('expected_seq=%s given_seq=%s expected_balance_after=%s given_balance_after=%s',
                            v_seq, NEW.seq, v_balance, NEW.balance_after),
            HINT = 'Post through ledger._post (api procedures); seq, balance_after and hashes are assigned by the trigger.';
    END IF;

    IF v_non_neg AND v_balance < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD003',
            MESSAGE = format('posting refused: %s balance of %s in book %s would go negative (no leverage, no shorting)',
                             NEW.currency, NEW.account_code, NEW.book_id),
            DETAIL = format('balance_before=%s amount=%s balance_after=%s', v_balance - NEW.amount, NEW.amount, v_balance),
            HINT = 'Only spend what the book holds: size the order within the available balance.';
    END IF;

    NEW.seq := v_seq;
    NEW.balance_after := v_balance;
    NEW.prev_hash := v_prev;
    NEW.row_hash := ops.row_hash(v_prev, to_jsonb(NEW));

    UPDATE ledger.balance b
       SET seq = v_seq, balance = v_balance, head_hash = NEW.row_hash
     WHERE b.book_id = NEW.book_id AND b.account_code = NEW.account_code AND b.currency = NEW.currency;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION ledger.tg_posting__chain() IS 'Posting trigger: gapless seq, running balance and sha256 chain per (book, account, currency); PD003 on a negative balance of a non-negative account, PD004 on broken continuity.';
