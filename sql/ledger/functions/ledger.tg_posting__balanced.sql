-- ledger.tg_posting__balanced() — AFTER INSERT statement trigger on ledger.posting (transition table
-- new_postings). Every journal transaction is posted by one statement, and its postings sum to zero
-- in every currency (double entry). Raises PD002 otherwise.
CREATE OR REPLACE FUNCTION ledger.tg_posting__balanced()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_bad record;
BEGIN
    SELECT p.book_id, p.tx_seq, p.currency, sum(p.amount) AS total
      INTO v_bad
      FROM new_postings p
     GROUP BY p.book_id, p.tx_seq, p.currency
    HAVING sum(p.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused: its %s postings do not sum to zero',
                             v_bad.tx_seq, v_bad.book_id, v_bad.currency),
            DETAIL = format('currency=%s sum=%s', v_bad.currency, v_bad.total),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;

    SELECT n.book_id, n.tx_seq, n.legs_posted, t.legs
      INTO v_bad
      FROM (SELECT p.book_id, p.tx_seq, count(*) AS legs_posted FROM new_postings p GROUP BY 1, 2) n
      JOIN ledger.transaction t ON t.book_id = n.book_id AND t.seq = n.tx_seq
     WHERE n.legs_posted <> t.legs
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused: it must be posted whole, in one statement',
                             v_bad.tx_seq, v_bad.book_id),
            DETAIL = format('legs_declared=%s legs_in_statement=%s', v_bad.legs, v_bad.legs_posted),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ledger.tg_posting__balanced() IS 'Double-entry check: each statement posts whole transactions whose postings sum to zero per currency; PD002 otherwise.';
