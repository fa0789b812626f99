-- triggers/alerts.sql — the alerts outbox (migration 0030): the events' tables raise their alerts in the same
-- transaction (ops.tg_alert__enqueue, filtered by WHEN); the outbox and the attempts are append-only.
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON risk.halt_event
    FOR EACH ROW EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON ops.audit_log
    FOR EACH ROW WHEN (NEW.action = 'kill_switch') EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON risk.breaker_trip
    FOR EACH ROW EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON risk.state_event
    FOR EACH ROW WHEN (NEW.state_after = 'reducing' AND NEW.cause IN ('daily_loss_halt', 'drawdown_halt_tier', 'treasury_deficit',
                                                                     'strategy_daily_loss', 'strategy_drawdown'))
    EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON ops.venue_transfer
    FOR EACH ROW WHEN (NEW.kind = 'withdrawal') EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON ops.reconciliation
    FOR EACH ROW WHEN (NOT NEW.clean) EXECUTE FUNCTION ops.tg_alert__enqueue();
CREATE OR REPLACE TRIGGER _500_alert AFTER INSERT ON portfolio.treasury_status
    FOR EACH ROW WHEN (NEW.window_days > 1 AND NEW.complete AND NEW.surplus < 0) EXECUTE FUNCTION ops.tg_alert__enqueue();

DO $alerts_append_only$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ops.alert_outbox', 'ops.alert_attempt'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
    END LOOP;
END
$alerts_append_only$;
