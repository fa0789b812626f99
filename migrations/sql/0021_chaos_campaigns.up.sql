-- 0021_chaos_campaigns.up.sql — chaos campaigns (issue 14 items 4 and 5).
--
-- * ops.chaos_campaign: one row per campaign run (predator chaos run; campaign_id 1, 2, ... assigned by the
--   recording routine under a table lock, no sequence): campaign number, seed, days, the account
--   it traded, its schedule's digest, the business hours it covered, what the supervisor counted (worker
--   starts and SIGKILLs, database immediate stops, operator resumes, failed gate and chain checks), when
--   liveness was reached, replay parity and the verdict. Append-only.
-- * ops.chaos_fault: each scheduled fault of a campaign and what became of it (carried out, applied by the
--   worker, missed). Append-only.
-- Both are written only by api.record_chaos_campaign (operator, audited); the metrics that the database can
-- compute itself (uptime, kills, recovery times, drawdown per pool, mismatches) are in api.chaos_metrics.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.chaos_campaign (
    campaign_id      bigint      PRIMARY KEY CONSTRAINT chaos_campaign_id_is_positive CHECK (campaign_id > 0),
    campaign         integer     NOT NULL CONSTRAINT chaos_campaign_is_known CHECK (campaign BETWEEN 1 AND 4),
    seed             bigint      NOT NULL,
    days             integer     NOT NULL CONSTRAINT chaos_campaign_days_positive CHECK (days > 0),
    book_id          integer     NOT NULL,
    schedule_digest  text        NOT NULL CONSTRAINT chaos_campaign_digest_is_sha256 CHECK (schedule_digest ~ '^[0-9a-f]{64}$'),
    first_hour       timestamptz NOT NULL
        CONSTRAINT chaos_campaign_first_hour_is_finite CHECK (first_hour > '-infinity' AND first_hour < 'infinity'),
    last_hour        timestamptz NOT NULL
        CONSTRAINT chaos_campaign_last_hour_is_finite CHECK (last_hour > '-infinity' AND last_hour < 'infinity'),
    faults_end_hour  timestamptz NOT NULL
        CONSTRAINT chaos_campaign_faults_end_hour_is_finite CHECK (faults_end_hour > '-infinity' AND faults_end_hour < 'infinity'),
    worker_starts    integer     NOT NULL CHECK (worker_starts >= 0),
    worker_kills     integer     NOT NULL CHECK (worker_kills >= 0),
    db_stops         integer     NOT NULL CHECK (db_stops >= 0),
    operator_resumes integer     NOT NULL CHECK (operator_resumes >= 0),
    failed_gate_checks  integer  NOT NULL CHECK (failed_gate_checks >= 0),
    failed_chain_checks integer  NOT NULL CHECK (failed_chain_checks >= 0),
    segments         integer     NOT NULL CHECK (segments >= 0),
    liveness_hour    timestamptz
        CONSTRAINT chaos_campaign_liveness_hour_is_finite CHECK (liveness_hour > '-infinity' AND liveness_hour < 'infinity'),
    replay_parity    boolean,
    passed           boolean     NOT NULL,
    failures         jsonb       NOT NULL DEFAULT '[]',
    wall_seconds     numeric     NOT NULL
        CONSTRAINT chaos_campaign_wall_seconds_is_finite CHECK (wall_seconds > '-Infinity' AND wall_seconds < 'Infinity')
        CONSTRAINT chaos_campaign_wall_seconds_not_negative CHECK (wall_seconds >= 0),
    actor            text        NOT NULL DEFAULT session_user,
    recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT chaos_campaign_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT chaos_campaign_hours_ordered CHECK (first_hour <= last_hour)
);
COMMENT ON TABLE ops.chaos_campaign IS 'One chaos campaign run (predator chaos run): campaign 1..4, seed, days, the book it traded, its fault schedule digest, the hours it covered and where its faults ended, what the supervisor counted (worker starts, SIGKILLs, PostgreSQL immediate stops, operator resumes, failed gate and chain checks), liveness, replay parity and verdict. Append-only; written by api.record_chaos_campaign.';
COMMENT ON COLUMN ops.chaos_campaign.faults_end_hour IS 'First hour of the liveness phase (no fault from there on).';
COMMENT ON COLUMN ops.chaos_campaign.liveness_hour IS 'End of the first segment after the faults at which the book was reconciled, within caps (every gate passed) and every halt explained by an incident; NULL: never within the campaign.';
COMMENT ON COLUMN ops.chaos_campaign.failed_gate_checks IS 'Segments after which a validation gate returned violations (state corruption).';
COMMENT ON COLUMN ops.chaos_campaign.failed_chain_checks IS 'Segments after which a hash chain did not verify (state corruption).';

CREATE TABLE ops.chaos_fault (
    campaign_id bigint      NOT NULL REFERENCES ops.chaos_campaign,
    seq         integer     NOT NULL CHECK (seq > 0),
    hour        timestamptz NOT NULL CONSTRAINT chaos_fault_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    layer       text        NOT NULL CONSTRAINT chaos_fault_layer_is_known CHECK (layer IN ('venue', 'worker', 'postgres', 'decision')),
    kind        text        NOT NULL,
    params      jsonb       NOT NULL DEFAULT '{}',
    outcome     text        NOT NULL,
    recovery_seconds numeric NOT NULL DEFAULT 0
        CONSTRAINT chaos_fault_recovery_seconds_is_finite CHECK (recovery_seconds > '-Infinity' AND recovery_seconds < 'Infinity')
        CONSTRAINT chaos_fault_recovery_seconds_not_negative CHECK (recovery_seconds >= 0),
    CONSTRAINT chaos_fault_pk PRIMARY KEY (campaign_id, seq)
);
COMMENT ON TABLE ops.chaos_fault IS 'Each fault a chaos campaign scheduled: business hour, layer (venue, worker, postgres, decision), kind, parameters, and what became of it (outcome; missed when the worker had already finished the hour). Append-only; written by api.record_chaos_campaign.';
-- Append-only: sql/triggers/chaos.sql.
