-- 0005_exposures_in_state.down.sql — back to one row per exposure (no rows are re-created).
SET LOCAL ROLE predator_owner;
DROP INDEX IF EXISTS ops.chain_head_book_idx;
CREATE TABLE IF NOT EXISTS portfolio.hourly_exposure (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL,
    hour        timestamptz NOT NULL,
    kind        text        NOT NULL CONSTRAINT exposure_kind_is_known CHECK (kind IN ('instrument', 'cluster', 'quote')),
    key         text        NOT NULL,
    quantity    numeric,
    mark        numeric,
    notional    numeric     NOT NULL,
    exposure    numeric     NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT hourly_exposure_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT hourly_exposure_is_unique UNIQUE (book_id, hour, kind, key)
);
ALTER TABLE portfolio.hourly_state DROP COLUMN exposures;
