-- api.approve_treasury_transfer(p_account, p_proposal_no, p_ts, p_reason) -> bigint (journal transaction seq)
-- Operator. Approves a transfer of surplus to the operations bucket that a day close proposed (treasury policy,
-- docs/treasury.md): one journal transaction at business time p_ts (operations +amount, treasury -amount), a
-- ledger.treasury_transfer row (approved) and an audit row. The policy never touches principal: the transfer is
-- refused when the amount exceeds the equity of the last closed hour above principal + reserve + operations.
-- PD011 an unknown account or proposal; PD012 no reason, a proposal already approved, or an amount that would
-- reach into principal; PD015 an infinite or future business time; PD013 a time before the proposal.
CREATE OR REPLACE FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamptz, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct     trading.account;
    v_prop     ledger.treasury_transfer;
    v_equity   numeric;
    v_headroom numeric;
    v_tx       bigint;
BEGIN
    PERFORM ops._require_business_time('api.approve_treasury_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'approve_treasury_transfer refused: an operator action needs a reason',
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_prop FROM ledger.treasury_transfer t
     WHERE t.book_id = v_acct.book_id AND t.proposal_no = p_proposal_no AND t.action = 'proposed';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('treasury transfer %s refused: no such proposal', p_proposal_no),
            DETAIL = format('account=%s proposal_no=%s', p_account, p_proposal_no), HINT = 'See api.treasury_transfers.';
    END IF;
    IF EXISTS (SELECT FROM ledger.treasury_transfer t
                WHERE t.book_id = v_acct.book_id AND t.proposal_no = p_proposal_no AND t.action <> 'proposed') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('treasury transfer %s refused: already approved', p_proposal_no),
            DETAIL = format('account=%s proposal_no=%s', p_account, p_proposal_no), HINT = 'A proposal is approved once.';
    END IF;
    IF p_ts < v_prop.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('treasury transfer %s refused: %s is before the proposal (%s)', p_proposal_no, p_ts, v_prop.ts),
            DETAIL = format('account=%s ts=%s proposed=%s', p_account, p_ts, v_prop.ts), HINT = 'Business time never goes backwards.';
    END IF;
    SELECT h.equity INTO v_equity FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    SELECT coalesce(v_equity, 0)
           + coalesce(sum(b.balance) FILTER (WHERE b.account_code = 'principal'), 0)
           - coalesce(sum(b.balance) FILTER (WHERE b.account_code IN ('reserve', 'operations')), 0)
      INTO v_headroom
      FROM ledger.balance b
     WHERE b.book_id = v_acct.book_id AND b.currency = v_acct.base_currency
       AND b.account_code IN ('principal', 'reserve', 'operations');
    IF v_prop.amount > v_headroom THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('treasury transfer %s refused: %s would reach into principal (headroom %s)', p_proposal_no, v_prop.amount, round(v_headroom, 2)),
            DETAIL = format('account=%s amount=%s headroom=%s equity=%s', p_account, v_prop.amount, v_headroom, v_equity),
            HINT = 'The treasury policy never touches principal: wait for a later proposal.';
    END IF;
    v_tx := ledger._post(v_acct.book_id, 'transfer', 'operations:' || p_proposal_no, p_ts,
        ARRAY['operations', 'treasury'], ARRAY[v_prop.currency, v_prop.currency], ARRAY[v_prop.amount, -v_prop.amount]);
    INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts)
    VALUES (v_acct.book_id, p_proposal_no, 'approved', v_prop.amount, v_prop.currency, v_prop.day, v_tx, p_reason, ops.actor(), p_ts);
    PERFORM ops._audit(v_acct.book_id, 'approve_treasury_transfer', p_account,
        jsonb_build_object('proposal_no', p_proposal_no, 'amount', v_prop.amount, 'currency', v_prop.currency,
                           'tx_seq', v_tx, 'ts', p_ts), p_reason);
    RETURN v_tx;
END
$$;

COMMENT ON FUNCTION api.approve_treasury_transfer(text, integer, timestamptz, text) IS 'Operator: approves a proposed transfer of surplus to the operations bucket (journal operations + / treasury -, audited). PD011 unknown proposal, PD012 already approved / no reason / would reach into principal, PD013 before the proposal, PD015 future time.';
