-- grants/00_core.sql — privileges of the core, re-applied on every migrate. DESIGN.md §2: the owner owns everything; the
-- worker may only execute worker procedures and read api views; the operator may also execute operator
-- procedures; the auditor reads everything and runs the gates; no login role writes a governed table.
REVOKE ALL ON ALL TABLES IN SCHEMA market, trading, ledger, risk, portfolio, ops, api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA market, trading, ledger, risk, portfolio, ops, api FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA market, trading, ledger, risk, portfolio, ops FROM PUBLIC;
REVOKE ALL ON SCHEMA market, trading, ledger, risk, portfolio, ops, api FROM PUBLIC;

GRANT USAGE ON SCHEMA api TO predator_worker, predator_operator, predator_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO predator_worker, predator_operator, predator_auditor;

-- Worker procedures (the operator inherits them through role membership).
GRANT EXECUTE ON FUNCTION
    api.submit_signal(text, text, text, timestamptz, text, numeric, numeric, timestamptz, numeric, text, numeric, text),
    api.record_order_event(text, text, timestamptz, text, text),
    api.record_fill(text, text, numeric, numeric, numeric, text, text, timestamptz),
    api.close_hour(text, timestamptz),
    api.close_hours(text, timestamptz[], text[], jsonb, text[], integer[], integer[]),
    api.begin_candle_load(),
    api.load_candles(uuid, text, text, text, text, timestamptz, integer),
    api.register_run(text, text, text, jsonb, text),
    api.verify_chains(),
    api.verify_book_chains(integer),
    api.hour_digests(text, timestamptz, timestamptz)
TO predator_worker;

-- Operator procedures.
GRANT EXECUTE ON FUNCTION
    api.create_account(text, text, text, text, text, numeric, text, text),
    api.deposit(text, numeric, timestamptz, text, text, text),
    api.register_strategy(text, text, jsonb, text, text, integer),
    api.pause_strategy(text, text, text),
    api.resume_strategy(text, text, text),
    api.set_limit(text, text, text, numeric, text, text),
    api.halt(text, text, text),
    api.resume(text, text, text, text[])
TO predator_operator;

-- Auditor: read everything, run the gates and the chain verification; write nothing.
GRANT USAGE ON SCHEMA market, trading, ledger, risk, portfolio, ops TO predator_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA market, trading, ledger, risk, portfolio, ops TO predator_auditor;
GRANT EXECUTE ON FUNCTION
    api.verify_chains(),
    api.verify_book_chains(integer),
    api.hour_digests(text, timestamptz, timestamptz),
    ops.genesis_hash(), ops.hash_excluded_columns(), ops.canonical(jsonb, text[]), ops.row_hash(bytea, jsonb, text[]),
    ops.chained_tables(), market.interval_seconds(text), market.last_bar(text, text, timestamptz),
    portfolio.window_digests(integer, jsonb, jsonb, boolean), portfolio.outputs_hash(jsonb),
    risk.current_limits(text), risk.cap(jsonb, text, text, numeric)
TO predator_auditor;
