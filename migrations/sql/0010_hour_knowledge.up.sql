-- 0010_hour_knowledge.up.sql — what each hour knew of the market, for paper and live on live data.
--
-- A run fed by the live sync (predator run --feed sync) decides on bars that arrive while it runs: a bar may
-- come late (a stalled feed) or be revised after it was used. The hash of an hour's inputs covers the bars
-- visible when the hour closed, and replay parity needs the replay to see exactly those. Loads of one feed
-- are serialised and numbered in commit order (api.load_candles takes the feed's advisory lock before it
-- draws its load_id), so "every load of the feed up to load_id N" names one state of the feed's knowledge.
-- portfolio.hour_knowledge records, per closed hour and traded symbol, that N (NULL: nothing loaded yet).
-- It is written by api.record_hour_knowledge in the transaction that closes the hour, which holds the feeds'
-- locks until it commits. Load ids differ between databases, so the table is outside every hash; a replay
-- reads it to feed its scratch database the loads in the order the original saw them.
SET LOCAL ROLE predator_owner;

CREATE TABLE portfolio.hour_knowledge (
    book_id integer NOT NULL REFERENCES trading.account (book_id),
    hour timestamptz NOT NULL,
    symbol text NOT NULL,
    "interval" text NOT NULL DEFAULT '1h',
    load_id bigint,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (book_id, hour, symbol, "interval"),
    CONSTRAINT hour_knowledge_hour_is_aligned CHECK (date_trunc('hour', hour) = hour),
    CONSTRAINT hour_knowledge_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    CONSTRAINT hour_knowledge_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE portfolio.hour_knowledge IS 'Append-only. Per hour of a run fed by the live sync and per traded symbol: the last load of the feed (market.candle_load.load_id, NULL when none) visible when the hour closed; the bars the hour decided on are the effective bars among the revisions loaded up to it. Outside every hash (load ids are per database); replay reads it.';
COMMENT ON COLUMN portfolio.hour_knowledge.hour IS 'Close time of the hour (UTC), as in portfolio.hourly_state.';
COMMENT ON COLUMN portfolio.hour_knowledge.load_id IS 'Highest load_id of the feed (venue of the account, symbol, interval) committed when the hour closed; NULL when nothing was loaded.';
COMMENT ON COLUMN portfolio.hour_knowledge.recorded_at IS 'Wall time of the write (never hashed).';
