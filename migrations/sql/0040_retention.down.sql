-- 0040_retention.down.sql — undoes 0040: the retention settings (their revisions are lost), and the foreign key
-- update_has_incident again.
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DELETE FROM ops.setting WHERE name IN ('retention_log_days', 'retention_report_days', 'retention_chaos_days');
ALTER TABLE ops.setting DROP CONSTRAINT retention_days_are_bounded;
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule'));
COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time (hour close, signal, fill, order event, transfer, deposit, reconciliation, venue health, candle load clock) may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency (in that currency) that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days a strategy needs on a venue before it may be registered on a live account there, 0..365.';

ALTER TABLE ops.incident_update ADD CONSTRAINT update_has_incident
    FOREIGN KEY (incident_book_id, incident_seq) REFERENCES ops.incident (book_id, seq);
