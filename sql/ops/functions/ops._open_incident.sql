-- ops._open_incident(p_book_id, p_severity, p_category, p_scope, p_title, p_description, p_links, p_ts, p_source)
--   -> bigint (incident seq within the book; book 0 for incidents that span books)
-- Appends an incident. p_links: {"orders": [...], "hours": [...], "reconciliation": {"ts": …, "kind": …}, "gates": [...]}.
CREATE OR REPLACE FUNCTION ops._open_incident(
    p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text,
    p_links jsonb, p_ts timestamptz, p_source text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO ops.incident (book_id, severity, category, scope, title, description, links, source, actor, ts)
    VALUES (coalesce(p_book_id, 0), p_severity, p_category, p_scope, p_title, p_description, coalesce(p_links, '{}'),
            p_source, CASE p_source WHEN 'system' THEN 'system' ELSE ops.actor() END, p_ts)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION ops._open_incident(integer, integer, text, text, text, text, jsonb, timestamptz, text) IS 'Internal: appends an incident (severity 1..3, category, scope, links) and returns its seq in the book.';
