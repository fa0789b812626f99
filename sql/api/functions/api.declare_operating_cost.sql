-- api.declare_operating_cost(p_account, p_name, p_amount, p_currency, p_period, p_effective_from, p_reason)
--   -> integer (revision)
-- Operator. Declares a recurring operating cost of a book (infrastructure, data, an API subscription), or
-- changes one: a new revision of ledger.operating_cost in force from business hour p_effective_from; audited.
-- The hour close accrues it hour by hour at business time (docs/treasury.md), so a replay posts the same.
-- Refusals: PD012 a non-finite, negative or missing amount (first thing), an unknown period (day, week, month,
-- year), a name that is not an identifier, an effective time not on the hour, a currency other than the book's
-- reporting currency, no reason; PD011 an unknown account or currency; PD015 an infinite or future business
-- time; PD013 an effective time before the book's last closed hour (accruals already posted are never
-- rewritten).
CREATE OR REPLACE FUNCTION api.declare_operating_cost(
    p_account text, p_name text, p_amount numeric, p_currency text, p_period text,
    p_effective_from timestamptz, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_rev  integer;
    v_last timestamptz;
BEGIN
    PERFORM ops._require_finite('api.declare_operating_cost', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.declare_operating_cost', ARRAY['p_effective_from'], ARRAY[p_effective_from]);
    v_acct := trading._account(p_account);
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: amount %s is not a non-negative number', p_name, p_amount),
            DETAIL = format('account=%s name=%s amount=%s', p_account, p_name, p_amount),
            HINT = 'Declare the amount per period; end a cost with api.end_operating_cost.';
    END IF;
    IF p_period IS NULL OR p_period NOT IN ('day', 'week', 'month', 'year') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: unknown period %L', p_name, p_period),
            DETAIL = format('account=%s name=%s period=%s', p_account, p_name, p_period),
            HINT = 'Periods: day, week, month (calendar month, UTC), year (calendar year, UTC).';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost refused: name %L is not an identifier', p_name),
            DETAIL = format('account=%s name=%s', p_account, p_name),
            HINT = 'Lower-case letters, digits, _ . -; for example infrastructure.';
    END IF;
    IF p_effective_from IS NULL OR date_trunc('hour', p_effective_from) <> p_effective_from THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: %s is not a whole hour', p_name, p_effective_from),
            DETAIL = format('account=%s name=%s effective_from=%s', p_account, p_name, p_effective_from),
            HINT = 'Costs accrue hour by hour; a declaration takes effect at the start of an hour.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('operating cost %s refused: unknown currency %L', p_name, p_currency),
            DETAIL = format('account=%s currency=%s', p_account, p_currency), HINT = 'See api.assets.';
    END IF;
    IF p_currency <> v_acct.base_currency THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: currency %s is not the book''s reporting currency %s', p_name, p_currency, v_acct.base_currency),
            DETAIL = format('account=%s currency=%s reporting=%s', p_account, p_currency, v_acct.base_currency),
            HINT = 'Declare the cost in the reporting currency (costs in another currency are not built yet, docs/treasury.md).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id;
    IF v_last IS NOT NULL AND p_effective_from <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('operating cost %s refused: effective %s is not after the last closed hour %s', p_name, p_effective_from, v_last),
            DETAIL = format('account=%s effective_from=%s last_closed=%s', p_account, p_effective_from, v_last),
            HINT = 'Accruals already posted are never rewritten: declare the change from a later hour.';
    END IF;
    SELECT coalesce(max(o.revision), 0) + 1 INTO v_rev FROM ledger.operating_cost o WHERE o.book_id = v_acct.book_id AND o.name = p_name;
    PERFORM ops._audit(v_acct.book_id, 'declare_operating_cost', p_account || '/' || p_name,
        jsonb_build_object('name', p_name, 'amount', p_amount, 'currency', p_currency, 'period', p_period,
                           'effective_from', p_effective_from, 'revision', v_rev), p_reason);
    INSERT INTO ledger.operating_cost (book_id, name, revision, active, amount, currency, period, effective_from, reason, actor)
    VALUES (v_acct.book_id, p_name, v_rev, true, p_amount, p_currency, p_period, p_effective_from, p_reason, ops.actor());
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.declare_operating_cost(text, text, numeric, text, text, timestamptz, text) IS 'Operator: declares or changes a recurring operating cost (amount per day, week, calendar month or year, in the reporting currency) from a business hour after the last closed one; a new audited revision, accrued by the hour close. PD011 unknown account or currency, PD012 bad amount, period, name, hour, currency or no reason, PD013 an hour already closed, PD015 future time.';
