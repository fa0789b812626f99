-- ops.tg_append_only__refuse() — BEFORE UPDATE/DELETE (row) and BEFORE TRUNCATE (statement) trigger.
-- Raises PD001: append-only tables accept corrections only as new rows.
CREATE OR REPLACE FUNCTION ops.tg_append_only__refuse()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'PD001',
        MESSAGE = format('%s on %I.%I refused: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
        HINT    = 'Record a new row that references the one it corrects.';
END
$$;

COMMENT ON FUNCTION ops.tg_append_only__refuse() IS 'Refuses UPDATE, DELETE and TRUNCATE on append-only tables with SQLSTATE PD001.';
