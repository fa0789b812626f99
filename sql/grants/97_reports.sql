-- grants/97_reports.sql — the period reads of the daily report and the metrics exporter (issue 16 items 6 and 8):
-- read-only, for the worker, the operator and the auditor (the report and the exporter read as the auditor).
-- api.venue_health and api.hour_closes are read like every api view (grants/00_core.sql).
GRANT EXECUTE ON FUNCTION
    api.execution_quality(text, timestamptz, timestamptz),
    api.venue_errors(text, timestamptz, timestamptz),
    api.reconciliation_status(text, timestamptz, timestamptz),
    api.balance_changes(text, timestamptz, timestamptz, text),
    api.limit_breaches(text, timestamptz, timestamptz)
TO predator_worker, predator_auditor;
