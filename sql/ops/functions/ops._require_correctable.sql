-- ops._require_correctable(p_routine, p_acct, p_incident, p_ts) -> bigint (the incident's seq)
-- The preconditions of a book correction (api.post_venue_transfer, api.void_fill; docs/live.md "Corrections"),
-- checked under the book's lock, in this order:
--   * p_ts after the book's last closed hour (PD013): a correction never rewrites what a closed hour counted;
--   * p_incident names an incident of this book, INC-<book>-<seq> (PD012 malformed, PD011 unknown or another
--     book's), not resolved (PD016);
--   * a halt covering the book is in force (global, its lane or the account; PD016): the book is corrected
--     while nothing trades;
--   * the book's latest reconciliation is dirty (PD016): a correction brings the book to the venue's truth, and
--     a clean comparison leaves nothing to correct.
CREATE OR REPLACE FUNCTION ops._require_correctable(p_routine text, p_acct trading.account, p_incident text,
                                                   p_ts timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_last  timestamptz;
    v_seq   bigint;
    v_clean boolean;
BEGIN
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = p_acct.book_id;
    IF v_last IS NOT NULL AND p_ts <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('%s refused: time %s is not after the last closed hour %s', p_routine, p_ts, v_last),
            DETAIL = format('account=%s ts=%s last_closed=%s', p_acct.name, p_ts, v_last),
            HINT = 'A correction is booked after the last closed hour (what closed hours counted is never rewritten); the venue''s own time goes in the reason.';
    END IF;
    IF p_incident IS NULL OR p_incident !~ '^INC-[0-9]+-[0-9]+$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: incident %L is not INC-<book>-<seq>', p_routine, p_incident),
            HINT = 'Cite the incident the correction answers (predator incidents, api.incidents).';
    END IF;
    v_seq := split_part(p_incident, '-', 3)::bigint;
    IF split_part(p_incident, '-', 2)::integer <> p_acct.book_id
       OR NOT EXISTS (SELECT FROM ops.incident i WHERE i.book_id = p_acct.book_id AND i.seq = v_seq) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('%s refused: %s is not an incident of account %s', p_routine, p_incident, p_acct.name),
            HINT = 'Cite an incident of the corrected book (api.incidents).';
    END IF;
    IF EXISTS (SELECT FROM ops.incident_update u WHERE u.book_id = p_acct.book_id AND u.incident_seq = v_seq
                  AND u.action = 'resolved') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('%s refused: incident %s is resolved', p_routine, p_incident),
            HINT = 'Correct the book before resolving the incident that reported the difference; open a new incident for a new problem.';
    END IF;
    IF cardinality(risk._active_halts(p_acct.name, p_acct.lane, NULL)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('%s refused: account %s is not halted', p_routine, p_acct.name),
            DETAIL = format('account=%s lane=%s', p_acct.name, p_acct.lane),
            HINT = 'Corrections are made while nothing trades: halt the account (api.halt) first.';
    END IF;
    SELECT r.clean INTO v_clean FROM ops.reconciliation r WHERE r.book_id = p_acct.book_id ORDER BY r.seq DESC LIMIT 1;
    IF coalesce(v_clean, true) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016',
            MESSAGE = format('%s refused: the latest reconciliation of %s is %s', p_routine, p_acct.name,
                             CASE WHEN v_clean IS NULL THEN 'missing' ELSE 'clean' END),
            HINT = 'A correction brings the book to the venue''s truth: it answers the differences of a dirty reconciliation (api.reconciliations).';
    END IF;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION ops._require_correctable(text, trading.account, text, timestamptz) IS 'Preconditions of a book correction: after the last closed hour (PD013), citing an open incident of the book (PD012/PD011/PD016), the book halted and its latest reconciliation dirty (PD016). Returns the incident seq.';
