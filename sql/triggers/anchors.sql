-- triggers/anchors.sql — the anchors, their keys and the keys' revocations (migration 0036) are append-only.
DO $anchors_append_only$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ops.chain_anchor', 'ops.anchor_key', 'ops.anchor_key_revocation'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s'
                       ' FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
    END LOOP;
END
$anchors_append_only$;
