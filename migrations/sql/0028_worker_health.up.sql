-- 0028_worker_health.up.sql — the worker's resident memory and the memory-growth breaker (issue 14, seed 001
-- C2: a worker that leaks memory must be noticed, and the database, not the worker, decides what to do).
--
-- * ops.worker_health: what a worker reported about its own process at an hour's close (api.record_worker_health):
--   its resident memory (RSS, kB), its pid and free-form detail. Append-only, not chained: the report describes
--   the process, not the book (a replay's worker reports its own memory), so it is no input of an hour's hashes.
-- * the worker_rss_mb breaker: the reported RSS in MB against the threshold; shipped at 4096 MB, account scope,
--   for every lane. In the paper lane a trip pauses the book's entries (risk state reducing, severity-2
--   infrastructure incident) until breaker_clear_hours hours of reports below breaker_clear_pct of the
--   threshold; in the live lanes it halts globally, like every breaker (docs/risk.md).
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.worker_health (
    book_id     integer     NOT NULL REFERENCES trading.account,
    seq         bigint      NOT NULL CONSTRAINT worker_health_seq_is_positive CHECK (seq > 0),
    ts          timestamptz NOT NULL
        CONSTRAINT worker_health_ts_is_finite CHECK (ts > '-infinity' AND ts < 'infinity'),
    rss_kb      bigint      NOT NULL CONSTRAINT worker_health_rss_is_non_negative CHECK (rss_kb >= 0),
    pid         integer     CONSTRAINT worker_health_pid_is_positive CHECK (pid > 0),
    detail      jsonb       NOT NULL DEFAULT '{}',
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT worker_health_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT worker_health_pk PRIMARY KEY (book_id, seq)
);
CREATE INDEX worker_health_ts_idx ON ops.worker_health (book_id, ts);
COMMENT ON TABLE ops.worker_health IS 'What a worker reported about its own process at an hour''s close (api.record_worker_health): resident memory (kB), pid, detail; the input of the worker_rss_mb breaker. Append-only; not chained (it describes the process, not the book).';

INSERT INTO risk.breaker_kind (breaker, unit, description) VALUES
    ('worker_rss_mb', 'MB', 'Resident memory of the worker process as it reports it at each hour''s close (api.record_worker_health): a memory leak (seed 001 C2)');

INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
SELECT l.lane, '*', 'worker_rss_mb', 1, 4096, 1, 1, 'account', 'shipped default', 'migration'
  FROM (VALUES ('paper'), ('live_canary'), ('live_promoted')) l(lane);
