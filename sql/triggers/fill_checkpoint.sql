-- triggers/fill_checkpoint.sql — the fill checkpoints (migration 0045) are append-only.
DO $fill_checkpoint_append_only$
BEGIN
    CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON risk.fill_checkpoint
        FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();
    CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.fill_checkpoint
        FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();
    CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON risk.fill_checkpoint_total
        FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();
    CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.fill_checkpoint_total
        FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();
END
$fill_checkpoint_append_only$;
