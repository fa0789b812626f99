-- 0030_alerts.down.sql — undoes 0030: the outbox, the attempts, the notifier's settings and, when no other
-- database of the cluster still grants it CONNECT, the notifier's roles (cluster-wide, like 0008's).
SET LOCAL session_replication_role = replica;

DO $roles$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_notifier_login') THEN
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM predator_notifier_login', current_database());
        -- The group role's grants in this database. Not DROP OWNED BY the login: that would also revoke its CONNECT
        -- on every other database of the cluster (DROP OWNED revokes privileges on shared objects), breaking the
        -- notifier of a database left at 0030 or later; the login holds nothing else here.
        DROP OWNED BY predator_notifier;
        BEGIN
            DROP ROLE predator_notifier_login, predator_notifier;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'predator_notifier roles kept: other databases of this cluster still use them';
        END;
    END IF;
END
$roles$;

SET LOCAL ROLE predator_owner;
DROP TABLE ops.alert_attempt;
DROP TABLE ops.alert_outbox;
DROP FUNCTION IF EXISTS ops.tg_alert__enqueue() CASCADE;
DROP FUNCTION IF EXISTS ops._enqueue_alert(text, text, integer, text, text, jsonb, text, text, timestamptz);
DELETE FROM ops.setting WHERE name IN ('alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts');
ALTER TABLE ops.setting DROP CONSTRAINT alert_settings_are_bounded;
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days'));
