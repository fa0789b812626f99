-- 0005_exposures_in_state.up.sql — exposures become part of the hourly state row.
-- Writing one chained row per instrument, cluster and quote currency every hour cost more than the rest
-- of the hour's close; the same figures now live in portfolio.hourly_state.exposures (covered by the
-- row's hash) and api.exposures presents them as rows. The column is nullable and existing rows keep
-- NULL: the canonical row encoding drops null fields, so no existing row hash changes. The old table is
-- dropped only when it holds no rows (a database that wrote some keeps them, unchanged, for its audit).
-- Also indexes the chain heads by book.
SET LOCAL ROLE predator_owner;

ALTER TABLE portfolio.hourly_state ADD COLUMN exposures jsonb;
COMMENT ON COLUMN portfolio.hourly_state.exposures IS 'Exposure at the close by instrument, cluster and quote currency: a JSON array of {kind, key, quantity, mark, notional (base currency, at mark), exposure (fraction of equity)}; NULL on rows written before migration 0005.';
DO $legacy$
BEGIN
    IF NOT EXISTS (SELECT FROM portfolio.hourly_exposure) THEN
        DROP TABLE portfolio.hourly_exposure;
        DELETE FROM ops.chain_head WHERE chain LIKE 'portfolio.hourly_exposure:%';
    ELSE
        RAISE NOTICE 'portfolio.hourly_exposure holds rows: kept as a read-only record (no longer written)';
    END IF;
END
$legacy$;
CREATE INDEX chain_head_book_idx ON ops.chain_head (book_id);
