-- 0003_market_data.down.sql — undoes 0003 and what the market-data procedures it brought changed in the
-- reference data of 0002:
--   * instruments written by api.upsert_instruments are put back as they were before the first change
--     recorded in ops.audit_log (seed values and source restored; instruments it inserted are removed), so
--     that 0002's down migration finds its seed rows again;
--   * a TimescaleDB hypertable market.candle (see the up migration) becomes natively partitioned again,
--     rows kept, and the extension is dropped when no hypertable is left (not exercised here);
--   * the indexes go.
-- Runs as the migration's superuser; append-only triggers must not fire while it unwinds.
SET LOCAL session_replication_role = replica;

DO $instruments$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT ON (a.target, c.value ->> 'symbol')
               a.target AS venue, c.value ->> 'symbol' AS symbol, c.value ->> 'action' AS action, c.value -> 'old' AS old
          FROM ops.audit_log a
         CROSS JOIN LATERAL jsonb_array_elements(a.args -> 'changes') c
         WHERE a.action = 'upsert_instruments'
         ORDER BY a.target, c.value ->> 'symbol', a.recorded_at, a.seq
    LOOP
        IF r.action = 'inserted' THEN
            DELETE FROM market.instrument i WHERE i.venue = r.venue AND i.symbol = r.symbol;
        ELSE
            UPDATE market.instrument i
               SET tick_size = (r.old ->> 'tick_size')::numeric, step_size = (r.old ->> 'step_size')::numeric,
                   min_qty = (r.old ->> 'min_qty')::numeric, min_notional = (r.old ->> 'min_notional')::numeric,
                   source = r.old ->> 'source', updated_at = (r.old ->> 'updated_at')::timestamptz
             WHERE i.venue = r.venue AND i.symbol = r.symbol;
        END IF;
    END LOOP;
END
$instruments$;

DO $timescale$
DECLARE
    v_month timestamptz;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = 'market.candle'::regclass)
       OR NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') THEN
        RETURN;
    END IF;
    SET LOCAL ROLE predator_owner;
    ALTER TABLE market.candle RENAME TO candle_hypertable;
    ALTER TABLE market.candle_hypertable RENAME CONSTRAINT candle_pk TO candle_hypertable_pk;
    CREATE TABLE market.candle (LIKE market.candle_hypertable INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)
        PARTITION BY RANGE (ts);
    ALTER TABLE market.candle ADD CONSTRAINT candle_pk PRIMARY KEY (venue, symbol, interval, ts, revision);
    FOR v_month IN SELECT DISTINCT date_trunc('month', c.ts, 'UTC') FROM market.candle_hypertable c LOOP
        EXECUTE format('CREATE TABLE market.%I PARTITION OF market.candle FOR VALUES FROM (%L) TO (%L)',
                       'candle_y' || to_char(v_month AT TIME ZONE 'UTC', 'YYYY') || 'm' || to_char(v_month AT TIME ZONE 'UTC', 'MM'),
                       v_month, v_month + interval '1 month');
    END LOOP;
    INSERT INTO market.candle SELECT * FROM market.candle_hypertable;
    DROP TABLE market.candle_hypertable;
    COMMENT ON TABLE market.candle IS 'OHLCV bars keyed by (venue, symbol, interval, open time ts UTC); prices in quote currency, volume in base. Append-only: a revised bar is a new revision with evidence in market.candle_correction. Monthly range partitions are created on demand.';
    RESET ROLE;
    IF NOT EXISTS (SELECT FROM timescaledb_information.hypertables) THEN
        DROP EXTENSION IF EXISTS timescaledb;
    END IF;
END
$timescale$;

SET LOCAL ROLE predator_owner;
DROP INDEX IF EXISTS market.candle_load_feed_idx;
DROP INDEX IF EXISTS market.candle_quarantine_feed_ts_idx;
