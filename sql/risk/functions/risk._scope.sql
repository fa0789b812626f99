-- risk._scope(p_scope text, p_target text) -> (scope_kind, scope_key, book_id)
-- Normalises a halt scope: global (no target: NULL, '' or '*'; any other target is refused, PD012, since a target
-- given without its scope would otherwise halt or resume everything), account (target = account name), lane (target =
-- paper|live_canary|live_promoted), strategy (target = 'account/strategy'). PD012/PD011 on bad input.
CREATE OR REPLACE FUNCTION risk._scope(p_scope text, p_target text)
RETURNS TABLE (scope_kind text, scope_key text, book_id integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_book integer;
BEGIN
    CASE p_scope
        WHEN 'global' THEN
            IF coalesce(btrim(p_target), '') NOT IN ('', '*') THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012',
                    MESSAGE = format('a global scope takes no target: %L names an account, a lane or a strategy', p_target),
                    HINT = 'Pass the scope with the target (account, lane or strategy), or leave the target out for a global halt or resume.';
            END IF;
            RETURN QUERY SELECT 'global'::text, '*'::text, 0;
        WHEN 'lane' THEN
            IF p_target NOT IN ('paper', 'live_canary', 'live_promoted') OR p_target IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown lane %L', p_target),
                    HINT = 'Lanes are paper, live_canary and live_promoted.';
            END IF;
            RETURN QUERY SELECT 'lane'::text, p_target, 0;
        WHEN 'account' THEN
            SELECT a.book_id INTO v_book FROM trading.account a WHERE a.name = p_target;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown account %L', p_target),
                    HINT = 'Pass the account name.';
            END IF;
            RETURN QUERY SELECT 'account'::text, p_target, v_book;
        WHEN 'strategy' THEN
            SELECT s.book_id INTO v_book FROM trading.strategy s JOIN trading.account a USING (book_id)
             WHERE a.name = split_part(p_target, '/', 1) AND s.strategy = substr(p_target, length(split_part(p_target, '/', 1)) + 2);
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L', p_target),
                    HINT = 'Pass account/strategy, for example paper1/trend.';
            END IF;
            RETURN QUERY SELECT 'strategy'::text, p_target, v_book;
        ELSE
            RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown halt scope %L', p_scope),
                HINT = 'Scopes are global, account, lane and strategy.';
    END CASE;
END
$$;

COMMENT ON FUNCTION risk._scope(text, text) IS 'Internal: validates and normalises a halt scope and target into (scope_kind, scope_key, book_id).';
