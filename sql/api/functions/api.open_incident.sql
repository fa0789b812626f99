-- api.open_incident(p_severity, p_category, p_title, p_description, p_reason, p_account, p_links) -> text (INC-<book>-<seq>)
-- Operator. Opens an incident by hand (severity 1..3; category data, model, execution, risk,
-- infrastructure), for an account or for every book (p_account NULL). Audited.
CREATE OR REPLACE FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text,
                                             p_reason text, p_account text DEFAULT NULL, p_links jsonb DEFAULT '{}')
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book integer := 0;
    v_seq  bigint;
BEGIN
    IF p_account IS NOT NULL THEN
        v_book := (trading._account(p_account)).book_id;
    END IF;
    IF p_severity NOT BETWEEN 1 AND 3 OR p_category NOT IN ('data', 'model', 'execution', 'risk', 'infrastructure')
       OR coalesce(btrim(p_title), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'incident refused: severity 1..3, a known category and a title are required',
            DETAIL = format('severity=%s category=%s', p_severity, p_category),
            HINT = 'Categories: data, model, execution, risk, infrastructure.';
    END IF;
    PERFORM ops._audit(v_book, 'open_incident', coalesce(p_account, '*'),
                       jsonb_build_object('severity', p_severity, 'category', p_category, 'title', p_title), p_reason);
    v_seq := ops._open_incident(v_book, p_severity, p_category, CASE WHEN p_account IS NULL THEN 'global' ELSE 'account:' || p_account END,
                                p_title, p_description, p_links, NULL, 'operator');
    RETURN 'INC-' || v_book || '-' || v_seq;
END
$$;

COMMENT ON FUNCTION api.open_incident(integer, text, text, text, text, text, jsonb) IS 'Operator: opens an incident (severity 1..3, category, title, description, links) for an account or every book; returns INC-<book>-<seq>. Audited.';
