-- 0030_alerts.up.sql — the alerts outbox (issue 16 item 5): what an operator must hear about, written in the
-- transaction that made it happen, and the notifier's record of every delivery attempt.
--
-- * ops.alert_outbox: one row per alertable event, appended by AFTER INSERT triggers (sql/triggers/alerts.sql,
--   function ops.tg_alert__enqueue) on the tables that record it: risk.halt_event (halts and resumes at every
--   scope), ops.audit_log (the kill switch), risk.breaker_trip (breakers; the feed breakers as stale_feed),
--   risk.state_event (risk breaches: daily-loss stop, drawdown halt tier, treasury deficit, a strategy's reduce
--   tiers), ops.venue_transfer (withdrawals), ops.reconciliation (a reconciliation turning dirty) and
--   portfolio.treasury_status (a rolling surplus turning negative). A rolled-back event leaves no alert. Not
--   chained and outside every hash: an alert describes an event, it is no input of the book (a replay's
--   scratch database gets its own rows, which nobody delivers).
-- * ops.alert_attempt: every delivery attempt of an alert on a channel of the notifier (api.record_alert_attempt):
--   delivered, retry, failed (the last attempt allowed by alert_max_attempts) or deduplicated (the same dedup key
--   was delivered on that channel within alert_dedup_window_seconds). Errors are stored masked.
-- * settings (ops.setting, api.set_setting): alert_dedup_window_seconds (900), alert_rate_limit_per_minute (20,
--   per channel), alert_max_attempts (5).
-- * the notifier's roles: predator_notifier (NOLOGIN group: EXECUTE on api.alerts_pending and
--   api.record_alert_attempt, nothing else) and predator_notifier_login, its member, like the logins of 0008.
-- Both tables are append-only (PD001).

-- Roles (cluster-wide; another database may be migrating at the same moment: tolerate losing the race) ---------
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_notifier') THEN
        BEGIN
            CREATE ROLE predator_notifier NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_notifier_login') THEN
        BEGIN
            CREATE ROLE predator_notifier_login LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                    WHERE m.member = 'predator_notifier_login'::regrole AND m.roleid = 'predator_notifier'::regrole) THEN
        BEGIN
            GRANT predator_notifier TO predator_notifier_login;
        EXCEPTION WHEN unique_violation THEN
            NULL;
        END;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO predator_notifier_login', current_database());
    ASSERT NOT EXISTS (
        WITH RECURSIVE reach(roleid) AS (
            SELECT 'predator_notifier_login'::regrole::oid
            UNION
            SELECT m.roleid FROM reach JOIN pg_catalog.pg_auth_members m ON m.member = reach.roleid)
        SELECT FROM reach JOIN pg_catalog.pg_roles g ON g.oid = reach.roleid
         WHERE g.rolname IN ('predator_owner', 'predator_worker', 'predator_operator', 'predator_auditor')
               OR g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication OR g.rolbypassrls),
        'predator_notifier_login reaches the owner, another component''s role or a privileged role';
    ASSERT NOT (SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = 'predator_notifier'),
        'predator_notifier can log in';
END
$roles$;

SET LOCAL ROLE predator_owner;

CREATE TABLE ops.alert_outbox (
    seq          bigint      GENERATED ALWAYS AS IDENTITY CONSTRAINT alert_outbox_pk PRIMARY KEY,
    ts           timestamptz NOT NULL DEFAULT clock_timestamp(),
    business_ts  timestamptz,
    category     text        NOT NULL CONSTRAINT alert_category_is_known CHECK (category IN (
                     'halt', 'resume', 'kill_switch', 'breaker', 'stale_feed', 'risk_breach', 'withdrawal',
                     'reconciliation_mismatch', 'treasury_deficit')),
    severity     text        NOT NULL CONSTRAINT alert_severity_is_known CHECK (severity IN ('critical', 'warning', 'info')),
    book_id      integer     REFERENCES trading.account,
    account      text,
    dedup_key    text        NOT NULL CONSTRAINT alert_dedup_key_is_given CHECK (length(btrim(dedup_key)) > 0),
    title        text        NOT NULL CONSTRAINT alert_title_is_given CHECK (length(btrim(title)) > 0),
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_table text        NOT NULL,
    source_key   text        NOT NULL,
    CONSTRAINT alert_outbox_source_once UNIQUE (source_table, source_key)
);
CREATE INDEX alert_outbox_dedup_idx ON ops.alert_outbox (dedup_key, seq);
COMMENT ON TABLE ops.alert_outbox IS 'Transactional outbox of alerts (issue 16 item 5): one row per alertable event (halt, resume, kill switch, breaker trip, stale feed, risk breach, withdrawal, reconciliation turning dirty, rolling surplus turning negative), appended by the AFTER INSERT triggers of the tables recording it (ops.tg_alert__enqueue) in the same transaction. ts: wall time; business_ts: the event''s business time when it has one; book_id/account: NULL for global and lane events; dedup_key: events that are one alert for a person; source_table/source_key: the row that raised it. Append-only; not chained, outside every hash.';
COMMENT ON COLUMN ops.alert_outbox.dedup_key IS 'Events with the same key within alert_dedup_window_seconds (by ts) are delivered once per channel; later ones are recorded as deduplicated.';

