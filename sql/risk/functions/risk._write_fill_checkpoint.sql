-- risk._write_fill_checkpoint(p_book_id, p_as_of) -> boolean (written)
-- Stores the strategies' own fill totals at p_as_of (risk.fill_checkpoint and its rows in
-- risk.fill_checkpoint_total): the fill and void heads (the highest seq of each, 0 without one) are read first and
-- bound the sums (risk._fill_totals with fees in a third currency left out), so the checkpoint's set is exactly
-- "seq <= fill_seq and ts <= as_of, less the voids with seq <= void_seq and ts <= as_of" whatever is relayed
-- meanwhile. Called by the 00:00 UTC hour close (risk._evaluate_strategies), which holds the book's lock; once per
-- book and time (false when it exists).
CREATE OR REPLACE FUNCTION risk._write_fill_checkpoint(p_book_id integer, p_as_of timestamptz)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_fill bigint;
    v_void bigint;
BEGIN
    IF EXISTS (SELECT FROM risk.fill_checkpoint c WHERE c.book_id = p_book_id AND c.as_of = p_as_of) THEN
        RETURN false;
    END IF;
    v_fill := coalesce((SELECT f.seq FROM trading.fill f WHERE f.book_id = p_book_id ORDER BY f.seq DESC LIMIT 1), 0);
    v_void := coalesce((SELECT v.seq FROM trading.fill_void v WHERE v.book_id = p_book_id ORDER BY v.seq DESC LIMIT 1), 0);
    -- One statement: the sums are read (from the previous checkpoint on) in the statement's snapshot, which does not
    -- hold the header written beside them (else they would start from this, still empty, checkpoint).
    WITH t AS MATERIALIZED (
        SELECT x.strategy, x.symbol, x.qty, x.flow, x.buy_qty, x.buy_notional
          FROM risk._fill_totals(p_book_id, NULL, p_as_of, false, v_fill, v_void) x),
    h AS (
        INSERT INTO risk.fill_checkpoint (book_id, as_of, fill_seq, void_seq) VALUES (p_book_id, p_as_of, v_fill, v_void))
    INSERT INTO risk.fill_checkpoint_total (book_id, as_of, strategy, symbol, qty, flow, buy_qty, buy_notional)
    SELECT p_book_id, p_as_of, t.strategy, t.symbol, t.qty, t.flow, t.buy_qty, t.buy_notional FROM t;
    RETURN true;
END
$$;

COMMENT ON FUNCTION risk._write_fill_checkpoint(integer, timestamptz) IS 'Internal: writes the checkpoint of the strategies'' own fill totals at p_as_of (risk.fill_checkpoint, risk.fill_checkpoint_total), bounded by the fill and void heads read first; false when it exists. Called by the 00:00 UTC hour close.';
