-- triggers/chaos.sql — the chaos campaign tables (migration 0021) are append-only.
DO $chaos_append_only$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ops.chaos_campaign', 'ops.chaos_fault'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
    END LOOP;
END
$chaos_append_only$;