CREATE TABLE ops.alert_attempt (
    alert_seq    bigint      NOT NULL CONSTRAINT alert_attempt_alert REFERENCES ops.alert_outbox,
    channel      text        NOT NULL CONSTRAINT alert_channel_is_a_name CHECK (channel ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    attempt      integer     NOT NULL CONSTRAINT alert_attempt_is_positive CHECK (attempt > 0),
    ts           timestamptz NOT NULL DEFAULT clock_timestamp(),
    ok           boolean     NOT NULL,
    status       text        NOT NULL CONSTRAINT alert_status_is_known CHECK (status IN ('delivered', 'retry', 'failed', 'deduplicated')),
    error        text        CONSTRAINT alert_error_is_bounded CHECK (length(error) <= 2000),
    duplicate_of bigint      CONSTRAINT alert_attempt_duplicate_of REFERENCES ops.alert_outbox,
    actor        text        NOT NULL DEFAULT session_user,
    CONSTRAINT alert_attempt_pk PRIMARY KEY (alert_seq, channel, attempt),
    CONSTRAINT alert_ok_means_delivered CHECK (ok = (status IN ('delivered', 'deduplicated'))),
    CONSTRAINT alert_duplicate_names_its_original CHECK ((status = 'deduplicated') = (duplicate_of IS NOT NULL))
);
CREATE UNIQUE INDEX alert_attempt_one_outcome ON ops.alert_attempt (alert_seq, channel) WHERE status <> 'retry';
CREATE INDEX alert_attempt_channel_ts_idx ON ops.alert_attempt (channel, ts);
COMMENT ON TABLE ops.alert_attempt IS 'Every delivery attempt of an alert on a notifier channel (api.record_alert_attempt): ok, status delivered | retry | failed (the attempt that reached alert_max_attempts: the alert is given up on that channel, and that is visible here and in api.alerts) | deduplicated (duplicate_of: the alert of the same key delivered within the window), the error masked (no password or token). At most one outcome other than retry per alert and channel. Append-only.';

-- Finite times (the rule of migration 0007 for every timestamptz column of the governed schemas).
ALTER TABLE ops.alert_outbox
    ADD CONSTRAINT alert_outbox_ts_is_finite CHECK (ts > '-infinity' AND ts < 'infinity'),
    ADD CONSTRAINT alert_outbox_business_ts_is_finite CHECK (business_ts > '-infinity' AND business_ts < 'infinity');
ALTER TABLE ops.alert_attempt
    ADD CONSTRAINT alert_attempt_ts_is_finite CHECK (ts > '-infinity' AND ts < 'infinity');

-- Settings of the notifier, operator settings like the others (api.set_setting).
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts'));
ALTER TABLE ops.setting ADD CONSTRAINT alert_settings_are_bounded
    CHECK ((name <> 'alert_dedup_window_seconds' OR (value >= 0 AND value <= 86400))
       AND (name <> 'alert_rate_limit_per_minute' OR (value >= 1 AND value <= 600 AND value = trunc(value)))
       AND (name <> 'alert_max_attempts' OR (value >= 1 AND value <= 20 AND value = trunc(value))));
INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('alert_dedup_window_seconds', 1, 900, 'shipped default: one alert per key and channel per 15 minutes', 'migration'),
       ('alert_rate_limit_per_minute', 1, 20, 'shipped default: at most 20 sends a minute on each channel', 'migration'),
       ('alert_max_attempts', 1, 5, 'shipped default: an alert is given up on a channel after 5 failed attempts', 'migration');
