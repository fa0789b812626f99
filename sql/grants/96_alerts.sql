-- grants/96_alerts.sql — the alerts outbox (migration 0030, issue 16 item 5): the notifier reads the alerts not yet
-- settled and records its attempts, through two routines and nothing else (no table, no other view, no write of
-- any governed table). The worker, the operator and the auditor read api.alerts and api.alert_attempts like every
-- api view (grants/00_core.sql).
GRANT USAGE ON SCHEMA api TO predator_notifier;
GRANT EXECUTE ON FUNCTION
    api.alerts_pending(text[], integer),
    api.record_alert_attempt(bigint, text, boolean, text, bigint)
TO predator_notifier;
GRANT SELECT ON api.settings TO predator_notifier;   -- the dedup window, rate limit and attempts it works with
