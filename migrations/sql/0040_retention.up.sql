-- 0040_retention.up.sql — retention of Predator's files (issue 17 item 9; docs/recovery.md, "Retention").
--
-- Three operator settings (ops.setting, set with api.set_setting, audited revisions like the others) say how
-- many days `predator retention apply` keeps each class of file Predator writes under PREDATOR_HOME:
--   retention_log_days     the JSON log files (logs/predator.jsonl and the files retention rotated out of it),
--   retention_report_days  the reports (reports/: `predator report`'s HTML and Markdown, chaos campaign reports),
--   retention_chaos_days   the chaos campaigns' work directories (chaos/: plan files, worker logs);
-- whole days 0..3650, 0 = keep for ever. Nothing in the database is subject to retention: the journal and every
-- chained or append-only table refuse DELETE (ops.tg_append_only__refuse) and no login role holds DELETE on them.
--
-- Also (issue 17 item 8, the schema distributable by book; tests/integration/test_distributable.py): the foreign key
-- ops.incident_update.update_has_incident, (incident_book_id, incident_seq) -> ops.incident (book_id, seq), goes.
-- It is redundant: incident_book_id is NULL since migration 0009 or equal to book_id (CHECK
-- update_incident_book_is_its_book), and update_refers_to_incident_of_its_book, (book_id, incident_seq) ->
-- ops.incident (book_id, seq), checks every row; but it maps a column other than the book's onto the book, which
-- an engine that shards by book cannot enforce.
SET LOCAL ROLE predator_owner;

ALTER TABLE ops.incident_update DROP CONSTRAINT update_has_incident;

ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule',
                    'retention_log_days', 'retention_report_days', 'retention_chaos_days'));
ALTER TABLE ops.setting ADD CONSTRAINT retention_days_are_bounded
    CHECK (name NOT IN ('retention_log_days', 'retention_report_days', 'retention_chaos_days')
           OR (value >= 0 AND value <= 3650 AND value = trunc(value)));
INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('retention_log_days', 1, 30, 'shipped default: log files are kept 30 days', 'migration'),
       ('retention_report_days', 1, 90, 'shipped default: reports are kept 90 days', 'migration'),
       ('retention_chaos_days', 1, 30, 'shipped default: chaos campaign work directories are kept 30 days', 'migration');

COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database.';
