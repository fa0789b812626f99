-- triggers.sql — every trigger, re-created on each migrate. Names _NNN_<purpose> show firing order.

-- Hash-chained append-only tables: chain on insert, refuse UPDATE/DELETE/TRUNCATE.
DO $chain$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM ops.chained_tables() LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _900_chain BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append(%s)',
                       r.tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(r.extra_exclude) c));
        IF r.tbl <> 'trading.lot' THEN
            EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', r.tbl);
        END IF;
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', r.tbl);
    END LOOP;
END
$chain$;

-- Append-only tables without a chain of their own.
DO $append_only$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ledger.posting', 'market.candle', 'market.candle_load', 'market.candle_quarantine',
                             'market.candle_correction', 'risk.limit_setting', 'ops.run',
                             'risk.breaker_setting', 'ops.setting',
                             'portfolio.hour_knowledge', 'risk.shadow_pair', 'risk.shadow_comparison',
                             'risk.lane_pool_setting', 'risk.arbitration_setting', 'portfolio.strategy_hour',
                             'trading.book_currency', 'ledger.operating_cost',
                             'ops.approval_request', 'ops.approval', 'ops.approval_use', 'risk.limit_policy',
                             'risk.safe_mode_template', 'risk.safe_mode_limit', 'ops.safe_mode_application',
                             'ops.safe_mode_revert'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
    END LOOP;
END
$append_only$;

-- Candle partitions inherit the row triggers of market.candle but not its statement-level TRUNCATE trigger;
-- market.ensure_partitions gives each new partition its own, and this covers the partitions that exist.
DO $candle_partitions$
DECLARE
    v_part regclass;
BEGIN
    FOR v_part IN SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i
                   WHERE i.inhparent = 'market.candle'::regclass
                     AND EXISTS (SELECT FROM pg_catalog.pg_partitioned_table t WHERE t.partrelid = 'market.candle'::regclass) LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', v_part);
    END LOOP;
END
$candle_partitions$;

-- Lots: only remaining may change, only downwards; never deleted.
CREATE OR REPLACE TRIGGER _010_guard BEFORE UPDATE ON trading.lot
    FOR EACH ROW EXECUTE FUNCTION trading.tg_lot__guard();
CREATE OR REPLACE TRIGGER _011_append_only BEFORE DELETE ON trading.lot
    FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();

-- Round trips: one per book, symbol and trip number, besides those a void of their closing sell took back.
CREATE OR REPLACE TRIGGER _100_check BEFORE INSERT ON trading.round_trip
    FOR EACH ROW EXECUTE FUNCTION trading.tg_round_trip__check();

-- Ledger: continuity and chain per (book, account, currency); double entry per statement and at commit.
CREATE OR REPLACE TRIGGER _100_chain BEFORE INSERT ON ledger.posting
    FOR EACH ROW EXECUTE FUNCTION ledger.tg_posting__chain();
CREATE OR REPLACE TRIGGER _200_balanced AFTER INSERT ON ledger.posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger.tg_posting__balanced();
DROP TRIGGER IF EXISTS _300_complete ON ledger.transaction;
CREATE CONSTRAINT TRIGGER _300_complete AFTER INSERT ON ledger.transaction
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger.tg_transaction__complete();

-- Orders: halt and instrument check on creation; state machine on every event; fill sanity.
CREATE OR REPLACE TRIGGER _100_check BEFORE INSERT ON trading.order_request
    FOR EACH ROW EXECUTE FUNCTION trading.tg_order_request__check();
CREATE OR REPLACE TRIGGER _100_apply BEFORE INSERT ON trading.order_event
    FOR EACH ROW EXECUTE FUNCTION trading.tg_order_event__apply();
CREATE OR REPLACE TRIGGER _100_check BEFORE INSERT ON trading.fill
    FOR EACH ROW EXECUTE FUNCTION trading.tg_fill__check();

-- Candle loads: the load's clock (the business time future bars are gated against) is bounded by the
-- wall clock plus the operator's skew (PD015).
CREATE OR REPLACE TRIGGER _100_clock BEFORE INSERT ON market.candle_load
    FOR EACH ROW EXECUTE FUNCTION market.tg_candle_load__clock();
