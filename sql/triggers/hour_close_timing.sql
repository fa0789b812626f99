-- triggers/hour_close_timing.sql — the hour-close timings (migration 0033) are append-only.
DO $hour_close_timing_append_only$
BEGIN
    CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON ops.hour_close_timing
        FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();
    CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.hour_close_timing
        FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();
END
$hour_close_timing_append_only$;
