-- market.ensure_partitions(p_from timestamptz, p_to timestamptz) -> integer (partitions created)
-- Creates the missing monthly range partitions market.candle_yYYYYmMM covering [p_from, p_to].
-- No-op when market.candle is a TimescaleDB hypertable (not partitioned natively).
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
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -1);
    v_month := date_trunc('month', p_from);
    WHILE v_month <= p_to LOOP
        v_name := 'candle_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM');
        IF to_regclass('market.' || v_name) IS NULL THEN
            EXECUTE format('CREATE TABLE market.%I PARTITION OF market.candle FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_month, v_month + interval '1 month');
            v_created := v_created + 1;
        END IF;
        v_month := v_month + interval '1 month';
    END LOOP;
    RETURN v_created;
END
$$;

COMMENT ON FUNCTION market.ensure_partitions(timestamptz, timestamptz) IS 'Creates missing monthly partitions of market.candle for [p_from, p_to]; returns how many were created. No-op on a TimescaleDB hypertable.';
