-- api.validation_checkpoint(p_account) -> (seq, range_to, resume_from, late_rows): zero or one row
-- Where `predator validate --account A --incremental` starts: the account's last checkpoint (the last
-- recorded validation run that passed and covered the book from its start or contiguously from the checkpoint
-- before it: api.validation_runs) and resume_from, the inclusive start of the next range: the checkpoint's
-- exclusive end range_to, or the business time of the earliest row appended to the book's chains since the
-- checkpoint's snapshot with a business time before range_to (late_rows of them). No row: the book has no
-- checkpoint (the first incremental run judges it from its start). PD011 unknown account. Auditor, worker
-- and operator (reads only).
CREATE OR REPLACE FUNCTION api.validation_checkpoint(p_account text)
RETURNS TABLE (seq bigint, range_to timestamptz, resume_from timestamptz, late_rows bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    RETURN QUERY SELECT r.seq, r.range_to, r.resume_from, r.late_rows
                   FROM ops._validation_resume((trading._account(p_account)).book_id) r;
END
$$;

COMMENT ON FUNCTION api.validation_checkpoint(text) IS 'The account''s last validation checkpoint (seq, exclusive range_to) and resume_from, where the next incremental validation starts (earlier than range_to when rows appended since carry an earlier business time; late_rows counts them). No row: no checkpoint. PD011 unknown account.';
