-- 0003_market_data.up.sql — market data (issue 3): indexes for feed status and quarantine look-ups, and
-- the TimescaleDB guard.
--
-- TimescaleDB guard: when the timescaledb extension is installed on the server AND preloaded
-- (shared_preload_libraries; CREATE EXTENSION fails otherwise) AND market.candle holds no row yet, the
-- natively partitioned market.candle is rebuilt as a plain table of the same definition (columns,
-- defaults, CHECKs, comments, the primary key candle_pk) and made a hypertable with monthly chunks on ts
-- (create_hypertable cannot convert a declaratively partitioned table). Without the extension nothing
-- changes and the project runs on native monthly partitions (market.ensure_partitions, a no-op on a
-- hypertable). Triggers and grants are re-applied by the definitions under sql/ after this migration.
-- This branch was written from the TimescaleDB documentation and has not been exercised here (no
-- timescaledb on the development server).
-- Runs as the migration's superuser (CREATE EXTENSION needs it), the tables as predator_owner.

DO $timescale$
DECLARE
    v_schema text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb')
       OR coalesce(current_setting('shared_preload_libraries', true), '') !~ '(^|[ ,])timescaledb([ ,]|$)'
       OR EXISTS (SELECT FROM market.candle LIMIT 1) THEN
        RAISE NOTICE 'market.candle keeps native monthly partitions (timescaledb not available and preloaded, or candles already stored)';
        RETURN;
    END IF;
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    SELECT e.extnamespace::regnamespace::text INTO v_schema FROM pg_catalog.pg_extension e WHERE e.extname = 'timescaledb';

    SET LOCAL ROLE predator_owner;
    ALTER TABLE market.candle RENAME TO candle_native;
    CREATE TABLE market.candle (LIKE market.candle_native INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS);
    ALTER TABLE market.candle ADD CONSTRAINT candle_pk PRIMARY KEY (venue, symbol, interval, ts, revision);
    DROP TABLE market.candle_native;  -- empty; its partitions go with it
    RESET ROLE;
    -- The pre-2.13 signature, still supported by later releases: monthly chunks on the open time.
    EXECUTE format('SELECT %I.create_hypertable(%L::regclass, %L::name, chunk_time_interval => interval %L)',
                   v_schema, 'market.candle', 'ts', '1 month');
    EXECUTE 'ALTER TABLE market.candle OWNER TO predator_owner';
    COMMENT ON TABLE market.candle IS 'OHLCV bars keyed by (venue, symbol, interval, open time ts UTC); prices in quote currency, volume in base. Append-only: a revised bar is a new revision with evidence in market.candle_correction. A TimescaleDB hypertable with monthly chunks.';
END
$timescale$;

SET LOCAL ROLE predator_owner;

-- Feed status and admission look up quarantine evidence per feed and open time.
CREATE INDEX candle_quarantine_feed_ts_idx ON market.candle_quarantine (venue, symbol, interval, ts);

-- The distinct feeds (a skip scan) and each feed's latest load.
CREATE INDEX candle_load_feed_idx ON market.candle_load (venue, symbol, interval, load_id);
