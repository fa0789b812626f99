-- ops._report_period(p_caller, p_account, p_from, p_to) -> void
-- Internal helper of the period reads (api.execution_quality, api.venue_errors, api.reconciliation_status,
-- api.balance_changes, api.limit_breaches): PD011 when p_account is given and unknown; PD012 when a bound is NULL
-- or p_from is after p_to. Infinite bounds are allowed (everything before or after).
CREATE OR REPLACE FUNCTION ops._report_period(p_caller text, p_account text, p_from timestamptz, p_to timestamptz)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_account IS NOT NULL THEN
        PERFORM trading._account(p_account);
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: the period must run from p_from to p_to', p_caller),
            DETAIL = format('p_from=%s p_to=%s', p_from, p_to),
            HINT = 'Give both bounds with p_from <= p_to (''-infinity'' / ''infinity'' for an open end).';
    END IF;
END
$$;

COMMENT ON FUNCTION ops._report_period(text, text, timestamptz, timestamptz) IS 'Internal: checks the account and period of a period read (PD011 unknown account, PD012 a NULL bound or p_from after p_to).';
