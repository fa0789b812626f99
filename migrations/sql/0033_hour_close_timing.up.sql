-- 0033_hour_close_timing.up.sql — how long each hour close took (issue 16 item 6, seed 002 §4.3: the hour-close
-- duration metric; nothing recorded it before).
--
-- * ops.hour_close_timing: one row per hour api.close_hour actually closed (not for an idempotent repeat): the wall
--   time the call started (clock_timestamp() on entry) and finished (after the risk evaluation, the breakers and the
--   treasury). Written by api.close_hour itself, so the duration covers the whole governed close and nothing the
--   worker does around it. Append-only; not chained and no input of any hash: it describes this server's speed, not
--   the book (a replay's close takes its own time), like ops.worker_health. Read through api.hour_closes.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.hour_close_timing (
    book_id     integer     NOT NULL REFERENCES trading.account,
    hour        timestamptz NOT NULL
        CONSTRAINT hour_close_timing_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    started_at  timestamptz NOT NULL
        CONSTRAINT hour_close_timing_started_at_is_finite CHECK (started_at > '-infinity' AND started_at < 'infinity'),
    finished_at timestamptz NOT NULL
        CONSTRAINT hour_close_timing_finished_at_is_finite CHECK (finished_at > '-infinity' AND finished_at < 'infinity'),
    CONSTRAINT hour_close_timing_pk PRIMARY KEY (book_id, hour),
    CONSTRAINT hour_close_finishes_after_it_starts CHECK (finished_at >= started_at)
);
COMMENT ON TABLE ops.hour_close_timing IS 'Wall-clock start and end of every hour api.close_hour closed (an idempotent repeat writes none): the hour-close duration metric. Append-only; not chained, no input of any hash (it describes the server, not the book).';
