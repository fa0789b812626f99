-- 0035_approvals down — the approvals, limit policy and safe-mode tables, the two_person_rule setting, and
-- predator_approver_login's CONNECT on this database. The login itself is kept: roles are the cluster's, and
-- another database migrated to 0035 (a test template's copies, which carry no CONNECT grant of their own) may be
-- using it at this moment; without grants it can do nothing here.
SET LOCAL session_replication_role = replica;
DO $roles$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_approver_login') THEN
        -- Its one grant in this database. Not DROP OWNED BY: that also revokes privileges on shared objects, its
        -- CONNECT on every other database of the cluster included.
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM predator_approver_login', current_database());
    END IF;
END
$roles$;

SET LOCAL ROLE predator_owner;
DROP TABLE ops.safe_mode_revert;
DROP TABLE ops.safe_mode_application;
DROP TABLE risk.safe_mode_limit;
DROP TABLE risk.safe_mode_template;
DROP TABLE risk.limit_policy;
DROP TABLE ops.approval_use;
DROP TABLE ops.approval;
DROP TABLE ops.approval_request;
DELETE FROM ops.setting WHERE name = 'two_person_rule';
ALTER TABLE ops.setting DROP CONSTRAINT two_person_rule_is_0_or_1;
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts'));
