-- api.pair_shadow(p_shadow, p_reference, p_reason) -> integer (the shadow's book id)
-- Operator. Pairs a shadow account with the reference account its decisions are compared with every hour
-- (api.compare_shadow): a paper account on the same data, or the live account it shadows. Once per shadow
-- account, for good; audited. PD011 unknown account; PD012 the shadow account's mode is not 'shadow', the two
-- are the same account or trade different venues, the shadow is already paired, or no reason is given.
-- Tables written: risk.shadow_pair, ops.audit_log.
CREATE OR REPLACE FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_shadow trading.account := trading._account(p_shadow);
    v_ref    trading.account := trading._account(p_reference);
BEGIN
    IF v_shadow.mode <> 'shadow' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: account %s is in mode %s, not shadow', p_shadow, v_shadow.mode),
            HINT = 'Create the account with mode shadow (predator run --mode shadow) and pair it then.';
    END IF;
    IF v_shadow.book_id = v_ref.book_id OR v_shadow.venue <> v_ref.venue THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: %s and %s must be two accounts on one venue', p_shadow, p_reference),
            HINT = 'Pair the shadow with the paper or live account that trades the same venue and data.';
    END IF;
    IF EXISTS (SELECT FROM risk.shadow_pair p WHERE p.shadow_book_id = v_shadow.book_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: %s is already paired', p_shadow),
            HINT = 'A pairing is for good: start a new shadow account to compare with another reference.';
    END IF;
    PERFORM ops._audit(v_shadow.book_id, 'pair_shadow', p_shadow || '/' || p_reference,
                       jsonb_build_object('reference', p_reference), p_reason);
    INSERT INTO risk.shadow_pair (shadow_book_id, reference_book_id, reason, actor)
    VALUES (v_shadow.book_id, v_ref.book_id, p_reason, ops.actor());
    RETURN v_shadow.book_id;
END
$$;

COMMENT ON FUNCTION api.pair_shadow(text, text, text) IS 'Operator: pairs a shadow account with the reference account (paper or live, same venue) its decisions are compared with every hour; once, audited. PD011, PD012.';
