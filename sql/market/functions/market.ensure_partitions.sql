-- market.ensure_partitions(p_from timestamptz, p_to timestamptz) -> integer (partitions created)
-- Creates the missing monthly range partitions market.candle_yYYYYmMM covering [p_from, p_to]. Each is
-- append-only like its parent: the row triggers are cloned from market.candle, but a statement-level
-- TRUNCATE trigger is not, so it is created here (sql/triggers/triggers.sql does the same for partitions
-- that exist at migrate time); and each is readable by predator_auditor like every other governed table
-- (sql/grants only reaches the tables that exist at migrate time).
-- Locking: nothing is locked when every month exists (the common case). Otherwise the creator takes SHARE
-- UPDATE EXCLUSIVE on market.candle (self-conflicting, so creators serialise, and it refreshes this
-- session's view of the catalog), builds each month as a table of its own (LIKE market.candle: columns,
-- NOT NULL, CHECKs) and ATTACHes it, which needs only that lock on the parent: concurrent readers and
-- loads of existing months are never blocked (CREATE TABLE ... PARTITION OF would hold ACCESS EXCLUSIVE
-- on market.candle until the load commits). ATTACH builds the partition's primary-key index.
-- PD012 for a range over 100 years (a caller bug). No-op when market.candle is a TimescaleDB hypertable.
CREATE OR REPLACE FUNCTION market.ensure_partitions(p_from timestamptz, p_to timestamptz)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_month   timestamptz;
    v_name    text;
    v_created integer := 0;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = 'market.candle'::regclass) THEN
        RETURN 0;
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RETURN 0;
    END IF;
    IF p_to - p_from > interval '100 years' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'candle partitions refused: the time range spans more than 100 years',
            DETAIL = format('from=%s to=%s', p_from, p_to),
            HINT = 'Candle open times are gated to [2009-01-03, clock]; check the caller.';
    END IF;
    v_month := date_trunc('month', p_from);
    WHILE v_month <= p_to AND to_regclass('market.candle_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM')) IS NOT NULL LOOP
        v_month := v_month + interval '1 month';
    END LOOP;
    IF v_month > p_to THEN
        RETURN 0;
    END IF;
    LOCK TABLE market.candle IN SHARE UPDATE EXCLUSIVE MODE;
    WHILE v_month <= p_to LOOP
        v_name := 'candle_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM');
        IF to_regclass('market.' || v_name) IS NULL THEN
            EXECUTE format('CREATE TABLE market.%I (LIKE market.candle INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
            EXECUTE format('ALTER TABLE market.candle ATTACH PARTITION market.%I FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_month, v_month + interval '1 month');
            EXECUTE format('CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.%I FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', v_name);
            EXECUTE format('GRANT SELECT ON market.%I TO predator_auditor', v_name);
            v_created := v_created + 1;
        END IF;
        v_month := v_month + interval '1 month';
    END LOOP;
    RETURN v_created;
END
$$;

COMMENT ON FUNCTION market.ensure_partitions(timestamptz, timestamptz) IS 'Creates missing monthly partitions of market.candle for [p_from, p_to] (built apart and attached, so readers and other loads are not blocked; TRUNCATE refused like the parent, readable by predator_auditor); returns how many were created. No-op on a TimescaleDB hypertable.';
