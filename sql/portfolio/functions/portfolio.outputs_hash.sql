-- portfolio.outputs_hash(p_digests jsonb) -> bytea
-- sha256 over the hour's output digests in a fixed order (signals, decisions, orders, order events,
-- fills, lots, allocations, round trips, journal, halts, reconciliations, incidents, breaker trips, strategy
-- health, horizon flags, risk state moves; a digest that is absent, as in hours closed before migrations 0016
-- and 0017, or in a book whose risk state never moved, is skipped).
CREATE OR REPLACE FUNCTION portfolio.outputs_hash(p_digests jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT sha256(convert_to(concat_ws('|',
    p_digests ->> 'trading.signal', p_digests ->> 'risk.decision', p_digests ->> 'trading.order_request',
    p_digests ->> 'trading.order_event', p_digests ->> 'trading.fill', p_digests ->> 'trading.lot',
    p_digests ->> 'trading.lot_allocation', p_digests ->> 'trading.round_trip', p_digests ->> 'ledger.journal',
    p_digests ->> 'risk.halt_event', p_digests ->> 'ops.reconciliation',
    p_digests ->> 'ops.incident', p_digests ->> 'risk.breaker_trip',
    p_digests ->> 'risk.strategy_health', p_digests ->> 'risk.horizon_flag', p_digests ->> 'risk.state_event',
    p_digests ->> 'trading.fill_void'),
    'UTF8')) $$;

COMMENT ON FUNCTION portfolio.outputs_hash(jsonb) IS 'sha256 over the output digests of an hour, in a fixed order.';
