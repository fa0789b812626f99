-- risk._window_hours(p_book_id, p_breaker) -> interval
-- The look-back window of a breaker for an account (1 hour when the breaker has no setting).
CREATE OR REPLACE FUNCTION risk._window_hours(p_book_id integer, p_breaker text)
RETURNS interval
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account;
    v_hours integer;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT b.window_hours INTO v_hours FROM risk._breaker(v_acct.lane, v_acct.name, p_breaker) b;
    RETURN make_interval(hours => coalesce(v_hours, 1));
END
$$;

COMMENT ON FUNCTION risk._window_hours(integer, text) IS 'Internal: look-back window of a breaker for an account.';
