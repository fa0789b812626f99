-- ops.chained_tables() -> (tbl, extra_exclude)
-- Registry of every hash-chained append-only table and the mutable columns its hash leaves out.
-- sql/triggers/chain.sql attaches the chain trigger to each; api.verify_chains() walks each.
-- ops.audit_log.correlation_id (caller-supplied, random per console request) is left out like a wall-clock time.
-- ledger.posting is chained per (book, account, currency) by its own trigger and is listed apart. The model
-- registry (ml.*, migration 0043) is chained in book 0, the control plane.
CREATE OR REPLACE FUNCTION ops.chained_tables()
RETURNS TABLE (tbl text, extra_exclude text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES ('trading.signal', '{}'::text[]),
           ('risk.decision', '{}'),
           ('trading.order_request', '{}'),
           ('trading.order_event', '{}'),
           ('trading.fill', '{}'),
           ('trading.lot', '{remaining}'),
           ('trading.lot_allocation', '{}'),
           ('trading.round_trip', '{}'),
           ('ledger.transaction', '{}'),
           ('portfolio.hourly_state', '{}'),
           ('risk.halt_event', '{}'),
           ('ops.audit_log', '{correlation_id}'),
           ('ops.reconciliation', '{}'),
           ('ops.incident', '{}'),
           ('ops.incident_update', '{}'),
           ('risk.breaker_trip', '{}'),
           ('ops.venue_health', '{}'),
           ('ops.venue_transfer', '{}'),
           ('ops.validation_run', '{}'),
           ('ops.replay_run', '{}'),
           ('risk.strategy_health', '{}'),
           ('risk.horizon_flag', '{}'),
           ('risk.state_event', '{}'),
           ('ledger.treasury_transfer', '{}'),
           ('portfolio.treasury_status', '{}'),
           ('ops.transfer_posting', '{}'),
           ('trading.fill_void', '{}'),
           ('ml.model', '{}'),
           ('ml.trial', '{}'),
           ('ml.fold_metric', '{}'),
           ('ml.promotion', '{}')
$$;

COMMENT ON FUNCTION ops.chained_tables() IS 'The hash-chained append-only tables (chain per book) and the columns their row hash excludes besides ops.hash_excluded_columns(). ledger.posting is chained per (book, account, currency) separately.';
