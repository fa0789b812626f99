-- triggers/worker_health.sql — the worker's reports (migration 0028) are append-only.
DO $worker_health_append_only$
BEGIN
    CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON ops.worker_health
        FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();
    CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.worker_health
        FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();
END
$worker_health_append_only$;
