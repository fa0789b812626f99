-- api.register_run(p_run_id, p_account, p_kind, p_config, p_dataset_hash) -> text (run_id)
-- Worker. Registers a run of the hour runner with the configuration that reproduces it (symbols,
-- strategy and parameters, venue model and seed, period) and the hash of its dataset. Idempotent for
-- the same configuration; PD010 when the id is reused with a different one.
CREATE OR REPLACE FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
    v_run  ops.run;
BEGIN
    SELECT * INTO v_run FROM ops.run r WHERE r.run_id = p_run_id;
    IF FOUND THEN
        IF v_run.book_id <> v_acct.book_id OR v_run.kind <> p_kind OR v_run.config <> p_config
           OR v_run.dataset_hash IS DISTINCT FROM p_dataset_hash THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('run %s refused: it is registered with another configuration', p_run_id),
                HINT = 'Resume a run with exactly its configuration, or start a new run id.';
        END IF;
        RETURN p_run_id;
    END IF;
    INSERT INTO ops.run (run_id, book_id, kind, config, dataset_hash) VALUES (p_run_id, v_acct.book_id, p_kind, p_config, p_dataset_hash);
    RETURN p_run_id;
END
$$;

COMMENT ON FUNCTION api.register_run(text, text, text, jsonb, text) IS 'Worker: registers a runner run (configuration and dataset hash); idempotent, PD010 on a reused id with another configuration.';
