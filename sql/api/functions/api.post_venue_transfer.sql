-- api.post_venue_transfer(p_account, p_kind, p_currency, p_amount, p_ts, p_reason, p_incident, p_venue_ref)
--   -> bigint (journal transaction seq)
-- Operator. Posts to the journal a deposit or withdrawal that happened on the venue account outside Predator
-- (docs/live.md "Corrections"), so that the book agrees with the venue again:
--   withdrawal: trading -amount / external +amount (kind withdrawal), and the treasury memo of the principal
--               withdrawn, principal +amount / treasury -amount (kind principal, docs/treasury.md);
--   deposit:    trading +amount / external -amount (kind deposit) and principal -amount / treasury +amount.
-- p_venue_ref, when given, names the transfer the worker relayed (api.record_venue_transfer): its kind, currency
-- and amount must match, and it is posted once. Audited (post_venue_transfer), recorded in ops.transfer_posting
-- with the incident it corrects. The next reconciliation compares the corrected book.
-- Refusals: NaN/±Infinity amount PD012 (first thing); a business time that is infinite or in the future PD015;
-- unknown account or currency PD011; kind not deposit/withdrawal, amount not positive, no reason PD012; the
-- preconditions of ops._require_correctable (PD013 not after the last closed hour; PD012/PD011 incident; PD016
-- incident resolved, book not halted, latest reconciliation clean); an unknown relayed transfer PD011, one that
-- differs PD012, one already posted PD016; a withdrawal beyond the trading balance PD003.
CREATE OR REPLACE FUNCTION api.post_venue_transfer(
    p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamptz, p_reason text,
    p_incident text, p_venue_ref text DEFAULT NULL)
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
    v_inc  bigint;
    v_rel  ops.venue_transfer;
    v_tx   bigint;
    v_ref  text;
    v_sign integer;
BEGIN
    PERFORM ops._require_finite('api.post_venue_transfer', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.post_venue_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_kind IS NULL OR p_kind NOT IN ('deposit', 'withdrawal') OR p_amount IS NULL OR p_amount <= 0 OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'venue transfer posting refused: kind deposit or withdrawal, a positive amount and a time are required',
            DETAIL = format('kind=%s amount=%s ts=%s', p_kind, p_amount, p_ts),
            HINT = 'Post what the venue''s account statement shows: its kind, currency and amount.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue transfer posting refused: a correction needs a reason',
            HINT = 'Say what the venue shows and why the book takes it (kept in the audit log).';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('venue transfer posting refused: unknown currency %L', p_currency),
            HINT = 'See market.asset.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_inc := ops._require_correctable('api.post_venue_transfer', v_acct, p_incident, p_ts);
    IF p_venue_ref IS NOT NULL THEN
        SELECT * INTO v_rel FROM ops.venue_transfer t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011',
                MESSAGE = format('venue transfer posting refused: no transfer %L was relayed for %s', p_venue_ref, p_account),
                HINT = 'Name a relayed transfer (api.venue_transfers), or post without a venue reference.';
        END IF;
        IF (v_rel.kind, v_rel.currency, v_rel.amount) IS DISTINCT FROM (p_kind, p_currency, p_amount) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('venue transfer posting refused: %s differs from the relayed transfer', p_venue_ref),
                DETAIL = format('relayed=%s %s %s given=%s %s %s', v_rel.kind, v_rel.amount, v_rel.currency, p_kind, p_amount, p_currency),
                HINT = 'Post the relayed transfer as the venue reported it.';
        END IF;
        IF EXISTS (SELECT FROM ops.transfer_posting t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('venue transfer posting refused: %s is already posted', p_venue_ref),
                HINT = 'Each transfer is posted once (api.transfer_postings).';
        END IF;
    END IF;
    v_ref := coalesce(p_venue_ref, format('%s:%s', p_kind, p_incident));
    v_sign := CASE WHEN p_kind = 'deposit' THEN 1 ELSE -1 END;
    v_tx := ledger._post(v_acct.book_id, p_kind, v_ref, p_ts,
                         ARRAY['trading', 'external'], ARRAY[p_currency, p_currency], ARRAY[v_sign * p_amount, -v_sign * p_amount]);
    -- The treasury memo of the principal (docs/treasury.md), as api.deposit posts it for a deposit.
    PERFORM ledger._post(v_acct.book_id, 'principal', v_ref, p_ts,
                         ARRAY['principal', 'treasury'], ARRAY[p_currency, p_currency], ARRAY[-v_sign * p_amount, v_sign * p_amount]);
    INSERT INTO ops.transfer_posting (book_id, kind, currency, amount, venue_ref, tx_seq, incident_seq, reason, ts)
    VALUES (v_acct.book_id, p_kind, p_currency, p_amount, p_venue_ref, v_tx, v_inc, p_reason, p_ts);
    PERFORM ops._audit(v_acct.book_id, 'post_venue_transfer', p_account,
        jsonb_build_object('kind', p_kind, 'currency', p_currency, 'amount', p_amount, 'ts', p_ts,
                           'venue_ref', p_venue_ref, 'incident', p_incident, 'tx_seq', v_tx), p_reason);
    RETURN v_tx;
END
$$;

COMMENT ON FUNCTION api.post_venue_transfer(text, text, text, numeric, timestamptz, text, text, text) IS 'Operator: posts a deposit or withdrawal seen on the venue account (trading against external, and the principal memo), citing the open incident it corrects, while the book is halted and its reconciliation dirty; once per relayed venue reference; audited. PD011/PD012/PD013/PD015/PD016 (docs/errors.md).';
